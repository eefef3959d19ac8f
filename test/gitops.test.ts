/**
 * GitOps: environments written to dist/<env>/ from one definition, kustomization.yaml built by
 * the real `kubectl kustomize`, Argo CD and Flux objects validated against their published
 * schemas, the stale-dist check, and the GPU smoke test.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps, Chart, Duration, Size, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  ArgoCdApplication, ContainerSecurity, FluxGitRepository, FluxKustomization, GpuSmokeTest, GpuSmokeTestProps, InferenceServiceChart, InferenceServiceChartProps,
  KServeVersion, ModelStorage, synthEnvironments, SynthError, Validation, withOverrides,
} from '../lib';
import { APPS, ENVIRONMENTS } from '../apps/main';
import { publishedModelErrors } from './schema';
import { restrictedContext, synth } from './util';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

function yamlObjects(file: string): any[] {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJS()).filter(x => x);
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-gitops-'));
}

describe('dist/: one folder per environment and per GitOps tool', () => {
  const folders = fs.readdirSync(DIST, { withFileTypes: true }).filter(d => d.isDirectory()).map(d => d.name).sort();

  test('the app writes exactly the environments, argocd, flux and gpu-check folders', () => {
    expect(folders).toEqual([...Object.keys(ENVIRONMENTS), 'argocd', 'flux', 'gpu-check'].sort());
  });

  test.each(fs.readdirSync(DIST, { withFileTypes: true }).filter(d => d.isDirectory()).map(d => d.name).sort())('kubectl kustomize dist/%s builds exactly the objects of the files it lists', folder => {
    const dir = path.join(DIST, folder);
    const kustomization = YAML.parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
    const yamlFiles = fs.readdirSync(dir).filter(f => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
    expect(kustomization.resources).toEqual(yamlFiles);
    const built = YAML.parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map(d => d.toJS());
    const key = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const listed = yamlFiles.flatMap(f => yamlObjects(path.join(dir, f)));
    // kustomize reorders objects; the set and every field are the same.
    expect(built.map(key).sort()).toEqual(listed.map(key).sort());
    for (const o of listed) expect(built.find(b => key(b) === key(o))).toEqual(o);
  });

  test('dev and prod differ in namespace, replicas, image tag and GPU count, from one definition', () => {
    const isvc = (env: string) => yamlObjects(path.join(DIST, env, 'test.k8s.yaml')).find(o => o.kind === 'InferenceService');
    const dev = isvc('dev');
    const prod = isvc('prod');
    expect([dev.metadata.namespace, prod.metadata.namespace]).toEqual(['ml-dev', 'default']);
    expect([dev.spec.predictor.minReplicas, prod.spec.predictor.minReplicas]).toEqual([0, 1]);
    expect([dev.spec.predictor.model.resources.limits['nvidia.com/gpu'], prod.spec.predictor.model.resources.limits['nvidia.com/gpu']]).toEqual([undefined, '1']);
    expect([dev.spec.transformer.containers[0].image, prod.spec.transformer.containers[0].image])
      .toEqual(['registry.example.com/ml/test-transformer:1.1.0-rc.1', 'registry.example.com/ml/test-transformer:1.0.0']);
    // Everything derived follows the namespace: logger URL, ServiceAccount.
    expect(dev.spec.predictor.logger.url).toBe('http://message-dumper.ml-dev.svc.cluster.local');
    // What no override touches is the same.
    expect(dev.spec.predictor.model.storageUri).toBe(prod.spec.predictor.model.storageUri);
  });

  test('credentials are in Argo CD sync wave -1; the InferenceService in the default wave 0', () => {
    const objects = yamlObjects(path.join(DIST, 'prod', 'test.k8s.yaml'));
    const wave = (kind: string) => objects.find(o => o.kind === kind).metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    expect(wave('ServiceAccount')).toBe('-1');
    expect(wave('InferenceService')).toBeUndefined();
  });

  test('the Argo CD and Flux objects are valid against the Argo CD 3.5.1 and Flux CRDs and point at every environment', () => {
    const argo = yamlObjects(path.join(DIST, 'argocd', 'applications.k8s.yaml'));
    const flux = yamlObjects(path.join(DIST, 'flux', 'kustomizations.k8s.yaml'));
    expect(publishedModelErrors([...argo, ...flux])).toEqual([]);
    const envs = Object.keys(ENVIRONMENTS).map(e => `dist/${e}`);
    expect(argo.map(a => a.spec.source.path)).toEqual(envs);
    expect(flux.filter(k => k.kind === 'Kustomization').map(k => k.spec.path)).toEqual(envs.map(e => `./${e}`));
    expect(argo.map(a => a.spec.destination.namespace)).toEqual(['ml-dev', 'default']);
  });

  test('the schema check can fail: a wrong type in an Application is reported', () => {
    const bad = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'x' }, spec: { destination: {}, project: 'default', source: { repoURL: 'r', path: 5 } } };
    expect(publishedModelErrors([bad])).toEqual(['Application/x/spec/source/path: must be string']);
  });
});

describe('ArgoCdApplication', () => {
  test('defaults: automated prune and self-heal, server-side apply and diff, resources finalizer', () => {
    const chart = new Chart(Testing.app(), 'argocd');
    new ArgoCdApplication(chart, 'iris-prod', { source: { repoUrl: 'git@github.com:acme/deploy.git', path: 'dist/prod' } });
    const [app] = synth(chart);
    expect(app).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: 'iris-prod',
        namespace: 'argocd',
        annotations: { 'argocd.argoproj.io/compare-options': 'ServerSideDiff=true,IncludeMutationWebhook=true' },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: 'default',
        source: { repoURL: 'git@github.com:acme/deploy.git', targetRevision: 'main', path: 'dist/prod' },
        destination: { server: 'https://kubernetes.default.svc' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true', 'PruneLast=true'] },
      },
    });
  });

  test('every prop: manual sync, another cluster, project and namespace, namespace creation', () => {
    const chart = new Chart(Testing.app(), 'argocd');
    new ArgoCdApplication(chart, 'app', {
      name: 'iris', namespace: 'gitops', project: 'ml', destinationServer: 'https://gpu-cluster.example.com:6443', destinationNamespace: 'ml-prod',
      automated: false, source: { repoUrl: 'https://github.com/acme/deploy.git', path: 'dist/prod', revision: 'v1.4.0' },
    });
    const [app] = synth(chart);
    expect(app.metadata).toMatchObject({ name: 'iris', namespace: 'gitops' });
    expect(app.spec.project).toBe('ml');
    expect(app.spec.source.targetRevision).toBe('v1.4.0');
    expect(app.spec.destination).toEqual({ server: 'https://gpu-cluster.example.com:6443', namespace: 'ml-prod' });
    expect(app.spec.syncPolicy).toEqual({ syncOptions: ['CreateNamespace=true', 'ServerSideApply=true', 'PruneLast=true'] });
  });
});

describe('Flux', () => {
  test('GitRepository and Kustomization: wait, prune, timeout, dependsOn across namespaces, Go durations', () => {
    const chart = new Chart(Testing.app(), 'flux');
    const repo = new FluxGitRepository(chart, 'deploy', { url: 'ssh://git@github.com/acme/deploy.git', branch: 'release', interval: Duration.seconds(90), secretName: 'deploy-key' });
    const platform = new FluxKustomization(chart, 'kserve', { source: repo, path: 'platform/kserve' });
    new FluxKustomization(chart, 'iris', {
      source: repo, path: './dist/prod', interval: Duration.hours(1), timeout: Duration.minutes(90), prune: false,
      dependsOn: [platform, { name: 'external-secrets', namespace: 'secrets' }],
    });
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).toEqual(['GitRepository', 'Kustomization', 'Kustomization']);
    expect(objects[0].spec).toEqual({ interval: '90s', url: 'ssh://git@github.com/acme/deploy.git', ref: { branch: 'release' }, secretRef: { name: 'deploy-key' } });
    expect(objects[2].spec).toEqual({
      interval: '1h', timeout: '90m', sourceRef: { kind: 'GitRepository', name: 'deploy' }, path: './dist/prod', prune: false, wait: true,
      dependsOn: [{ name: 'kserve' }, { name: 'external-secrets', namespace: 'secrets' }],
    });
  });
});

describe('synthEnvironments', () => {
  const good = (props: AppProps) => {
    const app = new App(props);
    new InferenceServiceChart(app, 'iris', { modelUri: 'pvc://m/iris' });
    return app;
  };
  const bad = (props: AppProps) => {
    const app = new App(props);
    new InferenceServiceChart(app, 'iris', { modelUri: 'pvc://m/iris', predictor: { minReplicas: 3, maxReplicas: 1 } });
    return app;
  };

  test('reports the problems of every folder, each line once with the folders that have it, and writes nothing', () => {
    const out = path.join(tmp(), 'dist');
    synthEnvironments({ dev: good }, out);
    const before = fs.readdirSync(out);
    let error: unknown;
    try {
      synthEnvironments({ dev: bad, prod: bad, staging: good }, out);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthError);
    expect((error as SynthError).problems).toEqual([
      'dev, prod: iris/predictor: error [replicas] spec.predictor.maxReplicas (1) must be 0 or at least minReplicas (3)',
    ]);
    expect(fs.readdirSync(out)).toEqual(before);
  });

  test('an exception while building a folder\'s app is one line among the other problems, not a stack trace', () => {
    const out = path.join(tmp(), 'dist');
    const throws = (props: AppProps) => {
      const app = new App(props);
      new InferenceServiceChart(app, 'iris', { modelUri: 'pvc://m/iris', kserveVersion: KServeVersion.of('0.21.0') });
      return app;
    };
    let error: unknown;
    try {
      synthEnvironments({ dev: bad, prod: throws }, out);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthError);
    expect((error as SynthError).problems).toEqual([
      'prod: error [construct] building the app failed: kserveVersion ("0.21.0") must be one of 0.11 to 0.20, such as "0.20" or "0.15.1"',
      'dev: iris/predictor: error [replicas] spec.predictor.maxReplicas (1) must be 0 or at least minReplicas (3)',
    ]);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('folder names must be lowercase DNS labels', () => {
    expect(() => synthEnvironments({ Prod: good, ok: good }, path.join(tmp(), 'dist'))).toThrow('folder names ("Prod") must be lowercase letters, digits and \'-\', at least one');
    expect(() => synthEnvironments({}, path.join(tmp(), 'dist'))).toThrow('folder names (none given)');
  });

  test('folders no longer in the app are removed', () => {
    const out = path.join(tmp(), 'dist');
    synthEnvironments({ dev: good, old: good }, out);
    synthEnvironments({ dev: good }, out);
    expect(fs.readdirSync(out)).toEqual(['.cdk8s-kserve-files', 'dev']);
  });
});

describe('npm run check:dist', () => {
  const check = (outdir: string) => new Promise<{ code: number; stdout: string; stderr: string }>(resolve => {
    execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'apps', 'main.ts'), '--check'], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: outdir }, encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ code: error ? (error as any).code : 0, stdout, stderr }));
  });

  test('passes on the committed dist/ and fails, listing every difference, on a stale copy', async () => {
    const copy = path.join(tmp(), 'dist');
    fs.cpSync(DIST, copy, { recursive: true });
    const fresh = await check(copy);
    expect(fresh).toMatchObject({ code: 0, stdout: `${copy}/ is up to date\n` });

    fs.appendFileSync(path.join(copy, 'prod', 'test.k8s.yaml'), '# edited by hand\n');
    fs.rmSync(path.join(copy, 'dev', 'example_inputs', 'test.json'));
    // A chart that an earlier synth wrote (so its manifest lists it) and the app no longer has.
    fs.writeFileSync(path.join(copy, 'dev', 'old.k8s.yaml'), 'kind: Stale\n');
    fs.appendFileSync(path.join(copy, '.cdk8s-kserve-files'), 'dev/old.k8s.yaml\n');
    // What synth did not write (a load test's results) is neither compared nor reported.
    fs.mkdirSync(path.join(copy, 'prod', 'loadtest-results'));
    fs.writeFileSync(path.join(copy, 'prod', 'loadtest-results', 'result.json'), '{}\n');
    const stale = await check(copy);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toBe([
      `${copy}/ is stale; run npm run synth and commit the result:`,
      '  missing: dev/example_inputs/test.json',
      '  not written any more: dev/old.k8s.yaml',
      '  changed: .cdk8s-kserve-files',
      '  changed: prod/test.k8s.yaml',
      '',
    ].join('\n'));
    // --check writes nothing.
    expect(fs.readFileSync(path.join(copy, 'dev', 'old.k8s.yaml'), 'utf8')).toBe('kind: Stale\n');
  }, 30_000);
});

describe('withOverrides', () => {
  const base: InferenceServiceChartProps = {
    namespace: 'default',
    modelUri: 'pvc://m/iris',
    predictor: { gpus: 1, minReplicas: 1, resources: { memory: { request: Size.gibibytes(8) } }, args: ['--log-verbose=1'] },
  };

  test('merges plain objects key by key, replaces arrays and class values, keeps what is undefined', () => {
    const storage = ModelStorage.fromUri('pvc://m/other');
    const merged = withOverrides(base, {
      namespace: 'ml-dev',
      predictor: { gpus: 0, resources: { memory: { request: Size.gibibytes(2) } }, args: ['--log-verbose=0'], minReplicas: undefined },
    });
    expect(merged.namespace).toBe('ml-dev');
    expect(merged.predictor).toEqual({ gpus: 0, minReplicas: 1, resources: { memory: { request: Size.gibibytes(2) } }, args: ['--log-verbose=0'] });
    // The base is unchanged.
    expect(base.predictor!.gpus).toBe(1);
    expect(withOverrides({ storage }, { storage: ModelStorage.fromUri('pvc://x') }).storage).not.toBe(storage);
  });

  test('a plain object where the base has a class value is an error naming the field', () => {
    expect(() => withOverrides(base, { predictor: { resources: { memory: { request: { amount: 2 } as any } } } }))
      .toThrow('withOverrides: predictor.resources.memory.request is a Size in the base; override it with a whole Size, not a plain object');
  });
});

describe('GpuSmokeTest', () => {
  test('the CUDA vectorAdd pod of the NVIDIA device plugin README: one GPU, the GPU taint tolerated, never restarted', () => {
    const chart = new Chart(Testing.app(), 'gpu', { namespace: 'gpu-check' });
    new GpuSmokeTest(chart, 'test');
    const [pod] = synth(chart);
    expect(pod).toEqual({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'gpu-smoke-test', namespace: 'gpu-check', labels: { 'app.kubernetes.io/name': 'gpu-smoke-test' } },
      spec: {
        restartPolicy: 'Never',
        // Hardened beyond the README: the sample needs neither root nor an API token.
        automountServiceAccountToken: false,
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'cuda-vectoradd', image: 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda12.5.0', resources: { limits: { 'nvidia.com/gpu': '1' } },
          securityContext: restrictedContext(1000),
        }],
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      },
    });
  });

  test('every prop', () => {
    const chart = new Chart(Testing.app(), 'gpu');
    const props: Required<GpuSmokeTestProps> = {
      name: 'mig-check', namespace: 'ops', gpus: 2, gpuResourceName: 'nvidia.com/mig-1g.10gb', image: 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1', runtimeClassName: 'nvidia',
      security: ContainerSecurity.none(), imagePullSecrets: ['ngc'],
    };
    new GpuSmokeTest(chart, 'test', props);
    const [pod] = synth(chart);
    // The opt-out writes no security context at all.
    expect(pod.spec.securityContext).toBeUndefined();
    expect(pod.spec.containers[0].securityContext).toBeUndefined();
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'ngc' }]);
    expect(pod.metadata).toMatchObject({ name: 'mig-check', namespace: 'ops' });
    expect(pod.spec.runtimeClassName).toBe('nvidia');
    expect(pod.spec.containers[0].resources.limits).toEqual({ 'nvidia.com/mig-1g.10gb': '2' });
    expect(pod.spec.tolerations[0].key).toBe('nvidia.com/mig-1g.10gb');
  });

  test('no GPU and an unpinned image are errors', () => {
    const chart = new Chart(Testing.app(), 'gpu');
    new GpuSmokeTest(chart, 'test', { gpus: 0, image: 'nvcr.io/nvidia/k8s/cuda-sample' });
    expect(Validation.findings(chart).map(f => `${f.rule.id} ${f.field}`)).toEqual(['resources gpus', 'image-pinned image']);
  });
});

describe('the reference app in dist/ keeps the resources it always had', () => {
  test('prod predictor: 2 CPU and 8Gi requested', () => {
    const isvc = yamlObjects(path.join(DIST, 'prod', 'test.k8s.yaml')).find(o => o.kind === 'InferenceService');
    expect(isvc.spec.predictor.model.resources.requests).toEqual({ cpu: '2', memory: '8Gi' });
  });

  test('APPS has one builder per folder of dist/', () => {
    expect(Object.keys(APPS).sort()).toEqual(fs.readdirSync(DIST, { withFileTypes: true }).filter(d => d.isDirectory()).map(d => d.name).sort());
  });
});
