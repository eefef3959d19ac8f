/**
 * Writes `lib/validation/props-schema.ts`, the JSON Schema of every construct's props generated
 * from the TypeScript interfaces (ts-json-schema-generator), so that the props can be checked at
 * run time (`npm run synth` runs the app without a type check) and a fleet file is checked
 * against the same schema; and `schema/fleet.schema.json`, the fleet file for editors, with the
 * interfaces' TSDoc as descriptions. A test fails when either is stale.
 *
 * Usage: npm run props-schema   (or with --print to write the text to stdout instead)
 */
import * as fs from 'fs';
import * as path from 'path';
import { createGenerator } from 'ts-json-schema-generator';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'lib', 'validation', 'props-schema.ts');

/** The props interface of each construct the library exports. */
export const PROPS_TYPES = [
  'InferenceServiceChartProps', 'InferenceServiceProps', 'TritonPredictorProps', 'PythonTransformerProps', 'MessageDumperProps',
  'AzureBlobCredsProps', 'InferenceServiceNetworkPoliciesProps', 'GpuSmokeTestProps', 'ArgoCdApplicationProps', 'FluxGitRepositoryProps',
  'FluxKustomizationProps',
  // A fleet file, and the arguments of the factories it writes as one-key objects (lib/fleet/forms.ts).
  'FleetFile', 'AzureExternalSecretOptions', 'AzureSealedSecretOptions', 'FleetSecretFromEnvironment', 'AzureWorkloadIdentityOptions',
  'HpaOptions', 'KedaOptions', 'PrometheusMetricOptions', 'RollingUpdateOptions', 'RestrictedSecurityOptions', 'FleetEnvKey',
  'FleetIngressService',
];

/**
 * Types whose values are made by a class (a factory or `new`): checked as instances of that
 * class at run time, not field by field (their fields are private state).
 */
export const CLASS_TYPES = [
  'ApiObject', 'AzureCredentials', 'Chart', 'ContainerSecurity', 'Cpu', 'DeploymentStrategy', 'Duration', 'EnvValue', 'FluxGitRepository',
  'FluxKustomization', 'IConstruct', 'InferenceService', 'IngressGateway', 'KedaMetric', 'KServeVersion', 'KnativeVersion', 'MessageDumper', 'ModelStorage',
  'Predictor', 'PythonTransformer', 'RolloutStage', 'Size', 'StandardAutoscaler', 'Transformer', 'TritonPredictor',
];

const FLEET_SCHEMA = path.join(ROOT, 'schema', 'fleet.schema.json');

/** The definitions a set of roots reaches, sorted, following `$ref`s. */
function reachable(all: Record<string, any>, roots: string[]): Record<string, any> {
  const reached = new Set<string>(roots);
  const visit = (node: any): void => {
    if (node === null || typeof node !== 'object') return;
    if (typeof node.$ref === 'string') {
      const name = decodeURIComponent(node.$ref.replace('#/definitions/', ''));
      if (!reached.has(name)) {
        reached.add(name);
        visit(all[name]);
      }
    }
    for (const v of Object.values(node)) visit(v);
  };
  for (const root of roots) visit(all[root]);
  return Object.fromEntries([...reached].sort().map(k => [k, all[k]]));
}

/** The annotations TSDoc gives a schema node (`jsDoc: 'extended'`), as opposed to what it checks. */
const ANNOTATIONS = new Set(['description', 'default', 'markdownDescription', 'examples', 'title', '$comment', 'deprecated']);

/**
 * A schema with its annotations rewritten by `annotate` (applied to every schema node, not to the
 * `properties` map, where these words can be property names).
 */
function annotated(node: any, annotate: (n: Record<string, any>) => Record<string, any>, inProperties = false): any {
  if (Array.isArray(node)) return node.map(n => annotated(n, annotate));
  if (node === null || typeof node !== 'object') return node;
  const children = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, annotated(v, annotate, !inProperties && k === 'properties')]));
  return inProperties ? children : annotate(children);
}

/** Only what checks a value: the run-time schema needs no words. */
const bare = (n: Record<string, any>) => Object.fromEntries(Object.entries(n).filter(([k]) => !ANNOTATIONS.has(k)));

