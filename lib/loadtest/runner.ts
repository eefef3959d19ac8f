/**
 * The load runner behind `cdk8s-kserve loadtest`: sends a v2 request at a fixed arrival rate
 * (open loop) or a fixed concurrency (closed loop), for a bounded time or count, and measures
 * latency, throughput and errors, while counting the InferenceService's pods with kubectl.
 */
import { randomUUID } from 'crypto';
import { performance } from 'perf_hooks';
import { KnativeMetric } from '../contract/knative-metric';
import { adviseAutoscaling, AutoscalingAdvice, AutoscalingAdviceOptions, SaturationStep, stepProblem } from './advice';
import { histogramOf, LatencyHistogram } from './histogram';
import { Http1Answer, Http1Error, Http1Pool } from './http1';
import { PodCount, PodSamplingOptions, samplePods } from './pod-sampler';

/** What each request is. */
export interface LoadTestRequest {
  /** The ingress gateway (or a forwarded port): `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The path, such as `/v2/models/<name>/infer`. */
  readonly path: string;
  /** The `Host` header: the InferenceService's or a component's host. */
  readonly host?: string;
  /** The JSON body. */
  readonly body: string;
  /**
   * Count a 2xx response whose body has no `"outputs"` as a failure (a v2 answer always has them).
   *
   * @default true
   */
  readonly expectOutputs?: boolean;
}

/** A load test. Give `rate` for an arrival rate, or only `connections` for a concurrency. */
export interface LoadTestOptions {
  readonly request: LoadTestRequest;
  /**
   * Requests per second, started on schedule whether or not earlier ones have answered (open
   * loop, as independent clients arrive). Latency counts from the scheduled start, so a server
   * that falls behind shows it.
   */
  readonly rate?: number;
  /**
   * With `rate`: the most requests in flight at once (connections to the gateway); more wait for
   * a free connection, and the result counts them (`waitedForConnection`). Without `rate`: the
   * number of clients that each send a request as soon as their previous one answers (closed loop).
   *
   * @default 100 with `rate`, else 10
   */
  readonly connections?: number;
  /**
   * Seconds to send for. With `count` too, whichever comes first ends it.
   *
   * @default 30 unless `count` is given
   */
  readonly durationSeconds?: number;
  /** Requests to send in all. */
  readonly count?: number;
  /**
   * Seconds to reach full load, part of `durationSeconds`: with `rate`, the arrival rate grows
   * evenly from 0; with a concurrency, the clients start one after another. Autoscaling sees
   * load arrive as it does in production, instead of a step.
   *
   * @default 0
   */
  readonly rampUpSeconds?: number;
  /**
   * Seconds a request may take before it counts as a `timeout`.
   *
   * @default 30
   */
  readonly timeoutSeconds?: number;
  /**
   * The id of each request, sent as `x-request-id` and `ce-id` (the logged CloudEvents carry it).
   *
   * @default a new UUID per request
   */
  readonly requestIds?: () => string;
  /** Count the InferenceService's ready pods per component during the run, with kubectl. */
  readonly pods?: PodSamplingOptions;
  /** Called once a second while the test runs. */
  readonly onProgress?: (progress: LoadTestProgress) => void;
  /**
   * Stops sending when aborted (Ctrl-C): the requests in flight are still awaited, and the
   * result covers what was sent, with `interrupted` set.
   */
  readonly signal?: AbortSignal;
  /**
   * `https` only: accept any server certificate (a gateway with a self-signed one).
   *
   * @default false
   */
  readonly insecure?: boolean;
}

/** The state of a running test, once a second. */
export interface LoadTestProgress {
  readonly second: number;
  readonly sent: number;
  readonly completed: number;
  readonly ok: number;
  readonly failed: number;
  readonly inFlight: number;
  /** Responses in the last second. */
  readonly rps: number;
  /** p95 latency of the last second's successful responses, milliseconds. */
  readonly p95Ms?: number;
  /** The latest pod count, if pods are sampled. */
  readonly pods?: PodCount;
}

