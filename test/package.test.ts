import { execFile, execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as semver from 'semver';
import * as YAML from 'yaml';
import { schemaErrors, schemaSetFor } from './schema';
import { startV2Server } from './v2-server';
import { readTree } from './util';

const ROOT = path.resolve(__dirname, '..');
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const npmAsync = (args: string[], cwd: string) => new Promise<void>((resolve, reject) =>
  execFile('npm', args, { cwd, encoding: 'utf8' }, (error, _stdout, stderr) => error ? reject(new Error(`npm ${args.join(' ')} in ${cwd}: ${stderr}`)) : resolve()));
const version = (pkg: string) => require(`${pkg}/package.json`).version;

/** A consumer's app: the constructs from the installed package, type-checked and run. */
const CONSUMER_APP = `
import { App, Chart, Size } from 'cdk8s';
import { AzureBlobCreds, AzureCredentials, Cpu, InferenceService, MessageDumper, ModelStorage, PythonTransformer, TritonPredictor } from 'cdk8s-kserve';

const app = new App({ outdir: 'out' });
const chart = new Chart(app, 'consumer', { namespace: 'ml' });
const creds = new AzureBlobCreds(chart, 'creds', { credentials: AzureCredentials.existingSecret('azcreds') });
const dumper = new MessageDumper(chart, 'dumper');
const predictor = new TritonPredictor(chart, 'predictor', {
  storage: ModelStorage.azureBlob({ account: 'acct', container: 'models', path: 'repo', credentials: creds }),
  gpus: 1,
  resources: { memory: { request: Size.gibibytes(12) }, cpu: { request: Cpu.cores(4) } },
  logger: { sink: dumper },
});
const transformer = new PythonTransformer(chart, 'transformer', { image: 'example.com/pre:1.0', logger: { sink: dumper } });
new InferenceService(chart, 'model', { predictor, transformer });
app.synth();
`;

/** A consumer of cdk8s-kserve/loadtest alone: prints what it loaded. */
const CONSUMER_LOAD = `
import { LoadTargetsDocument, percentile, runLoadTest } from 'cdk8s-kserve/loadtest';

const doc: LoadTargetsDocument = { generatedBy: 'test', inferenceServices: [] };
const run: typeof runLoadTest = runLoadTest;
console.log(JSON.stringify({ p50: percentile([1, 2, 3], 50), doc, run: typeof run, loaded: Object.keys(require.cache) }));
`;

describe('engines', () => {
  // What npm checks on npm ci: a package whose engines range leaves out the running Node prints an
  // EBADENGINE warning. Every locked package must accept the oldest Node this package promises and
  // the one running the tests (CI's).
  test('every locked dependency accepts the Node versions package.json promises, so npm ci warns of none', () => {
    const pkg = require(path.join(ROOT, 'package.json'));
    const lock = require(path.join(ROOT, 'package-lock.json'));
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true);
    const refused = Object.entries(lock.packages as Record<string, { engines?: { node?: string } }>)
      .filter(([name, p]) => name !== '' && typeof p.engines?.node === 'string')
      .flatMap(([name, p]) => [oldest, process.version].filter(v => !semver.satisfies(v, p.engines!.node!)).map(v => `${name.replace(/^node_modules\//, '')} (node ${p.engines!.node}) refuses ${v}`));
    expect(refused).toEqual([]);
  });
});

