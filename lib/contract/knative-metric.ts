// The metric names that the constructs write (autoscaling) and the load-test advice recommends:
// the part of the autoscaling vocabulary the load-testing side shares, with no cdk8s import.

/**
 * What the Knative Pod Autoscaler scales a component on (Knative mode).
 */
export enum KnativeMetric {
  /** In-flight requests per pod. Knative's default target is 100. */
  CONCURRENCY = 'concurrency',
  /** Requests per second per pod. Knative's default target is 200. */
  RPS = 'rps',
}
