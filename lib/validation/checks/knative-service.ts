/**
 * The message dumper as a Knative Service, against the CRD of the Knative Serving the cluster runs.
 * Fields are named by their output path, `spec.predictor.minReplicas`.
 */
import { IConstruct } from 'constructs';
import { KnativeVersion } from '../../core/knative-version';
import { KServeVersion } from '../../core/kserve-version';
import { RULES } from '../../core/rules';
import { DeploymentMode } from '../../core/target';
import { FindingList } from '../../core/findings';
import { SchemaName, specViolations } from '../schema';
import { AnnotationOwner, checkAnnotationKeys, checkAnnotations, checkLabelMap, checkTemplate } from './pod';

type Json = Record<string, any>;

/** The Knative Service schema nearest a Knative version (the CRDs at hand: 1.10.1, 1.15.2, 1.21.1). */
function knativeSchema(knative: KnativeVersion): SchemaName {
  if (!knative.isAtLeast(KnativeVersion.V1_13)) return 'knative-serving-v1.10.1';
  if (!knative.isAtLeast(KnativeVersion.V1_17)) return 'knative-serving-v1.15.2';
  return 'knative-serving-v1.21.1';
}

/** Checks a synthesized Knative Service (the message dumper): Knative admission, resources, images, schema. */
export function checkKnativeService(out: FindingList, obj: Json, version: KServeVersion, knativeVersion: KnativeVersion, scope: IConstruct): void {
  checkAnnotations(out, 'metadata.annotations', obj.metadata?.annotations, scope, AnnotationOwner.KNATIVE_SERVICE);
  checkAnnotationKeys(out, 'metadata.annotations', obj.metadata?.annotations, scope);
  checkLabelMap(out, 'metadata.labels', obj.metadata?.labels, scope);
  checkAnnotationKeys(out, 'spec.template.metadata.annotations', obj.spec?.template?.metadata?.annotations, scope);
  checkLabelMap(out, 'spec.template.metadata.labels', obj.spec?.template?.metadata?.labels, scope);
  checkLabelMap(out, 'spec.template.spec.nodeSelector', obj.spec?.template?.spec?.nodeSelector, scope);
  const knative = out.with({ kserveVersion: version, deploymentMode: DeploymentMode.KNATIVE, knativeVersion });
  const pod = checkTemplate(knative, obj, knativeVersion, scope);
  const base = 'spec.template.spec';
  const timeout = pod.timeoutSeconds;
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 0 && timeout <= 600)) {
    knative.add(RULES.TIMEOUT, `${base}.timeoutSeconds`, timeout, 'must be whole seconds from 0 to 600 (Knative\'s max-revision-timeout-seconds)', { scope });
  }
  const cc = pod.containerConcurrency;
  if (cc !== undefined && !(Number.isInteger(cc) && cc >= 0 && cc <= 1000)) {
    knative.add(RULES.CONTAINER_CONCURRENCY, `${base}.containerConcurrency`, cc, 'must be a whole number from 0 to 1000', { scope });
  }
  const schema = knativeSchema(knativeVersion);
  for (const v of specViolations(obj.spec ?? {}, schema)) {
    knative.add(RULES.SCHEMA, v.field, v.value, `${v.expected} (Knative Service schema of Knative ${schema.slice(17)})`, { scope });
  }
  out.findings.push(...knative.findings);
}
