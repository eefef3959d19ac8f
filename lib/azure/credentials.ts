import { KServeTarget } from '../core/target';
import { ApiObject, Duration } from 'cdk8s';
import { KubeSecret, KubeServiceAccount } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { RULES } from '../core/rules';
import { addChecks, FindingList } from '../core/findings';
import { dnsLabelExpectation, dnsSubdomainExpectation } from '../core/names';
import { resolveNamespace } from '../core/scope';
import { KServeVersion } from '../core/kserve-version';
import { IModelStorageCredentials } from '../model/storage';
import { checkedProps } from '../validation/props';

/** How a Secret created from the environment authenticates to Azure. */
export enum AzureAuthentication {
  /** A service principal: tenant id, client id and client secret. */
  SERVICE_PRINCIPAL = 'service-principal',
  /** A storage account key (or SAS token) in `AZURE_STORAGE_ACCESS_KEY`. */
  ACCOUNT_KEY = 'account-key',
}

/** Options for `AzureCredentials.secretFromEnvironment`. */
export interface AzureSecretFromEnvironmentOptions {
  /**
   * What the Secret holds.
   *
   * @default AzureAuthentication.SERVICE_PRINCIPAL
   */
  readonly authentication?: AzureAuthentication;

  /**
   * Name of the Secret to create.
   *
   * @default - the ServiceAccount's name
   */
  readonly secretName?: string;

  /**
   * Where the values are read from, at synth time.
   *
   * @default process.env
   */
  readonly environment?: Record<string, string | undefined>;
}

/** Options for `AzureCredentials.workloadIdentity`. */
export interface AzureWorkloadIdentityOptions {
  /** Client id of the user-assigned managed identity or app registration federated with the ServiceAccount. */
  readonly clientId: string;

  /**
   * Tenant of the identity.
   *
   * @default - the tenant the Azure workload identity webhook is configured with
   */
  readonly tenantId?: string;
}

/** The kind of External Secrets Operator store an ExternalSecret reads from. */
export enum SecretStoreKind {
  /** A `SecretStore` in the InferenceService's namespace. */
  SECRET_STORE = 'SecretStore',
  /** A cluster-wide `ClusterSecretStore`. */
  CLUSTER_SECRET_STORE = 'ClusterSecretStore',
}

/** Options for `AzureCredentials.externalSecret`. */
export interface AzureExternalSecretOptions {
  /** Name of the `SecretStore` or `ClusterSecretStore` (Azure Key Vault provider) to read from. */
  readonly storeName: string;

  /**
   * Kind of the store.
   *
   * @default SecretStoreKind.SECRET_STORE
   */
  readonly storeKind?: SecretStoreKind;

  /**
   * What the Secret holds.
   *
   * @default AzureAuthentication.SERVICE_PRINCIPAL
   */
  readonly authentication?: AzureAuthentication;

  /**
   * The Key Vault secret that holds each Secret key (`AZURE_CLIENT_SECRET` to
   * `kserve-client-secret`). Key Vault names allow only letters, digits and `-`.
   *
   * @default - the key in lowercase with `-` for `_`: `AZURE_CLIENT_SECRET` is read from `azure-client-secret`
   */
  readonly vaultSecrets?: Record<string, string>;

  /**
   * How often the operator re-reads the vault, so a rotated secret reaches the cluster.
   *
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;

  /**
   * Name of the Secret the operator creates.
   *
   * @default - the ServiceAccount's name
   */
  readonly secretName?: string;
}

/** Which names and namespaces a Sealed Secret may be unsealed under (`kubeseal --scope`). */
export enum SealedSecretScope {
  /** Only this name in this namespace (kubeseal's default). */
  STRICT = 'strict',
  /** Any name in this namespace. */
  NAMESPACE_WIDE = 'namespace-wide',
  /** Any name in any namespace. */
  CLUSTER_WIDE = 'cluster-wide',
}

/** Options for `AzureCredentials.sealedSecret`. */
export interface AzureSealedSecretOptions {
  /**
   * The `kubeseal` output for each Secret key, for example from
   * `kubeseal --raw --namespace <ns> --name <secret> --from-file=/dev/stdin`. Keys must be
   * exactly those the target KServe version needs (see `azureSecretKeys`).
   */
  readonly encryptedData: Record<string, string>;

