import { AzureAuthentication, AzureBlobCreds, AzureCredentials, InferenceService, KServeVersion, ModelStorage, TritonPredictor } from '../lib';
import { newChart, only, synth } from './util';

const SP_ENV = {
  AZURE_SUBSCRIPTION_ID: 'sub-id', AZURE_TENANT_ID: 'tenant-id', AZURE_CLIENT_ID: 'client-id', AZURE_CLIENT_SECRET: 's3cr3t',
};

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
      // Argo CD applies wave -1 (credentials) before the InferenceService.
      metadata: { name: 'kserve-azure-blob', namespace: 'default', annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
      secrets: [{ name: 'kserve-azure-blob' }],
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
    expect(secret.stringData.AZURE_CLIENT_SECRET).toBe('s3cr3t');
    expect(secret).toMatchObject({ type: 'Opaque', metadata: { name: 'kserve-azure-blob', namespace: 'ml' } });
    expect(only(objects, 'ServiceAccount').secrets).toEqual([{ name: 'kserve-azure-blob' }]);
  });

  test('secret from environment with an account key has only AZURE_STORAGE_ACCESS_KEY', () => {
    const { chart } = chartWith(AzureCredentials.secretFromEnvironment({
      authentication: AzureAuthentication.ACCOUNT_KEY, secretName: 'blob-key', environment: { AZURE_STORAGE_ACCESS_KEY: 'k3y' },
    }));
    const secret = only(synth(chart), 'Secret');
    expect(secret.stringData).toEqual({ AZURE_STORAGE_ACCESS_KEY: 'k3y' });
    expect(secret.metadata.name).toBe('blob-key');
  });

  test('workload identity: annotated ServiceAccount, labelled predictor pods, no Secret', () => {
    const { chart } = chartWith(AzureCredentials.workloadIdentity({ clientId: 'abc-123', tenantId: 'tenant' }));
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).toEqual(['ServiceAccount', 'InferenceService']);
    const sa = only(objects, 'ServiceAccount');
    expect(sa.secrets).toBeUndefined();
    expect(sa.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '-1',
      'azure.workload.identity/client-id': 'abc-123', 'azure.workload.identity/tenant-id': 'tenant',
    });
    expect(only(objects, 'InferenceService').spec.predictor.labels).toEqual({ 'azure.workload.identity/use': 'true' });
  });

});
