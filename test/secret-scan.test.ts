/**
 * The secret scanner (test/secrets.ts) and the credential sources end to end: what reaches the
 * files a synth writes. The scanner also runs over everything the whole test run wrote, at the
 * end of `npm test` (test/global-teardown.ts).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import {
  AzureAuthentication, AzureBlobCreds, AzureCredentials, InferenceService, ModelStorage, PLAINTEXT_OPT_IN_ANNOTATION, synthToDirectory,
  TritonPredictor, Validation,
} from '../lib';
import { CANARY_ENVIRONMENT, fakeSealedValue, scanFile, scanForSecrets } from './secrets';

const ROOT = path.resolve(__dirname, '..');
const run = promisify(execFile);

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-scan-'));
}

/** An app with an InferenceService reading Azure Blob with `credentials`, synthesized into a fresh folder. */
function synthWith(credentials: AzureCredentials, patch?: (isvc: ApiObject) => void): { dir: string; warnings: string[] } {
  const dir = path.join(scratch(), 'dist');
  const result = synthToDirectory(props => {
    const app = new App(props);
    const chart = new Chart(app, 'model', { namespace: 'ml' });
    const creds = new AzureBlobCreds(chart, 'creds', { credentials });
    const predictor = new TritonPredictor(chart, 'predictor', { storage: ModelStorage.azureBlob({ account: 'acct', container: 'models', path: 'triton', credentials: creds }) });
    const isvc = new InferenceService(chart, 'm', { predictor });
    Validation.suppress(chart, 'ngc-tag-resolution', 'not tested here');
    patch?.(ApiObject.of(isvc));
    return app;
  }, dir);
  return { dir, warnings: result.warningLines };
}

describe('the scanner', () => {
  test('this run\'s temporary files are all under the folder the scanner walks at the end', () => {
    const root = process.env.CDK8S_KSERVE_TEST_TMP;
    expect(root).toBeDefined();
    expect(os.tmpdir()).toBe(root);
  });

  test('finds a canary as is and base64-encoded (Secret data), in any file', () => {
    const secret = CANARY_ENVIRONMENT.AZURE_TENANT_ID;
    expect(scanFile('ENDPOINTS.md', `curl -H "x-tenant: ${secret}"`).map(l => l.what)).toEqual(['canary AZURE_TENANT_ID']);
    expect(scanFile('report.json', JSON.stringify({ token: Buffer.from(secret).toString('base64') })).map(l => l.what)).toEqual(['canary AZURE_TENANT_ID']);
    // The client secret canary has the shape of a real one, so the shape detector sees it too.
    expect(scanFile('plan.jmx', `<stringProp>${CANARY_ENVIRONMENT.AZURE_CLIENT_SECRET}</stringProp>`).map(l => l.what))
      .toEqual(['canary AZURE_CLIENT_SECRET', 'Entra ID client secret']);
  });

  test('finds credentials no test planted by their shape', () => {
    const clientSecret = `Xyz7Q~${'a1B2c3D4e5'.repeat(3)}AbCd`;
    const accountKey = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37) % 256)).toString('base64');
    expect(scanFile('a.txt', `secret=${clientSecret}`).map(l => l.what)).toEqual(['Entra ID client secret']);
    expect(scanFile('b.txt', `key: ${accountKey}\n`).map(l => l.what)).toEqual(['storage account key']);
    // The same length as npm's sha512 integrity hashes, which are not secrets.
    expect(scanFile('package-lock.json', `"integrity": "sha512-${accountKey}"`)).toEqual([]);
    expect(scanFile('c.txt', 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abcdefghijklmnopqrstuvwxyz0123==').map(l => l.what)).toEqual(['storage connection string']);
    expect(scanFile('d.txt', 'https://a.blob.core.windows.net/m/x?sv=2022-11-02&sig=AbCdEfGhIjKlMnOpQrStUv%3D').map(l => l.what)).toEqual(['SAS signature']);
    expect(scanFile('e.txt', '-----BEGIN RSA PRIVATE KEY-----').map(l => l.what)).toEqual(['private key']);
    // kubeseal output is not a credential.
    expect(scanFile('f.yaml', `kind: SealedSecret\nspec:\n  encryptedData:\n    K: ${fakeSealedValue('k')}\n`)).toEqual([]);
  });

  test('a Secret may hold values only with the opt-in annotation; other objects in the same file never', () => {
    const secret = (annotated: boolean) => [
      'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: s',
      ...annotated ? ['  annotations:', `    ${PLAINTEXT_OPT_IN_ANNOTATION}: test/creds`] : [],
      'stringData:', `  AZURE_CLIENT_ID: ${CANARY_ENVIRONMENT.AZURE_CLIENT_ID}`,
    ].join('\n');
    expect(scanFile('ok.k8s.yaml', secret(true))).toEqual([]);
    expect(scanFile('bad.k8s.yaml', secret(false)).map(l => l.what)).toEqual([
      'Secret /s with values but without the cdk8s-kserve.io/plaintext-opt-in annotation', 'canary AZURE_CLIENT_ID']);
    const leakBeside = `${secret(true)}\n---\nkind: ConfigMap\ndata:\n  id: ${CANARY_ENVIRONMENT.AZURE_CLIENT_ID}\n`;
    expect(scanFile('mixed.k8s.yaml', leakBeside).map(l => l.what)).toEqual(['canary AZURE_CLIENT_ID']);
    // A Secret in flow style or with the kind quoted is still read as a Secret, not as plain text.
    const flow = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'f' }, data: { K: 'eA==' } });
    expect(scanFile('flow.yaml', flow).map(l => l.what)).toEqual(['Secret /f with values but without the cdk8s-kserve.io/plaintext-opt-in annotation']);
    expect(scanFile('quoted.yaml', secret(false).replace('kind: Secret', "'kind': 'Secret'")).map(l => l.what)).toEqual([
      'Secret /s with values but without the cdk8s-kserve.io/plaintext-opt-in annotation', 'canary AZURE_CLIENT_ID']);
  });

  test('the committed dist/ is clean', () => {
    expect(scanForSecrets([path.join(ROOT, 'dist')])).toEqual([]);
  });
});

