import { IConstruct } from 'constructs';
import { KnativeVersion } from './knative-version';
import { KServeVersion } from './kserve-version';

/**
 * The deployment mode of an InferenceService (kserve.md §2). The annotation is spelled for the
 * target version: `Serverless` / `RawDeployment` up to 0.15, `Knative` / `Standard` from 0.16.
 */
export enum DeploymentMode {
  /** Knative Serving runs the components: scale to zero, revisions, canary traffic split. */
  KNATIVE = 'Knative',
  /** Plain Deployments, Services and HPA (`RawDeployment` up to 0.15); no Knative needed. */
  STANDARD = 'Standard',
}

/** What the output is for: a KServe release, its deployment mode, the cluster's Knative Serving. Each one optional. */
export interface TargetOptions {
  /** @default - the nearest scope's, else `KServeVersion.DEFAULT` */
  readonly kserveVersion?: KServeVersion;
  /** @default - the nearest scope's, else `DeploymentMode.KNATIVE` */
  readonly deploymentMode?: DeploymentMode;
  /** @default - the nearest scope's, else the Knative Serving that the KServe version's installer sets up (`KnativeVersion.installedBy`) */
  readonly knativeVersion?: KnativeVersion;
}

/** A target with every part decided. */
export interface ResolvedTarget {
  readonly kserveVersion: KServeVersion;
  readonly deploymentMode: DeploymentMode;
  readonly knativeVersion: KnativeVersion;
}

const KEYS = {
  kserveVersion: 'cdk8s-kserve:kserve-version',
  deploymentMode: 'cdk8s-kserve:deployment-mode',
  knativeVersion: 'cdk8s-kserve:knative-version',
} as const;

/**
 * The target, set once per scope: `KServeTarget.set(app, { kserveVersion: KServeVersion.V0_15 })`
 * before adding charts makes every construct under the app write for KServe 0.15. Each part is
 * looked up on its own from the construct up to the app, so a chart can change the mode and keep
 * the app's version; a construct's own prop (`kserveVersion`, `deploymentMode`, `knativeVersion`)
 * overrides the scope.
 */
export class KServeTarget {
  /**
   * Sets the given parts of the target for every construct that will be added under `scope`.
   * Call it before adding them (cdk8s refuses context on a scope that has children).
   */
  public static set(scope: IConstruct, target: TargetOptions): void {
    for (const key of Object.keys(KEYS) as (keyof TargetOptions)[]) {
      if (target[key] !== undefined) scope.node.setContext(KEYS[key], target[key]);
    }
  }

  /** The target of a construct: its own props first, then the nearest scope's, then the defaults. */
  public static of(scope: IConstruct, props: TargetOptions = {}): ResolvedTarget {
    // Only set() writes these keys, with values of their types.
    const scoped = <K extends keyof TargetOptions>(key: K): TargetOptions[K] => scope.node.tryGetContext(KEYS[key]);
    const kserveVersion = props.kserveVersion ?? scoped('kserveVersion') ?? KServeVersion.DEFAULT;
    return {
      kserveVersion,
      deploymentMode: props.deploymentMode ?? scoped('deploymentMode') ?? DeploymentMode.KNATIVE,
      knativeVersion: props.knativeVersion ?? scoped('knativeVersion') ?? KnativeVersion.installedBy(kserveVersion),
    };
  }

  private constructor() {}
}
