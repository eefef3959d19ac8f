import { ApiObject, Duration } from 'cdk8s';
import { goDuration } from '../core/go-duration';
import { Construct } from 'constructs';
import { KServeVersion } from '../core/kserve-version';
import { RULES } from '../core/rules';
import { addChecks, FindingList } from '../core/findings';
import { DNS_LABEL, dnsLabelExpectation } from '../core/names';
import { checkedProps } from '../validation/props';

/**
 * GitOps objects that deploy an output folder of this library (`dist/<env>`): an Argo CD
 * `Application`, or a Flux `GitRepository` and `Kustomization`. They belong in their own folder
 * (`dist/argocd/`, `dist/flux/`), applied once by hand or by an app of apps.
 *
 * Ordering: the charts of this library annotate credentials with the Argo CD sync wave
 * `-1` (applied and healthy before the InferenceService); Flux applies a folder in one
 * server-side apply, ServiceAccounts and Secrets before custom resources (fluxcd/pkg ssa
 * sort order), and `dependsOn` orders folders (the KServe install before the models).
 */

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

/** Props of `ArgoCdApplication`. */
export interface ArgoCdApplicationProps {
  /** The folder to sync. */
  readonly source: GitSource;

  /**
   * Name of the Application.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Namespace Argo CD runs in.
   *
   * @default 'argocd'
   */
  readonly namespace?: string;

  /**
   * Argo CD project.
   *
   * @default 'default'
   */
  readonly project?: string;

  /**
   * The cluster's API server URL.
   *
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in)
   */
  readonly destinationServer?: string;

  /**
   * Namespace of the models; Argo CD creates it when missing (`CreateNamespace=true`). Objects
   * of this library name their namespace themselves, so this is for creation only.
   *
   * @default - none: the namespace must exist
   */
  readonly destinationNamespace?: string;

  /**
   * Sync automatically on every commit, prune objects removed from Git, and undo changes made
   * by hand (`selfHeal`).
   *
   * @default true
   */
  readonly automated?: boolean;
}

/**
 * An Argo CD `Application` syncing an output folder, with the options KServe needs:
 * - `ServerSideApply=true`: KServe's CRDs and large InferenceServices do not fit the
 *   last-applied annotation of client-side apply (kserve#3487);
 * - `ServerSideDiff=true,IncludeMutationWebhook=true` (Argo CD 2.10+): the diff is computed by
 *   a server-side dry run through KServe's defaulting webhook, so fields the webhook adds do not
 *   show as OutOfSync (kserve#2232);
 * - `CreateNamespace=true` when `destinationNamespace` is given;
 * - `PruneLast=true`: objects removed from Git go after the rest is healthy.
 *
 * Argo CD's built-in health check for InferenceServices tells when the model is ready.
 */
export class ArgoCdApplication extends Construct {
  /** The Application object. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    props = checkedProps(this, 'ArgoCdApplicationProps', props);
    const name = props.name ?? id;
    const namespace = props.namespace ?? 'argocd';
    const out = new FindingList(this, { kserveVersion: KServeVersion.DEFAULT });
    checkName(out, 'name', name);
    checkNamespace(out, 'namespace', namespace);
    if (props.destinationNamespace !== undefined) checkNamespace(out, 'destinationNamespace', props.destinationNamespace);
    checkSource(out, props.source);
    addChecks(this, () => out.findings);

    const syncOptions = ['ServerSideApply=true', 'PruneLast=true'];
    if (props.destinationNamespace !== undefined) syncOptions.unshift('CreateNamespace=true');
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name,
        namespace,
        annotations: { 'argocd.argoproj.io/compare-options': 'ServerSideDiff=true,IncludeMutationWebhook=true' },
        // Deleting the Application deletes what it deployed.
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: props.project ?? 'default',
        source: { repoURL: props.source.repoUrl, targetRevision: props.source.revision ?? 'main', path: props.source.path },
        destination: {
          server: props.destinationServer ?? 'https://kubernetes.default.svc',
          ...(props.destinationNamespace !== undefined ? { namespace: props.destinationNamespace } : {}),
        },
        syncPolicy: {
          ...(props.automated ?? true ? { automated: { prune: true, selfHeal: true } } : {}),
          syncOptions,
        },
      },
    });
  }
}

/** Props of `FluxGitRepository`. */
export interface FluxGitRepositoryProps {
  /** The repository URL (`https://...` or `ssh://git@...`). */
  readonly url: string;

  /**
   * The branch to follow.
   *
   * @default 'main'
   */
  readonly branch?: string;

  /**
   * Name of the GitRepository.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Namespace of the Flux objects.
   *
   * @default 'flux-system'
   */
  readonly namespace?: string;

