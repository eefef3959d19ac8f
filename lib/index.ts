/**
 * The `cdk8s-kserve` entry point: constructs, values, validation and synth. The load runner, pod
 * sampler, report and advice are behind `cdk8s-kserve/loadtest`.
 *
 * @packageDocumentation
 * @module cdk8s-kserve
 */

// The target and the vocabulary of findings.
export * from './core/minor-version';
export * from './core/kserve-version';
export * from './core/knative-version';
export * from './core/target';
export * from './core/rules';
export * from './core/findings';

// What the constructs and the load-testing side agree on.
export * from './contract/signature';
export * from './contract/load-targets';

// Values the constructs take.
export * from './model/resources';
export * from './model/env';
export * from './model/logger';
export * from './model/autoscaling';
export * from './model/rollout';
export * from './model/storage';
export * from './model/security';
export * from './model/image-digests';
export * from './model/overrides';

// Credentials, constructs and GitOps objects.
export * from './azure/credentials';
export * from './azure/source';
export * from './azure/sources/external-secret';
export * from './azure/sources/sealed-secret';
export * from './azure/sources/secret-from-environment';
export * from './azure/sources/workload-identity';
export * from './constructs/component';
export * from './constructs/predictor';
export * from './constructs/message-dumper';
export * from './constructs/triton-predictor';
export * from './constructs/python-transformer';
export * from './constructs/inference-service';
export * from './constructs/inference-service-chart';
export * from './constructs/network-policies';
export * from './constructs/gpu-smoke-test';
export * from './gitops/git-source';
export * from './gitops/argo-cd';
export * from './gitops/flux';
export * from './gitops/argo-cd-sync-waves';

// The synth writer and what it derives beside the manifests.
export * from './output/endpoints';
export * from './output/jmeter';
export * from './output/load-test-job';
export * from './output/load-targets';
export * from './output/synth';

// A fleet from one YAML file.
export * from './fleet/file-types';
export * from './fleet/fleet';
