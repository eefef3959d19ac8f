import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { addChecks, FindingList } from '../core/findings';
import { KServeVersion } from '../core/kserve-version';
import { dnsLabelExpectation, dnsSubdomainExpectation } from '../core/names';
import { RULES } from '../core/rules';
import { resolveNamespace } from '../core/scope';
import { KServeTarget } from '../core/target';
import { IModelStorageCredentials } from '../model/storage';
import { checkedProps } from '../validation/props';
import { ICredentialSource } from './source';
import { ExistingSecretSource } from './sources/existing-secret';
import { AzureExternalSecretOptions, ExternalSecretSource } from './sources/external-secret';
import { AzureSealedSecretOptions, SealedSecretSource } from './sources/sealed-secret';
import { AzureSecretFromEnvironmentOptions, SecretFromEnvironmentSource } from './sources/secret-from-environment';
import { AzureWorkloadIdentityOptions, WorkloadIdentitySource } from './sources/workload-identity';

/**
 * Where Azure Blob credentials come from.
 */
export class AzureCredentials {
  /**
   * A Secret that already exists in the cluster, created outside Git
   * (`kubectl create secret generic ...`). Nothing secret reaches `dist/`.
   */
  public static existingSecret(secretName: string): AzureCredentials {
    return new AzureCredentials(new ExistingSecretSource(secretName));
  }

  /**
   * An `ExternalSecret` (External Secrets Operator 0.16+, `external-secrets.io/v1`) that
   * copies the credentials from Azure Key Vault, through a `SecretStore` or
   * `ClusterSecretStore`, into a Secret with exactly the keys the target KServe version needs.
   * Only vault entry names reach `dist/`.
   */
  public static externalSecret(options: AzureExternalSecretOptions): AzureCredentials {
    return new AzureCredentials(new ExternalSecretSource(options));
  }

  /**
   * A `SealedSecret` (Bitnami Sealed Secrets) from values encrypted beforehand with `kubeseal`
   * for the cluster's controller: only ciphertext reaches `dist/`, and only that controller
   * can turn it into the Secret.
   */
  public static sealedSecret(options: AzureSealedSecretOptions): AzureCredentials {
    return new AzureCredentials(new SealedSecretSource(options));
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
    return new AzureCredentials(new SecretFromEnvironmentSource(options));
  }

  /**
   * Azure workload identity: the ServiceAccount is annotated with the identity's client id and
   * the predictor pods get the `azure.workload.identity/use` label; no Secret at all. Needs the
   * Azure workload identity webhook in the cluster.
   */
  public static workloadIdentity(options: AzureWorkloadIdentityOptions): AzureCredentials {
    return new AzureCredentials(new WorkloadIdentitySource(options));
  }

  private constructor(
    /** @internal */
    public readonly _source: ICredentialSource,
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
    const out = new FindingList(this, { kserveVersion: version });
    const nameProblem = (field: string, value: string, expected: string | undefined) => {
      if (expected) out.add(RULES.OBJECT_NAME, field, value, expected);
    };
    nameProblem('serviceAccountName', this.serviceAccountName, dnsSubdomainExpectation(this.serviceAccountName));
    nameProblem('namespace', this.namespace, dnsLabelExpectation(this.namespace));
    const bound = (props.credentials ?? AzureCredentials.existingSecret('kserve-azure-blob'))._source.bind({
      scope: this, serviceAccountName: this.serviceAccountName, namespace: this.namespace, kserveVersion: version, out, nameProblem,
    });
    this.secretName = bound.secretName;
    this.secret = bound.secret;
    this.secretSource = bound.secretSource;
    this.podLabels = bound.podLabels ?? {};
    if (this.secretName !== undefined) {
      nameProblem('credentials secretName', this.secretName, dnsSubdomainExpectation(this.secretName));
    }

    // Creating a ServiceAccount that lists a Secret does not need the Secret: only pod creation
    // does, so the ServiceAccount can be applied before an operator has produced it.
    this.serviceAccount = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: this.serviceAccountName, namespace: this.namespace, annotations: bound.serviceAccountAnnotations },
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
