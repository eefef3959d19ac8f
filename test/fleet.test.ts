import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { App, AppProps, Duration, Size } from 'cdk8s';
import * as YAML from 'yaml';
import {
  AzureCredentials, ContainerSecurity, Cpu, DeploymentMode, DeploymentStrategy, EnvValue, Fleet, FleetError, fleetFromFile, IngressGateway,
  InferenceServiceChart, KedaMetric, KnativeMetric, KnativeVersion, KServeVersion, RolloutStage, StandardAutoscaler, SynthError,
  synthToDirectory, Validation,
} from '../lib';
import { fakeSealedValue } from './secrets';
import { readTree } from './util';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'cdk8s-kserve.js');
const REFERENCE = path.join(ROOT, 'apps', 'reference.fleet.yaml');
const EXAMPLE = path.join(ROOT, 'examples', 'fleet');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-fleet-'));
}

/** Runs the package bin's `synth` in a checkout. */
function synthCli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, 'synth', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** The problem lines of a FleetError or SynthError (without the two spaces of the message). */
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof FleetError || e instanceof SynthError) return e.problems;
    throw e;
  }
  throw new Error('expected problems');
}

describe('the reference deployment as a fleet file', () => {
  test('writes dist/ byte for byte as apps/main.ts does: every environment, argocd, flux and gpu-check', () => {
    const out = path.join(tmp(), 'dist');
    Fleet.fromFile(REFERENCE).synth(out);
    expect(readTree(out)).toEqual(readTree(path.join(ROOT, 'dist')));
  });

  test('npx cdk8s-kserve synth <file> --out writes the same; --check says it is up to date', () => {
    const out = path.join(tmp(), 'dist');
    const run = synthCli([path.relative(ROOT, REFERENCE), '--out', out]);
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(readTree(out)).toEqual(readTree(path.join(ROOT, 'dist')));
    const check = synthCli([path.relative(ROOT, REFERENCE), '--out', out, '--check']);
    expect([check.status, check.stdout]).toEqual([0, `${out}/ is up to date\n`]);
    fs.appendFileSync(path.join(out, 'prod', 'test.k8s.yaml'), '# edited\n');
    const stale = synthCli([path.relative(ROOT, REFERENCE), '--out', out, '--check']);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toBe(`${out}/ is stale; run npx cdk8s-kserve synth apps/reference.fleet.yaml and commit the result:\n  changed: prod/test.k8s.yaml\n`);
  });

  test('CDK8S_OUTDIR is the default output folder, as cdk8s synth sets it', () => {
    const out = path.join(tmp(), 'out');
    const run = synthCli([REFERENCE], { CDK8S_OUTDIR: out });
    expect(run.status).toBe(0);
    expect(Object.keys(readTree(out))).toEqual(Object.keys(readTree(path.join(ROOT, 'dist'))));
  });

  test('the same file as JSON gives the same output', () => {
    const dir = tmp();
    const json = path.join(dir, 'fleet.json');
    fs.writeFileSync(json, JSON.stringify(YAML.parse(fs.readFileSync(REFERENCE, 'utf8'))));
    Fleet.fromFile(json).synth(path.join(dir, 'dist'));
    expect(readTree(path.join(dir, 'dist'))).toEqual(readTree(path.join(ROOT, 'dist')));
  });
});

