import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { KServeVersion } from './kserve-version';
import { LoggerOptions, renderLogger } from './logger';

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

/** The deployment mode an InferenceService runs in. @internal */
export enum DeploymentMode {
  KNATIVE = 'Knative',
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

function isWhole(n: number): boolean {
  return Number.isInteger(n);
}

/**
 * Validates and renders the fields shared by all components (kserve.md §1.1, §3.1 V12-V14,
 * §3.3). Returns problems as field-level messages; the caller prefixes the construct path.
 * @internal
 */
export function renderComponent(options: ComponentOptions, logger: LoggerOptions | undefined, ctx: ComponentContext): { spec: ComponentExtension; problems: string[] } {
  const problems: string[] = [];
  const { minReplicas, maxReplicas, scaleTarget, containerConcurrency, canaryTrafficPercent } = options;
  const timeoutSeconds = options.timeout?.toSeconds();

  if (minReplicas !== undefined && !(isWhole(minReplicas) && minReplicas >= 0)) {
    problems.push(`minReplicas (${minReplicas}) must be a whole number of at least 0`);
  }
  if (maxReplicas !== undefined && !(isWhole(maxReplicas) && maxReplicas >= 0)) {
    problems.push(`maxReplicas (${maxReplicas}) must be a whole number of at least 0 (0 means no maximum)`);
  }
  // KServe treats an unset minReplicas as 1 when comparing (webhook V12).
  if (maxReplicas !== undefined && maxReplicas > 0 && maxReplicas < (minReplicas ?? 1)) {
    problems.push(`minReplicas (${minReplicas ?? '1, the default'}) must not exceed maxReplicas (${maxReplicas})`);
  }
  const metric = options.scaleMetric;
  if (ctx.deploymentMode === DeploymentMode.KNATIVE && metric && metric !== ScaleMetric.CONCURRENCY && metric !== ScaleMetric.RPS) {
    problems.push(`scaleMetric (${metric}) must be concurrency or rps in Knative mode: cpu and memory need the Standard deployment mode`);
  }
  if (scaleTarget !== undefined && !(isWhole(scaleTarget) && scaleTarget >= 1)) {
    problems.push(`scaleTarget (${scaleTarget}) must be a whole number of at least 1`);
  }
  if (containerConcurrency !== undefined && !(isWhole(containerConcurrency) && containerConcurrency >= 0 && containerConcurrency <= 1000)) {
    problems.push(`containerConcurrency (${containerConcurrency}) must be a whole number from 0 to 1000 (Knative's container-concurrency-max-limit)`);
  }
  if (timeoutSeconds !== undefined && !(timeoutSeconds >= 1 && timeoutSeconds <= 600 && isWhole(timeoutSeconds))) {
    problems.push(`timeout (${options.timeout!.toSeconds()}s) must be whole seconds from 1 to 600 (Knative's max-revision-timeout-seconds)`);
  }
  if (canaryTrafficPercent !== undefined && !(isWhole(canaryTrafficPercent) && canaryTrafficPercent >= 0 && canaryTrafficPercent <= 100)) {
    problems.push(`canaryTrafficPercent (${canaryTrafficPercent}) must be a whole number from 0 to 100`);
  }

  // KServe's default metric is concurrency; write it whenever a target is set so the pair reads as one.
  const scaleMetric = metric ?? (scaleTarget !== undefined ? ScaleMetric.CONCURRENCY : undefined);
  return {
    problems,
    spec: {
      minReplicas,
      maxReplicas,
      scaleMetric,
      scaleTarget,
      containerConcurrency,
      timeout: timeoutSeconds,
      canaryTrafficPercent,
      labels: options.labels,
      annotations: options.annotations,
      nodeSelector: options.nodeSelector,
      serviceAccountName: options.serviceAccountName,
      logger: renderLogger(logger),
    },
  };
}

/**
 * Base of the InferenceService components (`TritonPredictor`, `PythonTransformer`): a component
 * belongs to one InferenceService, and the problems found when rendering it are reported under
 * its own construct path.
 */
export abstract class InferenceServiceComponent extends Construct {
  private readonly problems: string[] = [];
  private boundTo?: string;

  protected constructor(scope: Construct, id: string, private readonly role: string) {
    super(scope, id);
    this.node.addValidation({ validate: () => this.problems });
  }

  /**
   * Binds to the InferenceService of `ctx` and renders the shared component fields.
   * @internal
   */
  protected _renderCommon(options: ComponentOptions, logger: LoggerOptions | undefined, ctx: ComponentContext): { spec: ComponentExtension; problems: string[] } {
    const problems: string[] = [];
    if (this.boundTo) {
      problems.push(`is already the ${this.role} of InferenceService ${this.boundTo}; create one ${this.constructor.name} per InferenceService`);
    }
    this.boundTo = `${ctx.namespace}/${ctx.isvcName}`;
    const common = renderComponent(options, logger, ctx);
    return { spec: common.spec, problems: [...problems, ...common.problems] };
  }

  /**
   * Records problems found while rendering, to be reported at synth.
   * @internal
   */
  protected _report(problems: string[]): void {
    this.problems.push(...problems);
  }
}
