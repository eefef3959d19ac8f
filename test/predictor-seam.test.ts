/**
 * The InferenceService knows only Predictor and Transformer: a predictor for another serving
 * runtime is a subclass with its own bind, and a component is a definition that may be bound to
 * several InferenceServices.
 */
import { Construct } from 'constructs';
import {
  endpointsOf, InferenceService, ModelStorage, Predictor, PredictorBindContext, PredictorConfig, PredictorRole, PythonTransformer, RULES,
  TritonPredictor, Validation,
} from '../lib';
import { schemaErrors, schemaSetFor } from './schema';
import { newChart, synth } from './util';

/** A scikit-learn predictor written outside the library, against the public seam only. */
class SklearnPredictor extends Predictor {
  public readonly protocol = 'v2';
  public readonly modelFormat = 'sklearn';
  public readonly serverName = 'MLServer';
  public readonly name = undefined;
  public readonly signature = undefined;
  public readonly roles: PredictorRole[] = [];

  constructor(scope: Construct, id: string, private readonly uri: string, private readonly maxReplicas: number) {
    super(scope, id);
  }

  protected render(ctx: PredictorBindContext): PredictorConfig {
    this.roles.push(ctx.role);
    if (this.maxReplicas < 1) ctx.report({ rule: RULES.REPLICAS, field: 'maxReplicas', value: this.maxReplicas, expected: 'must be at least 1' });
    return {
      spec: { maxReplicas: this.maxReplicas, model: { modelFormat: { name: 'sklearn' }, protocolVersion: 'v2', storageUri: this.uri, resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } } },
      storage: { uri: this.uri, partsChecked: false },
      dependencies: [],
    };
  }
}

describe('the predictor seam', () => {
  test('a predictor subclass from outside the library is bound and written by the InferenceService, unchanged', () => {
    const chart = newChart('ml');
    const predictor = new SklearnPredictor(chart, 'predictor', 'gs://models/iris', 3);
    const transformer = new PythonTransformer(chart, 'transformer', { image: 'registry.example.com/pre:1.0' });
    const isvc = new InferenceService(chart, 'iris', { predictor, transformer });
    const written = synth(chart).find(o => o.kind === 'InferenceService');
    expect(written.spec.predictor).toEqual({ maxReplicas: 3, model: { modelFormat: { name: 'sklearn' }, protocolVersion: 'v2', storageUri: 'gs://models/iris', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } } });
    // The InferenceService's 0.17+ modelFormat annotation and the transformer's protocol come from the predictor.
    expect(written.metadata.annotations.modelFormat).toBe('sklearn');
    expect(written.spec.transformer.containers[0].args.slice(0, 4)).toEqual(['--protocol', 'v2', '--predictor_protocol', 'v2']);
    expect(schemaErrors(written, schemaSetFor(20))).toEqual([]);
    expect(predictor.roles).toEqual([PredictorRole.PREDICTOR]);
    // ENDPOINTS.md names its server.
    expect(JSON.stringify(endpointsOf(isvc, {}))).not.toContain('Triton');
  });

  test('a problem it reports is a finding under its own construct path', () => {
    const chart = newChart();
    new InferenceService(chart, 'iris', { predictor: new SklearnPredictor(chart, 'sk', 'gs://models/iris', 0) });
    const lines = Validation.findings(chart).filter(f => f.rule === RULES.REPLICAS).map(f => `${f.path} ${f.field} ${f.expected}`);
    expect(lines).toEqual(['test/sk maxReplicas must be at least 1']);
  });

  test('one predictor definition bound to two InferenceServices: each writes it for itself, a props problem is reported once', () => {
    const chart = newChart();
    const predictor = new TritonPredictor(chart, 'predictor', { storage: ModelStorage.fromUri('pvc://models/iris'), gpus: 1.5 });
    new InferenceService(chart, 'a', { predictor });
    new InferenceService(chart, 'b', { predictor });
    const findings = Validation.findings(chart).filter(f => f.rule.id === 'resources');
    expect(findings.map(f => `${f.path} ${f.field} (${f.value}) ${f.expected}`)).toEqual(['test/predictor gpus (1.5) must be a whole number of at least 0']);
    const fixed = newChart('ml');
    const shared = new TritonPredictor(fixed, 'predictor', { storage: ModelStorage.fromUri('pvc://models/iris') });
    new InferenceService(fixed, 'a', { predictor: shared });
    new InferenceService(fixed, 'b', { predictor: shared });
    const isvcs = synth(fixed).filter(o => o.kind === 'InferenceService');
    expect(isvcs.map(o => o.metadata.name)).toEqual(['a', 'b']);
    expect(isvcs[1].spec.predictor).toEqual(isvcs[0].spec.predictor);
  });
});
