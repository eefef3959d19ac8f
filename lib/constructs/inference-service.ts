import { ApiObject, Chart } from 'cdk8s';
import { clusterLocalUrl, predictorServiceName, transformerServiceName } from '../core/kserve-names';
import { Construct, IConstruct } from 'constructs';
import { InferenceService as InferenceServiceObject } from '../../imports/serving.kserve.io';
import { bindContext, ComponentBindContext } from './component';
import { GRPC_V2_PROTOCOL, Predictor, PredictorConfig, PredictorRole, Transformer, TransformerConfig } from './predictor';
import { KnativeVersion } from '../core/knative-version';
import { KServeVersion } from '../core/kserve-version';
import { ILoggerSink, REQUEST_ID_HEADER } from '../model/logger';
import { IModelStorageCredentials } from '../model/storage';
import { RolloutStage, RolloutStageKind } from '../model/rollout';
import { RULES } from '../core/rules';
import { DeploymentMode, KServeTarget } from '../core/target';
import { addChecks, FindingList } from '../core/findings';
import { checkInferenceService, deploymentModeAnnotation } from '../validation/checks/inference-service';
import { compact, dnsLabelExpectation, DNS_1035_LABEL } from '../core/names';
import { resolveNamespace } from '../core/scope';
import { treeState } from '../core/tree-state';
import { checkedProps } from '../validation/props';

/** Props of `InferenceService`. */
export interface InferenceServiceProps {
  /**
   * Name of the InferenceService. It becomes part of host names (`<name>-predictor.<ns>...`)
   * and is the model name clients and the transformer use, so the Triton model directory
   * must have the same name (kserve#2755).
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Namespace of the InferenceService.
   *
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;

  /**
   * The KServe version the output must work with.
   *
   * @default KServeVersion.DEFAULT (0.20)
   */
  readonly kserveVersion?: KServeVersion;

  /**
   * The Knative Serving the cluster runs, in Knative mode: what Knative admits differs by
   * release (reserved mount paths up to 1.12, `privileged` up to 1.16).
   *
   * @default - the Knative Serving that `kserveVersion`'s installer sets up (`KnativeVersion.installedBy`)
   */
  readonly knativeVersion?: KnativeVersion;

  /**
   * How KServe runs the components: Knative Serving (scale to zero, revisions) or plain
   * Deployments with an HPA.
   *
   * @default DeploymentMode.KNATIVE
   */
  readonly deploymentMode?: DeploymentMode;

  /** The predictor (a `TritonPredictor`). */
  readonly predictor: Predictor;

  /**
   * A transformer in front of the predictor.
   *
   * @default - none: clients call the predictor directly
   */
  readonly transformer?: Transformer;

  /**
   * Labels on the InferenceService (KServe copies them to every component's pods).
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * Annotations on the InferenceService. `serving.kserve.io/deploymentMode`,
   * `serving.kserve.io/autoscalerClass` and `serving.kserve.io/enable-tag-routing` are written
   * by this construct from its props.
   *
   * @default - none
   */
  readonly annotations?: Record<string, string>;

  /**
   * A new model version being rolled out beside `predictor` (the stable one): a canary, its
   * promotion, or its rollback. Knative mode splits traffic between revisions; Standard mode
   * needs KServe 0.20 (`spec.canary[]`), where the canary is a dark launch: it runs (one pod
   * unless the candidate sets `minReplicas`) and answers in-cluster, but gets no traffic from
   * the Ingress or the transformer. See `RolloutStage` for what each stage writes.
   *
   * @default - no rollout: every request goes to `predictor`
   */
  readonly rollout?: InferenceServiceRollout;

  /**
   * Knative mode: give the latest revision its own host, `latest-<isvc>-predictor.<ns>.<domain>`,
   * beside `prev-...` that KServe adds while a canary splits traffic, so each model version
   * can be called directly (`serving.kserve.io/enable-tag-routing`). Standard mode canaries have
   * their own Services (`<isvc>-<name>-predictor`) and ignore this.
   *
   * @default false
   */
  readonly tagRouting?: boolean;

