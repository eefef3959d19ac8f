/**
 * Kubernetes' own syntax rules for names, labels, annotations, env vars and resource names,
 * as the API server applies them (k8s.io/apimachinery v0.32.0 pkg/util/validation/validation.go;
 * kubectl 1.32). Each returns what is wrong, phrased to follow the value, or undefined.
 */

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** envVarNameFmt, validation.go:438 (the strict form; RelaxedEnvironmentVariableValidation is off before Kubernetes 1.32). */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** `IsQualifiedName` (validation.go:42-71): `[prefix/]name`, prefix a DNS subdomain, name 1 to 63 characters. */
export function qualifiedNameProblem(value: string): string | undefined {
  const parts = value.split('/');
  if (parts.length > 2) return 'must be a name with at most one \'/\', such as example.com/my-name';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined) {
    if (prefix === '') return 'must not have an empty prefix before \'/\'';
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return `must have a DNS subdomain as its prefix (lowercase letters, digits, '-' and '.'), not ${JSON.stringify(prefix)}`;
  }
  if (name === '') return 'must not have an empty name part';
  if (name.length > 63) return `must have a name part of at most 63 characters (it has ${name.length})`;
  if (!QUALIFIED_NAME_PART.test(name)) return 'must have a name part of letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit';
  return undefined;
}

/** A label key: a qualified name (`ValidateLabelName`). */
export function labelKeyProblem(key: string): string | undefined {
  return qualifiedNameProblem(key);
}

/** `IsValidLabelValue` (validation.go:166-175): empty, or at most 63 characters of the qualified-name charset. */
export function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string (quote numbers and booleans)';
  if (value.length > 63) return `must be at most 63 characters (it has ${value.length})`;
  if (value !== '' && !QUALIFIED_NAME_PART.test(value)) return 'must be empty or letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit';
  return undefined;
}

/** An annotation key: a qualified name, case-insensitive (pkg/api/validation/objectmeta.go ValidateAnnotations). */
export function annotationKeyProblem(key: string): string | undefined {
  return qualifiedNameProblem(key.toLowerCase());
}

/** `IsEnvVarName` (validation.go:447-455), with `hasChDirPrefix` (:534-545). */
export function envNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'must be a non-empty string';
  if (!ENV_VAR_NAME.test(name)) return 'must be letters, digits, \'_\', \'-\' and \'.\', not starting with a digit';
  if (name === '.' || name === '..' || name.startsWith('..')) return 'must not be \'.\' or start with \'..\'';
  return undefined;
}

const STANDARD_RESOURCES = ['cpu', 'memory', 'ephemeral-storage', 'storage'];

/**
 * A container resource name: a standard one, `hugepages-<size>`, or an extended resource, a
 * qualified name with a domain prefix outside `kubernetes.io` (`nvidia.com/gpu`)
 * (kubernetes pkg/apis/core/validation/validation.go validateContainerResourceName).
 */
export function resourceNameProblem(name: string): string | undefined {
  if (STANDARD_RESOURCES.includes(name) || /^hugepages-/.test(name)) return undefined;
  const qualified = qualifiedNameProblem(name);
  if (qualified) return qualified;
  if (!name.includes('/')) return 'must be cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource with a domain, such as nvidia.com/gpu';
  const prefix = name.split('/')[0];
  if (prefix === 'kubernetes.io' || prefix.endsWith('.kubernetes.io')) return 'must not be in the kubernetes.io domain unless Kubernetes defines it';
  return undefined;
}

// ---- Image references -----------------------------------------------------------------
// The grammar of distribution/reference (v0.6.0 regexp.go and reference.go), which the kubelet's
// container runtimes parse images with; an image it rejects leaves the pod in InvalidImageName.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
/** Hex lengths of the digest algorithms go-digest knows (opencontainers/go-digest algorithm.go). */
const DIGEST_HEX: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** What is wrong with an image reference, or undefined when it parses. */
export function imageReferenceProblem(image: string): string | undefined {
  const m = REFERENCE.exec(image);
  if (!m) {
    if (REFERENCE.test(image.toLowerCase())) return 'must have a lowercase repository name (only the registry host may have capitals)';
    if (/\s/.test(image)) return 'must not contain spaces';
    return 'must be [registry/]repository[:tag][@algorithm:digest], the repository lowercase, the tag at most 128 letters, digits, \'_\', \'.\' and \'-\'';
  }
  const path = m[1].replace(new RegExp(`^${DOMAIN}/`), '');
  if (m[1].length > 255 || path.length > 255) return 'must have a repository name of at most 255 characters';
  if (m[3]) {
    const [algorithm, hex] = m[3].split(':');
    const length = DIGEST_HEX[algorithm];
    if (length === undefined) return `must use a digest algorithm Kubernetes' runtimes know (sha256, sha384, sha512), not ${algorithm}`;
    if (hex.length !== length || !/^[a-f0-9]+$/.test(hex)) return `must have a ${algorithm} digest of ${length} lowercase hex digits (it has ${hex.length})`;
  }
  return undefined;
}

/** What is wrong with an image tag (such as Triton's `runtimeVersion`), or undefined. */
export function imageTagProblem(tag: string): string | undefined {
  return TAG.test(tag) ? undefined : 'must be an image tag: at most 128 letters, digits, \'_\', \'.\' and \'-\', not starting with \'.\' or \'-\'';
}
