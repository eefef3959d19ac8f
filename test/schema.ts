/**
 * Validates synthesized objects against the real schemas, the way `kubectl --validate=strict`
 * would: unknown fields are errors.
 *
 * - KServe InferenceService and Knative Service: the CRDs in ../shared/crds, unmodified,
 *   converted to JSON Schema (structural-schema semantics: an object schema that lists
 *   properties allows no others unless it says `x-kubernetes-preserve-unknown-fields`).
 * - Core objects: Kubernetes' own OpenAPI as generated into @kubernetes/client-node's models
 *   (field names, types, formats, required fields).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as crypto from 'crypto';
import Ajv, { _, KeywordCxt, ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import * as YAML from 'yaml';
import { strictCrdSchema } from '../scripts/crd-schema';
import { crdsDir } from '../scripts/crds';

export { strictCrdSchema };

/** The CRD folder: CDK8S_KSERVE_CRDS, else ../shared/crds (test/global-setup.ts fails at once when it is incomplete). */
export const CRDS = crdsDir();

/** Which schema files an object is checked against: folders of ../shared/crds. */
export interface SchemaSet {
  readonly kserve: string;
  readonly knative: string;
}

/**
 * Each KServe minor is checked against its own InferenceService CRD (the one folder of that
 * minor in ../shared/crds), and Knative Services against the Knative CRD nearest the Knative
 * the cluster runs (by default the one that KServe minor installs, ../shared/crds/README.md).
 */
export function schemaSetFor(kserveMinor: number, knativeMinor?: number): SchemaSet {
  const kserve = fs.readdirSync(CRDS).filter(d => d.startsWith(`kserve-v0.${kserveMinor}.`));
  if (kserve.length !== 1) throw new Error(`expected one CRD folder for KServe 0.${kserveMinor} in ${CRDS}, found ${kserve.join(', ') || 'none'}`);
  const installed = kserveMinor <= 12 ? 10 : kserveMinor <= 14 ? 13 : kserveMinor <= 16 ? 15 : 21;
  const knative = knativeMinor ?? installed;
  return { kserve: kserve[0], knative: knative <= 12 ? 'knative-serving-v1.10.1' : knative <= 16 ? 'knative-serving-v1.15.2' : 'knative-serving-v1.21.1' };
}

/** The formats module the cached validators require (the same functions ajv checks with here). */
const FORMATS_MODULE = path.join(__dirname, 'schema-formats.js');
const FORMATS: Record<string, any> = require(FORMATS_MODULE);

// optimize: false compiles the 2 MB KServe schema in ~2 s instead of ~7 s; validation stays exact.
// source: true keeps the generated code, which compiled() writes to a cache shared by every suite.
// inlineRefs: false makes each shared sub-schema (shareSubtrees) one function, called where it is
// used, instead of its code copied into every place.
const ajv = new Ajv({ strict: false, allErrors: true, inlineRefs: false, code: { optimize: false, source: true, formats: _`require(${FORMATS_MODULE})` } });
for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
ajv.addKeyword({
  keyword: 'x-kubernetes-list-map-keys',
  type: 'array',
  schemaType: 'array',
  // The API server rejects two list entries with the same map keys (two containers named alike).
  code(cxt: KeywordCxt) {
    cxt.fail(_`new Set(${cxt.data}.map(item => JSON.stringify(${cxt.schemaCode}.map(k => item == null ? undefined : item[k])))).size !== ${cxt.data}.length`);
  },
});

/**
 * Validators are compiled once per schema and kept as ajv standalone code in
 * node_modules/.cache/cdk8s-kserve-schemas, keyed by the schema, the ajv version and this file's
 * options: each Jest suite runs in a fresh module registry, and compiling the KServe CRDs again
 * in every suite cost about 3 s a suite.
 */
const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'cdk8s-kserve-schemas');
const CACHE_KEY = [require('ajv/package.json').version, FORMATS_MODULE, fs.readFileSync(FORMATS_MODULE, 'utf8'), 'optimize:false allErrors inlineRefs:false x-kubernetes-list-map-keys:v1'].join('\n');

function compiled(schema: object): ValidateFunction {
  return cachedValidator(crypto.createHash('sha256').update(CACHE_KEY).update(JSON.stringify(schema)), () => schema);
}

/**
 * The validator cached under `key`, compiled from `schema()` when it is not there yet. The CRD
 * validators are keyed by the CRD file's bytes rather than the converted schema, so that a
 * cached one costs no YAML parse: parsing the 2 MB KServe CRD in every suite took about 13 s of
 * a run.
 */
function cachedValidator(key: crypto.Hash, schema: () => object): ValidateFunction {
  const file = path.join(CACHE, `${key.digest('hex').slice(0, 32)}.js`);
  if (!fs.existsSync(file)) {
    const code = standaloneCode(ajv, ajv.compile(schema()));
    fs.mkdirSync(CACHE, { recursive: true });
    // Written whole, then renamed: two workers compiling the same schema never read half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, file);
  }
  return require(file) as ValidateFunction;
}

