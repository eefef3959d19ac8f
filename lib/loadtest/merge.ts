/**
 * One result from the results of several runners that loaded the same target at the same time
 * (the pods of an in-cluster load test, each at its share of the rate): counts are added, and
 * percentiles come from the runners' histograms added together, never from averaging their
 * percentiles.
 */
import { HistogramBuilder, histogramPercentile, LatencyHistogram, mergeHistograms } from './histogram';
import { LatencySummary, LoadTestResult, PodSample, TimelinePoint } from './runner';

/** Results that cannot be merged, all problems at once. */
export class MergeError extends Error {
  public constructor(public readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'MergeError';
  }
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

const add = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

/** Percentile figures of a histogram, with the exact min, max and mean given. */
function summaryOf(h: LatencyHistogram, exact: { min: number; max: number; mean: number }): LatencySummary {
  const count = h.counts.reduce((a, [, n]) => a + n, 0);
  // A bucket's middle may lie past the exact extremes: keep every figure within them.
  const p = (q: number) => round3(Math.min(exact.max, Math.max(exact.min, histogramPercentile(h, q)!)));
  return { count, min: round3(exact.min), mean: round3(exact.mean), p50: p(50), p90: p(90), p95: p(95), p99: p(99), max: round3(exact.max) };
}

/**
 * Merges the results of runners that ran side by side against the same target: requests,
 * statuses and failures added, latency percentiles from the sum of their histograms (each
 * within half a histogram bucket, 0.05 % to 0.5 %, of the percentile of all latencies
 * together), min and max exact, the mean weighted by count, and the timelines lined up by each
 * runner's start. The window is from the first runner's start to the last one's end.
 *
 * @throws MergeError when the results have different targets or lack histograms
 */
export function mergeResults(results: LoadTestResult[]): LoadTestResult {
  const problems: string[] = [];
  if (results.length === 0) problems.push('no results to merge');
  const first = results[0];
  results.forEach((r, i) => {
    if (r.target.url !== first.target.url || r.target.path !== first.target.path || r.target.host !== first.target.host) {
      problems.push(`result ${i + 1} loaded ${r.target.url}${r.target.path} (Host ${r.target.host ?? '-'}), not ${first.target.url}${first.target.path} (Host ${first.target.host ?? '-'}) as result 1`);
    }
    if (r.load.mode !== first.load.mode) problems.push(`result ${i + 1} ran at a ${r.load.mode}, result 1 at a ${first.load.mode}`);
    if (!r.startedAt || Number.isNaN(Date.parse(r.startedAt))) problems.push(`result ${i + 1} has no startedAt (written by an older runner)`);
    if (r.requests.ok > 0 && !r.latencyHistogram) problems.push(`result ${i + 1} has no latencyHistogram (written by an older runner)`);
  });
  if (problems.length > 0) throw new MergeError(problems);

  const starts = results.map(r => Date.parse(r.startedAt));
  const t0 = Math.min(...starts);
  const end = Math.max(...results.map((r, i) => starts[i] + r.elapsedSeconds * 1000));
  const elapsedSeconds = round3((end - t0) / 1000);
  const sum = (f: (r: LoadTestResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const requests = { sent: sum(r => r.requests.sent), completed: sum(r => r.requests.completed), ok: sum(r => r.requests.ok), failed: sum(r => r.requests.failed) };
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const r of results) {
    add(statusCodes, r.statusCodes);
    add(errors, r.errors);
  }

  const withLatency = results.filter(r => r.latencyMs && r.latencyHistogram);
  const histogram = mergeHistograms(withLatency.map(r => r.latencyHistogram!));
  const latencyMs = withLatency.length === 0 ? undefined : summaryOf(histogram, {
    min: Math.min(...withLatency.map(r => r.latencyMs!.min)),
    max: Math.max(...withLatency.map(r => r.latencyMs!.max)),
    mean: withLatency.reduce((a, r) => a + r.latencyMs!.mean * r.latencyMs!.count, 0) / withLatency.reduce((a, r) => a + r.latencyMs!.count, 0),
  });

  // Timelines: each runner's second s is the merged second s + its start's offset.
  const seconds = new Map<number, { sent: number; ok: number; failed: number; histogram: HistogramBuilder }>();
  results.forEach((r, i) => {
    const offset = Math.round((starts[i] - t0) / 1000);
    for (const p of r.timeline) {
      const at = p.second + offset;
      const s = seconds.get(at) ?? { sent: 0, ok: 0, failed: 0, histogram: new HistogramBuilder() };
      s.sent += p.sent;
      s.ok += p.ok;
      s.failed += p.failed;
      if (p.histogram) s.histogram.add(p.histogram);
      seconds.set(at, s);
    }
  });
  const last = Math.max(-1, ...seconds.keys());
  const timeline: TimelinePoint[] = Array.from({ length: last + 1 }, (_, second) => {
    const s = seconds.get(second);
    if (!s) return { second, sent: 0, ok: 0, failed: 0 };
    const h = s.histogram.toJSON();
    const figures = s.histogram.count === 0 ? {} : {
      p50: round3(histogramPercentile(h, 50)!), p90: round3(histogramPercentile(h, 90)!), p95: round3(histogramPercentile(h, 95)!), p99: round3(histogramPercentile(h, 99)!), histogram: h,
    };
    return { second, sent: s.sent, ok: s.ok, failed: s.failed, ...figures };
  });

  // Pods: every runner counts the same InferenceService; the one with the most samples stands for all.
  const podsFrom = results.reduce((best, r) => (r.pods.samples.length > best.pods.samples.length ? r : best), first);
  const podOffset = (Date.parse(podsFrom.startedAt) - t0) / 1000;
  const samples: PodSample[] = podsFrom.pods.samples.map(s => ({ ...s, second: round3(s.second + podOffset) }));
  const lags = results.filter(r => r.sendLagMs).map(r => r.sendLagMs!);
  const aborted = results.map(r => r.aborted).filter((a): a is string => a !== undefined);

  return {
    target: first.target,
    load: {
      mode: first.load.mode,
      ...(first.load.rate !== undefined ? { rate: round3(sum(r => r.load.rate ?? 0)) } : {}),
      connections: sum(r => r.load.connections),
      ...(results.some(r => r.load.durationSeconds !== undefined) ? { durationSeconds: Math.max(...results.map(r => r.load.durationSeconds ?? 0)) } : {}),
      ...(results.some(r => r.load.count !== undefined) ? { count: sum(r => r.load.count ?? 0) } : {}),
      ...(first.load.rampUpSeconds !== undefined ? { rampUpSeconds: first.load.rampUpSeconds } : {}),
      timeoutSeconds: Math.max(...results.map(r => r.load.timeoutSeconds)),
    },
    startedAt: new Date(t0).toISOString(),
    elapsedSeconds,
    requests,
    throughput: { rps: round3(requests.completed / Math.max(elapsedSeconds, 1e-3)), okRps: round3(requests.ok / Math.max(elapsedSeconds, 1e-3)) },
    ...(latencyMs ? { latencyMs, latencyHistogram: histogram } : {}),
    statusCodes,
    errors,
    failures: results.flatMap(r => r.failures).slice(0, 20),
    // Any runner that fell behind its schedule makes the whole load less even than asked.
    clientLimited: results.some(r => r.clientLimited),
    waitedForConnection: sum(r => r.waitedForConnection ?? 0),
    // The worst runner's: percentiles of different runners do not add up.
    ...(lags.length > 0 ? { sendLagMs: { p50: Math.max(...lags.map(l => l.p50)), p99: Math.max(...lags.map(l => l.p99)), max: Math.max(...lags.map(l => l.max)) } } : {}),
    ...(aborted.length > 0 ? { aborted: aborted.join('; ') } : {}),
    ...(results.some(r => r.interrupted) ? { interrupted: true } : {}),
    timeline,
    pods: {
      sampled: podsFrom.pods.sampled,
      ...(podsFrom.pods.note ? { note: podsFrom.pods.note } : {}),
      components: podsFrom.pods.components,
      samples,
    },
    runners: results.length,
  };
}
