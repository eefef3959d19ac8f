import { ApiObject } from 'cdk8s';
import { KubeSecret, KubeServiceAccount } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { RULES } from './rules';
import { addChecks, FindingList } from './validation';
import { dnsLabelExpectation, dnsSubdomainExpectation } from './_names';
import { resolveNamespace } from './_scope';
import { KServeVersion } from './kserve-version';
import { IModelStorageCredentials } from './model-storage';

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

type Source =
  | { kind: 'existing'; secretName: string }
  | { kind: 'environment'; options: AzureSecretFromEnvironmentOptions }
  | { kind: 'workload-identity'; options: AzureWorkloadIdentityOptions };

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
   * Creates the Secret from environment variables read at synth time, with exactly the keys
   * the target KServe version needs. **The values are written to `dist/` in clear text**:
   * choosing this method is the opt-in. Variables read: `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
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
  /** The Secret object, when this construct creates one. */
  public readonly secret?: ApiObject;

  public constructor(scope: Construct, id: string, props: AzureBlobCredsProps = {}) {
    super(scope, id);
    this.serviceAccountName = props.serviceAccountName ?? 'kserve-azure-blob';
    this.namespace = resolveNamespace(this, props.namespace);
    this.kserveVersion = props.kserveVersion ?? KServeVersion.DEFAULT;
    const source = (props.credentials ?? AzureCredentials.existingSecret('kserve-azure-blob'))._source;
    const out = new FindingList(this, { kserveVersion: this.kserveVersion });
    const nameProblem = (field: string, value: string, expected: string | undefined) => {
      if (expected) out.add(RULES.OBJECT_NAME, field, value, expected);
    };
    nameProblem('serviceAccountName', this.serviceAccountName, dnsSubdomainExpectation(this.serviceAccountName));
    nameProblem('namespace', this.namespace, dnsLabelExpectation(this.namespace));

    let annotations: Record<string, string> | undefined;
    switch (source.kind) {
      case 'existing':
        this.secretName = source.secretName;
        this.podLabels = {};
        break;
      case 'environment': {
        this.secretName = source.options.secretName ?? this.serviceAccountName;
        this.podLabels = {};
        const env = source.options.environment ?? process.env;
        const authentication = source.options.authentication ?? AzureAuthentication.SERVICE_PRINCIPAL;
        const keys = azureSecretKeys(this.kserveVersion, authentication);
        const missing = keys.filter(k => !env[k]);
        if (missing.length > 0) {
          out.add(RULES.CREDENTIALS, 'credentials (environment)', missing.join(', '), `must be set to create the ${authentication} Secret for KServe ${this.kserveVersion}, which needs ${keys.join(', ')}`,
            { fix: `export ${missing.join(', ')} before synth, or use AzureCredentials.existingSecret()` });
        }
        const stringData = Object.fromEntries(keys.map(k => [k, env[k] ?? '']));
        this.secret = new KubeSecret(this, 'Secret', {
          metadata: { name: this.secretName, namespace: this.namespace, annotations: { ...CREDENTIALS_SYNC_WAVE } },
          type: 'Opaque',
          stringData,
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

    this.serviceAccount = new KubeServiceAccount(this, 'Resource', {
      metadata: { name: this.serviceAccountName, namespace: this.namespace, annotations: { ...CREDENTIALS_SYNC_WAVE, ...annotations } },
      secrets: this.secretName ? [{ name: this.secretName }] : undefined,
    });
    if (this.secret) this.serviceAccount.addDependency(this.secret);
    const findings = out.findings;
    addChecks(this, () => findings);
  }
}
