/**
 * The InferenceService: annotations, components, autoscaling, canaries, and its CRD schema per KServe minor.
 * Fields are named by their output path, `spec.predictor.minReplicas`.
 */
import { IConstruct } from 'constructs';
import { KNATIVE_KEYS } from '../../model/autoscaling';
import { KnativeVersion } from '../../core/knative-version';
import { KServeVersion } from '../../core/kserve-version';
import { digestsRequired, TRITON_RUNTIME_IMAGE, TRITON_RUNTIME_TAG } from '../../model/image-digests';
import { canonicalHeaderName } from '../../model/logger';
import { parseGoDuration } from '../../core/go-duration';
import { imageTagProblem } from '../../core/k8s-syntax';
import { RULES } from '../../core/rules';
import { DeploymentMode } from '../../core/target';
import { FindingList } from '../../core/findings';
import { SchemaName, specViolations } from '../schema';
import { AnnotationOwner, ContainerAt, checkAnnotationKeys, checkAnnotations, checkImage, checkLabelMap, checkPod, isRecord, items, parseQuantity } from './pod';
import { checkStorageUri } from './storage-uri';

type Json = Record<string, any>;

const FRAMEWORK_KEYS = ['sklearn', 'xgboost', 'tensorflow', 'pytorch', 'triton', 'onnx', 'huggingface', 'pmml', 'lightgbm', 'paddle'];

/** Allowed `serving.kserve.io/autoscalerClass` values by version (kserve.md §2). */
export function autoscalerClasses(version: KServeVersion): string[] {
  const classes = ['hpa'];
  if (version.isAtLeast(KServeVersion.V0_12)) classes.push('external');
  if (version.isAtLeast(KServeVersion.V0_15)) classes.push('keda');
  if (version.isAtLeast(KServeVersion.V0_16)) classes.push('none');
  return classes;
}

/** The `serving.kserve.io/deploymentMode` value for a mode and version. */
export function deploymentModeAnnotation(mode: DeploymentMode, version: KServeVersion): string {
  if (version.isAtLeast(KServeVersion.V0_16)) return mode;
  return mode === DeploymentMode.KNATIVE ? 'Serverless' : 'RawDeployment';
}

/** What the InferenceService check needs to know besides the object. */
export interface IsvcCheckContext {
  readonly version: KServeVersion;
  readonly mode: DeploymentMode;
  /** The Knative Serving the cluster runs (Knative mode). */
  readonly knative: KnativeVersion;
  readonly isvc: IConstruct;
  /** The construct written as `spec.predictor`. */
  readonly predictor: IConstruct;
  /** The model format that predictor declares (`triton` for TritonPredictor): the Triton checks apply to Triton only. */
  readonly modelFormat: string;
  /** The constructs written as `spec.canary[i].predictor`. */
  readonly canaries: IConstruct[];
  readonly transformer?: IConstruct;
  /** The storage URIs as the predictors built them, and whether their Azure parts were checked then. */
  readonly renderedStorageUris: { uri: string; partsChecked: boolean }[];
}

/** The patch release of each KServe minor whose InferenceService CRD is in ../shared/crds (the last of the minor). */
const KSERVE_CRD_RELEASE: Record<number, string> = {
  11: '0.11.2', 12: '0.12.1', 13: '0.13.1', 14: '0.14.1', 15: '0.15.2', 16: '0.16.0', 17: '0.17.1', 18: '0.18.1', 19: '0.19.0', 20: '0.20.0',
};

/** The schema an InferenceService of this version is checked against: the minor's own CRD. */
function isvcSchema(version: KServeVersion): SchemaName {
  return `kserve-v${KSERVE_CRD_RELEASE[version.minor]}` as SchemaName;
}

const UNKNOWN_FIELD = 'is not a field here';

/**
 * Schema violations of an InferenceService spec for its version; an unknown field that a later
 * KServe version has says which version added it.
 */
function isvcSchemaViolations(spec: Json, version: KServeVersion): { field: string; value: unknown; expected: string; fix?: string }[] {
  const release = KSERVE_CRD_RELEASE[version.minor];
  const unknownIn = new Map<KServeVersion, Set<string>>();
  const unknownFields = (v: KServeVersion) => {
    let set = unknownIn.get(v);
    if (!set) {
      set = new Set(specViolations(spec, isvcSchema(v)).filter(x => x.expected.startsWith(UNKNOWN_FIELD)).map(x => x.field));
      unknownIn.set(v, set);
    }
    return set;
  };
  return specViolations(spec, isvcSchema(version)).map(v => {
    const where = `(InferenceService schema of KServe ${release})`;
    if (!v.expected.startsWith(UNKNOWN_FIELD)) return { ...v, expected: `${v.expected} ${where}` };
    const first = KServeVersion.ALL.find(later => later.minor > version.minor && !unknownFields(later).has(v.field));
    return first
      ? { ...v, expected: `is not a field of KServe ${version} ${where}: KServe ${first} is the first version that has it`, fix: `set kserveVersion to ${first} or newer if the cluster runs it, or leave the field out` }
      : { ...v, expected: `${v.expected} ${where}` };
  });
}

