/**
 * The load runner against real HTTP servers on 127.0.0.1 (loopback only; every run is bounded in
 * count and time), with the real kubectl against a stub of the Kubernetes API, also on loopback.
 * Figures are compared with what the servers saw.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { adviceFromSaturation, adviseAutoscaling, countPods, KnativeMetric, LATE_MS, LoadTestError, missingClusterConfig, percentile, podSampleArgs, runLoadTest, runSaturation, scheduledCount, scheduledTime } from '../lib/loadtest';
import { KubeApiStub, startKubeApiStub, StubPod } from './kube-api-stub';
import { closeAll, Received, startV2Server, V2Server } from './v2-server';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = fs.readFileSync(path.join(ROOT, 'dist', 'prod', 'example_inputs', 'test.json'), 'utf8');
const PATH = '/v2/models/test/infer';

/** The server-side times of the requests answered with `status`, ascending. */
function serverTimes(received: Received[], status = 200): number[] {
  return received.filter(r => r.status === status).map(r => r.serverMs!).sort((a, b) => a - b);
}

let warm: Promise<void> | undefined;

/**
 * The tests that wait on a schedule run at the same time: most of their time is waiting. The
 * first request of a process loads and compiles the runner's code (under Jest, its transform
 * too), which would hold up whichever test's first request came first, so every such test first
 * awaits one warm-up request. (Jest starts concurrent tests before any beforeAll hook.)
 */
function concurrentTest(name: string, fn: () => Promise<void>, timeout?: number): void {
  test.concurrent(name, async () => {
    await (warm ??= (async () => {
      const server = await startV2Server();
      try {
        await runLoadTest({ request: { url: server.url, path: PATH, body: EXAMPLE }, count: 1, connections: 1 });
      } finally {
        await server.close();
      }
    })());
    await fn();
  }, timeout);
}

