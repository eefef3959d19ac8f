/**
 * The `cdk8s-kserve infer` and `loadtest` commands against real HTTP servers on 127.0.0.1 (loopback only; every run
 * is bounded in count and time).
 */
import { execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { InferenceServiceChart, synthToDirectory, V2Datatype } from '../lib';
import { formatAdvice } from '../lib/loadtest';
import { runCli } from '../lib/cli';
import { KubeApiStub, startKubeApiStub } from './kube-api-stub';
import { closeAll, startV2Server, V2Server } from './v2-server';

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

  test('the CLI loads only lib/cli.ts, lib/loadtest/ and lib/contract/: not cdk8s, the constructs or the CRD schemas', () => {
    const script = `require('tsx/cjs'); require(${JSON.stringify(path.join(ROOT, 'lib', 'cli.ts'))}); console.log(JSON.stringify(Object.keys(require.cache)));`;
    const loaded: string[] = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }))
      .map((f: string) => path.relative(ROOT, f));
    const ours = loaded.filter(f => !f.startsWith('node_modules'));
    expect(ours).toContain(path.join('lib', 'cli.ts'));
    expect(ours.filter(f => !/^lib\/(cli\.ts$|loadtest\/|contract\/)/.test(f))).toEqual([]);
    expect(loaded.filter(f => /^node_modules\/(cdk8s|constructs|cdk8s-plus-27)\//.test(f))).toEqual([]);
  });
});