/** Knative's bounds on the autoscaling annotations people set (knative/serving annotation_validation.go). */
function checkKnativeAutoscaling(out: FindingList, field: string, annotations: Json | undefined, scope: IConstruct): void {
  const num = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);
  const check = (key: string, ok: (v: string) => boolean, expected: string) => {
    const v = annotations?.[key];
    // On a component, also the knative prop that writes the annotation (knative.scaleDownDelay).
    const prop = field.startsWith('spec.') ? Object.entries(KNATIVE_KEYS).find(([, k]) => k === key)?.[0] : undefined;
    if (v !== undefined && !(typeof v === 'string' && ok(v))) {
      out.add(RULES.KNATIVE_AUTOSCALING, `${field}["${key}"]`, v, expected, { scope, fix: prop ? `correct knative.${prop}, which writes this annotation (or the annotation, if set by hand)` : undefined });
    }
  };
  const duration = (min: number, max: number, wholeSeconds: boolean) => (v: string) => {
    const d = parseGoDuration(v);
    return d !== undefined && d >= min && d <= max && (!wholeSeconds || Math.abs(d - Math.round(d)) < 1e-9);
  };
  const k = 'autoscaling.knative.dev/';
  check(`${k}initial-scale`, v => Number.isInteger(num(v)) && num(v) >= 0, 'must be a whole number of at least 0');
  check(`${k}target-utilization-percentage`, v => num(v) >= 1 && num(v) <= 100, 'must be a number from 1 to 100');
  check(`${k}panic-window-percentage`, v => num(v) >= 1 && num(v) <= 100, 'must be a number from 1 to 100');
  check(`${k}panic-threshold-percentage`, v => num(v) >= 110 && num(v) <= 1000, 'must be a number from 110 to 1000');
  check(`${k}target-burst-capacity`, v => num(v) >= 0 || num(v) === -1, 'must be a number of at least 0, or -1 (always through the activator)');
  check(`${k}window`, duration(6, 3600, true), 'must be a duration from 6s to 1h in whole seconds, such as 60s');
  check(`${k}scale-down-delay`, duration(0, 3600, true), 'must be a duration from 0s to 1h in whole seconds, such as 300s');
  check(`${k}scale-to-zero-pod-retention-period`, duration(0, 3600, false), 'must be a duration from 0s to 1h, such as 10m');
  check('serving.knative.dev/progress-deadline', v => (parseGoDuration(v) ?? 0) >= 1 && duration(1, Infinity, true)(v), 'must be a positive duration in whole seconds, such as 1200s');
  if (annotations?.[`${k}initial-scale`] === '0') {
    out.add(RULES.KNATIVE_FEATURE_FLAGS, `${field}["${k}initial-scale"]`, '0', 'is rejected by Knative unless allow-zero-initial-scale is true',
      { scope, fix: 'set allow-zero-initial-scale: "true" in the config-autoscaler ConfigMap of knative-serving' });
  }
}

