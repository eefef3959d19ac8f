/** An Argo CD `Application` that deploys an output folder of this library (`dist/<env>`). */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { addChecks, FindingList } from '../core/findings';
import { KServeVersion } from '../core/kserve-version';
import { checkedProps } from '../validation/props';
import { checkName, checkNamespace, checkSource, GitSource } from './git-source';

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