  /**
   * The cluster's ingress domain, for the external hosts in ENDPOINTS.md (Knative's
   * `config-domain`, or KServe's `ingress.ingressDomain` in Standard mode). It changes nothing
   * in the InferenceService.
   *
   * @default 'example.com' (what KServe's installers configure)
   */
  readonly ingressDomain?: string;

  /**
   * The ingress gateway clients reach the cluster through, for the commands in ENDPOINTS.md.
   *
   * @default IngressGateway.ISTIO
   */
  readonly ingressGateway?: IngressGateway;
}

/** A model rollout on an InferenceService. */
export interface InferenceServiceRollout {
  /**
   * The new model version. In Standard mode it needs a `name` different from the stable
   * predictor's, and runs without autoscaling of its own (KServe rejects scaling fields on a
   * canary): its `maxReplicas` and `standard` settings are not written.
   */
  readonly candidate: Predictor;

  /** Where the rollout stands. */
  readonly stage: RolloutStage;
}

/** The InferenceServices of an app in the order they were added, kept on its root, for checks that compare them (Azure prefix overlaps); output/endpoints.ts inferenceServicesOf lists them in construct order. */
const addedInferenceServices = (root: IConstruct) => treeState<InferenceService[]>(root, 'inference-services', () => []);

/** An Azure Blob prefix of the app, with the position it was added in. */
interface IndexedPrefix {
  readonly prefix: string;
  readonly scope: IConstruct;
  readonly order: number;
}

/**
 * Every Azure Blob prefix of the app, sorted, built once per app and again only when
 * InferenceServices were added since: the overlap check of each InferenceService then looks up
 * its own prefixes instead of comparing with every other InferenceService (quadratic in fleets).
 */
function azurePrefixIndex(root: IConstruct): IndexedPrefix[] {
  const isvcs = addedInferenceServices(root);
  const index = treeState(root, 'azure-prefix-index', () => ({ count: -1, sorted: [] as IndexedPrefix[] }));
  if (index.count !== isvcs.length) {
    index.sorted = isvcs.flatMap(i => i._azurePrefixes).map((p, order) => ({ ...p, order }))
      .sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : a.order - b.order));
    index.count = isvcs.length;
  }
  return index.sorted;
}

/** The first position whose prefix sorts at or after `prefix`. */
function firstAtLeast(sorted: IndexedPrefix[], prefix: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].prefix < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Default KEDA metric for a component that chose none: KServe's HPA default, written explicitly. */
const KEDA_DEFAULT = { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] };

/**
 * A KServe InferenceService (`serving.kserve.io/v1beta1`) with a Triton predictor and an
 * optional Python transformer, in Knative or Standard mode, optionally rolling out a new model
 * version. Its primary child has id `Resource`, so `ApiObject.of(isvc).addJsonPatch(...)`
 * reaches fields this library does not model; the patched object is checked at synth like the
 * rest (docs/rules.md).
 */
export class InferenceService extends Construct {
  /** Name of the InferenceService. */
  public readonly name: string;
  /** Namespace of the InferenceService. */
  public readonly namespace: string;
  /** The KServe version the output targets. */
  public readonly kserveVersion: KServeVersion;
  /** The Knative Serving version the output targets (in Knative mode). */
  public readonly knativeVersion: KnativeVersion;
  /** The value of `serving.kserve.io/deploymentMode`, as spelled for the target version. */
  public readonly deploymentModeAnnotation: string;
  /** The InferenceService object. */
  public readonly resource: ApiObject;
  /** How KServe runs the components. */
  public readonly deploymentMode: DeploymentMode;
  /** The Standard-mode autoscaler class written, if any. */
  public readonly autoscalerClass?: string;
  /** The stable predictor. */
  public readonly predictor: Predictor;
  /** The transformer, if any. */
  public readonly transformer?: Transformer;
  /** The rollout, if any. */
  public readonly rollout?: InferenceServiceRollout;
  /** Whether Knative tag routing is on (written in Knative mode only). */
  public readonly tagRouting: boolean;
  /** The cluster's ingress domain (for ENDPOINTS.md). */
  public readonly ingressDomain: string;
  /** The ingress gateway clients go through (for ENDPOINTS.md). */
  public readonly ingressGateway: IngressGateway;
  /** What was written where, for ENDPOINTS.md and the diagram. @internal */
  public readonly _wiring: InferenceServiceWiring;
  /** `<account>/<container>/<path>` of each Azure Blob model, with the predictor that reads it. @internal */
  public readonly _azurePrefixes: { readonly prefix: string; readonly scope: IConstruct }[] = [];

