import { KServeVersion } from '../core/kserve-version';
import { azureAccountProblem, azureBlobPrefix, azureBlobUrl, azureContainerProblem, parseAzureBlobUrl, trimFolder } from './azure-blob-url';

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

/** A problem with the props of a storage source. @internal */
export interface StorageProblem {
  readonly field: string;
  readonly value: unknown;
  readonly expected: string;
}

/** What a storage source contributes to a predictor. @internal */
export interface ModelStorageBinding {
  readonly storageUri: string;
  readonly credentials?: IModelStorageCredentials;
  /** Whether the URI was built from parts checked here (else the URI itself is checked). */
  readonly partsChecked: boolean;
  readonly problems: StorageProblem[];
}

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
  public abstract _bind(): ModelStorageBinding;

  /** `<account>/<container>/<path>` of an Azure Blob location, checked for name-prefix overlaps. @internal */
  public abstract readonly _azurePrefix?: string;
}

class AzureBlobStorage extends ModelStorage {
  public readonly _azurePrefix: string;

  constructor(private readonly location: AzureBlobLocation) {
    super();
    this._azurePrefix = azureBlobPrefix(location);
  }

  public _bind(): ModelStorageBinding {
    const { account, container, credentials } = this.location;
    const problems: StorageProblem[] = [];
    const accountProblem = azureAccountProblem(account);
    if (accountProblem) problems.push({ field: 'storage.account', value: account, expected: accountProblem });
    const containerProblem = azureContainerProblem(container);
    if (containerProblem) problems.push({ field: 'storage.container', value: container, expected: containerProblem });
    if (trimFolder(this.location.path) === '') {
      problems.push({ field: 'storage.path', value: this.location.path, expected: 'must name a folder inside the container: KServe needs at least one path segment after the container' });
    }
    return {
      storageUri: azureBlobUrl(account, container, this.location.path),
      credentials,
      partsChecked: true,
      problems,
    };
  }
}

class UriStorage extends ModelStorage {
  public readonly _azurePrefix?: string;

  constructor(private readonly uri: string, private readonly credentials?: IModelStorageCredentials) {
    super();
    const azure = parseAzureBlobUrl(uri);
    this._azurePrefix = azure && azureBlobPrefix(azure);
  }

  /** The URI itself is checked on the emitted InferenceService (scheme per version, Azure form). */
  public _bind(): ModelStorageBinding {
    return { storageUri: this.uri, credentials: this.credentials, partsChecked: false, problems: [] };
  }
}