describe('cdk8s-kserve loadtest', () => {
  const DIST = path.join(ROOT, 'dist', 'prod');
  const TARGETS = JSON.parse(fs.readFileSync(path.join(DIST, 'loadtest', 'targets.json'), 'utf8')).inferenceServices[0];
  let server: V2Server | undefined;
  let kube: KubeApiStub | undefined;
  afterEach(async () => {
    await closeAll(server, kube);
    server = kube = undefined;
  });
  const outDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'loadtest-'));
  const read = (dir: string) => ({
    json: JSON.parse(fs.readFileSync(path.join(dir, 'result.json'), 'utf8')),
    html: fs.readFileSync(path.join(dir, 'report.html'), 'utf8'),
  });

  test('--from an output folder: the entry host and example request, figures printed and written', async () => {
    server = await startV2Server(undefined, { latencyMs: 10 });
    const out = outDir();
    const r = await cli('loadtest', server.url, '--from', DIST, '--count', '30', '--connections', '3', '--out', out, '--no-pods');
    expect(r.code).toBe(0);
    expect(server.received).toHaveLength(30);
    for (const x of server.received) {
      expect(x.headers.host).toBe(TARGETS.targets.entry.host);
      expect(x.url).toBe(TARGETS.targets.entry.path);
      expect(x.body).toBe(fs.readFileSync(path.join(DIST, TARGETS.targets.entry.request), 'utf8'));
    }
    expect(r.out).toMatch(new RegExp([
      `^POST ${server.url}/v2/models/test/infer \\(Host: test.default.example.com\\) with ${DIST}/example_inputs/test.json`,
      'pods not counted: --no-pods',
      '3 concurrent clients, for 30 requests',
      '30 sent, 30 answered, 30 ok, 0 failed in [\\d.]+ s: [\\d.]+ rps \\([\\d.]+ ok\\)',
      'latency ms \\(30 ok\\): min [\\d.]+, mean [\\d.]+, p50 [\\d.]+, p90 [\\d.]+, p95 [\\d.]+, p99 [\\d.]+, max [\\d.]+',
      'HTTP status: 200 ×30',
      'pods not counted: --no-pods',
      `wrote ${out}/result.json and ${out}/report.html`,
      '$',
    ].join('\\n')));
    const { json, html } = read(out);
    expect(json).toMatchObject({ kind: 'loadtest', target: 'default/test entry', result: { requests: { sent: 30, ok: 30 }, target: { host: 'test.default.example.com' } } });
    // The reason is written too, and the report gives it instead of guessing one.
    expect(json.result.pods.note).toBe('pods not counted: --no-pods');
    expect(html).toContain('<p class="note" id="pods">Pods were not counted: --no-pods.</p>');
    // The printed figures are the written ones.
    expect(r.out).toContain(`p95 ${json.result.latencyMs.p95.toFixed(1)},`);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg" id="latency"');
    // Progress goes to stderr, once a second (this run is shorter than a second, or prints lines).
    expect(r.err).toMatch(/^(|(\s+\d+ s {2}sent \d+ {2}ok \d+ {2}failed \d+ {2}in flight \d+ {2}\d+ rps {2}p95 [\d.-]+ ms\n)+)$/);
  }, 20_000);

  test('--component predictor at a --rate: the predictor\'s host and request, rate × duration requests', async () => {
    server = await startV2Server();
    const out = outDir();
    const r = await cli('loadtest', server.url, '--from', DIST, '--component', 'predictor', '--rate', '20', '--duration', '1', '--out', out, '--no-pods');
    expect(r.code).toBe(0);
    expect(server.received).toHaveLength(20);
    expect(server.received[0].headers.host).toBe(TARGETS.targets.predictor.host);
    expect(server.received[0].body).toBe(fs.readFileSync(path.join(DIST, 'example_inputs', 'test-predictor.json'), 'utf8'));
    expect(r.out).toContain('20 requests per second, for 1 s\n20 sent, 20 answered, 20 ok, 0 failed');
  }, 20_000);

  test('exit 1 when failures exceed --max-error-rate or p95 misses --slo-p95', async () => {
    server = await startV2Server(undefined, { errorRate: 0.25, latencyMs: 20 });
    const failing = await cli('loadtest', server.url, '--from', DIST, '--count', '8', '--connections', '2', '--out', outDir(), '--no-pods', '--max-error-rate', '0.1');
    expect(failing.code).toBe(1);
    expect(failing.out).toContain('HTTP status: 200 ×6, 503 ×2\nfailures: HTTP 503 ×2 (first: x-request-id ');
    expect(failing.out).toContain('FAIL: 25.00 % of requests failed (allowed: 10 %)\n');
    const allowed = await cli('loadtest', server.url, '--from', DIST, '--count', '8', '--connections', '2', '--out', outDir(), '--no-pods', '--max-error-rate', '0.3');
    expect(allowed.code).toBe(0);
    const slow = await cli('loadtest', server.url, '--from', DIST, '--count', '4', '--out', outDir(), '--no-pods', '--max-error-rate', '0.5', '--slo-p95', '5');
    expect(slow.code).toBe(1);
    expect(slow.out).toMatch(/FAIL: p95 [\d.]+ ms is over the objective of 5 ms\n/);
  }, 20_000);

  test('--ids: request ids from a file, in turn, in both id headers', async () => {
    server = await startV2Server();
    const ids = path.join(outDir(), 'ids.csv');
    fs.writeFileSync(ids, 'id-a\nid-b\n\nid-c\n');
    const r = await cli('loadtest', server.url, '--from', DIST, '--count', '5', '--connections', '1', '--ids', ids, '--out', outDir(), '--no-pods');
    expect(r.code).toBe(0);
    expect(server.received.map(x => [x.headers['x-request-id'], x.headers['ce-id']])).toEqual(
      ['id-a', 'id-b', 'id-c', 'id-a', 'id-b'].map(id => [id, id]));
  }, 20_000);

  test('without --from: --host, --model and --data, and pods of --isvc in --namespace through the real kubectl', async () => {
    kube = await startKubeApiStub(() => [
      { name: 'p', labels: { 'serving.kserve.io/inferenceservice': 'vision', 'component': 'predictor' }, ready: true },
    ]);
    server = await startV2Server();
    const out = outDir();
    const r = await cli('loadtest', server.url, '--host', 'vision.ml.example.com', '--model', 'vision', '--data', REQUEST,
      '--namespace', 'ml', '--kubeconfig', kube.kubeconfig, '--count', '6', '--out', out);
    expect(r.code).toBe(0);
    expect(server.received[0]).toMatchObject({ url: '/v2/models/vision/infer', headers: { host: 'vision.ml.example.com' } });
    expect(kube.podQueries[0]).toBe('ml?serving.kserve.io/inferenceservice=vision');
    expect(r.out).toMatch(/\npods ready \(all\) over \d+ samples: transformer 0 \(0\), predictor 1 \(1\)\n/);
    expect(read(out).json.result.pods).toMatchObject({ sampled: true, components: ['transformer', 'predictor'] });
  }, 20_000);

  test('no kubeconfig and no cluster: pods are not counted and kubectl never runs (it would call localhost:8080, the gateway\'s port-forward)', async () => {
    server = await startV2Server();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'home-'));
    const marker = path.join(home, 'kubectl-ran');
    const kubectl = path.join(home, 'kubectl');
    fs.writeFileSync(kubectl, `#!/bin/sh\ntouch ${marker}\necho '{"items":[]}'\n`, { mode: 0o755 });
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.KUBECONFIG;
    delete env.KUBERNETES_SERVICE_HOST;
    const out = outDir();
    const run = await new Promise<{ code: number; stdout: string }>(resolve => execFile(process.execPath, [path.join(ROOT, 'bin', 'cdk8s-kserve.js'), 'loadtest', server!.url,
      '--from', DIST, '--count', '3', '--connections', '1', '--kubectl', kubectl, '--out', out], { env, encoding: 'utf8' }, (e, stdout) => resolve({ code: e ? (e as any).code : 0, stdout })));
    expect(run.code).toBe(0);
    const why = 'pods not counted: no kubeconfig (--kubeconfig, KUBECONFIG or ~/.kube/config) and not in a cluster; kubectl would call localhost:8080 instead';
    expect(run.stdout).toContain(`\n${why}\n`);
    expect(fs.existsSync(marker)).toBe(false);
    expect(read(out).json.result.pods).toEqual({ sampled: false, note: why, components: ['transformer', 'predictor'], samples: [] });
    // With a kubeconfig in ~/.kube, kubectl runs.
    fs.mkdirSync(path.join(home, '.kube'));
    fs.writeFileSync(path.join(home, '.kube', 'config'), 'apiVersion: v1\nkind: Config\n');
    await new Promise(resolve => execFile(process.execPath, [path.join(ROOT, 'bin', 'cdk8s-kserve.js'), 'loadtest', server!.url,
      '--from', DIST, '--count', '3', '--connections', '1', '--kubectl', kubectl, '--out', outDir()], { env }, resolve));
    expect(fs.existsSync(marker)).toBe(true);
  }, 20_000);

  test('--steps: a saturation run that prints the advice as props and writes it to the report', async () => {
    server = await startV2Server(undefined, { latencyMs: 20, workers: 1 });
    const out = outDir();
    const r = await cli('loadtest', server.url, '--from', DIST, '--component', 'predictor', '--steps', '5,10,100', '--duration', '1',
      '--slo-p95', '150', '--peak-rps', '60', '--baseline-rps', '5', '--out', out, '--no-pods');
    expect(r.code).toBe(0);
    expect(r.out).toContain('saturation run: 5, 10, 100 requests per second, 1 s each, objective p95 ≤ 150 ms\n');
    expect(r.out).toMatch(/\nstep 5 rps: [\d.]+ answered per second, p95 [\d.]+ ms, 0\.0 % failed\nstep 10 rps: .*\nstep 100 rps: .* — past saturation: .*\n/);
    const { json, html } = read(out);
    expect(json.kind).toBe('saturation');
    expect(json.saturation.steps.map((s: any) => s.offeredRps)).toEqual([5, 10, 100]);
    const advice = formatAdvice(json.advice);
    expect(r.out).toContain(`autoscaling advice for a peak of 60 rps (component props):\n${advice}\n`);
    expect(advice).toMatch(/\nminReplicas: 1,\nmaxReplicas: \d+,\ncontainerConcurrency: \d+,\nknative: \{ metric: KnativeMetric.CONCURRENCY, target: \d+ \},$/);
    expect(html).toContain(`<pre id="advice">${advice.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</pre>`);
  }, 30_000);

  test.each([
    [['loadtest', 'http://127.0.0.1:1/v2', '--rate', '-1', '--component', 'both', '--bogus'], [
      'unknown option --bogus', '<url> (http://127.0.0.1:1/v2) must be http:// or https:// and a host[:port], without a path',
      'give --from <folder> (an output folder of synth) or --data <request.json>', '--component (both) must be one of entry, transformer, predictor',
      '--rate (-1) must be a number above 0 and at most 100000']],
    [['loadtest', 'http://127.0.0.1:1', '--from', 'dist/prod', '--steps', '10,x', '--rate', '5'], [
      '--steps (10,x) must be request rates separated by commas', '--steps sets the rates and runs each step for --duration: leave out --rate, --count and --ramp-up',
      '--steps needs --slo-p95 <ms>']],
    [['loadtest', 'http://127.0.0.1:1', '--from', 'dist/prod', '--peak-rps', '10', '--duration', 'soon'], ['--peak-rps goes with --steps', '--duration (soon) must be a number']],
    [['loadtest', 'http://127.0.0.1:1', '--from', 'dist/prod', '--rate', '5', '--ramp-up', '40'], ['--ramp-up (40) must be from 0 to --duration (30)']],
    [['loadtest', 'http://127.0.0.1:1', '--from', '/nonexistent'], ['--from /nonexistent: cannot read /nonexistent/loadtest/targets.json']],
    [['loadtest', 'http://127.0.0.1:1', '--from', 'dist/prod', '--isvc', 'nope'], ['--isvc nope: dist/prod/loadtest/targets.json has default/test']],
  ])('usage errors %j: exit 2, every problem, the loadtest usage, nothing written', async (argv, messages) => {
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      for (const m of messages) expect(r.err).toContain(m);
      expect(r.err).toContain('usage: cdk8s-kserve loadtest');
      expect(r.out).toBe('');
      expect(fs.existsSync(path.join(ROOT, 'loadtest-results'))).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });

  test.each(['prod', 'dev'])('dist/%s/loadtest/targets.json: the hosts, paths and example requests of ENDPOINTS.md, outside kubectl apply -f', folder => {
    const dir = path.join(ROOT, 'dist', folder);
    const doc = JSON.parse(fs.readFileSync(path.join(dir, 'loadtest', 'targets.json'), 'utf8'));
    const endpoints = fs.readFileSync(path.join(dir, 'ENDPOINTS.md'), 'utf8');
    // The Hosts table: part, Host header, what it reaches, in-cluster URL, path, example request.
    const rows = Object.fromEntries([...endpoints.matchAll(/^\| (InferenceService|transformer|predictor) \| `([^`]+)` \| [^|]+ \| `[^`]+` \| `([^`]+)` \| `([^`]+)` \|$/gm)]
      .map(m => [m[1] === 'InferenceService' ? 'entry' : m[1], { host: m[2], path: m[3], request: m[4] }]));
    expect(Object.keys(rows)).toEqual(['entry', 'transformer', 'predictor']);
    expect(doc.inferenceServices).toHaveLength(1);
    const isvc = doc.inferenceServices[0];
    expect(isvc.targets).toEqual(rows);
    for (const t of Object.values(rows) as { request: string }[]) expect(fs.existsSync(path.join(dir, t.request))).toBe(true);
    expect(isvc).toMatchObject({ name: 'test', namespace: folder === 'prod' ? 'default' : 'ml-dev', file: 'test.k8s.yaml', podComponents: ['transformer', 'predictor'], podSelector: 'serving.kserve.io/inferenceservice=test' });
    // kubectl apply -f <folder> reads only the folder's own files, and the kustomization does not list it.
    expect(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')).not.toContain('loadtest');
  });

  test('a folder of several InferenceServices: --isvc picks one (namespace/name when two share a name)', async () => {
    const out = path.join(outDir(), 'dist');
    synthToDirectory(props => {
      const app = new App(props);
      const signature = { inputs: [{ name: 'INPUT__0', datatype: V2Datatype.FP32, shape: [-1, 4] }] };
      new InferenceServiceChart(app, 'a', { name: 'iris', namespace: 'team-a', modelUri: 'pvc://m/a', predictor: { signature } });
      new InferenceServiceChart(app, 'b', { name: 'iris', namespace: 'team-b', modelUri: 'pvc://m/b', predictor: { signature } });
      new InferenceServiceChart(app, 'c', { name: 'plain', modelUri: 'pvc://m/c' });
      return app;
    }, out);
    const doc = JSON.parse(fs.readFileSync(path.join(out, 'loadtest', 'targets.json'), 'utf8'));
    expect(doc.inferenceServices.map((i: any) => [i.namespace, i.name, i.targets.entry.request, i.podComponents])).toEqual([
      ['team-a', 'iris', 'example_inputs/team-a.iris.json', ['predictor']],
      ['team-b', 'iris', 'example_inputs/team-b.iris.json', ['predictor']],
      ['default', 'plain', undefined, ['predictor']],
    ]);
    const file = path.join(out, 'loadtest', 'targets.json');
    const args = ['loadtest', 'http://127.0.0.1:1', '--from', out, '--count', '1', '--no-pods', '--out', outDir()];
    expect((await cli(...args)).err).toContain(`${file} has 3 InferenceServices (team-a/iris, team-b/iris, default/plain): give --isvc`);
    expect((await cli(...args, '--isvc', 'iris')).err).toContain(`--isvc iris names 2 InferenceServices in ${file} (team-a/iris, team-b/iris, default/plain): give namespace/name`);
    expect((await cli(...args, '--isvc', 'plain')).err).toContain('default/plain has no example request for entry (no model signature): give --data');
    server = await startV2Server();
    const r = await cli('loadtest', server.url, '--from', out, '--isvc', 'team-b/iris', '--count', '2', '--no-pods', '--out', outDir());
    expect(r.code).toBe(0);
    expect(server.received.map(x => [x.headers.host, x.body])).toEqual(Array(2).fill([doc.inferenceServices[1].targets.entry.host, fs.readFileSync(path.join(out, 'example_inputs', 'team-b.iris.json'), 'utf8')]));
  }, 20_000);

  test('every loadtest command of docs/load-testing.md is valid and runs (shortened, on loopback)', async () => {
    const section = fs.readFileSync(path.join(ROOT, 'docs', 'load-testing.md'), 'utf8');
    const commands = [...section.matchAll(/```sh\n([\s\S]*?)\n```/g)].flatMap(m => m[1].replace(/\\\n\s*/g, '').split('\n'))
      .filter(l => l.startsWith('npm run loadtest -- '));
    expect(commands.length).toBeGreaterThanOrEqual(4);
    server = await startV2Server();
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      for (const command of commands) {
        const argv = command.replace('npm run loadtest -- ', '').split(/\s+/)
          .map(a => a === 'http://127.0.0.1:8080' ? server!.url : a)
          .map((a, i, all) => (all[i - 1] === '--duration' ? '0.5' : all[i - 1] === '--ramp-up' ? '0.25' : all[i - 1] === '--count' ? String(Math.min(Number(a), 40)) : a));
        const before = server.received.length;
        const r = await cli('loadtest', ...argv, '--out', outDir(), '--no-pods');
        expect([command, r.code, r.err.includes('usage:')]).toEqual([command, 0, false]);
        expect(server.received.length).toBeGreaterThan(before);
      }
    } finally {
      process.chdir(cwd);
    }
  }, 60_000);

  test('Ctrl-C: the bin stops sending, writes the results of what was sent and exits 130', async () => {
    server = await startV2Server(undefined, { latencyMs: 20 });
    const out = outDir();
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'cdk8s-kserve.js'), 'loadtest', server.url, '--from', 'dist/prod', '--rate', '20', '--duration', '60', '--no-pods', '--out', out],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', d => { stdout += d; });
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (server.received.length < 10 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    expect(code).toBe(130);
    const { json } = read(out);
    expect(json.result.interrupted).toBe(true);
    expect(json.result.requests.completed).toBe(server.received.length);
    expect(json.result.requests.sent).toBeLessThan(100);
    expect(stdout).toContain('interrupted: the figures cover the requests sent until then');
  }, 40_000);

  test('--help prints the command\'s usage', async () => {
    const r = await cli('loadtest', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: cdk8s-kserve loadtest <url>/);
    expect((await cli('infer', '--help')).out).toMatch(/^usage: cdk8s-kserve infer <url>/);
  });

  test('npm run loadtest runs it, as docs/load-testing.md says', async () => {
    server = await startV2Server();
    const out = outDir();
    const run = await new Promise<{ code: number; stdout: string }>(resolve => {
      execFile('npm', ['run', '--silent', 'loadtest', '--', server!.url, '--from', 'dist/prod', '--count', '3', '--out', out, '--no-pods'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
        (error, stdout) => resolve({ code: error ? (error as any).code : 0, stdout }));
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('3 sent, 3 answered, 3 ok, 0 failed');
    expect(server.received).toHaveLength(3);
    expect(read(out).json.result.requests.ok).toBe(3);
  }, 40_000);
});
