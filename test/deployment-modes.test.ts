/**
 * One chart definition, synthesized in either deployment mode and for old and new KServe
 * versions: Knative settings are written in Knative mode, Standard settings in Standard mode,
 * the message dumper changes shape, the logger URL follows, and every object passes the
 * matching schema (synth() validates against the CRDs of the version and Kubernetes' own).
 */
import { Chart, Duration, Size, Testing } from 'cdk8s';
import {
  Cpu, DeploymentMode, DeploymentStrategy, formatFinding, HpaMetric, InferenceServiceChart, InferenceServiceChartProps, KedaMetric,
  KnativeMetric, KServeVersion, MessageDumper, StandardAutoscaler, Validation,
} from '../lib';
import { buildApp } from '../apps/main';
import { newChart, only, synth } from './util';

/** Scaling for both modes in one definition; the mode prop picks what is written. */
const definition: InferenceServiceChartProps = {
  namespace: 'ml',
  modelUri: 'pvc://models/triton',
  predictor: {
    minReplicas: 1,
    maxReplicas: 4,
    knative: { metric: KnativeMetric.CONCURRENCY, target: 4, scaleDownDelay: Duration.minutes(10), progressDeadline: Duration.minutes(30) },
    standard: {
      autoscaler: StandardAutoscaler.hpa({ metric: HpaMetric.CPU, targetUtilizationPercent: 60 }),
      deploymentStrategy: DeploymentStrategy.rollingUpdate({ maxSurge: 0, maxUnavailable: 1 }),
    },
  },
  transformer: {
    image: 'registry.example.com/pre:1.0.0',
    maxReplicas: 2,
    knative: { target: 16 },
    standard: { autoscaler: StandardAutoscaler.hpa({ targetUtilizationPercent: 70 }) },
  },
};

function build(props: InferenceServiceChartProps) {
  const app = Testing.app();
  const chart = new InferenceServiceChart(app, 'test', props);
  const errors = Validation.findings(app).filter(f => f.rule.severity === 'error').map(formatFinding);
  return { chart, errors, warnings: Validation.findings(app).filter(f => f.rule.severity === 'warning').map(f => f.rule.id) };
}

describe('one definition, either mode, old and new KServe', () => {
  test.each([
    [DeploymentMode.KNATIVE, KServeVersion.V0_11], [DeploymentMode.KNATIVE, KServeVersion.V0_20],
    [DeploymentMode.STANDARD, KServeVersion.V0_13], [DeploymentMode.STANDARD, KServeVersion.V0_20],
  ])('%s mode on KServe %s', (deploymentMode, kserveVersion) => {
    const { chart, errors } = build({ ...definition, deploymentMode, kserveVersion });
    expect(errors).toEqual([]);
    const objects = synth(chart);
    const isvc = only(objects, 'InferenceService');
    const p = isvc.spec.predictor;
    if (deploymentMode === DeploymentMode.KNATIVE) {
      expect(objects.map(o => `${o.apiVersion}/${o.kind}`)).toEqual(['serving.knative.dev/v1/Service', 'serving.kserve.io/v1beta1/InferenceService']);
      expect(p).toMatchObject({ scaleMetric: 'concurrency', scaleTarget: 4 });
      expect(p.annotations).toEqual({ 'autoscaling.knative.dev/scale-down-delay': '600s', 'serving.knative.dev/progress-deadline': '1800s' });
      expect(p.deploymentStrategy).toBeUndefined();
      expect(isvc.metadata.annotations['serving.kserve.io/autoscalerClass']).toBeUndefined();
    } else {
      expect(objects.map(o => `${o.apiVersion}/${o.kind}`)).toEqual(['apps/v1/Deployment', 'v1/Service', 'serving.kserve.io/v1beta1/InferenceService']);
      expect(p).toMatchObject({ scaleMetric: 'cpu', scaleTarget: 60, deploymentStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } });
      expect(isvc.spec.transformer).toMatchObject({ scaleMetric: 'cpu', scaleTarget: 70 });
      expect(p.annotations).toBeUndefined();
      expect(isvc.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe('hpa');
    }
    expect(isvc.metadata.annotations['serving.kserve.io/deploymentMode'])
      .toBe(kserveVersion.minor < 16 ? { Knative: 'Serverless', Standard: 'RawDeployment' }[deploymentMode] : deploymentMode);
    // The logger URL names the dumper's Service in both modes.
    expect(p.logger.url).toBe(`http://message-dumper.ml.svc.cluster.local`);
    expect(objects.some(o => o.kind === 'Service' && o.metadata.name === 'message-dumper')).toBe(true);
  });

  test('snapshots of both modes', () => {
    for (const deploymentMode of [DeploymentMode.KNATIVE, DeploymentMode.STANDARD]) {
      expect(synth(build({ ...definition, deploymentMode }).chart)).toMatchSnapshot(deploymentMode);
    }
  });

  test('KEDA on an external Prometheus query, from 0.15', () => {
    const keda = StandardAutoscaler.keda({
      metrics: [KedaMetric.prometheus({
        serverAddress: 'http://prometheus.monitoring.svc:9090',
        query: 'sum(rate(nv_inference_queue_duration_us{model="test"}[1m])) / sum(rate(nv_inference_request_success{model="test"}[1m]))',
        threshold: 5000,
      })],
    });
    const props = (kserveVersion: KServeVersion): InferenceServiceChartProps => ({
      ...definition, deploymentMode: DeploymentMode.STANDARD, kserveVersion,
      predictor: { ...definition.predictor, standard: { autoscaler: keda } },
      transformer: { ...definition.transformer!, standard: { autoscaler: StandardAutoscaler.keda({ metrics: [KedaMetric.cpu(70), KedaMetric.memory(Size.mebibytes(768))] }) } },
    });
    const ok = build(props(KServeVersion.V0_15));
    expect(ok.errors).toEqual([]);
    const isvc = only(synth(ok.chart), 'InferenceService');
    expect(isvc.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe('keda');
    expect(isvc.spec.predictor.scaleMetric).toBeUndefined();
    expect(isvc.spec.predictor.autoScaling.metrics).toEqual([{
      type: 'External',
      external: {
        metric: { backend: 'prometheus', serverAddress: 'http://prometheus.monitoring.svc:9090', query: expect.stringContaining('nv_inference_queue_duration_us') },
        target: { type: 'Value', value: '5000' },
      },
    }]);
    expect(isvc.spec.transformer.autoScaling.metrics[1]).toEqual({ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '768Mi' } } });

    expect(build(props(KServeVersion.V0_14)).errors).toEqual([
      'test/predictor: error [autoscaling-metrics] spec.predictor.autoScaling ("External") needs KServe 0.15 or newer (target is 0.14)',
      'test/transformer: error [autoscaling-metrics] spec.transformer.autoScaling ("Resource, Resource") needs KServe 0.15 or newer (target is 0.14)',
      'test/inference-service: error [autoscaler-class] metadata.annotations["serving.kserve.io/autoscalerClass"] ("keda") must be one of hpa, external on KServe 0.14',
    ]);
  });

  test('external and none write the class and no HPA fields', () => {
    for (const [autoscaler, cls] of [[StandardAutoscaler.external(), 'external'], [StandardAutoscaler.none(), 'none']] as const) {
      const { chart, errors, warnings } = build({
        ...definition, deploymentMode: DeploymentMode.STANDARD,
        predictor: { minReplicas: 2, standard: { autoscaler } }, transformer: { ...definition.transformer!, standard: { autoscaler } },
      });
      expect(errors).toEqual([]);
      expect(warnings).not.toContain('standard-fixed-replicas');
      const isvc = only(synth(chart), 'InferenceService');
      expect(isvc.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe(cls);
      expect(isvc.spec.predictor).not.toHaveProperty('scaleMetric');
      expect(isvc.spec.predictor.minReplicas).toBe(2);
    }
  });
});

