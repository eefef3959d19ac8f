import { ApiObject } from 'cdk8s';
import { RULES } from '../../core/rules';
import { AzureAuthentication, checkSecretKeys, CredentialsBinding, CredentialsContext, ICredentialSource, producedSecret, sourceMetadata } from '../source';

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

/** A SealedSecret of values sealed beforehand with kubeseal: only ciphertext in Git. @internal */
export class SealedSecretSource implements ICredentialSource {
  public constructor(private readonly options: AzureSealedSecretOptions) {}

  public bind(ctx: CredentialsContext): CredentialsBinding {
    const o = this.options;
    const { name, authentication, keys } = producedSecret(ctx, o);
    checkSecretKeys(ctx, 'credentials.encryptedData', Object.keys(o.encryptedData), keys, authentication, true);
    for (const [key, value] of Object.entries(o.encryptedData)) {
      const problem = sealedValueProblem(value);
      // Never echo what may be a plaintext secret into a message or a CI log.
      if (problem) ctx.out.add(RULES.CREDENTIALS, `credentials.encryptedData.${key}`, `<${value.length} characters, not shown>`, problem, { fix: 'seal it: echo -n "$VALUE" | kubeseal --raw --namespace <ns> --name <secret> --from-file=/dev/stdin' });
    }
    const scope = o.scope ?? SealedSecretScope.STRICT;
    const scopeAnnotations: Record<string, string> = scope === SealedSecretScope.STRICT ? {} : { [`sealedsecrets.bitnami.com/${scope}`]: 'true' };
    const secretSource = new ApiObject(ctx.scope, 'SealedSecret', {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: sourceMetadata(ctx, name, scopeAnnotations),
      spec: {
        encryptedData: Object.fromEntries(keys.filter(k => k in o.encryptedData).map(k => [k, o.encryptedData[k]])),
        template: { metadata: { name, namespace: ctx.namespace }, type: 'Opaque' },
      },
    });
    return { secretName: name, secretSource };
  }
}
