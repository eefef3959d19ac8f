/**
 * The Azure prefix overlap check looks prefixes up in a sorted index of the app instead of
 * comparing every InferenceService with every other one: it must report exactly what the
 * pairwise comparison reports (KServe downloads every blob whose name starts with the path).
 */
import * as fc from 'fast-check';
import { Chart, Testing } from 'cdk8s';
import { AzureBlobCreds, AzureCredentials, InferenceService, ModelStorage, TritonPredictor, Validation } from '../lib';

describe('azure-prefix-overlap on a fleet', () => {
  test('the same findings as comparing every pair, for random folder names', () => {
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[ab]{1,4}$/), { minLength: 2, maxLength: 25 }), folders => {
      const app = Testing.app();
      const chart = new Chart(app, 'fleet', { namespace: 'ml' });
      const credentials = new AzureBlobCreds(chart, 'creds', { credentials: AzureCredentials.existingSecret('s') });
      folders.forEach((folder, i) => {
        const predictor = new TritonPredictor(chart, `p${i}`, { storage: ModelStorage.azureBlob({ account: 'acct', container: 'models', path: `m/${folder}`, credentials }) });
        new InferenceService(chart, `m${i}`, { predictor });
      });
      const found = Validation.findings(app).filter(f => f.rule.id === 'azure-prefix-overlap').map(f => `${f.path} ${f.value} ${f.expected.split(' (')[0]}`);
      const expected = folders.flatMap((own, i) => folders.flatMap((other, j) =>
        i !== j && own !== other && other.startsWith(own) ? [`fleet/p${i} m/${own} also matches m/${other}`] : []));
      expect(found.sort()).toEqual(expected.sort());
    }), { numRuns: 40 });
  });
});
