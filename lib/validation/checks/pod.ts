/**
 * Checks shared by every pod the constructs write: quantities, images, containers, mount paths, label and annotation maps, the pod spec.
 * Fields are named by their output path, `spec.predictor.minReplicas`.
 */
import { IConstruct } from 'constructs';
import * as path from 'path';
import { KnativeVersion } from '../../core/knative-version';
import { digestsRequired, hasDigest } from '../../model/image-digests';
import { annotationKeyProblem, envNameProblem, imageReferenceProblem, labelKeyProblem, labelValueProblem, resourceNameProblem } from '../../core/k8s-syntax';
import { RULES } from '../../core/rules';
import { FindingList } from '../../core/findings';

type Json = Record<string, any>;

const SUFFIX: Record<string, number> = {
  'n': 1e-9, 'u': 1e-6, 'm': 1e-3, '': 1, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/** A Kubernetes quantity (`500m`, `8Gi`, `1e3`, `2`) in base units, or undefined when malformed. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] ? n * Number(`1${m[2]}`) : n * SUFFIX[m[3] ?? ''];
}

/** Tag and digest of an image reference. */
function imageParts(image: string): { tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  return { tag: colon >= 0 ? lastPart.slice(colon + 1) : undefined, digest };
}

/** The registry host of an image reference (`docker.io` when none is given). */
function registryOf(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}


/** A container of a pod spec, with the output path that names it. */
export interface ContainerAt {
  readonly c: Json;
  readonly field: string;
  /** Init containers are not serving containers: they carry no ports. */
  readonly init?: boolean;
}

const KNATIVE_RESERVED_PORTS = [8008, 8012, 8013, 8022, 9090, 9091];
const KNATIVE_RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'];

export function checkImage(out: FindingList, field: string, image: unknown, scope: IConstruct): void {
  if (typeof image !== 'string' || image.trim() === '') {
    out.add(RULES.IMAGE_PINNED, field, image, 'must name an image, pinned by tag or digest', { scope });
    return;
  }
  const grammar = imageReferenceProblem(image);
  if (grammar) {
    out.add(RULES.IMAGE_REFERENCE, field, image, grammar, { scope });
    return;
  }
  const { tag, digest } = imageParts(image);
  if (!digest && (tag === undefined || tag === 'latest')) {
    out.add(RULES.IMAGE_PINNED, field, image, tag ? 'must not use the moving tag latest' : 'must have a tag or digest: an untagged image is latest',
      { scope, fix: 'pin a version tag or @sha256 digest, or Validation.suppress(scope, \'image-pinned\', reason)' });
  }
  if (digestsRequired(scope) && !hasDigest(image)) {
    out.add(RULES.IMAGE_DIGEST, field, image, 'must be pinned by digest: ImageDigests.pin(..., { require: true }) is in effect',
      { scope, fix: 'add the image to the ImageDigests lock with its sha256 digest' });
  }
  // Knative resolves tags only: a digest needs no resolution.
  if (registryOf(image) === 'nvcr.io' && !digest) {
    out.add(RULES.NGC_TAG_RESOLUTION, field, image, 'is on nvcr.io, whose tags Knative cannot resolve to digests',
      { scope, fix: 'add nvcr.io to registries-skipping-tag-resolving in Knative\'s config-deployment (KServe 0.20\'s installer does)' });
  }
}

function checkResources(out: FindingList, field: string, resources: Json | undefined, scope: IConstruct): void {
  const requests: Json = resources?.requests ?? {};
  const limits: Json = resources?.limits ?? {};
  for (const [side, values] of [['requests', requests], ['limits', limits]] as const) {
    for (const [name, q] of Object.entries(values)) {
      const n = parseQuantity(q);
      if (n === undefined || !(n > 0)) {
        out.add(RULES.RESOURCES, `${field}.${side}.${name}`, q, 'must be a positive Kubernetes quantity such as 500m, 2 or 8Gi', { scope });
      } else if (name === 'cpu' && Math.abs(Math.round(n * 1000) - n * 1000) > 1e-9) {
        out.add(RULES.RESOURCES, `${field}.${side}.${name}`, q, 'must be whole millicores: Kubernetes has no finer CPU unit', { scope });
      }
    }
  }
  for (const [name, q] of Object.entries(requests)) {
    const request = parseQuantity(q);
    const extended = name !== 'cpu' && name !== 'memory' && name !== 'ephemeral-storage' && !name.startsWith('hugepages-');
    if (!(name in limits)) {
      // Extended resources: kubernetes pkg/apis/core/validation/validation.go validateResourceRequirements,
      // "Limit must be set for non overcommitable resources".
      out.add(RULES.RESOURCES, `${field}.limits.${name}`, undefined, extended
        ? `must be set because ${field}.requests.${name} is: Kubernetes rejects a request of an extended resource such as a GPU without a limit ("Limit must be set for non overcommitable resources")`
        : `must be set because ${field}.requests.${name} is: KServe fills a missing limit with its default (1 CPU / 2Gi), which breaks a larger request`,
      { scope, fix: extended ? `set ${field}.limits.${name} to the request (or only the limit: Kubernetes copies it to the request)` : `set ${field}.limits.${name}` });
      continue;
    }
    const limit = parseQuantity(limits[name]);
    if (request === undefined || limit === undefined) continue;
    if (extended && request !== limit) {
      out.add(RULES.RESOURCES, `${field}.requests.${name}`, q, `must equal the limit (${JSON.stringify(limits[name])}): Kubernetes does not overcommit extended resources such as GPUs`, { scope });
    } else if (request > limit) {
      out.add(RULES.RESOURCES, `${field}.requests.${name}`, q, `must not exceed the limit (${JSON.stringify(limits[name])})`, { scope });
    }
  }
}

/** Knative feature flags for pod fields (kserve.md §3.3). */
const POD_FEATURE_FLAGS: Record<string, string> = {
  nodeSelector: 'kubernetes.podspec-nodeselector',
  tolerations: 'kubernetes.podspec-tolerations',
  affinity: 'kubernetes.podspec-affinity',
  topologySpreadConstraints: 'kubernetes.podspec-topologyspreadconstraints',
  runtimeClassName: 'kubernetes.podspec-runtimeclassname',
  priorityClassName: 'kubernetes.podspec-priorityclassname',
  schedulerName: 'kubernetes.podspec-schedulername',
  securityContext: 'kubernetes.podspec-securitycontext',
  hostAliases: 'kubernetes.podspec-hostaliases',
  dnsPolicy: 'kubernetes.podspec-dnspolicy',
  dnsConfig: 'kubernetes.podspec-dnsconfig',
  initContainers: 'kubernetes.podspec-init-containers',
};

function featureFlag(out: FindingList, field: string, value: unknown, flag: string, scope: IConstruct): void {
  out.add(RULES.KNATIVE_FEATURE_FLAGS, field, value, `is rejected by Knative unless ${flag} is enabled`,
    { scope, fix: `set ${flag}: enabled in the config-features ConfigMap of knative-serving` });
}

/**
 * The volume mount paths Knative rejects, compared after Go's `path.Clean`: `/`, `/dev` and
 * `/dev/log` always, and `/tmp`, `/var`, `/var/log` up to 1.12 (knative/serving knative-v1.10.1
 * pkg/apis/serving/k8s_validation.go:43-50, checked for every container at :668-672; the list
 * shrank in knative-v1.13.0, knative/serving#14686).
 */
export function reservedMountPaths(knative: KnativeVersion): string[] {
  return knative.isAtLeast(KnativeVersion.V1_13) ? ['/', '/dev', '/dev/log'] : ['/', '/dev', '/dev/log', '/tmp', '/var', '/var/log'];
}

/** A path as Go's `path.Clean` leaves it: `/tmp/` and `//tmp/.` are `/tmp`. */
function cleanPath(p: string): string {
  const clean = path.posix.normalize(p);
  return clean.length > 1 ? clean.replace(/\/+$/, '') : clean;
}

/** Volume mounts Knative rejects in a container (see `reservedMountPaths`). */
function checkMountPaths(out: FindingList, field: string, mounts: unknown, knative: KnativeVersion, scope: IConstruct): void {
  if (!Array.isArray(mounts)) return;
  const reserved = reservedMountPaths(knative);
  mounts.forEach((m: unknown, i: number) => {
    const mountPath = (m as Json | null)?.mountPath;
    if (typeof mountPath !== 'string' || mountPath === '' || !reserved.includes(cleanPath(mountPath))) return;
    const freedLater = ['/tmp', '/var', '/var/log'].includes(cleanPath(mountPath));
    out.add(RULES.KNATIVE_RESERVED, `${field}.volumeMounts[${i}].mountPath`, mountPath, `must not be one of ${reserved.join(', ')}: Knative ${knative} reserves them and rejects the Knative Service`,
      { scope, fix: freedLater ? 'mount it elsewhere (the security option tmpDir, /scratch by default, is a writable directory every Knative accepts), or set knativeVersion to 1.13 or newer if the cluster runs it' : 'mount it elsewhere' });
  });
}

/**
 * The entries of a list as records, whatever a patch put there: not a list is none, an entry
 * that is not an object is an empty one (the schema check reports both).
 */
export function items(v: unknown): Json[] {
  return Array.isArray(v) ? v.map(x => (isRecord(x) ? x : {})) : [];
}

/** A plain JSON object (not an array, not null). */
export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A map of string keys to string values with Kubernetes' syntax for its keys and values. A key
 * a patch set to undefined is still written (as null), which the API server rejects.
 */
function checkStringMap(out: FindingList, field: string, map: unknown, scope: IConstruct, present: boolean,
  keyProblem: (key: string) => string | undefined, valueProblem: (value: unknown) => string | undefined): void {
  if (map === undefined && !present) return;
  if (!isRecord(map)) {
    out.add(RULES.METADATA_SYNTAX, field, map, 'must be an object of key to string value', { scope });
    return;
  }
  for (const [key, value] of Object.entries(map)) {
    const k = keyProblem(key);
    if (k) out.add(RULES.METADATA_SYNTAX, `${field} key`, key, k, { scope });
    const v = valueProblem(value);
    if (v) out.add(RULES.METADATA_SYNTAX, `${field}["${key}"]`, value, v, { scope });
  }
}

/** Label-like maps (labels, nodeSelector): qualified-name keys, label values (apimachinery validation.go:42-71, :166-175). */
export function checkLabelMap(out: FindingList, field: string, map: unknown, scope: IConstruct, present = false): void {
  checkStringMap(out, field, map, scope, present, labelKeyProblem, labelValueProblem);
}

/** Annotation keys (qualified names, case-insensitive) and string values. */
export function checkAnnotationKeys(out: FindingList, field: string, map: unknown, scope: IConstruct, present = false): void {
  checkStringMap(out, field, map, scope, present, annotationKeyProblem, v => (typeof v === 'string' ? undefined : 'must be a string (quote numbers and booleans)'));
}

/** The checks every pod-like spec gets: containers, ports, env, resources, images, feature-gated fields. */
export function checkPod(out: FindingList, pod: Json, base: string, containers: ContainerAt[], knativeVersion: KnativeVersion | undefined, scope: IConstruct): void {
  const knative = knativeVersion !== undefined;
  const serving = containers.filter(x => !x.init);
  const ports = serving.flatMap(x => items(x.c.ports).map((p: Json, i: number) => ({ p, field: `${x.field}.ports[${i}]` })));
  if (ports.length > 1) {
    out.add(RULES.KNATIVE_PORTS, `${base} ports`, ports.map(p => p.p.containerPort), 'must be at most one container port across the component: Knative routes to a single port',
      { scope, fix: 'serve REST on 8080 without a port, or gRPC on one port named h2c' });
  }
  for (const { p, field } of ports) {
    if (p.name !== undefined && !['', 'h2c', 'http1'].includes(p.name)) {
      out.add(RULES.KNATIVE_PORTS, `${field}.name`, p.name, 'must be h2c (gRPC), http1 or empty', { scope });
    }
    if (p.protocol !== undefined && p.protocol !== 'TCP') out.add(RULES.KNATIVE_PORTS, `${field}.protocol`, p.protocol, 'must be TCP', { scope });
    if (KNATIVE_RESERVED_PORTS.includes(p.containerPort)) {
      out.add(RULES.KNATIVE_PORTS, `${field}.containerPort`, p.containerPort, `must not be one of Knative's reserved ports ${KNATIVE_RESERVED_PORTS.join(', ')}`, { scope });
    }
  }
  for (const { c, field } of containers) {
    for (const side of ['requests', 'limits']) {
      const values = c.resources?.[side];
      if (!isRecord(values)) continue;
      for (const name of Object.keys(values)) {
        const problem = resourceNameProblem(name);
        if (problem) out.add(RULES.METADATA_SYNTAX, `${field}.resources.${side} key`, name, problem, { scope });
      }
    }
    if (c.name === 'queue-proxy') out.add(RULES.KNATIVE_RESERVED, `${field}.name`, c.name, 'must not be queue-proxy: Knative adds a container of that name', { scope });
    items(c.env).forEach((e: Json, i: number) => {
      const at = `${field}.env[${i}]`;
      const nameProblem = envNameProblem(e.name);
      if (nameProblem) out.add(RULES.ENV, `${at}.name`, e.name, nameProblem, { scope });
      if (KNATIVE_RESERVED_ENV.includes(e.name)) {
        out.add(RULES.KNATIVE_RESERVED, `${at}.name`, e.name, `must not be one of ${KNATIVE_RESERVED_ENV.join(', ')}: Knative sets them`, { scope });
      }
      if (e.valueFrom?.fieldRef) featureFlag(out, `${at}.valueFrom.fieldRef`, e.valueFrom.fieldRef.fieldPath, 'kubernetes.podspec-fieldref', scope);
    });
    const added = c.securityContext?.capabilities?.add;
    if (Array.isArray(added) && added.length > 0) featureFlag(out, `${field}.securityContext.capabilities.add`, added, 'kubernetes.containerspec-addcapabilities', scope);
    if (knativeVersion) checkMountPaths(out, field, c.volumeMounts, knativeVersion, scope);
    checkResources(out, `${field}.resources`, c.resources, scope);
  }
  if (knative) {
    for (const [key, flag] of Object.entries(POD_FEATURE_FLAGS)) {
      if (pod[key] !== undefined) featureFlag(out, `${base}.${key}`, pod[key], flag, scope);
    }
    items(pod.volumes).forEach((v: Json, i: number) => {
      if (v.persistentVolumeClaim) featureFlag(out, `${base}.volumes[${i}]`, v.name, 'kubernetes.podspec-persistent-volume-claim', scope);
      if (v.hostPath) featureFlag(out, `${base}.volumes[${i}]`, v.name, 'kubernetes.podspec-volumes-hostpath', scope);
    });
  }
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`);
}

/** Which object an annotation map belongs to: the rules for Knative keys differ. @internal */
export enum AnnotationOwner {
  INFERENCE_SERVICE = 'isvc',
  COMPONENT = 'component',
  KNATIVE_SERVICE = 'knative-service',
}

export function checkAnnotations(out: FindingList, field: string, annotations: Json | undefined, scope: IConstruct, owner: AnnotationOwner): void {
  for (const [key, value] of Object.entries(annotations ?? {})) {
    const at = `${field}["${key}"]`;
    if (/^autoscaling\.knative\.dev\/(min-?scale|max-?scale)$/i.test(key) && owner !== AnnotationOwner.KNATIVE_SERVICE) {
      out.add(RULES.ANNOTATIONS, at, value, `is stripped by KServe: set ${/min/i.test(key) ? 'minReplicas' : 'maxReplicas'} instead`, { scope });
    } else if (/^autoscaling\.knative\.dev\/[a-z]+[A-Z]/.test(key)) {
      const fixed = kebab(key);
      out.add(RULES.ANNOTATION_ALIAS, at, value, `is a deprecated alias that Knative ignores once the kebab-case key is set`, { scope, fix: `use ${fixed}` });
    }
    if (key.startsWith('internal.serving.kserve.io/')) {
      out.add(RULES.ANNOTATIONS, at, value, 'is written by the KServe controller and must not be authored', { scope });
    }
    if (owner === AnnotationOwner.KNATIVE_SERVICE && key.startsWith('autoscaling.knative.dev/')) {
      out.add(RULES.ANNOTATIONS, at, value, 'is only valid on the revision template: move it to spec.template.metadata.annotations', { scope });
    }
    if (owner === AnnotationOwner.COMPONENT && key === 'serving.kserve.io/deploymentMode') {
      out.add(RULES.ANNOTATIONS, at, value, 'is set on the InferenceService by the construct, from deploymentMode', { scope });
    }
  }
}

/** Checks the pod template of a Knative Service or Deployment: containers, resources, images. Returns the pod spec. */
export function checkTemplate(out: FindingList, obj: Json, knative: KnativeVersion | undefined, scope: IConstruct): Json {
  const pod: Json = obj.spec?.template?.spec ?? {};
  const base = 'spec.template.spec';
  const containers: ContainerAt[] = [
    ...items(pod.containers).map((c: Json, i: number) => ({ c, field: `${base}.containers[${i}]` })),
    ...items(pod.initContainers).map((c: Json, i: number) => ({ c, field: `${base}.initContainers[${i}]`, init: true })),
  ];
  checkPod(out, pod, base, containers, knative, scope);
  for (const { c, field } of containers) checkImage(out, `${field}.image`, c.image, scope);
  return pod;
}