  /**
   * What the Secret holds.
   *
   * @default AzureAuthentication.SERVICE_PRINCIPAL
   */
  readonly authentication?: AzureAuthentication;

  /**
   * The scope the values were sealed with; it must match `kubeseal --scope`.
   *
   * @default SealedSecretScope.STRICT
   */
  readonly scope?: SealedSecretScope;

  /**
   * Name of the Secret the controller creates. With the strict scope the values must have
   * been sealed for this name and the ServiceAccount's namespace.
   *
   * @default - the ServiceAccount's name
   */
  readonly secretName?: string;
}

type Source =
  | { kind: 'existing'; secretName: string }
  | { kind: 'environment'; options: AzureSecretFromEnvironmentOptions }
  | { kind: 'workload-identity'; options: AzureWorkloadIdentityOptions }
  | { kind: 'external-secret'; options: AzureExternalSecretOptions }
  | { kind: 'sealed-secret'; options: AzureSealedSecretOptions };

/**
 * Where Azure Blob credentials come from.
 */
export class AzureCredentials {
  /**
   * A Secret that already exists in the cluster, created outside Git
   * (`kubectl create secret generic ...`). Nothing secret reaches `dist/`.
   */
  public static existingSecret(secretName: string): AzureCredentials {
    return new AzureCredentials({ kind: 'existing', secretName });
  }

  /**
   * An `ExternalSecret` (External Secrets Operator 0.16+, `external-secrets.io/v1`) that
   * copies the credentials from Azure Key Vault, through a `SecretStore` or
   * `ClusterSecretStore`, into a Secret with exactly the keys the target KServe version needs.
   * Only vault entry names reach `dist/`.
   */
  public static externalSecret(options: AzureExternalSecretOptions): AzureCredentials {
    return new AzureCredentials({ kind: 'external-secret', options });
  }

  /**
   * A `SealedSecret` (Bitnami Sealed Secrets) from values encrypted beforehand with `kubeseal`
   * for the cluster's controller: only ciphertext reaches `dist/`, and only that controller
   * can turn it into the Secret.
   */
  public static sealedSecret(options: AzureSealedSecretOptions): AzureCredentials {
    return new AzureCredentials({ kind: 'sealed-secret', options });
  }

  /**
   * Creates the Secret from environment variables read at synth time, with exactly the keys
   * the target KServe version needs. **The values are written to `dist/` in clear text**:
   * choosing this method is the opt-in, and every synth prints a `plaintext-secret` warning.
   * The Secret is annotated `cdk8s-kserve.io/plaintext-opt-in` with this construct's path. Variables read: `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
   * `AZURE_CLIENT_SECRET` and, for KServe 0.11 to 0.15, `AZURE_SUBSCRIPTION_ID`; or
   * `AZURE_STORAGE_ACCESS_KEY` for `AzureAuthentication.ACCOUNT_KEY`.
   */
  public static secretFromEnvironment(options: AzureSecretFromEnvironmentOptions = {}): AzureCredentials {
    return new AzureCredentials({ kind: 'environment', options });
  }

  /**
   * Azure workload identity: the ServiceAccount is annotated with the identity's client id and
   * the predictor pods get the `azure.workload.identity/use` label; no Secret at all. Needs the
   * Azure workload identity webhook in the cluster.
   */
  public static workloadIdentity(options: AzureWorkloadIdentityOptions): AzureCredentials {
    return new AzureCredentials({ kind: 'workload-identity', options });
  }

  private constructor(
    /** @internal */
    public readonly _source: Source,
  ) {}
}

/** Props of `AzureBlobCreds`. */
export interface AzureBlobCredsProps {
  /**
   * Where the credentials come from.
   *
   * @default AzureCredentials.existingSecret('kserve-azure-blob')
   */
  readonly credentials?: AzureCredentials;

  /**
   * Name of the ServiceAccount the predictor runs under.
   *
   * @default 'kserve-azure-blob'
   */
  readonly serviceAccountName?: string;

