import { Duration } from 'cdk8s';
import {
  argoCdSyncWaves, AzureAuthentication, AzureBlobCreds, AzureCredentials, InferenceService, KServeVersion, ModelStorage, PLAINTEXT_OPT_IN_ANNOTATION,
  SealedSecretScope, SecretStoreKind, TritonPredictor,
} from '../lib';
import { CANARY_ENVIRONMENT, fakeSealedValue } from './secrets';
import { newChart, only, synth } from './util';

const SP_ENV = CANARY_ENVIRONMENT;

/** A chart with credentials used by an InferenceService of the same version. */
function chartWith(credentials: AzureCredentials, kserveVersion = KServeVersion.V0_20) {
  const chart = newChart('ml');
  const creds = new AzureBlobCreds(chart, 'creds', { credentials, kserveVersion });
  const predictor = new TritonPredictor(chart, 'predictor', {
    storage: ModelStorage.azureBlob({ account: 'acct', container: 'models', path: 'repo', credentials: creds }),
  });
  new InferenceService(chart, 'm', { predictor, kserveVersion });
  return { chart, creds };
}

describe('AzureBlobCreds', () => {
  test('by default references an existing Secret and emits only a ServiceAccount', () => {
    const chart = newChart();
    new AzureBlobCreds(chart, 'creds');
    const objects = synth(chart);
    expect(objects).toEqual([{
      apiVersion: 'v1', kind: 'ServiceAccount',
      metadata: { name: 'kserve-azure-blob', namespace: 'default' },
      secrets: [{ name: 'kserve-azure-blob' }],
      // The predictor pods need no Kubernetes API token.
      automountServiceAccountToken: false,
    }]);
  });

  test('existing Secret by name: no secret value anywhere in the output', () => {
    const { chart } = chartWith(AzureCredentials.existingSecret('azcreds'));
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).toEqual(['ServiceAccount', 'InferenceService']);
    expect(only(objects, 'ServiceAccount').secrets).toEqual([{ name: 'azcreds' }]);
    expect(only(objects, 'InferenceService').spec.predictor.serviceAccountName).toBe('kserve-azure-blob');
  });

  test.each([
    [KServeVersion.V0_11, ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']],
    [KServeVersion.V0_15, ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']],
    [KServeVersion.V0_16, ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']],
    [KServeVersion.V0_20, ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']],
  ])('secret from environment for KServe %s has exactly the keys it needs', (version, keys) => {
    const { chart } = chartWith(AzureCredentials.secretFromEnvironment({ environment: SP_ENV }), version);
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).toEqual(['Secret', 'ServiceAccount', 'InferenceService']);
    const secret = only(objects, 'Secret');
    expect(Object.keys(secret.stringData).sort()).toEqual([...keys].sort());
    expect(secret.stringData.AZURE_CLIENT_SECRET).toBe(CANARY_ENVIRONMENT.AZURE_CLIENT_SECRET);
    expect(secret).toMatchObject({ type: 'Opaque', metadata: { name: 'kserve-azure-blob', namespace: 'ml' } });
    // The opt-in is on the object, for the secret scanner and for reviewers.
    expect(secret.metadata.annotations[PLAINTEXT_OPT_IN_ANNOTATION]).toBe('test/creds');
    expect(only(objects, 'ServiceAccount').secrets).toEqual([{ name: 'kserve-azure-blob' }]);
  });

  test('secret from environment with an account key has only AZURE_STORAGE_ACCESS_KEY', () => {
    const { chart } = chartWith(AzureCredentials.secretFromEnvironment({
      authentication: AzureAuthentication.ACCOUNT_KEY, secretName: 'blob-key', environment: CANARY_ENVIRONMENT,
    }));
    const secret = only(synth(chart), 'Secret');
    expect(secret.stringData).toEqual({ AZURE_STORAGE_ACCESS_KEY: CANARY_ENVIRONMENT.AZURE_STORAGE_ACCESS_KEY });
    expect(secret.metadata.name).toBe('blob-key');
  });

  test('workload identity: annotated ServiceAccount, labelled predictor pods, no Secret', () => {
    const { chart } = chartWith(AzureCredentials.workloadIdentity({ clientId: 'abc-123', tenantId: 'tenant' }));
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).toEqual(['ServiceAccount', 'InferenceService']);
    const sa = only(objects, 'ServiceAccount');
    expect(sa.secrets).toBeUndefined();
    expect(sa.metadata.annotations).toEqual({
      'azure.workload.identity/client-id': 'abc-123', 'azure.workload.identity/tenant-id': 'tenant',
    });
    expect(only(objects, 'InferenceService').spec.predictor.labels).toEqual({ 'azure.workload.identity/use': 'true' });
  });


  test.each([
    [KServeVersion.V0_11, ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']],
    [KServeVersion.V0_20, ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']],
  ])('ExternalSecret for KServe %s: one vault entry per key the version needs, into a Secret the ServiceAccount lists', (version, keys) => {
    const { chart } = chartWith(AzureCredentials.externalSecret({ storeName: 'azure-kv', vaultSecrets: { AZURE_CLIENT_SECRET: 'kserve-sp-secret' } }), version);
    const objects = synth(chart);
    // The ExternalSecret first: in a single kubectl apply, and as the ServiceAccount's dependency.
    expect(objects.map(o => o.kind)).toEqual(['ExternalSecret', 'ServiceAccount', 'InferenceService']);
    const es = only(objects, 'ExternalSecret');
    expect(es).toEqual({
      apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret',
      metadata: { name: 'kserve-azure-blob', namespace: 'ml' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'SecretStore', name: 'azure-kv' },
        target: { name: 'kserve-azure-blob', creationPolicy: 'Owner', template: { type: 'Opaque' } },
        data: keys.map(k => ({ secretKey: k, remoteRef: { key: k === 'AZURE_CLIENT_SECRET' ? 'kserve-sp-secret' : k.toLowerCase().replace(/_/g, '-') } })),
      },
    });
    expect(only(objects, 'ServiceAccount').secrets).toEqual([{ name: 'kserve-azure-blob' }]);
    expect(objects.some(o => o.kind === 'Secret')).toBe(false);
  });

  test('ExternalSecret from a ClusterSecretStore, an account key, its own Secret name and refresh interval', () => {
    const { chart } = chartWith(AzureCredentials.externalSecret({
      storeName: 'vault', storeKind: SecretStoreKind.CLUSTER_SECRET_STORE, authentication: AzureAuthentication.ACCOUNT_KEY,
      secretName: 'blob-key', refreshInterval: Duration.minutes(30),
    }));
    const objects = synth(chart);
    const es = only(objects, 'ExternalSecret');
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
    expect(es.spec.refreshInterval).toBe('30m');
    expect(es.spec.data).toEqual([{ secretKey: 'AZURE_STORAGE_ACCESS_KEY', remoteRef: { key: 'azure-storage-access-key' } }]);
    expect(es.spec.target.name).toBe('blob-key');
    expect(only(objects, 'ServiceAccount').secrets).toEqual([{ name: 'blob-key' }]);
  });

  test('SealedSecret: the kubeseal output as given, the Secret template, and the scope annotation', () => {
    const encryptedData = Object.fromEntries(['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'].map(k => [k, fakeSealedValue(k)]));
    const { chart } = chartWith(AzureCredentials.sealedSecret({ encryptedData, scope: SealedSecretScope.NAMESPACE_WIDE }));
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).toEqual(['SealedSecret', 'ServiceAccount', 'InferenceService']);
    expect(only(objects, 'SealedSecret')).toEqual({
      apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret',
      metadata: {
        name: 'kserve-azure-blob', namespace: 'ml',
        annotations: { 'sealedsecrets.bitnami.com/namespace-wide': 'true' },
      },
      spec: { encryptedData, template: { metadata: { name: 'kserve-azure-blob', namespace: 'ml' }, type: 'Opaque' } },
    });
  });

  test('SealedSecret with the default strict scope has no scope annotation', () => {
    const encryptedData = { AZURE_STORAGE_ACCESS_KEY: fakeSealedValue('key') };
    const { chart } = chartWith(AzureCredentials.sealedSecret({ encryptedData, authentication: AzureAuthentication.ACCOUNT_KEY, secretName: 'blob-key' }));
    const sealed = only(synth(chart), 'SealedSecret');
    expect(sealed.metadata.annotations).toBeUndefined();
    expect(sealed.spec.template.metadata.name).toBe('blob-key');
  });

  test.each([
    ['existing Secret', AzureCredentials.existingSecret('azcreds'), ['ServiceAccount']],
    ['ExternalSecret', AzureCredentials.externalSecret({ storeName: 'azure-kv' }), ['ExternalSecret', 'ServiceAccount']],
    ['SealedSecret', AzureCredentials.sealedSecret({ encryptedData: { AZURE_STORAGE_ACCESS_KEY: fakeSealedValue('key') }, authentication: AzureAuthentication.ACCOUNT_KEY, scope: SealedSecretScope.CLUSTER_WIDE }), ['SealedSecret', 'ServiceAccount']],
    ['workload identity', AzureCredentials.workloadIdentity({ clientId: 'abc-123' }), ['ServiceAccount']],
  ] as const)('argoCdSyncWaves, %s: the credentials objects in wave -1, keeping their own annotations; nothing else', (_, credentials, waved) => {
    const { chart } = chartWith(credentials);
    const before = synth(chart);
    argoCdSyncWaves(chart);
    const after = synth(chart);
    expect(after.filter(o => o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] === '-1').map(o => o.kind)).toEqual(waved);
    // Only the wave is added: every other field of every object is as it was.
    const withoutWave = (o: any) => {
      const { ['argocd.argoproj.io/sync-wave']: _wave, ...rest } = o.metadata.annotations ?? {};
      return { ...o, metadata: { ...o.metadata, annotations: Object.keys(rest).length ? rest : undefined } };
    };
    const normalize = (o: any) => JSON.parse(JSON.stringify({ ...o, metadata: { ...o.metadata, annotations: o.metadata.annotations && Object.keys(o.metadata.annotations).length ? o.metadata.annotations : undefined } }));
    expect(after.map(withoutWave).map(normalize)).toEqual(before.map(normalize));
  });
});
