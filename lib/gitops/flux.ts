/** A Flux `GitRepository` and `Kustomization`s that apply output folders of this library. */
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { addChecks, FindingList } from '../core/findings';
import { goDuration } from '../core/go-duration';
import { KServeVersion } from '../core/kserve-version';
import { RULES } from '../core/rules';
import { checkedProps } from '../validation/props';
import { checkName, checkNamespace, checkPath } from './git-source';

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
