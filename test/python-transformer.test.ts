import { Duration, Size } from 'cdk8s';
import {
  ContainerSecurity, Cpu, EnvValue, InferenceService, KnativeMetric, KServeVersion, LoggerMode, MessageDumper, ModelStorage, PythonTransformer,
  PythonTransformerProps, StandardAutoscaler, TritonPredictor, TritonProtocol,
  V2Datatype,
} from '../lib';
import { newChart, only, restrictedContext, synth } from './util';

function build(props: PythonTransformerProps, options: { kserveVersion?: KServeVersion; protocol?: TritonProtocol } = {}) {
  const chart = newChart();
  const predictor = new TritonPredictor(chart, 'predictor', { storage: ModelStorage.fromUri('pvc://models/triton'), protocol: options.protocol });
  new InferenceService(chart, 'm', { predictor, transformer: new PythonTransformer(chart, 'transformer', props), kserveVersion: options.kserveVersion });
  return chart;
}
const transformerSpec = (props: PythonTransformerProps, options = {}) => only(synth(build(props, options)), 'InferenceService').spec.transformer;

describe('PythonTransformer', () => {
  test('env takes plain strings (literal values) beside EnvValues', () => {
    const spec = transformerSpec({ image: 'example.com/pre:1.0', env: { LOG_LEVEL: 'debug', TOKEN: EnvValue.fromSecretKey('hf', 'token') } });
    expect(spec.containers[0].env).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } },
      { name: 'TMPDIR', value: '/scratch' },
    ]);
  });

  test('minimal props: one kserve-container with v2 flags and explicit resources', () => {
    const spec = transformerSpec({ image: 'example.com/pre:1.0' });
    expect(spec).toMatchSnapshot();
    expect(spec).toEqual({
      automountServiceAccountToken: false,
      volumes: [{ name: 'scratch', emptyDir: {} }],
      containers: [{
        name: 'kserve-container', image: 'example.com/pre:1.0',
        args: ['--protocol', 'v2', '--predictor_protocol', 'v2'],
        resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
        // UID 1000 is the user of KServe's Python images; Python's tempfile writes to TMPDIR, /scratch.
        securityContext: restrictedContext(1000),
        env: [{ name: 'TMPDIR', value: '/scratch' }],
        volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
      }],
    });
  });

  test('talks grpc-v2 when the predictor serves gRPC', () => {
    expect(transformerSpec({ image: 'x:1' }, { protocol: TritonProtocol.GRPC_V2 }).containers[0].args)
      .toEqual(['--protocol', 'grpc-v2', '--predictor_protocol', 'grpc-v2']);
  });

  test('all props are written (KServe 0.15+ flags included)', () => {
    const chart = newChart();
    const props: Required<PythonTransformerProps> = {
      image: 'example.com/pre@sha256:' + 'a'.repeat(64),
      args: ['--model_name', 'resnet'],
      // Not written into the InferenceService: it feeds example_inputs/ and ENDPOINTS.md.
      signature: { inputs: [{ name: 'INPUT__0', datatype: V2Datatype.FP32, shape: [-1, 4] }] },
      env: { LOG_LEVEL: EnvValue.fromConfigMapKey('settings', 'level', { optional: true }) },
      resources: { cpu: { limit: Cpu.millis(1500) }, memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) } },
      predictorRequestTimeout: Duration.seconds(30),
      predictorRequestRetries: 2,
      enablePredictorHealthCheck: true,
      logger: { sink: new MessageDumper(chart, 'dumper'), mode: LoggerMode.ALL },
      minReplicas: 2, maxReplicas: 6, knative: { metric: KnativeMetric.CONCURRENCY, target: 16 }, containerConcurrency: 4,
      standard: { autoscaler: StandardAutoscaler.hpa({ targetUtilizationPercent: 70 }) },
      timeout: Duration.seconds(60), labels: { a: 'b' }, annotations: { c: 'd' },
      nodeSelector: { pool: 'cpu' }, serviceAccountName: 'pre',
      security: ContainerSecurity.restricted({ imageUser: true, readOnlyRootFilesystem: false }),
      automountServiceAccountToken: true,
      imagePullSecrets: ['registry-a', 'registry-b'],
    };
    const predictor = new TritonPredictor(chart, 'predictor', { storage: ModelStorage.fromUri('pvc://models/triton') });
    new InferenceService(chart, 'm', { predictor, transformer: new PythonTransformer(chart, 'transformer', props) });
    expect(only(synth(chart), 'InferenceService').spec.transformer).toEqual({
      logger: { url: 'http://message-dumper.default.svc.cluster.local', mode: 'all', metadataHeaders: ['X-Request-Id'] },
      minReplicas: 2, maxReplicas: 6, scaleMetric: 'concurrency', scaleTarget: 16, containerConcurrency: 4, timeout: 60,
      labels: { a: 'b' }, annotations: { c: 'd' }, nodeSelector: { pool: 'cpu' }, serviceAccountName: 'pre',
      automountServiceAccountToken: true, imagePullSecrets: [{ name: 'registry-a' }, { name: 'registry-b' }],
      containers: [{
        name: 'kserve-container', image: props.image,
        args: ['--protocol', 'v2', '--predictor_protocol', 'v2', '--predictor_request_timeout_seconds', '30',
          '--predictor_request_retries', '2', '--enable_predictor_health_check', '--model_name', 'resnet'],
        env: [{ name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'level', optional: true } } }],
        resources: { requests: { cpu: '1500m', memory: '512Mi' }, limits: { cpu: '1500m', memory: '1Gi' } },
        // The image's own user, a writable root filesystem, and nothing else relaxed.
        securityContext: { ...restrictedContext(), readOnlyRootFilesystem: false },
      }],
    });
  });

});
