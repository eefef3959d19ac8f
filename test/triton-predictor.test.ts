import { Duration, Size } from 'cdk8s';
import {
  AzureBlobCreds, ContainerSecurity, Cpu, DeploymentStrategy, EnvValue, InferenceService, KedaMetric, KnativeMetric, KServeVersion, LoggerMode,
  MessageDumper, ModelStorage, StandardAutoscaler, TritonPredictor, TritonPredictorProps, TritonProtocol,
  V2Datatype,
} from '../lib';
import { newChart, only, restrictedContext, synth } from './util';

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
      automountServiceAccountToken: false,
      volumes: [{ name: 'scratch', emptyDir: {} }],
      model: {
        modelFormat: { name: 'triton' }, protocolVersion: 'v2', storageUri: 'pvc://models/triton',
        resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { cpu: '2', memory: '8Gi' } },
        // Triton runs as the runtime's own UID 1000, read-only, writing only to /scratch (TMPDIR).
        securityContext: restrictedContext(1000),
        env: [{ name: 'TMPDIR', value: '/scratch' }],
        volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
      },
    });
  });

  test('all props are written', () => {
    // Typed as Required so that a new prop fails compilation until this test covers it.
    const chart = newChart();
    const creds = new AzureBlobCreds(chart, 'creds');
    const props: Required<TritonPredictorProps> = {
      storage: ModelStorage.azureBlob({ account: 'acct', container: 'models', path: '/repo/v1/', credentials: creds }),
      // Header names are written as Go's HTTP server keys them, the only form KServe's logger matches (handler.go:133-137).
      logger: { sink: new MessageDumper(chart, 'dumper'), mode: LoggerMode.REQUEST, metadataHeaders: ['x-request-id', 'traceparent'] },
      runtime: 'kserve-tritonserver',
      // Not written into the InferenceService: it feeds example_inputs/ and ENDPOINTS.md.
      signature: { inputs: [{ name: 'INPUT__0', datatype: V2Datatype.FP32, shape: [-1, 4] }] },
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
      knative: {
        metric: KnativeMetric.RPS, target: 50, targetUtilizationPercent: 80, initialScale: 2, scaleDownDelay: Duration.minutes(5),
        window: Duration.seconds(120), targetBurstCapacity: 0, progressDeadline: Duration.minutes(20),
      },
      // Standard-mode settings and the version name are not written in Knative mode.
      standard: { autoscaler: StandardAutoscaler.keda({ metrics: [KedaMetric.cpu(60)] }), deploymentStrategy: DeploymentStrategy.recreate() },
      name: 'v1',
      containerConcurrency: 8,
      timeout: Duration.seconds(120),
      labels: { team: 'ml' },
      annotations: { 'autoscaling.knative.dev/panic-window-percentage': '20' },
      nodeSelector: { 'nvidia.com/gpu.present': 'true' },
      serviceAccountName: 'kserve-azure-blob',
      security: ContainerSecurity.restricted({ runAsUser: 1001, tmpDir: '/var/tmp', writablePaths: ['/home/triton-server/.cache'] }),
      automountServiceAccountToken: true,
      imagePullSecrets: ['ngc'],
    };
    new InferenceService(chart, 'm', { predictor: new TritonPredictor(chart, 'predictor', props) });
    const spec = only(synth(chart), 'InferenceService').spec.predictor;
    expect(spec).toEqual({
      serviceAccountName: 'kserve-azure-blob',
      logger: { url: 'http://message-dumper.default.svc.cluster.local', mode: 'request', metadataHeaders: ['X-Request-Id', 'Traceparent'] },
      minReplicas: 0, maxReplicas: 4, scaleMetric: 'rps', scaleTarget: 50, containerConcurrency: 8, timeout: 120,
      labels: { team: 'ml' },
      annotations: {
        'autoscaling.knative.dev/panic-window-percentage': '20',
        'autoscaling.knative.dev/target-utilization-percentage': '80',
        'autoscaling.knative.dev/initial-scale': '2',
        'autoscaling.knative.dev/scale-down-delay': '300s',
        'autoscaling.knative.dev/window': '120s',
        'autoscaling.knative.dev/target-burst-capacity': '0',
        'serving.knative.dev/progress-deadline': '1200s',
      },
      nodeSelector: { 'nvidia.com/gpu.present': 'true' },
      automountServiceAccountToken: true,
      imagePullSecrets: [{ name: 'ngc' }],
      volumes: [
        { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } },
        { name: 'scratch', emptyDir: {} },
        { name: 'writable-home-triton-server-cache', emptyDir: {} },
      ],
      model: {
        modelFormat: { name: 'triton' }, protocolVersion: 'v2', runtime: 'kserve-tritonserver', runtimeVersion: '24.08-py3',
        storageUri: 'https://acct.blob.core.windows.net/models/repo/v1/',
        args: ['--log-verbose=1'],
        env: [{ name: 'CUDA_MODULE_LOADING', value: 'LAZY' }, { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } }, { name: 'TMPDIR', value: '/var/tmp' }],
        volumeMounts: [
          { name: 'dshm', mountPath: '/dev/shm' },
          { name: 'scratch', mountPath: '/var/tmp' },
          { name: 'writable-home-triton-server-cache', mountPath: '/home/triton-server/.cache' },
        ],
        resources: {
          requests: { 'cpu': '4', 'memory': '16Gi' },
          limits: { 'cpu': '8', 'memory': '16Gi', 'nvidia.com/mig-1g.10gb': '2' },
        },
        securityContext: restrictedContext(1001),
      },
    });
  });

  test('grpc-v2 exposes the single Knative port h2c/9000', () => {
    const spec = predictorSpec({ storage: pvc, protocol: TritonProtocol.GRPC_V2 });
    expect(spec.model.protocolVersion).toBe('grpc-v2');
    expect(spec.model.ports).toEqual([{ name: 'h2c', containerPort: 9000, protocol: 'TCP' }]);
  });

  test('a target without a metric writes scaleMetric concurrency explicitly', () => {
    expect(predictorSpec({ storage: pvc, knative: { target: 10 } })).toMatchObject({ scaleMetric: 'concurrency', scaleTarget: 10 });
  });

  test('oci:// is accepted from KServe 0.12 on', () => {
    expect(predictorSpec({ storage: ModelStorage.fromUri('oci://registry/model:1') }, KServeVersion.V0_12).model.storageUri)
      .toBe('oci://registry/model:1');
  });

});
