import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  InferenceServiceSpecPredictor,
  InferenceServiceSpecPredictorLoggerMode as LoggerModeWire,
  InferenceServiceSpecPredictorModelResourcesLimits as Limit,
  InferenceServiceSpecPredictorModelResourcesRequests as Request,
  InferenceServiceSpecPredictorScaleMetric as ScaleMetricWire,
  toJson_InferenceServiceSpecPredictor,
} from '../../imports/serving.kserve.io';
import { ComponentOptions } from './component';
import { Predictor, PredictorBindContext, PredictorConfig, PredictorRole } from './predictor';
import { EnvValue, renderEnv } from '../model/env';
import { LoggerOptions } from '../model/logger';
import { ModelStorage } from '../model/storage';
import { ContainerResources, Cpu, quantities, resolveResources } from '../model/resources';
import { RULES } from '../core/rules';
import { DeploymentMode } from '../core/target';
import { KServeVersion } from '../core/kserve-version';
import { digestsRequired, pinnedImage, TRITON_RUNTIME_IMAGE, TRITON_RUNTIME_TAG } from '../model/image-digests';
import { DEFAULT_TMP_DIR, renderSecurity, withSecurityEnv } from '../model/security';
import { ModelSignature } from '../contract/signature';
import { compact, DNS_1035_LABEL } from '../core/names';
import { checkedProps } from '../validation/props';

/** The inference protocol Triton serves through KServe. */
export enum TritonProtocol {
  /** Open Inference Protocol (v2) over HTTP/REST, port 8080. */
  V2 = 'v2',
  /**
   * Open Inference Protocol (v2) over gRPC. In Knative mode the predictor then exposes only
   * gRPC, on one port named `h2c` (9000): REST is no longer reachable (kserve#1499), and the
   * logger agent cannot log gRPC traffic.
   */
  GRPC_V2 = 'grpc-v2',
}

/** Everything about a Triton predictor except where its model is and where it logs. */
export interface TritonPredictorOptions extends ComponentOptions {
  /**
   * Name of this model version, such as `v2` (KServe 0.20's `predictor.name`). A canary in
   * Standard mode needs one: its objects are named `<isvc>-<name>-predictor`. Written only in
   * Standard mode on KServe 0.20+; in Knative mode revisions tell versions apart, and a name
   * would rename the Knative Service and lose the revision history a canary splits between.
   * Once written, change it only together with the model (KServe rejects a rename alone).
   *
   * @default - none: objects are named `<isvc>-predictor`
   */
  readonly name?: string;

  /**
   * Name of the ServingRuntime or ClusterServingRuntime.
   *
   * @default - KServe picks one that supports `triton` and the protocol (`kserve-tritonserver`)
   */
  readonly runtime?: string;

  /**
   * Triton image tag, replacing the runtime's (`23.05-py3` in KServe 0.11 to 0.20).
   *
   * @default - the runtime's image tag
   */
  readonly runtimeVersion?: string;

  /**
   * The protocol Triton serves.
   *
   * @default TritonProtocol.V2
   */
  readonly protocol?: TritonProtocol;

  /**
   * NVIDIA GPUs per pod, written to `resources.limits`.
   *
   * @default 0
   */
  readonly gpus?: number;

  /**
   * Extended resource name of the GPUs.
   *
   * @default 'nvidia.com/gpu'
   */
  readonly gpuResourceName?: string;

  /**
   * CPU and memory of the Triton container. Both requests and limits are always written.
   *
   * @default - 2 CPU and 8Gi memory, requests equal to limits (KServe's own 1 CPU / 2Gi
   * is too small for most GPU models, kserve#2361)
   */
  readonly resources?: ContainerResources;

  /**
   * Extra `tritonserver` flags, appended to the runtime's (`--log-verbose=1`, ...).
   *
   * @default - none
   */
  readonly args?: string[];

  /**
   * Extra environment variables of the Triton container: a string is a literal value, an
   * `EnvValue` reads a Secret or ConfigMap key.
   *
   * @default - none
   */
  readonly env?: Record<string, string | EnvValue>;

