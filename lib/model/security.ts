import { IConstruct } from 'constructs';
import { RULES } from '../core/rules';
import { FindingList } from '../core/findings';
import { DNS_SUBDOMAIN } from '../core/names';

/** Options of `ContainerSecurity.restricted`. */
export interface RestrictedSecurityOptions {
  /**
   * The UID the container runs as (`runAsUser`). Must not be 0.
   *
   * @default - per construct: 1000 for the transformer and Triton (the user of KServe's Python
   * images and of KServe 0.14+'s own Triton runtime); the image's user for the message dumper
   */
  readonly runAsUser?: number;

  /**
   * Run as the user the image declares instead of a fixed UID. `runAsNonRoot` stays on, so the
   * kubelet refuses to start an image whose user is root (or a name rather than a number).
   *
   * @default - false, except for the message dumper (its image runs as 65532)
   */
  readonly imageUser?: boolean;

  /**
   * The GID the container runs as (`runAsGroup`).
   *
   * @default - the image's group
   */
  readonly runAsGroup?: number;

  /**
   * Mount the root filesystem read-only. Paths the process writes to go in `writablePaths`.
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * The directory for temporary files: a writable `emptyDir`, named by `TMPDIR` in the
   * container's environment (Python's `tempfile` and most tools follow it). It is not `/tmp`:
   * Knative Serving up to 1.12 rejects a volume mounted at `/tmp`, `/var` or `/var/log`
   * (knative/serving knative-v1.10.1 pkg/apis/serving/k8s_validation.go:43-50), and one path
   * for every version keeps the output the same when the cluster upgrades. An env var `TMPDIR`
   * of your own wins over it.
   *
   * @default - per construct: `/scratch` for the transformer and Triton, none for the message dumper
   */
  readonly tmpDir?: string;

  /**
   * Further absolute paths that get a writable `emptyDir` when the root filesystem is
   * read-only, for programs that write elsewhere (`/home/app/.cache`). In Knative mode on
   * Knative 1.12 or older, `/tmp`, `/var` and `/var/log` are rejected.
   *
   * @default - none
   */
  readonly writablePaths?: string[];
}

/**
 * The security context of a container this library writes. The default, `restricted()`, meets
 * the Kubernetes "restricted" Pod Security Standard for the container and uses only the
 * container fields Knative admits without feature flags (kserve.md §3.3: `runAsNonRoot`,
 * `runAsUser`, `runAsGroup`, `allowPrivilegeEscalation`, `capabilities.drop`,
 * `readOnlyRootFilesystem`, `seccompProfile`; `emptyDir` volumes are on by default).
 */
export class ContainerSecurity {
  /**
   * Non-root, no privilege escalation, every capability dropped, the container runtime's
   * default seccomp profile, and a read-only root filesystem with `emptyDir`s where the
   * process writes.
   */
  public static restricted(options: RestrictedSecurityOptions = {}): ContainerSecurity {
    return new ContainerSecurity(true, options);
  }

  /**
   * The opt-out: no security context and no extra volumes, so the image's and the cluster's
   * defaults apply (platforms that set their own, such as GKE Autopilot or OpenShift's SCCs).
   */
  public static none(): ContainerSecurity {
    return new ContainerSecurity(false, {});
  }

  private constructor(
    /** Whether anything is written. */
    public readonly enabled: boolean,
    /** The options given. */
    public readonly options: RestrictedSecurityOptions,
  ) {}
}

/** What a construct defaults to when `restricted()` leaves a choice open. @internal */
export interface SecurityDefaults {
  readonly runAsUser?: number;
  /** The default `tmpDir`, if the construct has one. */
  readonly tmpDir?: string;
}

/** The scratch directory of the transformer and Triton: a path every Knative version accepts. @internal */
export const DEFAULT_TMP_DIR = '/scratch';

/** The container and pod fields a `ContainerSecurity` writes. @internal */
export interface RenderedSecurity {
  readonly securityContext?: Record<string, unknown>;
  readonly volumes: { name: string; emptyDir: Record<string, never> }[];
  readonly volumeMounts: { name: string; mountPath: string }[];
  /** `TMPDIR`, when a scratch directory is mounted. */
  readonly env: { name: string; value: string }[];
}

/** The UID the kernel treats as root; the rest must fit an int64 and Kubernetes' range. */
const MAX_ID = 2147483647;

/**
 * The volume name of a writable path: the scratch directory's is `scratch`, `/tmp` is `tmp`,
 * `/home/app/.cache` is `writable-home-app-cache`.
 */
function volumeName(path: string, scratch: boolean): string {
  if (scratch) return 'scratch';
  const slug = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const name = slug === 'tmp' ? 'tmp' : `writable-${slug}`;
  return name.length <= 63 ? name : name.slice(0, 63).replace(/-+$/, '');
}

/**
 * Renders `security` for one container and reports bad options on `field` of `scope`.
 * @internal
 */
