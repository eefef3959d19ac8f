import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { crdProblems, crdsDir, crdsMessage } from '../scripts/crds';

/**
 * Checks that the CRD schemas are there, quiets the library's warning output, and points TMPDIR of the whole run (Jest workers and every subprocess inherit it) at one fresh
 * folder, so that test/global-teardown.ts can scan every file the tests wrote.
 */
export default function globalSetup(): void {
  // Without the CRDs every schema check would fail on its own: say it once, with what to do.
  const crds = crdsDir();
  const problems = crdProblems(crds);
  if (problems.length > 0) throw new Error(crdsMessage(crds, problems));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-jest-'));
  process.env.CDK8S_KSERVE_TEST_TMP = root;
  // synthToDirectory prints warnings by default; the hundreds of synths here would flood the log
  // (test/synth.test.ts checks the printing with the variable unset).
  process.env.CDK8S_KSERVE_QUIET = '1';
  process.env.TMPDIR = root;
}