describe('what each credential source writes', () => {
  test('existingSecret, externalSecret and sealedSecret write no secret value; every file is scanned', () => {
    const sealed = Object.fromEntries(['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'].map(k => [k, fakeSealedValue(k)]));
    for (const credentials of [
      AzureCredentials.existingSecret('azure-blob'),
      AzureCredentials.externalSecret({ storeName: 'azure-kv' }),
      AzureCredentials.sealedSecret({ encryptedData: sealed }),
    ]) {
      const { dir, warnings } = synthWith(credentials);
      const written = fs.readdirSync(dir, { recursive: true }) as string[];
      expect(written).toEqual(expect.arrayContaining(['model.k8s.yaml', 'kustomization.yaml', 'ENDPOINTS.md']));
      expect(scanForSecrets([dir])).toEqual([]);
      expect(warnings).toEqual([]);
    }
  });

  test('the plaintext opt-in passes the scanner and warns; the same value anywhere else fails it', () => {
    const optIn = AzureCredentials.secretFromEnvironment({ environment: CANARY_ENVIRONMENT, authentication: AzureAuthentication.SERVICE_PRINCIPAL });
    const clean = synthWith(optIn);
    expect(fs.readFileSync(path.join(clean.dir, 'model.k8s.yaml'), 'utf8')).toContain(CANARY_ENVIRONMENT.AZURE_CLIENT_SECRET);
    expect(scanForSecrets([clean.dir])).toEqual([]);
    expect(clean.warnings.map(w => /\[([a-z-]+)\]/.exec(w)![1])).toEqual(['plaintext-secret']);

    // A user copies the secret into an env var through the escape hatch: the scanner catches it.
    const leaked = synthWith(optIn, isvc => isvc.addJsonPatch(JsonPatch.add('/spec/predictor/model/env',
      [{ name: 'AZURE_CLIENT_SECRET', value: CANARY_ENVIRONMENT.AZURE_CLIENT_SECRET }])));
    try {
      expect(scanForSecrets([leaked.dir]).map(l => `${path.basename(l.file)}: ${l.what}`)).toEqual([
        'model.k8s.yaml: canary AZURE_CLIENT_SECRET', 'model.k8s.yaml: Entra ID client secret']);
    } finally {
      // The one leak planted on purpose; the end-of-run scan must not see it.
      fs.rmSync(path.dirname(leaked.dir), { recursive: true, force: true });
    }
  });

  test('main() prints the opt-in warning on every synth, and strict mode does not fail on it', async () => {
    const dir = scratch();
    const script = path.join(dir, 'app.ts');
    fs.writeFileSync(script, [
      `import { App, Chart } from 'cdk8s';`,
      `import { AzureBlobCreds, AzureCredentials, main } from ${JSON.stringify(path.join(ROOT, 'lib'))};`,
      'main(props => {',
      '  const app = new App(props);',
      `  new AzureBlobCreds(new Chart(app, 'creds'), 'creds', { credentials: AzureCredentials.secretFromEnvironment() });`,
      '  return app;',
      '});',
    ].join('\n'));
    // The script lives outside the checkout: resolve cdk8s from it.
    const env = { ...process.env, ...CANARY_ENVIRONMENT, CDK8S_OUTDIR: path.join(dir, 'dist'), NODE_PATH: path.join(ROOT, 'node_modules') };
    for (let i = 0; i < 2; i++) {
      const { stderr } = await run(process.execPath, ['--import', 'tsx', script, '--strict'], { cwd: ROOT, env });
      expect(stderr).toContain('creds/creds: warning [plaintext-secret] credentials ("AzureCredentials.secretFromEnvironment()") writes the values of');
    }
    expect(scanForSecrets([path.join(dir, 'dist')])).toEqual([]);
  }, 60_000);
});
