/**
 * `npm test`'s first check: the CRD schemas are there. Without them every schema test would
 * fail on its own; this prints one message with what to do and exits 1.
 */
import { crdProblems, crdsDir, crdsMessage } from './crds';

const dir = crdsDir();
const problems = crdProblems(dir);
if (problems.length > 0) {
  process.stderr.write(`${crdsMessage(dir, problems)}\n`);
  process.exitCode = 1;
}