describe('runLoadTest', () => {
  concurrentTest('a fixed rate sends exactly rate × duration requests, and its figures are what the server saw', async () => {
    let server: V2Server | undefined;
    try {
      server = await startV2Server(undefined, { latencyMs: 30, errorRate: 0.1 });
      const r = await runLoadTest({ request: { url: server.url, path: PATH, host: 'test.default.example.com', body: EXAMPLE }, rate: 40, durationSeconds: 2 });
      const seen = server.received;
      // Counts: sent, answered, failed by status, all equal to the server's.
      expect(r.requests).toEqual({ sent: 80, completed: 80, ok: 72, failed: 8 });
      expect(seen).toHaveLength(80);
      expect(seen.filter(x => x.status === 503)).toHaveLength(8);
      expect(r.statusCodes).toEqual({ 200: 72, 503: 8 });
      expect(r.errors).toEqual({ 'HTTP 503': 8 });
      // Each failure names a request id the server received with that status.
      expect(r.failures).toHaveLength(8);
      for (const f of r.failures) expect(seen.find(x => x.headers['x-request-id'] === f.requestId)?.status).toBe(503);
      // Headers and body: the Host, one fresh id per request in both id headers, the example body.
      expect(new Set(seen.map(x => x.headers['x-request-id'])).size).toBe(80);
      for (const x of seen) {
        expect(x).toMatchObject({ method: 'POST', url: PATH, body: EXAMPLE });
        expect(x.headers).toMatchObject({ 'host': 'test.default.example.com', 'content-type': 'application/json', 'ce-id': x.headers['x-request-id'] });
      }
      // Latency: each request took at least as long at the client as at the server, so every order
      // statistic is at least the server's; and not much more on loopback.
      const server200 = serverTimes(seen);
      const lat = r.latencyMs!;
      expect(lat.count).toBe(72);
      expect(lat.min).toBeGreaterThanOrEqual(server200[0]);
      expect(lat.p50).toBeGreaterThanOrEqual(percentile(server200, 50));
      expect(lat.p95).toBeGreaterThanOrEqual(percentile(server200, 95));
      expect(lat.max).toBeGreaterThanOrEqual(server200[server200.length - 1]);
      expect(lat.min).toBeGreaterThanOrEqual(29);
      expect(lat.max).toBeLessThan(server200[server200.length - 1] + 500);
      expect(lat.min <= lat.p50 && lat.p50 <= lat.p90 && lat.p90 <= lat.p95 && lat.p95 <= lat.p99 && lat.p99 <= lat.max).toBe(true);
      // Throughput over the 2 s schedule (plus the last answer).
      expect(r.elapsedSeconds).toBeGreaterThanOrEqual(2);
      expect(r.elapsedSeconds).toBeLessThan(3);
      expect(r.throughput.rps).toBeCloseTo(80 / r.elapsedSeconds, 2);
      // The server kept up (about one request in flight): none waited for a connection. Whether
      // the runner itself kept its schedule depends on this machine's load (test/runner-limits.test.ts
      // holds it up on purpose); when it says it did not, its send lag says so too.
      expect(r.waitedForConnection).toBe(0);
      expect(!r.clientLimited || r.sendLagMs!.p99 > LATE_MS).toBe(true);
      // The timeline adds up to the totals.
      const sum = (k: 'sent' | 'ok' | 'failed') => r.timeline.reduce((a, p) => a + p[k], 0);
      expect([sum('sent'), sum('ok'), sum('failed')]).toEqual([80, 72, 8]);
      expect(r.timeline.length).toBeGreaterThanOrEqual(2);
      expect(r.timeline[0].sent).toBe(40);
      expect(r.load).toEqual({ mode: 'rate', rate: 40, connections: 100, durationSeconds: 2, timeoutSeconds: 30 });
    } finally {
      await closeAll(server);
    }
  }, 20_000);

  concurrentTest('a rate is spread evenly over each second, not sent in bursts', async () => {
    let server: V2Server | undefined;
    try {
      server = await startV2Server(undefined, { latencyMs: 20 });
      await runLoadTest({ request: { url: server.url, path: PATH, body: EXAMPLE }, rate: 40, durationSeconds: 2 });
      const at = server.received.map(x => x.arrivedAt - server!.received[0].arrivedAt);
      // An even 40 per second puts 10 % of requests in the first 100 ms of each second (a
      // once-a-second quota, as autocannon's, puts most of them there).
      const early = at.filter(t => t % 1000 < 100).length / at.length;
      expect(early).toBeLessThan(0.25);
      // Gaps between arrivals: 25 ms apart, give or take the 10 ms scheduling tick.
      const gaps = at.slice(1).map((t, i) => t - at[i]).sort((a, b) => a - b);
      expect(percentile(gaps, 50)).toBeGreaterThan(12);
      expect(percentile(gaps, 50)).toBeLessThan(38);
    } finally {
      await closeAll(server);
    }
  }, 20_000);

  concurrentTest('a ramp-up grows the rate evenly from 0: a quarter of full load in its first half, then full', async () => {
    let server: V2Server | undefined;
    try {
      server = await startV2Server(undefined, { latencyMs: 5 });
      const r = await runLoadTest({ request: { url: server.url, path: PATH, body: EXAMPLE }, rate: 40, rampUpSeconds: 2, durationSeconds: 3 });
      // 40 × 2 / 2 during the ramp, then 40 in the last second.
      expect(r.requests.sent).toBe(80);
      expect(server.received).toHaveLength(80);
      const perSecond = [0, 0, 0];
      for (const x of server.received) perSecond[Math.min(2, Math.floor((x.arrivedAt - server.received[0].arrivedAt) / 1000))]++;
      // Due by 1 s: 40 × 1² / 4 = 10; by 2 s: 40; by 3 s: 80.
      expect(Math.abs(perSecond[0] - 10)).toBeLessThanOrEqual(2);
      expect(Math.abs(perSecond[1] - 30)).toBeLessThanOrEqual(2);
      expect(Math.abs(perSecond[2] - 40)).toBeLessThanOrEqual(2);
      expect(r.load.rampUpSeconds).toBe(2);
    } finally {
      await closeAll(server);
    }
  }, 20_000);

  concurrentTest('a ramp-up with a concurrency starts the clients one after another', async () => {
    let server: V2Server | undefined;
    try {
      server = await startV2Server(undefined, { latencyMs: 20 });
      await runLoadTest({ request: { url: server.url, path: PATH, body: EXAMPLE }, connections: 4, rampUpSeconds: 0.8, durationSeconds: 1.2 });
      // Requests at the server at once, at its most, within each fifth of a second: one client more each time.
      const t0 = server.received[0].arrivedAt;
      const inFlightAt = (t: number) => server!.received.filter(x => x.arrivedAt - t0 <= t && t < x.arrivedAt - t0 + x.serverMs!).length;
      const most = (from: number, to: number) => Math.max(...Array.from({ length: (to - from) / 5 }, (_, i) => inFlightAt(from + i * 5)));
      expect([most(40, 160), most(240, 360), most(440, 560), most(640, 760), most(900, 1100)]).toEqual([1, 2, 3, 4, 4]);
    } finally {
      await closeAll(server);
    }
  }, 20_000);

  test('the rate schedule: scheduledTime is the inverse of scheduledCount, with and without a ramp', () => {
    for (const [rate, ramp] of [[40, 0], [40, 2], [7, 3.5]]) {
      for (let i = 0; i < 200; i++) expect(scheduledCount(scheduledTime(i, rate, ramp), rate, ramp)).toBeCloseTo(i, 9);
      // Continuous at the end of the ramp, and full rate after it.
      expect(scheduledCount(ramp + 1, rate, ramp) - scheduledCount(ramp, rate, ramp)).toBeCloseTo(rate, 9);
    }
    expect(scheduledCount(1, 40, 2)).toBe(10);
  });

  concurrentTest('a concurrency keeps that many requests in flight and no more; a count ends the run', async () => {
    let server: V2Server | undefined;
    try {
      server = await startV2Server(undefined, { latencyMs: 20 });
      const r = await runLoadTest({ request: { url: server.url, path: PATH, body: EXAMPLE }, connections: 4, count: 60 });
      expect(r.requests).toEqual({ sent: 60, completed: 60, ok: 60, failed: 0 });
      expect(server.received).toHaveLength(60);
      expect(server.peakInFlight()).toBe(4);
      expect(r.latencyMs!.min).toBeGreaterThanOrEqual(serverTimes(server.received)[0]);
      // 60 requests, 4 at a time, at least 20 ms each: at least 15 rounds of 20 ms.
      expect(r.elapsedSeconds).toBeGreaterThanOrEqual(0.3);
      expect(r.load).toEqual({ mode: 'concurrency', connections: 4, count: 60, timeoutSeconds: 30 });
    } finally {
      await closeAll(server);
    }
  }, 20_000);

  concurrentTest('a rate counts latency from the schedule: a replica that falls behind shows its queue', async () => {
    let server: V2Server | undefined;
    try {
      // One request at a time, 25 ms each: at most 40 per second; 80 per second is offered.
      server = await startV2Server(undefined, { latencyMs: 25, workers: 1 });
      const r = await runLoadTest({ request: { url: server.url, path: PATH, body: EXAMPLE }, rate: 80, durationSeconds: 1.5 });
      expect(r.requests.completed).toBe(120);
      // The queue grows by about 40 requests a second: the last ones wait over a second.
      expect(r.latencyMs!.max).toBeGreaterThan(1000);
      expect(r.latencyMs!.p95).toBeGreaterThan(percentile(serverTimes(server.received), 50));
      expect(r.throughput.rps).toBeLessThan(45);
    } finally {
      await closeAll(server);
    }
  }, 20_000);

  concurrentTest('failures by kind: bodies without outputs, timeouts', async () => {
    let server: V2Server | undefined;
    try {
      let n = 0;
      server = await startV2Server(() => (++n % 2 === 0 ? { status: 200, body: '{"error":"no outputs here"}' } : { status: 200, body: '{"outputs":[]}' }));
      const r = await runLoadTest({ request: { url: server.url, path: PATH, body: EXAMPLE }, connections: 1, count: 6 });
      expect(r.requests).toEqual({ sent: 6, completed: 6, ok: 3, failed: 3 });
      expect(r.errors).toEqual({ 'HTTP 200 without "outputs"': 3 });
      expect(r.statusCodes).toEqual({ 200: 6 });
      await server.close();

      server = await startV2Server(undefined, { latencyMs: 2000 });
      const slow = await runLoadTest({ request: { url: server.url, path: PATH, body: EXAMPLE }, connections: 3, count: 3, timeoutSeconds: 0.3 });
      expect(slow.requests).toEqual({ sent: 3, completed: 0, ok: 0, failed: 3 });
      expect(slow.errors).toEqual({ timeout: 3 });
      expect(slow.latencyMs).toBeUndefined();
      expect(slow.failures.every(f => f.ms >= 300)).toBe(true);
    } finally {
      await closeAll(server);
    }
  }, 20_000);

  concurrentTest('a refused connection stops the run at once with the reason', async () => {
    let server: V2Server | undefined;
    try {
      server = await startV2Server();
      const url = server.url;
      await server.close();
      server = undefined;
      const started = Date.now();
      const r = await runLoadTest({ request: { url, path: PATH, body: EXAMPLE }, rate: 50, durationSeconds: 10 });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(r.aborted).toContain('ECONNREFUSED');
      expect(r.requests.ok).toBe(0);
      expect(Object.keys(r.errors)).toEqual(['connection error (ECONNREFUSED)']);
    } finally {
      await closeAll(server);
    }
  }, 20_000);

  concurrentTest('bad options: every problem at once, nothing sent', async () => {
    let server: V2Server | undefined;
    try {
      server = await startV2Server();
      const run = runLoadTest({ request: { url: `${server.url}/v2`, path: 'v2/models/test/infer', body: EXAMPLE }, rate: 0, connections: 1.5, durationSeconds: -1, count: 0, timeoutSeconds: Infinity });
      await expect(run).rejects.toThrow(LoadTestError);
      await expect(run).rejects.toThrow([
        'rate (0) must be a number above 0 and at most 100000',
        'connections (1.5) must be a whole number above 0 and at most 10000',
        'durationSeconds (-1) must be a number above 0 and at most 86400',
        'count (0) must be a whole number above 0 and at most 10000000',
        'timeoutSeconds (Infinity) must be a number above 0 and at most 3600',
        `request.url (${server.url}/v2) must be http:// or https:// and a host, without a path`,
        'request.path (v2/models/test/infer) must start with /',
      ].join('\n'));
      expect(server.received).toHaveLength(0);
    } finally {
      await closeAll(server);
    }
  });

  concurrentTest('an abort signal (Ctrl-C) stops sending; the answers in flight are awaited and counted', async () => {
    let server: V2Server | undefined;
    try {
      server = await startV2Server(undefined, { latencyMs: 50 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 500);
      const started = Date.now();
      const r = await runLoadTest({ request: { url: server.url, path: PATH, body: EXAMPLE }, rate: 40, durationSeconds: 30, signal: controller.signal });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(r.interrupted).toBe(true);
      expect(r.requests.sent).toBeGreaterThanOrEqual(15);
      expect(r.requests.sent).toBeLessThan(40);
      expect(r.requests.completed).toBe(r.requests.sent);
      expect(server.received).toHaveLength(r.requests.sent);
    } finally {
      await closeAll(server);
    }
  }, 20_000);

  concurrentTest('https: the Host header is the TLS server name (gateways route on SNI); --insecure accepts a self-signed certificate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-'));
    try {
      // Asynchronously: the other tests of this file run at the same time and time their requests.
      await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
        '-days', '1', '-subj', '/CN=test.default.example.com']);
      const names: (string | false)[] = [];
      const tls = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (req, res) => {
        names.push((req.socket as any).servername);
        req.resume();
        req.on('end', () => res.end('{"outputs":[]}'));
      });
      await new Promise<void>(resolve => tls.listen(0, '127.0.0.1', resolve));
      const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
      try {
        const request = { url, path: PATH, host: 'test.default.example.com', body: EXAMPLE };
        const ok = await runLoadTest({ request, count: 3, connections: 1, insecure: true });
        expect(ok.requests.ok).toBe(3);
        expect(names).toEqual(['test.default.example.com', 'test.default.example.com', 'test.default.example.com']);
        const refused = await runLoadTest({ request, count: 2, connections: 1 });
        expect(refused.requests.ok).toBe(0);
        expect(Object.keys(refused.errors)).toEqual(['connection error (DEPTH_ZERO_SELF_SIGNED_CERT)']);
      } finally {
        tls.closeAllConnections();
        await new Promise(resolve => tls.close(resolve));
      }
    } finally {
      // The key is a private key: the run's secret scanner would rightly flag it if it stayed.
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);

  concurrentTest('pods: the real kubectl counts ready pods per component during the run', async () => {
    let server: V2Server | undefined, kube: KubeApiStub | undefined;
    try {
      const pod = (name: string, component: string, ready: boolean, extra: Partial<StubPod> = {}): StubPod =>
        ({ name, labels: { 'serving.kserve.io/inferenceservice': 'test', component }, ready, ...extra });
      // One of each at first; from the third list on, a second predictor is ready and a third starting.
      kube = await startKubeApiStub(n => [
        pod('t-1', 'transformer', true),
        pod('p-1', 'predictor', true),
        ...(n >= 3 ? [pod('p-2', 'predictor', true), pod('p-3', 'predictor', false)] : []),
        pod('old', 'predictor', true, { deleting: true }),
      ]);
      server = await startV2Server(undefined, { latencyMs: 5 });
      const r = await runLoadTest({
        request: { url: server.url, path: PATH, body: EXAMPLE }, rate: 20, durationSeconds: 3.2,
        pods: { namespace: 'models', inferenceService: 'test', components: ['transformer', 'predictor'], intervalSeconds: 1, kubeconfig: kube.kubeconfig },
      });
      expect(r.pods.sampled).toBe(true);
      expect(r.pods.note).toBeUndefined();
      expect(kube.podQueries.every(q => q === 'models?serving.kserve.io/inferenceservice=test')).toBe(true);
      // A sample at the start, one a second, one at the end.
      expect(r.pods.samples.length).toBe(kube.podQueries.length);
      expect(r.pods.samples.length).toBeGreaterThanOrEqual(4);
      expect(r.pods.samples[0]).toMatchObject({ ready: { transformer: 1, predictor: 1 }, total: { transformer: 1, predictor: 1 } });
      expect(r.pods.samples[r.pods.samples.length - 1]).toMatchObject({ ready: { transformer: 1, predictor: 2 }, total: { transformer: 1, predictor: 3 } });
      const seconds = r.pods.samples.map(s => s.second);
      expect([...seconds].sort((a, b) => a - b)).toEqual(seconds);
      expect(seconds[0]).toBeLessThan(0.5);
      expect(r.requests.ok).toBe(64);
    } finally {
      await closeAll(server, kube);
    }
  }, 30_000);

  concurrentTest('pods: a slow API server skips samples instead of queueing them, so the run ends on time', async () => {
    let server: V2Server | undefined, kube: KubeApiStub | undefined;
    try {
      kube = await startKubeApiStub(() => [], { listDelayMs: 1200 });
      server = await startV2Server();
      const started = Date.now();
      const r = await runLoadTest({
        request: { url: server.url, path: PATH, body: EXAMPLE }, rate: 10, durationSeconds: 2,
        pods: { namespace: 'default', inferenceService: 'test', components: ['predictor'], intervalSeconds: 1, kubeconfig: kube.kubeconfig },
      });
      // Samples at 0 and about 1.2 s (the 1 s tick is skipped while the first waits), and one at the end.
      expect(r.pods.samples.length).toBeLessThanOrEqual(3);
      expect(kube.podQueries.length).toBe(r.pods.samples.length);
      expect(Date.now() - started).toBeLessThan(2000 + 2 * 1200 + 1500);
    } finally {
      await closeAll(server, kube);
    }
  }, 20_000);

  concurrentTest('pods: no cluster or no kubectl leaves them uncounted, with the reason, and the run goes on', async () => {
    let server: V2Server | undefined, kube: KubeApiStub | undefined;
    try {
      kube = await startKubeApiStub(() => []);
      const kubeconfig = kube.kubeconfig;
      await kube.close();
      kube = undefined;
      server = await startV2Server();
      const pods = { namespace: 'default', inferenceService: 'test', components: ['predictor'], kubeconfig };
      const r = await runLoadTest({ request: { url: server.url, path: PATH, body: EXAMPLE }, count: 5, connections: 1, pods });
      expect(r.requests.ok).toBe(5);
      expect(r.pods).toMatchObject({ sampled: false, samples: [] });
      expect(r.pods.note).toMatch(/^pods not counted: .*refused/);
      const none = await runLoadTest({ request: { url: server.url, path: PATH, body: EXAMPLE }, count: 5, connections: 1, pods: { ...pods, kubectl: '/nonexistent/kubectl' } });
      expect(none.pods.note).toBe('pods not counted: /nonexistent/kubectl not found');
    } finally {
      await closeAll(server, kube);
    }
  }, 30_000);
});

