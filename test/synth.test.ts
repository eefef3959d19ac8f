import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps, Chart } from 'cdk8s';
import { InferenceServiceChart, MessageDumper, synthEnvironments, synthToDirectory, SynthError } from '../lib';
import { APPS, buildApp } from '../apps/main';
import { buildApp as buildBadApp } from './fixtures/bad-app';

const ROOT = path.resolve(__dirname, '..');

/** Every file under dir, relative path -> bytes. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true } as any) as unknown as fs.Dirent[]) {
    if (entry.isFile()) {
      const full = path.join((entry as any).parentPath ?? (entry as any).path, entry.name);
      out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  }
  return out;
}

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
      'ENDPOINTS.md', 'example_inputs/test-predictor.json', 'example_inputs/test.json', 'kustomization.yaml', 'loadtest/targets.json', 'test.jmx', 'test.k8s.yaml',
    ]);
    expect(readTree(out)).toEqual(readTree(path.join(ROOT, 'dist', 'prod')));
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
      expect(readTree(ours)).toEqual(readTree(theirs));
    }
  });

  test('replaces stale files instead of merging with them', () => {
    const out = path.join(tmp(), 'dist');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'old.k8s.yaml'), 'kind: Stale\n');
    synthToDirectory(buildApp, out, { endpoints: false });
    expect(fs.readdirSync(out).sort()).toEqual(['kustomization.yaml', 'test.k8s.yaml']);
  });
});

describe('app scripts (what `npm run synth` runs)', () => {
  const tsx = ['--import', 'tsx'];

  test('the reference app writes dist/ equal to the committed one', () => {
    const out = path.join(tmp(), 'dist');
    execFileSync(process.execPath, [...tsx, path.join(ROOT, 'apps', 'main.ts')], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: out } });
    expect(readTree(out)).toEqual(readTree(path.join(ROOT, 'dist')));
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
