import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { KServeVersion } from './kserve-version';
import { LoggerOptions, renderLogger } from './logger';
import { DeploymentMode, RULES } from './rules';
import { addChecks, FindingList } from './validation';

/**
 * What an autoscaler scales a component on.
 */
export enum ScaleMetric {
  /** In-flight requests per pod (Knative Pod Autoscaler; the default in Knative mode). */
  CONCURRENCY = 'concurrency',
  /** Requests per second per pod (Knative Pod Autoscaler). */
  RPS = 'rps',
  /** CPU utilization percent (HPA; Standard mode). */
  CPU = 'cpu',
  /** Memory (HPA; Standard mode). */
  MEMORY = 'memory',
}

/**
 * Fields every InferenceService component has: scaling, concurrency, timeout, rollout, labels.
 */
export interface ComponentOptions {
  /**
   * The fewest pods. `0` lets Knative scale the component to zero when idle.
   *
   * @default 1
   */
  readonly minReplicas?: number;

  /**
   * The most pods.
   *
   * @default - no maximum of its own: Knative's cluster-wide `max-scale` applies
   */
  readonly maxReplicas?: number;

  /**
   * What the autoscaler watches.
   *
   * @default ScaleMetric.CONCURRENCY
   */
  readonly scaleMetric?: ScaleMetric;

  /**
   * The per-pod value of `scaleMetric` the autoscaler aims for (a soft target).
   *
   * @default - Knative's default: 100 concurrent requests or 200 requests per second
   */
  readonly scaleTarget?: number;

  /**
   * The most requests one pod serves at once (a hard limit enforced by Knative's queue
   * proxy; for the transformer, also its worker count). `0` means unlimited.
   *
   * @default - unlimited
   */
  readonly containerConcurrency?: number;

  /**
   * How long one request may take before Knative cancels it (at most 600 s with Knative's
   * default `max-revision-timeout-seconds`).
   *
   * @default - Knative's default, 300 seconds
   */
  readonly timeout?: Duration;

  /**
   * Percent of traffic sent to the latest revision; the rest goes to the previous one that
   * was fully rolled out (Knative mode canary).
   *
   * @default - 100: every request goes to the latest revision
   */
  readonly canaryTrafficPercent?: number;

  /**
   * Extra labels on the component's pods.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * Extra annotations on the component's pods, for example Knative autoscaling keys.
   *
   * @default - none
   */
  readonly annotations?: Record<string, string>;

  /**
   * Schedule pods only on nodes with these labels, for example a GPU node pool. In Knative
   * mode this needs `kubernetes.podspec-nodeselector: enabled` in Knative's `config-features`.
   *
   * @default - any node
   */
  readonly nodeSelector?: Record<string, string>;

  /**
   * The ServiceAccount the pods run under.
   *
   * @default - the model storage credentials' ServiceAccount for the predictor; the
   * namespace's `default` ServiceAccount otherwise
   */
  readonly serviceAccountName?: string;
}

/** What a component needs to know about the InferenceService it renders into. @internal */
export interface ComponentContext {
  readonly isvcName: string;
  readonly namespace: string;
  readonly kserveVersion: KServeVersion;
  readonly deploymentMode: DeploymentMode;
}

/** Wire form of the component extension fields. @internal */
export interface ComponentExtension {
  minReplicas?: number;
  maxReplicas?: number;
  scaleMetric?: string;
  scaleTarget?: number;
  containerConcurrency?: number;
  timeout?: number;
  canaryTrafficPercent?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  serviceAccountName?: string;
  logger?: { url: string; mode: string };
}

/**
 * Renders the fields shared by all components. Values are written as given: the rules of
 * kserve.md §3.1 V12-V14 and §3.3 are checked on the emitted object (`_checks.ts`), so values
 * set through JSON patches are checked the same way.
 * @internal
 */
export function renderComponent(options: ComponentOptions, logger: LoggerOptions | undefined): ComponentExtension {
  const { minReplicas, maxReplicas, scaleTarget, containerConcurrency, canaryTrafficPercent } = options;
  // Fractional seconds are written as they are and reported by the timeout rule.
  const timeout = options.timeout?.toSeconds({ integral: false });
  // KServe's default metric is concurrency; write it whenever a target is set so the pair reads as one.
  const scaleMetric = options.scaleMetric ?? (scaleTarget !== undefined ? ScaleMetric.CONCURRENCY : undefined);
  return {
    minReplicas,
    maxReplicas,
    scaleMetric,
    scaleTarget,
    containerConcurrency,
    timeout,
    canaryTrafficPercent,
    labels: options.labels,
    annotations: options.annotations,
    nodeSelector: options.nodeSelector,
    serviceAccountName: options.serviceAccountName,
    logger: renderLogger(logger),
  };
}

/**
 * Base of the InferenceService components (`TritonPredictor`, `PythonTransformer`): a component
 * belongs to exactly one InferenceService, and problems with its props are reported under its
 * own construct path.
 */
export abstract class InferenceServiceComponent extends Construct {
  private boundTo?: string;

  protected constructor(scope: Construct, id: string, private readonly role: string) {
    super(scope, id);
    addChecks(this, () => {
      const out = new FindingList(this, { kserveVersion: KServeVersion.DEFAULT });
      if (!this.boundTo) {
        out.add(RULES.COMPONENT_BINDING, 'props', this.constructor.name, `must be passed to an InferenceService as its ${this.role}: it emits nothing on its own`);
      }
      return out.findings;
    });
  }

  /**
   * Binds to the InferenceService of `ctx` and renders the shared component fields.
   * @internal
   */
  protected _renderCommon(options: ComponentOptions, logger: LoggerOptions | undefined, ctx: ComponentContext, out: FindingList): ComponentExtension {
    if (this.boundTo) {
      out.add(RULES.COMPONENT_BINDING, 'props', `${ctx.namespace}/${ctx.isvcName}`, `must not be used twice: it is already the ${this.role} of InferenceService ${this.boundTo}`,
        { scope: this, fix: `create one ${this.constructor.name} per InferenceService` });
    } else {
      this.boundTo = `${ctx.namespace}/${ctx.isvcName}`;
    }
    return renderComponent(options, logger);
  }
}
