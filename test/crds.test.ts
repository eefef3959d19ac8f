/**
 * Where the CRDs come from: the fail-fast message of a checkout without them, and
 * `npm run fetch:crds` against a server on 127.0.0.1 that serves the pinned upstream paths.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { CRD_FILES, crdProblems, crdsDir, crdsMessage } from '../scripts/crds';
import globalSetup from './global-setup';

const ROOT = path.resolve(__dirname, '..');

/** A server that answers `/<repo>/<tag>/<path>` with the local copy of that pinned file, optionally altered. */
async function upstream(alter: (file: string, bytes: Buffer) => Buffer = (_, b) => b): Promise<{ url: string; close: () => Promise<void> }> {
  const byUrl = new Map(CRD_FILES.map(f => [`/${f.repo}/${f.tag}/${f.path}`, f.file]));
  const server = http.createServer((req, res) => {
    const file = byUrl.get(req.url ?? '');
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(alter(file, fs.readFileSync(path.join(crdsDir(), file))));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise(resolve => server.close(() => resolve())) };
}

function fetchCrds(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'fetch-crds.ts'), ...args], { cwd: ROOT, encoding: 'utf8' },
    (error, stdout, stderr) => resolve({ code: error ? (error as any).code : 0, stdout, stderr })));
}

describe('the CRD folder', () => {
  test('the one beside this checkout (or CDK8S_KSERVE_CRDS) has every pinned file, byte for byte', () => {
    expect(crdProblems(crdsDir())).toEqual([]);
  });

  test('without it, the test run stops at once with one message saying how to get the files', () => {
    const was = process.env.CDK8S_KSERVE_CRDS;
    process.env.CDK8S_KSERVE_CRDS = path.join(os.tmpdir(), 'no-crds-here');
    try {
      expect(() => globalSetup()).toThrow(crdsMessage(path.join(os.tmpdir(), 'no-crds-here'), CRD_FILES.map(f => `${f.file} is missing`)));
      expect(crdsMessage('/x', ['a is missing'])).toContain('run npm run fetch:crds');
    } finally {
      if (was === undefined) delete process.env.CDK8S_KSERVE_CRDS;
      else process.env.CDK8S_KSERVE_CRDS = was;
    }
  });
});

describe('npm run fetch:crds', () => {
  test('downloads every pinned file and checks its sha256', async () => {
    const server = await upstream();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-'));
    try {
      const r = await fetchCrds(['--out', out, '--base-url', server.url]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(crdProblems(out)).toEqual([]);
      // Run again: nothing to fetch.
      expect((await fetchCrds(['--out', out, '--base-url', server.url])).stdout).toBe('');
    } finally {
      await server.close();
    }
  }, 60_000);

  test('a file whose bytes differ from the pinned ones is not written, and the run fails', async () => {
    const bad = CRD_FILES[0].file;
    const server = await upstream((file, bytes) => (file === bad ? Buffer.concat([bytes, Buffer.from('# tampered\n')]) : bytes));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-'));
    try {
      const r = await fetchCrds(['--out', out, '--base-url', server.url]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^not written: ${bad.replace(/[.]/g, '\\.')} from http://127\\.0\\.0\\.1:\\d+/kserve/kserve/v0\\.11\\.2/config/crd/serving\\.kserve\\.io_inferenceservices\\.yaml: sha256 [0-9a-f]{64}, expected ${CRD_FILES[0].sha256}\\n$`));
      expect(fs.existsSync(path.join(out, bad))).toBe(false);
      expect(crdProblems(out)).toEqual([`${bad} is missing`]);
    } finally {
      await server.close();
    }
  }, 60_000);
});
