import { ApiObject } from 'cdk8s';
import { RULES } from '../../core/rules';
import { AzureAuthentication, CredentialsBinding, CredentialsContext, ICredentialSource, producedSecret, sourceMetadata } from '../source';

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

/** Annotation on a Secret written in clear text: the construct that opted in. */
export const PLAINTEXT_OPT_IN_ANNOTATION = 'cdk8s-kserve.io/plaintext-opt-in';

/** A Secret written in clear text from environment variables: the opt-in by name. @internal */
export class SecretFromEnvironmentSource implements ICredentialSource {
  public constructor(private readonly options: AzureSecretFromEnvironmentOptions) {}

  public bind(ctx: CredentialsContext): CredentialsBinding {
    const { name, authentication, keys } = producedSecret(ctx, this.options);
    const env = this.options.environment ?? process.env;
    const missing = keys.filter(k => !env[k]);
    if (missing.length > 0) {
      ctx.out.add(RULES.CREDENTIALS, 'credentials (environment)', missing.join(', '), `must be set to create the ${authentication} Secret for KServe ${ctx.kserveVersion}, which needs ${keys.join(', ')}`,
        { fix: `export ${missing.join(', ')} before synth, or use AzureCredentials.existingSecret()` });
    }
    ctx.out.add(RULES.PLAINTEXT_SECRET, 'credentials', 'AzureCredentials.secretFromEnvironment()', `writes the values of ${keys.join(', ')} to the output in clear text: everyone who can read the repository can read them`,
      { fix: 'use AzureCredentials.externalSecret(), sealedSecret() or existingSecret() for anything committed' });
    const secret = new ApiObject(ctx.scope, 'Secret', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: sourceMetadata(ctx, name, { [PLAINTEXT_OPT_IN_ANNOTATION]: ctx.scope.node.path }),
      type: 'Opaque',
      stringData: Object.fromEntries(keys.map(k => [k, env[k] ?? ''])),
    });
    return { secretName: name, secret };
  }
}