// ---- Core objects from @kubernetes/client-node's generated models ---------------------

const MODELS = path.join(path.dirname(require.resolve('@kubernetes/client-node/package.json')), 'dist', 'gen', 'models');

function modelSchema(type: string, format: string, defs: Record<string, any>): any {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: 'array', items: modelSchema(array[1], '', defs) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: modelSchema(map[1], format, defs) };
  switch (type) {
    case 'string': return format === 'byte' ? { type: 'string', format: 'byte' } : { type: 'string' };
    case 'boolean': return { type: 'boolean' };
    case 'number': return format === 'int32' || format === 'int64' ? { type: 'integer', format } : { type: 'number' };
    case 'Date': return { type: 'string' };
    case 'IntOrString': return { anyOf: [{ type: 'integer' }, { type: 'string' }] };
    case 'any': case 'object': return {};
    default:
      loadModel(type, defs);
      return { $ref: `#/definitions/${type}` };
  }
}

function loadModel(name: string, defs: Record<string, any>): void {
  if (defs[name]) return;
  defs[name] = {};
  const js = fs.readFileSync(path.join(MODELS, `${name}.js`), 'utf8');
  const dts = fs.readFileSync(path.join(MODELS, `${name}.d.ts`), 'utf8');
  const attributes: { baseName: string; type: string; format: string }[] =
    JSON.parse(/\.attributeTypeMap = (\[[\s\S]*?\]);/.exec(js)![1]);
  const required = [...dts.matchAll(/^\s+'([^']+)':/gm)].map(m => m[1]);
  defs[name] = {
    type: 'object',
    additionalProperties: false,
    required,
    properties: Object.fromEntries(attributes.map(a => [a.baseName, modelSchema(a.type, a.format, defs)])),
  };
}

function coreSchema(model: string, apiVersion: string, kind: string): any {
  const definitions: Record<string, any> = {};
  loadModel(model, definitions);
  return {
    definitions,
    allOf: [
      { $ref: `#/definitions/${model}` },
      { required: ['apiVersion', 'kind', 'metadata'], properties: { apiVersion: { const: apiVersion }, kind: { const: kind } } },
    ],
  };
}

const CORE: Record<string, [string, string, string]> = {
  'v1/ServiceAccount': ['V1ServiceAccount', 'v1', 'ServiceAccount'],
  'v1/Secret': ['V1Secret', 'v1', 'Secret'],
  'v1/Service': ['V1Service', 'v1', 'Service'],
  'v1/ConfigMap': ['V1ConfigMap', 'v1', 'ConfigMap'],
  'apps/v1/Deployment': ['V1Deployment', 'apps/v1', 'Deployment'],
  'v1/Pod': ['V1Pod', 'v1', 'Pod'],
  'networking.k8s.io/v1/NetworkPolicy': ['V1NetworkPolicy', 'networking.k8s.io/v1', 'NetworkPolicy'],
  'batch/v1/Job': ['V1Job', 'batch/v1', 'Job'],
};

// ---- Dispatch ----------------------------------------------------------------------

/**
 * What a CRD validator is made by besides the CRD itself: this file and the conversion in
 * scripts/crd-schema.ts (whole, so any edit to either compiles again), and the ObjectMeta model.
 */
const CRD_KEY = [
  fs.readFileSync(__filename, 'utf8'),
  fs.readFileSync(require.resolve('../scripts/crd-schema'), 'utf8'),
  require('@kubernetes/client-node/package.json').version,
].join('\0');

const validators = new Map<string, ValidateFunction>();

function crdValidator(file: string, version: string): ValidateFunction {
  const key = `${file}@${version}`;
  let v = validators.get(key);
  if (!v) {
    const bytes = fs.readFileSync(path.join(CRDS, file));
    v = cachedValidator(crypto.createHash('sha256').update(CACHE_KEY).update(CRD_KEY).update(`\0${file}\0${version}\0`).update(bytes), () => crdSchema(file, bytes, version));
    validators.set(key, v);
  }
  return v;
}

/** Keywords whose value is a schema, and those whose value is a list or a map of schemas. */
const SUBSCHEMA = new Set(['items', 'additionalProperties', 'not']);
const SUBSCHEMA_LISTS = new Set(['anyOf', 'allOf', 'oneOf']);

/**
 * The same schema with every sub-schema that occurs more than once (the Kubernetes PodSpec and
 * Container schemas repeat for every component of an InferenceService) moved to `definitions`
 * and referenced: ajv then compiles each once, and the KServe validators are a few hundred KB of
 * code instead of 8 to 14 MB, which every suite that loaded one spent seconds parsing. What is
 * valid does not change: a reference stands for an identical sub-schema.
 */