// Installs the packed library into a scratch TypeScript project, as another repository would.
describe('npm package', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-consumer-'));
  let files: string[] = [];
  let tarball = '';
  let fleetRepo = '';

  beforeAll(async () => {
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', scratch], ROOT));
    files = packed[0].files.map((f: { path: string }) => f.path);
    tarball = path.join(scratch, packed[0].filename);
    fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({
      name: 'consumer', private: true,
      dependencies: {
        'cdk8s-kserve': `file:./${packed[0].filename}`,
        'cdk8s': version('cdk8s'), 'constructs': version('constructs'),
        'typescript': version('typescript'), '@types/node': version('@types/node'),
      },
    }));
    // A fleet repository installs only the package: no TypeScript, no ts-node.
    fleetRepo = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-fleet-repo-'));
    fs.writeFileSync(path.join(fleetRepo, 'package.json'), JSON.stringify({ name: 'fleet-repo', private: true, dependencies: { 'cdk8s-kserve': `file:${tarball}` } }));
    // The two installs go side by side (mostly waiting on the disk and npm's cache).
    await Promise.all([scratch, fleetRepo].map(cwd => npmAsync(['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], cwd)));
    // The consumer's two programs, type-checked by one tsc run against the installed declarations.
    fs.writeFileSync(path.join(scratch, 'main.ts'), CONSUMER_APP);
    fs.writeFileSync(path.join(scratch, 'load.ts'), CONSUMER_LOAD);
    fs.writeFileSync(path.join(scratch, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2020', module: 'commonjs', types: ['node'] }, files: ['main.ts', 'load.ts'],
    }));
    const tsc = spawnSync(process.execPath, [path.join(scratch, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: scratch, encoding: 'utf8' });
    if (tsc.status !== 0) throw new Error(`the consumer does not type-check:\n${tsc.stdout}${tsc.stderr}`);
  }, 180_000);

  test('ships compiled JS and declarations, not sources or tests', () => {
    expect(files).toEqual(expect.arrayContaining(['build/lib/index.js', 'build/lib/index.d.ts', 'build/imports/serving.kserve.io.js', 'package.json']));
    expect(files.filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter(f => f.startsWith('test/') || f.startsWith('dist/'))).toEqual([]);
    const pkg = require(path.join(scratch, 'node_modules', 'cdk8s-kserve', 'package.json'));
    expect(Object.keys(pkg.peerDependencies)).toEqual(['cdk8s', 'constructs']);
  });

  test('a consumer type-checks against the declarations and synthesizes a chart', () => {
    execFileSync(process.execPath, ['main.js'], { cwd: scratch });
    const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(scratch, 'out', 'consumer.k8s.yaml'), 'utf8')).map(d => d.toJS());
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['ServiceAccount/kserve-azure-blob', 'Service/message-dumper', 'InferenceService/model']);
    expect(objects.flatMap(o => schemaErrors(o, schemaSetFor(20)))).toEqual([]);
  });

  test('cdk8s-kserve/loadtest type-checks and loads the runner without cdk8s, the constructs or the CRD schemas', () => {
    const out = JSON.parse(execFileSync(process.execPath, ['load.js'], { cwd: scratch, encoding: 'utf8' }));
    expect(out.p50).toBe(2);
    expect(out.run).toBe('function');
    const loaded = (out.loaded as string[]).map(f => path.relative(path.join(scratch, 'node_modules'), f));
    expect(loaded.filter(f => f.startsWith('cdk8s-kserve/build/lib/loadtest/'))).not.toEqual([]);
    // Only the loadtest folder and the contract it shares with the constructs.
    expect(loaded.filter(f => f.startsWith('cdk8s-kserve/') && !/^cdk8s-kserve\/build\/lib\/(loadtest|contract)\//.test(f) && f !== 'cdk8s-kserve/package.json')).toEqual([]);
    expect(loaded.filter(f => /^(cdk8s|constructs|cdk8s-plus-27)\//.test(f))).toEqual([]);
  });

  test('the installed CLI runs a load test from the compiled build', async () => {
    const server = await startV2Server();
    try {
      fs.writeFileSync(path.join(scratch, 'request.json'), JSON.stringify({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] }));
      const run = await new Promise<{ code: number; stdout: string; stderr: string }>(resolve => {
        execFile(process.execPath, [path.join(scratch, 'node_modules', 'cdk8s-kserve', 'bin', 'cdk8s-kserve.js'), 'loadtest', server.url, '--model', 'm', '--data', 'request.json', '--count', '5', '--no-pods', '--out', 'results'],
          { cwd: scratch, encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => resolve({ code: error ? (error as any).code : 0, stdout, stderr }));
      });
      expect(run.stderr).not.toContain('tsx');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('5 sent, 5 answered, 5 ok, 0 failed');
      expect(server.received).toHaveLength(5);
      expect(fs.existsSync(path.join(scratch, 'node_modules', 'cdk8s-kserve', 'lib'))).toBe(false);
      expect(JSON.parse(fs.readFileSync(path.join(scratch, 'results', 'result.json'), 'utf8')).result.requests.ok).toBe(5);
    } finally {
      await server.close();
    }
  }, 40_000);

  test('a fleet repository with only `npm install cdk8s-kserve` and a fleet file: npx cdk8s-kserve synth, and cdk8s synth through cdk8s.yaml', () => {
    const repo = fleetRepo;
    // npm installs the peer dependencies (cdk8s, constructs) itself: no TypeScript, no ts-node.
    expect(fs.readdirSync(path.join(repo, 'node_modules')).filter(d => !d.startsWith('.')).sort()).toEqual(['cdk8s', 'cdk8s-kserve', 'constructs', 'yaml']);
    const example = path.join(ROOT, 'examples', 'fleet');
    const schemaLine = '# yaml-language-server: $schema=./node_modules/cdk8s-kserve/schema/fleet.schema.json';
    fs.writeFileSync(path.join(repo, 'fleet.yaml'), fs.readFileSync(path.join(example, 'fleet.yaml'), 'utf8').replace(/^# yaml-language-server: .*$/m, schemaLine));
    expect(fs.existsSync(path.join(repo, 'node_modules', 'cdk8s-kserve', 'schema', 'fleet.schema.json'))).toBe(true);
    execFileSync('npx', ['--no-install', 'cdk8s-kserve', 'synth', 'fleet.yaml'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(readTree(path.join(repo, 'dist'))).toEqual(readTree(path.join(example, 'dist')));
    // cdk8s synth deletes dist/ and runs the app of cdk8s.yaml with CDK8S_OUTDIR set.
    fs.copyFileSync(path.join(example, 'cdk8s.yaml'), path.join(repo, 'cdk8s.yaml'));
    fs.rmSync(path.join(repo, 'dist'), { recursive: true });
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(readTree(path.join(repo, 'dist'))).toEqual(readTree(path.join(example, 'dist')));
    // A wrong file: the problems, exit 1.
    fs.writeFileSync(path.join(repo, 'bad.yaml'), 'models:\n  a: { modelUri: "pvc://m/a", predictor: { maxReplica: 2 } }\n');
    const bad = spawnSync('npx', ['--no-install', 'cdk8s-kserve', 'synth', 'bad.yaml', '--out', 'bad-out'], { cwd: repo, encoding: 'utf8' });
    expect([bad.status, bad.stderr]).toEqual([1, 'bad.yaml has 1 problem; nothing was written:\n  bad.yaml:2:44: error [props] models.a.predictor.maxReplica (2) is not a prop here; did you mean maxReplicas?\n']);
    expect(fs.existsSync(path.join(repo, 'bad-out'))).toBe(false);
  }, 120_000);
});