  private readonly predictorName?: string;

  public constructor(scope: Construct, id: string, props: InferenceServiceProps) {
    super(scope, id);
    props = checkedProps(this, 'InferenceServiceProps', props);
    this.name = props.name ?? id;
    this.namespace = resolveNamespace(this, props.namespace);
    ({ kserveVersion: this.kserveVersion, knativeVersion: this.knativeVersion, deploymentMode: this.deploymentMode } = KServeTarget.of(this, props));
    const version = this.kserveVersion;
    const knative = this.deploymentMode === DeploymentMode.KNATIVE;
    this.deploymentModeAnnotation = deploymentModeAnnotation(this.deploymentMode, version);
    this.predictor = props.predictor;
    this.transformer = props.transformer;
    this.rollout = props.rollout;
    this.tagRouting = props.tagRouting ?? false;
    this.ingressDomain = props.ingressDomain ?? 'example.com';
    this.ingressGateway = props.ingressGateway ?? IngressGateway.ISTIO;

    const target = { kserveVersion: version, deploymentMode: this.deploymentMode, knativeVersion: this.knativeVersion };
    const out = new FindingList(this, target);
    this.checkMetadata(out, props.annotations ?? {});
    const plan = this.planRollout(out, props);
    const isvc = { isvcName: this.name, namespace: this.namespace, kserveVersion: version, deploymentMode: this.deploymentMode };
    const bound = this.bindPredictors(out, props, plan, isvc);
    this.predictorName = bound.predictor.name;
    const transformer = props.transformer?.bind({ ...bindContext(props.transformer, isvc, out), predictorProtocol: props.predictor.protocol });
    this.autoscalerClass = this.chooseAutoscalerClass(out, knative, [[bound.predictorScope, bound.predictor.autoscalerClass], [props.transformer, transformer?.autoscalerClass]]);
    this._wiring = this.wiringOf(bound, plan, transformer);
    this.checkIngress(out);
    this.checkNameLengths(out, props.transformer !== undefined, [bound.predictor.name, ...(bound.canaries && bound.candidate ? [bound.candidate.name] : [])]);
    this.resource = this.writeResource(props, bound, plan, transformer);

    // Order credentials and logger sinks before the InferenceService in the output.
    // Only within this chart: an object another chart writes (a shared message dumper) would make
    // cdk8s order whole charts and prefix every file name with an index.
    for (const dep of [...bound.stable.dependencies, ...bound.candidate?.dependencies ?? [], ...transformer?.dependencies ?? []]) {
      if (isConstruct(dep) && Chart.of(dep) === Chart.of(this) && !this.resource.node.dependencies.includes(dep)) this.resource.addDependency(dep);
    }

    addedInferenceServices(this.node.root).push(this);
    const renderFindings = out.findings;
    const rendered = [bound.predictor, ...bound.candidate ? [bound.candidate] : []].map(r => r.storage);
    addChecks(this, () => {
      // The emitted object, with every JSON patch applied.
      const final = new FindingList(this, target);
      checkInferenceService(final, this.resource.toJson(), {
        version, mode: this.deploymentMode, knative: this.knativeVersion, isvc: this, predictor: bound.predictorScope, modelFormat: props.predictor.modelFormat,
        canaries: bound.canaries ? [props.rollout!.candidate] : [], transformer: props.transformer, renderedStorageUris: rendered,
      }, { grpc: props.predictor.protocol === GRPC_V2_PROTOCOL });
      this.checkPrefixOverlap(final);
      return [...renderFindings, ...final.findings];
    });
  }

