/**
 * The target set once per scope (KServeTarget): every construct under an app or chart writes for
 * it, each part looked up on its own, and a construct's own prop wins.
 */
import { App, Chart, Testing } from 'cdk8s';
import {
  AzureBlobCreds, AzureCredentials, DeploymentMode, InferenceService, InferenceServiceChart, KnativeVersion, KServeTarget, KServeVersion,
  MessageDumper, ModelStorage, TritonPredictor,
} from '../lib';

function isvcIn(chart: Chart, props: { kserveVersion?: KServeVersion; deploymentMode?: DeploymentMode } = {}): InferenceService {
  const predictor = new TritonPredictor(chart, 'predictor', { storage: ModelStorage.fromUri('pvc://models/m') });
  return new InferenceService(chart, 'isvc', { name: 'm', predictor, ...props });
}

describe('KServeTarget', () => {
  test('set on the app: every construct under it writes for that target', () => {
    const app = Testing.app();
    KServeTarget.set(app, { kserveVersion: KServeVersion.V0_15, deploymentMode: DeploymentMode.STANDARD });
    const chart = new Chart(app, 'c');
    const isvc = isvcIn(chart);
    const dumper = new MessageDumper(chart, 'dumper');
    const creds = new AzureBlobCreds(chart, 'creds', { credentials: AzureCredentials.existingSecret('s') });
    expect([isvc.kserveVersion, isvc.deploymentMode, isvc.knativeVersion]).toEqual([KServeVersion.V0_15, DeploymentMode.STANDARD, KnativeVersion.installedBy(KServeVersion.V0_15)]);
    expect([dumper.kserveVersion, dumper.deploymentMode]).toEqual([KServeVersion.V0_15, DeploymentMode.STANDARD]);
    expect(creds.kserveVersion).toBe(KServeVersion.V0_15);
    // 0.15 spells Standard mode RawDeployment (kserve v0.15.0 pkg/constants/constants.go:417; "Standard" from v0.16.0 constants.go:467).
    const written = Testing.synth(chart).find(o => o.kind === 'InferenceService');
    expect(written.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('RawDeployment');
    expect(Testing.synth(chart).filter(o => o.kind === 'Service' && o.apiVersion === 'serving.knative.dev/v1')).toEqual([]);
  });

  test('each part is looked up on its own: a chart changes the mode and keeps the app\'s version', () => {
    const app = Testing.app();
    KServeTarget.set(app, { kserveVersion: KServeVersion.V0_13, knativeVersion: KnativeVersion.V1_15 });
    const chart = new Chart(app, 'c');
    KServeTarget.set(chart, { deploymentMode: DeploymentMode.STANDARD });
    expect(KServeTarget.of(chart)).toEqual({ kserveVersion: KServeVersion.V0_13, deploymentMode: DeploymentMode.STANDARD, knativeVersion: KnativeVersion.V1_15 });
    expect(KServeTarget.of(app)).toEqual({ kserveVersion: KServeVersion.V0_13, deploymentMode: DeploymentMode.KNATIVE, knativeVersion: KnativeVersion.V1_15 });
  });

  test('a construct\'s own prop overrides the scope; the Knative default follows the version it ends up with', () => {
    const app = Testing.app();
    KServeTarget.set(app, { kserveVersion: KServeVersion.V0_20 });
    const isvc = isvcIn(new Chart(app, 'c'), { kserveVersion: KServeVersion.V0_11 });
    expect(isvc.kserveVersion).toBe(KServeVersion.V0_11);
    expect(isvc.knativeVersion).toBe(KnativeVersion.installedBy(KServeVersion.V0_11));
    expect(isvc.knativeVersion).not.toBe(KnativeVersion.installedBy(KServeVersion.V0_20));
  });

  test('nothing set: KServe 0.20, Knative mode, the Knative that 0.20 installs', () => {
    expect(KServeTarget.of(new App())).toEqual({ kserveVersion: KServeVersion.DEFAULT, deploymentMode: DeploymentMode.KNATIVE, knativeVersion: KnativeVersion.installedBy(KServeVersion.DEFAULT) });
  });

  test('an InferenceServiceChart\'s target props reach its dumper, credentials and InferenceService, and constructs added to it later', () => {
    const app = Testing.app();
    KServeTarget.set(app, { kserveVersion: KServeVersion.V0_20 });
    const chart = new InferenceServiceChart(app, 'vision', {
      kserveVersion: KServeVersion.V0_14, deploymentMode: DeploymentMode.STANDARD,
      azureBlob: { account: 'acct', container: 'models', path: 'vision' },
    });
    expect([chart.inferenceService.kserveVersion, chart.messageDumper!.kserveVersion, chart.credentials!.kserveVersion]).toEqual([KServeVersion.V0_14, KServeVersion.V0_14, KServeVersion.V0_14]);
    expect([chart.inferenceService.deploymentMode, chart.messageDumper!.deploymentMode]).toEqual([DeploymentMode.STANDARD, DeploymentMode.STANDARD]);
    expect(new MessageDumper(chart, 'second', { name: 'second-dumper' }).kserveVersion).toBe(KServeVersion.V0_14);
  });

  test('an app-level target gives the same output as the same target on every chart', () => {
    const build = (viaScope: boolean) => {
      const app = Testing.app();
      const target = { kserveVersion: KServeVersion.V0_16, deploymentMode: DeploymentMode.STANDARD };
      if (viaScope) KServeTarget.set(app, target);
      const chart = new InferenceServiceChart(app, 'vision', { ...(viaScope ? {} : target), modelUri: 'pvc://models/vision' });
      return Testing.synth(chart);
    };
    const viaScope = build(true);
    expect(viaScope.find(o => o.kind === 'InferenceService').metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Standard');
    expect(viaScope).toEqual(build(false));
  });
});
