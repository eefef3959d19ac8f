/**
 * Rollouts: what each RolloutStage writes in Knative mode (canaryTrafficPercent on the
 * candidate) and in Standard mode on KServe 0.20 (spec.canary[]), checked against the CRDs by
 * synth(). The step after a promotion (the candidate becomes the predictor, the rollout is
 * removed) must not change the output, so GitOps sees nothing.
 */
import { Testing } from 'cdk8s';
import {
  DeploymentMode, InferenceService, InferenceServiceChart, InferenceServiceChartProps, KServeVersion, ModelStorage, RolloutStage,
  StandardAutoscaler, TritonPredictor, TritonPredictorProps, Validation, formatFinding,
} from '../lib';
import { newChart, only, synth } from './util';

const V1 = 'pvc://models/triton-v1';
const V2 = 'pvc://models/triton-v2';

interface Setup {
  readonly mode?: DeploymentMode;
  readonly version?: KServeVersion;
  readonly stage?: RolloutStage;
  readonly stable?: Partial<TritonPredictorProps>;
  readonly candidate?: Partial<TritonPredictorProps>;
  readonly tagRouting?: boolean;
}

/** The InferenceService `m` with a stable model v1 and, with a stage, a candidate v2. */
function isvc(s: Setup): any {
  const chart = newChart('ml');
  const predictor = new TritonPredictor(chart, 'v1', { storage: ModelStorage.fromUri(V1), maxReplicas: 4, ...s.stable });
  const candidate = s.stage && new TritonPredictor(chart, 'v2', { storage: ModelStorage.fromUri(V2), name: 'v2', maxReplicas: 4, ...s.candidate });
  new InferenceService(chart, 'm', {
    predictor, deploymentMode: s.mode, kserveVersion: s.version, tagRouting: s.tagRouting,
    rollout: candidate && { candidate, stage: s.stage! },
  });
  const problems = Validation.findings(chart.node.root).filter(f => f.rule.severity === 'error').map(formatFinding);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return only(synth(chart), 'InferenceService');
}