  /** The name, the namespace, and annotations the construct writes itself. */
  private checkMetadata(out: FindingList, annotations: Record<string, string>): void {
    const namespaceExpectation = dnsLabelExpectation(this.namespace);
    if (namespaceExpectation) out.add(RULES.OBJECT_NAME, 'namespace', this.namespace, namespaceExpectation);
    if (!DNS_1035_LABEL.test(this.name)) {
      out.add(RULES.NAME, 'name', this.name, 'must be lowercase letters, digits and \'-\', start with a letter and end with a letter or digit (KServe\'s webhook rejects anything else)');
    }
    const owned: [string, string, string][] = [
      ['serving.kserve.io/deploymentMode', 'deploymentMode', 'it is written from deploymentMode, spelled for the target KServe version'],
      ['serving.kserve.io/autoscalerClass', 'standard.autoscaler on the components', 'it is written from the components\' standard.autoscaler'],
      ['serving.kserve.io/enable-tag-routing', 'tagRouting', 'it is written from tagRouting'],
    ];
    for (const [key, prop, why] of owned) {
      if (key in annotations) out.add(RULES.ANNOTATIONS, `annotations["${key}"]`, annotations[key], `must not be set: ${why}`, { fix: `set ${prop}` });
    }
  }

  /** Which predictor is written where (see RolloutStage), and whether the stage is one KServe can write. */
  private planRollout(out: FindingList, props: InferenceServiceProps): RolloutPlan {
    const knative = this.deploymentMode === DeploymentMode.KNATIVE;
    const rollout = props.rollout;
    const stage = rollout?.stage;
    const split = stage !== undefined && stage.kind !== RolloutStageKind.PROMOTED;
    const standardCanary = !knative && split;
    if (stage?.kind === RolloutStageKind.CANARY) {
      const p = stage.candidatePercent!;
      if (!(Number.isInteger(p) && p >= 0 && p <= 100)) out.add(RULES.CANARY, 'rollout.stage', stage.toString(), 'must send a whole percentage from 0 to 100 to the candidate');
    }
    if (standardCanary && !this.kserveVersion.isAtLeast(KServeVersion.V0_20)) {
      out.add(RULES.CANARY, 'rollout.stage', stage!.toString(), `needs spec.canary[], which KServe ${this.kserveVersion} does not have in Standard mode (0.20+)`,
        { fix: 'use deploymentMode Knative (revision traffic split), target KServe 0.20, or promote without a canary' });
    }
    if (rollout && rollout.candidate.protocol !== props.predictor.protocol) {
      out.add(RULES.CANARY, 'rollout.candidate protocol', rollout.candidate.protocol, `must be the stable predictor's (${props.predictor.protocol}): the transformer and clients talk to both versions the same way`,
        { scope: rollout.candidate });
    }
    if (rollout && rollout.candidate === props.predictor) {
      out.add(RULES.CANARY, 'rollout.candidate', rollout.candidate.node.path, 'must be a different predictor from predictor: the new model version');
    }
    return { stage, split, standardCanary };
  }

