/**
 * Property-based: random props, environment overrides and JSON patches thrown at the constructs,
 * the way an app run without type checks (tsx) or an escape hatch can. Whatever comes in, synth
 * either succeeds with output that the real CRDs accept (checked with ajv, independently of the
 * library's own schema walker), or fails with a SynthError and leaves the previous folder as it
 * was. No other exception escapes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, AppProps, JsonPatch } from 'cdk8s';
import fc from 'fast-check';
import * as YAML from 'yaml';
import {
  DeploymentMode, InferenceServiceChart, InferenceServiceChartProps, KServeVersion, RolloutStage, synthEnvironments, synthToDirectory, SynthError, withOverrides,
} from '../lib';
import { schemaErrors, schemaSetFor } from './schema';

/** Any JSON-ish value, including the types people get wrong: numbers for strings, objects for arrays, null. */
const junk = fc.oneof(
  fc.string({ maxLength: 12 }), fc.integer({ min: -5, max: 100000 }), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null), fc.constant(undefined),
  fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null)), { maxKeys: 3 }),
);

/** Mostly right values (so that later checks run too), sometimes wrong ones, sometimes junk. */
function pick<T>(good: fc.Arbitrary<T>, bad?: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 14, arbitrary: good }, { weight: 1, arbitrary: bad ?? junk }, { weight: 1, arbitrary: junk });
}
const one = <T>(...values: T[]) => fc.constantFrom(...values);

const props: fc.Arbitrary<Record<string, unknown>> = fc.record({
  name: pick(one('iris', 'resnet-50'), one('a'.repeat(60), 'MyModel')),
  namespace: pick(one('ml', 'default'), one('Team_A')),
  kserveVersion: one(KServeVersion.V0_11, KServeVersion.V0_14, KServeVersion.V0_20),
  deploymentMode: one(DeploymentMode.KNATIVE, DeploymentMode.STANDARD),
  modelUri: pick(one('pvc://models/iris', 's3://bucket/iris'), one('abfs://c@acct.dfs.core.windows.net/x')),
  predictor: pick(fc.record({
    minReplicas: pick(fc.integer({ min: 0, max: 2 }), one(-1, 1.5)),
    maxReplicas: pick(fc.integer({ min: 2, max: 8 }), one(0, 1)),
    gpus: pick(fc.integer({ min: 0, max: 2 }), one(0.5)),
    runtimeVersion: pick(one('24.08-py3'), one('latest', '24.08/py3')),
    args: pick(fc.array(one('--log-verbose=1'), { maxLength: 1 })),
    env: pick(fc.dictionary(one('LOG', 'A.B'), fc.string({ maxLength: 6 }), { maxKeys: 2 }), fc.dictionary(one('1BAD', 'TMPDIR'), fc.oneof(fc.string(), fc.integer()), { maxKeys: 1 })),
    labels: pick(fc.dictionary(one('team', 'example.com/owner'), one('ml', 'vision-1'), { maxKeys: 2 }), fc.dictionary(one('a/b/c', 'x'.repeat(70)), fc.oneof(fc.string({ maxLength: 70 }), fc.integer()), { maxKeys: 1 })),
    annotations: pick(fc.dictionary(one('note'), one('x'), { maxKeys: 1 }), fc.dictionary(one('autoscaling.knative.dev/window', 'bad key'), fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxKeys: 1 })),
    nodeSelector: pick(fc.dictionary(one('pool'), one('gpu'), { maxKeys: 1 }), fc.dictionary(one('nvidia.com/gpu.product'), one('NVIDIA A100 80GB'), { maxKeys: 1 })),
    containerConcurrency: pick(fc.integer({ min: 0, max: 16 }), one(-1, 2000)),
    imagePullSecrets: pick(fc.array(one('ngc'), { maxLength: 1 }), fc.array(one('Bad_Name'), { maxLength: 1 })),
    name: pick(one('v1'), one('V1')),
  }, { requiredKeys: [] })),
  transformer: fc.option(pick(fc.record({
    image: pick(one('registry.example.com/pre:1.0.0'), one('Registry/Pre', 'pre', 'pre:latest')),
    args: pick(fc.array(one('--workers=2'), { maxLength: 1 }), fc.array(one('--http_port=9000'), { maxLength: 1 })),
    env: pick(fc.dictionary(one('LOG_LEVEL'), fc.string({ maxLength: 6 }), { maxKeys: 1 }), fc.dictionary(one('MY VAR'), fc.oneof(fc.string({ maxLength: 6 }), fc.boolean()), { maxKeys: 1 })),
    maxReplicas: pick(fc.integer({ min: 1, max: 4 })),
  }, { requiredKeys: ['image'] })), { nil: undefined }),
  logging: fc.option(pick(fc.record({ enabled: pick(fc.boolean()), metadataHeaders: pick(fc.array(one('X-Request-Id'), { maxLength: 1 }), fc.array(one('x-request-id'), { maxLength: 1 })) }, { requiredKeys: [] })), { nil: undefined }),
  rollout: fc.option(fc.record({
    candidate: fc.record({ name: pick(one('v2')), modelUri: pick(one('pvc://models/iris-v2')) }, { requiredKeys: [] }),
    stage: one(RolloutStage.canary(10), RolloutStage.canary(150), RolloutStage.PROMOTED, RolloutStage.ROLLED_BACK),
  }), { nil: undefined, freq: 4 }),
}, { requiredKeys: ['kserveVersion', 'deploymentMode', 'modelUri'] });

