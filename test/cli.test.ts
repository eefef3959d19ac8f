/**
 * The `cdk8s-kserve infer` CLI against real HTTP servers on 127.0.0.1 (loopback only; every run
 * is bounded in count and time).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../lib/cli';
import { startV2Server, V2Server } from './v2-server';

const ROOT = path.resolve(__dirname, '..');
const REQUEST = path.join(ROOT, 'dist', 'prod', 'example_inputs', 'test.json');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: t => { out += t; }, err: t => { err += t; } });
  return { code, out, err };
}

describe('cdk8s-kserve infer', () => {
  let server: V2Server;
  afterEach(() => server?.close());

  test('sends the request with Host, Content-Type, x-request-id and ce-id, prints outputs and latency', async () => {
    server = await startV2Server();
    const r = await cli('infer', server.url, '--host', 'test.default.example.com', '--model', 'test', '--data', REQUEST, '--request-id', 'req-42');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^POST ${server.url}/v2/models/test/infer \\(Host: test.default.example.com\\)\\nHTTP 200 in [\\d.]+ ms \\(x-request-id req-42\\)\\noutputs:\\n  OUTPUT__0 FP32 \\[1,3\\]: \\[0.1,0.7,0.2\\]\\n$`));
    expect(server.received).toHaveLength(1);
    const got = server.received[0];
    expect(got).toMatchObject({ method: 'POST', url: '/v2/models/test/infer' });
    expect(got.headers).toMatchObject({ 'host': 'test.default.example.com', 'content-type': 'application/json', 'x-request-id': 'req-42', 'ce-id': 'req-42' });
    expect(got.body).toBe(fs.readFileSync(REQUEST, 'utf8'));
  });

  test('an HTTP error status exits 1 and prints the server\'s error body', async () => {
    server = await startV2Server(() => ({ status: 400, body: '{"error":"unexpected inference input \'measurements\'"}' }));
    const r = await cli('infer', `${server.url}/`, '--model', 'test', '--data', REQUEST);
    expect(r.code).toBe(1);
    expect(r.out).toContain('HTTP 400 in');
    expect(r.out).toContain('{"error":"unexpected inference input \'measurements\'"}');
    // A trailing slash on the URL does not double the path separator.
    expect(server.received[0].url).toBe('/v2/models/test/infer');
  });

  test('--count sends that many requests, each with its own id, and reports latency figures and failures', async () => {
    let n = 0;
    server = await startV2Server(() => (++n === 3 ? { status: 503, body: 'overloaded' } : { status: 200, body: '{"outputs":[]}' }));
    const r = await cli('infer', server.url, '--model', 'test', '--data', REQUEST, '--count', '5');
    expect(r.code).toBe(1);
    expect(server.received).toHaveLength(5);
    expect(new Set(server.received.map(x => x.headers['x-request-id'])).size).toBe(5);
    expect(r.out).toMatch(/^3\/5 HTTP 503 /m);
    expect(r.out).toMatch(/^5 requests, 1 failed; latency ms: min [\d.]+, p50 [\d.]+, p90 [\d.]+, max [\d.]+$/m);
  });

  test('the reported latency includes the server\'s time', async () => {
    const slow = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => setTimeout(() => res.end('{"outputs":[]}'), 80));
    });
    await new Promise<void>(resolve => slow.listen(0, '127.0.0.1', resolve));
    try {
      const r = await cli('infer', `http://127.0.0.1:${(slow.address() as AddressInfo).port}`, '--model', 'test', '--data', REQUEST);
      expect(r.code).toBe(0);
      expect(Number(/HTTP 200 in ([\d.]+) ms/.exec(r.out)![1])).toBeGreaterThanOrEqual(80);
    } finally {
      await new Promise(resolve => slow.close(resolve));
    }
  });

  test('a body that breaks the v2 rules is not sent', async () => {
    server = await startV2Server();
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-')), 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3] }] }));
    const r = await cli('infer', server.url, '--model', 'test', '--data', bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain('breaks the v2 rules (--no-check sends it anyway):\n  inputs[0].data ("3 elements") must have 4 elements, the product of shape [2,2]');
    expect(server.received).toHaveLength(0);
    // --no-check sends it.
    expect((await cli('infer', server.url, '--model', 'test', '--data', bad, '--no-check')).code).toBe(0);
    expect(server.received).toHaveLength(1);
  });

  test.each([
    [['infer'], 'give exactly one <url>'],
    [['infer', 'localhost:8080', '--model', 'm', '--data', REQUEST], '<url> (localhost:8080) must start with http:// or https://'],
    [['infer', 'http://127.0.0.1:1', '--data', REQUEST], 'give --model (or --path)'],
    [['infer', 'http://127.0.0.1:1', '--model', 'm'], 'give --data <request.json>'],
    [['infer', 'http://127.0.0.1:1', '--model', 'm', '--data', REQUEST, '--count', '0'], '--count must be a whole number from 1 to 10000'],
    [['infer', 'http://127.0.0.1:1', '--model', 'm', '--data', '/nonexistent.json'], '--data /nonexistent.json: ENOENT'],
    [['infer', 'http://127.0.0.1:1', '--modle', 'm'], 'unknown option --modle'],
    [['serve'], 'unknown command serve'],
  ])('usage error %j: exit 2 with the reason and the usage', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('usage: cdk8s-kserve infer');
  });

  test('a refused connection and a server that never answers exit 2 with the reason', async () => {
    server = await startV2Server();
    const port = server.port;
    await server.close();
    const refused = await cli('infer', `http://127.0.0.1:${port}`, '--model', 'm', '--data', REQUEST);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`connect ECONNREFUSED 127.0.0.1:${port}`);

    const silent = http.createServer(() => { /* never answers */ });
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    try {
      const r = await cli('infer', `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, '--model', 'm', '--data', REQUEST, '--timeout', '0.2');
      expect(r.code).toBe(2);
      expect(r.err).toContain('no response within 0.2 s');
    } finally {
      silent.closeAllConnections();
      await new Promise(resolve => silent.close(resolve));
    }
  });

  test('the package bin runs the same CLI and sets the exit code', async () => {
    server = await startV2Server();
    const run = (args: string[]) => new Promise<{ code: number; stdout: string }>(resolve => {
      execFile(process.execPath, [path.join(ROOT, 'bin', 'cdk8s-kserve.js'), ...args], { encoding: 'utf8', timeout: 20_000 },
        (error, stdout) => resolve({ code: error ? (error as any).code : 0, stdout }));
    });
    const ok = await run(['infer', server.url, '--model', 'test', '--data', REQUEST]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('HTTP 200');
    expect((await run(['infer'])).code).toBe(2);
  }, 30_000);
});
