import { KServeVersion } from './kserve-version';

/**
 * Credentials that let KServe's storage initializer read the model: a ServiceAccount the
 * predictor runs under, in the InferenceService's namespace.
 */
export interface IModelStorageCredentials {
  /** The ServiceAccount the predictor must run under. */
  readonly serviceAccountName: string;
  /** The namespace of the ServiceAccount (and of any Secret it lists). */
  readonly namespace: string;
  /** The KServe version the credentials were shaped for (Secret keys differ by version). */
  readonly kserveVersion: KServeVersion;
  /** Labels the predictor pods need, for example for Azure workload identity. */
  readonly podLabels: Record<string, string>;
}

/** Where an Azure Blob Storage model repository lives. */
export interface AzureBlobLocation {
  /** Storage account name: 3 to 24 lowercase letters and digits. */
  readonly account: string;
  /** Blob container name. */
  readonly container: string;
  /**
   * Folder inside the container that holds the Triton model repository
   * (`<path>/<model>/config.pbtxt`). KServe downloads every blob whose name starts with it.
   */
  readonly path: string;
  /** The credentials the storage initializer uses: an `AzureBlobCreds`. */
  readonly credentials: IModelStorageCredentials;
}

/** Options for a model URI. */
export interface ModelUriOptions {
  /**
   * Credentials for a private bucket or server.
   *
   * @default - none: the storage initializer uses the predictor's service account as it is
   */
  readonly credentials?: IModelStorageCredentials;
}

/** What a storage source contributes to a predictor. @internal */
export interface ModelStorageBinding {
  readonly storageUri: string;
  readonly credentials?: IModelStorageCredentials;
  readonly problems: string[];
}

/** URI prefixes the KServe controller accepts for `storageUri`, by version (kserve.md §3.2). */
function supportedPrefixes(version: KServeVersion): string[] {
  const prefixes = ['gs://', 's3://', 'pvc://', 'file://', 'https://', 'http://', 'hdfs://', 'webhdfs://'];
  if (version.isAtLeast(KServeVersion.V0_12)) prefixes.push('oci://');
  if (version.isAtLeast(KServeVersion.V0_15)) prefixes.push('hf://');
  if (version.isAtLeast(KServeVersion.V0_20)) prefixes.push('oci+native://');
  return prefixes;
}

const AZURE_ACCOUNT = /^[a-z0-9]{3,24}$/;
const AZURE_CONTAINER = /^(\$root|[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9])$/;

/**
 * Where the model repository is, and how KServe gets credentials to read it.
 */
export abstract class ModelStorage {
  /**
   * A folder in Azure Blob Storage, read with the given credentials:
   * `https://<account>.blob.core.windows.net/<container>/<path>/`.
   */
  public static azureBlob(location: AzureBlobLocation): ModelStorage {
    return new AzureBlobStorage(location);
  }

  /**
   * Any URI KServe's storage initializer understands: `pvc://<claim>/<path>`, `s3://`, `gs://`,
   * `https://`, and from 0.12 `oci://`, from 0.15 `hf://`.
   */
  public static fromUri(uri: string, options: ModelUriOptions = {}): ModelStorage {
    return new UriStorage(uri, options.credentials);
  }

  /** @internal */
  public abstract _bind(version: KServeVersion): ModelStorageBinding;
}

class AzureBlobStorage extends ModelStorage {
  constructor(private readonly location: AzureBlobLocation) {
    super();
  }

  public _bind(): ModelStorageBinding {
    const { account, container, credentials } = this.location;
    const path = this.location.path.replace(/^\/+|\/+$/g, '');
    const problems: string[] = [];
    if (!AZURE_ACCOUNT.test(account)) {
      problems.push(`storage account (${JSON.stringify(account)}) must be 3 to 24 lowercase letters and digits`);
    }
    if (!AZURE_CONTAINER.test(container)) {
      problems.push(`storage container (${JSON.stringify(container)}) must be 3 to 63 lowercase letters, digits and single '-', starting and ending with a letter or digit`);
    }
    if (path === '') {
      problems.push('storage path must name a folder inside the container: KServe needs at least one path segment after the container');
    }
    return {
      storageUri: `https://${account}.blob.core.windows.net/${container}/${path}/`,
      credentials,
      problems,
    };
  }
}

class UriStorage extends ModelStorage {
  constructor(private readonly uri: string, private readonly credentials?: IModelStorageCredentials) {
    super();
  }

  public _bind(version: KServeVersion): ModelStorageBinding {
    const prefixes = supportedPrefixes(version);
    const problems: string[] = [];
    if (!prefixes.some(p => this.uri.startsWith(p))) {
      problems.push(`storage uri (${JSON.stringify(this.uri)}) must start with one of ${prefixes.join(' ')} on KServe ${version}`);
    }
    return { storageUri: this.uri, credentials: this.credentials, problems };
  }
}
