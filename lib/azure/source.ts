import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { FindingList } from '../core/findings';
import { KServeVersion } from '../core/kserve-version';
import { RULES } from '../core/rules';

/** How a Secret created from the environment authenticates to Azure. */
export enum AzureAuthentication {
  /** A service principal: tenant id, client id and client secret. */
  SERVICE_PRINCIPAL = 'service-principal',
  /** A storage account key (or SAS token) in `AZURE_STORAGE_ACCESS_KEY`. */
  ACCOUNT_KEY = 'account-key',
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
 * What a credential source is bound to: the `AzureBlobCreds` construct, its ServiceAccount's
 * name and namespace, the KServe version and the findings of the construct.
 * @internal
 */
export interface CredentialsContext {
  /** The construct the source's objects go under. */
  readonly scope: Construct;
  readonly serviceAccountName: string;
  readonly namespace: string;
  readonly kserveVersion: KServeVersion;
  readonly out: FindingList;
  /** Reports a name that is not valid, when `expected` says what is wrong. */
  nameProblem(field: string, value: string, expected: string | undefined): void;
}

/** What a bound credential source gives the ServiceAccount and the predictor pods. @internal */
export interface CredentialsBinding {
  /** The Secret the ServiceAccount lists, if any. */
  readonly secretName?: string;
  /** A Secret written in clear text. */
  readonly secret?: ApiObject;
  /** The object that produces the Secret in the cluster (ExternalSecret, SealedSecret). */
  readonly secretSource?: ApiObject;
  /** Annotations of the ServiceAccount. */
  readonly serviceAccountAnnotations?: Record<string, string>;
  /** Labels the predictor pods need. */
  readonly podLabels?: Record<string, string>;
}

/** One way of getting Azure credentials to the storage initializer. @internal */
export interface ICredentialSource {
  bind(ctx: CredentialsContext): CredentialsBinding;
}

/** The Secret a source produces: its name (default: the ServiceAccount's), authentication and keys. @internal */
export function producedSecret(ctx: CredentialsContext, o: { secretName?: string; authentication?: AzureAuthentication }) {
  const authentication = o.authentication ?? AzureAuthentication.SERVICE_PRINCIPAL;
  return { name: o.secretName ?? ctx.serviceAccountName, authentication, keys: azureSecretKeys(ctx.kserveVersion, authentication) };
}

/** Checks that given keys are exactly those the version reads (all of them when `required`). @internal */
export function checkSecretKeys(ctx: CredentialsContext, field: string, given: string[], keys: string[], authentication: AzureAuthentication, required: boolean): void {
  const missing = required ? keys.filter(k => !given.includes(k)) : [];
  const unknown = given.filter(k => !keys.includes(k));
  if (missing.length > 0) {
    ctx.out.add(RULES.CREDENTIALS, field, missing.join(', '), `must be given: the ${authentication} Secret for KServe ${ctx.kserveVersion} needs ${keys.join(', ')}`);
  }
  if (unknown.length > 0) {
    ctx.out.add(RULES.CREDENTIALS, field, unknown.join(', '), `must only name keys the ${authentication} Secret for KServe ${ctx.kserveVersion} has: ${keys.join(', ')}`);
  }
}

/** Metadata of an object a source writes, in the ServiceAccount's namespace. @internal */
export function sourceMetadata(ctx: CredentialsContext, name: string, annotations: Record<string, string> = {}) {
  return { name, namespace: ctx.namespace, annotations };
}
