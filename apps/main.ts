/**
 * The reference deployment: a Triton model called `test`, served by KServe in Knative mode
 * behind a Python transformer, with the model repository in Azure Blob Storage and every
 * request and response logged to a message dumper.
 *
 * One definition, two environments: `prod` is the reference deployment (namespace `default`,
 * one GPU), `dev` overrides namespace, replicas, image tag and GPU count. `npm run synth` writes
 * `dist/dev/` and `dist/prod/`, the Argo CD and Flux objects that sync them (`dist/argocd/`,
 * `dist/flux/`), and a GPU check for a new cluster (`dist/gpu-check/`).
 *
 * Edit the placeholders below, then `npm run synth`.
 */
import { App, AppProps, Chart, Size } from 'cdk8s';
import {
  AppBuilder, ArgoCdApplication, argoCdSyncWaves, Cpu, DeploymentMode, FluxGitRepository, FluxKustomization, GpuSmokeTest,
  InferenceServiceChart, InferenceServiceChartProps, KnativeMetric, KServeVersion, main, Overrides, V2Datatype,
  Validation, withOverrides,
} from '../lib';

// ---- Placeholders: edit these ---------------------------------------------------------
/** Name of the InferenceService; the Triton model directory must have the same name. */
const MODEL_NAME = 'test';
/** Azure Blob Storage: https://<account>.blob.core.windows.net/<container>/<path>/ */
const STORAGE_ACCOUNT = 'mymodelstore';
const STORAGE_CONTAINER = 'models';
const STORAGE_PATH = 'triton';
/** The pre/post-processing image (KServe Python SDK), pinned by tag or digest. */
const TRANSFORMER_IMAGE = 'registry.example.com/ml/test-transformer';
/** The Git repository this project's dist/ is committed to, for Argo CD and Flux. */
const REPO_URL = 'https://github.com/example/ml-deployments.git';
const REVISION = 'main';
// ----------------------------------------------------------------------------------------

/** The model, as every environment serves it (the reference deployment). */
const MODEL: InferenceServiceChartProps = {
  namespace: 'default',
  // The Secret `test-azure-blob` is created outside Git (see README); only the
  // ServiceAccount that lists it is synthesized.
  azureBlob: { account: STORAGE_ACCOUNT, container: STORAGE_CONTAINER, path: STORAGE_PATH },
  predictor: {
    gpus: 1,
    resources: { cpu: { request: Cpu.cores(2) }, memory: { request: Size.gibibytes(8) } },
    minReplicas: 1,
    maxReplicas: 3,
    knative: { metric: KnativeMetric.CONCURRENCY, target: 4 },
    // What Triton takes and returns (config.pbtxt, with the batch dimension in front).
    signature: {
      inputs: [{ name: 'INPUT__0', datatype: V2Datatype.FP32, shape: [-1, 4] }],
      outputs: [{ name: 'OUTPUT__0', datatype: V2Datatype.FP32, shape: [-1, 3] }],
    },
  },
  transformer: {
    image: `${TRANSFORMER_IMAGE}:1.0.0`,
    resources: { cpu: { request: Cpu.cores(1) }, memory: { request: Size.gibibytes(1) } },
    minReplicas: 1,
    maxReplicas: 3,
    knative: { metric: KnativeMetric.CONCURRENCY, target: 8 },
    // What clients send: raw measurements, which the transformer scales for the model.
    signature: {
      inputs: [{ name: 'measurements', datatype: V2Datatype.FP64, shape: [-1, 4], exampleData: [5.1, 3.5, 1.4, 0.2] }],
      outputs: [{ name: 'label', datatype: V2Datatype.BYTES, shape: [-1] }],
    },
  },
};

/** What each environment changes. `prod` is the reference deployment as it is. */
export const ENVIRONMENTS: Record<string, Overrides<InferenceServiceChartProps>> = {
  dev: {
    namespace: 'ml-dev',
    // No GPU in dev: Triton runs the model on CPU (its config.pbtxt must allow KIND_CPU).
    predictor: { gpus: 0, minReplicas: 0, maxReplicas: 1 },
    transformer: { image: `${TRANSFORMER_IMAGE}:1.1.0-rc.1`, minReplicas: 0, maxReplicas: 1 },
  },
  prod: {},
};

/** Options of the reference app, for tests that synthesize it for other KServe versions. */
export interface ReferenceAppOptions {
  /** @default KServeVersion.DEFAULT */
  readonly kserveVersion?: KServeVersion;
  /** @default DeploymentMode.KNATIVE */
  readonly deploymentMode?: DeploymentMode;
  /** @default 'prod' (the reference deployment) */
  readonly environment?: string;
}

/** Builds the app of one environment (the reference deployment by default). */
export function buildApp(props: AppProps = {}, options: ReferenceAppOptions = {}): App {
  const environment = options.environment ?? 'prod';
  const overrides = ENVIRONMENTS[environment];
  if (!overrides) throw new Error(`environment (${JSON.stringify(environment)}) must be one of ${Object.keys(ENVIRONMENTS).join(', ')}`);
  const app = new App(props);
  const chart = new InferenceServiceChart(app, MODEL_NAME, withOverrides(MODEL, {
    ...overrides,
    kserveVersion: options.kserveVersion,
    deploymentMode: options.deploymentMode,
  }));
  // Triton's image is on nvcr.io, whose tags Knative cannot resolve to digests.
  Validation.suppress(chart.predictor, 'ngc-tag-resolution',
    'the cluster runs KServe\'s own install, which adds nvcr.io to Knative\'s registries-skipping-tag-resolving');
  // Argo CD deploys this folder (buildArgoCd): credentials first.
  argoCdSyncWaves(app);
  return app;
}

/** The Argo CD Applications that sync each environment folder. */
export function buildArgoCd(props: AppProps = {}): App {
  const app = new App(props);
  const chart = new Chart(app, 'applications');
  for (const [env, overrides] of Object.entries(ENVIRONMENTS)) {
    new ArgoCdApplication(chart, `${MODEL_NAME}-${env}`, {
      source: { repoUrl: REPO_URL, revision: REVISION, path: `dist/${env}` },
      destinationNamespace: overrides.namespace ?? MODEL.namespace,
    });
  }
  return app;
}

/** The Flux source and Kustomizations that apply each environment folder. */
export function buildFlux(props: AppProps = {}): App {
  const app = new App(props);
  const chart = new Chart(app, 'kustomizations');
  const repo = new FluxGitRepository(chart, 'ml-deployments', { url: REPO_URL, branch: REVISION });
  for (const env of Object.keys(ENVIRONMENTS)) {
    new FluxKustomization(chart, `${MODEL_NAME}-${env}`, { source: repo, path: `dist/${env}` });
  }
  return app;
}

/** A GPU check for a new cluster: `kubectl apply -f dist/gpu-check/` (docs/local-cluster.md). */
export function buildGpuCheck(props: AppProps = {}): App {
  const app = new App(props);
  new GpuSmokeTest(new Chart(app, 'gpu-smoke-test', { namespace: 'default' }), 'gpu');
  return app;
}

/** Every output folder of `dist/`. */
export const APPS: Record<string, AppBuilder> = {
  ...Object.fromEntries(Object.keys(ENVIRONMENTS).map(env => [env, (props: AppProps) => buildApp(props, { environment: env })])),
  'argocd': buildArgoCd,
  'flux': buildFlux,
  'gpu-check': buildGpuCheck,
};

if (require.main === module) {
  main(APPS);
}