  /** Binds the stable predictor and the candidate, and decides what goes to `spec.predictor` and `spec.canary`. */
  private bindPredictors(out: FindingList, props: InferenceServiceProps, plan: RolloutPlan, isvc: Omit<ComponentBindContext, 'report' | '_out'>): BoundPredictors {
    const knative = this.deploymentMode === DeploymentMode.KNATIVE;
    const rollout = props.rollout;
    const { stage, split, standardCanary } = plan;
    const stable = props.predictor.bind({ ...bindContext(props.predictor, isvc, out), role: PredictorRole.PREDICTOR });
    const candidate = rollout && rollout.candidate !== props.predictor
      ? rollout.candidate.bind({ ...bindContext(rollout.candidate, isvc, out), role: standardCanary ? PredictorRole.CANARY : PredictorRole.PREDICTOR })
      : undefined;
    for (const [p, r] of [[props.predictor, stable], [rollout?.candidate, candidate]] as const) {
      if (!p || !r) continue;
      this.checkCredentials(out, p, r);
      if (r.storage.azurePrefix) this._azurePrefixes.push({ prefix: r.storage.azurePrefix, scope: p });
    }
    // Knative mode writes the candidate as the predictor (Knative keeps the stable revision);
    // Standard mode writes the stable predictor and the candidate as a canary, until promoted.
    const writesCandidate = candidate !== undefined && (knative || stage?.kind === RolloutStageKind.PROMOTED);
    const predictor = writesCandidate ? candidate : stable;
    const predictorScope = writesCandidate ? rollout!.candidate : props.predictor;
    // A 0.20 canary is sized by its minReplicas, else by ceil(stable minReplicas × trafficPercent / 100),
    // a share of traffic it never gets (see CANARY_DARK_LAUNCH); one pod unless the candidate asks for more.
    // Before 0.20 there is no spec.canary (reported above): nothing to write, and nothing to check twice.
    const canaries = standardCanary && candidate && this.kserveVersion.isAtLeast(KServeVersion.V0_20)
      ? [{ predictor: { ...candidate.spec, minReplicas: candidate.spec.minReplicas ?? 1 }, trafficPercent: stage!.candidatePercent }]
      : undefined;
    if (canaries && candidate) {
      const replicas = canaries[0].predictor.minReplicas;
      const stableMin = stable.spec.minReplicas;
      const held = typeof stableMin === 'number' && typeof replicas === 'number' && stableMin > 1
        ? `; KServe also lowers the stable predictor's minReplicas from ${stableMin} to ${Math.max(stableMin - replicas, 1)} while it runs`
        : '';
      out.add(RULES.CANARY_DARK_LAUNCH, 'rollout.stage', stage!.toString(),
        `is a dark launch on KServe ${this.kserveVersion} in Standard mode: trafficPercent only sizes the canary, the Ingress and the transformer send every request to the stable predictor, and the canary (${replicas} pod${replicas === 1 ? '' : 's'}) answers only in-cluster at ${clusterLocalUrl(predictorServiceName(this.name, candidate.name), this.namespace)}${held}`,
        { scope: rollout!.candidate, fix: 'send it test traffic in-cluster (ENDPOINTS.md), or use Knative mode for a weighted split; then Validation.suppress(scope, \'canary-dark-launch\', reason)' });
    }
    return { stable, candidate, predictor, predictorScope, writesCandidate: writesCandidate && split, canaries };
  }

  /** Standard mode: one autoscaler class for the InferenceService (KServe reads one annotation). */
  private chooseAutoscalerClass(out: FindingList, knative: boolean, asked: [IConstruct | undefined, string | undefined][]): string | undefined {
    const chosen = asked.filter((x): x is [IConstruct, string] => x[0] !== undefined && x[1] !== undefined);
    const classes = [...new Set(chosen.map(x => x[1]))];
    if (classes.length > 1) {
      out.add(RULES.AUTOSCALER_CLASS, 'standard.autoscaler', chosen.map(([c, cls]) => `${c.node.id}: ${cls}`).join(', '),
        'must be the same class for every component: KServe reads it from one InferenceService annotation', { fix: 'use one class; metrics may differ per component' });
    }
    return knative ? undefined : classes[0] ?? 'hpa';
  }

  /** What was written where, for ENDPOINTS.md and the diagram. */
  private wiringOf(bound: BoundPredictors, plan: RolloutPlan, transformer: TransformerConfig | undefined): InferenceServiceWiring {
    const { stable, candidate, predictor, predictorScope, canaries } = bound;
    const written = (construct: Predictor, c: PredictorConfig, minReplicas?: number): WrittenPredictor =>
      ({ construct, name: c.name, storageUri: c.storage.uri, credentials: c.credentials, logger: c.logger, minReplicas });
    return {
      predictor: written(predictorScope, predictor, predictor.spec.minReplicas),
      stable: bound.writesCandidate ? written(this.predictor, stable) : undefined,
      canary: canaries && candidate ? written(this.rollout!.candidate, candidate, canaries[0].predictor.minReplicas) : undefined,
      candidatePercent: plan.split && !plan.standardCanary ? plan.stage!.candidatePercent : undefined,
      canaryTrafficPercent: plan.standardCanary ? plan.stage!.candidatePercent : undefined,
      transformerLogger: transformer?.logger,
      predictorLogsRequestId: (predictor.spec.logger?.metadataHeaders ?? []).includes(REQUEST_ID_HEADER),
    };
  }