describe('every way a file writes a class value gives what the TypeScript value gives', () => {
  const sealed = fakeSealedValue('x');
  const text = fs.readFileSync(path.join(__dirname, 'fixtures', 'forms.fleet.yaml'), 'utf8').replace(/\$SEALED/g, sealed);

  /** test/fixtures/forms.fleet.yaml, written in TypeScript. */
  function formsApp(props: AppProps): App {
    const app = new App(props);
    const target = { kserveVersion: KServeVersion.V0_20, knativeVersion: KnativeVersion.V1_21 };
    const knative = new InferenceServiceChart(app, 'knative-model', {
      ...target,
      namespace: 'ml',
      modelUri: 'https://formsstore.blob.core.windows.net/models/knative/',
      predictor: {
        resources: { cpu: { request: Cpu.cores(1.5), limit: Cpu.cores(2) }, memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) } },
        sharedMemorySize: Size.mebibytes(256),
        timeout: Duration.minutes(2),
        env: { LOG_LEVEL: 'info', TOKEN: EnvValue.fromSecretKey('api-token', 'token'), MODE: EnvValue.fromConfigMapKey('settings', 'mode', { optional: true }) },
        knative: { metric: KnativeMetric.RPS, target: 20, window: Duration.seconds(90), scaleDownDelay: Duration.minutes(5) },
        security: ContainerSecurity.restricted({ runAsUser: 1001 }),
      },
      transformer: {
        image: 'registry.example.com/forms/pre:1.0.0',
        resources: { cpu: { request: Cpu.millis(250) } },
        predictorRequestTimeout: Duration.seconds(30),
        security: ContainerSecurity.none(),
      },
      ingressGateway: IngressGateway.service('gateways', 'ml-gateway'),
      rollout: { stage: RolloutStage.canary(10), candidate: { name: 'v2', modelUri: 'https://formsstore.blob.core.windows.net/models/kn-candidate/' } },
    });
    Validation.suppress(knative, 'ngc-tag-resolution', 'KServe\'s installer adds nvcr.io to registries-skipping-tag-resolving');
    new InferenceServiceChart(app, 'standard-model', {
      ...target,
      namespace: 'ml',
      kserveVersion: KServeVersion.V0_15,
      deploymentMode: DeploymentMode.STANDARD,
      azureBlob: { account: 'formsstore', container: 'models', path: 'standard', credentials: AzureCredentials.externalSecret({ storeName: 'vault', refreshInterval: Duration.hours(1) }) },
      predictor: {
        minReplicas: 1,
        maxReplicas: 4,
        standard: {
          autoscaler: StandardAutoscaler.keda({ metrics: [KedaMetric.cpu(70), KedaMetric.memory(Size.gibibytes(2)), KedaMetric.prometheus({ serverAddress: 'http://prometheus:9090', query: 'sum(rate(x[1m]))', threshold: 10 })] }),
          deploymentStrategy: DeploymentStrategy.rollingUpdate({ maxSurge: 1, maxUnavailable: 0 }),
        },
      },
      ingressGateway: IngressGateway.KOURIER,
    });
    new InferenceServiceChart(app, 'sealed-model', {
      ...target,
      namespace: 'other',
      deploymentMode: DeploymentMode.STANDARD,
      azureBlob: {
        account: 'formsstore', container: 'models', path: 'sealed',
        credentials: AzureCredentials.sealedSecret({ encryptedData: { AZURE_TENANT_ID: sealed, AZURE_CLIENT_ID: sealed, AZURE_CLIENT_SECRET: sealed } }),
      },
      predictor: { maxReplicas: 2, standard: { deploymentStrategy: DeploymentStrategy.recreate() } },
    });
    return app;
  }

  test('the output of the file equals the output of the app, byte for byte, and synth prints no warning', () => {
    const [fromFile, fromCode] = [path.join(tmp(), 'dist'), path.join(tmp(), 'dist')];
    const result = Fleet.fromText(text, 'forms.fleet.yaml').synth(fromFile, { printWarnings: false });
    synthToDirectory(formsApp, fromCode, { printWarnings: false });
    expect(result.warningLines).toEqual([]);
    const files = readTree(fromFile);
    expect(Object.keys(files)).toContain('knative-model.k8s.yaml');
    expect(files).toEqual(readTree(fromCode));
  });

  test('the forms are the values the file says: memory 512Mi, cpu 250m, timeout 120 s, KEDA metrics', () => {
    const dir = path.join(tmp(), 'dist');
    Fleet.fromText(text, 'forms.fleet.yaml').synth(dir, { printWarnings: false });
    const objects = (file: string) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map(d => d.toJS());
    const isvc = objects('knative-model.k8s.yaml').find(o => o.kind === 'InferenceService');
    expect(isvc.spec.predictor.model.resources.requests).toMatchObject({ cpu: '1500m', memory: '512Mi' });
    expect(isvc.spec.predictor.timeout).toBe(120);
    expect(isvc.spec.transformer.containers[0].resources.requests.cpu).toBe('250m');
    const standard = objects('standard-model.k8s.yaml').find(o => o.kind === 'InferenceService');
    expect(standard.spec.predictor.autoScaling.metrics.map((m: any) => m.type)).toEqual(['Resource', 'Resource', 'External']);
  });
});

