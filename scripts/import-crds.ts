/**
 * Regenerates `imports/` with `cdk8s import` from the CRDs in `../shared/crds`.
 *
 * The InferenceService CRD is pruned first: the full 0.20 schema imports as 5.3 MB of
 * TypeScript that costs ~8 s of type checking on every compile (README, "Design"). We keep
 * the fields the constructs emit and turn large Kubernetes sub-trees we pass through
 * untyped (affinity, volumes, topology spread) into open objects. Validation never uses this
 * pruned schema: tests check every emitted object against the full, unmodified CRDs.
 *
 * It also writes `imports/schemas.ts`: the `spec` schema of each full CRD, strict and compact
 * (64 KB for the 0.20 InferenceService), which the library checks every emitted object
 * against at synth time, so fields added through JSON patches are checked too.
 *
 * Usage: npm run import
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { compactSchema, strictCrdSchema } from './crd-schema';
import { crdsDir } from './crds';

const root = path.resolve(__dirname, '..');
const crds = crdsDir();
const out = path.join(root, 'imports');

/** Fields of `predictor` / `transformer` shared by every component (component extension + pod spec). */
const COMPONENT_FIELDS = [
  'minReplicas', 'maxReplicas', 'scaleTarget', 'scaleMetric', 'scaleMetricType', 'containerConcurrency',
  'timeout', 'canaryTrafficPercent', 'logger', 'batcher', 'labels', 'annotations', 'deploymentStrategy',
  'autoScaling', 'serviceAccountName', 'imagePullSecrets', 'nodeSelector', 'tolerations', 'affinity',
  'volumes', 'securityContext', 'priorityClassName', 'runtimeClassName', 'terminationGracePeriodSeconds',
  'automountServiceAccountToken', 'topologySpreadConstraints',
];
const PREDICTOR_FIELDS = [...COMPONENT_FIELDS, 'model'];
const TRANSFORMER_FIELDS = [...COMPONENT_FIELDS, 'containers'];
const CONTAINER_FIELDS = [
  'name', 'image', 'imagePullPolicy', 'command', 'args', 'env', 'envFrom', 'ports', 'resources',
  'readinessProbe', 'livenessProbe', 'startupProbe', 'volumeMounts', 'securityContext', 'workingDir',
];
const MODEL_FIELDS = [...CONTAINER_FIELDS.filter(f => f !== 'name'),
  'modelFormat', 'runtime', 'runtimeVersion', 'protocolVersion', 'storageUri'];
/** Passed through as open objects: typed by our own props, not by the generated code. */
const OPEN_FIELDS = ['affinity', 'volumes', 'topologySpreadConstraints'];

type Schema = { properties?: Record<string, Schema>; items?: Schema; [k: string]: unknown };

function pick(schema: Schema, keep: string[]): void {
  const props = schema.properties ?? {};
  for (const key of Object.keys(props)) {
    if (!keep.includes(key)) delete props[key];
  }
  for (const key of OPEN_FIELDS) {
    if (props[key]) props[key] = { 'type': props[key].type, 'x-kubernetes-preserve-unknown-fields': true };
  }
}

function pruneInferenceService(crd: any): any {
  const version = crd.spec.versions.find((v: any) => v.name === 'v1beta1');
  const schema: Schema = version.schema.openAPIV3Schema;
  delete schema.properties!.status;
  const spec = schema.properties!.spec;
  pick(spec, ['predictor', 'transformer']);
  const predictor = spec.properties!.predictor;
  const transformer = spec.properties!.transformer;
  pick(predictor, PREDICTOR_FIELDS);
  pick(transformer, TRANSFORMER_FIELDS);
  pick(predictor.properties!.model, MODEL_FIELDS);
  pick(transformer.properties!.containers.items!, CONTAINER_FIELDS);
  return crd;
}

function cdk8sImport(file: string): void {
  execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'),
    ['import', '--no-check-upgrade', '--no-save', '--language', 'typescript', '--output', out, file],
    { cwd: root, stdio: 'inherit' });
}

/** The CRDs whose `spec` schema the library checks at synth time, by schema name: every KServe minor's own InferenceService CRD and the three Knative Service CRDs. */
const RUNTIME_SCHEMAS: Record<string, [string, string]> = {
  ...Object.fromEntries(['0.11.2', '0.12.1', '0.13.1', '0.14.1', '0.15.2', '0.16.0', '0.17.1', '0.18.1', '0.19.0', '0.20.0']
    .map(v => [`kserve-v${v}`, [`kserve-v${v}/serving.kserve.io_inferenceservices.yaml`, 'v1beta1']])),
  ...Object.fromEntries(['1.10.1', '1.15.2', '1.21.1']
    .map(v => [`knative-serving-v${v}`, [`knative-serving-v${v}/services.serving.knative.dev.yaml`, 'v1']])),
};

function writeRuntimeSchemas(): void {
  const texts: string[] = [];
  const names: Record<string, number> = {};
  for (const [name, [file, version]] of Object.entries(RUNTIME_SCHEMAS)) {
    const crd = YAML.parse(fs.readFileSync(path.join(crds, file), 'utf8'));
    const served = crd.spec.versions.find((v: any) => v.name === version && v.served);
    const spec = strictCrdSchema(served.schema.openAPIV3Schema).properties.spec;
    const text = JSON.stringify(compactSchema(spec));
    // Identical schemas (KServe 0.17.1, 0.18.1 and 0.19.0) are stored once.
    const index = texts.indexOf(text);
    names[name] = index >= 0 ? index : texts.push(text) - 1;
  }
  const lines = [
    '// Generated by scripts/import-crds.ts (npm run import) from the CRDs in ../shared/crds:',
    '// the strict `spec` schema of each, descriptions dropped, repeated sub-trees shared. Do not edit.',
    '',
    '/** Names of the schemas: the CRD folder in ../shared/crds. */',
    `export type SchemaName = ${Object.keys(RUNTIME_SCHEMAS).map(n => `'${n}'`).join(' | ')};`,
    '',
    ...texts.map((t, i) => `const S${i} = ${JSON.stringify(t)};`),
    '',
    '/** Each schema as JSON text of `{ root, defs }`, parsed on first use. */',
    'export const SCHEMAS: Record<SchemaName, string> = {',
    ...Object.entries(names).map(([n, i]) => `  '${n}': S${i},`),
    '};',
    '',
  ];
  fs.writeFileSync(path.join(out, 'schemas.ts'), lines.join('\n'));
}

function main(): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-import-'));
  try {
    const isvcSource = path.join(crds, 'kserve-v0.20.0', 'serving.kserve.io_inferenceservices.yaml');
    const pruned = pruneInferenceService(YAML.parse(fs.readFileSync(isvcSource, 'utf8')));
    const prunedFile = path.join(tmp, 'serving.kserve.io_inferenceservices.pruned.yaml');
    fs.writeFileSync(prunedFile, YAML.stringify(pruned));
    fs.rmSync(out, { recursive: true, force: true });
    cdk8sImport(prunedFile);
    cdk8sImport(path.join(crds, 'knative-serving-v1.21.1', 'services.serving.knative.dev.yaml'));
    writeRuntimeSchemas();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  for (const f of fs.readdirSync(out)) {
    const kb = (fs.statSync(path.join(out, f)).size / 1024).toFixed(0);
    console.log(`imports/${f}: ${kb} KiB`);
  }
}

main();