  /** The gateway is a Service: a DNS-1035 name in a namespace (a DNS label); ENDPOINTS.md's kubectl commands name both. */
  private checkIngress(out: FindingList): void {
    const gatewayNamespace = dnsLabelExpectation(this.ingressGateway.namespace);
    if (gatewayNamespace) out.add(RULES.OBJECT_NAME, 'ingressGateway namespace', this.ingressGateway.namespace, gatewayNamespace);
    if (!(DNS_1035_LABEL.test(this.ingressGateway.serviceName) && this.ingressGateway.serviceName.length <= 63)) {
      out.add(RULES.OBJECT_NAME, 'ingressGateway service name', this.ingressGateway.serviceName, 'must be a Service name: at most 63 lowercase letters, digits and \'-\', starting with a letter');
    }
    if (this.ingressDomain !== '' && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(this.ingressDomain)) {
      out.add(RULES.OBJECT_NAME, 'ingressDomain', this.ingressDomain, 'must be a DNS name such as example.com or ml.example.org');
    }
  }

  /** The InferenceService object. */
  private writeResource(props: InferenceServiceProps, bound: BoundPredictors, plan: RolloutPlan, transformer: TransformerConfig | undefined): ApiObject {
    const knative = this.deploymentMode === DeploymentMode.KNATIVE;
    const predictorJson = { ...bound.predictor.spec };
    const transformerJson = transformer && { ...transformer.spec };
    if (this.autoscalerClass === 'keda') {
      for (const json of [predictorJson, transformerJson]) if (json && !json.autoScaling) json.autoScaling = JSON.parse(JSON.stringify(KEDA_DEFAULT));
    }
    if (knative && plan.split) predictorJson.canaryTrafficPercent = plan.stage!.candidatePercent;
    // A plain ApiObject, not the generated class: its toJson() rebuilds the object from the
    // fields of the pruned import and would silently drop JSON-patched fields it does not know.
    return new ApiObject(this, 'Resource', {
      ...InferenceServiceObject.GVK,
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: props.labels,
        annotations: {
          ...props.annotations,
          'serving.kserve.io/deploymentMode': this.deploymentModeAnnotation,
          ...(this.autoscalerClass ? { 'serving.kserve.io/autoscalerClass': this.autoscalerClass } : {}),
          ...(knative && props.tagRouting ? { 'serving.kserve.io/enable-tag-routing': 'true' } : {}),
          // 0.17+ webhooks add this when absent; writing it keeps GitOps diffs empty.
          ...(this.kserveVersion.isAtLeast(KServeVersion.V0_17) ? { modelFormat: props.predictor.modelFormat } : {}),
        },
      },
      spec: compact({ predictor: predictorJson, transformer: transformerJson, canary: bound.canaries }),
    });
  }

  private checkCredentials(out: FindingList, scope: IConstruct, r: { credentials?: { namespace: string; kserveVersion: KServeVersion } }): void {
    const credentials = r.credentials;
    if (!credentials) return;
    if (credentials.namespace !== this.namespace) {
      out.add(RULES.CREDENTIALS, 'predictor storage credentials namespace', credentials.namespace, `must be the InferenceService's namespace (${JSON.stringify(this.namespace)}): the ServiceAccount and Secret must be beside it`, { scope });
    }
    if (credentials.kserveVersion !== this.kserveVersion) {
      out.add(RULES.CREDENTIALS, 'predictor storage credentials kserveVersion', credentials.kserveVersion.name, `must be the InferenceService's (${this.kserveVersion}): the Secret keys differ by version`, { scope });
    }
  }

  /** Derived object names must fit DNS labels (kserve.md §3.4). */
  private checkNameLengths(out: FindingList, hasTransformer: boolean, predictorNames: (string | undefined)[]): void {
    // Knative names the component Service `<name>-<component>`; it must stay a DNS label.
    const component = hasTransformer ? 'transformer' : 'predictor';
    const service = `${this.name}-${component}`;
    if (service.length > 63) {
      out.add(RULES.NAME_LENGTH_KNATIVE, 'name', this.name, `must be at most ${63 - component.length - 1} characters (it has ${this.name.length}): KServe creates the Knative Service ${JSON.stringify(service)}, which must fit a 63-character DNS label`);
    } else if (this.deploymentMode === DeploymentMode.KNATIVE) {
      // Knative's tag routes get hosts `<tag>-<Knative Service>.<ns>.<domain>` (default tag-template):
      // `latest` on every component with tag routing, `prev` on the predictor while a canary splits
      // (kserve v0.20.0 pkg/controller/v1beta1/inferenceservice/reconcilers/knative/ksvc_reconciler.go:134-152).
      const tags: [string, string, string][] = [];
      if (this.tagRouting) tags.push(['latest', service, 'tagRouting']);
      const split = this.rollout !== undefined && this.rollout.stage.kind !== RolloutStageKind.PROMOTED && (this.rollout.stage.candidatePercent ?? 0) < 100;
      if (split) tags.push(['prev', predictorServiceName(this.name), 'the canary']);
      for (const [tag, ksvc, why] of tags) {
        const host = `${tag}-${ksvc}`;
        if (host.length > 63) {
          out.add(RULES.NAME_LENGTH_KNATIVE, 'name', this.name, `must be at most ${63 - (host.length - this.name.length)} characters (it has ${this.name.length}): with ${why}, Knative gives ${JSON.stringify(ksvc)} the host label ${JSON.stringify(host)}, which must fit 63 characters`);
        }
      }
    }
    // Standard mode: pod label `isvc.<object>` and host label `<object>-<namespace>` (kserve#4807),
    // where a named predictor's object is `<name>-<predictor name>-predictor`.
    const objects = new Map<string, string | undefined>([[service, undefined]]);
    for (const p of predictorNames) objects.set(predictorServiceName(this.name, p), p);
    for (const [object, p] of objects) {
      // The parts the user chose (InferenceService name, predictor name) and the fixed rest.
      const chosen = p === undefined ? this.name.length : this.name.length + p.length;
      const fixed = object.length - chosen;
      const field = p === undefined ? 'name' : 'name, predictor name';
      const value = p === undefined ? this.name : `${this.name}, ${p}`;
      const podLabel = `isvc.${object}`;
      const hostLabel = `${object}-${this.namespace}`;
      if (podLabel.length > 63) {
        out.add(RULES.NAME_LENGTH_STANDARD, field, value, `must be at most ${58 - fixed} characters${p === undefined ? '' : ' together'} (${p === undefined ? 'it has' : 'they have'} ${chosen}): the pod label ${JSON.stringify(podLabel)} must fit 63 characters`);
      }
      if (hostLabel.length > 63) {
        out.add(RULES.NAME_LENGTH_STANDARD, `${field} and namespace`, `${value}, ${this.namespace}`, `must be at most ${62 - fixed} characters together (they have ${chosen + this.namespace.length}): the host label ${JSON.stringify(hostLabel)} must fit 63 characters`);
      }
    }
  }

  private checkPrefixOverlap(out: FindingList): void {
    const sorted = azurePrefixIndex(this.node.root);
    for (const own of this._azurePrefixes) {
      // Every prefix that starts with own.prefix sorts right after it: O(log n) to find them, not a scan of the app.
      const matches: IndexedPrefix[] = [];
      for (let i = firstAtLeast(sorted, own.prefix); i < sorted.length && sorted[i].prefix.startsWith(own.prefix); i++) {
        const other = sorted[i];
        if (other.scope !== own.scope && other.prefix !== own.prefix) matches.push(other);
      }
      // In the order the InferenceServices were added, as before.
      for (const other of matches.sort((a, b) => a.order - b.order)) {
        out.add(RULES.AZURE_PREFIX, 'storage path', own.prefix.split('/').slice(2).join('/'),
          `also matches ${other.prefix.split('/').slice(2).join('/')} (the model of ${other.scope.node.path}): KServe downloads every blob whose name starts with the path`,
          { scope: own.scope, fix: 'give the model folders names that are not prefixes of each other (models/iris-v1 and models/iris-v2)' });
      }
    }
  }

  /** Name of the predictor's Knative Service or Deployment (and in-cluster host `<it>.<namespace>`). */
  public get predictorServiceName(): string {
    return predictorServiceName(this.name, this.predictorName);
  }

  /** Name of the transformer's Knative Service or Deployment. */
  public get transformerServiceName(): string {
    return transformerServiceName(this.name);
  }

  /** The in-cluster URL of the InferenceService (transformer if present, else predictor). */
  public get internalUrl(): string {
    return clusterLocalUrl(this.name, this.namespace);
  }
}

