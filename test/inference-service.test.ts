import { ApiObject, JsonPatch } from 'cdk8s';
import { InferenceService, KServeVersion, ModelStorage, PythonTransformer, TritonPredictor } from '../lib';
import { schemaErrors, schemaSetFor } from './schema';
import { newChart, only, synth } from './util';

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

  test('escape hatch: ApiObject.of reaches the object, and patched output is still checked at synth', () => {
    const { chart, isvc } = build({});
    ApiObject.of(isvc).addJsonPatch(JsonPatch.add('/spec/predictor/priorityClassName', 'gpu-high'));
    expect(only(synth(chart), 'InferenceService').spec.predictor.priorityClassName).toBe('gpu-high');
    ApiObject.of(isvc).addJsonPatch(JsonPatch.add('/spec/predictor/priorityClass', 'typo'));
    // The library's own check, at synth, names the construct, the field and the likely fix...
    expect(() => chart.toJson()).toThrow('test/predictor: error [schema] spec.predictor.priorityClass ("typo") is not a field here; did you mean priorityClassName? (InferenceService schema of KServe 0.20.0)');
    // ...and the unmodified CRD, through ajv, agrees.
    expect(schemaErrors(ApiObject.of(isvc).toJson(), schemaSetFor(20))).toEqual(['InferenceService/m/spec/predictor: must NOT have additional properties (priorityClass)']);
  });

  test('KServeVersion.of parses and rejects versions', () => {
    expect(KServeVersion.of('v0.15.2')).toBe(KServeVersion.V0_15);
    expect(KServeVersion.of('0.20')).toBe(KServeVersion.V0_20);
    expect(() => KServeVersion.of('0.10')).toThrow('kserveVersion ("0.10") must be one of 0.11 to 0.20, such as "0.20" or "0.15.1"');
  });
});
