/**
 * The reference deployment: a Triton model called `test` in namespace `default`, served by
 * KServe in Knative mode behind a Python transformer, with the model repository in Azure
 * Blob Storage and every request and response logged to a message dumper.
 *
 * Edit the placeholders below, then `npm run synth`.
 */
import { App, AppProps, Size } from 'cdk8s';
import { Cpu, DeploymentMode, InferenceServiceChart, KnativeMetric, KServeVersion, main, Validation } from '../lib';

// ---- Placeholders: edit these ---------------------------------------------------------
/** Name of the InferenceService; the Triton model directory must have the same name. */
const MODEL_NAME = 'test';
const NAMESPACE = 'default';
/** Azure Blob Storage: https://<account>.blob.core.windows.net/<container>/<path>/ */
const STORAGE_ACCOUNT = 'mymodelstore';
const STORAGE_CONTAINER = 'models';
const STORAGE_PATH = 'triton';
/** The pre/post-processing image (KServe Python SDK), pinned by tag or digest. */
const TRANSFORMER_IMAGE = 'registry.example.com/ml/test-transformer:1.0.0';
/** NVIDIA GPUs per predictor pod. */
const GPUS = 1;
// ----------------------------------------------------------------------------------------

/** Options of the reference app, for tests that synthesize it for other KServe versions. */
export interface ReferenceAppOptions {
  /** @default KServeVersion.DEFAULT */
  readonly kserveVersion?: KServeVersion;
  /** @default DeploymentMode.KNATIVE */
  readonly deploymentMode?: DeploymentMode;
}

/** Builds the reference app. */
export function buildApp(props: AppProps = {}, options: ReferenceAppOptions = {}): App {
  const app = new App(props);
  const chart = new InferenceServiceChart(app, MODEL_NAME, {
    namespace: NAMESPACE,
    kserveVersion: options.kserveVersion,
    deploymentMode: options.deploymentMode,
    // The Secret `test-azure-blob` is created outside Git (see README); only the
    // ServiceAccount that lists it is synthesized.
    azureBlob: { account: STORAGE_ACCOUNT, container: STORAGE_CONTAINER, path: STORAGE_PATH },
    predictor: {
      gpus: GPUS,
      resources: { cpu: { request: Cpu.cores(2) }, memory: { request: Size.gibibytes(8) } },
      minReplicas: 1,
      maxReplicas: 3,
      knative: { metric: KnativeMetric.CONCURRENCY, target: 4 },
    },
    transformer: {
      image: TRANSFORMER_IMAGE,
      resources: { cpu: { request: Cpu.cores(1) }, memory: { request: Size.gibibytes(1) } },
      minReplicas: 1,
      maxReplicas: 3,
      knative: { metric: KnativeMetric.CONCURRENCY, target: 8 },
    },
  });
  // Triton's image is on nvcr.io, whose tags Knative cannot resolve to digests.
  Validation.suppress(chart.predictor, 'ngc-tag-resolution',
    'the cluster runs KServe\'s own install, which adds nvcr.io to Knative\'s registries-skipping-tag-resolving');
  return app;
}

if (require.main === module) {
  main(buildApp);
}