describe('environments, defaults and the target, merged as withOverrides merges', () => {
  const fleet = Fleet.fromText([
    'kserveVersion: "0.19"',
    'defaults:',
    '  namespace: ml',
    '  predictor: { minReplicas: 1, maxReplicas: 3, resources: { memory: { request: 2Gi } } }',
    'models:',
    '  a: { modelUri: "pvc://models/a", predictor: { maxReplicas: 5 } }',
    '  b: { kserveVersion: "0.18", azureBlob: { account: store1, container: models, path: b, credentials: { existingSecret: b-creds } } }',
    'environments:',
    '  dev:',
    '    kserveVersion: "0.20"',
    '    defaults: { predictor: { minReplicas: 0, resources: { memory: { request: 1Gi } } } }',
    '    models:',
    '      a: { predictor: { maxReplicas: 1 } }',
    '      b: { azureBlob: { credentials: { workloadIdentity: { clientId: 00000000-0000-0000-0000-000000000001 } } } }',
    '  prod: {}',
  ].join('\n'), 'merge.yaml');

  test('a model\'s own value wins over the defaults; an environment changes both key by key', () => {
    const dev = fleet.modelProps('dev');
    const prod = fleet.modelProps('prod');
    expect(prod.a.predictor).toMatchObject({ minReplicas: 1, maxReplicas: 5 });
    expect(dev.a.predictor).toMatchObject({ minReplicas: 0, maxReplicas: 1 });
    expect(dev.b.predictor).toMatchObject({ minReplicas: 0, maxReplicas: 3 });
    expect(prod.a.namespace).toBe('ml');
    expect(dev.a.predictor!.resources!.memory!.request!.asString()).toBe('1Gi');
    expect(prod.a.predictor!.resources!.memory!.request!.asString()).toBe('2Gi');
  });

  test('the target is the lowest layer: a model that names its version keeps it in every environment', () => {
    expect(String(fleet.modelProps('prod').a.kserveVersion)).toBe('0.19');
    expect(String(fleet.modelProps('dev').a.kserveVersion)).toBe('0.20');
    expect(String(fleet.modelProps('dev').b.kserveVersion)).toBe('0.18');
  });

  test('a class value is replaced whole, the keys beside it kept', () => {
    const dev = fleet.modelProps('dev').b.azureBlob!;
    const prod = fleet.modelProps('prod').b.azureBlob!;
    expect(dev).toMatchObject({ account: 'store1', container: 'models', path: 'b' });
    expect(dev.credentials).toBeInstanceOf(AzureCredentials);
    expect(dev.credentials).not.toBe(prod.credentials);
    const out = path.join(tmp(), 'dist');
    fleet.synth(out, { printWarnings: false });
    const kinds = (env: string) => YAML.parseAllDocuments(fs.readFileSync(path.join(out, env, 'b.k8s.yaml'), 'utf8')).map(d => d.toJS())
      .filter(o => o.kind === 'ServiceAccount').map(o => Object.keys(o.metadata.annotations ?? {}).concat(o.secrets?.map((s: any) => s.name) ?? []));
    expect(kinds('dev')).toEqual([['azure.workload.identity/client-id']]);
    expect(kinds('prod')).toEqual([['b-creds']]);
  });

  test('modelProps names the environments when asked for one the file does not have', () => {
    expect(() => fleet.modelProps('staging')).toThrow('Fleet.modelProps: environment ("staging") must be one of dev, prod');
    expect(() => fleet.modelProps()).toThrow('has environments (dev, prod); name one');
  });
});