describe('pod counting', () => {
  test('counts Ready pods and all live pods per component label; finished, deleting and other pods are left out', () => {
    const pod = (component: string | undefined, ready: boolean, extra: any = {}) => ({
      metadata: { labels: component ? { component } : {}, ...extra.metadata },
      status: { phase: extra.phase ?? 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
    const list = { items: [
      pod('predictor', true), pod('predictor', false), pod('predictor', true, { metadata: { deletionTimestamp: 'x' } }),
      pod('predictor', false, { phase: 'Failed' }), pod('transformer', true), pod('explainer', true), pod(undefined, true),
    ] };
    expect(countPods(list, ['transformer', 'predictor'])).toEqual({ ready: { transformer: 1, predictor: 1 }, total: { transformer: 1, predictor: 2 } });
    expect(countPods({}, ['predictor'])).toEqual({ ready: { predictor: 0 }, total: { predictor: 0 } });
  });

  test('a cluster to ask: an explicit kubeconfig, KUBECONFIG, ~/.kube/config or a pod\'s own; never kubectl\'s fallback to localhost:8080', () => {
    const files = (...present: string[]) => (f: string) => present.includes(f);
    const home = { HOME: '/home/u' };
    expect(missingClusterConfig({ kubeconfig: '/k' }, home, files('/k'))).toBeUndefined();
    expect(missingClusterConfig({ kubeconfig: '/k' }, home, files())).toBe('--kubeconfig /k does not exist');
    expect(missingClusterConfig({}, { ...home, KUBECONFIG: '/a:/b' }, files('/b'))).toBeUndefined();
    // KUBECONFIG set: kubectl does not read ~/.kube/config.
    expect(missingClusterConfig({}, { ...home, KUBECONFIG: '/a' }, files('/home/u/.kube/config'))).toBe('KUBECONFIG (/a) names no file that exists; kubectl would call localhost:8080 instead');
    expect(missingClusterConfig({}, home, files('/home/u/.kube/config'))).toBeUndefined();
    expect(missingClusterConfig({}, { ...home, KUBERNETES_SERVICE_HOST: '10.0.0.1' }, files('/var/run/secrets/kubernetes.io/serviceaccount/token'))).toBeUndefined();
    expect(missingClusterConfig({}, home, files())).toBe('no kubeconfig (--kubeconfig, KUBECONFIG or ~/.kube/config) and not in a cluster; kubectl would call localhost:8080 instead');
  });

  test('the kubectl command selects the InferenceService\'s pods in its namespace, with a bounded wait', () => {
    expect(podSampleArgs({ namespace: 'ml', inferenceService: 'vision', components: ['predictor'], kubeconfig: '/k', context: 'prod' })).toEqual([
      '--kubeconfig', '/k', '--context', 'prod', '-n', 'ml', 'get', 'pods', '-l', 'serving.kserve.io/inferenceservice=vision', '-o', 'json', '--request-timeout=5s',
    ]);
  });
});

describe('runSaturation', () => {
  concurrentTest('steps up the rate on one replica, stops after the first step past saturation, and feeds the advice', async () => {
    let server: V2Server | undefined;
    try {
      // One request at a time, 20 ms each: saturates near 50 per second (less with timer overhead).
      server = await startV2Server(undefined, { latencyMs: 20, workers: 1 });
      const seen: number[] = [];
      const run = await runSaturation({
        // An objective well above 20 ms, so that a step below the knee meets it on a busy machine
        // too; at 90 per second the queue grows to over a second.
        request: { url: server.url, path: PATH, body: EXAMPLE }, rates: [5, 15, 90, 180], stepSeconds: 1.5, sloP95Ms: 400,
        onStep: s => seen.push(s.offeredRps),
      });
      expect(run.steps.map(s => [s.offeredRps, s.problem ?? 'met'])).toEqual([[5, 'met'], [15, 'met'], [90, expect.stringMatching(/over the objective of 400 ms|answered of 90 offered/)]]);
      expect(seen).toEqual([5, 15, 90]);
      expect(run.skippedRates).toEqual([180]);
      expect(server.received).toHaveLength(run.steps.reduce((a, s) => a + s.result.requests.sent, 0));
      for (const s of run.steps) {
        expect(s.step.offeredRps).toBe(s.offeredRps);
        expect(s.step.achievedRps).toBe(s.result.throughput.rps);
        expect(s.step.p95Ms).toBe(s.result.latencyMs!.p95);
        expect(s.result.requests.sent).toBe(Math.ceil(1.5 * s.offeredRps));
      }
      // The advice is adviseAutoscaling on the steps: the knee is the 15 rps step.
      const options = { peakRps: 100, baselineRps: 10 };
      const advice = adviceFromSaturation(run, options);
      expect(advice).toEqual(adviseAutoscaling(run.steps.map(s => s.step), { ...options, sloP95Ms: 400, maxErrorRate: 0.01, metric: KnativeMetric.CONCURRENCY }));
      expect(advice.saturation.rps).toBe(run.steps[1].step.achievedRps);
    } finally {
      await closeAll(server);
    }
  }, 30_000);

  concurrentTest('interrupted in a step: the partial step ends the run and is left out of the advice', async () => {
    let server: V2Server | undefined;
    try {
      server = await startV2Server(undefined, { latencyMs: 5 });
      const controller = new AbortController();
      const run = await runSaturation({
        request: { url: server.url, path: PATH, body: EXAMPLE }, rates: [10, 20, 40], stepSeconds: 1, sloP95Ms: 200, signal: controller.signal,
        onStep: s => { if (s.offeredRps === 10) setTimeout(() => controller.abort(), 300); },
      });
      expect(run.steps.map(s => [s.offeredRps, s.problem])).toEqual([[10, undefined], [20, 'interrupted: a partial step, left out of the advice']]);
      expect(run.steps[1].result.interrupted).toBe(true);
      expect(run.skippedRates).toEqual([40]);
      expect(adviceFromSaturation(run, { peakRps: 50 }).saturation.rps).toBe(run.steps[0].step.achievedRps);
    } finally {
      await closeAll(server);
    }
  }, 20_000);

  concurrentTest('rates must ascend and the objective be positive, all reported together', async () => {
    await expect(runSaturation({ request: { url: 'http://127.0.0.1:1', path: PATH, body: '{}' }, rates: [10, 5, -1], stepSeconds: 0, sloP95Ms: 0 }))
      .rejects.toThrow(['rates must ascend: 5 after 10', 'rates must ascend: -1 after 5', 'sloP95Ms (0) must be a positive number of milliseconds',
        'durationSeconds (0) must be a number above 0 and at most 86400', 'rate (-1) must be a number above 0 and at most 100000'].join('\n'));
  });
});
