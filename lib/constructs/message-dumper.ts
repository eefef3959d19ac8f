import { ApiObject, Size } from 'cdk8s';
import { clusterLocalUrl } from '../core/kserve-names';
import { Construct } from 'constructs';
import {
  Service as KnativeService,
  toJson_ServiceSpec as toJson_KnativeServiceSpec,
  ServiceSpecTemplateSpecContainersResourcesLimits as Limit,
  ServiceSpecTemplateSpecContainersResourcesRequests as Request,
} from '../../imports/serving.knative.dev';
import { KnativeVersion } from '../core/knative-version';
import { KServeVersion } from '../core/kserve-version';
import { ILoggerSink } from '../model/logger';
import { ContainerResources, Cpu, quantities, resolveResources } from '../model/resources';
import { RULES } from '../core/rules';
import { DeploymentMode, KServeTarget } from '../core/target';
import { pinnedImage } from '../model/image-digests';
import { ContainerSecurity, podSecurityContext, renderPullSecrets, renderSecurity } from '../model/security';
import { addChecks, FindingList } from '../core/findings';
import { checkDeployment } from '../validation/checks/deployment';
import { checkKnativeService } from '../validation/checks/knative-service';
import { dnsLabelExpectation, DNS_1035_LABEL } from '../core/names';
import { resolveNamespace } from '../core/scope';
import { checkedProps } from '../validation/props';

/**
 * The CloudEvents `event_display` image, pinned by digest (the digest Knative's own `func`
 * tests use). The KServe sample uses the untagged image, which is `latest`.
 */
export const EVENT_DISPLAY_IMAGE =
  'gcr.io/knative-releases/knative.dev/eventing/cmd/event_display@sha256:610234e4319b767b187398085971d881956da660a4e0fab65a763e0f81881d82';

/** Props of `MessageDumper`. */
export interface MessageDumperProps {
  /**
   * Name of the Knative Service; part of the logger URL.
   *
   * @default 'message-dumper'
   */
  readonly name?: string;

  /**
   * Namespace of the Knative Service.
   *
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;

  /**
   * The image that prints events. Pin it by tag or digest.
   *
   * @default EVENT_DISPLAY_IMAGE
   */
  readonly image?: string;

  /**
   * Keep at least this many pods, so events from a cold model are printed in one place. In
   * Standard mode, the Deployment's replicas (at least 1).
   *
   * @default 1
   */
  readonly minScale?: number;

  /**
   * Reachable only inside the cluster (`networking.knative.dev/visibility: cluster-local`).
   * The logger agent calls it in-cluster; nothing outside needs it.
   *
   * @default true
   */
  readonly clusterLocal?: boolean;

  /**
   * The KServe version it runs beside.
   *
   * @default KServeVersion.DEFAULT
   */
  readonly kserveVersion?: KServeVersion;

  /**
   * The Knative Serving the cluster runs, in Knative mode: the Service is checked against what
   * that release admits.
   *
   * @default - the Knative Serving that `kserveVersion`'s installer sets up (`KnativeVersion.installedBy`)
   */
  readonly knativeVersion?: KnativeVersion;

  /**
   * How it runs: a Knative Service in Knative mode, or a Deployment and a Service (port 80 to
   * the container's 8080) in Standard mode, for clusters without Knative. The URL is the
   * same either way.
   *
   * @default DeploymentMode.KNATIVE
   */
  readonly deploymentMode?: DeploymentMode;

  /**
   * CPU and memory of the dumper container.
   *
   * @default - 100m CPU and 128Mi memory, requests equal to limits
   */
  readonly resources?: ContainerResources;

  /**
   * The security context of the dumper container; `ContainerSecurity.none()` opts out.
   *
   * @default ContainerSecurity.restricted() as the image's user (65532), read-only root filesystem
   */
  readonly security?: ContainerSecurity;

  /**
   * Mount a Kubernetes API token into the pods. The dumper only prints what it receives.
   *
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * Secrets with registry credentials for pulling `image`.
   *
   * @default - none
   */
  readonly imagePullSecrets?: string[];
}

/**
 * The CloudEvents `event_display` image as a Knative Service (Knative mode) or a Deployment and
 * Service (Standard mode): it prints every request and response event the KServe logger sends.
 * Pass it as a logger `sink`; the URL is derived.
 */
export class MessageDumper extends Construct implements ILoggerSink {
  /** Name of the Knative Service. */
  public readonly name: string;
  /** Namespace of the Knative Service. */
  public readonly namespace: string;
  /** The in-cluster URL, `http://<name>.<namespace>.svc.cluster.local`. */
  public readonly url: string;
  /** The Knative Service (Knative mode) or the Deployment (Standard mode). */
  public readonly resource: ApiObject;
  /** The Service in front of the Deployment (Standard mode). */
  public readonly service?: ApiObject;
  /** How it runs. */
  public readonly deploymentMode: DeploymentMode;
  /** The KServe version it runs beside. */
  public readonly kserveVersion: KServeVersion;
  /** The Knative Serving version the Service is checked against. */
  public readonly knativeVersion: KnativeVersion;

