/**
 * The load runner behind `cdk8s-kserve loadtest`: sends a v2 request at a fixed arrival rate
 * (open loop) or a fixed concurrency (closed loop), for a bounded time or count, and measures
 * latency, throughput and errors, while counting the InferenceService's pods with kubectl.
 */
import { randomUUID } from 'crypto';
import { performance } from 'perf_hooks';
import { KnativeMetric } from '../contract/knative-metric';
import { adviseAutoscaling, AutoscalingAdvice, AutoscalingAdviceOptions, SaturationStep, stepProblem } from './advice';
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
   * a free connection, and the result says so (`clientLimited`). Without `rate`: the number of
   * clients that each send a request as soon as their previous one answers (closed loop).
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
  /** HTTP status codes of all answers. */
  readonly statusCodes: Record<string, number>;
  /** Failures by kind: `HTTP 503`, `HTTP 200 without "outputs"`, `timeout`, `connection error (ECONNRESET)`. */
  readonly errors: Record<string, number>;
  /** The first failures, with their request ids (look them up in the message dumper's log). */
  readonly failures: { readonly requestId: string; readonly error: string; readonly ms: number }[];
  /** With `rate`: some requests waited for a free connection (the server fell behind, or `connections` is too low). */
  readonly clientLimited: boolean;
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
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

interface Bucket { sent: number; ok: number; failed: number; latencies: number[] }

/**
 * Runs one load test and returns what it measured. Traffic goes only to `request.url`.
 *
 * @throws LoadTestError when the options are out of range
 */
