/**
 * The `cdk8s-kserve/loadtest` entry point: the load runner, the pod sampler, the HTML report and
 * the autoscaling advice. It shares only lib/contract/ with the constructs (the load targets
 * format and the autoscaling metric names), so importing it (or running `cdk8s-kserve loadtest`)
 * never loads cdk8s, the construct tree or the CRD schemas.
 *
 * @packageDocumentation
 * @module cdk8s-kserve/loadtest
 */

export * from '../contract/knative-metric';
export * from '../contract/load-targets';
export * from './advice';
export * from './histogram';
export * from './merge';
export * from './pod-sampler';
export * from './runner';
export * from './report';
