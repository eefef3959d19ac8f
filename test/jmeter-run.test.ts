/**
 * The generated JMeter plans run in real JMeter against v2 servers on 127.0.0.1 (loopback only;
 * each run is bounded by -Jduration): Debian's `jmeter` package (2.13, installed by .ci/run),
 * started through test/jmeter/JMeterLauncher.java, which lets JMeter's own classes through the
 * XStream that Debian pairs it with (it refuses every plan otherwise). What JMeter counted is
 * compared with what the servers received: counts, the exact Host, paths, bodies and ids.
 */
import { execFile, execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { InferenceServiceChart, INLINE_BODY_LIMIT, synthToDirectory, V2Datatype } from '../lib';
import { Received, startV2Server, V2Server } from './v2-server';

const ROOT = path.resolve(__dirname, '..');
const PROD = path.join(ROOT, 'dist', 'prod');
const JMETER_HOME = '/usr/share/jmeter';
const LAUNCHER = path.join(__dirname, 'jmeter', 'JMeterLauncher.java');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The compiled launcher's folder, compiled once per source text (kept in node_modules/.cache). */
function launcherClasses(): string {
  if (!fs.existsSync(path.join(JMETER_HOME, 'bin', 'ApacheJMeter.jar'))) {
    throw new Error(`no JMeter in ${JMETER_HOME}: install Debian's jmeter package (apt-get install jmeter), as .ci/run does`);
  }
  const source = fs.readFileSync(LAUNCHER);
  const dir = path.join(ROOT, 'node_modules', '.cache', 'cdk8s-kserve-jmeter', crypto.createHash('sha256').update(source).digest('hex').slice(0, 16));
  if (!fs.existsSync(path.join(dir, 'JMeterLauncher.class'))) {
    const tmp = `${dir}.${process.pid}.tmp`;
    fs.mkdirSync(tmp, { recursive: true });
    execFileSync('javac', ['-d', tmp, '-cp', path.join(JMETER_HOME, 'bin', 'ApacheJMeter.jar'), LAUNCHER]);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  }
  return dir;
}

/** One sample of a CSV results file. */
interface Sample {
  readonly label: string;
  readonly responseCode: string;
  readonly success: string;
  readonly threadName: string;
}

/** What one JMeter run printed, and the samples of its results file. */
interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly samples: Sample[];
}

/**
 * Runs `jmeter <args>` in `cwd` through the launcher, with the results file as CSV with a header
 * line (`-l` must name it). JMeter's own log goes to a temporary folder.
 */
function jmeter(args: string[], cwd: string): Promise<Run> {
  const results = args[args.indexOf('-l') + 1];
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jmeter-log-')), 'jmeter.log');
  // A client JVM's settings: a quick start matters more here than peak speed (about 40 % less CPU).
  const java = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Djmeter.home=' + JMETER_HOME, '-cp', `${path.join(JMETER_HOME, 'bin', 'ApacheJMeter.jar')}:${launcherClasses()}`, 'JMeterLauncher',
    ...args, '-j', log, '-Jjmeter.save.saveservice.output_format=csv', '-Jjmeter.save.saveservice.print_field_names=true'];
  return new Promise((resolve, reject) => {
    execFile('java', java, { cwd, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && (error as any).code === undefined) return reject(new Error(`${error.message}\n${stderr}`));
      const file = path.resolve(cwd, results);
      const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : [];
      const columns = (lines[0] ?? '').split(',');
      const samples = lines.slice(1).filter(l => l !== '').map(l => Object.fromEntries(l.split(',').map((v, i) => [columns[i], v])) as unknown as Sample);
      resolve({ code: error ? (error as any).code : 0, stdout: stdout + stderr, samples });
    });
  });
}

/** The shortened, loopback form of a run: one second, no ramp, the gateway at `server`. */
const loopback = (server: V2Server) => ['-Jduration=1', '-Jrampup=0', '-Jhost=127.0.0.1', `-Jport=${server.port}`];

/** Each answer takes 50 ms, so that a JMeter user sends about 20 requests a second, not thousands. */
const PACED = { latencyMs: 50 };

const example = (file: string) => fs.readFileSync(path.join(PROD, 'example_inputs', file), 'utf8');

/** Every request `server` received was `host`, `path` and `body`, with one id in both headers. */
function expectRequests(received: Received[], host: string, path_: string, body: string): void {
  for (const r of received) {
    expect({ method: r.method, url: r.url, host: r.headers.host, type: r.headers['content-type'], body: r.body })
      .toEqual({ method: 'POST', url: path_, host, type: 'application/json', body });
    expect(r.headers['ce-id']).toBe(r.headers['x-request-id']);
  }
}