describe('Knative mode: the candidate is the latest revision', () => {
  test('canary: the candidate is written as the predictor with canaryTrafficPercent', () => {
    const obj = isvc({ stage: RolloutStage.canary(10) });
    expect(obj.spec.predictor.model.storageUri).toBe(V2);
    expect(obj.spec.predictor.canaryTrafficPercent).toBe(10);
    expect(obj.spec.canary).toBeUndefined();
    // Knative would rename the Service after a predictor name and lose the revisions to split between.
    expect(obj.spec.predictor.name).toBeUndefined();
    expect(obj).toMatchSnapshot();
  });

  test('rolled back: the candidate stays, with 0 % (the previous rolled-out revision gets all)', () => {
    const obj = isvc({ stage: RolloutStage.ROLLED_BACK });
    expect(obj.spec.predictor.model.storageUri).toBe(V2);
    expect(obj.spec.predictor.canaryTrafficPercent).toBe(0);
  });

  test('promoted: no split, and removing the rollout afterwards changes nothing', () => {
    const promoted = isvc({ stage: RolloutStage.PROMOTED });
    expect(promoted.spec.predictor.canaryTrafficPercent).toBeUndefined();
    const cleanedUp = isvc({ stable: { storage: ModelStorage.fromUri(V2), name: 'v2' } });
    expect(cleanedUp).toEqual(promoted);
  });

  test('the candidate keeps its own Knative scaling', () => {
    const obj = isvc({ stage: RolloutStage.canary(50), candidate: { maxReplicas: 8, knative: { target: 4 } } });
    expect(obj.spec.predictor).toMatchObject({ maxReplicas: 8, scaleMetric: 'concurrency', scaleTarget: 4, canaryTrafficPercent: 50 });
  });

  test('tag routing is an annotation in Knative mode and absent in Standard mode', () => {
    expect(isvc({ tagRouting: true }).metadata.annotations['serving.kserve.io/enable-tag-routing']).toBe('true');
    expect(isvc({ tagRouting: false }).metadata.annotations['serving.kserve.io/enable-tag-routing']).toBeUndefined();
    expect(isvc({ tagRouting: true, mode: DeploymentMode.STANDARD }).metadata.annotations['serving.kserve.io/enable-tag-routing']).toBeUndefined();
  });

  test('KServe 0.11 takes the same canary (checked against the 0.11.2 CRD)', () => {
    const obj = isvc({ version: KServeVersion.V0_11, stage: RolloutStage.canary(20) });
    expect(obj.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Serverless');
    expect(obj.spec.predictor.canaryTrafficPercent).toBe(20);
  });
});

describe('Standard mode on KServe 0.20: spec.canary[]', () => {
  const standard = { mode: DeploymentMode.STANDARD };

  test('canary: the stable predictor stays, the candidate is a named canary without scaling fields', () => {
    const obj = isvc({ ...standard, stage: RolloutStage.canary(10), stable: { name: 'v1', minReplicas: 2 }, candidate: { knative: { target: 3 } } });
    expect(obj.spec.predictor).toMatchObject({ name: 'v1', minReplicas: 2, maxReplicas: 4, model: { storageUri: V1 } });
    expect(obj.spec.predictor.canaryTrafficPercent).toBeUndefined();
    expect(obj.spec.canary).toHaveLength(1);
    const canary = obj.spec.canary[0];
    expect(canary.trafficPercent).toBe(10);
    expect(canary.predictor).toMatchObject({ name: 'v2', model: { name: 'kserve-container', storageUri: V2 } });
    for (const field of ['maxReplicas', 'scaleTarget', 'scaleMetric', 'autoScaling', 'canaryTrafficPercent']) {
      expect(canary.predictor[field]).toBeUndefined();
    }
    // One pod: unset, KServe 0.20.0 sizes it ceil(stable minReplicas × trafficPercent / 100)
    // (pkg/controller/v1beta1/inferenceservice/components/predictor.go:886-895) for traffic it never gets.
    expect(canary.predictor.minReplicas).toBe(1);
    expect(obj.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe('hpa');
    expect(obj).toMatchSnapshot();
  });

  test('a canary is a dark launch: synth warns with its in-cluster URL and the stable replicas KServe holds back', () => {
    const chart = newChart('ml');
    const predictor = new TritonPredictor(chart, 'v1', { storage: ModelStorage.fromUri(V1), name: 'v1', minReplicas: 3, maxReplicas: 4 });
    const candidate = new TritonPredictor(chart, 'v2', { storage: ModelStorage.fromUri(V2), name: 'v2', minReplicas: 2 });
    new InferenceService(chart, 'm', { predictor, deploymentMode: DeploymentMode.STANDARD, rollout: { candidate, stage: RolloutStage.canary(30) } });
    const warnings = Validation.findings(chart.node.root).filter(f => f.rule.severity === 'warning').map(formatFinding);
    // predictor.go:795-803: the stable minReplicas becomes max(min - canary replicas, 1).
    expect(warnings).toEqual([
      'test/v2: warning [canary-dark-launch] rollout.stage ("canary 30 %") is a dark launch on KServe 0.20 in Standard mode: trafficPercent only sizes the canary, the Ingress and the transformer send every request to the stable predictor, and the canary (2 pods) answers only in-cluster at http://m-v2-predictor.ml.svc.cluster.local; KServe also lowers the stable predictor\'s minReplicas from 3 to 1 while it runs; fix: send it test traffic in-cluster (ENDPOINTS.md), or use Knative mode for a weighted split; then Validation.suppress(scope, \'canary-dark-launch\', reason)',
    ]);
    expect(only(synth(chart), 'InferenceService').spec.canary[0].predictor.minReplicas).toBe(2);
  });

  test('a chart\'s Standard candidate does not inherit the stable minReplicas (that would hold the stable predictor down to 1)', () => {
    const chart = new InferenceServiceChart(Testing.app(), 'm', {
      deploymentMode: DeploymentMode.STANDARD, modelUri: V1, predictor: { name: 'v1', minReplicas: 3, maxReplicas: 6 },
      rollout: { candidate: { name: 'v2', modelUri: V2 }, stage: RolloutStage.canary(50) },
    });
    const obj = only(synth(chart), 'InferenceService');
    expect(obj.spec.predictor.minReplicas).toBe(3);
    expect(obj.spec.canary[0].predictor.minReplicas).toBe(1);
  });

  test('rolled back: the canary stays deployed with 0 %', () => {
    const obj = isvc({ ...standard, stage: RolloutStage.ROLLED_BACK });
    expect(obj.spec.predictor.model.storageUri).toBe(V1);
    expect(obj.spec.canary).toEqual([expect.objectContaining({ trafficPercent: 0 })]);
  });

  test('promoted: the candidate becomes the named predictor, and the cleanup step changes nothing', () => {
    const promoted = isvc({ ...standard, stage: RolloutStage.PROMOTED });
    expect(promoted.spec.canary).toBeUndefined();
    expect(promoted.spec.predictor).toMatchObject({ name: 'v2', maxReplicas: 4, model: { storageUri: V2 } });
    expect(isvc({ ...standard, stable: { storage: ModelStorage.fromUri(V2), name: 'v2' } })).toEqual(promoted);
  });

  test('the KServe class of the InferenceService is the stable predictor\'s, not the canary\'s', () => {
    const obj = isvc({
      ...standard, stage: RolloutStage.canary(10),
      stable: { standard: { autoscaler: StandardAutoscaler.external() } },
      candidate: { standard: { autoscaler: StandardAutoscaler.none() } },
    });
    expect(obj.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe('external');
  });

  test('before 0.20 a Standard canary is an error, and a promotion still works', () => {
    expect(() => isvc({ ...standard, version: KServeVersion.V0_19, stage: RolloutStage.canary(10) }))
      .toThrow('test/m: error [canary] rollout.stage ("canary 10 %") needs spec.canary[], which KServe 0.19 does not have in Standard mode (0.20+)');
    const promoted = isvc({ ...standard, version: KServeVersion.V0_11, stage: RolloutStage.PROMOTED });
    expect(promoted.spec.predictor.model.storageUri).toBe(V2);
    // predictor.name exists from 0.20 only.
    expect(promoted.spec.predictor.name).toBeUndefined();
  });
});

describe('InferenceServiceChart rollout', () => {
  const base: InferenceServiceChartProps = {
    namespace: 'ml',
    azureBlob: { account: 'acct', container: 'models', path: 'test/v1' },
    predictor: { maxReplicas: 3 },
    transformer: { image: 'registry.example.com/pre:1.0.0' },
  };

  test('the candidate reads the same container with the same credentials, and is ordered after them', () => {
    for (const deploymentMode of [DeploymentMode.KNATIVE, DeploymentMode.STANDARD]) {
      const chart = new InferenceServiceChart(Testing.app(), 'test', {
        ...base, deploymentMode, rollout: { candidate: { name: 'v2', path: 'test/v2', predictor: { runtimeVersion: '24.08-py3' } }, stage: RolloutStage.canary(10) },
      });
      const objects = synth(chart);
      expect(objects.map(o => o.kind).pop()).toBe('InferenceService');
      const obj = only(objects, 'InferenceService');
      const candidate = deploymentMode === DeploymentMode.KNATIVE ? obj.spec.predictor : obj.spec.canary[0].predictor;
      expect(candidate.model).toMatchObject({ storageUri: 'https://acct.blob.core.windows.net/models/test/v2/', runtimeVersion: '24.08-py3' });
      expect(candidate.serviceAccountName).toBe('test-azure-blob');
      expect(candidate.logger).toEqual({ url: 'http://message-dumper.ml.svc.cluster.local', mode: 'all', metadataHeaders: ['X-Request-Id'] });
    }
  });

  test('a candidate path that is a name prefix of the stable one is reported', () => {
    const app = Testing.app();
    new InferenceServiceChart(app, 'test', { ...base, azureBlob: { ...base.azureBlob!, path: 'test/v2-rc' }, rollout: { candidate: { path: 'test/v2' }, stage: RolloutStage.canary(10) } });
    expect(Validation.findings(app).map(formatFinding)).toContain(
      'test/candidate: warning [azure-prefix-overlap] storage path ("test/v2") also matches test/v2-rc (the model of test/predictor): KServe downloads every blob whose name starts with the path; fix: give the model folders names that are not prefixes of each other (models/iris-v1 and models/iris-v2)');
  });
});