  /**
   * How often Flux fetches the repository.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;

  /**
   * A Secret in `namespace` with the credentials of a private repository.
   *
   * @default - none: a public repository
   */
  readonly secretName?: string;
}

/** A Flux `GitRepository` (`source.toolkit.fluxcd.io/v1`): the repository `FluxKustomization`s read. */
export class FluxGitRepository extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: FluxGitRepositoryProps) {
    super(scope, id);
    props = checkedProps(this, 'FluxGitRepositoryProps', props);
    this.name = props.name ?? id;
    this.namespace = props.namespace ?? 'flux-system';
    const out = new FindingList(this, { kserveVersion: KServeVersion.DEFAULT });
    checkName(out, 'name', this.name);
    checkNamespace(out, 'namespace', this.namespace);
    if (!/^(https?|ssh):\/\/\S+$/.test(props.url)) out.add(RULES.GITOPS, 'url', props.url, 'must be an http(s):// or ssh:// repository URL');
    addChecks(this, () => out.findings);
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        interval: goDuration(props.interval ?? Duration.minutes(1)),
        url: props.url,
        ref: { branch: props.branch ?? 'main' },
        ...(props.secretName ? { secretRef: { name: props.secretName } } : {}),
      },
    });
  }
}

/** A Flux Kustomization another one waits for. */
export interface FluxDependency {
  readonly name: string;
  /** @default - the dependent Kustomization's namespace */
  readonly namespace?: string;
}

/** Props of `FluxKustomization`. */
export interface FluxKustomizationProps {
  /** The repository. */
  readonly source: FluxGitRepository;

  /** The folder, relative to the repository root, such as `dist/prod`. */
  readonly path: string;

  /**
   * Name of the Kustomization.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * How often Flux re-applies the folder (and undoes changes made by hand).
   *
   * @default Duration.minutes(10)
   */
  readonly interval?: Duration;

  /**
   * How long Flux waits for everything to be ready. Triton images are large and a model
   * download can take minutes; Knative's own `progress-deadline` is 10 minutes by default.
   *
   * @default Duration.minutes(20)
   */
  readonly timeout?: Duration;

  /**
   * Kustomizations applied and ready first: the KServe and Knative install, a secrets operator.
   *
   * @default - none
   */
  readonly dependsOn?: (FluxKustomization | FluxDependency)[];

  /**
   * Delete objects removed from Git.
   *
   * @default true
   */
  readonly prune?: boolean;
}

/**
 * A Flux `Kustomization` (`kustomize.toolkit.fluxcd.io/v1`) applying an output folder with
 * server-side apply, pruning what left Git, and waiting (`wait: true`) until every object,
 * the InferenceService included, reports Ready, so dependents start after a working model.
 */
export class FluxKustomization extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: FluxKustomizationProps) {
    super(scope, id);
    props = checkedProps(this, 'FluxKustomizationProps', props);
    this.name = props.name ?? id;
    this.namespace = props.source.namespace;
    const out = new FindingList(this, { kserveVersion: KServeVersion.DEFAULT });
    checkName(out, 'name', this.name);
    checkPath(out, props.path);
    const deps = (props.dependsOn ?? []).map(d => ({ name: d.name, namespace: d.namespace ?? this.namespace }));
    deps.forEach((d, i) => {
      checkName(out, `dependsOn[${i}].name`, d.name);
      if (d.name === this.name && d.namespace === this.namespace) out.add(RULES.GITOPS, `dependsOn[${i}]`, d.name, 'must not be the Kustomization itself');
    });
    addChecks(this, () => out.findings);
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        interval: goDuration(props.interval ?? Duration.minutes(10)),
        timeout: goDuration(props.timeout ?? Duration.minutes(20)),
        sourceRef: { kind: 'GitRepository', name: props.source.name },
        path: `./${props.path.replace(/^\.\//, '')}`,
        prune: props.prune ?? true,
        wait: true,
        ...(deps.length > 0 ? { dependsOn: deps.map(d => (d.namespace === this.namespace ? { name: d.name } : d)) } : {}),
      },
    });
    this.resource.addDependency(props.source.resource);
  }
}

function checkName(out: FindingList, field: string, name: string): void {
  if (!(DNS_LABEL.test(name) && name.length <= 63)) out.add(RULES.GITOPS, field, name, 'must be a DNS label: at most 63 lowercase letters, digits and \'-\'');
}

function checkNamespace(out: FindingList, field: string, namespace: string): void {
  const expectation = dnsLabelExpectation(namespace);
  if (expectation) out.add(RULES.GITOPS, field, namespace, expectation);
}

function checkPath(out: FindingList, path: string): void {
  if (path.trim() === '' || path.startsWith('/') || path.split('/').includes('..')) {
    out.add(RULES.GITOPS, 'path', path, 'must be a folder relative to the repository root, without "..", such as dist/prod');
  }
}

function checkSource(out: FindingList, source: GitSource): void {
  if (!/^(https?|ssh):\/\/\S+$|^git@\S+:\S+$/.test(source.repoUrl)) out.add(RULES.GITOPS, 'source.repoUrl', source.repoUrl, 'must be a repository URL (https://, ssh:// or git@host:path)');
  checkPath(out, source.path);
}