describe('bad input in the file: every problem at once, file:line:column, nothing written', () => {
  test('unknown keys with a "did you mean", wrong types, class values the file cannot parse, an override of a model the file lacks', () => {
    const text = [
      'kserveVersion: 0.20', // 1
      'models:', // 2
      '  iris:', // 3
      '    azureBlob: { account: store, container: models, path: iris }', // 4
      '    predictor:', // 5
      '      maxReplica: 3', // 6
      '      resources: { memory: { request: 8GB } }', // 7
      '      timeout: 30', // 8
      '  bert:', // 9
      '    modelUri: pvc://models/bert', // 10
      '    predictor: { minReplicas: "1", security: strict }', // 11
      '    azureBlob: { account: s, container: c, path: p, credentials: { existingSecret: 5 } }', // 12
      'environments:', // 13
      '  Dev:', // 14
      '    models:', // 15
      '      irs: { predictor: { gpus: 0 } }', // 16
      '  argocd: {}', // 17
      'gitops: { repoUrl: "https://example.com/r.git", argoCd: true, argocd: true }', // 18
    ].join('\n');
    expect(problemsOf(() => Fleet.fromText(text, 'f.yaml'))).toEqual([
      'f.yaml:1:1: error [props] kserveVersion (0.2) must be a KServe version string such as "0.20": quote it, YAML reads 0.2 as a number',
      'f.yaml:6:7: error [props] models.iris.predictor.maxReplica (3) is not a prop here; did you mean maxReplicas?',
      'f.yaml:7:30: error [props] models.iris.predictor.resources.memory.request ("8GB") must be a size such as "8Gi" or "512Mi" (Ki, Mi, Gi, Ti, Pi)',
      'f.yaml:8:7: error [props] models.iris.predictor.timeout (30) must be a duration such as "30s", "5m" or "1h30m": write "30s" for seconds',
      'f.yaml:11:18: error [props] models.bert.predictor.minReplicas ("1") must be a number',
      'f.yaml:11:36: error [props] models.bert.predictor.security ("strict") must be a security setting: "restricted", { restricted: {...} } or "none"',
      'f.yaml:12:53: error [props] models.bert.azureBlob.credentials ({"existingSecret":5}) must be credentials: { existingSecret: <name> }, { externalSecret: {...} }, { sealedSecret: {...} }, { secretFromEnvironment: {...} } or { workloadIdentity: {...} }: existingSecret takes a string',
      'f.yaml:18:63: error [props] gitops.argocd (true) is not a prop here; did you mean argoCd?',
      'f.yaml:14:3: error [fleet-file] environments.Dev ("Dev") must be a folder name: lowercase letters, digits and \'-\'',
      'f.yaml:16:7: error [fleet-file] environments.Dev.models.irs ("irs") is not a model of this file; did you mean iris?',
      'f.yaml:17:3: error [fleet-file] environments.argocd ("argocd") is the folder of the GitOps objects; name the environment otherwise',
    ]);
  });

  test('YAML syntax errors, a model given twice, a file that is not a mapping', () => {
    expect(problemsOf(() => Fleet.fromText('models:\n  a: {\n', 'f.yaml'))).toEqual([
      'f.yaml:3:1: error [fleet-file] Flow map in block collection must be sufficiently indented and end with a }',
    ]);
    expect(problemsOf(() => Fleet.fromText('models:\n  a: { modelUri: "pvc://m/a" }\n  b: { modelUri: "pvc://m/b" }\n  a: { modelUri: "pvc://m/c" }\n', 'f.yaml'))).toEqual([
      'f.yaml:4:3: error [fleet-file] models.a is given twice; a model of this name is at line 2 already',
    ]);
    expect(problemsOf(() => Fleet.fromText('- a\n- b\n', 'f.yaml'))).toEqual(['f.yaml:1:1: error [fleet-file] (["a","b"]) must be a mapping with at least models:']);
    expect(problemsOf(() => Fleet.fromText('name: x\n', 'f.yaml'))).toEqual(['f.yaml:1:1: error [props] models (not set) is required']);
    expect(problemsOf(() => Fleet.fromText('', 'f.yaml'))).toEqual(['f.yaml:1:1: error [fleet-file] the file is empty; it needs at least models:']);
  });

  test('construct findings of a model name its place in the file; with environments, the folders too', () => {
    const text = [
      'models:',
      '  ok: { modelUri: "pvc://m/ok" }',
      '  iris:',
      '    azureBlob: { account: store, path: iris }',
      '  bert:',
      '    modelUri: "pvc://m/bert"',
      '    predictor: { minReplicas: 3, maxReplicas: 2 }',
      'environments: { dev: {}, prod: {} }',
    ].join('\n');
    expect(problemsOf(() => Fleet.fromText(text, 'f.yaml').synth(path.join(tmp(), 'dist')))).toEqual([
      'f.yaml:3:3: dev, prod: iris: error [props] azureBlob.container (not set) is required',
      'f.yaml:5:3: dev, prod: bert/predictor: error [replicas] spec.predictor.maxReplicas (2) must be 0 or at least minReplicas (3)',
    ]);
  });

  test('the CLI prints the problems, exits 1 and leaves the output folder as it was', () => {
    const dir = tmp();
    const file = path.join(dir, 'fleet.yaml');
    fs.writeFileSync(file, 'models:\n  a:\n    modelUri: "pvc://m/a"\n    predictor: { maxReplica: 2 }\n');
    const out = path.join(dir, 'dist');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.yaml'), 'kept\n');
    const run = synthCli([file, '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`${file} has 1 problem; nothing was written:\n  ${file}:4:18: error [props] models.a.predictor.maxReplica (2) is not a prop here; did you mean maxReplicas?\n`);
    expect(readTree(out)).toEqual({ 'keep.yaml': 'kept\n' });
    fs.writeFileSync(file, 'models:\n  a:\n    modelUri: "pvc://m/a"\n    predictor: { maxReplicas: -1 }\n');
    const built = synthCli([file, '--out', out]);
    expect(built.status).toBe(1);
    expect(built.stderr).toMatch(new RegExp(`^synth failed with 1 problem; nothing was written:\\n  ${file.replace(/[.]/g, '\\.')}:2:3: a/predictor: error \\[replicas\\] spec\\.predictor\\.maxReplicas \\(-1\\)`));
    expect(readTree(out)).toEqual({ 'keep.yaml': 'kept\n' });
  });

  test('--strict fails on a warning, which a plain synth prints and writes', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'fleet.yaml'), 'models:\n  a: { modelUri: "pvc://m/a" }\n');
    const strict = spawnSync(process.execPath, [BIN, 'synth', 'fleet.yaml', '--strict'], { cwd: dir, encoding: 'utf8' });
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/^synth failed with 1 problem; nothing was written:\n  fleet\.yaml:2:3: a\/predictor: warning \[ngc-tag-resolution\]/);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
    const plain = spawnSync(process.execPath, [BIN, 'synth', 'fleet.yaml'], { cwd: dir, encoding: 'utf8' });
    expect(plain.status).toBe(0);
    expect(plain.stderr).toMatch(/^fleet\.yaml:2:3: a\/predictor: warning \[ngc-tag-resolution\]/);
    expect(fs.existsSync(path.join(dir, 'dist', 'a.k8s.yaml'))).toBe(true);
  });

  test('gitops and gpuCheck need environments; a suppression on a transformer the model lacks', () => {
    expect(problemsOf(() => Fleet.fromText('models: { a: { modelUri: "pvc://m/a" } }\ngitops: { repoUrl: "https://example.com/r.git", flux: true }\ngpuCheck: true\n', 'f.yaml'))).toEqual([
      'f.yaml:2:1: error [fleet-file] gitops ({"repoUrl":"https://example.com/r.git","flux":true}) needs environments: the folders it works on are dist/<environment>/',
      'f.yaml:3:1: error [fleet-file] gpuCheck (true) needs environments: the folders it works on are dist/<environment>/',
    ]);
    const fleet = Fleet.fromText('models:\n  a:\n    modelUri: "pvc://m/a"\n    suppress: [{ rule: ngc-tag-resolution, on: transformer, reason: r }]\n', 'f.yaml');
    expect(problemsOf(() => fleet.synth(path.join(tmp(), 'dist')))).toEqual([
      'error [construct] building the app failed: f.yaml:4:44: models.a.suppress[0].on ("transformer"): the model has no transformer',
    ]);
  });

  test('a wrong command line: usage and exit 2', () => {
    expect(synthCli([]).status).toBe(2);
    expect(synthCli(['a.yaml', 'b.yaml']).stderr).toContain('one fleet file only (got a.yaml and b.yaml)');
    expect(synthCli(['a.yaml', '--outdir', 'x']).stderr).toContain('unknown option --outdir');
    expect(synthCli(['missing.yaml']).stderr).toBe('missing.yaml has 1 problem; nothing was written:\n  missing.yaml: error [fleet-file] cannot be read: ENOENT\n');
  });
});

