import { schemaErrors, schemaSetFor } from './schema';

// The validator is what every other test leans on, so it must be shown to catch mistakes.
const v20 = schemaSetFor(20);
const v11 = schemaSetFor(11);

function isvc(spec: any, metadata: any = { name: 'm', namespace: 'default' }): any {
  return { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata, spec };
}
const model = { modelFormat: { name: 'triton' }, storageUri: 's3://b/m' };

describe('schema validation', () => {
  test('accepts a minimal InferenceService on both versions', () => {
    expect(schemaErrors(isvc({ predictor: { model } }), v20)).toEqual([]);
    expect(schemaErrors(isvc({ predictor: { model } }), v11)).toEqual([]);
  });

  test('fails when a field is unknown, like kubectl --validate=strict', () => {
    expect(schemaErrors(isvc({ predictor: { model, minReplica: 1 } }), v20))
      .toEqual(['InferenceService/m/spec/predictor: must NOT have additional properties (minReplica)']);
  });

  test('fails when metadata has an unknown field (checked as ObjectMeta)', () => {
    expect(schemaErrors(isvc({ predictor: { model } }, { name: 'm', label: {} }), v20))
      .toEqual(['InferenceService/m/metadata: must NOT have additional properties (label)']);
  });

  test('fails when an enum value is wrong', () => {
    const errors = schemaErrors(isvc({ predictor: { model, logger: { mode: 'everything' } } }), v20);
    expect(errors).toContain('InferenceService/m/spec/predictor/logger/mode: must be equal to one of the allowed values');
  });

  test('fails when a field is new in 0.20 but the target is 0.11 (spec.canary)', () => {
    const spec = { predictor: { model }, canary: [] };
    expect(schemaErrors(isvc(spec), v20)).toEqual([]);
    expect(schemaErrors(isvc(spec), v11)).toEqual(['InferenceService/m/spec: must NOT have additional properties (canary)']);
  });

  test('fails when an int32 is out of range or not whole', () => {
    expect(schemaErrors(isvc({ predictor: { model, minReplicas: 2 ** 31 } }), v20))
      .toContain('InferenceService/m/spec/predictor/minReplicas: must match format "int32"');
    expect(schemaErrors(isvc({ predictor: { model, minReplicas: 1.5 } }), v20))
      .toContain('InferenceService/m/spec/predictor/minReplicas: must be integer');
  });

  test('fails when two list-map entries share their keys (two ports 9000/TCP)', () => {
    const ports = [{ containerPort: 9000, protocol: 'TCP' }, { containerPort: 9000, protocol: 'TCP', name: 'h2c' }];
    expect(schemaErrors(isvc({ predictor: { model: { ...model, ports } } }), v20))
      .toContain('InferenceService/m/spec/predictor/model/ports: must pass "x-kubernetes-list-map-keys" keyword validation');
  });

  test('fails when a core object has an unknown or mistyped field', () => {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' }, secrets: [{ name: 's', bogus: 1 }] };
    expect(schemaErrors(sa, v20)).toEqual(['ServiceAccount/sa/secrets/0: must NOT have additional properties (bogus)']);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'not base64!' } };
    expect(schemaErrors(secret, v20)).toEqual(['Secret/s/data/k: must match format "byte"']);
  });

  test('fails when a Knative Service has an unknown field', () => {
    const ksvc = {
      apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'x' },
      spec: { template: { spec: { containers: [{ image: 'x:1', cpu: 1 }] } } },
    };
    expect(schemaErrors(ksvc, v20)).toEqual(['Service/x/spec/template/spec/containers/0: must NOT have additional properties (cpu)']);
  });

  test('fails when no schema is known for a kind', () => {
    expect(() => schemaErrors({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'j' } }, v20)).toThrow(/no schema known for batch\/v1\/CronJob/);
  });
});