describe('MessageDumper in Standard mode', () => {
  test('a Deployment and a Service on port 80; the URL is unchanged', () => {
    const chart = newChart('obs');
    const dumper = new MessageDumper(chart, 'dumper', { deploymentMode: DeploymentMode.STANDARD, minScale: 0, resources: { cpu: { request: Cpu.millis(50) } } });
    const objects = synth(chart);
    const deployment = only(objects, 'Deployment');
    const service = only(objects, 'Service');
    expect(dumper.url).toBe('http://message-dumper.obs.svc.cluster.local');
    expect(service.metadata).toMatchObject({ name: 'message-dumper', namespace: 'obs' });
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
    // The Service selects the Deployment's pods, whose container port is named for the Service.
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
    expect(deployment.spec.template.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    // Standard mode cannot scale to zero: at least one pod prints the events.
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '50m', memory: '128Mi' } });
  });

  test('an untagged image is reported on the Deployment too', () => {
    const app = Testing.app();
    new MessageDumper(new Chart(app, 'test'), 'dumper', { deploymentMode: DeploymentMode.STANDARD, image: 'example.com/display' });
    expect(Validation.findings(app).map(formatFinding)).toContain(
      'test/dumper: error [image-pinned] spec.template.spec.containers[0].image ("example.com/display") must have a tag or digest: an untagged image is latest; fix: pin a version tag or @sha256 digest, or Validation.suppress(scope, \'image-pinned\', reason)');
  });
});

describe('the reference app in Standard mode', () => {
  test('synthesizes without errors and keeps its scaling bounds', () => {
    const app = buildApp({}, { deploymentMode: DeploymentMode.STANDARD });
    expect(Validation.findings(app).filter(f => f.rule.severity === 'error').map(formatFinding)).toEqual([]);
    const chart = app.charts[0];
    const objects = synth(chart);
    const isvc = only(objects, 'InferenceService');
    expect(isvc.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Standard');
    expect(isvc.spec.predictor).toMatchObject({ minReplicas: 1, maxReplicas: 3 });
    expect(objects.map(o => o.kind)).toEqual(['ServiceAccount', 'Deployment', 'Service', 'InferenceService']);
  });
});
