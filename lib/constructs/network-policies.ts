import { ApiObject } from 'cdk8s';
import { predictorServiceName, transformerServiceName } from '../core/kserve-names';
import { podMatchLabels } from '../contract/load-targets';
import { Construct } from 'constructs';
import { InferenceService } from './inference-service';
import { MessageDumper } from './message-dumper';
import { RULES } from '../core/rules';
import { DeploymentMode } from '../core/target';
import { addChecks, FindingList } from '../core/findings';
import { dnsLabelExpectation } from '../core/names';
import { checkedProps } from '../validation/props';

/** Knative Serving's namespace: the activator buffers requests and the autoscaler scrapes queue-proxy. */
export const KNATIVE_SERVING_NAMESPACE = 'knative-serving';

/** Options of the NetworkPolicy set, for `InferenceServiceChart`. */
export interface NetworkPoliciesOptions {
  /**
   * Namespaces whose pods may also reach every component and the message dumper, such as the
   * Prometheus namespace that scrapes their metrics.
   *
   * @default - none
   */
  readonly allowFromNamespaces?: string[];
}

/** Props of `InferenceServiceNetworkPolicies`. */
export interface InferenceServiceNetworkPoliciesProps extends NetworkPoliciesOptions {
  /** The InferenceService whose pods the policies select. */
  readonly inferenceService: InferenceService;

  /**
   * The message dumper the InferenceService logs to: it gets a policy that admits the
   * InferenceService's pods, where KServe's logger agents run.
   *
   * @default - no policy for a message dumper
   */
  readonly messageDumper?: MessageDumper;
}

/** One `from` entry of a NetworkPolicy ingress rule. */
interface NetworkPolicyPeer {
  readonly namespaceSelector?: { readonly matchLabels: Record<string, string> };
  readonly podSelector?: { readonly matchLabels: Record<string, string> };
}

/**
 * Ingress NetworkPolicies for one InferenceService: only the ingress path reaches the
 * transformer, only the transformer reaches the predictor, and only the InferenceService's
 * logger agents reach the message dumper. Selected pods admit nothing else, whatever the
 * namespace's other policies (policies add up).
 *
 * What "the ingress path" is depends on the mode. In Standard mode traffic goes from the
 * ingress gateway's pods to the transformer's Service, and from the transformer straight to the
 * predictor's Service, so each policy admits exactly the peer it names. In Knative mode every
 * request, including the transformer's call to the predictor and the agents' events to a
 * Knative message dumper, passes through Knative's gateways (Istio's `knative-local-gateway` or
 * Kourier's `kourier-internal`, in the ingress gateway's namespace) or the activator in
 * `knative-serving`: the policies admit those namespaces, and NetworkPolicy cannot tell the
 * transformer's calls from others' that pass through the same gateway. Restricting that
 * further takes the mesh's identity (an Istio `AuthorizationPolicy`), which is not emitted.
 * Egress is not restricted: the storage initializer downloads from Azure.
 */
export class InferenceServiceNetworkPolicies extends Construct {
  /** The policies, by the component they select. */
  public readonly policies: ApiObject[] = [];

  public constructor(scope: Construct, id: string, props: InferenceServiceNetworkPoliciesProps) {
    super(scope, id);
    props = checkedProps(this, 'InferenceServiceNetworkPoliciesProps', props);
    const isvc = props.inferenceService;
    const out = new FindingList(this, { kserveVersion: isvc.kserveVersion, deploymentMode: isvc.deploymentMode });
    const extra = props.allowFromNamespaces ?? [];
    for (const ns of extra) {
      const expected = dnsLabelExpectation(ns);
      if (expected) out.add(RULES.OBJECT_NAME, 'allowFromNamespaces', ns, expected);
    }
    const dumper = props.messageDumper;
    if (dumper && dumper.deploymentMode !== isvc.deploymentMode) {
      out.add(RULES.OBJECT_NAME, 'messageDumper', dumper.node.path, `must run in the InferenceService's deployment mode (${isvc.deploymentMode}): the policy selects its pods by the labels of that mode`);
    }
    addChecks(this, () => out.findings);

    const knative = isvc.deploymentMode === DeploymentMode.KNATIVE;
    const fromNamespaces = (names: string[]): NetworkPolicyPeer[] =>
      [...new Set(names)].map(n => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } }));
    const gateway = isvc.ingressGateway.namespace;
    // Knative: gateways and the activator sit on every path; Standard: only the ingress gateway.
    const ingressPath = fromNamespaces(knative ? [gateway, KNATIVE_SERVING_NAMESPACE, ...extra] : [gateway, ...extra]);
    const podsOf = (component?: string): NetworkPolicyPeer => ({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': isvc.namespace } },
      podSelector: { matchLabels: podMatchLabels(isvc.name, component) },
    });

    const policy = (id: string, name: string, namespace: string, podSelector: Record<string, string>, from: NetworkPolicyPeer[]) => {
      const p = new ApiObject(this, id, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name, namespace },
        spec: { podSelector: { matchLabels: podSelector }, policyTypes: ['Ingress'], ingress: [{ from }] },
      });
      this.policies.push(p);
      return p;
    };
    const selector = (component: string) => podMatchLabels(isvc.name, component);

    if (isvc.transformer) {
      policy('transformer', `${transformerServiceName(isvc.name)}-ingress`, isvc.namespace, selector('transformer'), ingressPath);
      const fromTransformer = [podsOf('transformer'), ...knative ? ingressPath : fromNamespaces(extra)];
      policy('predictor', `${predictorServiceName(isvc.name)}-ingress`, isvc.namespace, selector('predictor'), fromTransformer);
    } else {
      policy('predictor', `${predictorServiceName(isvc.name)}-ingress`, isvc.namespace, selector('predictor'), ingressPath);
    }
    if (dumper) {
      const dumperPods: Record<string, string> = knative ? { 'serving.knative.dev/service': dumper.name } : { 'app.kubernetes.io/name': 'message-dumper', 'app.kubernetes.io/instance': dumper.name };
      const agents = [podsOf(), ...fromNamespaces(knative ? [gateway, KNATIVE_SERVING_NAMESPACE, ...extra] : extra)];
      // One policy per InferenceService: policies add up when several log to the same dumper.
      policy('message-dumper', `${dumper.name}-from-${isvc.name}`, dumper.namespace, dumperPods, agents);
    }
  }
}