/** Latency figures in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** One second of a run, by the time responses arrived. */
export interface TimelinePoint {
  /** Seconds since the start; this point covers [second, second + 1). */
  readonly second: number;
  /** Requests started. */
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  /** Latency of the successful responses, when there were any. */
  readonly p50?: number;
  readonly p90?: number;
  readonly p95?: number;
  readonly p99?: number;
  /** The successful responses' latencies, mergeable with other runners' (`mergeResults`). */
  readonly histogram?: LatencyHistogram;
}

/** A pod count at a moment of the run. */
export interface PodSample extends PodCount {
  /** Seconds since the start. */
  readonly second: number;
}

/** What a load test measured. */
export interface LoadTestResult {
  readonly target: { readonly url: string; readonly path: string; readonly host?: string; readonly requestBytes: number };
  readonly load: {
    readonly mode: 'rate' | 'concurrency';
    readonly rate?: number;
    readonly connections: number;
    readonly durationSeconds?: number;
    readonly count?: number;
    readonly rampUpSeconds?: number;
    readonly timeoutSeconds: number;
  };
  /** When the run started (this machine's clock, ISO 8601): runners merged are lined up by it. */
  readonly startedAt: string;
  /** From the first request to the last answer. */
  readonly elapsedSeconds: number;
  readonly requests: {
    readonly sent: number;
    /** Answered with an HTTP status (any). */
    readonly completed: number;
    /** 2xx with a v2 body. */
    readonly ok: number;
    /** Everything else: other statuses, bodies without outputs, timeouts, connection errors. */
    readonly failed: number;
  };
  /** Per second over `elapsedSeconds`: all answers, and successful ones. */
  readonly throughput: { readonly rps: number; readonly okRps: number };
  /** Latency of the successful responses; absent when there were none. */
  readonly latencyMs?: LatencySummary;
  /** The same latencies as a histogram, which merges with other runners' (`mergeResults`). */
  readonly latencyHistogram?: LatencyHistogram;
  /** Set on a result merged from several runners (`mergeResults`): how many. */
  readonly runners?: number;
  /** HTTP status codes of all answers. */
  readonly statusCodes: Record<string, number>;
  /** Failures by kind: `HTTP 503`, `HTTP 200 without "outputs"`, `timeout`, `connection error (ECONNRESET)`. */
  readonly errors: Record<string, number>;
  /** The first failures, with their request ids (look them up in the message dumper's log). */
  readonly failures: { readonly requestId: string; readonly error: string; readonly ms: number }[];
  /**
   * With `rate`: the runner itself fell behind its schedule. More than 1 % of the requests that
   * had a free connection left over `LATE_MS` after their scheduled time (this machine's CPU
   * or event loop, not the server): the figures then understate the load offered.
   */
  readonly clientLimited: boolean;
  /**
   * With `rate`: requests that found every connection busy and waited for one. The server fell
   * behind the rate (its answers take longer than `connections / rate`), or `connections` is
   * too low. Their latency includes the wait, counted from their scheduled time.
   */
  readonly waitedForConnection: number;
  /**
   * With `rate`: how late requests left against their scheduled time when a connection was
   * free, milliseconds (the runner's own timing; part of each latency).
   */
  readonly sendLagMs?: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Why the run stopped early, such as a refused connection. */
  readonly aborted?: string;
  /** The run was stopped by `signal` before its end. */
  readonly interrupted?: boolean;
  readonly timeline: TimelinePoint[];
  readonly pods: {
    readonly sampled: boolean;
    /** Why pods were not counted, or how many samples failed. */
    readonly note?: string;
    readonly components: string[];
    readonly samples: PodSample[];
  };
}

/** Bad options, all problems at once. */
export class LoadTestError extends Error {
  public constructor(public readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'LoadTestError';
  }
}

/** The `p`th percentile of ascending values (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Latency figures of some values, milliseconds to the microsecond. */
export function summarize(values: number[]): LatencySummary | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    min: round3(sorted[0]),
    mean: round3(sum / sorted.length),
    p50: round3(percentile(sorted, 50)),
    p90: round3(percentile(sorted, 90)),
    p95: round3(percentile(sorted, 95)),
    p99: round3(percentile(sorted, 99)),
    max: round3(sorted[sorted.length - 1]),
  };
}

