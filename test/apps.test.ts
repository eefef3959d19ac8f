import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { formatFinding, KServeVersion, Validation } from '../lib';
import { buildApp } from '../apps/main';
import { only, synth } from './util';

const APPS = path.resolve(__dirname, '..', 'apps');

function charts(app: App): Chart[] {
  return app.node.children.filter((c): c is Chart => c instanceof Chart);
}

describe('every app in apps/', () => {
  const files = fs.readdirSync(APPS).filter(f => f.endsWith('.ts'));

  test.each(files)('%s synthesizes schema-valid output matching its snapshot', file => {
    const mod = require(path.join(APPS, file));
    expect(typeof mod.buildApp).toBe('function');
    const app: App = mod.buildApp();
    const output = Object.fromEntries(charts(app).map(c => [c.node.id, synth(c)]));
    expect(Object.keys(output).length).toBeGreaterThan(0);
    expect(output).toMatchSnapshot();
  });
});

describe('reference app (apps/main.ts)', () => {
  const objects = synth(charts(buildApp())[0]);
  const isvc = only(objects, 'InferenceService');
  const sa = only(objects, 'ServiceAccount');
  const dumper = only(objects, 'Service');

  test('emits ServiceAccount, then message dumper, then InferenceService, and no Secret', () => {
    expect(objects.map(o => o.kind)).toEqual(['ServiceAccount', 'Service', 'InferenceService']);
  });

  test('InferenceService test in default, Knative mode spelled for 0.20', () => {
    expect(isvc.metadata).toMatchObject({ name: 'test', namespace: 'default' });
    expect(isvc.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Knative');
  });

  test('Triton predictor: v2, Azure Blob URI, one GPU, requests equal to limits', () => {
    const p = isvc.spec.predictor;
    expect(p.model.modelFormat).toEqual({ name: 'triton' });
    expect(p.model.protocolVersion).toBe('v2');
    expect(p.model.storageUri).toMatch(/^https:\/\/[a-z0-9]+\.blob\.core\.windows\.net\/[a-z0-9-]+\/.+\/$/);
    expect(p.model.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(p.model.resources.requests.cpu).toBe(p.model.resources.limits.cpu);
    expect(p.model.resources.requests.memory).toBe(p.model.resources.limits.memory);
    expect(p).toMatchObject({ minReplicas: 1, maxReplicas: 3, scaleMetric: 'concurrency', scaleTarget: 4 });
  });

  test('predictor runs under the ServiceAccount that lists the credentials Secret', () => {
    expect(isvc.spec.predictor.serviceAccountName).toBe(sa.metadata.name);
    expect(sa.secrets).toEqual([{ name: 'test-azure-blob' }]);
    expect(sa.metadata.namespace).toBe(isvc.metadata.namespace);
  });

  test('transformer: one kserve-container talking v2 to the predictor', () => {
    const containers = isvc.spec.transformer.containers;
    expect(containers).toHaveLength(1);
    expect(containers[0].name).toBe('kserve-container');
    expect(containers[0].args).toEqual(['--protocol', 'v2', '--predictor_protocol', 'v2']);
  });

  test('both components log everything to the message dumper, by its derived URL', () => {
    const url = `http://${dumper.metadata.name}.${dumper.metadata.namespace}.svc.cluster.local`;
    // X-Request-Id in both hops' events (kserve v0.20.0 pkg/logger/handler.go:133-137): the id the transformer forwards.
    expect(isvc.spec.predictor.logger).toEqual({ mode: 'all', url, metadataHeaders: ['X-Request-Id'] });
    expect(isvc.spec.transformer.logger).toEqual({ mode: 'all', url, metadataHeaders: ['X-Request-Id'] });
  });

  test('message dumper: pinned event_display image, cluster-local, kept warm', () => {
    const c = dumper.spec.template.spec.containers[0];
    expect(c.image).toMatch(/event_display(@sha256:[0-9a-f]{64}|:[\w.-]+)$/);
    expect(dumper.metadata.labels['networking.knative.dev/visibility']).toBe('cluster-local');
    expect(dumper.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']).toBe('1');
  });
});

describe('reference app for KServe 0.11', () => {
  const objects = synth(charts(buildApp({}, { kserveVersion: KServeVersion.V0_11 }))[0]);
  const isvc = only(objects, 'InferenceService');

  test('is valid against the 0.11.2 and Knative 1.10.1 CRDs and matches its snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('spells the deployment mode Serverless and adds no modelFormat annotation', () => {
    expect(isvc.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Serverless' });
  });

  test('passes Knative 1.10.1\'s mount-path admission, which KServe 0.11 installs: no volume at a reserved path', () => {
    // knative/serving knative-v1.10.1 pkg/apis/serving/k8s_validation.go:43-50 (reservedPaths), checked with
    // path.Clean for every container at :668-672 ("mountPath \"/tmp\" is a reserved path").
    const reserved = ['/', '/dev', '/dev/log', '/tmp', '/var', '/var/log'];
    const dumper = only(objects, 'Service');
    const mounts: string[] = [
      ...isvc.spec.predictor.model.volumeMounts, ...isvc.spec.transformer.containers.flatMap((c: any) => c.volumeMounts ?? []),
      ...dumper.spec.template.spec.containers.flatMap((c: any) => c.volumeMounts ?? []),
    ].map((m: any) => path.posix.normalize(m.mountPath).replace(/(.)\/+$/, '$1'));
    expect(mounts.length).toBeGreaterThan(0);
    expect(mounts.filter(m => reserved.includes(m))).toEqual([]);
    // Python's tempfile and Triton still get a writable temporary directory.
    expect(isvc.spec.transformer.containers[0].env).toContainEqual({ name: 'TMPDIR', value: '/scratch' });
    expect(isvc.spec.predictor.model.env).toContainEqual({ name: 'TMPDIR', value: '/scratch' });
    const app = buildApp({}, { kserveVersion: KServeVersion.V0_11 });
    expect(Validation.findings(app).filter(f => f.rule.severity === 'error').map(formatFinding)).toEqual([]);
  });
});
