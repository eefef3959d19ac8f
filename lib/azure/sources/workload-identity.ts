import { RULES } from '../../core/rules';
import { CredentialsBinding, CredentialsContext, ICredentialSource } from '../source';

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

/** Azure workload identity: an annotated ServiceAccount and labelled pods, no Secret. @internal */
export class WorkloadIdentitySource implements ICredentialSource {
  public constructor(private readonly options: AzureWorkloadIdentityOptions) {}

  public bind(ctx: CredentialsContext): CredentialsBinding {
    const { clientId, tenantId } = this.options;
    if (!clientId) ctx.out.add(RULES.CREDENTIALS, 'credentials.clientId', clientId, 'must be the client id of the managed identity for workload identity');
    return {
      podLabels: { 'azure.workload.identity/use': 'true' },
      serviceAccountAnnotations: {
        'azure.workload.identity/client-id': clientId,
        ...(tenantId ? { 'azure.workload.identity/tenant-id': tenantId } : {}),
      },
    };
  }
}