const LIMITS = { rate: 100_000, connections: 10_000, durationSeconds: 86_400, count: 10_000_000, timeoutSeconds: 3_600 };

/**
 * How many requests a rate schedule has made due by `t` seconds: `rate × t`, or with a ramp of
 * `ramp` seconds, `rate × t² / (2 × ramp)` during it and `rate × (t − ramp / 2)` after.
 */
export function scheduledCount(t: number, rate: number, ramp = 0): number {
  if (ramp <= 0) return rate * t;
  return t < ramp ? (rate * t * t) / (2 * ramp) : rate * (t - ramp / 2);
}

/** When request `i` (from 0) of a rate schedule is due, seconds: the inverse of `scheduledCount`. */
export function scheduledTime(i: number, rate: number, ramp = 0): number {
  if (ramp <= 0) return i / rate;
  const duringRamp = (rate * ramp) / 2;
  return i < duringRamp ? Math.sqrt((2 * ramp * i) / rate) : ramp + (i - duringRamp) / rate;
}

/** Problems with a test's options, each naming the option, its value and what is expected. */
export function loadTestProblems(options: Partial<Pick<LoadTestOptions, 'request' | 'rate' | 'connections' | 'durationSeconds' | 'count' | 'timeoutSeconds' | 'rampUpSeconds'>>): string[] {
  const problems: string[] = [];
  const check = (name: keyof typeof LIMITS, value: number | undefined, whole: boolean) => {
    if (value === undefined) return;
    const ok = Number.isFinite(value) && value > 0 && value <= LIMITS[name] && (!whole || Number.isInteger(value));
    if (!ok) problems.push(`${name} (${value}) must be a ${whole ? 'whole ' : ''}number above 0 and at most ${LIMITS[name]}`);
  };
  check('rate', options.rate, false);
  check('connections', options.connections, true);
  check('durationSeconds', options.durationSeconds, false);
  check('count', options.count, true);
  check('timeoutSeconds', options.timeoutSeconds, false);
  const ramp = options.rampUpSeconds;
  if (ramp !== undefined && !(Number.isFinite(ramp) && ramp >= 0 && ramp <= (options.durationSeconds ?? LIMITS.durationSeconds))) {
    problems.push(`rampUpSeconds (${ramp}) must be from 0 to ${options.durationSeconds !== undefined ? `durationSeconds (${options.durationSeconds})` : LIMITS.durationSeconds}`);
  }
  if (options.request && !/^https?:\/\/[^/\s]+$/.test(options.request.url.replace(/\/+$/, ''))) {
    problems.push(`request.url (${options.request.url}) must be http:// or https:// and a host, without a path`);
  }
  if (options.request && !options.request.path.startsWith('/')) problems.push(`request.path (${options.request.path}) must start with /`);
  return problems;
}

/** Connection errors that mean nothing listens there: the run stops if no request has been answered. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A request that leaves this many milliseconds after its scheduled time, a connection being free, is late. */
export const LATE_MS = 10;

/**
 * Below this interval between requests (milliseconds) the rate scheduler sleeps on a timer and
 * sends what is due when it wakes (Node's timers wake about a millisecond late); at longer
 * intervals it wakes 1.5 ms early and waits for the exact time on the event loop (setImmediate),
 * which costs that much CPU per request but puts each request within a few microseconds of its
 * time: at 10 requests per second a timer's lateness would be most of the runner's own latency.
 */
const SPIN_ABOVE_INTERVAL_MS = 4;
const SPIN_MS = 1.5;

const OUTPUTS = Buffer.from('"outputs"');

interface Bucket { sent: number; ok: number; failed: number; latencies: number[] }

/**
 * Runs one load test and returns what it measured. Traffic goes only to `request.url`.
 *
 * @throws LoadTestError when the options are out of range
 */
