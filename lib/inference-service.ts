import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { InferenceService as InferenceServiceObject, toJson_InferenceServiceSpec } from '../imports/serving.kserve.io';
import { ComponentContext } from './component';
import { KServeVersion } from './kserve-version';
import { PythonTransformer } from './python-transformer';
import { DeploymentMode, RULES } from './rules';
import { TritonPredictor, TritonProtocol } from './triton-predictor';
import { addChecks, FindingList } from './validation';
import { checkInferenceService, deploymentModeAnnotation } from './_checks';
import { dnsLabelExpectation, DNS_1035_LABEL } from './_names';
import { resolveNamespace } from './_scope';

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
   * How KServe runs the components: Knative Serving (scale to zero, revisions) or plain
   * Deployments with an HPA.
   *
   * @default DeploymentMode.KNATIVE
   */
  readonly deploymentMode?: DeploymentMode;

  /** The Triton predictor. */
  readonly predictor: TritonPredictor;

  /**
   * A transformer in front of the predictor.
   *
   * @default - none: clients call the predictor directly
   */
  readonly transformer?: PythonTransformer;

  /**
   * Labels on the InferenceService (KServe copies them to every component's pods).
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * Annotations on the InferenceService. `serving.kserve.io/deploymentMode` is written by this
   * construct.
   *
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/** The InferenceServices of each app, for checks that compare them (Azure prefix overlaps). */
const inApp = new WeakMap<IConstruct, InferenceService[]>();

/**
 * A KServe InferenceService (`serving.kserve.io/v1beta1`) with a Triton predictor and an
 * optional Python transformer, in Knative or Standard mode. Its primary child has id
 * `Resource`, so `ApiObject.of(isvc).addJsonPatch(...)` reaches fields this library does not
 * model; the patched object is checked at synth like the rest (README, "What synth checks").
 */
export class InferenceService extends Construct {
  /** Name of the InferenceService. */
  public readonly name: string;
  /** Namespace of the InferenceService. */
  public readonly namespace: string;
  /** The KServe version the output targets. */
  public readonly kserveVersion: KServeVersion;
  /** The value of `serving.kserve.io/deploymentMode`, as spelled for the target version. */
  public readonly deploymentModeAnnotation: string;
  /** The InferenceService object. */
  public readonly resource: ApiObject;

  /** How KServe runs the components. */
  public readonly deploymentMode: DeploymentMode;
  /** `<account>/<container>/<path>` of the model, when it is in Azure Blob Storage. @internal */
  public readonly _azurePrefix?: string;

