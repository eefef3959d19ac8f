/**
 * Prints synth wall time and peak memory for 1, 100 and 1000 InferenceServices, each one
 * chart (credentials, message dumper, Triton predictor, transformer), written the way
 * `npm run synth` writes (`synthToDirectory`: checks run once, one pass over the charts), and
 * for comparison with cdk8s's own `App.synth()` (which resolves and validates the whole app
 * again for every chart). Plus the reference app as `npm run synth` runs it. Each figure is
 * from a fresh Node process.
 *
 * And the load runner's own ceiling: what `cdk8s-kserve loadtest` sustains against a trivial v2
 * server in another process on 127.0.0.1 (one core each), and the latency it adds.
 *
 * And `npm test` itself, run twice, the second one measured (--no-test leaves it out).
 *
 * Usage: npm run bench [-- --no-test | --runner]
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

/** An app of `count` InferenceServiceCharts in one namespace, what every fleet figure builds. */
function fleetApp(count: number, props: object) {
  // Loaded here, in the measured child, so module loading is part of each figure.
  const { App } = require('cdk8s');
  const { InferenceServiceChart } = require('../lib');
  const app = new App(props);
  for (let i = 0; i < count; i++) {
    new InferenceServiceChart(app, `model-${i}`, {
      azureBlob: { account: 'benchstore', container: 'models', path: `m${i}-repo` },
      predictor: { gpus: 1, minReplicas: 1, maxReplicas: 3, knative: { target: 4 } },
      transformer: { image: 'registry.example.com/pre:1.0.0' },
    });
  }
  return app;
}

if (process.argv[2] === '--fleet') {
  // A fleet of N charts written by synthToDirectory into argv[4], kept for the comparisons; the
  // parent measures this whole process with /usr/bin/time.
  const { synthToDirectory } = require('../lib');
  synthToDirectory((props: object) => fleetApp(Number(process.argv[3]), props), process.argv[4], { printWarnings: false });
  process.exit(0);
}

/** The same fleet as fleetApp, as a fleet file. */
function fleetFileText(count: number): string {
  const lines = ['models:'];
  for (let i = 0; i < count; i++) {
    lines.push(
      `  model-${i}:`,
      `    azureBlob: { account: benchstore, container: models, path: m${i}-repo }`,
      '    predictor: { gpus: 1, minReplicas: 1, maxReplicas: 3, knative: { target: 4 } }',
      '    transformer: { image: registry.example.com/pre:1.0.0 }',
    );
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[2] === '--fleet-file') {
  // The fleet file argv[3] written into argv[4], as `cdk8s-kserve synth` writes it.
  const { Fleet } = require('../lib');
  Fleet.fromFile(process.argv[3]).synth(process.argv[4], { printWarnings: false });
  process.exit(0);
}

if (process.argv[2] === '--raw') {
  // Plain cdk8s over the same objects: one Chart per file of the folder argv[3], each object a raw
  // ApiObject, written by App.synth() into argv[4].
  const { ApiObject, App, Chart } = require('cdk8s');
  const YAML = require('yaml');
  const app = new App({ outdir: process.argv[4] });
  for (const file of fs.readdirSync(process.argv[3]).filter(f => f.endsWith('.k8s.yaml')).sort()) {
    const chart = new Chart(app, file.replace(/\.k8s\.yaml$/, ''));
    YAML.parseAllDocuments(fs.readFileSync(path.join(process.argv[3], file), 'utf8')).forEach((d: any, i: number) => new ApiObject(chart, `o${i}`, d.toJS()));
  }
  app.synth();
  process.exit(0);
}

if (process.argv[2] === '--child') {
  // One measured run: build N charts and synthesize them to a temp dir.
  const count = Number(process.argv[3]);
  const writer = process.argv[4];
  const started = process.hrtime.bigint();
  // Loaded here so module loading is part of the figure, as it is for `npm run synth`.
  const { synthToDirectory } = require('../lib');
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-bench-')), 'dist');
  const build = (props: object) => fleetApp(count, props);
  if (writer === 'app.synth') build({ outdir }).synth();
  else synthToDirectory(build, outdir);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ ms }));
  process.exit(0);
}

const BENCH_PATH = '/v2/models/bench/infer';
const BENCH_BODY = JSON.stringify({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] });

