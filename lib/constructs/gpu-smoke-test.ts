import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KServeVersion } from '../core/kserve-version';
import { RULES } from '../core/rules';
import { DeploymentMode } from '../core/target';
import { addChecks, FindingList } from '../core/findings';
import { pinnedImage } from '../model/image-digests';
import { ContainerSecurity, podSecurityContext, renderPullSecrets, renderSecurity } from '../model/security';
import { checkImage } from '../validation/checks/pod';
import { dnsLabelExpectation, DNS_SUBDOMAIN } from '../core/names';
import { resolveNamespace } from '../core/scope';
import { checkedProps } from '../validation/props';

/** NVIDIA's CUDA vectorAdd sample, as in the NVIDIA device plugin's README (prints `Test PASSED`). */
export const CUDA_VECTOR_ADD_IMAGE = 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda12.5.0';

/** Props of `GpuSmokeTest`. */
export interface GpuSmokeTestProps {
  /**
   * Name of the Pod.
   *
   * @default 'gpu-smoke-test'
   */
  readonly name?: string;

  /**
   * Namespace of the Pod.
   *
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;

  /**
   * GPUs the Pod asks for.
   *
   * @default 1
   */
  readonly gpus?: number;

  /**
   * Extended resource name of the GPUs.
   *
   * @default 'nvidia.com/gpu'
   */
  readonly gpuResourceName?: string;

  /**
   * The CUDA sample image; pick a CUDA version the node's driver supports.
   *
   * @default CUDA_VECTOR_ADD_IMAGE (CUDA 12.5: driver 555 or newer)
   */
  readonly image?: string;

  /**
   * RuntimeClass that runs containers with the NVIDIA runtime, when it is not containerd's
   * default (the GPU operator creates `nvidia`).
   *
   * @default - the node's default runtime
   */
  readonly runtimeClassName?: string;

  /**
   * The security context of the test container; `ContainerSecurity.none()` opts out. The
   * NVIDIA runtime exposes the GPU device nodes to any UID, so the sample runs unprivileged.
   *
   * @default ContainerSecurity.restricted(): UID 1000, read-only root filesystem
   */
  readonly security?: ContainerSecurity;

  /**
   * Secrets with registry credentials for pulling `image`.
   *
   * @default - none
   */
  readonly imagePullSecrets?: string[];
}

/**
 * A Pod that proves a GPU node works before a model depends on it: it asks for a GPU, runs
 * NVIDIA's CUDA vectorAdd sample once and logs `Test PASSED`. It tolerates the
 * `nvidia.com/gpu` taint GPU node pools often carry.
 *
 * ```sh
 * kubectl apply -f dist/gpu-check/ && kubectl logs -f pod/gpu-smoke-test
 * ```
 */
export class GpuSmokeTest extends Construct {
  /** Name of the Pod. */
  public readonly name: string;
  /** Namespace of the Pod. */
  public readonly namespace: string;
  /** The Pod. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: GpuSmokeTestProps = {}) {
    super(scope, id);
    props = checkedProps(this, 'GpuSmokeTestProps', props);
    this.name = props.name ?? 'gpu-smoke-test';
    this.namespace = resolveNamespace(this, props.namespace);
    const gpus = props.gpus ?? 1;
    const image = props.image ?? CUDA_VECTOR_ADD_IMAGE;
    const resourceName = props.gpuResourceName ?? 'nvidia.com/gpu';
    const out = new FindingList(this, { kserveVersion: KServeVersion.DEFAULT, deploymentMode: DeploymentMode.STANDARD }); // a plain Pod: no Knative tag resolution
    if (!(DNS_SUBDOMAIN.test(this.name) && this.name.length <= 253)) out.add(RULES.OBJECT_NAME, 'name', this.name, 'must be a DNS subdomain: lowercase letters, digits, \'-\' and \'.\'');
    const ns = dnsLabelExpectation(this.namespace);
    if (ns) out.add(RULES.OBJECT_NAME, 'namespace', this.namespace, ns);
    if (!(Number.isInteger(gpus) && gpus >= 1)) out.add(RULES.RESOURCES, 'gpus', gpus, 'must be a whole number of at least 1: the test is about a GPU');
    const security = renderSecurity(props.security, { runAsUser: 1000 }, 'security', out, this);
    const imagePullSecrets = renderPullSecrets(props.imagePullSecrets, out, this);
    const written = pinnedImage(this, image, 'image', out);
    checkImage(out, 'image', written, this);
    addChecks(this, () => out.findings);

    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: this.name, namespace: this.namespace, labels: { 'app.kubernetes.io/name': 'gpu-smoke-test' } },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        securityContext: podSecurityContext(props.security),
        ...(imagePullSecrets ? { imagePullSecrets } : {}),
        ...(props.runtimeClassName ? { runtimeClassName: props.runtimeClassName } : {}),
        ...(security.volumes.length > 0 ? { volumes: security.volumes } : {}),
        containers: [{
          name: 'cuda-vectoradd',
          image: written,
          securityContext: security.securityContext,
          ...(security.volumeMounts.length > 0 ? { volumeMounts: security.volumeMounts } : {}),
          resources: { limits: { [resourceName]: String(gpus) } },
        }],
        tolerations: [{ key: resourceName, operator: 'Exists', effect: 'NoSchedule' }],
      },
    });
  }
}
