import { Duration } from 'cdk8s';
import { KnativeMetric, KnativeScaling, knativeAnnotations, StandardScaling } from '../model/autoscaling';
import { Construct, IConstruct } from 'constructs';
import { KServeVersion } from '../core/kserve-version';
import { LoggerOptions, RenderedLogger, renderLogger } from '../model/logger';
import { Rule, RULES } from '../core/rules';
import { DeploymentMode } from '../core/target';
import { ContainerSecurity, podSecurityContext, renderPullSecrets } from '../model/security';
import { checkSignature, ModelSignature, V2Datatype } from '../contract/signature';
import { addChecks, FindingList } from '../core/findings';

/**
 * Fields every InferenceService component has: scaling, concurrency, timeout, rollout, labels.
 */
export interface ComponentOptions {
  /**
   * The fewest pods. `0` lets Knative scale the component to zero when idle (Standard mode
   * cannot scale to zero and runs at least one).
   *
   * @default 1
   */
  readonly minReplicas?: number;

  /**
   * The most pods.
   *
   * @default - Knative mode: no maximum of its own (Knative's cluster-wide `max-scale`
   * applies); Standard mode: `minReplicas`, a fixed count
   */
  readonly maxReplicas?: number;

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
   * How the component scales in Knative mode (metric, target and the Knative autoscaling
   * annotations). Ignored in Standard mode.
   *
   * @default - Knative's defaults: concurrency, target 100 per pod
   */
  readonly knative?: KnativeScaling;

  /**
   * How the component scales and rolls out in Standard mode (HPA, KEDA, external or none;
   * deployment strategy). Ignored in Knative mode.
   *
   * @default - an HPA on CPU at KServe's 80 % target
   */
  readonly standard?: StandardScaling;

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

  /**
   * The tensors this component takes and returns (v2 names, datatypes, shapes). For the
   * predictor, Triton's model inputs and outputs; for the transformer, what clients send to the
   * InferenceService. The synthesized app writes a valid example request from it
   * (`example_inputs/<name>.json`), used by ENDPOINTS.md, the `infer` CLI and load tests.
   *
   * @default - no signature: no example request
   */
  readonly signature?: ModelSignature;

  /**
   * The security context of the component's container. The default meets the restricted Pod
   * Security Standard with fields Knative admits without feature flags; `ContainerSecurity.none()`
   * opts out. In Standard mode the pod also gets the `RuntimeDefault` seccomp profile, which
   * covers the containers KServe injects.
   *
   * @default ContainerSecurity.restricted(): UID 1000, read-only root filesystem, `/tmp` writable
   */
  readonly security?: ContainerSecurity;

  /**
   * Mount a Kubernetes API token into the pods. Nothing KServe runs in them needs one.
   *
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * Secrets with registry credentials for pulling the component's images (for the predictor,
   * also Triton's image when the registry needs a login).
   *
   * @default - none: the ServiceAccount's and the node's credentials
   */
  readonly imagePullSecrets?: string[];
}

/** A problem a component reports while it is bound, under its own construct path. */
export interface BindProblem {
  readonly rule: Rule;
  /** The prop or output field, such as `gpus` or `signature.inputs[0].shape`. */
  readonly field: string;
  readonly value: unknown;
  /** What is expected, such as `must be a whole number of at least 0`. */
  readonly expected: string;
  readonly fix?: string;
}

/** The InferenceService a component is bound to. */
export interface ComponentBindContext {
  /** Name of the InferenceService. */
  readonly isvcName: string;
  readonly namespace: string;
  readonly kserveVersion: KServeVersion;
  readonly deploymentMode: DeploymentMode;
  /** Reports a problem with the component's props, under the component's construct path. */
  report(problem: BindProblem): void;
  /** The findings of the binding, for this library's own helpers. @internal */
  readonly _out: FindingList;
}

/** Wire form of the component extension fields. @internal */
export interface ComponentExtension {
  minReplicas?: number;
  maxReplicas?: number;
  scaleMetric?: string;
  scaleTarget?: number;
  autoScaling?: { metrics: Record<string, any>[] };
  deploymentStrategy?: Record<string, unknown>;
  containerConcurrency?: number;
  timeout?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  serviceAccountName?: string;
  logger?: RenderedLogger;
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name: string }[];
  securityContext?: Record<string, unknown>;
}

/** A rendered component: its fields, and the Standard-mode autoscaler class it asks for. @internal */
export interface RenderedComponent {
  readonly fields: ComponentExtension;
  /** Set in Standard mode when the component chose an autoscaler. */
  readonly autoscalerClass?: string;
}

