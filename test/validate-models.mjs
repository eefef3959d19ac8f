// Validates Argo CD, Flux, External Secrets and Sealed Secrets objects against the schemas published
// in @kubernetes-models/argo-cd, flux-cd, external-secrets and sealed-secrets (ES modules only, so the
// tests run this file with node).
// stdin: a JSON array of objects; stdout: a JSON array of error lines.
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { SealedSecret } from '@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1/SealedSecret';

const MODELS = {
  'argoproj.io/v1alpha1/Application': Application,
  'source.toolkit.fluxcd.io/v1/GitRepository': GitRepository,
  'kustomize.toolkit.fluxcd.io/v1/Kustomization': Kustomization,
  'external-secrets.io/v1/ExternalSecret': ExternalSecret,
  'bitnami.com/v1alpha1/SealedSecret': SealedSecret,
};

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => { input += chunk; });
process.stdin.on('end', () => {
  const errors = [];
  for (const obj of JSON.parse(input)) {
    const id = `${obj.apiVersion}/${obj.kind}`;
    const Model = MODELS[id];
    if (!Model) {
      errors.push(`${id}: no published schema known`);
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      errors.push(`${obj.kind}/${obj.metadata?.name}: ${e.message}`);
    }
  }
  process.stdout.write(JSON.stringify(errors));
});
