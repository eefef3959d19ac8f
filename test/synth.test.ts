import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import { App, AppProps, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { AzureCredentials, checkDirectory, compactWarningLines, DeploymentMode, Validation, InferenceServiceChart, InferenceServiceChartProps, MessageDumper, synthEnvironments, synthToDirectory, SynthError } from '../lib';
import { defaultResultsDir } from '../lib/contract/output-folder';
import { APPS, buildApp } from '../apps/main';
import { buildApp as buildBadApp } from './fixtures/bad-app';
import { readTree } from './util';

const ROOT = path.resolve(__dirname, '..');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-synth-'));
}

describe('synthToDirectory', () => {
  test('two synths are byte-identical and equal to the committed dist/', () => {
    const a = path.join(tmp(), 'dist');
    const b = path.join(tmp(), 'dist');
    synthEnvironments(APPS, a);
    synthEnvironments(APPS, b);
    expect(readTree(a)).toEqual(readTree(b));
    // A stale dist/ fails here (and in npm run check:dist): run `npm run synth` and commit the result.
    expect(readTree(a)).toEqual(readTree(path.join(ROOT, 'dist')));
  });

  test('one app: its YAML, kustomization.yaml, ENDPOINTS.md, example requests, a JMeter plan and load targets', () => {
    const out = path.join(tmp(), 'dist');
    synthToDirectory(buildApp, out);
    expect(Object.keys(readTree(out)).sort()).toEqual([
      '.cdk8s-kserve-files', 'ENDPOINTS.md', 'example_inputs/test-predictor.json', 'example_inputs/test.json', 'kustomization.yaml', 'loadtest/targets.json', 'test.jmx', 'test.k8s.yaml',
    ]);
    // The prod folder of dist/, but for where load test results go: beside this folder, not beside dist/prod.
    const { '.cdk8s-kserve-files': _, ...files } = readTree(out);
    files['ENDPOINTS.md'] = files['ENDPOINTS.md'].replace('`../loadtest-results/report.html`', '`../../loadtest-results/prod/report.html`');
    expect(files).toEqual(readTree(path.join(ROOT, 'dist', 'prod')));
  });

  test('fails with every problem listed and leaves the previous output untouched', () => {
    const parent = tmp();
    const out = path.join(parent, 'dist');
    synthToDirectory(buildApp, out);
    const before = readTree(out);
    let error: unknown;
    try {
      synthToDirectory(buildBadApp, out);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthError);
    expect((error as SynthError).problems).toEqual([
      'bad/predictor: error [replicas] spec.predictor.maxReplicas (2) must be 0 or at least minReplicas (5)',
      'bad/transformer: error [transformer-args] args ("--predictor_host") must not set --predictor_host: KServe injects the in-cluster predictor host',
    ]);
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('writes exactly what cdk8s App.synth() writes, for independent, dependent and nested charts', () => {
    const apps: ((props: AppProps) => App)[] = [
      buildApp,
      props => {
        const app = new App(props);
        const a = new InferenceServiceChart(app, 'alpha', { modelUri: 'pvc://m/alpha' });
        const b = new InferenceServiceChart(app, 'beta', { modelUri: 'pvc://m/beta', logging: { enabled: false } });
        new InferenceServiceChart(app, 'gamma', { modelUri: 'pvc://m/gamma', namespace: 'other' });
        b.addDependency(a); // cdk8s then prefixes file names with an index
        return app;
      },
      props => {
        const app = new App(props);
        const outer = new Chart(app, 'outer');
        new InferenceServiceChart(outer, 'inner', { modelUri: 'pvc://m/inner' });
        new MessageDumper(outer, 'dumper', { name: 'outer-dumper' });
        return app;
      },
    ];
    for (const build of apps) {
      const ours = path.join(tmp(), 'dist');
      synthToDirectory(build, ours, { kustomization: false, endpoints: false });
      const theirs = tmp();
      build({ outdir: theirs }).synth();
      // The same files, plus the record of what was written.
      const { '.cdk8s-kserve-files': written, ...files } = readTree(ours);
      expect(files).toEqual(readTree(theirs));
      expect(written).toContain(Object.keys(files)[0]);
    }
  });

  test('recordConstructMetadata, as an option or as cdk8s\'s environment variable: construct-metadata.json as App.synth() writes it', () => {
    const theirs = tmp();
    buildApp({ outdir: theirs, recordConstructMetadata: true }).synth();
    expect(fs.readdirSync(theirs)).toContain('construct-metadata.json');
    const viaOption = path.join(tmp(), 'dist');
    synthToDirectory(buildApp, viaOption, { kustomization: false, endpoints: false, recordConstructMetadata: true });
    const { '.cdk8s-kserve-files': _written, ...files } = readTree(viaOption);
    expect(files).toEqual(readTree(theirs));
    const viaEnvironment = path.join(tmp(), 'dist');
    process.env.CDK8S_RECORD_CONSTRUCT_METADATA = 'true';
    try {
      synthToDirectory(buildApp, viaEnvironment, { kustomization: false, endpoints: false });
    } finally {
      delete process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
    }
    expect(readTree(viaEnvironment)['construct-metadata.json']).toEqual(files['construct-metadata.json']);
    // Off by default: the fast writer, and no metadata file.
    const plain = path.join(tmp(), 'dist');
    synthToDirectory(buildApp, plain, { kustomization: false, endpoints: false });
    expect(Object.keys(readTree(plain))).not.toContain('construct-metadata.json');
  });

  test('replaces stale files instead of merging with them', () => {
    const out = path.join(tmp(), 'dist');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'old.k8s.yaml'), 'kind: Stale\n');
    synthToDirectory(buildApp, out, { endpoints: false });
    expect(fs.readdirSync(out).sort()).toEqual(['.cdk8s-kserve-files', 'kustomization.yaml', 'test.k8s.yaml']);
  });
});