  /**
   * Size of a memory-backed `/dev/shm`. Triton's Python backend and large batches need more
   * than the container runtime's 64Mi.
   *
   * @default - no extra volume: the container runtime's default
   */
  readonly sharedMemorySize?: Size;
}

/** Props of `TritonPredictor`. */
export interface TritonPredictorProps extends TritonPredictorOptions {
  /** Where the Triton model repository is, and the credentials to read it. */
  readonly storage: ModelStorage;

  /**
   * Request/response logging of the predictor.
   *
   * @default - no logging
   */
  readonly logger?: LoggerOptions;
}

/** The 0.20 CRD requires a container name inside a canary's model (and only there); the pruned import does not type it. */
function withCanaryModelName(json: Record<string, any>, canary: boolean): Record<string, any> {
  return canary ? { ...json, model: { name: 'kserve-container', ...json.model } } : json;
}

/**
 * The predictor of an InferenceService: NVIDIA Triton serving a model repository through
 * KServe's `triton` model format (runtime `kserve-tritonserver`).
 */
export class TritonPredictor extends Predictor {
  /** The protocol Triton serves; the transformer talks to it with the same one. */
  public readonly protocol: TritonProtocol;
  /** KServe's `triton` model format (runtime `kserve-tritonserver`). */
  public readonly modelFormat = 'triton';
  public readonly serverName = 'Triton';
  /** The tensors Triton takes and returns, if given. */
  public readonly signature?: ModelSignature;
  /** Name of this model version, if given (`predictor.name` in Standard mode on KServe 0.20+). */
  public readonly name?: string;

  private readonly props: TritonPredictorProps;

  public constructor(scope: Construct, id: string, props: TritonPredictorProps) {
    super(scope, id);
    props = checkedProps(this, 'TritonPredictorProps', props);
    this.props = props;
    this.protocol = props.protocol ?? TritonProtocol.V2;
    this.name = props.name;
    this.signature = props.signature;
  }