/** The ingress gateway clients call the cluster through: a Service in the cluster. */
export class IngressGateway {
  /** Istio's `istio-ingressgateway` in `istio-system` (KServe's default install, both modes). */
  public static readonly ISTIO = new IngressGateway('istio-system', 'istio-ingressgateway', 'Istio ingress gateway');
  /** Kourier's `kourier` in `kourier-system` (Knative with net-kourier). */
  public static readonly KOURIER = new IngressGateway('kourier-system', 'kourier', 'Kourier gateway');

  /** Another gateway Service, such as a Gateway API implementation's. */
  public static service(namespace: string, name: string, description?: string): IngressGateway {
    return new IngressGateway(namespace, name, description ?? `ingress gateway ${namespace}/${name}`);
  }

  private constructor(
    /** Namespace of the gateway Service. */
    public readonly namespace: string,
    /** Name of the gateway Service. */
    public readonly serviceName: string,
    /** How ENDPOINTS.md names it. */
    public readonly description: string,
  ) {}
}

/** The rollout stage and what it does with traffic in this mode. */
interface RolloutPlan {
  readonly stage?: RolloutStage;
  /** Traffic is split (any stage but promoted). */
  readonly split: boolean;
  /** A split in Standard mode, written as spec.canary[]. */
  readonly standardCanary: boolean;
}

