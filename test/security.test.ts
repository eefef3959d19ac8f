/**
 * Hardening: restricted security contexts, API tokens, image pull secrets and digest pinning,
 * each default and its opt-out; NetworkPolicies; and what Knative admits, read from its CRDs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  ContainerSecurity, DeploymentMode, EnvValue, GpuSmokeTest, ImageDigests, InferenceService, InferenceServiceChart, InferenceServiceNetworkPolicies,
  IngressGateway, KnativeVersion, KServeVersion, LoggerMode, MessageDumper, ModelStorage, PythonTransformer, TritonPredictor, Validation,
} from '../lib';
import { CRDS } from './schema';
import { only, restrictedContext, synth } from './util';

const PVC = ModelStorage.fromUri('pvc://models/triton');
const IMAGE = 'registry.example.com/ml/pre:1.0.0';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** A chart with a dumper, a predictor and a transformer in `mode`; `tweak` adjusts props. */
function reference(mode: DeploymentMode, tweak: { security?: ContainerSecurity; automount?: boolean; pullSecrets?: string[]; version?: KServeVersion } = {}, app: App = Testing.app()) {
  const chart = new Chart(app, 'test', { namespace: 'ml' });
  const common = { security: tweak.security, automountServiceAccountToken: tweak.automount, imagePullSecrets: tweak.pullSecrets };
  const dumper = new MessageDumper(chart, 'dumper', { deploymentMode: mode, kserveVersion: tweak.version, ...common });
  const logger = { sink: dumper, mode: LoggerMode.ALL };
  const predictor = new TritonPredictor(chart, 'predictor', { storage: PVC, logger, maxReplicas: 2, ...common });
  const transformer = new PythonTransformer(chart, 'transformer', { image: IMAGE, logger, maxReplicas: 2, ...common });
  const isvc = new InferenceService(chart, 'isvc', { name: 'm', deploymentMode: mode, kserveVersion: tweak.version, predictor, transformer });
  Validation.suppress(chart, 'ngc-tag-resolution', 'not what these tests are about');
  return { chart, isvc, dumper };
}

function isvcSpec(objects: any[]): any {
  return only(objects, 'InferenceService').spec;
}

