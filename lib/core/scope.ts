import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The namespace an object goes to: the explicit one, else its chart's, else `default`.
 * Always concrete, because other objects derive URLs and references from it.
 */
export function resolveNamespace(scope: IConstruct, explicit: string | undefined): string {
  return explicit ?? Chart.of(scope).namespace ?? 'default';
}