if (process.argv[2] === '--runner-child') {
  // One measured run of our runner or of autocannon against the server at argv[4]; prints its
  // figures and the CPU time of the run itself (not the process's start-up).
  const [tool, url, mode, value, seconds] = process.argv.slice(3);
  const cpu0 = process.cpuUsage();
  const print = (figures: object) => {
    const c = process.cpuUsage(cpu0);
    process.stdout.write(JSON.stringify({ ...figures, cpuMs: (c.user + c.system) / 1000 }));
    process.exit(0);
  };
  if (tool === 'ours') {
    const { runLoadTest } = require('../lib/loadtest');
    const options = mode === 'rate' ? { rate: Number(value) } : { connections: Number(value) };
    runLoadTest({ request: { url, path: BENCH_PATH, body: BENCH_BODY }, ...options, durationSeconds: Number(seconds) }).then((r: any) => print({
      requests: r.requests.completed, rps: r.throughput.rps, failed: r.requests.failed, p50: r.latencyMs.p50, p99: r.latencyMs.p99,
      clientLimited: r.clientLimited, waited: r.waitedForConnection, lagP50: r.sendLagMs?.p50, lagP99: r.sendLagMs?.p99,
    }));
  } else {
    // Not bundled: scripts/ts-run.js bundles this file for the fleet figures, and autocannon's
    // entry is a script (a shebang on its second line) that esbuild cannot parse.
    const name = 'autocannon';
    const autocannon = require(name);
    const load = mode === 'rate' ? { overallRate: Number(value), connections: 100 } : { connections: Number(value) };
    autocannon({ url: `${url}${BENCH_PATH}`, method: 'POST', body: BENCH_BODY, headers: { 'content-type': 'application/json' }, duration: Number(seconds), ...load }, (error: Error | null, r: any) => {
      if (error) throw error;
      print({ requests: r.requests.total, rps: r.requests.total / Number(seconds), failed: r.errors + r.non2xx, p50: r.latency.p50, p99: r.latency.p99 });
    });
  }
}