function shareSubtrees(schema: any): { root: any; definitions: Record<string, any> } {
  const counts = new Map<string, number>();
  const walk = (node: any, visit: (n: any) => void): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    visit(node);
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties') Object.values(value as object).forEach(v => walk(v, visit));
      else if (SUBSCHEMA.has(key)) walk(value, visit);
      else if (SUBSCHEMA_LISTS.has(key)) (value as any[]).forEach(v => walk(v, visit));
    }
  };
  walk(schema, n => {
    const text = JSON.stringify(n);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  });
  const names = new Map<string, string>();
  const definitions: Record<string, any> = {};
  const share = (node: any, top = false): any => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
    const text = JSON.stringify(node);
    const copy = (): any => Object.fromEntries(Object.entries(node).map(([key, value]) => [key,
      key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, share(v)]))
        : SUBSCHEMA.has(key) ? share(value)
          : SUBSCHEMA_LISTS.has(key) ? (value as any[]).map(v => share(v))
            : value]));
    if (top || (counts.get(text) ?? 0) < 2 || text.length < 200) return copy();
    let name = names.get(text);
    if (!name) {
      name = `shared${names.size}`;
      names.set(text, name);
      definitions[name] = copy();
    }
    return { $ref: `#/definitions/${name}` };
  };
  return { root: share(schema, true), definitions };
}

/** The strict JSON Schema of one served version of a CRD file. */
function crdSchema(file: string, bytes: Buffer, version: string): object {
  const crd = YAML.parse(bytes.toString('utf8'));
  const served = crd.spec.versions.find((x: any) => x.name === version && x.served);
  if (!served) throw new Error(`${file} does not serve ${version}`);
  const { root: schema, definitions: shared } = shareSubtrees(strictCrdSchema(served.schema.openAPIV3Schema));
  // Object metadata is validated as Kubernetes' ObjectMeta, as the API server does.
  const definitions: Record<string, any> = { ...shared };
  loadModel('V1ObjectMeta', definitions);
  schema.definitions = definitions;
  schema.properties.metadata = { $ref: '#/definitions/V1ObjectMeta' };
  schema.required = [...new Set([...(schema.required ?? []), 'apiVersion', 'kind', 'metadata'])];
  return schema;
}

function validatorFor(obj: any, set: SchemaSet): ValidateFunction {
  const id = `${obj.apiVersion}/${obj.kind}`;
  if (id === 'serving.kserve.io/v1beta1/InferenceService') {
    return crdValidator(`${set.kserve}/serving.kserve.io_inferenceservices.yaml`, 'v1beta1');
  }
  if (id === 'serving.knative.dev/v1/Service') {
    return crdValidator(`${set.knative}/services.serving.knative.dev.yaml`, 'v1');
  }
  const operator = OPERATOR_CRDS[id];
  if (operator) return crdValidator(...operator);
  const core = CORE[id];
  if (!core) throw new Error(`no schema known for ${id}: add one before emitting it`);
  let v = validators.get(id);
  if (!v) {
    v = compiled(coreSchema(...core));
    validators.set(id, v);
  }
  return v;
}

/** Schema errors of one object, as `<kind>/<name><path>: <message>` lines. */
export function schemaErrors(obj: any, set: SchemaSet): string[] {
  const validate = validatorFor(obj, set);
  if (validate(obj)) return [];
  const where = `${obj.kind}/${obj.metadata?.name}`;
  return (validate.errors ?? []).map(e => {
    const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as any).additionalProperty})` : '';
    return `${where}${e.instancePath}: ${e.message}${extra}`;
  });
}

/** The GitOps and secrets operators' kinds, validated against their real CRDs in ../shared/crds (scripts/crds.ts). */
const OPERATOR_CRDS: Record<string, [string, string]> = {
  'argoproj.io/v1alpha1/Application': ['argo-cd-v3.5.1/application-crd.yaml', 'v1alpha1'],
  'source.toolkit.fluxcd.io/v1/GitRepository': ['flux-source-controller-v1.9.1/source.toolkit.fluxcd.io_gitrepositories.yaml', 'v1'],
  'kustomize.toolkit.fluxcd.io/v1/Kustomization': ['flux-kustomize-controller-v1.9.4/kustomize.toolkit.fluxcd.io_kustomizations.yaml', 'v1'],
  'external-secrets.io/v1/ExternalSecret': ['external-secrets-v2.9.0/external-secrets.io_externalsecrets.yaml', 'v1'],
  'bitnami.com/v1alpha1/SealedSecret': ['sealed-secrets-v0.36.6/bitnami.com_sealedsecrets.yaml', 'v1alpha1'],
};

/** Kinds of Argo CD, Flux, External Secrets and Sealed Secrets. */
export const PUBLISHED_MODEL_KINDS = new Set(Object.keys(OPERATOR_CRDS));

/** Errors of Argo CD, Flux, External Secrets and Sealed Secrets objects against their real CRDs. */
export function publishedModelErrors(objects: any[]): string[] {
  return objects.flatMap(o => schemaErrors(o, schemaSetFor(20)));
}
