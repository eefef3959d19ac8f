import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

/** A pod as the stub lists it. */
export interface StubPod {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly ready: boolean;
  readonly phase?: string;
  readonly deleting?: boolean;
}

/** A Kubernetes API server on 127.0.0.1 that answers kubectl's discovery and pod lists, and a kubeconfig for it. */
export interface KubeApiStub {
  readonly kubeconfig: string;
  /** The pod list requests, as `namespace?labelSelector`. */
  readonly podQueries: string[];
  close(): Promise<void>;
}

/**
 * Starts a stub of the Kubernetes API on loopback for the real kubectl: legacy discovery of the
 * core group (pods only) and `GET /api/v1/namespaces/{ns}/pods`, answered by `pods()` (called on
 * each list, so the count can change during a test).
 */
export async function startKubeApiStub(pods: (query: number) => StubPod[], options: { readonly listDelayMs?: number } = {}): Promise<KubeApiStub> {
  const podQueries: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const list = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
    if (url.pathname === '/version') return json(200, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
    if (url.pathname === '/api') return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (url.pathname === '/apis') return json(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    if (url.pathname === '/api/v1') {
      return json(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'] }] });
    }
    if (list) {
      podQueries.push(`${list[1]}?${url.searchParams.get('labelSelector') ?? ''}`);
      if (options.listDelayMs) {
        setTimeout(() => json(200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] }), options.listDelayMs);
        return;
      }
      const items = pods(podQueries.length).map(p => ({
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: p.name, namespace: list[1], labels: p.labels, ...(p.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
        status: { phase: p.phase ?? 'Running', conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False' }] },
      }));
      return json(200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items });
    }
    return json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-stub-'));
  const kubeconfig = path.join(dir, 'config');
  fs.writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config',
    'clusters:', '- name: stub', '  cluster:', `    server: http://127.0.0.1:${port}`,
    'contexts:', '- name: stub', '  context:', '    cluster: stub', '    user: stub',
    'current-context: stub',
    'users:', '- name: stub', '  user: {}', '',
  ].join('\n'));
  return {
    kubeconfig,
    podQueries,
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