/** Standard-mode autoScaling rules for the HPA and KEDA classes (§3.1 V14). */
function checkAutoScaling(out: FindingList, base: string, spec: Json, cls: string, version: KServeVersion, scope: IConstruct): void {
  for (const key of ['autoScaling', 'scaleMetricType']) {
    if (spec[key] !== undefined && !version.isAtLeast(KServeVersion.V0_15)) {
      const value = key === 'autoScaling' ? items(spec.autoScaling?.metrics).map((m: Json) => m.type).join(', ') : spec[key];
      out.add(RULES.AUTOSCALING_METRICS, `${base}.${key}`, value, `needs KServe 0.15 or newer (target is ${version})`, { scope });
    }
  }
  const metrics: Json[] = items(spec.autoScaling?.metrics);
  metrics.forEach((m, i) => {
    const at = `${base}.autoScaling.metrics[${i}]`;
    if (cls !== 'keda') {
      if (m.type !== 'Resource' || !m.resource) out.add(RULES.AUTOSCALING_METRICS, `${at}.type`, m.type, 'must be Resource with the hpa class: the HPA scales on cpu or memory only', { scope, fix: 'use StandardAutoscaler.keda for external metrics' });
      return;
    }
    if (m.type === 'Resource') {
      const t: Json = m.resource?.target ?? {};
      const name = m.resource?.name;
      if (name === 'cpu' && t.type !== 'Utilization') out.add(RULES.AUTOSCALING_METRICS, `${at}.resource.target.type`, t.type, 'must be Utilization for cpu with KEDA', { scope });
      if (name === 'memory' && !['Utilization', 'AverageValue'].includes(t.type)) out.add(RULES.AUTOSCALING_METRICS, `${at}.resource.target.type`, t.type, 'must be Utilization or AverageValue for memory with KEDA', { scope });
      if (t.type === 'Utilization' && !(Number.isInteger(t.averageUtilization) && t.averageUtilization >= 1 && t.averageUtilization <= 100)) {
        out.add(RULES.AUTOSCALING_METRICS, `${at}.resource.target.averageUtilization`, t.averageUtilization, 'must be a whole number from 1 to 100', { scope });
      }
      if (t.type === 'AverageValue') {
        const v = parseQuantity(t.averageValue);
        if (v === undefined || (name === 'memory' && v < 2 ** 20)) out.add(RULES.AUTOSCALING_METRICS, `${at}.resource.target.averageValue`, t.averageValue, name === 'memory' ? 'must be a quantity of at least 1Mi' : 'must be a quantity', { scope });
      }
      if (t.type === 'Value' && parseQuantity(t.value) === undefined) out.add(RULES.AUTOSCALING_METRICS, `${at}.resource.target.value`, t.value, 'must be a quantity', { scope });
    } else if (m.type === 'External' || m.type === 'PodMetric') {
      const key = m.type === 'External' ? 'external' : 'podmetric';
      const query = m[key]?.metric?.query;
      if (typeof query !== 'string' || query.trim() === '') out.add(RULES.AUTOSCALING_METRICS, `${at}.${key}.metric.query`, query, 'must be a non-empty query', { scope });
      const t: Json = m[key]?.target ?? {};
      const value = t.type === 'AverageValue' ? t.averageValue : t.value;
      if (parseQuantity(value) === undefined) out.add(RULES.AUTOSCALING_METRICS, `${at}.${key}.target.${t.type === 'AverageValue' ? 'averageValue' : 'value'}`, value, 'must be a number: the query value at which KEDA adds pods', { scope });
    }
  });
}