  protected render(ctx: PredictorBindContext): PredictorConfig {
    const props = this.props;
    const out = ctx._out;
    const rendered = this._renderCommon(props, props.logger, ctx);
    const canary = ctx.role === PredictorRole.CANARY;
    // A Standard-mode canary has no scaling of its own: KServe rejects these fields on it (§3.1 V15).
    const { maxReplicas, scaleMetric, scaleTarget, autoScaling, ...unscaled } = rendered.fields;
    const component = canary ? unscaled : rendered.fields;
    const { autoScaling: rawAutoScaling, deploymentStrategy, ...typed } = component as typeof rendered.fields;
    if (props.name !== undefined && !(DNS_1035_LABEL.test(props.name) && props.name.length <= 63)) {
      out.add(RULES.OBJECT_NAME, 'name', props.name, 'must be lowercase letters, digits and \'-\', start with a letter and end with a letter or digit', { scope: this });
    }
    const name = ctx.deploymentMode === DeploymentMode.STANDARD && ctx.kserveVersion.isAtLeast(KServeVersion.V0_20) ? props.name : undefined;
    const storage = props.storage._bind();
    for (const p of storage.problems) out.add(RULES.STORAGE_URI, p.field, p.value, p.expected, { scope: this });
    const credentials = storage.credentials;

    const gpus = props.gpus ?? 0;
    if (!(Number.isInteger(gpus) && gpus >= 0)) {
      out.add(RULES.RESOURCES, 'gpus', gpus, 'must be a whole number of at least 0', { scope: this });
    }
    const resources = resolveResources(props.resources, { cpu: Cpu.cores(2), memory: Size.gibibytes(8) });
    const limits = gpus > 0 ? { ...resources.limits, [props.gpuResourceName ?? 'nvidia.com/gpu']: String(gpus) } : resources.limits;

    const serviceAccountName = props.serviceAccountName ?? credentials?.serviceAccountName;
    if (credentials && props.serviceAccountName && props.serviceAccountName !== credentials.serviceAccountName) {
      out.add(RULES.CREDENTIALS, 'serviceAccountName', props.serviceAccountName, `must be the storage credentials' ServiceAccount (${JSON.stringify(credentials.serviceAccountName)}): the storage initializer would run without the credentials`,
        { scope: this, fix: 'leave serviceAccountName unset' });
    }

    const shm = props.sharedMemorySize;
    const grpc = this.protocol === TritonProtocol.GRPC_V2;
    // KServe merges this securityContext over the runtime's own (0.14+: UID 1000, drop ALL,
    // privileged: false), field by field (kserve v0.20.0 pkg/controller/v1beta1/inferenceservice/utils/utils.go:253).
    const security = renderSecurity(props.security, { runAsUser: 1000, tmpDir: DEFAULT_TMP_DIR }, 'security', out, this);
    // Digest pinning of the runtime's image: written as the model's image, which replaces it.
    const runtimeImage = props.runtime === undefined ? `${TRITON_RUNTIME_IMAGE}:${props.runtimeVersion ?? TRITON_RUNTIME_TAG}` : undefined;
    const pinned = runtimeImage && pinnedImage(this, runtimeImage, 'runtimeVersion', out);
    const image = pinned !== runtimeImage ? pinned : undefined;
    if (props.runtime !== undefined && digestsRequired(this)) {
      out.add(RULES.IMAGE_DIGEST, 'runtime', props.runtime, 'has an image this library does not know, so it cannot be pinned here', { scope: this, fix: 'pin the image by digest in the ServingRuntime, then Validation.suppress(scope, \'image-digest\', reason)' });
    }
    const volumes = [...shm ? [{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: shm.asString() } }] : [], ...security.volumes];
    const volumeMounts = [...shm ? [{ name: 'dshm', mountPath: '/dev/shm' }] : [], ...security.volumeMounts];
    const model = {
      modelFormat: { name: 'triton' },
      protocolVersion: this.protocol,
      runtime: props.runtime,
      image,
      runtimeVersion: image ? undefined : props.runtimeVersion,
      storageUri: storage.storageUri,
      args: props.args,
      env: withSecurityEnv(renderEnv(props.env), security),
      // Knative exposes one port; for gRPC it must be named h2c (kserve.md §3.3, kserve#1420).
      ports: grpc ? [{ name: 'h2c', containerPort: 9000, protocol: 'TCP' }] : undefined,
      volumeMounts: volumeMounts.length > 0 ? volumeMounts : undefined,
      resources: { requests: quantities(resources.requests, Request.fromString), limits: quantities(limits, Limit.fromString) },
      securityContext: security.securityContext,
    };

    const spec = compact<InferenceServiceSpecPredictor>({
      ...typed,
      scaleMetric: typed.scaleMetric as ScaleMetricWire | undefined,
      logger: typed.logger && { ...typed.logger, mode: typed.logger.mode as LoggerModeWire },
      serviceAccountName,
      labels: credentials && Object.keys(credentials.podLabels).length > 0
        ? { ...credentials.podLabels, ...typed.labels }
        : typed.labels,
      volumes: volumes.length > 0 ? volumes : undefined,
      model: model as InferenceServiceSpecPredictor['model'],
    });
    return {
      credentials,
      storage: { uri: storage.storageUri, partsChecked: storage.partsChecked, azurePrefix: props.storage._azurePrefix },
      dependencies: [credentials, props.logger?.sink],
      logger: props.logger?.sink,
      autoscalerClass: canary ? undefined : rendered.autoscalerClass,
      name,
      // Fields the pruned import does not type (name) or would mangle (IntOrString values) are added as JSON.
      spec: compact({ ...(name !== undefined ? { name } : {}), ...withCanaryModelName(toJson_InferenceServiceSpecPredictor(spec)!, canary), autoScaling: rawAutoScaling, deploymentStrategy }),
    };
  }
}
