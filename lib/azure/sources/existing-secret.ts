import { CredentialsBinding, CredentialsContext, ICredentialSource } from '../source';

/** A Secret that already exists in the cluster, created outside Git. @internal */
export class ExistingSecretSource implements ICredentialSource {
  public constructor(private readonly secretName: string) {}

  public bind(_ctx: CredentialsContext): CredentialsBinding {
    return { secretName: this.secretName };
  }
}
