/**
 * Regenerates `imports/` with `cdk8s import` from the CRDs in `../shared/crds`.
 *
 * The InferenceService CRD is pruned first: the full 0.20 schema imports as 5.3 MB of
 * TypeScript that costs ~8 s of type checking on every compile (README, "Design"). We keep
 * the fields the constructs emit and turn large Kubernetes sub-trees we pass through
 * untyped (affinity, volumes, topology spread) into open objects. Validation never uses this
 * pruned schema: tests check every emitted object against the full, unmodified CRDs.
 *
 * Usage: npm run import
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

const root = path.resolve(__dirname, '..');
const crds = path.resolve(root, '..', 'shared', 'crds');
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
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  for (const f of fs.readdirSync(out)) {
    const kb = (fs.statSync(path.join(out, f)).size / 1024).toFixed(0);
    console.log(`imports/${f}: ${kb} KiB`);
  }
}

main();