export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const problems = loadTestProblems(options);
  if (problems.length > 0) throw new LoadTestError(problems);
  const mode = options.rate !== undefined ? 'rate' : 'concurrency';
  const connections = options.connections ?? (mode === 'rate' ? 100 : 10);
  const count = options.count;
  const durationSeconds = options.durationSeconds ?? (count === undefined ? 30 : undefined);
  const timeoutSeconds = options.timeoutSeconds ?? 30;
  const expectOutputs = options.request.expectOutputs ?? true;
  const nextId = options.requestIds ?? randomUUID;
  const origin = options.request.url.replace(/\/+$/, '');
  const body = Buffer.from(options.request.body);
  const timeoutMs = timeoutSeconds * 1000;
  const pool = new Http1Pool({
    origin,
    connections,
    timeoutMs,
    // TLS: the Host header's name in SNI, as a browser or curl would send it; gateways route on it.
    servername: options.request.host ? options.request.host.replace(/:\d+$/, '') : undefined,
    insecure: options.insecure,
  });
  // The request head but for its ids: HTTP/1.1 needs a Host, the URL's when none is given.
  const headStart = `POST ${options.request.path} HTTP/1.1\r\nhost: ${options.request.host ?? new URL(origin).host}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nx-request-id: `;

  const buckets: Bucket[] = [];
  const bucket = (ms: number) => {
    const s = Math.max(0, Math.floor(ms / 1000));
    while (buckets.length <= s) buckets.push({ sent: 0, ok: 0, failed: 0, latencies: [] });
    return buckets[s];
  };
  const okLatencies: number[] = [];
  const sendLags: number[] = [];
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const failures: LoadTestResult['failures'] = [];
  let sent = 0;
  let completed = 0;
  let ok = 0;
  let failed = 0;
  let waitedForConnection = 0;
  let late = 0;
  let aborted: string | undefined;
  let stopping = false;
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    stopping = true;
  };
  if (options.signal?.aborted) interrupt();
  options.signal?.addEventListener('abort', interrupt, { once: true });
  let lastAnswer = 0;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const since = (t: number) => t - t0;

  const fail = (id: string, kind: string, ms: number, at: number) => {
    failed++;
    errors[kind] = (errors[kind] ?? 0) + 1;
    bucket(since(at)).failed++;
    if (failures.length < 20) failures.push({ requestId: id, error: kind, ms: round3(ms) });
  };

  /**
   * Sends one request; its latency counts from `offset` ms after the start (its scheduled time
   * with a rate). `then` runs once it has its answer or its failure.
   */
  const send = (offset: number, then?: () => void): void => {
    const start = t0 + offset;
    const id = nextId();
    sent++;
    bucket(offset).sent++;
    inFlight++;
    const finished = () => {
      inFlight--;
      if (inFlight === 0 && drained) drained();
      then?.();
    };
    if (/[\r\n]/.test(id)) {
      const end = performance.now();
      fail(id.replace(/[\r\n]/g, ' '), 'a request id with a line break', end - start, end);
      finished();
      return;
    }
    const queued = pool.request(`${headStart}${id}\r\nce-id: ${id}\r\n\r\n`, body, (error?: Http1Error, answer?: Http1Answer) => {
      const end = performance.now();
      const ms = end - start;
      if (error || !answer) {
        const code = error?.code;
        if (code !== undefined && UNREACHABLE.has(code) && completed === 0 && !aborted) {
          aborted = `cannot connect to ${origin}: ${error!.message}`;
          stopping = true;
        }
        fail(id, code === 'TIMEOUT' ? 'timeout' : `connection error (${code ?? error?.message})`, ms, end);
      } else {
        completed++;
        lastAnswer = end;
        const status = answer.status;
        statusCodes[status] = (statusCodes[status] ?? 0) + 1;
        if (status < 200 || status > 299) fail(id, `HTTP ${status}`, ms, end);
        else if (expectOutputs && answer.body.indexOf(OUTPUTS) < 0) fail(id, `HTTP ${status} without "outputs"`, ms, end);
        else {
          ok++;
          okLatencies.push(ms);
          const b = bucket(since(end));
          b.ok++;
          b.latencies.push(ms);
        }
      }
      finished();
    });
    if (mode === 'rate') {
      if (queued) waitedForConnection++;
      else {
        // How late it left: the runner's own timing, while a connection was free.
        const lag = performance.now() - start;
        sendLags.push(lag);
        if (lag > LATE_MS) late++;
      }
    }
  };
  // Pods: a sample now, then every interval, and one at the end.
  const podSamples: PodSample[] = [];
  let podNote: string | undefined;
  let podsSampled = options.pods !== undefined;
  let failedSamples = 0;
  let latestPods: PodCount | undefined;
  let podTimer: NodeJS.Timeout | undefined;
  let podSampling: Promise<void> = Promise.resolve();
  const samplePodsOnce = async () => {
    if (!options.pods || !podsSampled) return;
    const at = since(performance.now());
    const count = await samplePods(options.pods);
    if ('error' in count) {
      if (podSamples.length === 0) {
        podsSampled = false;
        podNote = `pods not counted: ${count.error}`;
      } else {
        failedSamples++;
      }
      return;
    }
    latestPods = count;
    podSamples.push({ second: round3(at / 1000), ...count });
  };
  if (options.pods) {
    podSampling = samplePodsOnce();
    let busy = true;
    podSampling = podSampling.finally(() => { busy = false; });
    podTimer = setInterval(() => {
      // A slow API server skips samples rather than queueing them behind each other.
      if (busy) return;
      busy = true;
      podSampling = samplePodsOnce().finally(() => { busy = false; });
    }, (options.pods.intervalSeconds ?? 5) * 1000);
  }

  let lastProgress = { completed: 0 };
  const progressTimer = options.onProgress && setInterval(() => {
    const second = Math.round(since(performance.now()) / 1000);
    const last = buckets[second - 1];
    const lastSorted = last ? Float64Array.from(last.latencies).sort() : undefined;
    options.onProgress!({
      second, sent, completed, ok, failed, inFlight,
      rps: completed - lastProgress.completed,
      p95Ms: lastSorted && lastSorted.length > 0 ? round3(percentile(lastSorted, 95)) : undefined,
      pods: latestPods,
    });
    lastProgress = { completed };
  }, 1000);

  const endAt = durationSeconds === undefined ? Infinity : durationSeconds * 1000;
  const budget = count ?? Infinity;
  const ramp = options.rampUpSeconds ?? 0;
  if (mode === 'rate') {
    const rate = options.rate!;
    const total = Math.min(budget, durationSeconds === undefined ? Infinity : Math.ceil(scheduledCount(durationSeconds, rate, ramp) - 1e-9));
    await new Promise<void>(resolve => {
      const tick = () => {
        // Every request whose scheduled time has come, each with that time as its start.
        let due = scheduledTime(sent, rate, ramp) * 1000;
        while (sent < total && !stopping && due <= since(performance.now())) {
          send(due);
          due = scheduledTime(sent, rate, ramp) * 1000;
        }
        if (sent >= total || stopping) {
          resolve();
          return;
        }
        const wait = due - since(performance.now());
        const interval = due - scheduledTime(sent - 1, rate, ramp) * 1000;
        if (interval >= SPIN_ABOVE_INTERVAL_MS && wait <= SPIN_MS) setImmediate(tick);
        else if (interval >= SPIN_ABOVE_INTERVAL_MS) setTimeout(tick, wait - SPIN_MS);
        else setTimeout(tick, Math.max(0, wait));
      };
      tick();
    });
  } else {
    const deadline = setTimeout(() => { stopping = true; }, Math.min(endAt, 2 ** 31 - 1));
    // Each client sends its next request from its previous one's answer, without a promise per request.
    const client = (k: number) => new Promise<void>(resolve => {
      const next = () => {
        if (stopping || sent >= budget || since(performance.now()) >= endAt) resolve();
        else send(since(performance.now()), next);
      };
      // With a ramp, client k joins k/connections of the way through it.
      if (ramp > 0 && k > 0) setTimeout(next, (k * ramp * 1000) / connections);
      else next();
    });
    await Promise.all(Array.from({ length: connections }, (_, k) => client(k)));
    clearTimeout(deadline);
  }
  const sendingEnded = performance.now();
  options.signal?.removeEventListener('abort', interrupt);
  // Every request sent gets its answer or its timeout.
  if (inFlight > 0) await new Promise<void>(resolve => { drained = resolve; });
  // The window is the schedule (with a rate) or the sending, extended to the last answer.
  const scheduledEnd = mode === 'rate' && !aborted && !interrupted ? t0 + scheduledTime(sent, options.rate!, ramp) * 1000 : t0;
  const end = Math.max(lastAnswer, scheduledEnd, sendingEnded);
  if (progressTimer) clearInterval(progressTimer);
  if (podTimer) clearInterval(podTimer);
  await podSampling;
  if (options.pods && podsSampled) await samplePodsOnce();
  pool.destroy();

  if (podsSampled && failedSamples > 0) podNote = `${failedSamples} of ${podSamples.length + failedSamples} samples failed`;
  const elapsedSeconds = round3(Math.max(since(end), 1) / 1000);
  const timeline: TimelinePoint[] = buckets.map((b, second) => {
    const sorted = Float64Array.from(b.latencies).sort();
    const figures = sorted.length === 0 ? {} : {
      p50: round3(percentile(sorted, 50)), p90: round3(percentile(sorted, 90)), p95: round3(percentile(sorted, 95)), p99: round3(percentile(sorted, 99)),
    };
    return { second, sent: b.sent, ok: b.ok, failed: b.failed, ...figures, ...(sorted.length > 0 ? { histogram: histogramOf(sorted) } : {}) };
  });
  const lag = summarize(sendLags);
  return {
    target: { url: origin, path: options.request.path, ...(options.request.host ? { host: options.request.host } : {}), requestBytes: body.length },
    load: { mode, ...(options.rate !== undefined ? { rate: options.rate } : {}), connections, ...(durationSeconds !== undefined ? { durationSeconds } : {}), ...(count !== undefined ? { count } : {}), ...(ramp > 0 ? { rampUpSeconds: ramp } : {}), timeoutSeconds },
    startedAt,
    elapsedSeconds,
    requests: { sent, completed, ok, failed },
    throughput: { rps: round3(completed / elapsedSeconds), okRps: round3(ok / elapsedSeconds) },
    ...(okLatencies.length > 0 ? { latencyMs: summarize(okLatencies), latencyHistogram: histogramOf(okLatencies) } : {}),
    statusCodes,
    errors,
    failures,
    // The runner fell behind: more than 1 % of the requests with a free connection left late (and at least 3).
    clientLimited: late >= 3 && late > sendLags.length / 100,
    waitedForConnection,
    ...(lag ? { sendLagMs: { p50: lag.p50, p99: lag.p99, max: lag.max } } : {}),
    ...(aborted ? { aborted } : {}),
    ...(interrupted ? { interrupted } : {}),
    timeline,
    pods: { sampled: podsSampled, ...(podNote ? { note: podNote } : {}), components: options.pods?.components ?? [], samples: podSamples },
  };
}