export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const problems = loadTestProblems(options);
  if (problems.length > 0) throw new LoadTestError(problems);
  // Loaded here, not at the top, so that synthesizing charts never loads the HTTP client.
  const { Pool } = await import('undici');
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
  const pool = new Pool(origin, {
    connections,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: {
      timeout: Math.min(timeoutMs, 10_000),
      // TLS: the Host header's name in SNI, as a browser or curl would send it; gateways route on it.
      ...(options.request.host ? { servername: options.request.host.replace(/:\d+$/, '') } : {}),
      ...(options.insecure ? { rejectUnauthorized: false } : {}),
    },
  });

  const buckets: Bucket[] = [];
  const bucket = (ms: number) => {
    const s = Math.max(0, Math.floor(ms / 1000));
    while (buckets.length <= s) buckets.push({ sent: 0, ok: 0, failed: 0, latencies: [] });
    return buckets[s];
  };
  const okLatencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const failures: LoadTestResult['failures'] = [];
  let sent = 0;
  let completed = 0;
  let ok = 0;
  let failed = 0;
  let clientLimited = false;
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
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  const since = (t: number) => t - t0;

  const fail = (id: string, kind: string, ms: number, at: number) => {
    failed++;
    errors[kind] = (errors[kind] ?? 0) + 1;
    bucket(since(at)).failed++;
    if (failures.length < 20) failures.push({ requestId: id, error: kind, ms: round3(ms) });
  };

  /** Sends one request; its latency counts from `offset` ms after the start (its scheduled time with a rate). */
  const send = (offset: number): Promise<void> => {
    const start = t0 + offset;
    const id = nextId();
    sent++;
    bucket(offset).sent++;
    if (mode === 'rate' && inFlight.size >= connections) clientLimited = true;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': id, 'ce-id': id };
    if (options.request.host) headers.host = options.request.host;
    const exchange = pool.request({ path: options.request.path, method: 'POST', headers, body })
      .then(async res => {
        const text = await res.body.text();
        const end = performance.now();
        const ms = end - start;
        completed++;
        lastAnswer = end;
        statusCodes[res.statusCode] = (statusCodes[res.statusCode] ?? 0) + 1;
        if (res.statusCode < 200 || res.statusCode > 299) fail(id, `HTTP ${res.statusCode}`, ms, end);
        else if (expectOutputs && !text.includes('"outputs"')) fail(id, `HTTP ${res.statusCode} without "outputs"`, ms, end);
        else {
          ok++;
          okLatencies.push(ms);
          const b = bucket(since(end));
          b.ok++;
          b.latencies.push(ms);
        }
      }, (error: NodeJS.ErrnoException) => {
        const end = performance.now();
        const code = error.code ?? error.name;
        if (code !== undefined && UNREACHABLE.has(code) && completed === 0 && !aborted) {
          aborted = `cannot connect to ${origin}: ${error.message}`;
          stopping = true;
        }
        fail(id, TIMEOUTS.has(code ?? '') ? 'timeout' : `connection error (${code ?? error.message})`, end - start, end);
      })
      .finally(() => inFlight.delete(exchange));
    inFlight.add(exchange);
    return exchange;
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
      second, sent, completed, ok, failed, inFlight: inFlight.size,
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
        const now = since(performance.now());
        // Every request whose scheduled time has come, each with that time as its start.
        const due = Math.min(total, Math.floor(scheduledCount(now / 1000, rate, ramp) + 1e-9) + 1);
        while (sent < due && !stopping) send(scheduledTime(sent, rate, ramp) * 1000);
        if (sent >= total || stopping) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(tick, Math.max(1, Math.min(10, 1000 / rate)));
      tick();
    });
  } else {
    const deadline = setTimeout(() => { stopping = true; }, Math.min(endAt, 2 ** 31 - 1));
    const client = async (_: unknown, k: number) => {
      // With a ramp, client k joins k/connections of the way through it.
      if (ramp > 0 && k > 0) await new Promise(resolve => setTimeout(resolve, (k * ramp * 1000) / connections));
      while (!stopping && sent < budget && since(performance.now()) < endAt) await send(since(performance.now()));
    };
    await Promise.all(Array.from({ length: connections }, client));
    clearTimeout(deadline);
  }
  const sendingEnded = performance.now();
  options.signal?.removeEventListener('abort', interrupt);
  // Every request sent gets its answer or its timeout.
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  // The window is the schedule (with a rate) or the sending, extended to the last answer.
  const scheduledEnd = mode === 'rate' && !aborted && !interrupted ? t0 + scheduledTime(sent, options.rate!, ramp) * 1000 : t0;
  const end = Math.max(lastAnswer, scheduledEnd, sendingEnded);
  if (progressTimer) clearInterval(progressTimer);
  if (podTimer) clearInterval(podTimer);
  await podSampling;
  if (options.pods && podsSampled) await samplePodsOnce();
  await pool.destroy();

  if (podsSampled && failedSamples > 0) podNote = `${failedSamples} of ${podSamples.length + failedSamples} samples failed`;
  const elapsedSeconds = round3(Math.max(since(end), 1) / 1000);
  const timeline: TimelinePoint[] = buckets.map((b, second) => {
    const sorted = Float64Array.from(b.latencies).sort();
    const figures = sorted.length === 0 ? {} : {
      p50: round3(percentile(sorted, 50)), p90: round3(percentile(sorted, 90)), p95: round3(percentile(sorted, 95)), p99: round3(percentile(sorted, 99)),
    };
    return { second, sent: b.sent, ok: b.ok, failed: b.failed, ...figures };
  });
  return {
    target: { url: origin, path: options.request.path, ...(options.request.host ? { host: options.request.host } : {}), requestBytes: body.length },
    load: { mode, ...(options.rate !== undefined ? { rate: options.rate } : {}), connections, ...(durationSeconds !== undefined ? { durationSeconds } : {}), ...(count !== undefined ? { count } : {}), ...(ramp > 0 ? { rampUpSeconds: ramp } : {}), timeoutSeconds },
    elapsedSeconds,
    requests: { sent, completed, ok, failed },
    throughput: { rps: round3(completed / elapsedSeconds), okRps: round3(ok / elapsedSeconds) },
    ...(okLatencies.length > 0 ? { latencyMs: summarize(okLatencies) } : {}),
    statusCodes,
    errors,
    failures,
    clientLimited,
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
