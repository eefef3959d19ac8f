import { KnativeMetric } from '../contract/knative-metric';

/** One load step of a saturation run against a single replica (autoscaling off). */
export interface SaturationStep {
  /** Requests per second offered (open loop), if the step had a fixed rate. */
  readonly offeredRps?: number;
  /** Requests per second completed. */
  readonly achievedRps: number;
  /** 95th-percentile latency, milliseconds. */
  readonly p95Ms: number;
  /** Failed requests / all requests, 0 to 1. */
  readonly errorRate: number;
}

/** What to size for. */
export interface AutoscalingAdviceOptions {
  /** The latency objective: p95 in milliseconds. */
  readonly sloP95Ms: number;
  /** The peak request rate the service must carry, requests per second. */
  readonly peakRps: number;
  /**
   * The request rate at quiet times: `minReplicas` carries it without a cold start.
   *
   * @default 0
   */
  readonly baselineRps?: number;
  /**
   * Scale on in-flight requests (GPU, Triton, transformer chains) or on requests per second
   * (short, uniform requests).
   *
   * @default KnativeMetric.CONCURRENCY
   */
  readonly metric?: KnativeMetric;
  /**
   * Knative's `target-utilization-percentage`: the autoscaler aims at this share of the target.
   *
   * @default 70 (Knative's default)
   */
  readonly targetUtilizationPercent?: number;
  /**
   * How far below saturation a pod should run, 0 to 1.
   *
   * @default 0.2
   */
  readonly headroom?: number;
  /**
   * A step with more errors than this is past saturation.
   *
   * @default 0.01
   */
  readonly maxErrorRate?: number;
  /**
   * Whether a request may wait for a cold start (image pull, model download, Triton load); if
   * not, at least one replica always runs.
   *
   * @default false
   */
  readonly allowScaleToZero?: boolean;
}

/** Recommended autoscaling, with the figures it came from. */
export interface AutoscalingAdvice {
  /** The last step within the SLO and error budget: saturation throughput and its p95 latency. */
  readonly saturation: { readonly rps: number; readonly p95Ms: number; readonly concurrency: number };
  /** Props of a component (`TritonPredictor`, `PythonTransformer`) to paste. */
  readonly props: {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly containerConcurrency: number;
    readonly knative: { readonly metric: KnativeMetric; readonly target: number; readonly targetUtilizationPercent: number };
  };
  /** Requests per second one pod carries when the autoscaler holds it at its target. */
  readonly perPodRps: number;
  /** How each value was derived, one line each. */
  readonly reasoning: string[];
}

/**
 * Why a step of a saturation run is past saturation: over the p95 objective, over the error
 * budget, or behind its offered rate (under 90 % of it); undefined when it is within all three.
 */
export function stepProblem(step: SaturationStep, objective: { readonly sloP95Ms: number; readonly maxErrorRate?: number }): string | undefined {
  const maxErrorRate = objective.maxErrorRate ?? 0.01;
  if (!(step.p95Ms <= objective.sloP95Ms)) return `p95 ${Number.isFinite(step.p95Ms) ? `${step.p95Ms} ms` : '(no successful response)'} is over the objective of ${objective.sloP95Ms} ms`;
  if (step.errorRate > maxErrorRate) return `${round(step.errorRate * 100)} % of requests failed, over the budget of ${maxErrorRate * 100} %`;
  if (step.offeredRps !== undefined && step.achievedRps < 0.9 * step.offeredRps) return `${round(step.achievedRps)} rps answered of ${step.offeredRps} offered (under 90 %)`;
  return undefined;
}

function round(n: number, digits = 2): number {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}

/**
 * Autoscaling settings from a saturation run on one replica (peers-and-load-testing.md §3.5):
 * the knee is the last step within the p95 objective and the error budget, where the step also
 * kept up with its offered rate. Little's law gives the in-flight requests at the knee,
 * `C = rps × p95`. Knative holds each pod at `target × utilization`, so the target that keeps a
 * pod `headroom` below saturation is `(1 − headroom) × C / utilization` (capped at
 * `containerConcurrency = ceil(C)`, the hard limit), or the same in rps for the rps metric.
 * `maxReplicas` carries the peak rate at that per-pod rate plus one pod; `minReplicas` carries
 * the baseline, and is at least 1 unless scale to zero is allowed.
 */