describe('dist/prod/test.jmx in JMeter 2.13 (Debian), against a v2 server on loopback', () => {
  const servers: V2Server[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  // The three runs go side by side: each is mostly JMeter's start-up.
  test.concurrent.each([
    ['entry', 'test.default.example.com', 'test.json'],
    ['transformer', 'test-transformer.default.example.com', 'test.json'],
    ['predictor', 'test-predictor.default.example.com', 'test-predictor.json'],
  ])('-Jcomponent=%s, ids generated and from ids_file: what JMeter counted is what the server received, with the exact Host', async (component, host, file) => {
    const server = await startV2Server(undefined, PACED);
    servers.push(server);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmeter-run-'));
    const ids = Array.from({ length: 5 }, (_, i) => `${component}-id-${i}`);
    fs.writeFileSync(path.join(dir, 'ids.csv'), `${ids.join('\n')}\n`);
    const run = await jmeter(['-n', '-t', path.join(PROD, 'test.jmx'), `-Jcomponent=${component}`, '-Jthreads=1', '-Jcsv_threads=2',
      `-Jids_file=${path.join(dir, 'ids.csv')}`, ...loopback(server), '-l', 'results.jtl'], dir);
    expect(run.code).toBe(0);
    // Counts: every sample JMeter recorded is a request the server received, all answered 200.
    expect(run.samples.length).toBe(server.received.length);
    expect(run.samples.filter(s => s.success !== 'true' || s.responseCode !== '200')).toEqual([]);
    expectRequests(server.received, host, '/v2/models/test/infer', example(file).trim());
    // Generated ids: a fresh UUID per request. From the file: each id once (two users share it).
    const sent = server.received.map(r => String(r.headers['x-request-id']));
    const generated = sent.filter(id => UUID.test(id));
    expect(generated.length).toBeGreaterThan(0);
    expect(new Set(generated).size).toBe(generated.length);
    expect(run.samples.filter(s => s.threadName.includes('generated request ids'))).toHaveLength(generated.length);
    expect(sent.filter(id => !UUID.test(id)).sort()).toEqual(ids);
    expect(run.samples.filter(s => s.threadName.includes('request ids from ids_file'))).toHaveLength(ids.length);
  }, 60_000);
});

describe('a large example request', () => {
  // A 1×3×224×224 FP32 image: its example request is about 740 KB.
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jmx-large-')), 'dist');
  synthToDirectory(props => {
    const app = new App(props);
    new InferenceServiceChart(app, 'vision', {
      modelUri: 'pvc://models/vision',
      predictor: { maxReplicas: 2, signature: { inputs: [{ name: 'images', datatype: V2Datatype.FP32, shape: [1, 3, 224, 224] }] } },
    });
    return app;
  }, out);
  const plan = path.join(out, 'vision.jmx');
  const body = fs.readFileSync(path.join(out, 'example_inputs', 'vision.json'), 'utf8');

  test('is not inlined: the plan reads it from example_inputs/ when the test starts', () => {
    expect(Buffer.byteLength(body)).toBeGreaterThan(INLINE_BODY_LIMIT);
    expect(fs.statSync(plan).size).toBeLessThan(16 * 1024);
    expect(fs.readFileSync(plan, 'utf8')).toContain('${__FileToString(${__P(inputs_dir,example_inputs)}/vision.json,UTF-8)}');
  });

  test('JMeter sends the file, run from the output folder or with -Jinputs_dir from anywhere else', async () => {
    const [beside, elsewhere] = [await startV2Server(undefined, PACED), await startV2Server(undefined, PACED)];
    try {
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'jmeter-elsewhere-'));
      const [a, b] = await Promise.all([
        jmeter(['-n', '-t', 'vision.jmx', '-Jthreads=1', ...loopback(beside), '-l', path.join(other, 'a.jtl')], out),
        jmeter(['-n', '-t', plan, '-Jthreads=1', `-Jinputs_dir=${path.join(out, 'example_inputs')}`, ...loopback(elsewhere), '-l', 'b.jtl'], other),
      ]);
      for (const [run, server] of [[a, beside], [b, elsewhere]] as const) {
        expect(run.code).toBe(0);
        expect(server.received.length).toBeGreaterThan(0);
        expect(run.samples.length).toBe(server.received.length);
        expectRequests(server.received, 'vision.default.example.com', '/v2/models/vision/infer', body);
      }
    } finally {
      await beside.close();
      await elsewhere.close();
    }
  }, 60_000);
});

describe('docs/load-testing.md', () => {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'load-testing.md'), 'utf8');
  const section = page.slice(page.indexOf('## With JMeter'), page.indexOf('\n## ', page.indexOf('## With JMeter') + 1));
  const commands = [...section.matchAll(/^```sh\n([\s\S]*?)^```/gm)].flatMap(m => m[1].split('\n')).filter(l => l.startsWith('jmeter '));

  test('every jmeter command names the JMeter it needs, or runs on 2.13 (shortened, on loopback)', async () => {
    expect(commands.length).toBeGreaterThanOrEqual(3);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jmeter-docs-'));
    // As a user runs them: from the repository, with the ids file beside them.
    fs.symlinkSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'ids.csv'), 'doc-id-1\ndoc-id-2\n');
    for (const line of commands) {
      const [command, comment] = line.split(/\s+#\s*/);
      const needs = /JMeter (\d+)\.(\d+) or later/.exec(comment ?? '');
      if (needs && Number(needs[1]) >= 3) continue;
      // Only what a shell would expand: $PWD.
      const args = command.replace(/\$PWD/g, dir).split(/\s+/).slice(1);
      expect(args.filter(a => a === '-e' || a === '-o' || a === '-g')).toEqual([]);
      const server = await startV2Server(undefined, PACED);
      try {
        // The loopback settings come last: JMeter takes the last -J of a name.
        const run = await jmeter([...args, ...loopback(server)], dir);
        expect([line, run.code]).toEqual([line, 0]);
        expect([line, server.received.length > 0]).toEqual([line, true]);
        expect(run.samples.length).toBe(server.received.length);
        if (line.includes('ids_file')) expect(server.received.map(r => r.headers['x-request-id']).sort()).toEqual(['doc-id-1', 'doc-id-2']);
      } finally {
        await server.close();
      }
    }
  }, 120_000);
});