/** The share of sent requests that failed, 0 to 1. */
export function errorRate(result: LoadTestResult): number {
  return result.requests.sent === 0 ? 0 : result.requests.failed / result.requests.sent;
}

/** A saturation run: the same request at increasing rates against one replica. */
export interface SaturationOptions extends Omit<LoadTestOptions, 'rate' | 'count' | 'durationSeconds' | 'rampUpSeconds' | 'onProgress'> {
  /** Requests per second of each step, ascending. */
  readonly rates: number[];
  /** Seconds of each step. */
  readonly stepSeconds: number;
  /** The objective: p95 latency in milliseconds. */
  readonly sloP95Ms: number;
  /**
   * A step with more failures than this is past saturation.
   *
   * @default 0.01
   */
  readonly maxErrorRate?: number;
  /** Called once a second within each step (steps count from 0). */
  readonly onProgress?: (step: number, progress: LoadTestProgress) => void;
  /** Called after each step. */
  readonly onStep?: (step: SaturationStepResult) => void;
}

/** One step of a saturation run. */
export interface SaturationStepResult {
  readonly offeredRps: number;
  /** The figures `adviseAutoscaling` takes. */
  readonly step: SaturationStep;
  /** Why the step is past saturation, if it is. */
  readonly problem?: string;
  readonly result: LoadTestResult;
}