describe('secrets stay out of the file', () => {
  const file = (credentials: string) => `models:\n  a:\n    azureBlob: { account: store1, container: models, path: a, credentials: ${credentials} }\n`;

  test('secretFromEnvironment takes the opt-in by name only: values come from the environment at synth time, never from the file', () => {
    expect(problemsOf(() => Fleet.fromText(file('{ secretFromEnvironment: { environment: { AZURE_CLIENT_SECRET: s3cret } } }'), 'f.yaml'))).toEqual([
      'f.yaml:3:103: error [props] models.a.azureBlob.credentials.secretFromEnvironment.environment ({"AZURE_CLIENT_SECRET":"s3cret"}) is not a prop here (props: authentication, secretName)',
    ]);
    const fleet = Fleet.fromText(file('{ secretFromEnvironment: { authentication: account-key } }'), 'f.yaml');
    const apps = fleet.apps as (props: AppProps) => App;
    const before = process.env.AZURE_STORAGE_ACCESS_KEY;
    process.env.AZURE_STORAGE_ACCESS_KEY = 'from-the-environment';
    try {
      const out = path.join(tmp(), 'dist');
      const result = synthToDirectory(apps, out, { printWarnings: false });
      expect(result.warnings.map(w => w.rule.id)).toContain('plaintext-secret');
      const secret = YAML.parseAllDocuments(fs.readFileSync(path.join(out, 'a.k8s.yaml'), 'utf8')).map(d => d.toJS()).find(o => o.kind === 'Secret');
      expect(secret.stringData.AZURE_STORAGE_ACCESS_KEY).toBe('from-the-environment');
    } finally {
      if (before === undefined) delete process.env.AZURE_STORAGE_ACCESS_KEY;
      else process.env.AZURE_STORAGE_ACCESS_KEY = before;
    }
  });
});

