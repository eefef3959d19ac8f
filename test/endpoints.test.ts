/**
 * ENDPOINTS.md and example_inputs/: hosts for each version, mode and domain (kserve.md §7), the
 * copy-paste commands run for real against a v2 server on 127.0.0.1, and the Mermaid diagram
 * drawn from the construct tree.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps } from 'cdk8s';
import {
  AzureCredentials, checkDirectory, checkInferenceRequest, DeploymentMode, endpointsOf, InferenceService, InferenceServiceChart, InferenceServiceChartProps,
  IngressGateway, KServeVersion, mermaidDiagram, RolloutStage, synthToDirectory, V2Datatype,
} from '../lib';
import { endpointsSection, EVENTS_WITH_ID, exampleInputsOf } from '../lib/output/endpoints';
import { APPS, buildApp } from '../apps/main';
import { startV2Server, V2Server } from './v2-server';

const ROOT = path.resolve(__dirname, '..');
const SIGNATURE = { inputs: [{ name: 'INPUT__0', datatype: V2Datatype.FP32, shape: [-1, 4] }] };

function isvcOf(props: InferenceServiceChartProps, id = 'iris'): InferenceService {
  const chart = new InferenceServiceChart(new App(), id, props);
  return chart.inferenceService;
}

function hosts(isvc: InferenceService): Record<string, [string | undefined, string | undefined]> {
  return Object.fromEntries(endpointsOf(isvc).components.map(c => [c.role, [c.host, c.internalUrl]]));
}

describe('hosts and URLs', () => {
  test('Knative mode: <name>.<ns>.<domain>, component hosts <name>-<component>.<ns>.<domain>', () => {
    for (const kserveVersion of [KServeVersion.V0_11, KServeVersion.V0_20]) {
      const isvc = isvcOf({ namespace: 'ml', kserveVersion, modelUri: 'pvc://m/iris', transformer: { image: 'x:1' } });
      expect(hosts(isvc)).toEqual({
        'InferenceService': ['iris.ml.example.com', 'http://iris.ml.svc.cluster.local'],
        'transformer': ['iris-transformer.ml.example.com', 'http://iris-transformer.ml.svc.cluster.local'],
        'predictor': ['iris-predictor.ml.example.com', 'http://iris-predictor.ml.svc.cluster.local'],
      });
    }
  });

  test('Standard mode: KServe\'s default domain template <object>-<ns>.<domain>; named predictor and canary (0.20)', () => {
    const isvc = isvcOf({
      namespace: 'ml', deploymentMode: DeploymentMode.STANDARD, ingressDomain: 'models.acme.org', modelUri: 'pvc://m/iris-v1',
      predictor: { name: 'v1', maxReplicas: 2 },
      rollout: { candidate: { name: 'v2', modelUri: 'pvc://m/iris-v2' }, stage: RolloutStage.canary(10) },
    });
    expect(hosts(isvc)).toEqual({
      'InferenceService': ['iris-ml.models.acme.org', 'http://iris-v1-predictor.ml.svc.cluster.local'],
      'predictor': ['iris-v1-predictor-ml.models.acme.org', 'http://iris-v1-predictor.ml.svc.cluster.local'],
      // No Ingress rule for a 0.20 canary: in-cluster only (kserve v0.20.0 kube_ingress_reconciler.go:236-313 has no canary rule).
      'canary': [undefined, 'http://iris-v2-predictor.ml.svc.cluster.local'],
    });
  });

  test('Standard mode with a transformer: the transformer is reached through the InferenceService host, not <isvc>-transformer-<ns>', () => {
    // kserve v0.20.0 (and v0.11.2 :198) pkg/controller/v1beta1/inferenceservice/reconcilers/ingress/kube_ingress_reconciler.go:278
    // routes the transformer host to the predictor Service; the top-level host goes to the transformer (:277).
    for (const kserveVersion of [KServeVersion.V0_11, KServeVersion.V0_20]) {
      const isvc = isvcOf({ namespace: 'ml', kserveVersion, deploymentMode: DeploymentMode.STANDARD, modelUri: 'pvc://m/iris', transformer: { image: 'x:1' } });
      expect(hosts(isvc)).toEqual({
        'InferenceService': ['iris-ml.example.com', 'http://iris-transformer.ml.svc.cluster.local'],
        'transformer': ['iris-ml.example.com', 'http://iris-transformer.ml.svc.cluster.local'],
        'predictor': ['iris-predictor-ml.example.com', 'http://iris-predictor.ml.svc.cluster.local'],
      });
      const section = endpointsSection(isvc, exampleInputsOf(isvc), 'iris.k8s.yaml');
      expect(section).toContain('`iris-transformer-ml.example.com` exists too, but KServe\'s Ingress routes it to the predictor');
      expect(section).not.toMatch(/\| transformer \| `iris-transformer-ml/);
      expect(section).toContain('| transformer host | `iris-transformer-ml.example.com` | **predictor**, not the transformer |');
      expect(section).toContain('| transformer | `iris-ml.example.com` | transformer |');
    }
  });

  test('what ENDPOINTS.md promises about finding a request in the dumper follows the version and the logger', () => {
    const section = (props: InferenceServiceChartProps) => {
      const isvc = isvcOf({ modelUri: 'pvc://m/iris', transformer: { image: 'x:1' }, ...props });
      return endpointsSection(isvc, exampleInputsOf(isvc), 'iris.k8s.yaml');
    };
    // 0.14+: metadataHeaders (kserve v0.14.0 pkg/logger/handler.go:124-131) carries the forwarded x-request-id.
    expect(section({ kserveVersion: KServeVersion.V0_14 })).toContain('record the `X-Request-Id` the transformer forwards in their `metadata`');
    // 0.11-0.13: no such field; the predictor's events get fresh ids (pkg/logger/handler.go getOrCreateID).
    expect(section({ kserveVersion: KServeVersion.V0_13 })).toContain('the predictor\'s get fresh ids and nothing that names the request: the transformer forwards only `x-request-id`, and KServe 0.13 cannot record it');
    // Switched off by the user on 0.20: said as it is.
    expect(section({ logging: { metadataHeaders: [] } })).toContain('without `X-Request-Id` in `logger.metadataHeaders` nothing in them names the request');
    // No transformer: the client's ce-id reaches the predictor's logger directly.
    expect(endpointsSection(isvcOf({ modelUri: 'pvc://m/iris', kserveVersion: KServeVersion.V0_11 }), {}, 'iris.k8s.yaml')).toContain('The predictor\'s logged events take their id from `ce-id`.');
  });

  test('Knative tag routing during a canary: latest- and prev- hosts of the predictor', () => {
    const isvc = isvcOf({
      namespace: 'ml', modelUri: 'pvc://m/iris-v1', tagRouting: true,
      rollout: { candidate: { modelUri: 'pvc://m/iris-v2' }, stage: RolloutStage.canary(20) },
    });
    expect(hosts(isvc)['latest revision'][0]).toBe('latest-iris-predictor.ml.example.com');
    expect(hosts(isvc)['previous revision'][0]).toBe('prev-iris-predictor.ml.example.com');
  });

  test('an ingress domain that is not a DNS name fails the synth', () => {
    const build = (props: AppProps) => {
      const app = new App(props);
      new InferenceServiceChart(app, 'iris', { modelUri: 'pvc://m/iris', ingressDomain: 'Example.com/' });
      return app;
    };
    expect(() => synthToDirectory(build, path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ep-')), 'dist')))
      .toThrow('iris/inference-service: error [object-name] ingressDomain ("Example.com/") must be a DNS name such as example.com or ml.example.org');
  });
});

describe('example_inputs/', () => {
  test('the reference app\'s requests are valid v2 requests for their signatures', () => {
    const isvc = buildApp().node.findAll().find((c): c is InferenceService => c instanceof InferenceService)!;
    const dir = path.join(ROOT, 'dist', 'prod', 'example_inputs');
    const entry = JSON.parse(fs.readFileSync(path.join(dir, 'test.json'), 'utf8'));
    const predictor = JSON.parse(fs.readFileSync(path.join(dir, 'test-predictor.json'), 'utf8'));
    expect(checkInferenceRequest(entry, isvc.transformer!.signature)).toEqual([]);
    expect(checkInferenceRequest(predictor, isvc.predictor.signature)).toEqual([]);
    // The transformer's request is what clients send; it is not the predictor's.
    expect(entry.inputs[0].name).toBe('measurements');
    expect(predictor.inputs[0].name).toBe('INPUT__0');
  });

  test('two InferenceServices of one name in one folder get files named by namespace; none without a signature', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ep-')), 'dist');
    synthToDirectory(props => {
      const app = new App(props);
      new InferenceServiceChart(app, 'a', { name: 'iris', namespace: 'team-a', modelUri: 'pvc://m/a', predictor: { signature: SIGNATURE } });
      new InferenceServiceChart(app, 'b', { name: 'iris', namespace: 'team-b', modelUri: 'pvc://m/b', predictor: { signature: SIGNATURE } });
      new InferenceServiceChart(app, 'c', { name: 'plain', modelUri: 'pvc://m/c' });
      return app;
    }, out);
    expect(fs.readdirSync(path.join(out, 'example_inputs')).sort()).toEqual(['team-a.iris.json', 'team-b.iris.json']);
    const doc = fs.readFileSync(path.join(out, 'ENDPOINTS.md'), 'utf8');
    expect(doc).toContain('No example request: give the predictor a `signature` to generate `example_inputs/plain.json`.');
  });
});

/** The ```sh blocks of a Markdown text. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)\n```/g)].map(m => m[1]);
}

describe('ENDPOINTS.md commands, run against a v2 server on 127.0.0.1', () => {
  const folder = path.join(ROOT, 'dist', 'prod');
  const doc = fs.readFileSync(path.join(folder, 'ENDPOINTS.md'), 'utf8');
  // Each call block, from the line that makes the request id (the port-forward block starts with kubectl).
  const calls = shellBlocks(doc).filter(b => b.includes('ID=$(')).map(b => b.slice(b.indexOf('ID=$(')));
  let server: V2Server;
  beforeEach(async () => {
    server = await startV2Server();
  });
  afterEach(() => server.close());

  // Asynchronous: the server answers from this process's event loop.
  const run = (script: string) => new Promise<{ ok: boolean; stdout: string; stderr: string }>(resolve => {
    execFile('bash', ['-c', script], { cwd: folder, encoding: 'utf8', env: { ...process.env, INGRESS_HOST: '127.0.0.1', INGRESS_PORT: String(server.port) }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ ok: error === null, stdout, stderr }));
  });

  test('there are three curl calls: InferenceService, predictor, predictor through a forwarded port', () => {
    expect(calls).toHaveLength(3);
  });

  test.each([
    ['the InferenceService (transformer)', 0, 'test.default.example.com', 'test.json'],
    ['the predictor, bypassing the transformer', 1, 'test-predictor.default.example.com', 'test-predictor.json'],
  ])('curl to %s sends the Host, Content-Type, x-request-id and ce-id headers and the example body', async (_, index, host, file) => {
    const r = await run(calls[index]);
    expect(r.stderr).toBe('');
    expect(r.ok).toBe(true);
    expect(r.stdout).toMatch(/HTTP 200 in [\d.]+ s/);
    expect(server.received).toHaveLength(1);
    const got = server.received[0];
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/v2/models/test/infer');
    expect(got.headers.host).toBe(host);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.headers['ce-id']).toBe(got.headers['x-request-id']);
    expect(got.body).toBe(fs.readFileSync(path.join(folder, 'example_inputs', file), 'utf8'));
  });

  test('the port-forward call reaches the predictor without a Host header of its own', async () => {
    const r = await run(calls[2].replace('127.0.0.1:8081', `127.0.0.1:${server.port}`));
    expect(r.ok).toBe(true);
    expect(server.received[0].headers.host).toBe(`127.0.0.1:${server.port}`);
    expect(server.received[0].body).toBe(fs.readFileSync(path.join(folder, 'example_inputs', 'test-predictor.json'), 'utf8'));
  });

  test('the CLI line runs as written (npx replaced by this checkout\'s bin)', async () => {
    const line = shellBlocks(doc).find(b => b.startsWith('npx cdk8s-kserve infer'))!;
    const r = await run(line.replace('npx cdk8s-kserve', `node ${path.join(ROOT, 'bin', 'cdk8s-kserve.js')}`));
    expect(r.stderr).toBe('');
    expect(r.ok).toBe(true);
    expect(r.stdout).toContain('HTTP 200');
    expect(server.received[0].headers.host).toBe('test.default.example.com');
  }, 30_000);

  test('the load test line runs as written from the folder (shortened, pods not counted, results in a temp folder)', async () => {
    const line = shellBlocks(doc).find(b => b.startsWith('npx cdk8s-kserve loadtest'))!;
    expect(line).toBe('npx cdk8s-kserve loadtest "http://${INGRESS_HOST}:${INGRESS_PORT}" --from . --isvc default/test --rate 10 --duration 60');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ep-loadtest-'));
    const r = await run(`${line.replace('npx cdk8s-kserve', `node ${path.join(ROOT, 'bin', 'cdk8s-kserve.js')}`).replace('--duration 60', '--duration 0.5')} --no-pods --out ${out}`);
    expect(r.ok).toBe(true);
    expect(r.stdout).toContain('5 sent, 5 answered, 5 ok, 0 failed');
    expect(server.received.map(x => x.headers.host)).toEqual(Array(5).fill('test.default.example.com'));
    expect(server.received[0].body).toBe(fs.readFileSync(path.join(folder, 'example_inputs', 'test.json'), 'utf8'));
  }, 30_000);

  test('the load test line as written, from a copy of dist/prod: results land beside dist/, and the next check:dist is clean', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'ep-results-'));
    fs.cpSync(path.join(ROOT, 'dist'), path.join(project, 'dist'), { recursive: true });
    const line = shellBlocks(doc).find(b => b.startsWith('npx cdk8s-kserve loadtest'))!
      .replace('npx cdk8s-kserve', `node ${path.join(ROOT, 'bin', 'cdk8s-kserve.js')}`).replace('--duration 60', '--duration 0.3');
    const r = await new Promise<{ ok: boolean; stderr: string }>(resolve => {
      execFile('bash', ['-c', `${line} --no-pods`], { cwd: path.join(project, 'dist', 'prod'), encoding: 'utf8', env: { ...process.env, INGRESS_HOST: '127.0.0.1', INGRESS_PORT: String(server.port) }, timeout: 20_000 },
        (error, _stdout, stderr) => resolve({ ok: error === null, stderr }));
    });
    expect(r).toMatchObject({ ok: true });
    // Where ENDPOINTS.md says: ../../loadtest-results/prod/report.html, outside the folder synth replaces.
    expect(doc).toContain('`../../loadtest-results/prod/report.html`');
    expect(fs.readdirSync(path.join(project, 'loadtest-results', 'prod')).sort()).toEqual(['report.html', 'result.json']);
    expect(fs.existsSync(path.join(project, 'dist', 'prod', 'loadtest-results'))).toBe(false);
    expect(checkDirectory(APPS, path.join(project, 'dist'))).toEqual({ missing: [], extra: [], changed: [] });
  }, 30_000);

  test('the kubectl commands name this InferenceService, its namespace and its file', () => {
    const kubectl = shellBlocks(doc).find(b => b.includes('kubectl -n default wait'))!;
    expect(kubectl.split('\n').map(l => l.split('   #')[0])).toEqual([
      'kubectl -n default wait --for=condition=Ready inferenceservice/test --timeout=15m',
      'kubectl -n default get inferenceservice test',
      'kubectl -n default describe inferenceservice test',
      'kubectl -n default get pods -l serving.kserve.io/inferenceservice=test',
      'kubectl -n default get revisions -l serving.knative.dev/service=test-predictor',
      'kubectl -n default logs -l serving.kserve.io/inferenceservice=test,component=predictor -c kserve-container --tail=50',
      'kubectl -n default logs -l serving.kserve.io/inferenceservice=test,component=transformer -c kserve-container --tail=50',
      `kubectl -n default logs -l serving.knative.dev/service=message-dumper -c event-display --tail=1000 | ${EVENTS_WITH_ID}`,
      'kubectl delete -f test.k8s.yaml',
      'kubectl -n default delete inferenceservice test',
    ]);
  });

  test('the dumper command prints both hops\' events of one request, whole, and no other event', async () => {
    // event_display prints "☁️  cloudevents.Event" and then Event.String() of cloudevents/sdk-go
    // (v2/event/eventcontext_v1.go:280-315: attributes, then extensions sorted by name; v2/event/event.go:69-96: data).
    // KServe's agent sets the id from Ce-Id and the metadata extension from metadataHeaders (kserve v0.20.0
    // pkg/logger/worker.go:122-137), so the transformer's events have the id and the predictor's only the metadata.
    const event = (type: string, id: string, component: string, requestId: string) => [
      '☁️  cloudevents.Event', 'Context Attributes,', '  specversion: 1.0', `  type: org.kubeflow.serving.inference.${type}`,
      '  source: http://localhost:9081/', `  id: ${id}`, '  time: 2026-12-01T10:00:00.000Z', '  datacontenttype: application/json',
      'Extensions,', `  component: ${component}`, '  endpoint: ', '  inferenceservicename: test',
      `  metadata: {"X-Request-Id":["${requestId}"]}`, '  namespace: default', '  recordedtime: 2026-12-01T10:00:00.001Z',
      'Data,', '  {', '    "inputs": []', '  }',
    ].join('\n');
    const mine = 'c0ffee00-0000-4000-8000-000000000001';
    const log = [
      event('request', 'aaaa-other', 'transformer', 'aaaa-other'),
      event('request', mine, 'transformer', mine),
      event('request', '7d6c1e0e-fresh-predictor-id', 'predictor', mine),
      event('response', '7d6c1e0e-fresh-predictor-id', 'predictor', mine),
      event('response', mine, 'transformer', mine),
      event('response', 'aaaa-other', 'transformer', 'aaaa-other'),
    ].join('\n') + '\n';
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dumper-')), 'events.log');
    fs.writeFileSync(file, log);
    const r = await run(`ID=${mine}; cat ${file} | ${EVENTS_WITH_ID}`);
    expect(r.ok).toBe(true);
    const printed = r.stdout.split('☁️  cloudevents.Event\n').filter(Boolean);
    expect(printed.map(e => [/type: \S+\.(\w+)/.exec(e)![1], /component: (\w+)/.exec(e)![1]])).toEqual([
      ['request', 'transformer'], ['request', 'predictor'], ['response', 'predictor'], ['response', 'transformer'],
    ]);
    expect(printed.every(e => e.includes('Data,\n  {\n    "inputs": []\n  }\n'))).toBe(true);
    expect(r.stdout).not.toContain('aaaa-other');
  });

  test('the documented gateway commands are valid kubectl invocations (client-side only)', () => {
    const gateway = shellBlocks(doc).find(b => b.startsWith('export INGRESS_HOST'))!;
    const jsonpaths = [...gateway.matchAll(/-o jsonpath='([^']+)'/g)].map(m => m[1]);
    expect(jsonpaths).toEqual(['{.status.loadBalancer.ingress[0].ip}', '{.spec.ports[?(@.name=="http2")].port}']);
    // kubectl evaluates the JSONPath templates on a local Service object (annotate --local: no cluster).
    const service = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'istio-ingressgateway' },
      spec: { ports: [{ name: 'status-port', port: 15021 }, { name: 'http2', port: 80 }] }, status: { loadBalancer: { ingress: [{ ip: '10.64.140.43' }] } } });
    const read = (jsonpath: string) => execFileSync('kubectl', ['annotate', '--local', '-f', '-', 'checked=true', '-o', `jsonpath=${jsonpath}`], { input: service, encoding: 'utf8' });
    expect(jsonpaths.map(read)).toEqual(['10.64.140.43', '80']);
  });
});

/** Node ids declared and edges of a Mermaid flowchart, checking that every edge joins declared nodes. */
function parseFlowchart(text: string): { nodes: Map<string, string>; edges: [string, string, string][] } {
  const lines = text.split('\n');
  expect(lines[0]).toBe('flowchart LR');
  const nodes = new Map<string, string>();
  const edges: [string, string, string][] = [];
  for (const line of lines.slice(1)) {
    const edge = /^ {2}([A-Za-z0-9]+) (-->|-\.->)(?:\|("[^"]*"|[A-Za-z]+)\|)? ([A-Za-z0-9]+)$/.exec(line);
    const node = /^ {2}([A-Za-z0-9]+)(\[\(|\(\[|\[)("[^"]*")(\)\]|\]\)|\])$/.exec(line);
    if (edge) edges.push([edge[1], edge[4], edge[3] ?? '']);
    else if (node) {
      expect(nodes.has(node[1])).toBe(false);
      nodes.set(node[1], node[3]);
    } else throw new Error(`not a node or edge line: ${line}`);
  }
  for (const [a, b] of edges) {
    expect(nodes.has(a)).toBe(true);
    expect(nodes.has(b)).toBe(true);
  }
  return { nodes, edges };
}

describe('Mermaid diagram, drawn from the construct tree', () => {
  test('the reference app: client, gateway, transformer, predictor, message dumper, credentials and storage', () => {
    const isvc = buildApp().node.findAll().find((c): c is InferenceService => c instanceof InferenceService)!;
    const { nodes, edges } = parseFlowchart(mermaidDiagram(isvc));
    expect([...nodes.keys()]).toEqual(['client', 'ingress', 'predictor', 'transformer', 'sink1', 'storage1', 'credentials1']);
    expect(edges.map(([a, b]) => `${a}>${b}`)).toEqual([
      'client>ingress', 'ingress>transformer', 'transformer>predictor', 'transformer>sink1', 'predictor>sink1', 'credentials1>storage1', 'storage1>predictor',
    ]);
    expect(nodes.get('storage1')).toBe('"Azure Blob mymodelstore/models/triton"');
    expect(nodes.get('credentials1')).toBe('"ServiceAccount test-azure-blob<br/>Secret test-azure-blob"');
    // The diagram in dist/ is this one.
    expect(fs.readFileSync(path.join(ROOT, 'dist', 'prod', 'ENDPOINTS.md'), 'utf8')).toContain(mermaidDiagram(isvc));
  });

  test('follows the tree: no transformer, no logging, a URI without credentials', () => {
    const isvc = isvcOf({ modelUri: 'pvc://models/iris', logging: { enabled: false }, ingressGateway: IngressGateway.KOURIER });
    const { nodes, edges } = parseFlowchart(mermaidDiagram(isvc));
    expect([...nodes.keys()]).toEqual(['client', 'ingress', 'predictor', 'storage1']);
    expect(edges.map(([a, b]) => `${a}>${b}`)).toEqual(['client>ingress', 'ingress>predictor', 'storage1>predictor']);
    expect(nodes.get('ingress')).toBe('"Kourier gateway<br/>kourier-system/kourier"');
  });

  test('a Standard-mode canary: a dark launch the ingress does not reach, one storage each, shared credentials', () => {
    const isvc = isvcOf({
      deploymentMode: DeploymentMode.STANDARD,
      azureBlob: { account: 'acct', container: 'models', path: 'iris-v1', credentials: AzureCredentials.workloadIdentity({ clientId: 'id' }) },
      predictor: { name: 'v1', maxReplicas: 2 },
      rollout: { candidate: { name: 'v2', path: 'iris-v2' }, stage: RolloutStage.canary(25) },
    });
    const { nodes, edges } = parseFlowchart(mermaidDiagram(isvc));
    expect([...nodes.keys()]).toEqual(['client', 'ingress', 'predictor', 'canary', 'sink1', 'storage1', 'credentials1', 'storage2']);
    // KServe 0.20.0 routes nothing to a canary (predictor.go:886-895 only sizes it; the Ingress has no canary rule).
    expect(edges.filter(([a]) => a === 'ingress').map(([, b, label]) => `${b} ${label}`)).toEqual(['predictor ']);
    expect(edges.filter(([, b]) => b === 'canary').map(([a]) => a)).toEqual(['storage2']);
    expect(nodes.get('canary')).toBe('"canary: Triton v2<br/>Deployment iris-v2-predictor<br/>dark launch: in-cluster only<br/>iris/candidate"');
    expect(mermaidDiagram(isvc)).not.toContain('%');
    const section = endpointsSection(isvc, exampleInputsOf(isvc), 'iris.k8s.yaml');
    expect(section).toContain('| canary | - (no route at the ingress) | canary, in-cluster only | `http://iris-v2-predictor.default.svc.cluster.local` |');
    expect(section).toContain('The canary `v2` is a dark launch: on KServe 0.20 in Standard mode `trafficPercent` (25 %) only sizes it');
    expect(section).toContain('kubectl -n default port-forward service/iris-v2-predictor 8082:80');
    expect(section).not.toMatch(/Host: iris-v2/);
    // Workload identity: a ServiceAccount and no Secret.
    expect(nodes.get('credentials1')).toBe('"ServiceAccount iris-azure-blob"');
    expect(edges.filter(([a]) => a === 'credentials1').map(([, b]) => b)).toEqual(['storage1']);
  });
});