  /**
   * Namespace of the ServiceAccount; must be the InferenceService's.
   *
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;

  /**
   * The KServe version whose storage initializer reads the Secret: it decides which keys a
   * created Secret has.
   *
   * @default KServeVersion.DEFAULT
   */
  readonly kserveVersion?: KServeVersion;
}

/** Env variable names of an Azure Secret, by KServe version and authentication (kserve.md §4.2). */
export function azureSecretKeys(version: KServeVersion, authentication: AzureAuthentication): string[] {
  if (authentication === AzureAuthentication.ACCOUNT_KEY) return ['AZURE_STORAGE_ACCESS_KEY'];
  // 0.11 to 0.15 inject AZURE_SUBSCRIPTION_ID from a required key: without it the storage
  // initializer is stuck in CreateContainerConfigError. 0.16 made it optional and unused.
  const subscription = version.isAtLeast(KServeVersion.V0_16) ? [] : ['AZURE_SUBSCRIPTION_ID'];
  return [...subscription, 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'];
}

/** Annotation on a Secret written in clear text: the construct that opted in. */
export const PLAINTEXT_OPT_IN_ANNOTATION = 'cdk8s-kserve.io/plaintext-opt-in';

/** Azure Key Vault secret names: 1 to 127 letters, digits and `-`. */
const VAULT_SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** The default vault entry of a Secret key: `AZURE_CLIENT_SECRET` is `azure-client-secret`. */
export function defaultVaultSecretName(key: string): string {
  return key.toLowerCase().replace(/_/g, '-');
}

/**
 * What is wrong with a value that should be `kubeseal` output, if anything. Sealed Secrets
 * writes base64 of: the RSA-OAEP-encrypted session key's length (2 bytes, big-endian), that
 * key (256 to 512 bytes for 2048- to 4096-bit certificates), then AES-GCM ciphertext with its
 * 16-byte tag (bitnami-labs/sealed-secrets pkg/crypto/crypto.go, HybridEncrypt).
 */
export function sealedValueProblem(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) {
    return 'must be kubeseal output (base64): this looks like a plaintext value, which must never be committed';
  }
  const bytes = Buffer.from(value, 'base64');
  const keyLength = bytes.length >= 2 ? bytes.readUInt16BE(0) : 0;
  if (![256, 384, 512].includes(keyLength) || bytes.length < 2 + keyLength + 16) {
    return 'must be kubeseal output: base64 of a 2-byte key length (256, 384 or 512), the sealed session key and the AES-GCM ciphertext; this is not';
  }
  return undefined;
}