describe('the shipped JSON Schema (schema/fleet.schema.json)', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema', 'fleet.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: true, strictTypes: false }).compile(schema);
  const load = (file: string) => YAML.parse(fs.readFileSync(file, 'utf8'));

  test('accepts the reference deployment, the example fleet and every form of the forms fixture', () => {
    for (const file of [REFERENCE, path.join(EXAMPLE, 'fleet.yaml'), path.join(__dirname, 'fixtures', 'forms.fleet.yaml')]) {
      expect([file, validate(load(file)) ? [] : validate.errors]).toEqual([file, []]);
    }
  });

  test('rejects what the synth rejects: an unknown key, a size the file cannot write, a credentials object with two factories', () => {
    const bad = (patch: (f: any) => void) => {
      const f = load(REFERENCE);
      patch(f);
      expect(validate(f)).toBe(false);
      expect(() => Fleet.fromText(JSON.stringify(f), 'f.json')).toThrow(FleetError);
    };
    bad(f => { f.models.test.predictor.maxReplica = 3; });
    bad(f => { f.models.test.predictor.resources.memory.request = '8GB'; });
    bad(f => { f.models.test.azureBlob.credentials = { existingSecret: 'a', workloadIdentity: { clientId: 'b' } }; });
    bad(f => { f.environments.dev.models.test.predictor.timeout = 30; });
  });

  test('the example files name it for editors (yaml-language-server)', () => {
    for (const file of [REFERENCE, path.join(EXAMPLE, 'fleet.yaml')]) {
      const m = /^# yaml-language-server: \$schema=(\S+)$/m.exec(fs.readFileSync(file, 'utf8'));
      expect(m).not.toBeNull();
      expect(path.resolve(path.dirname(file), m![1])).toBe(path.join(ROOT, 'schema', 'fleet.schema.json'));
    }
  });
});

