import * as fs from 'fs';
import * as path from 'path';
import { scanForSecrets } from './secrets';

const ROOT = path.resolve(__dirname, '..');

/**
 * The secret scanner over everything the run wrote (TMPDIR of every test and subprocess), the
 * committed `dist/` and the README examples: any secret value outside the plaintext opt-in
 * fails the run.
 */
export default function globalTeardown(): void {
  const tmp = process.env.CDK8S_KSERVE_TEST_TMP;
  const roots = [path.join(ROOT, 'dist'), path.join(ROOT, '.readme-examples'), ...tmp ? [tmp] : []];
  const leaks = scanForSecrets(roots);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  if (leaks.length > 0) {
    const lines = leaks.map(l => `  ${path.relative(ROOT, l.file) || l.file}: ${l.what}`);
    throw new Error(`secret scanner: ${leaks.length} secret value${leaks.length === 1 ? '' : 's'} outside the plaintext opt-in:\n${lines.join('\n')}`);
  }
  process.stdout.write(`secret scanner: no secret values in ${roots.length} folders written by the run\n`);
}