/** For editors: the TSDoc description, with its default in words (`@default` values are TypeScript, not file values). */
const described = (n: Record<string, any>) => {
  const out = bare(n);
  const text = [n.description, n.default !== undefined ? `Default: ${typeof n.default === 'string' ? n.default : JSON.stringify(n.default)}` : undefined].filter(Boolean).join('\n\n');
  return text ? { description: text, ...out } : out;
};

/** A schema node with no key required, in it and in what it holds directly. */
function withoutRequired(node: any): any {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const { required: _required, ...rest } = node;
  return rest;
}

/** Both generated schemas, from one run of the generator over the interfaces and their TSDoc. */
export function generatedSchemas(): { props: string; fleet: string } {
  const generator = createGenerator({ path: path.join(ROOT, 'lib', 'index.ts'), tsconfig: path.join(ROOT, 'tsconfig.json'), skipTypeCheck: true, expose: 'export', jsDoc: 'extended' });
  const all: Record<string, any> = {};
  for (const type of PROPS_TYPES) {
    const schema = generator.createSchema(type) as { definitions?: Record<string, unknown> };
    Object.assign(all, schema.definitions);
  }
  const opaque = { ...all };
  for (const name of CLASS_TYPES) if (opaque[name]) opaque[name] = { 'x-instance-of': name };
  // Only what the props reach once classes are opaque (not the construct internals behind them).
  const props = { $schema: 'http://json-schema.org/draft-07/schema#', definitions: annotated(reachable(opaque, PROPS_TYPES), bare) };
  return { props: propsSchemaFile(props), fleet: fleetSchemaFile(opaque) };
}

function propsSchemaFile(schema: object): string {
  return [
    '// Generated by scripts/props-schema.ts (npm run props-schema) from the props interfaces. Do not edit.',
    '',
    '/** The JSON Schema (draft-07) of the props of every construct, one definition per type. */',
    `export const PROPS_SCHEMA: { $schema: string; definitions: Record<string, any> } = ${JSON.stringify(schema, null, 1)};`,
    '',
  ].join('\n');
}

/**
 * schema/fleet.schema.json: the fleet file for editors. Class types are written as the file
 * writes them (lib/fleet/forms.ts); below a model nothing is required, as models are merged with
 * defaults and environments before the constructs check them whole.
 */
function fleetSchemaFile(opaque: Record<string, any>): string {
  const { FORMS } = require('../lib/fleet/forms');
  const withForms: Record<string, any> = { ...opaque };
  for (const [name, def] of Object.entries(opaque)) {
    if (def?.['x-instance-of'] && FORMS[name]) withForms[name] = FORMS[name].schema;
  }
  const definitions = annotated(reachable(withForms, ['FleetFile']), described);
  // What a model reaches through props only; factory arguments are whole values and keep their required keys.
  const factoryArgs = new Set(Object.keys(reachable(withForms, Object.keys(FORMS).filter(n => definitions[n]))).filter(n => !FORMS[n]));
  for (const name of Object.keys(reachable(opaque, ['FleetModel', 'FleetEnvironment']))) {
    if (definitions[name] && !factoryArgs.has(name)) definitions[name] = withoutRequired(definitions[name]);
  }
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/cdk8s-kserve/cdk8s-kserve/schema/fleet.schema.json',
    title: 'cdk8s-kserve fleet file',
    description: 'Models served by KServe, their environments and GitOps settings (docs/fleet-file.md). Generated by scripts/props-schema.ts; do not edit.',
    $ref: '#/definitions/FleetFile',
    definitions,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** lib/validation/props-schema.ts, as the generator writes it now. */
export function propsSchemaText(): string {
  return generatedSchemas().props;
}

if (require.main === module) {
  const { props, fleet } = generatedSchemas();
  if (process.argv.includes('--print')) {
    process.stdout.write(props);
  } else {
    fs.writeFileSync(OUT, props);
    fs.mkdirSync(path.dirname(FLEET_SCHEMA), { recursive: true });
    fs.writeFileSync(FLEET_SCHEMA, fleet);
  }
}
