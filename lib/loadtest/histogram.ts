/**
 * Latency histograms that merge by adding counts: what lets the results of several runners
 * (the pods of an in-cluster load test) give one set of percentiles, where averaging each
 * runner's p95 would not. Values are kept in microseconds to three significant digits, as
 * HdrHistogram does with `numberOfSignificantValueDigits: 3`: below a millisecond exactly, above
 * it within 0.1 % to 1 % of the value.
 */

/** A histogram as result.json holds it: `[bucket, count]` pairs, ascending, buckets in microseconds. */
export interface LatencyHistogram {
  readonly unit: 'us';
  readonly significantDigits: 3;
  /** Each bucket is its lowest value; it holds values up to the next one (`bucketWidth`). */
  readonly counts: [number, number][];
}

/** The bucket of a value in microseconds: the value cut to three significant digits. */
export function bucketOf(us: number): number {
  const v = Math.max(0, Math.floor(us));
  if (v < 1000) return v;
  const step = 10 ** (Math.floor(Math.log10(v)) - 2);
  return Math.floor(v / step) * step;
}

/** The width of a bucket: 1 µs below 1 ms, then a thousandth to a hundredth of the value. */
export function bucketWidth(bucket: number): number {
  return bucket < 1000 ? 1 : 10 ** (Math.floor(Math.log10(bucket)) - 2);
}

/** Counts latencies (milliseconds) by bucket. */
export class HistogramBuilder {
  private readonly buckets = new Map<number, number>();

  /** Counts one latency in milliseconds. */
  public record(ms: number): void {
    const b = bucketOf(ms * 1000);
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + 1);
  }

  /** Adds the counts of a histogram. */
  public add(h: LatencyHistogram): void {
    for (const [b, n] of h.counts) this.buckets.set(b, (this.buckets.get(b) ?? 0) + n);
  }

  public get count(): number {
    let n = 0;
    for (const c of this.buckets.values()) n += c;
    return n;
  }

  public toJSON(): LatencyHistogram {
    return { unit: 'us', significantDigits: 3, counts: [...this.buckets.entries()].sort((a, b) => a[0] - b[0]) };
  }
}

/** The histogram of some latencies in milliseconds. */
export function histogramOf(latenciesMs: Iterable<number>): LatencyHistogram {
  const b = new HistogramBuilder();
  for (const ms of latenciesMs) b.record(ms);
  return b.toJSON();
}

/** One histogram holding the counts of all. */
export function mergeHistograms(histograms: LatencyHistogram[]): LatencyHistogram {
  const b = new HistogramBuilder();
  for (const h of histograms) b.add(h);
  return b.toJSON();
}

/**
 * The `p`th percentile (nearest rank, as `percentile` of the runner) in milliseconds: the middle
 * of the bucket that holds it, so within half a bucket of the exact value.
 */
export function histogramPercentile(h: LatencyHistogram, p: number): number | undefined {
  const total = h.counts.reduce((a, [, n]) => a + n, 0);
  if (total === 0) return undefined;
  const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
  let seen = 0;
  for (const [b, n] of h.counts) {
    seen += n;
    if (seen >= rank) return (b + (bucketWidth(b) - 1) / 2) / 1000;
  }
  return undefined;
}
