/**
 * The names KServe gives each component's objects (Knative Service, or Deployment and Service),
 * in one place: hosts, in-cluster URLs, name-length checks and NetworkPolicies derive from them.
 */

/** `<isvc>-predictor`, or `<isvc>-<predictor name>-predictor` for a named predictor (kserve v0.20.0 pkg/constants/constants.go:799 PredictorServiceName). */
export function predictorServiceName(isvc: string, predictorName?: string): string {
  return predictorName ? `${isvc}-${predictorName}-predictor` : `${isvc}-predictor`;
}

/** `<isvc>-transformer` (kserve v0.20.0 pkg/constants/constants.go:822 TransformerServiceName). */
export function transformerServiceName(isvc: string): string {
  return `${isvc}-transformer`;
}

/** The in-cluster URL of a Service: `http://<service>.<namespace>.svc.cluster.local`. */
export function clusterLocalUrl(service: string, namespace: string): string {
  return `http://${service}.${namespace}.svc.cluster.local`;
}