  public constructor(scope: Construct, id: string, props: InferenceServiceProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.namespace = resolveNamespace(this, props.namespace);
    this.kserveVersion = props.kserveVersion ?? KServeVersion.DEFAULT;
    this.deploymentMode = props.deploymentMode ?? DeploymentMode.KNATIVE;
    const version = this.kserveVersion;
    const mode = this.deploymentMode;
    this.deploymentModeAnnotation = deploymentModeAnnotation(mode, version);

    const out = new FindingList(this, { kserveVersion: version, deploymentMode: mode });
    const namespaceExpectation = dnsLabelExpectation(this.namespace);
    if (namespaceExpectation) out.add(RULES.OBJECT_NAME, 'namespace', this.namespace, namespaceExpectation);
    if (!DNS_1035_LABEL.test(this.name)) {
      out.add(RULES.NAME, 'name', this.name, 'must be lowercase letters, digits and \'-\', start with a letter and end with a letter or digit (KServe\'s webhook rejects anything else)');
    }
    const component = props.transformer ? 'transformer' : 'predictor';
    // Knative names the component Service `<name>-<component>`; it must stay a DNS label (kserve.md §3.4).
    const service = `${this.name}-${component}`;
    if (service.length > 63) {
      out.add(RULES.NAME_LENGTH_KNATIVE, 'name', this.name, `must be at most ${63 - component.length - 1} characters (it has ${this.name.length}): KServe creates the Knative Service ${JSON.stringify(service)}, which must fit a 63-character DNS label`);
    }
    // Standard mode: pod label `isvc.<name>-<component>` and host label `<name>-<component>-<namespace>` (kserve#4807).
    const podLabel = `isvc.${service}`;
    const hostLabel = `${service}-${this.namespace}`;
    if (podLabel.length > 63) {
      out.add(RULES.NAME_LENGTH_STANDARD, 'name', this.name, `must be at most ${63 - podLabel.length + this.name.length} characters (it has ${this.name.length}): the pod label ${JSON.stringify(podLabel)} must fit 63 characters`);
    }
    if (hostLabel.length > 63) {
      out.add(RULES.NAME_LENGTH_STANDARD, 'name and namespace', `${this.name}, ${this.namespace}`, `must be at most ${63 - component.length - 2} characters together (they have ${this.name.length + this.namespace.length}): the host label ${JSON.stringify(hostLabel)} must fit 63 characters`);
    }
    if (props.annotations && 'serving.kserve.io/deploymentMode' in props.annotations) {
      out.add(RULES.ANNOTATIONS, 'annotations["serving.kserve.io/deploymentMode"]', props.annotations['serving.kserve.io/deploymentMode'], 'must not be set: it is written from deploymentMode, spelled for the target KServe version', { fix: 'set deploymentMode' });
    }

    const ctx: ComponentContext = { isvcName: this.name, namespace: this.namespace, kserveVersion: version, deploymentMode: mode };
    const predictor = props.predictor._render(ctx, out);
    const credentials = predictor.credentials;
    if (credentials) {
      if (credentials.namespace !== this.namespace) {
        out.add(RULES.CREDENTIALS, 'predictor storage credentials namespace', credentials.namespace, `must be the InferenceService's namespace (${JSON.stringify(this.namespace)}): the ServiceAccount and Secret must be beside it`);
      }
      if (credentials.kserveVersion !== version) {
        out.add(RULES.CREDENTIALS, 'predictor storage credentials kserveVersion', credentials.kserveVersion.name, `must be the InferenceService's (${version}): the Secret keys differ by version`);
      }
    }
    const transformer = props.transformer?._render(ctx, props.predictor.protocol, out);
    this._azurePrefix = predictor.storage.azurePrefix;

    // A plain ApiObject, not the generated class: its toJson() rebuilds the object from the
    // fields of the pruned import and would silently drop JSON-patched fields it does not know.
    this.resource = new ApiObject(this, 'Resource', {
      ...InferenceServiceObject.GVK,
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: props.labels,
        annotations: {
          ...props.annotations,
          'serving.kserve.io/deploymentMode': this.deploymentModeAnnotation,
          // 0.17+ webhooks add this when absent; writing it keeps GitOps diffs empty.
          ...(version.isAtLeast(KServeVersion.V0_17) ? { modelFormat: 'triton' } : {}),
        },
      },
      spec: toJson_InferenceServiceSpec({
        predictor: predictor.spec,
        transformer: transformer?.spec,
      }),
    });

    // Order credentials and logger sinks before the InferenceService in the output.
    for (const dep of [...predictor.dependencies, ...transformer?.dependencies ?? []]) {
      if (isConstruct(dep)) this.resource.addDependency(dep);
    }

    const root = this.node.root;
    inApp.set(root, [...inApp.get(root) ?? [], this]);
    const renderFindings = out.findings;
    addChecks(this, () => {
      // The emitted object, with every JSON patch applied.
      const final = new FindingList(this, { kserveVersion: version, deploymentMode: mode });
      checkInferenceService(final, this.resource.toJson(), {
        version, mode, isvc: this, predictor: props.predictor, transformer: props.transformer,
        renderedStorageUri: predictor.storage,
      }, { grpc: props.predictor.protocol === TritonProtocol.GRPC_V2 });
      this.checkPrefixOverlap(final, props.predictor);
      return [...renderFindings, ...final.findings];
    });
  }

  private checkPrefixOverlap(out: FindingList, scope: IConstruct): void {
    const own = this._azurePrefix;
    if (!own) return;
    for (const other of inApp.get(this.node.root) ?? []) {
      const theirs = other._azurePrefix;
      if (other === this || !theirs || theirs === own || !theirs.startsWith(own)) continue;
      out.add(RULES.AZURE_PREFIX, 'storage path', own.split('/').slice(2).join('/'),
        `also matches ${theirs.split('/').slice(2).join('/')} (the model of ${other.node.path}): KServe downloads every blob whose name starts with the path`,
        { scope, fix: 'give the model folders names that are not prefixes of each other (models/iris-v1 and models/iris-v2)' });
    }
  }

  /** Name of the predictor's Knative Service (and in-cluster host `<it>.<namespace>`). */
  public get predictorServiceName(): string {
    return `${this.name}-predictor`;
  }

  /** Name of the transformer's Knative Service. */
  public get transformerServiceName(): string {
    return `${this.name}-transformer`;
  }

  /** The in-cluster URL of the InferenceService (transformer if present, else predictor). */
  public get internalUrl(): string {
    return `http://${this.name}.${this.namespace}.svc.cluster.local`;
  }
}

function isConstruct(x: unknown): x is IConstruct {
  return x !== undefined && x !== null && typeof x === 'object' && 'node' in (x as object);
}