  public constructor(scope: Construct, id: string, props: MessageDumperProps = {}) {
    super(scope, id);
    props = checkedProps(this, 'MessageDumperProps', props);
    this.name = props.name ?? 'message-dumper';
    this.namespace = resolveNamespace(this, props.namespace);
    this.url = clusterLocalUrl(this.name, this.namespace);
    const minScale = props.minScale ?? 1;
    const image = props.image ?? EVENT_DISPLAY_IMAGE;

    ({ kserveVersion: this.kserveVersion, knativeVersion: this.knativeVersion, deploymentMode: this.deploymentMode } = KServeTarget.of(this, props));
    const version = this.kserveVersion;
    const knative = this.deploymentMode === DeploymentMode.KNATIVE;
    const out = new FindingList(this, { kserveVersion: version, deploymentMode: this.deploymentMode });
    if (!DNS_1035_LABEL.test(this.name) || this.name.length > 63) {
      out.add(RULES.OBJECT_NAME, 'name', this.name, 'must be a DNS-1035 label: at most 63 lowercase letters, digits and \'-\', starting with a letter (Service names)');
    }
    const namespaceExpectation = dnsLabelExpectation(this.namespace);
    if (namespaceExpectation) out.add(RULES.OBJECT_NAME, 'namespace', this.namespace, namespaceExpectation);
    if (!Number.isInteger(minScale) || minScale < 0) {
      out.add(RULES.REPLICAS, 'minScale', minScale, 'must be a whole number of at least 0');
    }
    addChecks(this, () => {
      const propFindings = out.findings;
      const final = new FindingList(this, { kserveVersion: version, deploymentMode: this.deploymentMode });
      if (knative) checkKnativeService(final, this.resource.toJson(), version, this.knativeVersion, this);
      else checkDeployment(final, this.resource.toJson(), this);
      return [...propFindings, ...final.findings];
    });

    const resources = resolveResources(props.resources, { cpu: Cpu.millis(100), memory: Size.mebibytes(128) });
    // event_display is a static Go binary on a distroless nonroot base: it writes nothing.
    const defaultSecurity = ContainerSecurity.restricted({ imageUser: true });
    const security = renderSecurity(props.security ?? defaultSecurity, {}, 'security', out, this);
    const imagePullSecrets = renderPullSecrets(props.imagePullSecrets, out, this);
    const podFields = {
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
      ...(imagePullSecrets ? { imagePullSecrets } : {}),
      ...(security.volumes.length > 0 ? { volumes: security.volumes } : {}),
    };
    const container = {
      name: 'event-display',
      image: pinnedImage(this, image, 'image', out),
      ...(security.volumeMounts.length > 0 ? { volumeMounts: security.volumeMounts } : {}),
      ...(security.securityContext ? { securityContext: security.securityContext } : {}),
      resources: {
        requests: quantities(resources.requests, Request.fromString),
        limits: quantities(resources.limits, Limit.fromString),
      },
    };
    if (!knative) {
      const labels = { 'app.kubernetes.io/name': 'message-dumper', 'app.kubernetes.io/instance': this.name };
      // Plain ApiObjects so JSON patches survive toJson() (see InferenceService).
      this.resource = new ApiObject(this, 'Resource', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: this.name, namespace: this.namespace, labels },
        spec: {
          replicas: Math.max(1, minScale),
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              ...podFields,
              securityContext: podSecurityContext(props.security ?? defaultSecurity),
              containers: [{ ...container, resources: { requests: resources.requests, limits: resources.limits }, ports: [{ name: 'http', containerPort: 8080 }] }],
            },
          },
        },
      });
      this.service = new ApiObject(this, 'Service', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: this.name, namespace: this.namespace, labels },
        spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      });
      return;
    }
    // Plain ApiObject so JSON patches survive toJson() (see InferenceService).
    this.resource = new ApiObject(this, 'Resource', {
      ...KnativeService.GVK,
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: props.clusterLocal ?? true ? { 'networking.knative.dev/visibility': 'cluster-local' } : undefined,
      },
      spec: toJson_KnativeServiceSpec({
        template: {
          metadata: { annotations: { 'autoscaling.knative.dev/min-scale': String(minScale) } },
          spec: { ...podFields, containers: [container] },
        },
      }),
    });
  }

  /** @see url */
  public get loggerUrl(): string {
    return this.url;
  }
}