function checkComponent(out: FindingList, spec: Json, base: string, scope: IConstruct, isvcAnnotations: Json, ctx: IsvcCheckContext, grpc: boolean, canary = false): void {
  const role = base.endsWith('transformer') ? 'transformer' : 'predictor';
  const knative = ctx.mode === DeploymentMode.KNATIVE;
  const whole = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);

  // Replicas and concurrency (V12, §3.3).
  const { minReplicas, maxReplicas, containerConcurrency, scaleMetric, scaleTarget, timeout, canaryTrafficPercent } = spec;
  if (minReplicas !== undefined && !(whole(minReplicas) && minReplicas >= 0)) out.add(RULES.REPLICAS, `${base}.minReplicas`, minReplicas, 'must be a whole number of at least 0', { scope });
  if (maxReplicas !== undefined && !(whole(maxReplicas) && maxReplicas >= 0)) out.add(RULES.REPLICAS, `${base}.maxReplicas`, maxReplicas, 'must be a whole number of at least 0 (0 means no maximum)', { scope });
  if (whole(maxReplicas) && maxReplicas > 0 && maxReplicas < (minReplicas ?? 1)) {
    out.add(RULES.REPLICAS, `${base}.maxReplicas`, maxReplicas, `must be 0 or at least minReplicas (${minReplicas ?? '1, the default'})`, { scope });
  }
  if (containerConcurrency !== undefined) {
    if (!(whole(containerConcurrency) && containerConcurrency >= 0)) {
      out.add(RULES.CONTAINER_CONCURRENCY, `${base}.containerConcurrency`, containerConcurrency, 'must be a whole number of at least 0 (0 means unlimited)', { scope });
    } else if (knative && containerConcurrency > 1000) {
      out.add(RULES.CONTAINER_CONCURRENCY, `${base}.containerConcurrency`, containerConcurrency, 'must be at most 1000 (Knative\'s container-concurrency-max-limit)', { scope });
    }
  }
  if (timeout !== undefined) {
    if (!(whole(timeout) && timeout >= 1)) out.add(RULES.TIMEOUT, `${base}.timeout`, timeout, 'must be whole seconds, at least 1', { scope });
    else if (knative && timeout > 600) out.add(RULES.TIMEOUT, `${base}.timeout`, timeout, 'must be at most 600 seconds (Knative\'s max-revision-timeout-seconds)', { scope, fix: 'raise max-revision-timeout-seconds in config-defaults first, or shorten the timeout' });
  }

  // Autoscaling (V14).
  const annotations: Json = { ...isvcAnnotations, ...spec.annotations };
  const knativeHpa = annotations['autoscaling.knative.dev/class'] === 'hpa.autoscaling.knative.dev';
  if (scaleTarget !== undefined && !(whole(scaleTarget) && scaleTarget >= 1)) {
    out.add(RULES.SCALE_TARGET, `${base}.scaleTarget`, scaleTarget, 'must be a whole number of at least 1', { scope });
  }
  if (knative) {
    const allowed = knativeHpa ? ['cpu', 'memory'] : ['concurrency', 'rps'];
    if (scaleMetric !== undefined && !allowed.includes(scaleMetric)) {
      out.add(RULES.SCALE_METRIC_KNATIVE, `${base}.scaleMetric`, scaleMetric, `must be ${allowed.join(' or ')} in Knative mode${knativeHpa ? ' with the Knative HPA class' : ''}`,
        { scope, fix: knativeHpa ? undefined : 'use concurrency or rps, or deploymentMode Standard for cpu/memory' });
    }
    if (spec.deploymentStrategy !== undefined) {
      out.add(RULES.DEPLOYMENT_STRATEGY, `${base}.deploymentStrategy`, spec.deploymentStrategy, 'is only supported in Standard mode', { scope });
    }
    checkKnativeAutoscaling(out, `${base}.annotations`, spec.annotations, scope);
    if (canaryTrafficPercent !== undefined && !(whole(canaryTrafficPercent) && canaryTrafficPercent >= 0 && canaryTrafficPercent <= 100)) {
      out.add(RULES.CANARY_TRAFFIC, `${base}.canaryTrafficPercent`, canaryTrafficPercent, 'must be a whole number from 0 to 100', { scope });
    }
  } else if (annotations['serving.kserve.io/autoscalerClass'] === 'keda') {
    checkAutoScaling(out, base, spec, 'keda', ctx.version, scope);
    if (scaleMetric !== undefined) {
      out.add(RULES.SCALE_METRIC_STANDARD, `${base}.scaleMetric`, scaleMetric, 'must not be set with the keda autoscaler class ("ScaleMetric is not supported for KEDA")',
        { scope, fix: 'describe the metrics in autoScaling.metrics' });
    }
  } else if (['external', 'none'].includes(annotations['serving.kserve.io/autoscalerClass'])) {
    // No HPA is created: replicas are managed elsewhere (external) or fixed at minReplicas (none).
    checkAutoScaling(out, base, spec, annotations['serving.kserve.io/autoscalerClass'], ctx.version, scope);
  } else {
    checkAutoScaling(out, base, spec, 'hpa', ctx.version, scope);
    if (scaleMetric !== undefined && !['cpu', 'memory'].includes(scaleMetric)) {
      out.add(RULES.SCALE_METRIC_STANDARD, `${base}.scaleMetric`, scaleMetric, 'must be cpu or memory in Standard mode (the HPA scales on resource use)',
        { scope, fix: 'use cpu or memory, or deploymentMode Knative for concurrency/rps' });
    }
    if (whole(scaleTarget) && scaleTarget > 100) {
      out.add(RULES.SCALE_METRIC_STANDARD, `${base}.scaleTarget`, scaleTarget, 'must be at most 100: it is a utilization percentage in Standard mode', { scope });
    }
    if (minReplicas === 0) out.add(RULES.MIN_REPLICAS_ZERO_STANDARD, `${base}.minReplicas`, 0, 'behaves as 1: Standard mode cannot scale to zero', { scope });
    // A canary may not set maxReplicas (V15): it scales with the stable predictor's settings.
    if (!canary && (maxReplicas === undefined || maxReplicas === 0)) {
      out.add(RULES.FIXED_REPLICAS_STANDARD, `${base}.maxReplicas`, maxReplicas, 'leaves the HPA with max = min: a fixed replica count', { scope, fix: 'set maxReplicas above minReplicas to autoscale' });
    }
  }
  if (!knative) {
    if (spec.deploymentStrategy !== undefined && !ctx.version.isAtLeast(KServeVersion.V0_13)) {
      out.add(RULES.DEPLOYMENT_STRATEGY, `${base}.deploymentStrategy`, spec.deploymentStrategy, `needs KServe 0.13 or newer (target is ${ctx.version})`, { scope });
    }
    if (canaryTrafficPercent !== undefined) {
      out.add(RULES.CANARY_TRAFFIC, `${base}.canaryTrafficPercent`, canaryTrafficPercent, 'is ignored in Standard mode: there are no revisions to split traffic between',
        { scope, fix: ctx.version.isAtLeast(KServeVersion.V0_20) ? 'roll out with RolloutStage, which writes spec.canary[]' : 'use Knative mode for a canary' });
    }
  }

  // Logger (V13, §5.1).
  const logger = spec.logger;
  if (logger !== undefined) {
    if (!['all', 'request', 'response'].includes(logger.mode)) {
      out.add(RULES.LOGGER, `${base}.logger.mode`, logger.mode, 'must be all, request or response: KServe rejects a logger without a mode', { scope });
    }
    const url: unknown = logger.url;
    const blob = ctx.version.isAtLeast(KServeVersion.V0_16) && typeof url === 'string' && /^(s3|gs|abfs):\/\//.test(url);
    if (url !== undefined && !(typeof url === 'string' && (/^https?:\/\/[^/]+/.test(url) || blob))) {
      out.add(RULES.LOGGER, `${base}.logger.url`, url, `must be an http(s) URL${ctx.version.isAtLeast(KServeVersion.V0_16) ? ' or an s3://, gs:// or abfs:// blob sink' : ''}`, { scope });
    }
    if (blob && !logger.storage) out.add(RULES.LOGGER, `${base}.logger.storage`, undefined, 'must be set for a blob-storage logger URL', { scope });
    if (logger.storage && !(logger.storage.path && logger.storage.parameters && logger.storage.key)) {
      out.add(RULES.LOGGER, `${base}.logger.storage`, logger.storage, 'must set path, parameters and key ("invalid logger storage configuration")', { scope });
    }
    const headers: unknown = logger.metadataHeaders;
    if (Array.isArray(headers)) {
      headers.forEach((h: unknown, i: number) => {
        if (typeof h === 'string' && canonicalHeaderName(h) !== h) {
          out.add(RULES.LOGGER_METADATA, `${base}.logger.metadataHeaders[${i}]`, h, `is never matched: KServe's logger compares it with header names in Go's canonical form (kserve v0.20.0 pkg/logger/handler.go:133-137)`,
            { scope, fix: `write ${JSON.stringify(canonicalHeaderName(h))}` });
        } else if (typeof h === 'string' && !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(h)) {
          out.add(RULES.LOGGER_METADATA, `${base}.logger.metadataHeaders[${i}]`, h, 'must be an HTTP header name (letters, digits and -)', { scope });
        }
      });
    }
    if (grpc) {
      out.add(RULES.LOGGER_GRPC, `${base}.logger`, logger.mode, 'logs nothing: the predictor serves gRPC and the logger agent only proxies HTTP',
        { scope, fix: 'log at the transformer, or serve TritonProtocol.V2' });
    }
  }
  checkAnnotations(out, `${base}.annotations`, spec.annotations, scope, AnnotationOwner.COMPONENT);
  checkAnnotationKeys(out, `${base}.annotations`, spec.annotations, scope);
  checkLabelMap(out, `${base}.labels`, spec.labels, scope);
  checkLabelMap(out, `${base}.nodeSelector`, spec.nodeSelector, scope);

  // Containers.
  const containers: ContainerAt[] = [];
  if (role === 'predictor' && spec.model) containers.push({ c: spec.model, field: `${base}.model` });
  items(spec.containers).forEach((c: Json, i: number) => containers.push({ c, field: `${base}.containers[${i}]` }));
  items(spec.initContainers).forEach((c: Json, i: number) => containers.push({ c, field: `${base}.initContainers[${i}]`, init: true }));
  checkPod(out, spec, base, containers, knative ? ctx.knative : undefined, scope);
  for (const { c, field } of containers) {
    items(c.env).forEach((e: Json, i: number) => {
      if (e.name === 'PYTHONPATH') {
        out.add(RULES.PYTHONPATH, `${field}.env[${i}].name`, e.name, 'must not be set: KServe 0.18+ rejects it', { scope, fix: 'bake the path into the image' });
      }
    });
    if (c !== spec.model || c.image !== undefined) checkImage(out, `${field}.image`, c.image, scope);
  }
}