describe('restricted security contexts by default', () => {
  test.each([DeploymentMode.KNATIVE, DeploymentMode.STANDARD])('%s mode: every container we own is restricted, with /scratch writable and TMPDIR pointing there where Python and Triton write', (mode) => {
    const objects = synth(reference(mode).chart);
    const spec = isvcSpec(objects);
    expect(spec.predictor.model.securityContext).toEqual(restrictedContext(1000));
    // Not /tmp: Knative up to 1.12 rejects a volume there (knative-v1.10.1 pkg/apis/serving/k8s_validation.go:43-50).
    expect(spec.predictor.model.volumeMounts).toEqual([{ name: 'scratch', mountPath: '/scratch' }]);
    expect(spec.predictor.model.env).toEqual([{ name: 'TMPDIR', value: '/scratch' }]);
    expect(spec.predictor.volumes).toEqual([{ name: 'scratch', emptyDir: {} }]);
    expect(spec.transformer.containers[0].securityContext).toEqual(restrictedContext(1000));
    expect(spec.transformer.containers[0].volumeMounts).toEqual([{ name: 'scratch', mountPath: '/scratch' }]);
    expect(spec.transformer.containers[0].env).toEqual([{ name: 'TMPDIR', value: '/scratch' }]);
    expect(spec.transformer.volumes).toEqual([{ name: 'scratch', emptyDir: {} }]);
    const dumperPod = mode === DeploymentMode.KNATIVE ? only(objects, 'Service').spec.template.spec : only(objects, 'Deployment').spec.template.spec;
    // The dumper runs as its image's nonroot user and writes nothing.
    expect(dumperPod.containers[0].securityContext).toEqual(restrictedContext());
    expect(dumperPod.volumes).toBeUndefined();
  });

  test('Knative mode writes no pod securityContext (Knative gates it behind kubernetes.podspec-securitycontext); Standard mode adds RuntimeDefault seccomp for the containers KServe injects', () => {
    const knative = synth(reference(DeploymentMode.KNATIVE).chart);
    expect(isvcSpec(knative).predictor.securityContext).toBeUndefined();
    expect(isvcSpec(knative).transformer.securityContext).toBeUndefined();
    expect(only(knative, 'Service').spec.template.spec.securityContext).toBeUndefined();
    const standard = synth(reference(DeploymentMode.STANDARD).chart);
    const pod = { seccompProfile: { type: 'RuntimeDefault' } };
    expect(isvcSpec(standard).predictor.securityContext).toEqual(pod);
    expect(isvcSpec(standard).transformer.securityContext).toEqual(pod);
    expect(only(standard, 'Deployment').spec.template.spec.securityContext).toEqual(pod);
  });

  test('the defaults raise no Knative feature-flag warning on either KServe version', () => {
    for (const version of [KServeVersion.V0_11, KServeVersion.V0_20]) {
      const { chart } = reference(DeploymentMode.KNATIVE, { version });
      synth(chart);
      expect(Validation.findings(chart).filter(f => !f.suppressedBecause).map(f => f.rule.id)).toEqual([]);
    }
  });

  test('ContainerSecurity.none() is the opt-out: no security context and no extra volume, per construct', () => {
    for (const mode of [DeploymentMode.KNATIVE, DeploymentMode.STANDARD]) {
      const objects = synth(reference(mode, { security: ContainerSecurity.none() }).chart);
      const spec = isvcSpec(objects);
      expect(spec.predictor.model.securityContext).toBeUndefined();
      expect(spec.predictor.volumes).toBeUndefined();
      expect(spec.predictor.securityContext).toBeUndefined();
      expect(spec.transformer.containers[0].securityContext).toBeUndefined();
      expect(spec.transformer.containers[0].volumeMounts).toBeUndefined();
      expect(spec.transformer.containers[0].env).toBeUndefined();
      const dumper = objects.find(o => o.kind !== 'InferenceService' && o.spec.template).spec.template.spec;
      expect(dumper.containers[0].securityContext).toBeUndefined();
      expect(dumper.securityContext).toBeUndefined();
    }
  });

  test('one construct opts out while the others keep the defaults', () => {
    const chart = Testing.chart();
    const predictor = new TritonPredictor(chart, 'predictor', { storage: PVC, security: ContainerSecurity.none() });
    const transformer = new PythonTransformer(chart, 'transformer', { image: IMAGE });
    new InferenceService(chart, 'm', { predictor, transformer });
    const spec = isvcSpec(synth(chart));
    expect(spec.predictor.model.securityContext).toBeUndefined();
    expect(spec.transformer.containers[0].securityContext).toEqual(restrictedContext(1000));
  });

  test('restricted() options: another UID and group, the image user, a writable root filesystem, another tmpDir, more writable paths', () => {
    const chart = Testing.chart();
    const predictor = new TritonPredictor(chart, 'predictor', {
      storage: PVC, sharedMemorySize: undefined,
      env: { LOG_LEVEL: EnvValue.fromValue('info') },
      security: ContainerSecurity.restricted({ runAsUser: 1001, runAsGroup: 1001, tmpDir: '/tmp', writablePaths: ['/opt/cache'] }),
    });
    const transformer = new PythonTransformer(chart, 'transformer', { image: IMAGE, security: ContainerSecurity.restricted({ imageUser: true, readOnlyRootFilesystem: false }) });
    // Knative 1.13+ accepts a volume at /tmp (knative-v1.13.0 k8s_validation.go:43-47).
    new InferenceService(chart, 'm', { predictor, transformer, knativeVersion: KnativeVersion.V1_21 });
    const spec = isvcSpec(synth(chart));
    expect(spec.predictor.model.securityContext).toEqual({ ...restrictedContext(1001), runAsGroup: 1001 });
    expect(spec.predictor.volumes.map((v: any) => v.name)).toEqual(['scratch', 'writable-opt-cache']);
    expect(spec.predictor.model.volumeMounts.map((v: any) => v.mountPath)).toEqual(['/tmp', '/opt/cache']);
    expect(spec.predictor.model.env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }, { name: 'TMPDIR', value: '/tmp' }]);
    expect(spec.transformer.containers[0].securityContext).toEqual({ ...restrictedContext(), readOnlyRootFilesystem: false });
    expect(spec.transformer.volumes).toBeUndefined();
    expect(spec.transformer.containers[0].env).toBeUndefined();
  });

  test('a TMPDIR of the user\'s own wins over the scratch directory\'s', () => {
    const chart = Testing.chart();
    const transformer = new PythonTransformer(chart, 'transformer', { image: IMAGE, env: { TMPDIR: EnvValue.fromValue('/data/tmp') } });
    new InferenceService(chart, 'm', { predictor: new TritonPredictor(chart, 'predictor', { storage: PVC }), transformer });
    const spec = isvcSpec(synth(chart));
    expect(spec.transformer.containers[0].env).toEqual([{ name: 'TMPDIR', value: '/data/tmp' }]);
    expect(spec.transformer.containers[0].volumeMounts).toEqual([{ name: 'scratch', mountPath: '/scratch' }]);
  });

  test('the GPU smoke test is restricted too, and opts out the same way', () => {
    const chart = Testing.chart();
    new GpuSmokeTest(chart, 'gpu');
    const [pod] = synth(chart);
    expect(pod.spec.containers[0].securityContext).toEqual(restrictedContext(1000));
    expect(pod.spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
  });
});