describe('nothing lost: synth never deletes or overwrites a file it did not write', () => {
  const manifest = (dir: string) => fs.readFileSync(path.join(dir, '.cdk8s-kserve-files'), 'utf8').split('\n').filter(l => l && !l.startsWith('#'));

  test('the manifest lists exactly the files synth wrote', () => {
    const out = path.join(tmp(), 'dist');
    synthEnvironments(APPS, out);
    const files = Object.keys(readTree(out)).filter(f => f !== '.cdk8s-kserve-files').sort();
    expect(manifest(out)).toEqual(files);
  });

  test('load test results inside an output folder survive the next synth, and check:dist ignores them', () => {
    const out = path.join(tmp(), 'dist');
    synthEnvironments(APPS, out);
    const results = path.join(out, 'prod', 'loadtest-results');
    fs.mkdirSync(results);
    fs.writeFileSync(path.join(results, 'report.html'), '<html>run 1</html>\n');
    fs.writeFileSync(path.join(out, 'NOTES.md'), 'my notes\n');
    const result = synthEnvironments(APPS, out);
    expect(result.keptFiles).toEqual(['NOTES.md', 'prod/loadtest-results/report.html']);
    expect(fs.readFileSync(path.join(results, 'report.html'), 'utf8')).toBe('<html>run 1</html>\n');
    expect(fs.readFileSync(path.join(out, 'NOTES.md'), 'utf8')).toBe('my notes\n');
    expect(manifest(out)).not.toContain('prod/loadtest-results/report.html');
    expect(checkDirectory(APPS, out)).toEqual({ missing: [], extra: [], changed: [] });
  });

  test('a file synth did not write, where synth now writes one, fails the synth and leaves the folder as it was', () => {
    const out = path.join(tmp(), 'dist');
    synthEnvironments(APPS, out);
    // Someone's own file that the manifest does not list, under a name synth is about to write.
    const mine = path.join(out, 'prod', 'test.jmx');
    const lines = manifest(out).filter(f => f !== 'prod/test.jmx');
    fs.writeFileSync(path.join(out, '.cdk8s-kserve-files'), `# edited\n${lines.join('\n')}\n`);
    fs.writeFileSync(mine, '<my plan/>\n');
    const before = readTree(out);
    expect(() => synthEnvironments(APPS, out)).toThrow(`${path.join(out, 'prod', 'test.jmx')}: error [output] file was not written by cdk8s-kserve, and synth would overwrite it; fix: move it out of ${out}`);
    expect(readTree(out)).toEqual(before);
  });

  test('an output folder from before the manifest: stale synth output is replaced, anything else kept', () => {
    const out = path.join(tmp(), 'dist');
    fs.mkdirSync(path.join(out, 'example_inputs'), { recursive: true });
    fs.writeFileSync(path.join(out, 'old.k8s.yaml'), 'kind: Stale\n');
    fs.writeFileSync(path.join(out, 'example_inputs', 'old.json'), '{}\n');
    fs.writeFileSync(path.join(out, 'README.txt'), 'kept\n');
    const result = synthToDirectory(buildApp, out);
    expect(result.keptFiles).toEqual(['README.txt']);
    expect(fs.existsSync(path.join(out, 'old.k8s.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'example_inputs', 'old.json'))).toBe(false);
    expect(fs.readFileSync(path.join(out, 'README.txt'), 'utf8')).toBe('kept\n');
  });

  test('the load runner run inside an output folder puts its results beside it, where synth does not look', () => {
    const out = path.join(tmp(), 'dist');
    synthEnvironments(APPS, out);
    expect(defaultResultsDir(path.join(out, 'prod'))).toBe(path.join('..', '..', 'loadtest-results', 'prod'));
    expect(defaultResultsDir(out)).toBe(path.join('..', 'loadtest-results'));
    expect(defaultResultsDir(tmp())).toBe('loadtest-results');
    // ENDPOINTS.md names that place.
    expect(fs.readFileSync(path.join(out, 'prod', 'ENDPOINTS.md'), 'utf8')).toContain('`../../loadtest-results/prod/report.html` plots latency');
  });
});

describe('app scripts (what `npm run synth` runs)', () => {
  // npm run synth is `node scripts/ts-run.js apps/main.ts`.
  const tsx = [path.join(ROOT, 'scripts', 'ts-run.js')];

  test('scripts/ts-run.js runs an edited app as edited, with no build step, and a misspelt prop still fails', () => {
    expect(require(path.join(ROOT, 'package.json')).scripts.synth).toBe('node scripts/ts-run.js apps/main.ts');
    const dir = fs.mkdtempSync(path.join(ROOT, '.readme-examples-ts-run-'));
    try {
      const app = path.join(dir, 'app.ts');
      const write = (predictor: string) => fs.writeFileSync(app, [
        "import { App, AppProps } from 'cdk8s';",
        "import { InferenceServiceChart, main } from '../lib';",
        `main((props: AppProps) => { const app = new App(props); new InferenceServiceChart(app, 'iris', { modelUri: 'pvc://models/iris', predictor: ${predictor} }); return app; });`,
      ].join('\n'));
      const run = () => spawnSync(process.execPath, [...tsx, app], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: out }, encoding: 'utf8' });
      const out = path.join(dir, 'dist');
      const maxOf = () => YAML.parseAllDocuments(fs.readFileSync(path.join(out, 'iris.k8s.yaml'), 'utf8')).map(d => d.toJS()).find(o => o.kind === 'InferenceService').spec.predictor.maxReplicas;
      write('{ maxReplicas: 2 }');
      expect(run().status).toBe(0);
      expect(maxOf()).toBe(2);
      write('{ maxReplicas: 5 }');
      expect(run().status).toBe(0);
      expect(maxOf()).toBe(5);
      write('{ maxReplica: 5 }');
      const misspelt = run();
      expect(misspelt.status).toBe(1);
      expect(misspelt.stderr).toContain('iris: error [props] predictor.maxReplica (5) is not a prop here; did you mean maxReplicas?');
      expect(maxOf()).toBe(5);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  test('scripts/ts-run.js reuses its bundle only while every source is what it was built from', () => {
    // The two-second window for fresh files is switched off, so only the stamps decide.
    const dir = fs.mkdtempSync(path.join(ROOT, '.readme-examples-ts-run-'));
    try {
      const app = path.join(dir, 'app.ts');
      fs.writeFileSync(app, "import { n } from './helper';\nconsole.log(n, __dirname === require('path').dirname(__filename), require.main === module);\n");
      fs.mkdirSync(path.join(dir, 'helper'));
      const helper = path.join(dir, 'helper', 'index.ts');
      fs.writeFileSync(helper, 'export const n = 2;\n');
      const cache = path.join(ROOT, 'node_modules', '.cache', 'cdk8s-kserve-js', 'bundles');
      const manifests = () => fs.readdirSync(cache).filter(f => f.endsWith('.json')).map(f => fs.readFileSync(path.join(cache, f), 'utf8')).filter(m => m.includes(JSON.stringify(app)));
      const run = () => {
        const r = spawnSync(process.execPath, [...tsx, app], { cwd: ROOT, env: { ...process.env, CDK8S_KSERVE_TS_RUN_RACY_MS: '0' }, encoding: 'utf8' });
        expect(r.stderr).toBe('');
        return r.stdout.trim();
      };
      expect(run()).toBe('2 true true');
      const [built] = manifests();
      expect(built).toBeDefined();
      expect(run()).toBe('2 true true');
      expect(manifests()).toEqual([built]); // unchanged sources: the same bundle
      fs.writeFileSync(helper, 'export const n = 5;\n'); // same length, same second
      expect(run()).toBe('5 true true');
      fs.writeFileSync(path.join(dir, 'helper.ts'), 'export const n = 7;\n'); // now shadows helper/index.ts
      expect(run()).toBe('7 true true');
      fs.rmSync(path.join(dir, 'helper.ts'));
      expect(run()).toBe('5 true true');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  test('scripts/ts-run.js: a syntax error or an unresolved import is one line with file:line:column, exit 1', () => {
    const dir = fs.mkdtempSync(path.join(ROOT, '.readme-examples-ts-run-'));
    try {
      const run = (source: string) => {
        fs.writeFileSync(path.join(dir, 'app.ts'), source);
        return spawnSync(process.execPath, [...tsx, path.join(dir, 'app.ts')], { cwd: ROOT, encoding: 'utf8' });
      };
      const rel = path.relative(ROOT, path.join(dir, 'app.ts'));
      const syntax = run('const x: number = ;\n');
      expect([syntax.status, syntax.stderr]).toEqual([1, `${rel}:1:19: error: Unexpected ";"\n`]);
      const missing = run("import { n } from './missing';\nconsole.log(n);\n");
      expect([missing.status, missing.stderr]).toEqual([1, `${rel}:1:19: error: Could not resolve "./missing"\n`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the reference app writes dist/ equal to the committed one', () => {
    const out = path.join(tmp(), 'dist');
    execFileSync(process.execPath, [...tsx, path.join(ROOT, 'apps', 'main.ts')], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: out } });
    expect(readTree(out)).toEqual(readTree(path.join(ROOT, 'dist')));
  });

  test('an app whose builder throws, or main given a bad folder name: one line, exit 1, no stack trace, nothing written', () => {
    const out = path.join(tmp(), 'dist');
    const run = (env: Record<string, string>) => spawnSync(process.execPath, [...tsx, path.join(__dirname, 'fixtures', 'throwing-app.ts')], {
      cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: out, ...env }, encoding: 'utf8',
    });
    const thrown = run({});
    expect(thrown.status).toBe(1);
    expect(thrown.stderr).toBe([
      'synth failed with 1 problem; nothing was written:',
      '  error [construct] building the app failed: kserveVersion ("0.21") must be one of 0.11 to 0.20, such as "0.20" or "0.15.1"',
      '',
    ].join('\n'));
    const folders = run({ FIXTURE_FOLDERS: 'Prod', FIXTURE_VERSION: '0.20' });
    expect(folders.status).toBe(1);
    expect(folders.stderr).toBe('error: synthEnvironments: folder names ("Prod") must be lowercase letters, digits and \'-\', at least one\n');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a failing app exits 1, prints one line per problem and no stack trace, writes nothing', () => {
    const out = path.join(tmp(), 'dist');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.k8s.yaml'), 'kind: Kept\n');
    const run = spawnSync(process.execPath, [...tsx, path.join(__dirname, 'fixtures', 'bad-app.ts')], {
      cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: out }, encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe([
      'synth failed with 2 problems; nothing was written:',
      '  bad/predictor: error [replicas] spec.predictor.maxReplicas (2) must be 0 or at least minReplicas (5)',
      '  bad/transformer: error [transformer-args] args ("--predictor_host") must not set --predictor_host: KServe injects the in-cluster predictor host',
      // Warnings are printed on every synth, failed or not.
      'bad/predictor: warning [ngc-tag-resolution] spec.predictor.model (runtime kserve-tritonserver) ("nvcr.io/nvidia/tritonserver:23.05-py3") is on nvcr.io, whose tags Knative cannot resolve to digests; fix: add nvcr.io to registries-skipping-tag-resolving in Knative\'s config-deployment (KServe 0.20\'s installer does), then Validation.suppress(scope, \'ngc-tag-resolution\', reason)',
      '1 warning: fix, or Validation.suppress(scope, ruleId, reason); --strict fails on warnings',
      '',
    ].join('\n'));
    expect(readTree(out)).toEqual({ 'keep.k8s.yaml': 'kind: Kept\n' });
  });
});

describe('several models in one namespace share the objects they define alike', () => {
  /** n charts in namespace ml, each with its own model, transformer, credentials and the default message dumper. */
  const fleet = (n: number, extra: Partial<InferenceServiceChartProps> = {}) => (props: AppProps) => {
    const app = new App(props);
    for (let i = 1; i <= n; i++) {
      new InferenceServiceChart(app, `model-${i}`, {
        namespace: 'ml', azureBlob: { account: 'acct', container: 'models', path: `m${i}/` }, transformer: { image: 'registry.example.com/pre:1.0.0' },
        networkPolicies: {}, ...extra,
      });
    }
    return app;
  };
  const kustomize = (dir: string) => execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  const ids = (yaml: string) => YAML.parseAllDocuments(yaml).map(d => d.toJS()).map((o: any) => `${o.kind}/${o.metadata.name}`);

  // Before: each chart wrote its own message-dumper, and kustomize refused the folder
  // ("may not add resource with an already registered id").
  test.each([2, 5, 20])('%i models in Knative mode: kubectl kustomize builds the folder, with exactly one dumper', n => {
    const out = path.join(tmp(), 'dist');
    synthToDirectory(fleet(n), out);
    const built = ids(kustomize(out));
    expect(built.filter(x => x === 'Service/message-dumper')).toHaveLength(1);
    expect(built.filter(x => x.startsWith('InferenceService/'))).toHaveLength(n);
    expect(built.filter(x => x.startsWith('ServiceAccount/'))).toHaveLength(n);
    // One dumper NetworkPolicy per InferenceService: policies add up.
    expect(built.filter(x => x.startsWith('NetworkPolicy/message-dumper-from-'))).toHaveLength(n);
    expect(new Set(built).size).toBe(built.length);
    // The dumper lives in the first chart's file, and ENDPOINTS.md says so.
    expect(fs.readFileSync(path.join(out, 'model-1.k8s.yaml'), 'utf8')).toContain('name: message-dumper\n');
    expect(fs.readFileSync(path.join(out, `model-${n}.k8s.yaml`), 'utf8')).not.toContain('name: message-dumper\n');
    expect(fs.readFileSync(path.join(out, 'ENDPOINTS.md'), 'utf8'))
      .toContain(`- \`serving.knative.dev/v1 Service ml/message-dumper\` in \`model-1.k8s.yaml\`, also used by ${Array.from({ length: n - 1 }, (_, i) => `\`model-${i + 2}.k8s.yaml\``).join(', ')}`);
  });

  test('Standard mode: one dumper Deployment and Service for five models', () => {
    const out = path.join(tmp(), 'dist');
    synthToDirectory(fleet(5, { deploymentMode: DeploymentMode.STANDARD, predictor: { maxReplicas: 2 }, transformer: { image: 'registry.example.com/pre:1.0.0', maxReplicas: 2 } }), out);
    const built = ids(kustomize(out));
    expect(built.filter(x => x === 'Deployment/message-dumper' || x === 'Service/message-dumper').sort()).toEqual(['Deployment/message-dumper', 'Service/message-dumper']);
  });

  test('charts that name one ServiceAccount for one Secret share it: one storage identity, one ServiceAccount', () => {
    const shared = (props: AppProps) => {
      const app = new App(props);
      for (const i of [1, 2, 3]) {
        new InferenceServiceChart(app, `model-${i}`, {
          namespace: 'ml', azureBlob: { account: 'acct', container: 'models', path: `m${i}/`, serviceAccountName: 'azure-blob', credentials: AzureCredentials.existingSecret('azure-blob') },
        });
      }
      return app;
    };
    const dir = path.join(tmp(), 'dist');
    synthToDirectory(shared, dir);
    const built = ids(kustomize(dir));
    expect(built.filter(x => x.startsWith('ServiceAccount/'))).toEqual(['ServiceAccount/azure-blob']);
    const isvcs = YAML.parseAllDocuments(kustomize(dir)).map(d => d.toJS()).filter((o: any) => o.kind === 'InferenceService');
    expect(isvcs.map((o: any) => o.spec.predictor.serviceAccountName)).toEqual(['azure-blob', 'azure-blob', 'azure-blob']);
    expect(fs.readFileSync(path.join(dir, 'ENDPOINTS.md'), 'utf8')).toContain('- `v1 ServiceAccount ml/azure-blob` in `model-1.k8s.yaml`, also used by `model-2.k8s.yaml`, `model-3.k8s.yaml`');
  });

  test('by construction: the charts share one dumper construct, so cdk8s\'s own app.synth() output builds too, with unprefixed file names', () => {
    const outdir = path.join(tmp(), 'dist');
    const app = fleet(3)({ outdir });
    const charts = app.node.children.filter((c): c is InferenceServiceChart => c instanceof InferenceServiceChart);
    expect(new Set(charts.map(c => c.messageDumper)).size).toBe(1);
    expect(charts[2].inferenceService.predictor).toBeDefined();
    app.synth();
    const yamls = fs.readdirSync(outdir).sort();
    // No chart depends on another (that would prefix every file with an index).
    expect(yamls).toEqual(['model-1.k8s.yaml', 'model-2.k8s.yaml', 'model-3.k8s.yaml']);
    fs.writeFileSync(path.join(outdir, 'kustomization.yaml'), YAML.stringify({ resources: yamls }));
    expect(ids(kustomize(outdir)).filter(x => x === 'Service/message-dumper')).toHaveLength(1);
  });

  test('a chart that asks for another dumper gets its own; the same settings in another key order are still written once', () => {
    const out = path.join(tmp(), 'dist');
    synthToDirectory(props => {
      const app = new App(props);
      new InferenceServiceChart(app, 'a', { namespace: 'ml', modelUri: 'pvc://m/a', logging: { messageDumper: { minScale: 2, clusterLocal: true } } });
      new InferenceServiceChart(app, 'b', { namespace: 'ml', modelUri: 'pvc://m/b', logging: { messageDumper: { clusterLocal: true, minScale: 2 } } });
      new InferenceServiceChart(app, 'c', { namespace: 'ml', modelUri: 'pvc://m/c', logging: { messageDumper: { name: 'audit-dumper' } } });
      return app;
    }, out);
    const built = ids(kustomize(out));
    expect(built.filter(x => x.startsWith('Service/')).sort()).toEqual(['Service/audit-dumper', 'Service/message-dumper']);
    expect(fs.readFileSync(path.join(out, 'ENDPOINTS.md'), 'utf8')).toContain('- `serving.knative.dev/v1 Service ml/message-dumper` in `a.k8s.yaml`, also used by `b.k8s.yaml`');
  });

  test('two dumpers of one name with different settings fail the synth, naming both, and write nothing', () => {
    const out = path.join(tmp(), 'dist');
    const build = (props: AppProps) => {
      const app = new App(props);
      new InferenceServiceChart(app, 'a', { namespace: 'ml', modelUri: 'pvc://m/a' });
      new InferenceServiceChart(app, 'b', { namespace: 'ml', modelUri: 'pvc://m/b', logging: { messageDumper: { minScale: 2 } } });
      return app;
    };
    expect(() => synthToDirectory(build, out)).toThrow('b/message-dumper: error [object-identity] object ("serving.knative.dev/v1 Service ml/message-dumper") is also written by a/message-dumper, with other content (they differ at spec.template.metadata.annotations["autoscaling.knative.dev/min-scale"])');
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('library use: warnings printed, errors and findings as plain data', () => {
  const warned = (props: AppProps) => {
    const app = new App(props);
    new InferenceServiceChart(app, 'iris', { modelUri: 'pvc://m/iris' });   // ngc-tag-resolution: a warning
    return app;
  };

  test('synthToDirectory prints its warnings to stderr, unless told not to', () => {
    const quiet = process.env.CDK8S_KSERVE_QUIET;
    delete process.env.CDK8S_KSERVE_QUIET;
    const lines: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(chunk => { lines.push(String(chunk)); return true; });
    try {
      const result = synthToDirectory(warned, path.join(tmp(), 'dist'));
      expect(result.warningLines).toHaveLength(1);
      expect(lines.join('')).toContain(`${result.warningLines[0]}\n`);
      lines.length = 0;
      synthToDirectory(warned, path.join(tmp(), 'dist'), { printWarnings: false });
      expect(lines).toEqual([]);
    } finally {
      spy.mockRestore();
      process.env.CDK8S_KSERVE_QUIET = quiet;
    }
  });

  test('the same warning on many constructs is printed as one line', () => {
    const fleet = (props: AppProps) => {
      const app = new App(props);
      for (let i = 0; i < 5; i++) new InferenceServiceChart(app, `m${i}`, { modelUri: `pvc://m/${i}` });
      return app;
    };
    const result = synthToDirectory(fleet, path.join(tmp(), 'dist'), { printWarnings: false });
    expect(result.warningLines).toHaveLength(5);
    const printed = compactWarningLines(result.warningLines);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^m0\/predictor and 4 more: warning \[ngc-tag-resolution\] /);
    // Three or fewer stay as they are; lines of environment folders keep their folders.
    expect(compactWarningLines(result.warningLines.slice(0, 3))).toEqual(result.warningLines.slice(0, 3));
    expect(compactWarningLines(result.warningLines.map(l => `dev, prod: ${l}`))[0]).toMatch(/^dev, prod: m0\/predictor and 4 more: warning/);
  });

  test('findings and a SynthError serialize to plain data; console.log shows the message, not the construct tree', () => {
    const app = new App();
    new InferenceServiceChart(app, 'iris', { modelUri: 'pvc://m/iris', predictor: { minReplicas: 3, maxReplicas: 1 } });
    const json = JSON.parse(JSON.stringify(Validation.findings(app)));
    expect(json).toContainEqual({
      path: 'iris/predictor', rule: 'replicas', severity: 'error', field: 'spec.predictor.maxReplicas', value: 1,
      expected: 'must be 0 or at least minReplicas (3)',
      message: 'iris/predictor: error [replicas] spec.predictor.maxReplicas (1) must be 0 or at least minReplicas (3)',
    });
    // The construct is still there for code that wants it, just not enumerable.
    expect(Validation.findings(app)[0].construct.node.path).toMatch(/^iris/);
    let error: unknown;
    try {
      synthToDirectory(() => app, path.join(tmp(), 'dist'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthError);
    const shown = inspect(error);
    expect(shown).toBe(`SynthError: ${(error as SynthError).message}`);
    expect(shown).not.toMatch(/Node|_children|construct/);
    expect(JSON.parse(JSON.stringify(error)).problems).toEqual((error as SynthError).problems);
  });
});