/** `spec.canary[]` (KServe 0.20, §3.1 V15), and each canary predictor like a predictor. */
function checkCanaries(out: FindingList, spec: Json, annotations: Json, ctx: IsvcCheckContext, grpc: boolean): void {
  const canaries: Json[] | undefined = spec.canary === undefined ? undefined : items(spec.canary);
  if (canaries === undefined) return;
  const scopeOf = (i: number) => ctx.canaries[i] ?? ctx.isvc;
  if (ctx.mode === DeploymentMode.KNATIVE) {
    out.add(RULES.CANARY, 'spec.canary', canaries.length, 'is only supported in Standard mode; Knative mode splits traffic between revisions', { scope: ctx.isvc, fix: 'roll out with RolloutStage, which writes canaryTrafficPercent in Knative mode' });
  } else if (!ctx.version.isAtLeast(KServeVersion.V0_20)) {
    out.add(RULES.CANARY, 'spec.canary', canaries.length, `needs KServe 0.20 or newer (target is ${ctx.version})`, { scope: ctx.isvc });
  }
  const stable: Json = spec.predictor ?? {};
  const names = new Set<string>(stable.name ? [stable.name] : []);
  let sum = 0;
  canaries.forEach((c, i) => {
    const base = `spec.canary[${i}]`;
    const scope = scopeOf(i);
    const p: Json = c.predictor ?? {};
    if (!p.name) {
      out.add(RULES.CANARY, `${base}.predictor.name`, p.name, 'must be set: a canary is a named predictor (<isvc>-<name>-predictor)', { scope, fix: 'give the candidate TritonPredictor a name, such as v2' });
    } else if (names.has(p.name)) {
      out.add(RULES.CANARY, `${base}.predictor.name`, p.name, 'must differ from the stable predictor\'s and every other canary\'s name', { scope });
    } else {
      names.add(p.name);
    }
    const percent = c.trafficPercent;
    if (!(Number.isInteger(percent) && percent >= 0 && percent <= 100)) {
      out.add(RULES.CANARY, `${base}.trafficPercent`, percent, 'must be a whole number from 0 to 100', { scope });
    } else {
      sum += percent;
    }
    for (const key of ['maxReplicas', 'scaleTarget', 'scaleMetric', 'autoScaling', 'workerSpec']) {
      if (p[key] !== undefined) out.add(RULES.CANARY, `${base}.predictor.${key}`, p[key], 'must not be set on a canary: it scales with the stable predictor\'s settings', { scope });
    }
    if ((p.minReplicas ?? 1) > (stable.minReplicas ?? 1)) {
      out.add(RULES.CANARY, `${base}.predictor.minReplicas`, p.minReplicas ?? 1, `must be at most the stable predictor's minReplicas (${stable.minReplicas ?? '1, the default'})`, { scope });
    }
    const model: Json | undefined = p.model;
    if (model && typeof model.storageUri === 'string') {
      const partsChecked = ctx.renderedStorageUris.some(r => r.uri === model.storageUri && r.partsChecked);
      checkStorageUri(out, `${base}.predictor.model.storageUri`, model.storageUri, ctx.version, scope, partsChecked);
    }
    checkComponent(out, p, `${base}.predictor`, scope, annotations, ctx, grpc, true);
  });
  if (sum > 100) out.add(RULES.CANARY, 'spec.canary[].trafficPercent', sum, 'must add up to at most 100', { scope: ctx.isvc });
}