describe('what Knative admits without feature flags, read from its CRDs', () => {
  const knativeCrd = (version: string) => {
    const crd = YAML.parse(fs.readFileSync(path.join(CRDS, `knative-serving-v${version}`, 'services.serving.knative.dev.yaml'), 'utf8'));
    return crd.spec.versions.find((v: any) => v.name === 'v1').schema.openAPIV3Schema.properties.spec.properties.template.properties.spec;
  };
  const flagged = (schema: any) => /feature flag/.test(schema?.description ?? '');

  test.each(['1.10.1', '1.21.1'])('Knative %s: every securityContext field we write is in the container schema and none is behind a flag', (version) => {
    const spec = knativeCrd(version);
    const containerContext = spec.properties.containers.items.properties.securityContext;
    const written = synth(reference(DeploymentMode.KNATIVE).chart);
    const contexts = [isvcSpec(written).predictor.model.securityContext, isvcSpec(written).transformer.containers[0].securityContext,
      only(written, 'Service').spec.template.spec.containers[0].securityContext];
    for (const ctx of contexts) {
      for (const key of Object.keys(ctx)) {
        expect(containerContext.properties).toHaveProperty(key);
        expect(flagged(containerContext.properties[key])).toBe(false);
      }
      // drop is open; add is what Knative gates (kubernetes.containerspec-addcapabilities).
      expect(flagged(containerContext.properties.capabilities.properties.drop)).toBe(false);
      expect(flagged(containerContext.properties.capabilities.properties.add)).toBe(true);
    }
    // Pod-level fields we write in Knative mode are open; the pod securityContext is the one we leave out.
    expect(flagged(spec.properties.automountServiceAccountToken)).toBe(false);
    expect(flagged(spec.properties.imagePullSecrets)).toBe(false);
    expect(flagged(spec.properties.securityContext)).toBe(true);
  });

  test('emptyDir carries a flag in the CRD text, but the flag is enabled by default in both releases', () => {
    // knative/serving pkg/apis/config/features.go, defaultFeaturesConfig(): PodSpecVolumesEmptyDir: Enabled
    // (kserve.md §3.3: "emptyDir volumes are enabled by default"). The CRD only documents that a flag exists.
    for (const version of ['1.10.1', '1.21.1']) {
      expect(flagged(knativeCrd(version).properties.volumes.items.properties.emptyDir)).toBe(true);
    }
  });
});