/** The bound predictors and what goes where. */
interface BoundPredictors {
  readonly stable: PredictorConfig;
  readonly candidate?: PredictorConfig;
  /** What `spec.predictor` gets, and the construct it came from. */
  readonly predictor: PredictorConfig;
  readonly predictorScope: Predictor;
  /** Knative keeps the stable model as the previous revision while the candidate is written. */
  readonly writesCandidate: boolean;
  readonly canaries?: { predictor: Record<string, any>; trafficPercent?: number }[];
}

/** One predictor as written: for ENDPOINTS.md. @internal */
export interface WrittenPredictor {
  readonly construct: Predictor;
  readonly name?: string;
  readonly storageUri: string;
  readonly credentials?: IModelStorageCredentials;
  readonly logger?: ILoggerSink;
  readonly minReplicas?: number;
}

/** What an InferenceService wrote where. @internal */
export interface InferenceServiceWiring {
  /** `spec.predictor`. */
  readonly predictor: WrittenPredictor;
  /** Knative canary: the stable predictor, kept by Knative as the previous revision. */
  readonly stable?: WrittenPredictor;
  /** Standard canary: `spec.canary[0]`. */
  readonly canary?: WrittenPredictor;
  /** Percentage of traffic the candidate gets while Knative splits traffic (a Standard canary gets none). */
  readonly candidatePercent?: number;
  /** Standard canary: the `trafficPercent` written, which routes nothing (KServe 0.20). */
  readonly canaryTrafficPercent?: number;
  readonly transformerLogger?: ILoggerSink;
  /** Whether the predictor's logger records `X-Request-Id` in each event's metadata (0.14+). */
  readonly predictorLogsRequestId: boolean;
}

function isConstruct(x: unknown): x is IConstruct {
  return x !== undefined && x !== null && typeof x === 'object' && 'node' in (x as object);
}
