import { ApiObject, Duration } from 'cdk8s';
import { goDuration } from '../../core/go-duration';
import { dnsSubdomainExpectation } from '../../core/names';
import { RULES } from '../../core/rules';
import { AzureAuthentication, checkSecretKeys, CredentialsBinding, CredentialsContext, ICredentialSource, producedSecret, sourceMetadata } from '../source';

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

/** Azure Key Vault secret names: 1 to 127 letters, digits and `-`. */
const VAULT_SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** The default vault entry of a Secret key: `AZURE_CLIENT_SECRET` is `azure-client-secret`. */
export function defaultVaultSecretName(key: string): string {
  return key.toLowerCase().replace(/_/g, '-');
}

/** An ExternalSecret that copies the credentials from Azure Key Vault. @internal */
export class ExternalSecretSource implements ICredentialSource {
  public constructor(private readonly options: AzureExternalSecretOptions) {}

  public bind(ctx: CredentialsContext): CredentialsBinding {
    const o = this.options;
    const { name, authentication, keys } = producedSecret(ctx, o);
    const vault = o.vaultSecrets ?? {};
    checkSecretKeys(ctx, 'credentials.vaultSecrets', Object.keys(vault), keys, authentication, false);
    ctx.nameProblem('credentials.storeName', o.storeName, dnsSubdomainExpectation(o.storeName));
    const data = keys.map(k => ({ secretKey: k, remoteRef: { key: vault[k] ?? defaultVaultSecretName(k) } }));
    for (const d of data) {
      if (!VAULT_SECRET_NAME.test(d.remoteRef.key)) {
        ctx.out.add(RULES.CREDENTIALS, `credentials.vaultSecrets.${d.secretKey}`, d.remoteRef.key, 'must be an Azure Key Vault secret name: 1 to 127 letters, digits and \'-\'');
      }
    }
    const refresh = o.refreshInterval ?? Duration.hours(1);
    const refreshSeconds = refresh.toSeconds({ integral: false });
    if (!(Number.isInteger(refreshSeconds) && refreshSeconds >= 0)) {
      ctx.out.add(RULES.CREDENTIALS, 'credentials.refreshInterval', `${refreshSeconds}s`, 'must be whole seconds, 0 (never refresh) or more');
    }
    const secretSource = new ApiObject(ctx.scope, 'ExternalSecret', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: sourceMetadata(ctx, name),
      spec: {
        refreshInterval: goDuration(refresh),
        secretStoreRef: { kind: o.storeKind ?? SecretStoreKind.SECRET_STORE, name: o.storeName },
        target: { name, creationPolicy: 'Owner', template: { type: 'Opaque' } },
        data,
      },
    });
    return { secretName: name, secretSource };
  }
}
