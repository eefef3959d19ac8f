import { Duration, Size } from 'cdk8s';
import { KnativeMetric } from '../contract/knative-metric';
import { goSeconds } from '../core/go-duration';

export { KnativeMetric };

/**
 * How a component scales in Knative mode: the Knative Pod Autoscaler settings KServe writes
 * to the revision (`scaleMetric`, `scaleTarget`) and the `autoscaling.knative.dev/*`
 * annotations people tune. Not written in Standard mode, so one definition can be
 * synthesized in either mode. Knative's defaults are in `config-autoscaler` (kserve.md §2).
 */
export interface KnativeScaling {
  /**
   * What the autoscaler watches.
   *
   * @default KnativeMetric.CONCURRENCY
   */
  readonly metric?: KnativeMetric;

  /**
   * The per-pod value of `metric` the autoscaler aims for: a soft limit, unlike
   * `containerConcurrency`.
   *
   * @default - Knative's default: 100 concurrent requests or 200 requests per second
   */
  readonly target?: number;

  /**
   * Percent of `target` at which Knative adds pods (`target-utilization-percentage`, 1 to 100).
   * Lower values keep headroom for bursts.
   *
   * @default - Knative's default, 70
   */
  readonly targetUtilizationPercent?: number;

  /**
   * Pods a new revision starts with (`initial-scale`). `0` needs
   * `allow-zero-initial-scale: "true"` in Knative's `config-autoscaler`.
   *
   * @default - Knative's default, 1
   */
  readonly initialScale?: number;

  /**
   * How long load must stay low before pods are removed (`scale-down-delay`, 0 to 1 h, whole
   * seconds). Keeps GPU pods that take minutes to start from flapping.
   *
   * @default - Knative's default, 0 s
   */
  readonly scaleDownDelay?: Duration;

  /**
   * The stable window the autoscaler averages over (`window`, 6 s to 1 h, whole seconds).
   *
   * @default - Knative's default, 60 s
   */
  readonly window?: Duration;

  /**
   * Spare requests the activator buffers before pods are added (`target-burst-capacity`):
   * `0` takes the activator out of the path once pods exist, `-1` keeps it always.
   *
   * @default - Knative's default, 200
   */
  readonly targetBurstCapacity?: number;

  /**
   * How long a new revision may take to become ready before Knative gives up
   * (`serving.knative.dev/progress-deadline`). Triton images are several GB: raise it when
   * nodes pull them cold.
   *
   * @default - Knative's default, 600 s
   */
  readonly progressDeadline?: Duration;
}

/** What the HorizontalPodAutoscaler scales a component on (Standard mode). */
export enum HpaMetric {
  /** CPU utilization, percent of the CPU request. */
  CPU = 'cpu',
  /** Memory utilization, percent of the memory request. */
  MEMORY = 'memory',
}

/** Options of `StandardAutoscaler.hpa`. */
export interface HpaOptions {
  /**
   * What the HPA watches.
   *
   * @default HpaMetric.CPU
   */
  readonly metric?: HpaMetric;

  /**
   * Average utilization the HPA aims for, percent of the request (1 to 100).
   *
   * @default - KServe's default, 80
   */
  readonly targetUtilizationPercent?: number;
}

/** Options of `KedaMetric.prometheus`. */
export interface PrometheusMetricOptions {
  /** The Prometheus server, for example `http://prometheus.monitoring.svc:9090`. */
  readonly serverAddress: string;

  /**
   * A PromQL query returning one number. For Triton's average queue time per request in
   * microseconds: `sum(rate(nv_inference_queue_duration_us{model="test"}[1m])) / sum(rate(nv_inference_request_success{model="test"}[1m]))`.
   */
  readonly query: string;

  /** The value of the query at which KEDA adds pods. */
  readonly threshold: number;

  /**
   * Whether `threshold` applies to the query's value (`Value`) or to the value divided by the
   * number of pods (`AverageValue`).
   *
   * @default 'Value'
   */
  readonly targetType?: 'Value' | 'AverageValue';

  /**
   * Tenant namespace, for Prometheus servers that need one (Thanos, Cortex).
   *
   * @default - none
   */
  readonly namespace?: string;
}

/** One `autoScaling.metrics` entry for KEDA (KServe 0.15+). */
export class KedaMetric {
  /** CPU utilization, percent of the CPU request (KServe allows only `Utilization` for CPU). */
  public static cpu(utilizationPercent: number): KedaMetric {
    return new KedaMetric({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: utilizationPercent } } });
  }

  /** Memory utilization, percent of the memory request. */
  public static memoryUtilization(utilizationPercent: number): KedaMetric {
    return new KedaMetric({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: utilizationPercent } } });
  }

  /** Average memory per pod (at least 1Mi). */
  public static memory(averageValue: Size): KedaMetric {
    return new KedaMetric({ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: averageValue.asString() } } });
  }

  /** An external Prometheus query, such as Triton's queue time. */
  public static prometheus(options: PrometheusMetricOptions): KedaMetric {
    const type = options.targetType ?? 'Value';
    const value = String(options.threshold);
    return new KedaMetric({
      type: 'External',
      external: {
        metric: { backend: 'prometheus', serverAddress: options.serverAddress, query: options.query, namespace: options.namespace },
        target: type === 'Value' ? { type, value } : { type, averageValue: value },
      },
    });
  }

  private constructor(
    /** The metric as written to `autoScaling.metrics`. @internal */
    public readonly _json: Record<string, any>,
  ) {}
}