/**
 * Renders the fields shared by all components for the deployment mode: `knative` settings in
 * Knative mode, `standard` settings in Standard mode. Values are written as given: the rules of
 * kserve.md §3.1 V12-V14 and §3.3 are checked on the emitted object (`lib/validation/checks/`), so values
 * set through JSON patches are checked the same way.
 * @internal
 */
export function renderComponent(options: ComponentOptions, logger: LoggerOptions | undefined, mode: DeploymentMode, version: KServeVersion, conflict: (key: string, value: string) => void): RenderedComponent {
  const { minReplicas, maxReplicas, containerConcurrency } = options;
  // Fractional seconds are written as they are and reported by the timeout rule.
  const timeout = options.timeout?.toSeconds({ integral: false });
  const common: ComponentExtension = {
    minReplicas,
    maxReplicas,
    containerConcurrency,
    timeout,
    labels: options.labels,
    annotations: options.annotations,
    nodeSelector: options.nodeSelector,
    serviceAccountName: options.serviceAccountName,
    logger: renderLogger(logger, version),
    automountServiceAccountToken: options.automountServiceAccountToken ?? false,
    // Knative gates a pod securityContext behind kubernetes.podspec-securitycontext (§3.3).
    securityContext: mode === DeploymentMode.STANDARD ? podSecurityContext(options.security) : undefined,
  };
  if (mode === DeploymentMode.KNATIVE) {
    const k = options.knative ?? {};
    const typed = knativeAnnotations(k);
    for (const key of Object.keys(typed)) {
      if (options.annotations?.[key] !== undefined) conflict(key, options.annotations[key]);
    }
    const annotations = { ...options.annotations, ...typed };
    return {
      fields: {
        ...common,
        // KServe's default metric is concurrency; write it whenever a target is set so the pair reads as one.
        scaleMetric: k.metric ?? (k.target !== undefined ? KnativeMetric.CONCURRENCY : undefined),
        scaleTarget: k.target,
        annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      },
    };
  }
  const s = options.standard ?? {};
  return {
    fields: { ...common, ...s.autoscaler?._fields, deploymentStrategy: s.deploymentStrategy?._json },
    autoscalerClass: s.autoscaler?.autoscalerClass,
  };
}

/**
 * Base of the InferenceService components (`TritonPredictor`, `PythonTransformer`): a component
 * belongs to exactly one InferenceService, and problems with its props are reported under its
 * own construct path.
 */
export abstract class InferenceServiceComponent extends Construct {
  private bound = false;

  protected constructor(scope: Construct, id: string, private readonly role: string) {
    super(scope, id);
    addChecks(this, () => {
      const out = new FindingList(this, { kserveVersion: KServeVersion.DEFAULT });
      if (!this.bound) {
        out.add(RULES.COMPONENT_BINDING, 'props', this.constructor.name, `must be passed to an InferenceService as its ${this.role}: it emits nothing on its own`);
      }
      return out.findings;
    });
  }

  /** Records that an InferenceService has bound this component. */
  protected markBound(): void {
    this.bound = true;
  }

  /**
   * Renders the shared component fields for the InferenceService of `ctx`.
   * @internal
   */
  protected _renderCommon(options: ComponentOptions, logger: LoggerOptions | undefined, ctx: ComponentBindContext): RenderedComponent {
    const out = ctx._out;
    if (options.signature) {
      for (const p of checkSignature(options.signature)) out.add(RULES.SIGNATURE, p.field, p.value, p.expected, { scope: this });
      for (const [i, t] of (options.signature.inputs ?? []).entries()) {
        if (t.datatype === V2Datatype.FP16 || t.datatype === V2Datatype.BF16) {
          out.add(RULES.SIGNATURE_JSON, `signature.inputs[${i}].datatype`, t.datatype, 'has no portable JSON form: the example request sends JSON numbers',
            { scope: this, fix: 'declare the input FP32 in config.pbtxt for JSON clients, or suppress when the server accepts it' });
        }
      }
    }
    const rendered = renderComponent(options, logger, ctx.deploymentMode, ctx.kserveVersion, (key, value) => out.add(RULES.ANNOTATIONS, `annotations["${key}"]`, value,
      'must not be set beside the knative prop that writes it', { scope: this, fix: 'set it once, in knative' }));
    const imagePullSecrets = renderPullSecrets(options.imagePullSecrets, out, this);
    return imagePullSecrets ? { ...rendered, fields: { ...rendered.fields, imagePullSecrets } } : rendered;
  }
}

/** The bind context of a component for an InferenceService. @internal */
export function bindContext(component: IConstruct, isvc: Omit<ComponentBindContext, 'report' | '_out'>, out: FindingList): ComponentBindContext {
  return {
    ...isvc,
    report: p => out.add(p.rule, p.field, p.value, p.expected, { scope: component, fix: p.fix }),
    _out: out,
  };
}
