/**
 * The CRD schemas the tests and `npm run import` read: where they are, and the pinned upstream
 * file of each with its sha256 (from ../shared/crds/README.md, which says where each comes from).
 * `npm run fetch:crds` downloads them for a checkout without ../shared (scripts/fetch-crds.ts).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** One CRD file: its place in the CRD folder, and where upstream has it. */
export interface CrdFile {
  readonly file: string;
  readonly repo: string;
  readonly tag: string;
  readonly path: string;
  readonly sha256: string;
}

const kserve = (version: string, sha256: string, full = true): CrdFile => ({
  file: `kserve-v${version}/serving.kserve.io_inferenceservices.yaml`, repo: 'kserve/kserve', tag: `v${version}`,
  path: `config/crd/${full ? 'full/' : ''}serving.kserve.io_inferenceservices.yaml`, sha256,
});
const knative = (version: string, sha256: string): CrdFile => ({
  file: `knative-serving-v${version}/services.serving.knative.dev.yaml`, repo: 'knative/serving', tag: `knative-v${version}`,
  path: 'config/core/300-resources/service.yaml', sha256,
});

/** Every file the tests need. */
export const CRD_FILES: CrdFile[] = [
  kserve('0.11.2', '391bb9468dfa08a7c5a3503c74cb02a8d921b7e6322c99fc6d887411a87504f5', false),
  kserve('0.12.1', 'f283dc1241ff63ab8e9aecf5dbb0777ee8fa1d4c5d65c1633f7eca11a6ed927d', false),
  kserve('0.13.1', 'c96a0c797e09c1d41f905ff022e9c34c4ff3d2215abdaeee4f4aadbf68fc622e'),
  kserve('0.14.1', '036accd20c20dbd59f3109e31f99ead7a7599a1d6de6fbf16741614b82ca3025'),
  kserve('0.15.2', '43bcb3aef9c6308135ef122f48800230058b710eae98c26ff03da29940525e4e'),
  kserve('0.16.0', '7b57068f8bb0baa394c14bef83421a53a7be8e13335c31a4e55e32d9f549adb0'),
  kserve('0.17.1', 'b6c30a83b771f791e5de3a30d46ddd2f44e3caeffdc8c132e7c8c145ab209dae'),
  kserve('0.18.1', 'b6c30a83b771f791e5de3a30d46ddd2f44e3caeffdc8c132e7c8c145ab209dae'),
  kserve('0.19.0', 'b6c30a83b771f791e5de3a30d46ddd2f44e3caeffdc8c132e7c8c145ab209dae'),
  kserve('0.20.0', '57c3bf13f77de94678bf2ae3748056ec071ad2b9e88d6a28f44fb4710758fcff'),
  knative('1.10.1', '65c01a78ff5a8fd0da7e475c6e93b2b3d232786c09a0e93360a930ac38a97f50'),
  knative('1.15.2', '0b526a16449fa6b52197ed100e40d4b29c85aa5a0ee1862e374be71a4a142e0c'),
  knative('1.21.1', 'a931dda52f4ac376196e5bfc238214b8a54308b37336af3fdd41b002960a1bca'),
  { file: 'argo-cd-v3.5.1/application-crd.yaml', repo: 'argoproj/argo-cd', tag: 'v3.5.1', path: 'manifests/crds/application-crd.yaml', sha256: '5dde0e229249b6b707beb98674c1deae3949d5c319a6c45b9f5a80c99618e40c' },
  { file: 'flux-source-controller-v1.9.1/source.toolkit.fluxcd.io_gitrepositories.yaml', repo: 'fluxcd/source-controller', tag: 'v1.9.1', path: 'config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml', sha256: '39a5a46c81539c992abc53f9be3e5434cd70d50a10d169b1e8a450e0df1c9d09' },
  { file: 'flux-kustomize-controller-v1.9.4/kustomize.toolkit.fluxcd.io_kustomizations.yaml', repo: 'fluxcd/kustomize-controller', tag: 'v1.9.4', path: 'config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml', sha256: 'da23ca0e6b4c80d3d26a91583137491e147ef4ef1e2208aece0d0af4ef851974' },
  { file: 'external-secrets-v2.9.0/external-secrets.io_externalsecrets.yaml', repo: 'external-secrets/external-secrets', tag: 'v2.9.0', path: 'config/crds/bases/external-secrets.io_externalsecrets.yaml', sha256: '5044be5a610ca90a075f34f03ed20b462695c43387ba9410db7f4250e47b1e2f' },
  { file: 'sealed-secrets-v0.36.6/bitnami.com_sealedsecrets.yaml', repo: 'bitnami-labs/sealed-secrets', tag: 'v0.36.6', path: 'helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml', sha256: 'fb33ba448b89c2c3252480664078b7f4bdf0949426e5280d07ca049c0dbdbfb7' },
];

/** The CRD folder: `CDK8S_KSERVE_CRDS`, else `../shared/crds` beside the checkout. */
export function crdsDir(): string {
  return path.resolve(process.env.CDK8S_KSERVE_CRDS ?? path.join(__dirname, '..', '..', 'shared', 'crds'));
}

export function sha256(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** The files of CRD_FILES that `dir` lacks or has with other bytes. */
export function crdProblems(dir: string): string[] {
  return CRD_FILES.flatMap(f => {
    const full = path.join(dir, f.file);
    if (!fs.existsSync(full)) return [`${f.file} is missing`];
    return sha256(fs.readFileSync(full)) === f.sha256 ? [] : [`${f.file} is not the pinned upstream file (sha256 differs)`];
  });
}

/** One message for a checkout without the CRDs: what is wrong and how to get them. */
export function crdsMessage(dir: string, problems: string[]): string {
  return `The CRD schemas the tests validate against are not in ${dir} (${problems.length} of ${CRD_FILES.length} files: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; ...' : ''}). `
    + 'Put the shared folder beside this checkout (../shared/crds), set CDK8S_KSERVE_CRDS to a folder that has them, '
    + `or run npm run fetch:crds to download the pinned upstream files, checked by sha256, into ${dir}.`;
}