describe('the example fleet repository (examples/fleet)', () => {
  test('its dist/ is what the file gives now, and kubectl kustomize builds every folder', () => {
    const check = synthCli([path.join('examples', 'fleet', 'fleet.yaml'), '--out', path.join('examples', 'fleet', 'dist'), '--check']);
    expect([check.status, check.stderr]).toEqual([0, '']);
    const folders = fs.readdirSync(path.join(EXAMPLE, 'dist')).filter(f => fs.statSync(path.join(EXAMPLE, 'dist', f)).isDirectory()).sort();
    expect(folders).toEqual(['argocd', 'dev', 'flux', 'prod']);
    const kinds: Record<string, string[]> = {};
    for (const folder of folders) {
      const built = execFileSync('kubectl', ['kustomize', path.join(EXAMPLE, 'dist', folder)], { encoding: 'utf8' });
      kinds[folder] = YAML.parseAllDocuments(built).map(d => `${d.get('kind')}/${(d.toJS().metadata.namespace ?? '-')}/${d.toJS().metadata.name}`).sort();
    }
    // Three models in two namespaces: one dumper per namespace, one ServiceAccount for the two vision models.
    expect(kinds.prod).toEqual([
      'InferenceService/nlp/bert', 'InferenceService/vision/resnet', 'InferenceService/vision/yolo',
      'Service/nlp/message-dumper', 'Service/vision/message-dumper',
      'ServiceAccount/nlp/bert-azure-blob', 'ServiceAccount/vision/vision-azure-blob',
    ]);
    expect(kinds.argocd).toEqual(['Application/argocd/vision-dev', 'Application/argocd/vision-prod']);
    expect(kinds.flux).toEqual(['GitRepository/flux-system/vision', 'Kustomization/flux-system/vision-dev', 'Kustomization/flux-system/vision-prod']);
  });

  test('dev has no GPUs and scales to zero; prod keeps the GPUs', () => {
    const gpus = (env: string, model: string) => {
      const isvc = YAML.parseAllDocuments(fs.readFileSync(path.join(EXAMPLE, 'dist', env, `${model}.k8s.yaml`), 'utf8')).map(d => d.toJS()).find(o => o.kind === 'InferenceService');
      return [isvc.spec.predictor.minReplicas, isvc.spec.predictor.model.resources.limits?.['nvidia.com/gpu'] ?? '0'];
    };
    expect(['resnet', 'yolo', 'bert'].map(m => gpus('dev', m))).toEqual([[0, '0'], [0, '0'], [0, '0']]);
    expect(['resnet', 'yolo', 'bert'].map(m => gpus('prod', m))).toEqual([[1, '1'], [1, '1'], [1, '0']]);
  });

  test('fleetFromFile mixes the file with code: its folders beside one written in TypeScript', () => {
    const fleet = fleetFromFile(path.join(EXAMPLE, 'fleet.yaml'));
    expect(fleet.environments).toEqual(['dev', 'prod']);
    expect(fleet.models).toEqual(['resnet', 'yolo', 'bert']);
    const app = new App({ outdir: tmp() });
    const charts = fleet.addModels(app, 'prod');
    new InferenceServiceChart(app, 'extra', { namespace: 'vision', modelUri: 'pvc://models/extra' });
    expect(Object.keys(charts)).toEqual(['resnet', 'yolo', 'bert']);
    // The extra chart shares the namespace's message dumper with the file's models.
    expect(app.charts.flatMap(c => c.node.findAll()).filter(c => c.node.id === 'message-dumper' || c.constructor.name === 'MessageDumper').length).toBeGreaterThan(0);
  });
});

