import { Duration, Size } from 'cdk8s';
import {
  AzureBlobCreds, Cpu, EnvValue, InferenceService, KServeVersion, LoggerMode, MessageDumper, ModelStorage, ScaleMetric,
  TritonPredictor, TritonPredictorProps, TritonProtocol,
} from '../lib';
import { newChart, only, problemsOf, synth } from './util';

function predictorSpec(props: TritonPredictorProps, kserveVersion?: KServeVersion): any {
  const chart = newChart();
  new InferenceService(chart, 'm', { predictor: new TritonPredictor(chart, 'predictor', props), kserveVersion });
  return only(synth(chart), 'InferenceService').spec.predictor;
}

const pvc = ModelStorage.fromUri('pvc://models/triton');

describe('TritonPredictor', () => {
  test('minimal props: triton format, v2, explicit default resources, no GPU', () => {
    const spec = predictorSpec({ storage: pvc });
    expect(spec).toMatchSnapshot();
    expect(spec).toEqual({
      model: {
        modelFormat: { name: 'triton' }, protocolVersion: 'v2', storageUri: 'pvc://models/triton',
        resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { cpu: '2', memory: '8Gi' } },
      },
    });
  });

  test('all props are written', () => {
    // Typed as Required so that a new prop fails compilation until this test covers it.
    const chart = newChart();
    const creds = new AzureBlobCreds(chart, 'creds');
    const props: Required<TritonPredictorProps> = {
      storage: ModelStorage.azureBlob({ account: 'acct', container: 'models', path: '/repo/v1/', credentials: creds }),
      logger: { sink: new MessageDumper(chart, 'dumper'), mode: LoggerMode.REQUEST },
      runtime: 'kserve-tritonserver',
      runtimeVersion: '24.08-py3',
      protocol: TritonProtocol.V2,
      gpus: 2,
      gpuResourceName: 'nvidia.com/mig-1g.10gb',
      resources: { cpu: { request: Cpu.cores(4), limit: Cpu.cores(8) }, memory: { limit: Size.gibibytes(16) } },
      args: ['--log-verbose=1'],
      env: { CUDA_MODULE_LOADING: EnvValue.fromValue('LAZY'), TOKEN: EnvValue.fromSecretKey('hf', 'token') },
      sharedMemorySize: Size.gibibytes(2),
      minReplicas: 0,
      maxReplicas: 4,
      scaleMetric: ScaleMetric.RPS,
      scaleTarget: 50,
      containerConcurrency: 8,
      timeout: Duration.seconds(120),
      canaryTrafficPercent: 10,
      labels: { team: 'ml' },
      annotations: { 'autoscaling.knative.dev/initial-scale': '1' },
      nodeSelector: { 'nvidia.com/gpu.present': 'true' },
      serviceAccountName: 'kserve-azure-blob',
    };
    new InferenceService(chart, 'm', { predictor: new TritonPredictor(chart, 'predictor', props) });
    const spec = only(synth(chart), 'InferenceService').spec.predictor;
    expect(spec).toEqual({
      serviceAccountName: 'kserve-azure-blob',
      logger: { url: 'http://message-dumper.default.svc.cluster.local', mode: 'request' },
      minReplicas: 0, maxReplicas: 4, scaleMetric: 'rps', scaleTarget: 50, containerConcurrency: 8, timeout: 120,
      canaryTrafficPercent: 10, labels: { team: 'ml' }, annotations: { 'autoscaling.knative.dev/initial-scale': '1' },
      nodeSelector: { 'nvidia.com/gpu.present': 'true' },
      volumes: [{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } }],
      model: {
        modelFormat: { name: 'triton' }, protocolVersion: 'v2', runtime: 'kserve-tritonserver', runtimeVersion: '24.08-py3',
        storageUri: 'https://acct.blob.core.windows.net/models/repo/v1/',
        args: ['--log-verbose=1'],
        env: [{ name: 'CUDA_MODULE_LOADING', value: 'LAZY' }, { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } }],
        volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
        resources: {
          requests: { 'cpu': '4', 'memory': '16Gi' },
          limits: { 'cpu': '8', 'memory': '16Gi', 'nvidia.com/mig-1g.10gb': '2' },
        },
      },
    });
  });

  test('grpc-v2 exposes the single Knative port h2c/9000', () => {
    const spec = predictorSpec({ storage: pvc, protocol: TritonProtocol.GRPC_V2 });
    expect(spec.model.protocolVersion).toBe('grpc-v2');
    expect(spec.model.ports).toEqual([{ name: 'h2c', containerPort: 9000, protocol: 'TCP' }]);
  });

  test('a target without a metric writes scaleMetric concurrency explicitly', () => {
    expect(predictorSpec({ storage: pvc, scaleTarget: 10 })).toMatchObject({ scaleMetric: 'concurrency', scaleTarget: 10 });
  });

  test('oci:// is accepted from KServe 0.12 on', () => {
    expect(predictorSpec({ storage: ModelStorage.fromUri('oci://registry/model:1') }, KServeVersion.V0_12).model.storageUri)
      .toBe('oci://registry/model:1');
  });

  function problems(props: Partial<TritonPredictorProps>, kserveVersion?: KServeVersion): string[] {
    const chart = newChart();
    new InferenceService(chart, 'm', { predictor: new TritonPredictor(chart, 'predictor', { storage: pvc, ...props }), kserveVersion });
    return problemsOf(chart);
  }

  test('fails when minReplicas exceeds maxReplicas', () => {
    expect(problems({ minReplicas: 5, maxReplicas: 2 })).toEqual(['test/predictor: minReplicas (5) must not exceed maxReplicas (2)']);
  });

  test('fails when maxReplicas is below the implied minReplicas of 1', () => {
    expect(problems({ maxReplicas: 0.5 })).toEqual([
      'test/predictor: maxReplicas (0.5) must be a whole number of at least 0 (0 means no maximum)',
      'test/predictor: minReplicas (1, the default) must not exceed maxReplicas (0.5)',
    ]);
  });

  test('fails when a CPU metric is used in Knative mode', () => {
    expect(problems({ scaleMetric: ScaleMetric.CPU })).toEqual([
      'test/predictor: scaleMetric (cpu) must be concurrency or rps in Knative mode: cpu and memory need the Standard deployment mode',
    ]);
  });

  test('fails when timeout, containerConcurrency, canary percent and GPUs are out of range, all at once', () => {
    expect(problems({ timeout: Duration.minutes(15), containerConcurrency: 5000, canaryTrafficPercent: 120, gpus: -1, scaleTarget: 0 })).toEqual([
      'test/predictor: scaleTarget (0) must be a whole number of at least 1',
      'test/predictor: containerConcurrency (5000) must be a whole number from 0 to 1000 (Knative\'s container-concurrency-max-limit)',
      'test/predictor: timeout (900s) must be whole seconds from 1 to 600 (Knative\'s max-revision-timeout-seconds)',
      'test/predictor: canaryTrafficPercent (120) must be a whole number from 0 to 100',
      'test/predictor: gpus (-1) must be a whole number of at least 0',
    ]);
  });

  test('fails when a request exceeds its limit', () => {
    expect(problems({ resources: { memory: { request: Size.gibibytes(16), limit: Size.gibibytes(8) } } })).toEqual([
      'test/predictor: resources.memory.request (16Gi) must not exceed resources.memory.limit (8Gi)',
    ]);
  });

  test('fails when the storage URI scheme is unknown to the target version', () => {
    expect(problems({ storage: ModelStorage.fromUri('oci://registry/model:1') }, KServeVersion.V0_11)).toEqual([
      'test/predictor: storage uri ("oci://registry/model:1") must start with one of gs:// s3:// pvc:// file:// https:// http:// hdfs:// webhdfs:// on KServe 0.11',
    ]);
    expect(problems({ storage: ModelStorage.fromUri('abfs://models@acct.dfs.core.windows.net/repo') })[0])
      .toMatch(/^test\/predictor: storage uri \("abfs:.*"\) must start with one of gs:\/\/ s3:\/\//);
  });

  test('fails when the Azure account, container or path is malformed', () => {
    const chart = newChart();
    const creds = new AzureBlobCreds(chart, 'creds');
    expect(problems({ storage: ModelStorage.azureBlob({ account: 'My-Account', container: 'M', path: '/', credentials: creds }) })).toEqual([
      'test/predictor: storage account ("My-Account") must be 3 to 24 lowercase letters and digits',
      'test/predictor: storage container ("M") must be 3 to 63 lowercase letters, digits and single \'-\', starting and ending with a letter or digit',
      'test/predictor: storage path must name a folder inside the container: KServe needs at least one path segment after the container',
    ]);
  });

  test('fails when serviceAccountName overrides the storage credentials', () => {
    const chart = newChart();
    const creds = new AzureBlobCreds(chart, 'creds');
    new InferenceService(chart, 'm', {
      predictor: new TritonPredictor(chart, 'predictor', {
        storage: ModelStorage.azureBlob({ account: 'acct', container: 'models', path: 'repo', credentials: creds }),
        serviceAccountName: 'other',
      }),
    });
    expect(problemsOf(chart)).toEqual([
      'test/predictor: serviceAccountName ("other") differs from the storage credentials\' ServiceAccount ("kserve-azure-blob"): the storage initializer would run without the credentials; leave serviceAccountName unset',
    ]);
  });

  test('fails when one predictor is used by two InferenceServices', () => {
    const chart = newChart();
    const predictor = new TritonPredictor(chart, 'predictor', { storage: pvc });
    new InferenceService(chart, 'a', { predictor });
    new InferenceService(chart, 'b', { predictor });
    expect(problemsOf(chart)).toEqual([
      'test/predictor: is already the predictor of InferenceService default/a; create one TritonPredictor per InferenceService',
    ]);
  });
});
