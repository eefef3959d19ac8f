/**
 * Merging the results of several runners: the histogram arithmetic on its own, then three real
 * runner processes (the package bin) side by side against one v2 server on 127.0.0.1 (loopback
 * only; each run bounded), their logs merged by `cdk8s-kserve loadtest merge`, compared with
 * what the server received and with one runner at the whole rate.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bucketOf, bucketWidth, histogramOf, histogramPercentile, LoadTestResult, mergeHistograms, mergeResults, MergeError, percentile } from '../lib/loadtest';
import { startV2Server } from './v2-server';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'cdk8s-kserve.js');
const DIST = path.join(ROOT, 'dist', 'prod');

/** Runs the package bin; resolves with its exit code and output. */
function bin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => execFile(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    (error, stdout, stderr) => resolve({ code: error ? (error as any).code : 0, stdout, stderr })));
}

describe('latency histograms', () => {
  // Deterministic latencies from 0.2 ms to 3 s, spread over several decades.
  const values = Array.from({ length: 30_000 }, (_, i) => 0.2 * 15_000 ** (((i * 7919) % 30_000) / 30_000));

  test('a bucket is the value cut to three significant digits: exact below 1 ms, within 1 % above', () => {
    expect([bucketOf(999), bucketOf(1234), bucketOf(98_765), bucketOf(2_345_678)]).toEqual([999, 1230, 98_700, 2_340_000]);
    for (const us of [1000, 1999, 45_678, 3_000_000]) {
      expect(bucketOf(us)).toBeLessThanOrEqual(us);
      expect(us - bucketOf(us)).toBeLessThan(bucketWidth(bucketOf(us)));
      expect(bucketWidth(bucketOf(us)) / us).toBeLessThanOrEqual(0.01);
    }
  });

  test('merged from three parts, the percentiles are those of all values together, within half a bucket', () => {
    const parts = [values.slice(0, 7000), values.slice(7000, 19_000), values.slice(19_000)];
    const merged = mergeHistograms(parts.map(histogramOf));
    expect(merged).toEqual(histogramOf(values));
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [50, 90, 95, 99, 99.9]) {
      const exact = percentile(sorted, p);
      expect(Math.abs(histogramPercentile(merged, p)! - exact)).toBeLessThanOrEqual(bucketWidth(bucketOf(exact * 1000)) / 2000 + 1e-9);
    }
    // Averaging the parts' p99, as a merge must not, is off by far more.
    const averaged = parts.reduce((a, part) => a + percentile([...part].sort((x, y) => x - y), 99), 0) / 3;
    expect(Math.abs(averaged - percentile(sorted, 99))).toBeGreaterThan(Math.abs(histogramPercentile(merged, 99)! - percentile(sorted, 99)));
  });
});