describe('the README quick start from one YAML file', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### From one YAML file'));
  const file = /^```yaml\n([\s\S]*?)^```/m.exec(section)![1];
  const said = /^```text\n([\s\S]*?)^```/m.exec(section)![1];

  test('writes the same dist/ as the TypeScript quick start, byte for byte', () => {
    const dir = fs.mkdtempSync(path.join(ROOT, '.readme-examples-fleet-'));
    try {
      fs.writeFileSync(path.join(dir, 'fleet.yaml'), file);
      const run = spawnSync(process.execPath, [BIN, 'synth', 'fleet.yaml'], { cwd: dir, encoding: 'utf8' });
      expect([run.status, run.stderr]).toEqual([0, '']);
      const quick = /^```ts\n([\s\S]*?)^```/m.exec(readme.slice(readme.indexOf('### In TypeScript')))![1];
      fs.writeFileSync(path.join(dir, 'main.ts'), quick.replace(/from 'cdk8s-kserve'/g, "from '../lib'"));
      const code = path.join(dir, 'from-code');
      execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'ts-run.js'), path.join(dir, 'main.ts')], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: code } });
      expect(Object.keys(readTree(path.join(dir, 'dist')))).toContain('resnet.k8s.yaml');
      expect(readTree(path.join(dir, 'dist'))).toEqual(readTree(code));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('its misspelt prop fails as the README says, and writes nothing', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'fleet.yaml'), file.replace('maxReplicas: 4', 'maxReplica: 4'));
    const run = spawnSync(process.execPath, [BIN, 'synth', 'fleet.yaml'], { cwd: dir, encoding: 'utf8' });
    expect([run.status, run.stderr]).toEqual([1, said]);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });
});

describe('docs/fleet-file.md', () => {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'fleet-file.md'), 'utf8');
  // Each fleet file of the page (a ```yaml block with models:), with the ```text block right after it, if any.
  const blocks = [...page.matchAll(/^```yaml\n([\s\S]*?)^```\n(?:\n[^`]*?\n)?(?:\n?```text\n([\s\S]*?)^```)?/gm)]
    .filter(m => m[1].includes('models:'))
    .map(m => ({ file: m[1], said: m[2] }));

  test.each(blocks.map((b, i) => [i + 1, b] as const))('example %i synthesizes, or fails exactly as the page says', (_i, { file, said }) => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'fleet.yaml'), file);
    const run = spawnSync(process.execPath, [BIN, 'synth', 'fleet.yaml'], { cwd: dir, encoding: 'utf8' });
    if (said === undefined) {
      expect([run.status, run.stderr.split('\n').filter(l => / error /.test(l))]).toEqual([0, []]);
    } else {
      expect(run.status).toBe(1);
      expect(run.stderr.startsWith(said)).toBe(true);
      expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
    }
  });

  test('it shows a passing file and both kinds of failure', () => {
    expect(blocks.map(b => b.said === undefined ? 'ok' : b.said.split('\n')[0].split(' ')[0])).toEqual(['ok', 'fleet.yaml', 'synth']);
  });
});
