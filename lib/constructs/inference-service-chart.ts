import { Chart, ChartProps } from 'cdk8s';
import { treeState } from '../core/tree-state';
import { Construct } from 'constructs';
import { AzureBlobCreds, AzureCredentials } from '../azure/credentials';
import { InferenceService, IngressGateway } from './inference-service';
import { KnativeVersion } from '../core/knative-version';
import { KServeVersion } from '../core/kserve-version';
import { LoggerMode, LoggerOptions } from '../model/logger';
import { MessageDumper, MessageDumperProps } from './message-dumper';
import { ModelStorage } from '../model/storage';
import { InferenceServiceNetworkPolicies, NetworkPoliciesOptions } from './network-policies';
import { RolloutStage } from '../model/rollout';
import { PythonTransformer, PythonTransformerOptions } from './python-transformer';
import { TritonPredictor, TritonPredictorOptions } from './triton-predictor';
import { RULES } from '../core/rules';
import { DeploymentMode, KServeTarget } from '../core/target';
import { addChecks, FindingList } from '../core/findings';
import { DNS_1035_LABEL, DNS_LABEL } from '../core/names';
import { checkedProps } from '../validation/props';

/** A Triton model repository in Azure Blob Storage, for `InferenceServiceChart`. */
export interface AzureBlobModelOptions {
  /** Storage account name. */
  readonly account: string;
  /** Blob container name. */
  readonly container: string;
  /** Folder of the Triton model repository inside the container. */
  readonly path: string;

  /**
   * Where the credentials come from.
   *
   * @default AzureCredentials.existingSecret('<name>-azure-blob')
   */
  readonly credentials?: AzureCredentials;

  /**
   * Name of the ServiceAccount the predictor runs under.
   *
   * @default '<name>-azure-blob'
   */
  readonly serviceAccountName?: string;
}

/** Request/response logging of an `InferenceServiceChart`. */
export interface ChartLoggingOptions {
  /**
   * Log at all. When false, no message dumper is created.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * What is logged, from every component.
   *
   * @default LoggerMode.ALL
   */
  readonly mode?: LoggerMode;

  /**
   * Request headers copied into every event's `metadata` (see `LoggerOptions.metadataHeaders`).
   *
   * @default - `['X-Request-Id']` on KServe 0.14 and newer; none before
   */
  readonly metadataHeaders?: string[];

  /**
   * The message dumper the events go to.
   *
   * @default - a `MessageDumper` with its defaults
   */
  readonly messageDumper?: MessageDumperProps;
}

/** The new model version of a chart's rollout. */
export interface CandidateModelOptions {
  /**
   * Name of the new version, such as `v2`. Standard mode needs it (`<isvc>-<name>-predictor`).
   *
   * @default - none
   */
  readonly name?: string;

  /**
   * Folder of the new Triton model repository in the chart's Azure Blob container (charts
   * with `azureBlob`). It is read with the chart's credentials.
   *
   * @default - none
   */
  readonly path?: string;

  /**
   * URI of the new Triton model repository (charts with `modelUri`).
   *
   * @default - none
   */
  readonly modelUri?: string;

  /**
   * Predictor options of the new version, over the chart's `predictor` options (a new Triton
   * `runtimeVersion`, more memory).
   *
   * @default - the chart's `predictor` options
   */
  readonly predictor?: TritonPredictorOptions;
}

/** A model rollout in an `InferenceServiceChart`. */
export interface ChartRolloutOptions {
  /** The new model version. */
  readonly candidate: CandidateModelOptions;
  /** Where the rollout stands. */
  readonly stage: RolloutStage;
}

/** Props of `InferenceServiceChart`. */
export interface InferenceServiceChartProps extends ChartProps {
  /**
   * Name of the InferenceService (and the Triton model directory).
   *
   * @default - the chart id
   */
  readonly name?: string;

  /**
   * The KServe version the output must work with.
   *
   * @default KServeVersion.DEFAULT (0.20)
   */
  readonly kserveVersion?: KServeVersion;

  /**
   * The Knative Serving the cluster runs, in Knative mode (reserved mount paths up to 1.12,
   * `privileged` up to 1.16).
   *
   * @default - the Knative Serving that `kserveVersion`'s installer sets up (`KnativeVersion.installedBy`)
   */
  readonly knativeVersion?: KnativeVersion;

  /**
   * How KServe runs the components.
   *
   * @default DeploymentMode.KNATIVE
   */
  readonly deploymentMode?: DeploymentMode;

