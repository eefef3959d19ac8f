import { KnativeVersion } from './knative-version';
import { KServeVersion } from './kserve-version';
import { DeploymentMode } from './target';

/** How bad a finding is. */
export enum Severity {
  /** The cluster would reject the object, or a pod would not start: synth fails. */
  ERROR = 'error',
  /** It works but bites; synth prints it, and fails only in strict mode. */
  WARNING = 'warning',
}

/** What a rule checks and where it applies. */
export interface RuleProps {
  /** Stable id, used in messages and in `Validation.suppress`. */
  readonly id: string;
  readonly severity: Severity;
  /** What is checked, in one sentence (the rule table of docs/rules.md). */
  readonly check: string;
  /** What goes wrong without the check, and the source (kserve.md section, webhook rule). */
  readonly why: string;
  /** The first KServe version the rule applies to. @default - all supported versions */
  readonly since?: KServeVersion;
  /** The last KServe version the rule applies to. @default - the newest */
  readonly until?: KServeVersion;
  /** The deployment modes the rule applies to. @default - both */
  readonly modes?: DeploymentMode[];
  /** The last Knative Serving version the rule applies to (Knative-mode rules). @default - the newest */
  readonly knativeUntil?: KnativeVersion;
  /** Whether `Validation.suppress` may switch it off (warnings and policy errors only). @default - true for warnings */
  readonly suppressible?: boolean;
  /** Whether a warning fails the synth in strict mode. @default true */
  readonly failsStrict?: boolean;
}

/** Where a check runs: the target KServe version and deployment mode. */
export interface RuleContext {
  readonly kserveVersion: KServeVersion;
  /** @default - the rule applies whatever the mode */
  readonly deploymentMode?: DeploymentMode;
  /** The Knative Serving the cluster runs. @default - the one the KServe version installs */
  readonly knativeVersion?: KnativeVersion;
}

/** One validation rule of the library. */
export class Rule {
  public readonly id: string;
  public readonly severity: Severity;
  public readonly check: string;
  public readonly why: string;
  public readonly since?: KServeVersion;
  public readonly until?: KServeVersion;
  public readonly modes?: DeploymentMode[];
  public readonly knativeUntil?: KnativeVersion;
  public readonly suppressible: boolean;
  public readonly failsStrict: boolean;

  public constructor(props: RuleProps) {
    this.id = props.id;
    this.severity = props.severity;
    this.check = props.check;
    this.why = props.why;
    this.since = props.since;
    this.until = props.until;
    this.modes = props.modes;
    this.knativeUntil = props.knativeUntil;
    this.suppressible = props.suppressible ?? props.severity === Severity.WARNING;
    this.failsStrict = props.failsStrict ?? true;
  }

  /** Whether the rule applies to this version and mode. */
  public appliesTo(ctx: RuleContext): boolean {
    const v = ctx.kserveVersion;
    if (this.since && !v.isAtLeast(this.since)) return false;
    if (this.until && this.until.minor < v.minor) return false;
    if (this.modes && ctx.deploymentMode && !this.modes.includes(ctx.deploymentMode)) return false;
    if (this.knativeUntil && this.knativeUntil.minor < (ctx.knativeVersion ?? KnativeVersion.installedBy(v)).minor) return false;
    return true;
  }

  /** Versions and modes, as the rule table of docs/rules.md shows them. */
  public get scope(): string {
    const versions = this.since && this.until ? `${this.since}–${this.until}`
      : this.since ? `${this.since}+` : this.until ? `≤ ${this.until}` : 'all';
    const modes = this.modes ? this.modes.join(', ') : 'both';
    return `${versions}; ${modes}${this.knativeUntil ? ` on Knative ≤ ${this.knativeUntil}` : ''}`;
  }
}

const E = Severity.ERROR;
const W = Severity.WARNING;
const V = KServeVersion;
const KNATIVE = [DeploymentMode.KNATIVE];
const STANDARD = [DeploymentMode.STANDARD];

