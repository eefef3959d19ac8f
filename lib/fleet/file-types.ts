/**
 * What a fleet file holds, as TypeScript types: the props of an `InferenceServiceChart` per model,
 * in the same words, and the settings around them. The file itself writes class values as
 * strings or one-key objects (`memory: 8Gi`, `credentials: { existingSecret: name }`); see
 * docs/fleet-file.md. `scripts/props-schema.ts` turns these types into the schema that checks a
 * file, and `schema/fleet.schema.json` for editors.
 */
import { Duration } from 'cdk8s';
import { InferenceServiceChartProps } from '../constructs/inference-service-chart';
import { AzureAuthentication } from '../azure/source';
import { KnativeVersion } from '../core/knative-version';
import { KServeVersion } from '../core/kserve-version';
import { DeploymentMode } from '../core/target';

/** A fleet: models, the KServe target they share, environments and GitOps settings. */
export interface FleetFile {
  /** The JSON Schema of the file, for editors of a JSON fleet file (YAML files name it in a comment); ignored. */
  readonly $schema?: string;
  /**
   * Names the GitOps objects: `<name>-<environment>` for each Argo CD Application and Flux
   * Kustomization, and the Flux GitRepository.
   *
   * @default 'fleet'
   */
  readonly name?: string;
  /** The KServe release every model targets (a model may set its own). @default KServeVersion.DEFAULT */
  readonly kserveVersion?: KServeVersion;
  /** The Knative Serving the cluster runs. @default - the one the KServe version installs */
  readonly knativeVersion?: KnativeVersion;
  /** @default DeploymentMode.KNATIVE */
  readonly deploymentMode?: DeploymentMode;
  /** Props every model starts from; a model's own props override them key by key. */
  readonly defaults?: FleetModel;
  /** The models by name: each becomes an `InferenceServiceChart` of that id (the InferenceService name). */
  readonly models: Record<string, FleetModel>;
  /**
   * Output folders, each an override of the whole file (the same merge as `withOverrides`):
   * `dist/<environment>/`. Without environments the models are written into the output folder itself.
   */
  readonly environments?: Record<string, FleetEnvironment>;
  /** Argo CD and Flux objects that sync the environment folders (needs `environments`). */
  readonly gitops?: FleetGitOps;
  /** Writes `dist/gpu-check/`, a pod that runs `nvidia-smi` on a GPU node (needs `environments`). */
  readonly gpuCheck?: boolean | FleetGpuCheck;
}

/** One model: the props of an `InferenceServiceChart`, and findings it switches off. */
export interface FleetModel extends InferenceServiceChartProps {
  /** Findings switched off, each with its reason (`Validation.suppress`). */
  readonly suppress?: FleetSuppression[];
}

/** A finding switched off on a model, as `Validation.suppress(scope, rule, reason)` does. */
export interface FleetSuppression {
  /** The rule id, such as `ngc-tag-resolution` (docs/rules.md). */
  readonly rule: string;
  /** Where: the whole chart, or only its predictor or transformer. @default 'chart' */
  readonly on?: 'chart' | 'predictor' | 'transformer';
  /** Why it is safe here; printed with the suppressed findings. */
  readonly reason: string;
}

/** What one environment changes; every key is optional and merged into the file's own. */
export interface FleetEnvironment {
  readonly kserveVersion?: KServeVersion;
  readonly knativeVersion?: KnativeVersion;
  readonly deploymentMode?: DeploymentMode;
  readonly defaults?: FleetModel;
  /** Changes to models the file defines (an environment cannot add one). */
  readonly models?: Record<string, FleetModel>;
}

/** The repository that holds the synthesized folders, and the GitOps objects to write for it. */
export interface FleetGitOps {
  /** The Git repository URL, such as `https://github.com/example/ml-deployments.git`. */
  readonly repoUrl: string;
  /** @default 'main' */
  readonly revision?: string;
  /** Where the output folder is in the repository. @default 'dist' */
  readonly path?: string;
  /** Writes `dist/argocd/`: one Application per environment. `true` takes every default. */
  readonly argoCd?: boolean | FleetArgoCd;
  /** Writes `dist/flux/`: a GitRepository and one Kustomization per environment. `true` takes every default. */
  readonly flux?: boolean | FleetFlux;
}

/** Settings of the Argo CD Applications (as `ArgoCdApplicationProps`). */
export interface FleetArgoCd {
  /** @default 'argocd' */
  readonly namespace?: string;
  /** @default 'default' */
  readonly project?: string;
  /** @default 'https://kubernetes.default.svc' */
  readonly destinationServer?: string;
  /** @default true */
  readonly automated?: boolean;
}

/** Settings of the Flux objects (as `FluxGitRepositoryProps` and `FluxKustomizationProps`). */
export interface FleetFlux {
  /** The GitRepository's name. @default - the fleet's name */
  readonly repositoryName?: string;
  /** @default 'flux-system' */
  readonly namespace?: string;
  /** How often the repository is fetched. @default 1m */
  readonly interval?: Duration;
  /** A Secret with the repository's credentials. @default - none (a public repository) */
  readonly secretName?: string;
  /** How often each Kustomization reconciles. @default 10m */
  readonly kustomizationInterval?: Duration;
  /** How long an apply may take. @default 20m */
  readonly timeout?: Duration;
  /** @default true */
  readonly prune?: boolean;
}

/** Where the GPU check runs (as `GpuSmokeTestProps`). */
export interface FleetGpuCheck {
  /** @default 'default' */
  readonly namespace?: string;
  /** @default 1 */
  readonly gpus?: number;
  /** @default 'nvidia.com/gpu' */
  readonly gpuResourceName?: string;
  /** The CUDA image that runs `nvidia-smi`. @default - as GpuSmokeTestProps */
  readonly image?: string;
}

/** `{ secretFromEnvironment: ... }` in a file: the values are read from the environment at synth time, never from the file. */
export interface FleetSecretFromEnvironment {
  /** @default AzureAuthentication.SERVICE_PRINCIPAL */
  readonly authentication?: AzureAuthentication;
  /** @default - the ServiceAccount's name */
  readonly secretName?: string;
}

/** `{ fromSecretKey: ... }` or `{ fromConfigMapKey: ... }` for an env value in a file. */
export interface FleetEnvKey {
  /** The Secret or ConfigMap. */
  readonly name: string;
  readonly key: string;
  /** @default false */
  readonly optional?: boolean;
}

/** `{ service: ... }` for an ingress gateway in a file (`IngressGateway.service`). */
export interface FleetIngressService {
  readonly namespace: string;
  readonly name: string;
  readonly description?: string;
}
