import { ApiObject, JsonPatch } from 'cdk8s';
import { InferenceService, KServeVersion, ModelStorage, PythonTransformer, TritonPredictor } from '../lib';
import { newChart, only, problemsOf, synth } from './util';

function build(props: { name?: string; kserveVersion?: KServeVersion; transformer?: boolean; annotations?: Record<string, string>; namespace?: string }) {
  const chart = newChart(props.namespace);
  const predictor = new TritonPredictor(chart, 'predictor', { storage: ModelStorage.fromUri('pvc://models/triton') });
  const transformer = props.transformer ? new PythonTransformer(chart, 'transformer', { image: 'x:1' }) : undefined;
  const isvc = new InferenceService(chart, 'isvc', { name: props.name ?? 'm', kserveVersion: props.kserveVersion, predictor, transformer, annotations: props.annotations });
  return { chart, isvc };
}

describe('InferenceService', () => {
  test.each(KServeVersion.ALL.map(v => [v.name, v] as const))('KServe %s: deployment mode spelled for the version, output schema-valid', (_, version) => {
    const { chart } = build({ kserveVersion: version, transformer: true });
    const annotations = only(synth(chart), 'InferenceService').metadata.annotations;
    expect(annotations['serving.kserve.io/deploymentMode']).toBe(version.minor >= 16 ? 'Knative' : 'Serverless');
    // 0.17+ webhooks add `modelFormat`; writing it ourselves keeps GitOps diffs empty.
    expect(annotations.modelFormat).toBe(version.minor >= 17 ? 'triton' : undefined);
  });

  test('the name defaults to the construct id and the namespace to the chart', () => {
    const chart = newChart('ml');
    const isvc = new InferenceService(chart, 'resnet', { predictor: new TritonPredictor(chart, 'p', { storage: ModelStorage.fromUri('s3://b/m') }) });
    expect(only(synth(chart), 'InferenceService').metadata).toMatchObject({ name: 'resnet', namespace: 'ml' });
    expect(isvc.predictorServiceName).toBe('resnet-predictor');
    expect(isvc.transformerServiceName).toBe('resnet-transformer');
    expect(isvc.internalUrl).toBe('http://resnet.ml.svc.cluster.local');
  });

  test('escape hatch: ApiObject.of reaches the object, and patched output is still schema-checked', () => {
    const { chart, isvc } = build({});
    ApiObject.of(isvc).addJsonPatch(JsonPatch.add('/spec/predictor/priorityClassName', 'gpu-high'));
    expect(only(synth(chart), 'InferenceService').spec.predictor.priorityClassName).toBe('gpu-high');
    ApiObject.of(isvc).addJsonPatch(JsonPatch.add('/spec/predictor/priorityClass', 'typo'));
    expect(() => synth(chart)).toThrow('InferenceService/m/spec/predictor: must NOT have additional properties (priorityClass)');
  });

  test('fails when the name is not what KServe accepts', () => {
    expect(problemsOf(build({ name: 'My.Model' }).chart)).toEqual([
      'test/isvc: name ("My.Model") must be lowercase letters, digits and \'-\', start with a letter and end with a letter or digit (KServe\'s webhook rejects anything else)',
    ]);
  });

  test('fails when the derived transformer Service name would exceed 63 characters', () => {
    const name = 'a'.repeat(52);
    expect(problemsOf(build({ name, transformer: true }).chart)).toEqual([
      `test/isvc: name ("${name}", 52 characters) must be at most 51 characters: KServe creates the Knative Service "${name}-transformer", which must fit a 63-character DNS label`,
    ]);
    expect(problemsOf(build({ name }).chart)).toEqual([]);
  });

  test('fails when annotations set keys this construct owns or KServe strips', () => {
    expect(problemsOf(build({ annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment', 'autoscaling.knative.dev/min-scale': '2' } }).chart)).toEqual([
      'test/isvc: annotations: remove serving.kserve.io/deploymentMode: it is written from the deployment mode, spelled for the target KServe version',
      'test/isvc: annotations: remove autoscaling.knative.dev/min-scale: KServe strips it; set minReplicas',
    ]);
  });

  test('KServeVersion.of parses and rejects versions', () => {
    expect(KServeVersion.of('v0.15.2')).toBe(KServeVersion.V0_15);
    expect(KServeVersion.of('0.20')).toBe(KServeVersion.V0_20);
    expect(() => KServeVersion.of('0.10')).toThrow('kserveVersion ("0.10") must be one of 0.11 to 0.20, such as "0.20" or "0.15.1"');
  });
});