/** A duration as Go's time.ParseDuration reads it, in the largest whole unit. */
function goDuration(d: Duration): string {
  const seconds = d.toSeconds({ integral: false });
  if (seconds % 3600 === 0 && seconds > 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0 && seconds > 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * Argo CD applies (and waits for) wave -1 before the InferenceService's wave 0, so credentials
 * exist before the storage initializer needs them; other tools ignore the annotation.
 */
const CREDENTIALS_SYNC_WAVE = { 'argocd.argoproj.io/sync-wave': '-1' };

/**
 * Credentials for KServe's storage initializer to read a model from Azure Blob Storage:
 * a ServiceAccount (and, if asked, a Secret) that the predictor runs under.
 *
 * By default it references a Secret that already exists, so no secret value reaches `dist/`.
 */
export class AzureBlobCreds extends Construct implements IModelStorageCredentials {
  public readonly serviceAccountName: string;
  public readonly namespace: string;
  public readonly kserveVersion: KServeVersion;
  public readonly podLabels: Record<string, string>;
  /** The Secret listed on the ServiceAccount, if any (none with workload identity). */
  public readonly secretName?: string;
  /** The ServiceAccount object. */
  public readonly serviceAccount: ApiObject;
  /** The Secret object, when this construct writes one in clear text (`secretFromEnvironment`). */
  public readonly secret?: ApiObject;
  /** The `ExternalSecret` or `SealedSecret` that produces the Secret in the cluster, if any. */
  public readonly secretSource?: ApiObject;

  public constructor(scope: Construct, id: string, props: AzureBlobCredsProps = {}) {
    super(scope, id);
    props = checkedProps(this, 'AzureBlobCredsProps', props);
    this.serviceAccountName = props.serviceAccountName ?? 'kserve-azure-blob';
    this.namespace = resolveNamespace(this, props.namespace);
    this.kserveVersion = KServeTarget.of(this, props).kserveVersion;
    const version = this.kserveVersion;
    const source = (props.credentials ?? AzureCredentials.existingSecret('kserve-azure-blob'))._source;
    const out = new FindingList(this, { kserveVersion: version });
    const nameProblem = (field: string, value: string, expected: string | undefined) => {
      if (expected) out.add(RULES.OBJECT_NAME, field, value, expected);
    };
    nameProblem('serviceAccountName', this.serviceAccountName, dnsSubdomainExpectation(this.serviceAccountName));
    nameProblem('namespace', this.namespace, dnsLabelExpectation(this.namespace));
    const metadata = (name: string, annotations: Record<string, string> = {}) =>
      ({ name, namespace: this.namespace, annotations: { ...CREDENTIALS_SYNC_WAVE, ...annotations } });
    /** The keys a given set must have: exactly those the version reads. */
    const checkKeys = (field: string, given: string[], keys: string[], authentication: AzureAuthentication, required: boolean) => {
      const missing = required ? keys.filter(k => !given.includes(k)) : [];
      const unknown = given.filter(k => !keys.includes(k));
      if (missing.length > 0) {
        out.add(RULES.CREDENTIALS, field, missing.join(', '), `must be given: the ${authentication} Secret for KServe ${version} needs ${keys.join(', ')}`);
      }
      if (unknown.length > 0) {
        out.add(RULES.CREDENTIALS, field, unknown.join(', '), `must only name keys the ${authentication} Secret for KServe ${version} has: ${keys.join(', ')}`);
      }
    };

    /** Name, authentication and keys of a Secret this construct's source produces. */
    const produced = (o: { secretName?: string; authentication?: AzureAuthentication }) => {
      const authentication = o.authentication ?? AzureAuthentication.SERVICE_PRINCIPAL;
      return { name: o.secretName ?? this.serviceAccountName, authentication, keys: azureSecretKeys(version, authentication) };
    };

    let annotations: Record<string, string> | undefined;
    this.podLabels = {};
    switch (source.kind) {
      case 'existing':
        this.secretName = source.secretName;
        break;
      case 'environment': {
        const { name, authentication, keys } = produced(source.options);
        this.secretName = name;
        const env = source.options.environment ?? process.env;
        const missing = keys.filter(k => !env[k]);
        if (missing.length > 0) {
          out.add(RULES.CREDENTIALS, 'credentials (environment)', missing.join(', '), `must be set to create the ${authentication} Secret for KServe ${version}, which needs ${keys.join(', ')}`,
            { fix: `export ${missing.join(', ')} before synth, or use AzureCredentials.existingSecret()` });
        }
        out.add(RULES.PLAINTEXT_SECRET, 'credentials', 'AzureCredentials.secretFromEnvironment()', `writes the values of ${keys.join(', ')} to the output in clear text: everyone who can read the repository can read them`,
          { fix: 'use AzureCredentials.externalSecret(), sealedSecret() or existingSecret() for anything committed' });
        const stringData = Object.fromEntries(keys.map(k => [k, env[k] ?? '']));
        this.secret = new KubeSecret(this, 'Secret', {
          metadata: metadata(this.secretName, { [PLAINTEXT_OPT_IN_ANNOTATION]: this.node.path }),
          type: 'Opaque',
          stringData,
        });
        break;
      }
      case 'external-secret': {
        const o = source.options;
        const { name, authentication, keys } = produced(o);
        this.secretName = name;
        const vault = o.vaultSecrets ?? {};
        checkKeys('credentials.vaultSecrets', Object.keys(vault), keys, authentication, false);
        nameProblem('credentials.storeName', o.storeName, dnsSubdomainExpectation(o.storeName));
        const data = keys.map(k => ({ secretKey: k, remoteRef: { key: vault[k] ?? defaultVaultSecretName(k) } }));
        for (const d of data) {
          if (!VAULT_SECRET_NAME.test(d.remoteRef.key)) {
            out.add(RULES.CREDENTIALS, `credentials.vaultSecrets.${d.secretKey}`, d.remoteRef.key, 'must be an Azure Key Vault secret name: 1 to 127 letters, digits and \'-\'');
          }
        }
        const refresh = o.refreshInterval ?? Duration.hours(1);
        const refreshSeconds = refresh.toSeconds({ integral: false });
        if (!(Number.isInteger(refreshSeconds) && refreshSeconds >= 0)) {
          out.add(RULES.CREDENTIALS, 'credentials.refreshInterval', `${refreshSeconds}s`, 'must be whole seconds, 0 (never refresh) or more');
        }
        this.secretSource = new ApiObject(this, 'ExternalSecret', {
          apiVersion: 'external-secrets.io/v1',
          kind: 'ExternalSecret',
          metadata: metadata(this.secretName),
          spec: {
            refreshInterval: goDuration(refresh),
            secretStoreRef: { kind: o.storeKind ?? SecretStoreKind.SECRET_STORE, name: o.storeName },
            target: { name: this.secretName, creationPolicy: 'Owner', template: { type: 'Opaque' } },
            data,
          },
        });
        break;
      }
      case 'sealed-secret': {
        const o = source.options;
        const { name, authentication, keys } = produced(o);
        this.secretName = name;
        checkKeys('credentials.encryptedData', Object.keys(o.encryptedData), keys, authentication, true);
        for (const [key, value] of Object.entries(o.encryptedData)) {
          const problem = sealedValueProblem(value);
          // Never echo what may be a plaintext secret into a message or a CI log.
          if (problem) out.add(RULES.CREDENTIALS, `credentials.encryptedData.${key}`, `<${value.length} characters, not shown>`, problem, { fix: 'seal it: echo -n "$VALUE" | kubeseal --raw --namespace <ns> --name <secret> --from-file=/dev/stdin' });
        }
        const scope = o.scope ?? SealedSecretScope.STRICT;
        const scopeAnnotations: Record<string, string> = scope === SealedSecretScope.STRICT ? {} : { [`sealedsecrets.bitnami.com/${scope}`]: 'true' };
        this.secretSource = new ApiObject(this, 'SealedSecret', {
          apiVersion: 'bitnami.com/v1alpha1',
          kind: 'SealedSecret',
          metadata: metadata(this.secretName, scopeAnnotations),
          spec: {
            encryptedData: Object.fromEntries(keys.filter(k => k in o.encryptedData).map(k => [k, o.encryptedData[k]])),
            template: { metadata: { name: this.secretName, namespace: this.namespace }, type: 'Opaque' },
          },
        });
        break;
      }
      case 'workload-identity':
        this.podLabels = { 'azure.workload.identity/use': 'true' };
        annotations = {
          'azure.workload.identity/client-id': source.options.clientId,
          ...(source.options.tenantId ? { 'azure.workload.identity/tenant-id': source.options.tenantId } : {}),
        };
        if (!source.options.clientId) out.add(RULES.CREDENTIALS, 'credentials.clientId', source.options.clientId, 'must be the client id of the managed identity for workload identity');
        break;
    }
    if (this.secretName !== undefined) {
      nameProblem('credentials secretName', this.secretName, dnsSubdomainExpectation(this.secretName));
    }

    // Creating a ServiceAccount that lists a Secret does not need the Secret: only pod creation
    // does, so the ServiceAccount can be applied before an operator has produced it.
    this.serviceAccount = new KubeServiceAccount(this, 'Resource', {
      metadata: { name: this.serviceAccountName, namespace: this.namespace, annotations: { ...CREDENTIALS_SYNC_WAVE, ...annotations } },
      secrets: this.secretName ? [{ name: this.secretName }] : undefined,
      // Nothing in the predictor pod calls the Kubernetes API (workload identity projects its
      // own token), so no pod under this ServiceAccount gets an API token by default.
      automountServiceAccountToken: false,
    });
    for (const dep of [this.secret, this.secretSource]) if (dep) this.serviceAccount.addDependency(dep);
    const findings = out.findings;
    addChecks(this, () => findings);
  }
}