/** What a saturation run measured. */
export interface SaturationResult {
  readonly sloP95Ms: number;
  readonly maxErrorRate: number;
  readonly steps: SaturationStepResult[];
  /** The steps not run because an earlier one was already past saturation. */
  readonly skippedRates: number[];
}

/**
 * Runs the steps in order and stops after the first one past saturation (over the p95
 * objective, over the error budget, or behind its offered rate): one step beyond the knee is
 * all the advice needs, and more would only overload the replica.
 */
export async function runSaturation(options: SaturationOptions): Promise<SaturationResult> {
  const problems: string[] = [];
  if (options.rates.length === 0) problems.push('rates must not be empty');
  options.rates.forEach((r, i) => {
    if (i > 0 && !(r > options.rates[i - 1])) problems.push(`rates must ascend: ${r} after ${options.rates[i - 1]}`);
  });
  if (!(options.sloP95Ms > 0)) problems.push(`sloP95Ms (${options.sloP95Ms}) must be a positive number of milliseconds`);
  const maxErrorRate = options.maxErrorRate ?? 0.01;
  if (!(maxErrorRate >= 0 && maxErrorRate < 1)) problems.push(`maxErrorRate (${maxErrorRate}) must be from 0 to below 1`);
  problems.push(...loadTestProblems({ request: options.request, connections: options.connections, timeoutSeconds: options.timeoutSeconds, durationSeconds: options.stepSeconds }), ...options.rates.flatMap(rate => loadTestProblems({ rate })));
  if (problems.length > 0) throw new LoadTestError(problems);
  const steps: SaturationStepResult[] = [];
  let pods = options.pods;
  for (const [i, rate] of options.rates.entries()) {
    const result = await runLoadTest({
      ...options, pods, rate, durationSeconds: options.stepSeconds,
      onProgress: options.onProgress && (p => options.onProgress!(i, p)),
    });
    // Once kubectl has failed, later steps do not try again.
    if (!result.pods.sampled) pods = undefined;
    const step: SaturationStep = {
      offeredRps: rate,
      achievedRps: result.throughput.rps,
      p95Ms: result.latencyMs?.p95 ?? Infinity,
      errorRate: round3(errorRate(result)),
    };
    const problem = result.aborted ?? (result.interrupted ? 'interrupted: a partial step, left out of the advice' : stepProblem(step, { sloP95Ms: options.sloP95Ms, maxErrorRate }));
    const stepResult: SaturationStepResult = { offeredRps: rate, step, ...(problem ? { problem } : {}), result };
    steps.push(stepResult);
    options.onStep?.(stepResult);
    if (problem) break;
  }
  return { sloP95Ms: options.sloP95Ms, maxErrorRate, steps, skippedRates: options.rates.slice(steps.length) };
}

/** The steps whose figures count: all but an interrupted (partial) one. */
function measuredSteps(run: SaturationResult): SaturationStepResult[] {
  return run.steps.filter(s => !s.result.interrupted);
}

/** Autoscaling advice from a saturation run, with the run's objective and error budget. */
export function adviceFromSaturation(run: SaturationResult, options: Omit<AutoscalingAdviceOptions, 'sloP95Ms' | 'maxErrorRate'>): AutoscalingAdvice {
  return adviseAutoscaling(measuredSteps(run).map(s => s.step), { ...options, sloP95Ms: run.sloP95Ms, maxErrorRate: run.maxErrorRate, metric: options.metric ?? KnativeMetric.CONCURRENCY });
}
