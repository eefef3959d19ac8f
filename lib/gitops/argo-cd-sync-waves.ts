import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AzureBlobCreds } from '../azure/credentials';

/** The Argo CD annotation that orders a sync (argo-cd docs, "Sync Phases and Waves"). */
export const ARGO_CD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/**
 * Orders what Argo CD applies from an app's objects: the credentials of every `AzureBlobCreds`
 * under `scope` (the ServiceAccount, and the Secret, ExternalSecret or SealedSecret behind it)
 * go in sync wave -1, which Argo CD applies, and waits to be healthy, before the
 * InferenceService's wave 0; so the Secret exists before the storage initializer needs it.
 * Call it on each app an Argo CD Application deploys, after its charts are added. kubectl and
 * Flux ignore the annotation (both apply ServiceAccounts and Secrets before custom resources).
 */
export function argoCdSyncWaves(scope: IConstruct): void {
  for (const c of scope.node.findAll()) {
    if (!(c instanceof AzureBlobCreds)) continue;
    const objects: (ApiObject | undefined)[] = [c.serviceAccount, c.secret, c.secretSource];
    for (const o of objects) o?.metadata.addAnnotation(ARGO_CD_SYNC_WAVE, '-1');
  }
}
