import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { InferenceService as InferenceServiceObject, toJson_InferenceServiceSpec } from '../imports/serving.kserve.io';
import { ComponentContext, DeploymentMode } from './component';
import { KServeVersion } from './kserve-version';
import { PythonTransformer } from './python-transformer';
import { TritonPredictor } from './triton-predictor';
import { defined, dnsLabelProblem, DNS_1035_LABEL } from './_names';
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

/** Annotations this construct owns, or that KServe ignores (kserve.md §2). */
const RESERVED_ANNOTATIONS: Record<string, string> = {
  'serving.kserve.io/deploymentMode': 'it is written from the deployment mode, spelled for the target KServe version',
  'autoscaling.knative.dev/min-scale': 'KServe strips it; set minReplicas',
  'autoscaling.knative.dev/max-scale': 'KServe strips it; set maxReplicas',
  'autoscaling.knative.dev/minScale': 'KServe strips it; set minReplicas',
  'autoscaling.knative.dev/maxScale': 'KServe strips it; set maxReplicas',
};

/**
 * A KServe InferenceService (`serving.kserve.io/v1beta1`) in Knative mode, with a Triton
 * predictor and an optional Python transformer. Its primary child has id `Resource`, so
 * `ApiObject.of(isvc).addJsonPatch(...)` reaches fields this library does not model.
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

  public constructor(scope: Construct, id: string, props: InferenceServiceProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.namespace = resolveNamespace(this, props.namespace);
    this.kserveVersion = props.kserveVersion ?? KServeVersion.DEFAULT;
    const version = this.kserveVersion;
    // 0.16 renamed Serverless to Knative; older controllers do not know the new spelling.
    this.deploymentModeAnnotation = version.isAtLeast(KServeVersion.V0_16) ? 'Knative' : 'Serverless';

    const problems: string[] = [...defined(dnsLabelProblem('namespace', this.namespace))];
    if (!DNS_1035_LABEL.test(this.name)) {
      problems.push(`name (${JSON.stringify(this.name)}) must be lowercase letters, digits and '-', start with a letter and end with a letter or digit (KServe's webhook rejects anything else)`);
    }
    // Knative names the transformer's Service `<name>-transformer`; it must stay a DNS label (kserve.md §3.4).
    const longest = `${this.name}-${props.transformer ? 'transformer' : 'predictor'}`;
    if (longest.length > 63) {
      problems.push(`name (${JSON.stringify(this.name)}, ${this.name.length} characters) must be at most ${63 - longest.length + this.name.length} characters: KServe creates the Knative Service ${JSON.stringify(longest)}, which must fit a 63-character DNS label`);
    }
    for (const [key, why] of Object.entries(RESERVED_ANNOTATIONS)) {
      if (props.annotations && key in props.annotations) problems.push(`annotations: remove ${key}: ${why}`);
    }

    const ctx: ComponentContext = {
      isvcName: this.name,
      namespace: this.namespace,
      kserveVersion: version,
      deploymentMode: DeploymentMode.KNATIVE,
    };
    const predictor = props.predictor._render(ctx);
    const credentials = predictor.credentials;
    if (credentials) {
      if (credentials.namespace !== this.namespace) {
        problems.push(`predictor storage credentials are in namespace ${JSON.stringify(credentials.namespace)} but the InferenceService is in ${JSON.stringify(this.namespace)}: the ServiceAccount and Secret must be in the same namespace`);
      }
      if (credentials.kserveVersion !== version) {
        problems.push(`predictor storage credentials target KServe ${credentials.kserveVersion} but the InferenceService targets ${version}: give both the same kserveVersion (the Secret keys differ)`);
      }
    }
    const transformer = props.transformer?._render(ctx, props.predictor.protocol);

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
    this.node.addValidation({ validate: () => problems });
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