/**
 * Checks a synthesized InferenceService: webhook rules V1-V14 that the output can break,
 * Knative admission in Knative mode, resources, images, storage, and the CRD schema.
 */
export function checkInferenceService(out: FindingList, obj: Json, ctx: IsvcCheckContext, info: { grpc: boolean }): void {
  const { version, mode } = ctx;
  const annotations: Json = obj.metadata?.annotations ?? {};
  const expectedMode = deploymentModeAnnotation(mode, version);
  const modeValue = annotations['serving.kserve.io/deploymentMode'];
  if (modeValue !== expectedMode) {
    out.add(RULES.ANNOTATIONS, 'metadata.annotations["serving.kserve.io/deploymentMode"]', modeValue, `must be ${expectedMode} for ${mode} mode on KServe ${version}`, { scope: ctx.isvc, fix: 'set deploymentMode on the construct instead of patching the annotation' });
  }
  checkAnnotations(out, 'metadata.annotations', annotations, ctx.isvc, AnnotationOwner.INFERENCE_SERVICE);
  const has = (key: string) => isRecord(obj.metadata) && key in obj.metadata;
  checkAnnotationKeys(out, 'metadata.annotations', obj.metadata?.annotations, ctx.isvc, has('annotations'));
  checkLabelMap(out, 'metadata.labels', obj.metadata?.labels, ctx.isvc, has('labels'));
  const cls = annotations['serving.kserve.io/autoscalerClass'];
  if (cls !== undefined && !autoscalerClasses(version).includes(cls)) {
    out.add(RULES.AUTOSCALER_CLASS, 'metadata.annotations["serving.kserve.io/autoscalerClass"]', cls, `must be one of ${autoscalerClasses(version).join(', ')} on KServe ${version}`, { scope: ctx.isvc });
  }
  const target = annotations['serving.kserve.io/targetUtilizationPercentage'];
  if (target !== undefined && !/^(100|[1-9][0-9]?)$/.test(String(target))) {
    out.add(RULES.TARGET_UTILIZATION, 'metadata.annotations["serving.kserve.io/targetUtilizationPercentage"]', target, 'must be a whole number from 1 to 100', { scope: ctx.isvc });
  }
  if (obj.metadata?.namespace === 'kserve') {
    out.add(RULES.CONTROL_PLANE_NAMESPACE, 'metadata.namespace', 'kserve', 'is labeled control-plane by KServe\'s install: its pods get no storage initializer and no logger agent', { scope: ctx.isvc, fix: 'use a namespace of your own' });
  }

  const spec: Json = isRecord(obj.spec) ? obj.spec : {};
  const predictor: Json = isRecord(spec.predictor) ? spec.predictor : {};
  const pScope = ctx.predictor;

  // Exactly one implementation (V10), no model.name (V7), Triton model (§6).
  for (const key of FRAMEWORK_KEYS) {
    if (predictor[key] !== undefined) out.add(RULES.PREDICTOR_IMPLEMENTATION, `spec.predictor.${key}`, key, 'must not be set beside model: a predictor has exactly one implementation', { scope: pScope });
  }
  const extra: Json[] = items(predictor.containers);
  if (version.isAtLeast(KServeVersion.V0_15)) {
    extra.forEach((c, i) => {
      if (c.name === 'kserve-container') out.add(RULES.PREDICTOR_IMPLEMENTATION, `spec.predictor.containers[${i}].name`, c.name, 'must not be kserve-container beside model: that makes a second implementation', { scope: pScope });
    });
  } else if (extra.length > 0) {
    out.add(RULES.PREDICTOR_IMPLEMENTATION, 'spec.predictor.containers', extra.map(c => c.name), `must be empty beside model on KServe ${version} (extra containers count as a second implementation before 0.15)`, { scope: pScope });
  }
  const model: Json | undefined = predictor.model;
  if (!model) {
    out.add(RULES.PREDICTOR_IMPLEMENTATION, 'spec.predictor.model', undefined, 'must be set: the Triton predictor is a model spec', { scope: pScope });
  } else {
    if (model.name !== undefined) out.add(RULES.PREDICTOR_MODEL_NAME, 'spec.predictor.model.name', model.name, 'must not be set: KServe 0.16+ rejects a name inside the model spec', { scope: pScope });
    if (model.modelFormat?.name !== ctx.modelFormat) out.add(RULES.TRITON_PROTOCOL, 'spec.predictor.model.modelFormat.name', model.modelFormat?.name, `must be ${ctx.modelFormat}`, { scope: pScope });
  }
  if (model && ctx.modelFormat === 'triton') {
    if (!['v2', 'grpc-v2'].includes(model.protocolVersion)) out.add(RULES.TRITON_PROTOCOL, 'spec.predictor.model.protocolVersion', model.protocolVersion, 'must be v2 or grpc-v2: the Triton runtime speaks only the Open Inference Protocol', { scope: pScope });
    if (model.runtimeVersion !== undefined && (model.runtimeVersion === 'latest' || String(model.runtimeVersion).trim() === '')) {
      out.add(RULES.IMAGE_PINNED, 'spec.predictor.model.runtimeVersion', model.runtimeVersion, 'must be a fixed Triton tag such as 24.08-py3', { scope: pScope });
    } else if (typeof model.runtimeVersion === 'string' && imageTagProblem(model.runtimeVersion)) {
      // KServe writes it as the runtime image's tag (nvcr.io/nvidia/tritonserver:<runtimeVersion>).
      out.add(RULES.IMAGE_REFERENCE, 'spec.predictor.model.runtimeVersion', model.runtimeVersion, `${imageTagProblem(model.runtimeVersion)}: KServe makes it the Triton image's tag`, { scope: pScope });
    }
    const defaultRuntime = model.runtime === undefined || model.runtime === 'kserve-tritonserver';
    if (defaultRuntime && model.image === undefined && digestsRequired(pScope)) {
      out.add(RULES.IMAGE_DIGEST, 'spec.predictor.model (runtime kserve-tritonserver)', `${TRITON_RUNTIME_IMAGE}:${model.runtimeVersion ?? TRITON_RUNTIME_TAG}`, 'must be pinned by digest: ImageDigests.pin(..., { require: true }) is in effect',
        { scope: pScope, fix: 'add this Triton image to the ImageDigests lock with its sha256 digest' });
    }
    if (defaultRuntime && model.image === undefined) {
      out.add(RULES.NGC_TAG_RESOLUTION, 'spec.predictor.model (runtime kserve-tritonserver)', `nvcr.io/nvidia/tritonserver:${model.runtimeVersion ?? '23.05-py3'}`, 'is on nvcr.io, whose tags Knative cannot resolve to digests',
        { scope: pScope, fix: 'add nvcr.io to registries-skipping-tag-resolving in Knative\'s config-deployment (KServe 0.20\'s installer does), then Validation.suppress(scope, \'ngc-tag-resolution\', reason)' });
    }
    if (defaultRuntime && mode === DeploymentMode.KNATIVE) {
      out.add(RULES.TRITON_RUNTIME_PRIVILEGED, 'spec.predictor.model.runtime', model.runtime ?? 'kserve-tritonserver (chosen by KServe)',
        `sets securityContext.privileged: false on KServe ${version}, which KServe merges into the container and Knative ${ctx.knative} rejects ("must not set the field(s): privileged")`,
        { scope: pScope, fix: 'run Knative Serving 1.17 or newer (knative/serving#15643) and set knativeVersion, or name a ServingRuntime of your own without privileged in runtime' });
    }
    if (typeof model.storageUri === 'string') {
      const partsChecked = ctx.renderedStorageUris.some(r => r.uri === model.storageUri && r.partsChecked);
      checkStorageUri(out, 'spec.predictor.model.storageUri', model.storageUri, version, pScope, partsChecked);
    }
  }
  // Storage URIs (V8).
  for (const [role, component] of [['predictor', predictor], ['transformer', isRecord(spec.transformer) ? spec.transformer : undefined]] as const) {
    const uris: Json[] | undefined = component?.storageUris === undefined ? undefined : items(component.storageUris);
    if (uris === undefined) continue;
    const scope = role === 'predictor' ? pScope : ctx.transformer ?? ctx.isvc;
    if (!version.isAtLeast(KServeVersion.V0_16)) out.add(RULES.STORAGE_URIS, `spec.${role}.storageUris`, uris.length, `needs KServe 0.16 or newer (target is ${version})`, { scope });
    const single = role === 'predictor' ? model?.storageUri : items(component?.containers).some((c: Json) => items(c.env).some((e: Json) => e.name === 'STORAGE_URI'));
    if (single) out.add(RULES.STORAGE_URIS, `spec.${role}.storageUris`, uris.length, 'must not be combined with a single storage URI', { scope });
    uris.forEach((u, i) => {
      if (!u.uri) out.add(RULES.STORAGE_URIS, `spec.${role}.storageUris[${i}].uri`, u.uri, 'must not be empty', { scope });
      const mount = u.mountPath;
      if (mount !== undefined && !(typeof mount === 'string' && mount.startsWith('/') && mount !== '/' && !mount.split('/').includes('..'))) {
        out.add(RULES.STORAGE_URIS, `spec.${role}.storageUris[${i}].mountPath`, mount, 'must be an absolute path other than / without ..', { scope });
      }
    });
  }
  // Collocated transformer (V6).
  extra.forEach((c, i) => {
    if (c.name === 'transformer-container' && items(c.env).some((e: Json) => e.name === 'STORAGE_URI')) {
      out.add(RULES.COLLOCATED_TRANSFORMER, `spec.predictor.containers[${i}].env`, 'STORAGE_URI', 'must not be set on transformer-container', { scope: pScope });
    }
  });
  checkComponent(out, predictor, 'spec.predictor', pScope, annotations, ctx, info.grpc);
  if (mode === DeploymentMode.KNATIVE) checkKnativeAutoscaling(out, 'metadata.annotations', annotations, ctx.isvc);
  checkCanaries(out, spec, annotations, ctx, info.grpc);

  const transformer: Json | undefined = spec.transformer === undefined ? undefined : isRecord(spec.transformer) ? spec.transformer : {};
  if (transformer) {
    const tScope = ctx.transformer ?? ctx.isvc;
    const containers: Json[] = items(transformer.containers);
    if (containers.length === 0) {
      out.add(RULES.TRANSFORMER_CONTAINERS, 'spec.transformer.containers', containers, 'must have at least one container', { scope: tScope });
    } else if (containers[0].name !== 'kserve-container') {
      out.add(RULES.TRANSFORMER_CONTAINERS, 'spec.transformer.containers[0].name', containers[0].name, 'must be kserve-container: KServe renames it otherwise and GitOps shows a diff', { scope: tScope });
    }
    containers.forEach((c, i) => items(c.env).forEach((e: Json, j: number) => {
      if (e.name === 'STORAGE_URI' && typeof e.value === 'string') checkStorageUri(out, `spec.transformer.containers[${i}].env[${j}].value`, e.value, version, tScope);
    }));
    checkComponent(out, transformer, 'spec.transformer', tScope, annotations, ctx, false);
  }

  // The CRD schema, for everything including JSON-patched fields (a field a rule above reports
  // is not reported twice: see onePerCause in validation.ts).
  for (const v of isvcSchemaViolations(spec, version)) {
    const canary = /^spec\.canary\[(\d+)\]/.exec(v.field);
    const scope = v.field.startsWith('spec.predictor') ? pScope : v.field.startsWith('spec.transformer') ? ctx.transformer ?? ctx.isvc
      : canary ? ctx.canaries[Number(canary[1])] ?? ctx.isvc : ctx.isvc;
    out.add(RULES.SCHEMA, v.field, v.value, v.expected, { scope, fix: v.fix });
  }
}
