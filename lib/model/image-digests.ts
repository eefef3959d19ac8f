import { IConstruct } from 'constructs';
import { RULES } from '../core/rules';
import { FindingList } from '../core/findings';

/** Options of `ImageDigests.pin`. */
export interface ImageDigestsOptions {
  /**
   * Fail the synth on any image under the scope that is neither in the lock nor already
   * pinned by digest (rule `image-digest`), including Triton's runtime image.
   *
   * @default false
   */
  readonly require?: boolean;
}

/** The repository and tag of the Triton image of KServe's `kserve-tritonserver` runtime (0.11 to 0.20, kserve.md §6). */
export const TRITON_RUNTIME_IMAGE = 'nvcr.io/nvidia/tritonserver';
export const TRITON_RUNTIME_TAG = '23.05-py3';

const CONTEXT_KEY = 'cdk8s-kserve:image-digests';
const DIGEST = /^sha256:[a-f0-9]{64}$/;

interface Lock {
  readonly digests: Record<string, string>;
  readonly require: boolean;
}

/**
 * Digest pinning: every image under a scope is written as `<image>:<tag>@sha256:<digest>`, so a
 * retagged image cannot change what a Git commit deploys. The lock maps image references as
 * written in props to digests, for example from
 * `crane digest registry.example.com/ml/transformer:1.0.0` or
 * `docker buildx imagetools inspect <image> --format '{{json .Manifest.Digest}}'`.
 */
export class ImageDigests {
  /**
   * Pins the images of every construct that will be added under `scope` (an App or a Chart).
   * Call it before adding them: constructs read the lock when they render.
   *
   * @param lock image reference (`registry/name:tag`) to digest (`sha256:<64 hex>`)
   */
  public static pin(scope: IConstruct, lock: Record<string, string>, options: ImageDigestsOptions = {}): void {
    const value: Lock = { digests: { ...lock }, require: options.require ?? false };
    scope.node.setContext(CONTEXT_KEY, value);
  }

  private constructor() {}
}

function lockOf(scope: IConstruct): Lock | undefined {
  return scope.node.tryGetContext(CONTEXT_KEY) as Lock | undefined;
}

/** Whether an image reference already carries a digest. */
export function hasDigest(image: string): boolean {
  return image.includes('@');
}

/**
 * The image as it should be written under `scope`: with the lock's digest appended when the
 * lock has the reference. A malformed digest is reported on `field`.
 * @internal
 */
export function pinnedImage(scope: IConstruct, image: string, field: string, out: FindingList): string {
  const lock = lockOf(scope);
  if (!lock || hasDigest(image)) return image;
  const digest = lock.digests[image];
  if (digest === undefined) return image;
  if (!DIGEST.test(digest)) {
    out.add(RULES.IMAGE_DIGEST, `${field} digest`, digest, `must be sha256:<64 lowercase hex digits> (the lock entry of ${image})`, { scope });
    return image;
  }
  return `${image}@${digest}`;
}

/**
 * Whether images under `scope` must be pinned by digest.
 * @internal
 */
export function digestsRequired(scope: IConstruct): boolean {
  return lockOf(scope)?.require ?? false;
}