/**
 * Every rule the library enforces at synth time, in the order docs/rules.md lists them. Sources
 * refer to `../shared/reference/kserve.md`: §3.1 V<n> is a KServe webhook rule, §3.3 Knative's
 * admission of the generated Knative Service, §3.4 the derived name limits.
 */
export const RULES = {
  // ---- Names --------------------------------------------------------------------------
  NAME: new Rule({ id: 'name', severity: E, check: 'The InferenceService name is lowercase letters, digits and `-`, starts with a letter and ends with a letter or digit.', why: 'KServe\'s webhook rejects it (§3.1 V1).' }),
  NAME_LENGTH_KNATIVE: new Rule({ id: 'name-length', severity: E, modes: KNATIVE, check: '`<name>-transformer` (or `-predictor` without a transformer) fits a 63-character DNS label, and so do the tag-route host labels `latest-<name>-<component>` (with `tagRouting`) and `prev-<name>-predictor` (while a canary splits traffic).', why: 'Knative cannot create the component Service or the tag route; nothing checks it before reconcile (§3.4; kserve v0.20.0 reconcilers/knative/ksvc_reconciler.go:134-152 adds the tags).' }),
  NAME_LENGTH_STANDARD: new Rule({ id: 'name-length-standard', severity: E, modes: STANDARD, check: 'The pod label `isvc.<name>-<component>` and the host label `<name>-<component>-<namespace>` fit 63 characters; a named predictor (KServe 0.20) is `<name>-<predictor name>-predictor`.', why: 'Reconcile fails even with ingress creation disabled (§3.4, kserve#4807).' }),
  OBJECT_NAME: new Rule({ id: 'object-name', severity: E, check: 'Namespaces are DNS labels; ServiceAccount and Secret names DNS subdomains; the message dumper name a DNS-1035 label of at most 63 characters; chart ids lowercase; the ingress domain (for ENDPOINTS.md) a DNS name, and the ingress gateway a Service name in a namespace that can exist.', why: 'The API server or Knative rejects the object (§3.3); ENDPOINTS.md\'s commands would name a gateway that cannot exist.' }),

  // ---- InferenceService shape -----------------------------------------------------------
  ANNOTATIONS: new Rule({ id: 'annotations', severity: E, check: 'No user-set `serving.kserve.io/deploymentMode`, `internal.serving.kserve.io/*`, or Knative `min-scale`/`max-scale` annotations (any spelling) on the InferenceService or a component; the deployment-mode value is spelled for the version.', why: 'The mode is owned by the construct; KServe strips min/max-scale (use minReplicas/maxReplicas) and writes the internal keys itself (§2, §10.10).' }),
  ANNOTATION_ALIAS: new Rule({ id: 'knative-annotation-alias', severity: W, modes: KNATIVE, check: 'Knative autoscaling annotations use the kebab-case keys (`initial-scale`, not `initialScale`).', why: 'Knative reads the kebab-case key first; a camelCase alias is silently ignored once KServe writes the kebab key (§2).' }),
  AUTOSCALER_CLASS: new Rule({ id: 'autoscaler-class', severity: E, check: '`serving.kserve.io/autoscalerClass` is one the version accepts: `hpa` (0.11), `+external` (0.12), `+keda` (0.15), `+none` (0.16); the components do not ask for different classes.', why: 'KServe\'s webhook rejects other values (§3.1 V2), and reads one class for the whole InferenceService (§3.1 V14).' }),
  TARGET_UTILIZATION: new Rule({ id: 'target-utilization-annotation', severity: E, until: V.V0_14, check: '`serving.kserve.io/targetUtilizationPercentage` is a whole number from 1 to 100.', why: 'KServe\'s webhook rejects it (§3.1 V3).' }),
  PREDICTOR_IMPLEMENTATION: new Rule({ id: 'predictor-implementation', severity: E, check: 'The predictor has exactly one implementation: `model` (Triton), no framework keys, and no extra `containers` (0.11–0.14) or none named `kserve-container` (0.15+).', why: '"Exactly one of [...] must be specified in PredictorSpec" (§3.1 V10).' }),
  PREDICTOR_MODEL_NAME: new Rule({ id: 'predictor-model-name', severity: E, since: V.V0_16, check: '`predictor.model.name` is not set.', why: '"the \'name\' field is not allowed in standard predictor" (§3.1 V7).' }),
  TRITON_PROTOCOL: new Rule({ id: 'triton-model', severity: E, check: '`model.modelFormat.name` is the predictor\'s own (`triton` for TritonPredictor), and a Triton predictor\'s `protocolVersion` is `v2` or `grpc-v2`.', why: 'The Triton runtime supports only these; anything else finds no runtime (§1.1, §6, kserve#3176).' }),
  TRANSFORMER_CONTAINERS: new Rule({ id: 'transformer-containers', severity: E, check: 'The transformer has one or more containers, the first named `kserve-container`.', why: 'KServe rejects a transformer without containers and renames the first one, which makes GitOps drift (§1.2, §3.1 V10).' }),
  COLLOCATED_TRANSFORMER: new Rule({ id: 'collocated-transformer', severity: E, since: V.V0_12, check: 'A predictor container named `transformer-container` has no `STORAGE_URI` env.', why: '"storage uri should not be specified in transformer container" (§3.1 V6).' }),
  STORAGE_URIS: new Rule({ id: 'storage-uris', severity: E, check: '`storageUris` (0.16+) is not combined with `storageUri` and each entry has a `uri` and an absolute `mountPath` other than `/` without `..`.', why: '"Setting both StorageURI and StorageURIs is not supported." (§3.1 V8).' }),
  DEPLOYMENT_STRATEGY: new Rule({ id: 'deployment-strategy', severity: E, check: 'No `deploymentStrategy` on a component in Knative mode; in Standard mode only from KServe 0.13.', why: '"customizing deploymentStrategy is only supported for raw deployment mode" (§3.1 V14); the field is new in 0.13 (§0).' }),
  SCHEMA: new Rule({ id: 'schema', severity: E, check: 'Every emitted InferenceService and Knative Service `spec`, including fields added by JSON patches, matches the CRD schema of the target version: the InferenceService CRD of the KServe minor itself (0.11.2, 0.12.1, … 0.20.0), the Knative Service CRD nearest the target Knative (1.10.1 up to 1.12, 1.15.2 for 1.13–1.16, 1.21.1 from 1.17). A field the target lacks names the first KServe version that has it.', why: 'The API server rejects unknown fields and wrong types with strict field validation (`kubectl apply`, Argo CD); without it they are silently dropped. 0.12–0.19 lack fields of 0.20 (`logger.metadataHeaders` is new in 0.14, `storageUris` in 0.16).' }),

  // ---- Containers ---------------------------------------------------------------------
  PYTHONPATH: new Rule({ id: 'pythonpath', severity: E, check: 'No container of the InferenceService sets `PYTHONPATH`.', why: 'KServe 0.18+ rejects it for security reasons (§3.1 V4); forbidden on every version so an upgrade cannot break.' }),
  ENV: new Rule({ id: 'env', severity: E, check: 'Env var names are what Kubernetes accepts (letters, digits, `_`, `-`, `.`, not starting with a digit, not `.` or `..`), from props or patches; values of the wrong type are the `props` rule\'s.', why: 'The API server rejects the pod spec (k8s.io/apimachinery v0.32.0 pkg/util/validation/validation.go:438-455 IsEnvVarName).' }),
  METADATA_SYNTAX: new Rule({ id: 'metadata-syntax', severity: E, check: 'Label keys and annotation keys are qualified names (`[prefix/]name`, prefix a DNS subdomain, name at most 63 characters of letters, digits, `-`, `_`, `.`), label and `nodeSelector` values at most 63 such characters or empty, and container resource names standard or extended with a domain (`nvidia.com/gpu`), on the InferenceService, its components and the message dumper, from props or patches.', why: 'The API server rejects the object, or KServe\'s Deployment or Knative Service fails to be created later (apimachinery v0.32.0 validation.go:42-71 IsQualifiedName, :166-175 IsValidLabelValue; objectmeta.go ValidateAnnotations; kubernetes core validation validateContainerResourceName).' }),
  KNATIVE_PORTS: new Rule({ id: 'knative-ports', severity: E, modes: KNATIVE, check: 'At most one container port per component (and per Knative Service), named `h2c`, `http1` or nothing, TCP, not one of 8008, 8012, 8013, 8022, 9090, 9091.', why: 'Knative rejects the generated Service; the InferenceService shows InternalError (§3.3, kserve#1499).' }),
  KNATIVE_RESERVED: new Rule({ id: 'knative-reserved', severity: E, modes: KNATIVE, check: 'No container named `queue-proxy`; no env `PORT`, `K_SERVICE`, `K_CONFIGURATION`, `K_REVISION`; no volume mounted at `/`, `/dev` or `/dev/log`, nor on Knative ≤ 1.12 at `/tmp`, `/var` or `/var/log` (from props or patches; the hardened default scratch directory is `/scratch`).', why: 'Knative reserves them and rejects the Knative Service: `mountPath "/tmp" is a reserved path` (knative/serving knative-v1.10.1 pkg/apis/serving/k8s_validation.go:43-50 and :668-672; `/tmp`, `/var`, `/var/log` were freed in 1.13.0, knative/serving#14686) (§3.3).' }),
  TRITON_RUNTIME_PRIVILEGED: new Rule({ id: 'triton-runtime-privileged', severity: W, since: V.V0_14, modes: KNATIVE, knativeUntil: KnativeVersion.V1_16, check: 'A Triton predictor on KServe\'s own `kserve-tritonserver` runtime (KServe 0.14+) in Knative mode on Knative ≤ 1.16 is reported.', why: 'The 0.14+ runtime sets `securityContext.privileged: false` (kserve v0.14.1 config/runtimes/kserve-tritonserver.yaml:48), which KServe merges into the container; Knative ≤ 1.16 rejects the field (knative-v1.10.1 pkg/apis/serving/fieldmask.go:691), allowing `false` only from 1.17 (knative/serving#15643). Not proven on a cluster.' }),
  KNATIVE_FEATURE_FLAGS: new Rule({ id: 'knative-feature-flag', severity: W, modes: KNATIVE, check: 'Pod fields that Knative accepts only with a `config-features` flag (nodeSelector, tolerations, affinity, topologySpreadConstraints, runtimeClassName, priorityClassName, schedulerName, pod securityContext, hostAliases, dnsPolicy, dnsConfig, initContainers, PVC and hostPath volumes, fieldRef env, added capabilities), and `initial-scale: 0`, are reported with the flag to enable.', why: '"must not set the field(s)" from Knative unless the flag is on (§3.3, kserve#1425, #2299).' }),
  RESOURCES: new Rule({ id: 'resources', severity: E, check: 'Every container that sets a cpu or memory request also sets the limit, no request exceeds its limit, quantities are positive, and a GPU request equals its limit.', why: 'KServe fills a missing limit with 1 CPU / 2Gi, which makes a larger request invalid; Kubernetes rejects GPU requests that differ from limits (§10.8, kserve#3947).' }),
  IMAGE_REFERENCE: new Rule({ id: 'image-reference', severity: E, check: 'Every image reference parses: `[registry/]repository[:tag][@algorithm:digest]` with a lowercase repository of at most 255 characters, a tag of at most 128 word characters, `.` and `-`, and a `sha256`/`sha384`/`sha512` digest of its exact hex length; Triton\'s `runtimeVersion` is such a tag.', why: 'The container runtime cannot parse it and the pod stays in InvalidImageName (distribution/reference v0.6.0 regexp.go, reference.go Parse; opencontainers/go-digest).' }),
  IMAGE_PINNED: new Rule({ id: 'image-pinned', severity: E, suppressible: true, check: 'Every image has a tag or digest, and the tag is not `latest` (also `runtimeVersion`).', why: 'A moving tag makes the same Git commit deploy different code (reproducible GitOps). Opt out per construct with `Validation.suppress(scope, \'image-pinned\', reason)`.' }),
  IMAGE_DIGEST: new Rule({ id: 'image-digest', severity: E, suppressible: true, check: 'Digests in an `ImageDigests.pin` lock are `sha256:` and 64 hex digits; with `require: true`, every image under the scope (Triton\'s runtime image too) carries a digest, from the lock or in its reference.', why: 'A tag can be moved to other content, a digest cannot: the same Git commit always deploys the same bytes.' }),
  IMAGE_PULL_SECRETS: new Rule({ id: 'image-pull-secrets', severity: E, check: '`imagePullSecrets` are Secret names (DNS subdomains).', why: 'The API server rejects the pod spec.' }),
  SECURITY_CONTEXT: new Rule({ id: 'security-context', severity: E, check: '`security` options are valid: `runAsUser` 1 to 2147483647, `runAsGroup` 0 to 2147483647, not `imageUser` together with `runAsUser`; writable paths absolute, unique, not `/`, `/mnt/models` or `/dev/shm`, and only with a read-only root filesystem.', why: 'The API server rejects out-of-range IDs; `runAsNonRoot` with UID 0 never starts; a second volume on a KServe mount path breaks the pod.' }),
  NGC_TAG_RESOLUTION: new Rule({ id: 'ngc-tag-resolution', severity: W, modes: KNATIVE, check: 'An `nvcr.io` image (the Triton runtime\'s own, unless `runtime` names another) is reported with the Knative setting it needs.', why: 'Knative cannot resolve nvcr.io tags to digests; the revision never becomes ready unless `config-deployment` `registries-skipping-tag-resolving` includes `nvcr.io` (KServe 0.20\'s installer sets it) (§6, P13).' }),

  // ---- Scaling and rollout ------------------------------------------------------------
  REPLICAS: new Rule({ id: 'replicas', severity: E, check: '`minReplicas` and `maxReplicas` are whole numbers ≥ 0, and `maxReplicas` is 0 (no maximum) or at least `minReplicas` (an unset minimum counts as 1).', why: '"\'MinReplicas\' cannot be greater than MaxReplicas" (§3.1 V12).' }),
  CONTAINER_CONCURRENCY: new Rule({ id: 'container-concurrency', severity: E, check: '`containerConcurrency` is a whole number ≥ 0, and at most 1000 in Knative mode.', why: 'KServe rejects negatives (§3.1 V12); Knative rejects more than `container-concurrency-max-limit` (§3.3).' }),
  TIMEOUT: new Rule({ id: 'timeout', severity: E, check: '`timeout` is whole seconds, at least 1, and at most 600 in Knative mode.', why: 'Knative rejects a revision timeout above `max-revision-timeout-seconds` (600 by default) (§3.3).' }),
  SCALE_METRIC_KNATIVE: new Rule({ id: 'scale-metric', severity: E, modes: KNATIVE, check: '`scaleMetric` is `concurrency` or `rps` (unless the component uses the Knative HPA class), and an rps `scaleTarget` is at least 1.', why: '"[cpu] is not a supported metric" (§3.1 V14 KPA rules).' }),
  SCALE_METRIC_STANDARD: new Rule({ id: 'scale-metric-standard', severity: E, modes: STANDARD, check: 'With the HPA (the default class), `scaleMetric` is `cpu` or `memory` and `scaleTarget` a whole number from 1 to 100; with the `keda` class, `scaleMetric` is unset; with `external` or `none`, neither applies.', why: '"[concurrency] is not a supported metric", "the target utilization percentage should be a [1-100] integer", "ScaleMetric is not supported for KEDA" (§3.1 V14 HPA and KEDA rules, kserve#3514).' }),
  SCALE_TARGET: new Rule({ id: 'scale-target', severity: E, check: '`scaleTarget` is a whole number of at least 1.', why: 'The autoscalers need a positive target (§1.1).' }),
  MIN_REPLICAS_ZERO_STANDARD: new Rule({ id: 'standard-scale-to-zero', severity: W, modes: STANDARD, check: '`minReplicas: 0` in Standard mode is reported.', why: 'Standard mode cannot scale to zero: KServe uses max(1, minReplicas) (§1.1, kserve#3514).' }),
  FIXED_REPLICAS_STANDARD: new Rule({ id: 'standard-fixed-replicas', severity: W, modes: STANDARD, check: 'A component in Standard mode with the HPA class and without `maxReplicas` is reported.', why: 'The HPA gets max = min: a fixed replica count, no autoscaling (§1.1).' }),
  KNATIVE_AUTOSCALING: new Rule({ id: 'knative-autoscaling', severity: E, modes: KNATIVE, check: 'Knative autoscaling annotations (from `knative` props or written by hand) have values Knative accepts: `initial-scale` a whole number ≥ 0, `target-utilization-percentage` and `panic-window-percentage` 1–100, `panic-threshold-percentage` 110–1000, `target-burst-capacity` ≥ 0 or -1, `window` 6 s–1 h, `scale-down-delay` and `scale-to-zero-pod-retention-period` 0–1 h in whole seconds, `progress-deadline` a positive duration in whole seconds.', why: 'Knative rejects the revision and the InferenceService never becomes ready (§2, §3.3; knative/serving annotation_validation.go).' }),
  AUTOSCALING_METRICS: new Rule({ id: 'autoscaling-metrics', severity: E, modes: STANDARD, check: '`autoScaling` and `scaleMetricType` only from KServe 0.15; with the HPA class every `autoScaling.metrics[]` entry is a `Resource` metric; with KEDA, CPU targets are `Utilization`, memory `Utilization` or `AverageValue` ≥ 1Mi, utilizations 1–100, each target type has its value, and `External` metrics have a query and a value.', why: 'KServe\'s webhook rejects them (§3.1 V14 HPA and KEDA rules).' }),
  CANARY_TRAFFIC: new Rule({ id: 'canary-traffic', severity: E, check: '`canaryTrafficPercent` is a whole number from 0 to 100, and only in Knative mode.', why: 'Standard mode has no revision traffic split and ignores it silently (§2, kserve#5335); a rollout with `RolloutStage` writes the right field for the mode.' }),
  CANARY: new Rule({ id: 'canary', severity: E, check: 'A rollout stage sends 0–100 % to a candidate that is not the stable predictor. `spec.canary[]` only in Standard mode on KServe 0.20+, each canary named, names unique and different from the stable predictor\'s, traffic 0–100 summing to at most 100, no `maxReplicas`, `scaleTarget`, `scaleMetric`, `autoScaling` or `workerSpec` on a canary, and its `minReplicas` at most the stable predictor\'s.', why: 'KServe 0.20\'s webhook rejects them (§3.1 V15); older versions have no `spec.canary` (the 0.11 CRD rejects it, 0.12–0.19 drop it).' }),
  CANARY_DARK_LAUNCH: new Rule({ id: 'canary-dark-launch', severity: W, since: V.V0_20, modes: STANDARD, check: 'A Standard-mode canary (`spec.canary[]`, KServe 0.20) is reported as a dark launch, with its in-cluster URL and the stable predictor\'s replicas KServe holds back for it.', why: 'KServe 0.20.0 reads `trafficPercent` only to size the canary and lowers the stable `minReplicas` by the canary\'s replicas (pkg/controller/v1beta1/inferenceservice/components/predictor.go:795-803, :886-895); the Ingress and the transformer reach only the stable predictor, so the canary gets no traffic unless you send it some.' }),

  // ---- Logger -------------------------------------------------------------------------
  LOGGER: new Rule({ id: 'logger', severity: E, check: 'Every `logger` has `mode` `all`, `request` or `response`, a URL with a scheme the version supports (`http(s)://`; `s3://`, `gs://`, `abfs://` from 0.16 with `storage`), and a complete `storage` block when one is set.', why: '"invalid logger type" for a missing mode (§3.1 V13); the agent cannot send elsewhere (§5.1).' }),
  LOGGER_GRPC: new Rule({ id: 'logger-grpc', severity: W, check: 'A logger on a predictor that serves gRPC is reported.', why: 'The logger agent only proxies HTTP; gRPC traffic is never logged (§5.2).' }),
  LOGGER_METADATA: new Rule({ id: 'logger-metadata-headers', severity: W, since: V.V0_14, check: 'Every `logger.metadataHeaders` entry is an HTTP header name in Go\'s canonical form (`X-Request-Id`, not `x-request-id`); the constructs write `X-Request-Id` by default from 0.14.', why: 'The logger copies a header only when its canonical name equals an entry exactly (kserve v0.20.0 pkg/logger/handler.go:133-137): any other spelling silently records nothing, and the predictor\'s events cannot be found by the client\'s id.' }),

  // ---- Storage and credentials --------------------------------------------------------
  STORAGE_URI: new Rule({ id: 'storage-uri', severity: E, check: 'The model URI (and a transformer\'s `STORAGE_URI` env) starts with a scheme the version\'s controller accepts; Azure Blob URIs have the form `https://<account>.blob.core.windows.net/<container>/<path>/` with a valid account, container and non-empty path; `abfs://`, `wasb(s)://` and `az://` are rejected with the https form to use.', why: '"StorageURI not supported" at reconcile, or "No model found" in the storage initializer (§3.2, §4.3).' }),
  AZURE_SAS: new Rule({ id: 'azure-sas-token', severity: W, check: 'A SAS token (`?sv=…&sig=…`) inside a storage URI is reported.', why: 'It works, but the token is then in the InferenceService spec, in Git and in `kubectl get` output (§4.3).' }),
  AZURE_PREFIX: new Rule({ id: 'azure-prefix-overlap', severity: W, check: 'An Azure Blob model path that is a name prefix of another model path in the app (`models/iris` and `models/iris-v2`) is reported.', why: 'The downloader treats the path as a plain name prefix: the shorter path also downloads the sibling folder (§4.3).' }),
  CREDENTIALS: new Rule({ id: 'credentials', severity: E, check: 'Storage credentials are in the InferenceService\'s namespace and target its KServe version, the predictor runs under their ServiceAccount, and a Secret created from the environment has every key the version needs.', why: 'The storage initializer runs without credentials, or stays in CreateContainerConfigError on a missing key (§4.1, §4.2).' }),
  PLAINTEXT_SECRET: new Rule({ id: 'plaintext-secret', severity: W, suppressible: false, failsStrict: false, check: 'A Secret whose values are written to `dist/` (`AzureCredentials.secretFromEnvironment`, the plaintext opt-in) is reported on every synth; it cannot be suppressed and does not fail strict mode.', why: 'Everyone who can read the repository can read the credentials; use `existingSecret`, `externalSecret` or `sealedSecret` for anything committed.' }),
  CONTROL_PLANE_NAMESPACE: new Rule({ id: 'control-plane-namespace', severity: W, check: 'An InferenceService in the `kserve` namespace is reported.', why: 'KServe\'s pod webhook skips namespaces labeled `control-plane`: no storage initializer and no logger agent (§4.1, kserve#2137).' }),

  // ---- Transformer --------------------------------------------------------------------
  TRANSFORMER_FLAGS: new Rule({ id: 'transformer-args', severity: E, check: 'Transformer args do not set `--predictor_host`, `--http_port`, `--protocol` or `--predictor_protocol`, and flags newer than the target version (timeout 0.12+, retries and health check 0.15+) are not used.', why: 'KServe and the construct derive them; a hand-written external host is unreachable in-cluster (§1.2, §8, kserve#2273).' }),
  SIGNATURE: new Rule({ id: 'model-signature', severity: E, check: 'A model `signature` lists at least one input; tensor names are unique, datatypes are v2 datatypes, shapes whole numbers ≥ 0 or -1; `exampleShape` fills each -1 and keeps the fixed dimensions; `exampleData` has the product of the example shape in values that fit the datatype.', why: 'The generated example request (`example_inputs/`) must be a valid v2 request: the element count equals the product of the shape, data fits the datatype (§7).' }),
  SIGNATURE_JSON: new Rule({ id: 'signature-json-datatype', severity: W, check: 'An FP16 or BF16 input in a model signature is reported.', why: 'JSON has no portable form for them; the example request sends JSON numbers, which a server may reject (§7: use FP32 or the binary extension).' }),
  GITOPS: new Rule({ id: 'gitops', severity: E, check: 'Argo CD Applications and Flux GitRepositories and Kustomizations have DNS-label names and namespaces, repository URLs, relative folder paths without `..`, and no Kustomization depends on itself.', why: 'The API server or the GitOps controller rejects them, or they sync nothing.' }),
  COMPONENT_BINDING: new Rule({ id: 'component-binding', severity: E, check: 'Every predictor or transformer construct is bound to an InferenceService, and a chart gives exactly one model location.', why: 'A component emits nothing on its own: a model defined but never bound would silently not be served.' }),
  OBJECT_IDENTITY: new Rule({ id: 'object-identity', severity: E, check: 'No two constructs write different objects of one identity (apiVersion, kind, namespace, name) into one output folder; objects that several charts define alike (the namespace\'s message dumper, a shared ServiceAccount) are written once.', why: '`kubectl kustomize` and so `kubectl apply -k`, Argo CD and Flux refuse the folder ("may not add resource with an already registered id"); `kubectl apply -f` would let the last one win silently.' }),
  PROPS: new Rule({ id: 'props', severity: E, check: 'Props match their TypeScript interfaces at run time: no unknown prop (with a "did you mean"), every value of its type (a class value made by its factory), every required prop given; the schema is generated from the interfaces (`lib/validation/props-schema.ts`).', why: '`npm run synth` runs the app without a type check (esbuild strips the types): `maxReplica: 3` would be dropped silently (unbounded scale-out) and a wrong type would crash a constructor.' }),
  FLEET_FILE: new Rule({ id: 'fleet-file', severity: E, check: 'A fleet file is YAML (or JSON) with no key given twice in one mapping (no model twice); environments are output folder names (lowercase letters, digits and `-`, not `argocd`, `flux` or `gpu-check` when those are written) and change only models the file defines; `gitops` and `gpuCheck` come with environments. Every other key is checked by the `props` rule against the schema of the file, `schema/fleet.schema.json`.', why: 'A YAML parser keeps the last of two equal keys silently, so a second model of one name would replace the first; an override of a model that does not exist (a typo) would change nothing.' }),
  VALUE_SHAPE: new Rule({ id: 'value-shape', severity: E, check: 'Every construct can be checked: a value of a type the checks do not take (through an untyped app or a JSON patch), or a JSON patch that does not apply, is reported on its construct instead of stopping the synth with a stack trace.', why: 'An app run without type checks (tsx) or a patch can put any JSON anywhere; the output would be unchecked, or the synth would crash.' }),
  CONSTRUCT: new Rule({ id: 'construct', severity: E, check: 'Validations that other constructs add with `node.addValidation` (cdk8s-plus, your own) pass.', why: 'cdk8s would fail the synth on them too; they are reported with the rest.' }),
  SUPPRESSION: new Rule({ id: 'suppression', severity: E, check: '`Validation.suppress` names a known, suppressible rule and gives a reason.', why: 'Errors that the cluster would reject cannot be switched off; a suppression without a reason cannot be reviewed.' }),
} as const;

/** Every rule, in the order of docs/rules.md. */
export const ALL_RULES: Rule[] = Object.values(RULES);
