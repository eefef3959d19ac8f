import { Testing } from 'cdk8s';
import { AzureCredentials, InferenceServiceChart, KServeVersion, LoggerMode } from '../lib';
import { synth } from './util';
import { CANARY_ENVIRONMENT } from './secrets';

describe('InferenceServiceChart', () => {
  test('minimal props: model URI, logging on, objects in apply order', () => {
    const chart = new InferenceServiceChart(Testing.app(), 'iris', { modelUri: 'gs://bucket/iris' });
    const objects = synth(chart);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/message-dumper', 'InferenceService/iris']);
    expect(objects).toMatchSnapshot();
  });

  test('azureBlob creates the ServiceAccount; a created Secret comes first', () => {
    const chart = new InferenceServiceChart(Testing.app(), 'bert', {
      namespace: 'nlp',
      kserveVersion: KServeVersion.V0_15,
      azureBlob: {
        account: 'acct', container: 'models', path: 'bert',
        credentials: AzureCredentials.secretFromEnvironment({ environment: CANARY_ENVIRONMENT }),
      },
      transformer: { image: 'example.com/bert-pre:2.1' },
      logging: { mode: LoggerMode.REQUEST, messageDumper: { name: 'bert-events' } },
    });
    const objects = synth(chart);
    expect(objects.map(o => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'Secret/nlp/bert-azure-blob', 'ServiceAccount/nlp/bert-azure-blob', 'Service/nlp/bert-events', 'InferenceService/nlp/bert',
    ]);
    const isvc = objects[3];
    expect(isvc.spec.transformer.logger).toEqual({ url: 'http://bert-events.nlp.svc.cluster.local', mode: 'request', metadataHeaders: ['X-Request-Id'] });
  });

  test('logging can be disabled', () => {
    const chart = new InferenceServiceChart(Testing.app(), 'iris', { modelUri: 'gs://bucket/iris', logging: { enabled: false } });
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).toEqual(['InferenceService']);
    expect(objects[0].spec.predictor.logger).toBeUndefined();
  });

  test('writes one file named after the chart id', () => {
    const app = Testing.app();
    new InferenceServiceChart(app, 'iris', { modelUri: 'gs://bucket/iris' });
    app.synth();
    expect(require('fs').readdirSync(app.outdir)).toEqual(['iris.k8s.yaml']);
  });

});