describe('cdk8s-kserve loadtest merge', () => {
  // 20 to 180 ms by order of arrival, 20 of each in 180 requests: the same spread whoever sends,
  // p50 (rank 90) and p90 (rank 162) inside a level, not on the step between two, and the
  // levels far apart next to the few milliseconds a busy machine adds to either run.
  const latencyMs = (n: number) => 20 + (n % 9) * 20;

  test('three runners side by side, their logs merged: the server\'s counts, each runner\'s own ids, and one runner\'s percentiles', async () => {
    const server = await startV2Server(undefined, { latencyMs });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loadtest-merge-'));
    try {
      // As the Job's pods run it: a third of the rate each, results printed into the log.
      const runs = await Promise.all([0, 1, 2].map(i => bin(['loadtest', server.url, '--from', DIST, '--rate', '20', '--duration', '3', '--no-pods', '--out', '-', '--id-prefix', `runner-${i}-`])));
      runs.forEach((r, i) => {
        expect(r.code).toBe(0);
        fs.writeFileSync(path.join(dir, `runner-${i}.log`), r.stdout + r.stderr);
      });
      const received = server.received.length;
      const merged = await bin(['loadtest', 'merge', ...[0, 1, 2].map(i => path.join(dir, `runner-${i}.log`)), '--out', path.join(dir, 'merged')]);
      expect(merged.stderr).toBe('');
      expect(merged.code).toBe(0);
      const doc = JSON.parse(fs.readFileSync(path.join(dir, 'merged', 'result.json'), 'utf8'));
      const result = doc.result;
      // Counts: what the server received.
      expect(received).toBe(180);
      expect(result.requests).toEqual({ sent: 180, completed: 180, ok: 180, failed: 0 });
      expect(result.statusCodes).toEqual({ 200: 180 });
      expect(result.runners).toBe(3);
      expect(result.load).toMatchObject({ mode: 'rate', rate: 60 });
      expect(result.latencyMs.count).toBe(180);
      // Each runner its own id range, one id per request.
      const ids = server.received.map(r => String(r.headers['x-request-id']));
      expect(new Set(ids).size).toBe(180);
      for (const i of [0, 1, 2]) expect(ids.filter(id => id.startsWith(`runner-${i}-`)).sort()).toEqual(Array.from({ length: 60 }, (_, k) => `runner-${i}-${k + 1}`).sort());
      // The timeline adds up, and the report is written.
      expect(result.timeline.reduce((a: number, p: any) => a + p.ok, 0)).toBe(180);
      expect(fs.readFileSync(path.join(dir, 'merged', 'report.html'), 'utf8')).toContain('3 runners merged');
      expect(merged.stdout).toContain('merged 3 runners: ');
      expect(merged.stdout).toContain('180 sent, 180 answered, 180 ok, 0 failed');

      // Each request took at least as long at its runner as at the server, so every merged
      // percentile is at least the server's own over the same 180 requests (to half a bucket).
      const serverTimes = server.received.slice(0, 180).map(r => r.serverMs!).sort((a, b) => a - b);
      for (const p of [50, 90, 95, 99] as const) expect(result.latencyMs[`p${p}`]).toBeGreaterThanOrEqual(percentile(serverTimes, p) - 0.1);
      // One runner at the whole rate against the same spread of latencies: the merged p50, p90
      // and p95 are within 5 % of its own (a level is 20 ms away: 20 % at p50), and p99, the
      // second slowest of 180 where one pause of either run shows, within 10 %.
      const single = await bin(['loadtest', server.url, '--from', DIST, '--rate', '60', '--duration', '3', '--no-pods', '--out', path.join(dir, 'single')]);
      expect(single.code).toBe(0);
      const one = JSON.parse(fs.readFileSync(path.join(dir, 'single', 'result.json'), 'utf8')).result.latencyMs;
      for (const [p, bound] of [['p50', 0.05], ['p90', 0.05], ['p95', 0.05], ['p99', 0.1]] as const) {
        expect([p, Math.abs(result.latencyMs[p] - one[p]) / one[p] <= bound]).toEqual([p, true]);
      }
      // And each merged figure lies within the runners' own range.
      const own = runs.map(r => JSON.parse(r.stdout.split('\n')[r.stdout.split('\n').indexOf('----- cdk8s-kserve result.json -----') + 1]).result.latencyMs);
      for (const k of ['p50', 'p90', 'p99'] as const) {
        expect(result.latencyMs[k]).toBeGreaterThanOrEqual(Math.min(...own.map(o => o[k])) - 0.5);
        expect(result.latencyMs[k]).toBeLessThanOrEqual(Math.max(...own.map(o => o[k])) + 0.5);
      }
    } finally {
      await server.close();
    }
  }, 60_000);

  test('problems, all at once: a missing file, a log without a result, different targets', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loadtest-merge-bad-'));
    fs.writeFileSync(path.join(dir, 'running.log'), '  1 s  sent 20  ok 20\n');
    const bad = await bin(['loadtest', 'merge', path.join(dir, 'nope.json'), path.join(dir, 'running.log'), '--out', path.join(dir, 'out')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${path.join(dir, 'nope.json')}: no such file\n`);
    expect(bad.stderr).toContain(`${path.join(dir, 'running.log')}: neither a result.json nor a log with one`);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    const base: LoadTestResult = {
      target: { url: 'http://a', path: '/p', requestBytes: 1 }, load: { mode: 'rate', rate: 1, connections: 1, timeoutSeconds: 30 }, startedAt: '2026-12-02T10:00:00.000Z', elapsedSeconds: 1,
      requests: { sent: 0, completed: 0, ok: 0, failed: 0 }, throughput: { rps: 0, okRps: 0 }, statusCodes: {}, errors: {}, failures: [], clientLimited: false, waitedForConnection: 0, timeline: [],
      pods: { sampled: false, components: [], samples: [] },
    };
    expect(() => mergeResults([base, { ...base, target: { ...base.target, url: 'http://b' } }])).toThrow(MergeError);
    expect(() => mergeResults([base, { ...base, target: { ...base.target, url: 'http://b' } }])).toThrow('result 2 loaded http://b/p (Host -), not http://a/p (Host -) as result 1');
  }, 20_000);
});