if (process.argv[2] === '--server-child') {
  // A v2 server on 127.0.0.1 answering every POST after argv[3] ms; GET /stats gives the median
  // of its own times (arrival to the end of the answer) since the last /stats, and resets.
  const latencyMs = Number(process.argv[3]);
  const answer = '{"outputs":[{"name":"y","datatype":"FP32","shape":[1],"data":[1]}]}';
  let own: number[] = [];
  const server = require('http').createServer((q: any, r: any) => {
    const arrived = performance.now();
    q.resume();
    q.on('end', () => {
      if (q.method === 'GET') {
        const sorted = Float64Array.from(own).sort();
        r.end(JSON.stringify({ count: sorted.length, p50: sorted[Math.max(0, Math.ceil(sorted.length / 2) - 1)] }));
        own = [];
        return;
      }
      const done = () => {
        r.writeHead(200, { 'Content-Type': 'application/json' });
        r.end(answer);
        own.push(performance.now() - arrived);
      };
      if (latencyMs > 0) setTimeout(done, latencyMs);
      else done();
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
}

/** A v2 server in another process on 127.0.0.1 (one core each), answering after `latencyMs`. */
async function benchServer(latencyMs: number): Promise<{ url: string; ownP50: () => Promise<number>; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--server-child', String(latencyMs)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>(resolve => child.stdout.once('data', d => resolve(String(d).trim())));
  const url = `http://127.0.0.1:${port}`;
  const ownP50 = () => new Promise<number>((resolve, reject) => require('http').get(`${url}/stats`, (res: any) => {
    let text = '';
    res.on('data', (d: string) => { text += d; });
    res.on('end', () => resolve(JSON.parse(text).p50));
  }).on('error', reject));
  return { url, ownP50, stop: () => child.kill() };
}

/** One run in a child process: our runner or autocannon. */
async function runnerRun(tool: 'ours' | 'autocannon', url: string, mode: 'rate' | 'concurrency', value: number, seconds: number): Promise<any> {
  const r = await measureAsync(['--import', 'tsx', __filename, '--runner-child', tool, url, mode, String(value), String(seconds)]);
  return { ...JSON.parse(r.out), peakMiB: r.peakMiB };
}

function measure(args: string[]): { wallMs: number; peakMiB: number; out: string } {
  // Never write into the repository's dist/.
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-bench-dist-')), 'dist');
  // /usr/bin/time reports the peak resident set of the whole process.
  const started = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir },
  });
  fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(run.stderr);
  const peakKiB = Number(run.stderr.trim().split('\n').pop());
  return { wallMs, peakMiB: peakKiB / 1024, out: run.stdout };
}

/** The median run of `runs` by `key`, and the range of `key`. */
function medianRun(runs: any[], key: string): { run: any; range: string } {
  const sorted = [...runs].sort((x, y) => x[key] - y[key]);
  return { run: sorted[Math.floor(sorted.length / 2)], range: `${sorted[0][key].toFixed(0)}-${sorted[sorted.length - 1][key].toFixed(0)}` };
}

/**
 * The load runner against autocannon, side by side (three alternating pairs of 4 s runs, each
 * tool in its own process, the server in a third; medians): closed-loop throughput at 1 and 32
 * connections, and CPU per request at fixed rates. Then the latency the runner adds to a server
 * that answers in 20 ms: its p50 minus the server's own p50, from 10 to 1000 requests per second.
 */
async function loadRunner(): Promise<void> {
  const ROUNDS = 3;
  const trivial = await benchServer(0);
  try {
    console.log(`load runner vs autocannon against a trivial v2 server in another process on 127.0.0.1 (medians of ${ROUNDS} alternating pairs of 4 s runs):`);
    /** ROUNDS alternating pairs of 4 s runs, ours then autocannon's. */
    const pairs = async (mode: 'rate' | 'concurrency', value: number) => {
      const [ours, theirs]: any[][] = [[], []];
      for (let i = 0; i < ROUNDS; i++) {
        ours.push(await runnerRun('ours', trivial.url, mode, value, 4));
        theirs.push(await runnerRun('autocannon', trivial.url, mode, value, 4));
      }
      return { ours, theirs };
    };
    for (const connections of [1, 32]) {
      const { ours, theirs } = await pairs('concurrency', connections);
      const [o, t] = [medianRun(ours, 'rps'), medianRun(theirs, 'rps')];
      console.log(`  closed loop, ${String(connections).padStart(2)} connection${connections === 1 ? ' ' : 's'}: ours ${o.run.rps.toFixed(0)} rps (${o.range}; p50 ${o.run.p50.toFixed(2)} ms, peak ${o.run.peakMiB.toFixed(0)} MiB), autocannon ${t.run.rps.toFixed(0)} rps (${t.range}): ${(o.run.rps / t.run.rps).toFixed(2)}x (goal at least 0.9x)`);
    }
    for (const rate of [1000, 3000]) {
      const { ours, theirs } = await pairs('rate', rate);
      const perRequest = (runs: any[]) => medianRun(runs.map(r => ({ ...r, usPerRequest: (r.cpuMs * 1000) / r.requests })), 'usPerRequest');
      const [o, t] = [perRequest(ours), perRequest(theirs)];
      const limited = ours.filter(r => r.clientLimited).length;
      const waited = ours.map(r => r.waited).join('/');
      console.log(`  fixed rate ${rate}/s: CPU per request ours ${o.run.usPerRequest.toFixed(0)} µs (${o.range}; ${o.run.rps.toFixed(0)} rps, p50 ${o.run.p50.toFixed(2)} ms, p99 ${o.run.p99.toFixed(2)} ms, send lag p99 ${o.run.lagP99.toFixed(2)} ms; client limited in ${limited} of ${ROUNDS}; waited for a connection ${waited}), autocannon ${t.run.usPerRequest.toFixed(0)} µs (${t.range}; ${t.run.rps.toFixed(0)} rps): ${(o.run.usPerRequest / t.run.usPerRequest).toFixed(2)}x (goal at most 1.5x)`);
    }
  } finally {
    trivial.stop();
  }
  const slow = await benchServer(20);
  try {
    const added: string[] = [];
    for (const rate of [10, 100, 1000]) {
      const runs: any[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        await slow.ownP50();
        const ours = await runnerRun('ours', slow.url, 'rate', rate, rate === 10 ? 8 : 4);
        runs.push({ ...ours, added: ours.p50 - await slow.ownP50() });
      }
      const sorted = runs.map(r => r.added).sort((x, y) => x - y);
      const m = runs.find(r => r.added === sorted[1])!;
      added.push(`${rate}/s +${m.added.toFixed(2)} ms (${sorted[0].toFixed(2)} to ${sorted[2].toFixed(2)}; send lag p50 ${m.lagP50.toFixed(3)} ms${runs.some(r => r.clientLimited) ? ', client limited' : ''})`);
    }
    console.log(`latency the runner adds to a server answering in 20 ms (runner p50 minus the server's own p50, median of ${ROUNDS} runs; goal at most 1 ms): ${added.join('; ')}`);
  } finally {
    slow.stop();
  }
}

/** Like measure, without blocking this process (it may serve the measured one). */
function measureAsync(args: string[]): Promise<{ peakMiB: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', d => { out += d; });
    child.stderr.on('data', d => { err += d; });
    child.on('close', status => {
      if (status !== 0) reject(new Error(err));
      else resolve({ peakMiB: Number(err.trim().split('\n').pop()) / 1024, out });
    });
  });
}