  /**
   * The model repository in Azure Blob Storage. Give this or `modelUri`.
   *
   * @default - none
   */
  readonly azureBlob?: AzureBlobModelOptions;

  /**
   * The model repository as a URI (`pvc://`, `s3://`, `gs://`, `https://`). Give this or `azureBlob`.
   *
   * @default - none
   */
  readonly modelUri?: string;

  /**
   * The Triton predictor.
   *
   * @default - a CPU-only Triton predictor with the defaults of `TritonPredictorOptions`
   */
  readonly predictor?: TritonPredictorOptions;

  /**
   * A Python transformer in front of the predictor.
   *
   * @default - none
   */
  readonly transformer?: PythonTransformerOptions;

  /**
   * Request/response logging.
   *
   * @default - every component logs all traffic to a message dumper
   */
  readonly logging?: ChartLoggingOptions;

  /**
   * A new model version being rolled out beside the current one (see `RolloutStage`).
   *
   * @default - no rollout
   */
  readonly rollout?: ChartRolloutOptions;

  /**
   * Knative mode: give the latest revision its own host (`latest-<name>-predictor...`), so
   * both model versions of a canary can be called directly.
   *
   * @default false
   */
  readonly tagRouting?: boolean;

  /**
   * The cluster's ingress domain, for the hosts in ENDPOINTS.md.
   *
   * @default 'example.com'
   */
  readonly ingressDomain?: string;

  /**
   * The ingress gateway clients call through, for the commands in ENDPOINTS.md.
   *
   * @default IngressGateway.ISTIO
   */
  readonly ingressGateway?: IngressGateway;

  /**
   * Ingress NetworkPolicies for the transformer, the predictor and the message dumper (see
   * `InferenceServiceNetworkPolicies` for what they admit in each mode). Give `{}` to write them.
   *
   * @default - no NetworkPolicies
   */
  readonly networkPolicies?: NetworkPoliciesOptions;
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(x => typeof x === 'string');
}

/**
 * The object a sibling chart (beside `chart` in the construct tree) created for the same request
 * (`key`: what it asked of the object), else the one `create` makes now. Charts of one app share
 * the objects they define alike, so that one output folder holds each once (`kubectl kustomize`
 * refuses two objects of one identity). Kept on the parent: one lookup per chart in a fleet.
 */
function shared<T>(chart: InferenceServiceChart, kind: string, key: string, create: () => T): T {
  const made = treeState(chart.node.scope ?? chart, `shared-${kind}`, () => new Map<string, T>());
  let object = made.get(key);
  if (object === undefined) {
    object = create();
    made.set(key, object);
  }
  return object;
}

/**
 * One model served by KServe, as one chart (one file in `dist/`): Azure Blob credentials,
 * a message dumper, and an InferenceService with a Triton predictor and a Python transformer.
 * Objects are ordered so that `kubectl apply -f dist/` works in one pass. Charts of one app in
 * one namespace share one message dumper (when they ask for the same one), and charts that name
 * the same ServiceAccount and credentials share it: the first chart writes it, the others use it.
 */
export class InferenceServiceChart extends Chart {
  /** The InferenceService. */
  public readonly inferenceService: InferenceService;
  /** The Triton predictor. */
  public readonly predictor: TritonPredictor;
  /** The transformer, when one is configured. */
  public readonly transformer?: PythonTransformer;
  /** The Azure Blob credentials, when the model is in Azure Blob Storage. */
  public readonly credentials?: AzureBlobCreds;
  /** The message dumper, unless logging is disabled. */
  public readonly messageDumper?: MessageDumper;
  /** The new model version, during a rollout. */
  public readonly candidate?: TritonPredictor;
  /** The NetworkPolicies, when asked for. */
  public readonly networkPolicies?: InferenceServiceNetworkPolicies;