describe('API tokens and image pull secrets', () => {
  test('no API token is mounted by default, in either mode', () => {
    for (const mode of [DeploymentMode.KNATIVE, DeploymentMode.STANDARD]) {
      const objects = synth(reference(mode).chart);
      expect(isvcSpec(objects).predictor.automountServiceAccountToken).toBe(false);
      expect(isvcSpec(objects).transformer.automountServiceAccountToken).toBe(false);
      const dumper = objects.find(o => (o.kind === 'Service' && o.spec.template) || o.kind === 'Deployment');
      expect(dumper.spec.template.spec.automountServiceAccountToken).toBe(false);
    }
  });

  test('automountServiceAccountToken: true mounts it again', () => {
    const objects = synth(reference(DeploymentMode.KNATIVE, { automount: true }).chart);
    expect(isvcSpec(objects).predictor.automountServiceAccountToken).toBe(true);
    expect(only(objects, 'Service').spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  test('imagePullSecrets are written on every pod that pulls our images', () => {
    const objects = synth(reference(DeploymentMode.STANDARD, { pullSecrets: ['registry-login'] }).chart);
    const expected = [{ name: 'registry-login' }];
    expect(isvcSpec(objects).predictor.imagePullSecrets).toEqual(expected);
    expect(isvcSpec(objects).transformer.imagePullSecrets).toEqual(expected);
    expect(only(objects, 'Deployment').spec.template.spec.imagePullSecrets).toEqual(expected);
  });
});

describe('digest pinning', () => {
  const lock = {
    [IMAGE]: DIGEST,
    'nvcr.io/nvidia/tritonserver:24.08-py3': DIGEST,
    'example.com/display:1.0': DIGEST,
  };

  test('ImageDigests.pin writes image:tag@digest for every image in the lock, Triton\'s as the model image', () => {
    const app = Testing.app();
    ImageDigests.pin(app, lock, { require: true });
    const chart = new Chart(app, 'test');
    const dumper = new MessageDumper(chart, 'dumper', { image: 'example.com/display:1.0' });
    const predictor = new TritonPredictor(chart, 'predictor', { storage: PVC, runtimeVersion: '24.08-py3', logger: { sink: dumper } });
    const transformer = new PythonTransformer(chart, 'transformer', { image: IMAGE });
    new InferenceService(chart, 'isvc', { name: 'm', predictor, transformer });
    const objects = synth(chart);
    const spec = isvcSpec(objects);
    expect(spec.transformer.containers[0].image).toBe(`${IMAGE}@${DIGEST}`);
    expect(spec.predictor.model.image).toBe(`nvcr.io/nvidia/tritonserver:24.08-py3@${DIGEST}`);
    // The image replaces the runtime's; runtimeVersion would be ignored beside it.
    expect(spec.predictor.model.runtimeVersion).toBeUndefined();
    expect(only(objects, 'Service').spec.template.spec.containers[0].image).toBe(`example.com/display:1.0@${DIGEST}`);
    // Everything pinned: no image-digest error, and no nvcr.io tag-resolution warning (Knative needs none for a digest).
    expect(Validation.findings(chart).map(f => f.rule.id)).toEqual([]);
  });

  test('without a lock, or for images not in it, images are written as given', () => {
    const app = Testing.app();
    ImageDigests.pin(app, { 'other.example.com/x:1': DIGEST });
    const { chart } = reference(DeploymentMode.KNATIVE, {}, app);
    const spec = isvcSpec(synth(chart));
    expect(spec.transformer.containers[0].image).toBe(IMAGE);
    expect(spec.predictor.model.image).toBeUndefined();
  });

  test('the lock must be given before the constructs it pins', () => {
    const app = Testing.app();
    new Chart(app, 'test');
    expect(() => ImageDigests.pin(app, lock)).toThrow(/children/);
  });
});

describe('NetworkPolicies', () => {
  const policies = (objects: any[]) => Object.fromEntries(objects.filter(o => o.kind === 'NetworkPolicy').map(o => [o.metadata.name, o]));
  const nsPeer = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
  const podsPeer = (labels: Record<string, string>) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ml' } }, podSelector: { matchLabels: labels } });

  test('Standard mode: gateway to transformer, transformer to predictor, the InferenceService\'s agents to the dumper', () => {
    const { chart, isvc, dumper } = reference(DeploymentMode.STANDARD);
    new InferenceServiceNetworkPolicies(chart, 'netpol', { inferenceService: isvc, messageDumper: dumper, allowFromNamespaces: ['monitoring'] });
    const p = policies(synth(chart));
    expect(Object.keys(p)).toEqual(['m-transformer-ingress', 'm-predictor-ingress', 'message-dumper-from-m']);
    expect(p['m-transformer-ingress'].spec).toEqual({
      podSelector: { matchLabels: { 'serving.kserve.io/inferenceservice': 'm', 'component': 'transformer' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [nsPeer('istio-system'), nsPeer('monitoring')] }],
    });
    // Only the transformer (and monitoring): not the gateway.
    expect(p['m-predictor-ingress'].spec.ingress).toEqual([{ from: [podsPeer({ 'serving.kserve.io/inferenceservice': 'm', 'component': 'transformer' }), nsPeer('monitoring')] }]);
    expect(p['message-dumper-from-m'].spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'message-dumper', 'app.kubernetes.io/instance': 'message-dumper' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [podsPeer({ 'serving.kserve.io/inferenceservice': 'm' }), nsPeer('monitoring')] }],
    });
  });

  test('Knative mode: the gateway namespace and knative-serving are on every path, selected by Knative\'s labels', () => {
    const { chart, isvc, dumper } = reference(DeploymentMode.KNATIVE);
    new InferenceServiceNetworkPolicies(chart, 'netpol', { inferenceService: isvc, messageDumper: dumper });
    const p = policies(synth(chart));
    const path_ = [nsPeer('istio-system'), nsPeer('knative-serving')];
    expect(p['m-transformer-ingress'].spec.ingress).toEqual([{ from: path_ }]);
    expect(p['m-predictor-ingress'].spec.ingress).toEqual([{ from: [podsPeer({ 'serving.kserve.io/inferenceservice': 'm', 'component': 'transformer' }), ...path_] }]);
    expect(p['message-dumper-from-m'].spec.podSelector).toEqual({ matchLabels: { 'serving.knative.dev/service': 'message-dumper' } });
    expect(p['message-dumper-from-m'].spec.ingress).toEqual([{ from: [podsPeer({ 'serving.kserve.io/inferenceservice': 'm' }), ...path_] }]);
  });

  test('without a transformer the predictor admits the ingress path; Kourier\'s namespace when that is the gateway', () => {
    const chart = Testing.chart();
    const isvc = new InferenceService(chart, 'm', { predictor: new TritonPredictor(chart, 'p', { storage: PVC }), ingressGateway: IngressGateway.KOURIER });
    new InferenceServiceNetworkPolicies(chart, 'netpol', { inferenceService: isvc });
    const p = policies(synth(chart));
    expect(Object.keys(p)).toEqual(['m-predictor-ingress']);
    expect(p['m-predictor-ingress'].spec.ingress).toEqual([{ from: [nsPeer('kourier-system'), nsPeer('knative-serving')] }]);
  });

  test('InferenceServiceChart writes them with networkPolicies: {}, and none without', () => {
    const withPolicies = new InferenceServiceChart(Testing.app(), 'iris', { modelUri: 'pvc://m/iris', transformer: { image: IMAGE }, networkPolicies: {} });
    Validation.suppress(withPolicies, 'ngc-tag-resolution', 'not tested here');
    expect(Object.keys(policies(synth(withPolicies)))).toEqual(['iris-transformer-ingress', 'iris-predictor-ingress', 'message-dumper-from-iris']);
    const without = new InferenceServiceChart(Testing.app(), 'iris', { modelUri: 'pvc://m/iris' });
    Validation.suppress(without, 'ngc-tag-resolution', 'not tested here');
    expect(policies(synth(without))).toEqual({});
  });
});