/** CPU time and peak memory of one process, as /usr/bin/time reports them: `[user + system seconds, peak MiB]`. */
function timed(command: string, args: string[], env: Record<string, string> = {}): [number, number] {
  const run = spawnSync('/usr/bin/time', ['-f', '%U %S %M', command, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  if (run.status !== 0) throw new Error(run.stderr);
  const [user, system, peakKiB] = run.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return [user + system, peakKiB / 1024];
}

/** CPU seconds (user + system) of one node process writing to a temporary CDK8S_OUTDIR. */
function cpuOf(args: string[]): number {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-bench-cpu-')), 'dist');
  try {
    return timed(process.execPath, args, { CDK8S_OUTDIR: outdir })[0];
  } finally {
    fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The process behind `npm run synth` against a compiled cdk8s app (plain JavaScript, no
 * transpiler) that writes the reference InferenceService as one raw ApiObject: the floor of
 * any cdk8s app that writes that object. Alternating runs, medians of CPU time.
 */
function synthVersusCompiledCdk8s(): void {
  const YAML = require('yaml');
  const isvc = YAML.parseAllDocuments(fs.readFileSync(path.join(ROOT, 'dist', 'prod', 'test.k8s.yaml'), 'utf8'))
    .map((d: any) => d.toJS()).find((o: any) => o.kind === 'InferenceService');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-bench-compiled-'));
  const baseline = path.join(dir, 'compiled-app.js');
  fs.writeFileSync(baseline, [
    `const { ApiObject, App, Chart } = require(${JSON.stringify(require.resolve('cdk8s'))});`,
    'const app = new App({ outdir: process.env.CDK8S_OUTDIR });',
    `new ApiObject(new Chart(app, 'test'), 'isvc', ${JSON.stringify(isvc)});`,
    'app.synth();',
  ].join('\n'));
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < 5; i++) {
    ours.push(cpuOf(['scripts/ts-run.js', 'apps/main.ts']));
    theirs.push(cpuOf([baseline]));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const [o, t] = [median(ours), median(theirs)];
  console.log(`npm run synth process CPU (node scripts/ts-run.js apps/main.ts, 5 folders): median ${(o * 1000).toFixed(0)} ms; compiled cdk8s app writing the InferenceService as one ApiObject: ${(t * 1000).toFixed(0)} ms; ratio ${(o / t).toFixed(2)}x (goal at most 1.5x)`);
}

/**
 * Fleets: the CPU time of the whole process for 1000 and 5000 InferenceServices and the growth
 * exponent between them (1.0 is linear), peak memory, and in the same run, over the 1000-model
 * folder, plain cdk8s App.synth() of the same objects and kubectl kustomize.
 */
function fleets(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-bench-fleet-'));
  try {
    const cpu: Record<number, number> = {};
    for (const n of [1000, 5000]) {
      const out = path.join(dir, `fleet-${n}`);
      const [seconds, peak] = timed(process.execPath, ['scripts/ts-run.js', __filename, '--fleet', String(n), out]);
      cpu[n] = seconds;
      console.log(`fleet of ${String(n).padStart(4)}: synthToDirectory process CPU ${seconds.toFixed(2)} s, peak ${peak.toFixed(0)} MiB`);
      if (n === 1000) {
        const file = path.join(dir, 'fleet-1000.yaml');
        fs.writeFileSync(file, fleetFileText(n));
        const fromFile = path.join(dir, 'fleet-file-1000');
        const [fileSeconds, filePeak] = timed(process.execPath, ['scripts/ts-run.js', __filename, '--fleet-file', file, fromFile]);
        const same = spawnSync('diff', ['-r', out, fromFile]).status === 0;
        console.log(`  the same 1000 models as a fleet file: process CPU ${fileSeconds.toFixed(2)} s, peak ${filePeak.toFixed(0)} MiB (${(fileSeconds / seconds).toFixed(2)}x the TypeScript fleet; goal at most 1.2x)${same ? '' : ' OUTPUT DIFFERS'}`);
        fs.rmSync(fromFile, { recursive: true, force: true });
        const [raw] = timed(process.execPath, ['scripts/ts-run.js', __filename, '--raw', out, path.join(dir, 'raw')]);
        const [kustomize] = timed('kubectl', ['kustomize', out]);
        console.log(`  same 1000-model folder: plain cdk8s App.synth() of its objects ${raw.toFixed(2)} s (ours ${(seconds / raw).toFixed(2)}x), kubectl kustomize ${kustomize.toFixed(2)} s (ours ${(seconds / kustomize).toFixed(2)}x)`);
      }
      fs.rmSync(out, { recursive: true, force: true });
    }
    const exponent = Math.log(cpu[5000] / cpu[1000]) / Math.log(5);
    console.log(`  growth exponent 1000 -> 5000: ${exponent.toFixed(2)} (1.00 is linear; goal at most 1.1)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `npm test` as a developer runs it a second time (its caches warm: tsc's and eslint's build
 * info, Jest's transforms, the compiled schema validators): wall and CPU time of the whole
 * command, Jest's own time, and its slowest suites. Skipped with --no-test.
 */
function npmTest(): void {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-bench-test-')), 'jest.json');
  try {
    const run = spawnSync('/usr/bin/time', ['-f', '%e %U %S', 'npm', 'test', '--', '--json', `--outputFile=${json}`], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
    const [wall, user, system] = run.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    if (run.status !== 0) {
      console.log(`npm test FAILED (exit ${run.status}) after ${wall.toFixed(0)} s`);
      return;
    }
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    const jestSeconds = (Math.max(...report.testResults.map((t: any) => t.endTime)) - report.startTime) / 1000;
    const slowest = report.testResults.map((t: any) => [(t.endTime - t.startTime) / 1000, path.basename(t.name)] as [number, string])
      .sort((a: [number, string], b: [number, string]) => b[0] - a[0]).slice(0, 4).map(([sec, name]: [number, string]) => `${name} ${sec.toFixed(1)} s`);
    console.log(`npm test (caches warm): ${wall.toFixed(1)} s wall (goal at most 90 s), ${(user + system).toFixed(0)} s CPU on ${os.cpus().length} cores; Jest ${jestSeconds.toFixed(1)} s for ${report.numPassedTests} tests; slowest suites: ${slowest.join(', ')}`);
  } finally {
    fs.rmSync(path.dirname(json), { recursive: true, force: true });
  }
}

function main(): void {
  if (!fs.existsSync('/usr/bin/time')) throw new Error('needs /usr/bin/time (Debian package "time")');
  console.log(`cdk8s-kserve bench on ${os.cpus().length} cores, node ${process.version}`);
  if (!process.argv.includes('--no-test')) {
    // A first run fills the caches (a fresh clone's first npm test is slower, see docs/benchmarks.md); the second is measured.
    spawnSync('npm', ['test'], { cwd: ROOT, stdio: 'ignore' });
    npmTest();
  }
  const synth = [1, 2, 3].map(() => measure(['scripts/ts-run.js', 'apps/main.ts']));
  const best = Math.min(...synth.map(s => s.wallMs));
  console.log(`npm run synth (reference app, process wall, node scripts/ts-run.js): best of 3 ${best.toFixed(0)} ms, peak ${Math.max(...synth.map(s => s.peakMiB)).toFixed(0)} MiB`);
  synthVersusCompiledCdk8s();
  fleets();
  console.log('writer            | InferenceServices | process wall ms | in-process synth ms | peak RSS MiB');
  const runs: [string, number][] = [['synthToDirectory', 1], ['synthToDirectory', 100], ['synthToDirectory', 1000], ['app.synth', 1], ['app.synth', 100]];
  for (const [writer, n] of runs) {
    const r = measure(['--import', 'tsx', __filename, '--child', String(n), writer]);
    const inner = JSON.parse(r.out).ms as number;
    console.log(`${writer.padEnd(17)} | ${String(n).padStart(17)} | ${r.wallMs.toFixed(0).padStart(15)} | ${inner.toFixed(0).padStart(19)} | ${r.peakMiB.toFixed(0).padStart(12)}`);
  }
}

if (process.argv[2] === undefined || process.argv[2] === '--no-test' || process.argv[2] === '--runner') {
  // --runner: only the load runner's figures.
  if (process.argv[2] !== '--runner') main();
  loadRunner().catch(e => {
    console.error(e);
    process.exit(1);
  });
}
