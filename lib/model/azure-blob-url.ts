/**
 * The Azure Blob URL grammar, in one place: the account and container name rules, the https form
 * KServe's storage initializer reads, and its parse. The model storage builds URLs with it and
 * the storage-uri rule checks URLs written by hand with it.
 */

/** The form KServe's storage initializer reads (kserve v0.20.0 python/storage/kserve_storage/kserve_storage.py:51 `_AZURE_BLOB_RE`). */
export const AZURE_BLOB_FORM = 'https://<account>.blob.core.windows.net/<container>/<path>/';

const ACCOUNT = /^[a-z0-9]{3,24}$/;
const CONTAINER = /^(\$root|[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9])$/;
const BLOB_URL = /^https:\/\/([^./?]+)\.blob\.core\.windows\.net\/([^/?]*)\/?([^?]*)(\?.*)?$/;

/** An Azure Blob location parsed from a URL. */
export interface ParsedAzureBlobUrl {
  readonly account: string;
  readonly container: string;
  /** The folder inside the container, without leading or trailing `/`. */
  readonly path: string;
  /** A query string (a SAS token), with its `?`. */
  readonly query?: string;
}

/** What is expected of a storage account name, or undefined when it is one. */
export function azureAccountProblem(account: string): string | undefined {
  return ACCOUNT.test(account) ? undefined : 'must be 3 to 24 lowercase letters and digits';
}

/** What is expected of a container name, or undefined when it is one. */
export function azureContainerProblem(container: string): string | undefined {
  return CONTAINER.test(container) ? undefined : 'must be 3 to 63 lowercase letters, digits and single \'-\', starting and ending with a letter or digit';
}

/** A folder path without leading or trailing `/`. */
export function trimFolder(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/** The https URL of a folder in a container, in the form the storage initializer reads. */
export function azureBlobUrl(account: string, container: string, path: string): string {
  return `https://${account}.blob.core.windows.net/${container}/${trimFolder(path)}/`;
}

/** `<account>/<container>/<path>`: what two locations are compared by for name-prefix overlaps. */
export function azureBlobPrefix(location: { readonly account: string; readonly container: string; readonly path: string }): string {
  return `${location.account}/${location.container}/${trimFolder(location.path)}`;
}

/** The Azure Blob location of a URL, when the URL is one. */
export function parseAzureBlobUrl(url: string): ParsedAzureBlobUrl | undefined {
  const m = BLOB_URL.exec(url);
  return m ? { account: m[1], container: m[2], path: trimFolder(m[3]), query: m[4] } : undefined;
}