/** Options of `StandardAutoscaler.keda`. */
export interface KedaOptions {
  /** What KEDA scales on; it adds pods when any metric is above its target. */
  readonly metrics: KedaMetric[];
}

/**
 * Who scales a component in Standard mode, and on what. KServe takes the autoscaler class from
 * one InferenceService annotation, so the predictor and transformer must agree on the class
 * (their metrics may differ).
 */
export class StandardAutoscaler {
  /** A HorizontalPodAutoscaler on CPU or memory utilization (KServe's default class, `hpa`). */
  public static hpa(options: HpaOptions = {}): StandardAutoscaler {
    return new StandardAutoscaler('hpa', { scaleMetric: options.metric ?? HpaMetric.CPU, scaleTarget: options.targetUtilizationPercent });
  }

  /** KEDA, on resource metrics or external queries (KServe 0.15+, KEDA installed). */
  public static keda(options: KedaOptions): StandardAutoscaler {
    return new StandardAutoscaler('keda', { autoScaling: { metrics: options.metrics.map(m => m._json) } });
  }

  /**
   * No autoscaler from KServe: something else scales the Deployment (KServe 0.12+). Replicas
   * start at `minReplicas`.
   */
  public static external(): StandardAutoscaler {
    return new StandardAutoscaler('external', {});
  }

  /** No autoscaler: a fixed `minReplicas` pods (KServe 0.16+). */
  public static none(): StandardAutoscaler {
    return new StandardAutoscaler('none', {});
  }

  private constructor(
    /** The `serving.kserve.io/autoscalerClass` value. */
    public readonly autoscalerClass: string,
    /** The component fields it writes. @internal */
    public readonly _fields: Record<string, unknown>,
  ) {}
}

/** Options of `DeploymentStrategy.rollingUpdate`. */
export interface RollingUpdateOptions {
  /**
   * Pods above the desired count during an update, a count (`1`) or a percentage (`'25%'`).
   * Use 0 when GPUs are scarce: the old pod must stop before the new one can get its GPU.
   *
   * @default - Kubernetes' default, 25%
   */
  readonly maxSurge?: number | string;

  /**
   * Pods below the desired count during an update, a count or a percentage.
   *
   * @default - Kubernetes' default, 25%
   */
  readonly maxUnavailable?: number | string;
}

/** How a Standard-mode Deployment replaces its pods (KServe 0.13+, `deploymentStrategy`). */
export class DeploymentStrategy {
  /** Replace pods a few at a time. */
  public static rollingUpdate(options: RollingUpdateOptions = {}): DeploymentStrategy {
    const rollingUpdate = options.maxSurge === undefined && options.maxUnavailable === undefined ? undefined
      : { maxSurge: options.maxSurge, maxUnavailable: options.maxUnavailable };
    return new DeploymentStrategy({ type: 'RollingUpdate', rollingUpdate });
  }

  /** Stop every old pod before starting new ones (downtime; frees GPUs first). */
  public static recreate(): DeploymentStrategy {
    return new DeploymentStrategy({ type: 'Recreate' });
  }

  private constructor(
    /** The strategy as written. @internal */
    public readonly _json: Record<string, unknown>,
  ) {}
}

/**
 * How a component scales and rolls out in Standard mode. Not written in Knative mode, so one
 * definition can be synthesized in either mode.
 */
export interface StandardScaling {
  /**
   * Who scales the Deployment.
   *
   * @default StandardAutoscaler.hpa(): CPU at KServe's 80 % target
   */
  readonly autoscaler?: StandardAutoscaler;

  /**
   * How the Deployment replaces pods (KServe 0.13+).
   *
   * @default - Kubernetes' rolling update (25 % surge, 25 % unavailable)
   */
  readonly deploymentStrategy?: DeploymentStrategy;
}

/** Knative annotation keys for the `KnativeScaling` props. @internal */
export const KNATIVE_KEYS = {
  targetUtilizationPercent: 'autoscaling.knative.dev/target-utilization-percentage',
  initialScale: 'autoscaling.knative.dev/initial-scale',
  scaleDownDelay: 'autoscaling.knative.dev/scale-down-delay',
  window: 'autoscaling.knative.dev/window',
  targetBurstCapacity: 'autoscaling.knative.dev/target-burst-capacity',
  progressDeadline: 'serving.knative.dev/progress-deadline',
} as const;

/** The annotations a `KnativeScaling` writes, values as given (the checks judge them). @internal */
export function knativeAnnotations(s: KnativeScaling | undefined): Record<string, string> {
  if (!s) return {};
  const out: Record<string, string> = {};
  const put = (key: keyof typeof KNATIVE_KEYS, value: string | undefined) => {
    if (value !== undefined) out[KNATIVE_KEYS[key]] = value;
  };
  put('targetUtilizationPercent', s.targetUtilizationPercent?.toString());
  put('initialScale', s.initialScale?.toString());
  put('scaleDownDelay', s.scaleDownDelay && goSeconds(s.scaleDownDelay));
  put('window', s.window && goSeconds(s.window));
  put('targetBurstCapacity', s.targetBurstCapacity?.toString());
  put('progressDeadline', s.progressDeadline && goSeconds(s.progressDeadline));
  return out;
}
