import { Size } from 'cdk8s';
import { ContainerSecurity, Cpu, DeploymentMode, KServeVersion, KnativeVersion, EVENT_DISPLAY_IMAGE, InferenceService, LoggerMode, LoggerSink, MessageDumper, MessageDumperProps, ModelStorage, TritonPredictor } from '../lib';
import { newChart, only, synth } from './util';

describe('MessageDumper', () => {
  test('minimal props: a pinned, cluster-local Knative Service in the chart namespace', () => {
    const chart = newChart('ml');
    const dumper = new MessageDumper(chart, 'dumper');
    const ksvc = only(synth(chart), 'Service');
    expect(ksvc).toMatchSnapshot();
    expect(ksvc.apiVersion).toBe('serving.knative.dev/v1');
    expect(ksvc.spec.template.spec.containers[0].image).toBe(EVENT_DISPLAY_IMAGE);
    expect(dumper.url).toBe('http://message-dumper.ml.svc.cluster.local');
  });

  test('all props are written', () => {
    const chart = newChart();
    const dumper = new MessageDumper(chart, 'dumper', {
      name: 'events', namespace: 'obs', image: 'example.com/display:1.2.3', minScale: 0, clusterLocal: false,
      resources: { cpu: { request: Cpu.millis(50), limit: Cpu.millis(200) }, memory: { limit: Size.mebibytes(256) } },
      security: ContainerSecurity.restricted({ runAsUser: 2000, runAsGroup: 3000, writablePaths: ['/var/cache'] }),
      automountServiceAccountToken: true,
      imagePullSecrets: ['registry-login'],
      kserveVersion: KServeVersion.V0_20, knativeVersion: KnativeVersion.V1_21, deploymentMode: DeploymentMode.KNATIVE,
    } satisfies Required<MessageDumperProps>);
    const ksvc = only(synth(chart), 'Service');
    expect(ksvc.metadata).toEqual({ name: 'events', namespace: 'obs' });
    expect(ksvc.spec.template.metadata.annotations).toEqual({ 'autoscaling.knative.dev/min-scale': '0' });
    expect(ksvc.spec.template.spec).toEqual({
      automountServiceAccountToken: true,
      imagePullSecrets: [{ name: 'registry-login' }],
      volumes: [{ name: 'writable-var-cache', emptyDir: {} }],
      containers: [{
        name: 'event-display', image: 'example.com/display:1.2.3',
        resources: { requests: { cpu: '50m', memory: '256Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
        volumeMounts: [{ name: 'writable-var-cache', mountPath: '/var/cache' }],
        securityContext: {
          runAsNonRoot: true, runAsUser: 2000, runAsGroup: 3000, allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, seccompProfile: { type: 'RuntimeDefault' },
        },
      }],
    });
    expect(dumper.url).toBe('http://events.obs.svc.cluster.local');
  });

  test('a component logging to it gets its URL and is ordered after it', () => {
    const chart = newChart();
    const predictor = new TritonPredictor(chart, 'predictor', {
      storage: ModelStorage.fromUri('pvc://models/triton'),
      logger: { sink: new MessageDumper(chart, 'dumper', { namespace: 'default' }), mode: LoggerMode.RESPONSE },
    });
    new InferenceService(chart, 'm', { predictor });
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).toEqual(['Service', 'InferenceService']);
    expect(only(objects, 'InferenceService').spec.predictor.logger).toEqual({ url: 'http://message-dumper.default.svc.cluster.local', mode: 'response', metadataHeaders: ['X-Request-Id'] });
  });

  test('LoggerSink.fromUrl logs to any CloudEvents endpoint', () => {
    const chart = newChart();
    const predictor = new TritonPredictor(chart, 'predictor', {
      storage: ModelStorage.fromUri('pvc://models/triton'),
      logger: { sink: LoggerSink.fromUrl('http://broker-ingress.knative-eventing.svc.cluster.local/ml/default') },
    });
    new InferenceService(chart, 'm', { predictor });
    expect(only(synth(chart), 'InferenceService').spec.predictor.logger)
      .toEqual({ url: 'http://broker-ingress.knative-eventing.svc.cluster.local/ml/default', mode: 'all', metadataHeaders: ['X-Request-Id'] });
  });

});