export function renderSecurity(security: ContainerSecurity | undefined, defaults: SecurityDefaults, field: string, out: FindingList, scope: IConstruct): RenderedSecurity {
  const s = security ?? ContainerSecurity.restricted();
  if (!s.enabled) return { volumes: [], volumeMounts: [], env: [] };
  const o = s.options;
  const problem = (name: string, value: unknown, expected: string) => out.add(RULES.SECURITY_CONTEXT, `${field}.${name}`, value, expected, { scope });
  for (const [name, id] of [['runAsUser', o.runAsUser], ['runAsGroup', o.runAsGroup]] as const) {
    if (id !== undefined && !(Number.isInteger(id) && id >= (name === 'runAsUser' ? 1 : 0) && id <= MAX_ID)) {
      problem(name, id, name === 'runAsUser'
        ? `must be a whole number from 1 to ${MAX_ID}: 0 is root, which runAsNonRoot refuses`
        : `must be a whole number from 0 to ${MAX_ID}`);
    }
  }
  if (o.imageUser && o.runAsUser !== undefined) problem('imageUser', true, 'must not be set together with runAsUser: choose the image\'s user or a fixed UID');
  const readOnly = o.readOnlyRootFilesystem ?? true;
  for (const [name, given] of [['writablePaths', o.writablePaths !== undefined && o.writablePaths.length > 0], ['tmpDir', o.tmpDir !== undefined]] as const) {
    if (!readOnly && given) problem(name, name === 'tmpDir' ? o.tmpDir : o.writablePaths, 'must be unset when readOnlyRootFilesystem is false: the whole filesystem is writable');
  }
  const tmpDir = readOnly ? o.tmpDir ?? defaults.tmpDir : undefined;
  const paths: [string, string][] = readOnly
    ? [...tmpDir !== undefined ? [['tmpDir', tmpDir] as [string, string]] : [], ...(o.writablePaths ?? []).map(p => ['writablePaths', p] as [string, string])]
    : [];
  const seen = new Set<string>();
  const mounts: { name: string; mountPath: string }[] = [];
  for (const [name, p] of paths) {
    if (!p.startsWith('/') || p === '/' || p.split('/').includes('..') || p.endsWith('/')) {
      problem(name, p, 'must be an absolute path other than / without .. or a trailing /');
    } else if (['/mnt/models', '/dev/shm'].includes(p)) {
      problem(name, p, 'must not be /mnt/models (KServe mounts the model there) or /dev/shm (sharedMemorySize)');
    }
    const volume = volumeName(p, name === 'tmpDir');
    if (seen.has(p) || mounts.some(m => m.name === volume)) problem(name, p, `must not repeat a path (volume ${JSON.stringify(volume)})`);
    if (!DNS_SUBDOMAIN.test(volume)) problem(name, p, 'must contain letters or digits');
    seen.add(p);
    mounts.push({ name: volume, mountPath: p });
  }
  const runAsUser = o.imageUser ? undefined : o.runAsUser ?? defaults.runAsUser;
  return {
    securityContext: {
      runAsNonRoot: true,
      ...(runAsUser !== undefined ? { runAsUser } : {}),
      ...(o.runAsGroup !== undefined ? { runAsGroup: o.runAsGroup } : {}),
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: readOnly,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumes: mounts.map(m => ({ name: m.name, emptyDir: {} })),
    volumeMounts: mounts,
    env: tmpDir !== undefined ? [{ name: 'TMPDIR', value: tmpDir }] : [],
  };
}

/**
 * A container's env with the security's `TMPDIR` added, unless the env sets `TMPDIR` itself.
 * @internal
 */
export function withSecurityEnv(env: { name: string }[] | undefined, security: RenderedSecurity): any[] | undefined {
  const own = env ?? [];
  const added = security.env.filter(e => !own.some(x => x.name === e.name));
  const all = [...own, ...added];
  return all.length > 0 ? all : undefined;
}

/**
 * The pod-level security context for pods whose spec Knative does not gate (Standard mode,
 * plain Deployments and Pods): the runtime's default seccomp profile also for containers that
 * KServe injects (storage initializer, logger agent). Knative rejects a pod `securityContext`
 * unless `kubernetes.podspec-securitycontext` is enabled, so Knative mode writes none.
 * @internal
 */
export function podSecurityContext(security: ContainerSecurity | undefined): Record<string, unknown> | undefined {
  return (security ?? ContainerSecurity.restricted()).enabled ? { seccompProfile: { type: 'RuntimeDefault' } } : undefined;
}

/**
 * Checks `imagePullSecrets` names and renders them.
 * @internal
 */
export function renderPullSecrets(names: string[] | undefined, out: FindingList, scope: IConstruct): { name: string }[] | undefined {
  if (!names || names.length === 0) return undefined;
  for (const n of names) {
    if (!(DNS_SUBDOMAIN.test(n) && n.length <= 253)) out.add(RULES.IMAGE_PULL_SECRETS, 'imagePullSecrets', n, 'must be Secret names: DNS subdomains of lowercase letters, digits, \'-\' and \'.\'', { scope });
  }
  return names.map(name => ({ name }));
}
