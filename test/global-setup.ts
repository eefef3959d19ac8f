import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Points TMPDIR of the whole run (Jest workers and every subprocess inherit it) at one fresh
 * folder, so that test/global-teardown.ts can scan every file the tests wrote.
 */
export default function globalSetup(): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-jest-'));
  process.env.CDK8S_KSERVE_TEST_TMP = root;
  process.env.TMPDIR = root;
}