export function adviseAutoscaling(steps: SaturationStep[], options: AutoscalingAdviceOptions): AutoscalingAdvice {
  const metric = options.metric ?? KnativeMetric.CONCURRENCY;
  const utilization = (options.targetUtilizationPercent ?? 70) / 100;
  const headroom = options.headroom ?? 0.2;
  const maxErrorRate = options.maxErrorRate ?? 0.01;
  const problems: string[] = [];
  if (!(options.sloP95Ms > 0)) problems.push(`sloP95Ms (${options.sloP95Ms}) must be a positive number of milliseconds`);
  if (!(options.peakRps > 0)) problems.push(`peakRps (${options.peakRps}) must be positive`);
  if (!(utilization > 0 && utilization <= 1)) problems.push(`targetUtilizationPercent (${utilization * 100}) must be from 1 to 100`);
  if (!(headroom >= 0 && headroom < 1)) problems.push(`headroom (${headroom}) must be at least 0 and below 1`);
  if (steps.length === 0) problems.push('steps must not be empty: run a saturation test first');
  if (problems.length > 0) throw new Error(`adviseAutoscaling: ${problems.join('; ')}`);

  const sorted = [...steps].sort((a, b) => (a.offeredRps ?? a.achievedRps) - (b.offeredRps ?? b.achievedRps));
  let knee: SaturationStep | undefined;
  for (const s of sorted) {
    if (stepProblem(s, { sloP95Ms: options.sloP95Ms, maxErrorRate }) === undefined) knee = s;
    else break;
  }
  if (!knee) {
    throw new Error(`adviseAutoscaling: no step meets the objective (p95 ≤ ${options.sloP95Ms} ms, errors ≤ ${maxErrorRate * 100} %): one replica cannot serve even the lowest rate; give it more resources or relax the objective`);
  }
  const latency = knee.p95Ms / 1000;
  const concurrency = knee.achievedRps * latency;
  const containerConcurrency = Math.max(1, Math.ceil(concurrency));
  const reasoning = [
    `saturation: ${round(knee.achievedRps)} rps at p95 ${knee.p95Ms} ms (the last step within p95 ≤ ${options.sloP95Ms} ms and errors ≤ ${maxErrorRate * 100} %)`,
    `in flight at saturation (Little's law): ${round(knee.achievedRps)} rps × ${latency} s = ${round(concurrency)} → containerConcurrency ${containerConcurrency}`,
  ];
  let target: number;
  let perPodRps: number;
  if (metric === KnativeMetric.CONCURRENCY) {
    target = Math.max(1, Math.min(containerConcurrency, Math.floor((1 - headroom) * concurrency / utilization)));
    perPodRps = (target * utilization) / latency;
    reasoning.push(`target: (1 − ${headroom}) × ${round(concurrency)} / ${utilization} → ${target} in flight (at most containerConcurrency); Knative holds a pod at ${round(target * utilization)} in flight = ${round(perPodRps)} rps`);
  } else {
    target = Math.max(1, Math.floor((1 - headroom) * knee.achievedRps / utilization));
    perPodRps = target * utilization;
    reasoning.push(`target: (1 − ${headroom}) × ${round(knee.achievedRps)} / ${utilization} → ${target} rps; Knative holds a pod at ${round(perPodRps)} rps`);
  }
  const maxReplicas = Math.ceil(options.peakRps / perPodRps) + 1;
  reasoning.push(`maxReplicas: ceil(${options.peakRps} / ${round(perPodRps)}) + 1 = ${maxReplicas}`);
  const baseline = options.baselineRps ?? 0;
  const forBaseline = Math.ceil(baseline / perPodRps);
  const minReplicas = options.allowScaleToZero ? forBaseline : Math.max(1, forBaseline);
  reasoning.push(`minReplicas: ceil(${baseline} / ${round(perPodRps)}) = ${forBaseline}${options.allowScaleToZero ? '' : ', at least 1: a cold start would break the objective'} → ${minReplicas}`);
  return {
    saturation: { rps: knee.achievedRps, p95Ms: knee.p95Ms, concurrency: round(concurrency, 3) },
    props: { minReplicas, maxReplicas, containerConcurrency, knative: { metric, target, targetUtilizationPercent: Math.round(utilization * 100) } },
    perPodRps: round(perPodRps, 3),
    reasoning,
  };
}

/** The advice as component props to paste into a `TritonPredictor` or `PythonTransformer`. */
export function formatAdvice(advice: AutoscalingAdvice): string {
  const p = advice.props;
  const metric = p.knative.metric === KnativeMetric.CONCURRENCY ? 'KnativeMetric.CONCURRENCY' : 'KnativeMetric.RPS';
  const utilization = p.knative.targetUtilizationPercent === 70 ? '' : `, targetUtilizationPercent: ${p.knative.targetUtilizationPercent}`;
  return [
    ...advice.reasoning.map(r => `// ${r}`),
    `minReplicas: ${p.minReplicas},`,
    `maxReplicas: ${p.maxReplicas},`,
    `containerConcurrency: ${p.containerConcurrency},`,
    `knative: { metric: ${metric}, target: ${p.knative.target}${utilization} },`,
  ].join('\n');
}