/** JSON patches on the InferenceService, at paths it has and paths it does not. */
const patches = fc.array(fc.record({
  op: fc.constantFrom('add', 'replace'),
  path: fc.constantFrom(
    '/spec/predictor/minReplicas', '/spec/predictor/model/env', '/spec/predictor/model/env/0', '/spec/predictor/annotations', '/spec/predictor/labels',
    '/spec/predictor/model/resources/requests/cpu', '/spec/predictor/model/volumeMounts/-', '/spec/predictor/logger/metadataHeaders', '/metadata/labels',
    '/spec/predictor/containers', '/spec/transformer/containers/0/env', '/spec/does/not/exist', '/spec/predictor/nodeSelector', '/spec/predictor/model/image',
  ),
  value: junk,
}), { maxLength: 1 });

function build(p: Record<string, unknown>, ops: { op: string; path: string; value: unknown }[]) {
  return (appProps: AppProps) => {
    const app = new App(appProps);
    const chart = new InferenceServiceChart(app, 'chart', p as unknown as InferenceServiceChartProps);
    for (const o of ops) {
      ApiObject.of(chart.inferenceService).addJsonPatch(o.op === 'add' ? JsonPatch.add(o.path, o.value) : JsonPatch.replace(o.path, o.value));
    }
    return app;
  };
}

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, f);
    if (fs.statSync(full).isFile()) out[f] = fs.readFileSync(full, 'utf8');
  }
  return out;
}

/** The folder a previous synth left, to check that a failed one leaves it as it was. */
function previous(): { out: string; before: Record<string, string> } {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'property-')), 'dist');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'previous.k8s.yaml'), 'kind: Previous\n');
  return { out, before: files(out) };
}

/** Every object written, checked with ajv against the CRD of the chart's KServe minor (and core schemas). */
function outputErrors(dir: string, kserveMinor: number): string[] {
  const set = schemaSetFor(kserveMinor);
  return fs.readdirSync(dir).filter(f => f.endsWith('.k8s.yaml'))
    .flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(d => d.toJS()))
    .filter(o => o && ['InferenceService', 'ServiceAccount', 'Deployment', 'Secret'].includes(o.kind) || o?.apiVersion === 'serving.knative.dev/v1')
    .flatMap(o => schemaErrors(o, set));
}

type Outcome = 'written' | 'refused';

function outcomeOf(run: () => void, out: string, before: Record<string, string>, kserveMinor: number): Outcome {
  try {
    run();
  } catch (e) {
    if (!(e instanceof SynthError)) throw new Error(`escaped as ${(e as Error)?.constructor?.name}: ${(e as Error)?.stack ?? String(e)}`);
    expect(e.problems.length).toBeGreaterThan(0);
    for (const line of e.problems) expect(line).not.toMatch(/\n|    at /);
    expect(files(out)).toEqual(before);
    return 'refused';
  }
  expect(outputErrors(out, kserveMinor)).toEqual([]);
  return 'written';
}

describe('random bad input: synth succeeds with schema-valid output or fails with findings, nothing in between', () => {
  const seen = { written: 0, refused: 0 };

  test('props and JSON patches', () => {
    fc.assert(fc.property(props, patches, (p, ops) => {
      const { out, before } = previous();
      const minor = (p.kserveVersion as KServeVersion).minor;
      seen[outcomeOf(() => synthToDirectory(build(p, ops), out, { printWarnings: false }), out, before, minor)]++;
    }), { numRuns: 250, seed: 20261201 });
    // The generators reach both outcomes, so the property says something about each.
    expect(seen.written).toBeGreaterThan(10);
    expect(seen.refused).toBeGreaterThan(10);
  });

  test('environment overrides over a valid base', () => {
    const base = { modelUri: 'pvc://models/iris', namespace: 'ml', transformer: { image: 'registry.example.com/pre:1.0.0' } };
    fc.assert(fc.property(props, p => {
      const { out, before } = previous();
      const minor = (p.kserveVersion as KServeVersion).minor;
      const apps = {
        dev: (appProps: AppProps) => {
          const app = new App(appProps);
          new InferenceServiceChart(app, 'chart', withOverrides(base, p as Partial<InferenceServiceChartProps>) as InferenceServiceChartProps);
          return app;
        },
      };
      outcomeOf(() => synthEnvironments(apps, out, { printWarnings: false }), out, before, minor);
    }), { numRuns: 120, seed: 7 });
  });
});
