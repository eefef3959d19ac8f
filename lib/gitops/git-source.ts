/**
 * What the GitOps objects share: where the manifests are (a Git repository, revision and
 * folder), and the checks of names, namespaces and paths.
 *
 * Ordering: `argoCdSyncWaves(app)` puts credentials in Argo CD sync wave `-1` (applied and
 * healthy before the InferenceService); Flux applies a folder in one server-side apply,
 * ServiceAccounts and Secrets before custom resources (fluxcd/pkg ssa sort order), and
 * `dependsOn` orders folders (the KServe install before the models).
 */
import { FindingList } from '../core/findings';
import { DNS_LABEL, dnsLabelExpectation } from '../core/names';
import { RULES } from '../core/rules';

/** Where the manifests are: a Git repository, revision and folder. */
export interface GitSource {
  /** The repository URL, such as `https://github.com/acme/ml-deployments.git`. */
  readonly repoUrl: string;
  /** The folder, relative to the repository root, such as `dist/prod`. */
  readonly path: string;
  /**
   * Branch, tag or commit.
   *
   * @default 'main'
   */
  readonly revision?: string;
}

/** A name Argo CD or Flux objects get: a DNS label. @internal */
export function checkName(out: FindingList, field: string, name: string): void {
  if (!(DNS_LABEL.test(name) && name.length <= 63)) out.add(RULES.GITOPS, field, name, 'must be a DNS label: at most 63 lowercase letters, digits and \'-\'');
}

/** A namespace. @internal */
export function checkNamespace(out: FindingList, field: string, namespace: string): void {
  const expectation = dnsLabelExpectation(namespace);
  if (expectation) out.add(RULES.GITOPS, field, namespace, expectation);
}

/** A folder in the repository. @internal */
export function checkPath(out: FindingList, path: string): void {
  if (path.trim() === '' || path.startsWith('/') || path.split('/').includes('..')) {
    out.add(RULES.GITOPS, 'path', path, 'must be a folder relative to the repository root, without "..", such as dist/prod');
  }
}

/** A Git source: the URL and folder. @internal */
export function checkSource(out: FindingList, source: GitSource): void {
  if (!/^(https?|ssh):\/\/\S+$|^git@\S+:\S+$/.test(source.repoUrl)) out.add(RULES.GITOPS, 'source.repoUrl', source.repoUrl, 'must be a repository URL (https://, ssh:// or git@host:path)');
  checkPath(out, source.path);
}