  public constructor(scope: Construct, id: string, props: InferenceServiceChartProps) {
    // Only a string reaches cdk8s: a namespace of another type is reported by the props check below.
    super(scope, id, { ...props, labels: isStringMap(props?.labels) ? props.labels : undefined, namespace: typeof props?.namespace === 'string' ? props.namespace : 'default' });
    props = checkedProps(this, 'InferenceServiceChartProps', props);
    const name = props.name ?? id;
    // The chart's target props apply to everything under it, including constructs a user adds.
    KServeTarget.set(this, props);
    const target = KServeTarget.of(this);
    const kserveVersion = target.kserveVersion;
    const out = new FindingList(this, { kserveVersion });
    if (!DNS_LABEL.test(id)) {
      out.add(RULES.OBJECT_NAME, 'chart id', id, 'must be lowercase letters, digits and \'-\': cdk8s otherwise adds a hash to the file name in dist/');
    }
    if ((props.azureBlob === undefined) === (props.modelUri === undefined)) {
      out.add(RULES.COMPONENT_BINDING, 'azureBlob, modelUri', props.azureBlob ? 'both' : 'neither', 'must be exactly one: where the Triton model repository is');
    }
    addChecks(this, () => out.findings);

    let storage: ModelStorage;
    if (props.azureBlob) {
      const blob = props.azureBlob;
      // Derived from a valid form of the name: an invalid name is reported once, by the
      // InferenceService, not again by every object named after it.
      const derived = DNS_1035_LABEL.test(name) ? name : name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+|-+$/g, '') || 'model';
      const credentialsProps = {
        serviceAccountName: blob.serviceAccountName ?? `${derived}-azure-blob`,
        credentials: blob.credentials ?? AzureCredentials.existingSecret(`${derived}-azure-blob`),
        kserveVersion,
      };
      // One ServiceAccount per storage identity: a sibling chart's, when it is the same one.
      this.credentials = shared(this, 'credentials', JSON.stringify({ namespace: this.namespace, ...credentialsProps }),
        () => new AzureBlobCreds(this, 'credentials', credentialsProps));
      storage = ModelStorage.azureBlob({ account: blob.account, container: blob.container, path: blob.path, credentials: this.credentials });
    } else {
      storage = ModelStorage.fromUri(props.modelUri ?? '');
    }

    const logging = props.logging ?? {};
    let logger: LoggerOptions | undefined;
    if (logging.enabled ?? true) {
      // The target is passed explicitly: a shared dumper may live in a sibling chart.
      const dumperProps: MessageDumperProps = { ...target, ...logging.messageDumper };
      // One dumper per namespace: a sibling chart's, when it asked for the same one.
      this.messageDumper = shared(this, 'message-dumper', JSON.stringify({ namespace: this.namespace, ...dumperProps }),
        () => new MessageDumper(this, 'message-dumper', dumperProps));
      logger = { sink: this.messageDumper, mode: logging.mode ?? LoggerMode.ALL, metadataHeaders: logging.metadataHeaders };
    }

    this.predictor = new TritonPredictor(this, 'predictor', { ...props.predictor, storage, logger });
    const rollout = props.rollout;
    if (rollout) {
      const c = rollout.candidate;
      let candidateStorage: ModelStorage;
      if (props.azureBlob && c.path !== undefined && c.modelUri === undefined) {
        const blob = props.azureBlob;
        candidateStorage = ModelStorage.azureBlob({ account: blob.account, container: blob.container, path: c.path, credentials: this.credentials! });
      } else if (props.modelUri !== undefined && c.modelUri !== undefined && c.path === undefined) {
        candidateStorage = ModelStorage.fromUri(c.modelUri);
      } else {
        const expected = props.azureBlob ? 'path (a folder in the chart\'s Azure Blob container)' : 'modelUri';
        out.add(RULES.CANARY, 'rollout.candidate path, modelUri', [c.path, c.modelUri].filter(x => x !== undefined).join(', ') || 'neither',
          `must be exactly ${expected}: where the new model version is`);
        candidateStorage = storage;
      }
      // Knative mode writes the candidate as the predictor, so it keeps the stable scaling; a
      // Standard-mode canary runs its own fixed pods (one unless the candidate asks for more).
      const inherited = target.deploymentMode === DeploymentMode.STANDARD ? { ...props.predictor, minReplicas: undefined } : props.predictor;
      this.candidate = new TritonPredictor(this, 'candidate', { ...inherited, ...c.predictor, name: c.name ?? c.predictor?.name, storage: candidateStorage, logger });
    }
    if (props.transformer) {
      this.transformer = new PythonTransformer(this, 'transformer', { ...props.transformer, logger });
    }
    this.inferenceService = new InferenceService(this, 'inference-service', {
      name,
      predictor: this.predictor,
      transformer: this.transformer,
      rollout: this.candidate && { candidate: this.candidate, stage: rollout!.stage },
      tagRouting: props.tagRouting,
      ingressDomain: props.ingressDomain,
      ingressGateway: props.ingressGateway,
    });
    if (props.networkPolicies) {
      this.networkPolicies = new InferenceServiceNetworkPolicies(this, 'network-policies', {
        ...props.networkPolicies,
        inferenceService: this.inferenceService,
        messageDumper: this.messageDumper,
      });
    }
  }
}
