/**
 * The model URI: the schemes each KServe version accepts, the Azure Blob form, SAS tokens.
 * Fields are named by their output path, `spec.predictor.minReplicas`.
 */
import { IConstruct } from 'constructs';
import { KServeVersion } from '../../core/kserve-version';
import { AZURE_BLOB_FORM, azureAccountProblem, azureBlobUrl, azureContainerProblem, parseAzureBlobUrl } from '../../model/azure-blob-url';
import { RULES } from '../../core/rules';
import { FindingList } from '../../core/findings';

/** URI prefixes the KServe controller accepts for `storageUri`, by version (kserve.md §3.2). */
function supportedPrefixes(version: KServeVersion): string[] {
  const prefixes = ['gs://', 's3://', 'pvc://', 'file://', 'https://', 'http://', 'hdfs://', 'webhdfs://'];
  if (version.isAtLeast(KServeVersion.V0_12)) prefixes.push('oci://');
  if (version.isAtLeast(KServeVersion.V0_15)) prefixes.push('hf://');
  if (version.isAtLeast(KServeVersion.V0_20)) prefixes.push('oci+native://');
  return prefixes;
}

/**
 * Checks a model URI: the version's schemes, the Azure Blob form, SAS tokens.
 * `partsChecked` skips the Azure part checks when the construct built the URI from checked props.
 */
export function checkStorageUri(out: FindingList, field: string, uri: string, version: KServeVersion, scope: IConstruct, partsChecked = false): void {
  const wrongAzure = /^(abfss?|wasbs?|az):\/\/([^@/]+)@([^./]+)\.[^/]+\/?(.*)$/.exec(uri);
  if (wrongAzure) {
    out.add(RULES.STORAGE_URI, field, uri, 'must use the https form for Azure Blob: the storage initializer does not understand this scheme',
      { scope, fix: `use ${azureBlobUrl(wrongAzure[3], wrongAzure[2], wrongAzure[4])}` });
    return;
  }
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(uri);
  const prefixes = supportedPrefixes(version);
  if (hasScheme && !prefixes.some(p => uri.startsWith(p))) {
    out.add(RULES.STORAGE_URI, field, uri, `must start with one of ${prefixes.join(' ')} on KServe ${version}`, { scope });
    return;
  }
  if (uri.trim() === '') {
    out.add(RULES.STORAGE_URI, field, uri, 'must not be empty', { scope });
    return;
  }
  const azure = parseAzureBlobUrl(uri);
  if (uri.includes('.blob.core.windows.net') && !azure) {
    out.add(RULES.STORAGE_URI, field, uri, `must have the form ${AZURE_BLOB_FORM}`, { scope });
  }
  if (!azure) return;
  if (azure.query && /(^|[?&])(sig|sv|se)=/.test(azure.query)) {
    out.add(RULES.AZURE_SAS, field, `${uri.slice(0, uri.indexOf('?'))}?<SAS token>`, 'carries a SAS token: it ends up in Git and in kubectl output',
      { scope, fix: 'put the token in the storage Secret as AZURE_STORAGE_ACCESS_KEY (AzureBlobCreds) and drop it from the URI' });
  }
  if (partsChecked) return;
  const accountProblem = azureAccountProblem(azure.account);
  if (accountProblem) out.add(RULES.STORAGE_URI, `${field} account`, azure.account, accountProblem, { scope });
  const containerProblem = azureContainerProblem(azure.container);
  if (containerProblem) out.add(RULES.STORAGE_URI, `${field} container`, azure.container, containerProblem, { scope });
  if (azure.path === '') out.add(RULES.STORAGE_URI, `${field} path`, azure.path, 'must name a folder inside the container: the storage initializer needs at least one path segment', { scope });
}
