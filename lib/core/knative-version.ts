import { KServeVersion } from './kserve-version';
import { MinorVersion, parseMinorVersion } from './minor-version';

/**
 * A Knative Serving release line (1.10 to 1.21) that the cluster runs, in Knative mode. What
 * Knative admits changes between releases: up to 1.12 it reserves `/tmp`, `/var` and
 * `/var/log` as volume mount paths, and up to 1.16 it rejects `securityContext.privileged`.
 * Patch releases changed neither, so a version is identified by its minor number.
 */
export class KnativeVersion extends MinorVersion {
  /** Knative Serving 1.10 (installed by KServe 0.11 and 0.12). */
  public static readonly V1_10 = new KnativeVersion(10);
  /** Knative Serving 1.11. */
  public static readonly V1_11 = new KnativeVersion(11);
  /** Knative Serving 1.12, the last that reserves `/tmp`, `/var` and `/var/log`. */
  public static readonly V1_12 = new KnativeVersion(12);
  /** Knative Serving 1.13 (installed by KServe 0.13 and 0.14). */
  public static readonly V1_13 = new KnativeVersion(13);
  /** Knative Serving 1.14. */
  public static readonly V1_14 = new KnativeVersion(14);
  /** Knative Serving 1.15 (installed by KServe 0.15 and 0.16). */
  public static readonly V1_15 = new KnativeVersion(15);
  /** Knative Serving 1.16, the last that rejects `securityContext.privileged`. */
  public static readonly V1_16 = new KnativeVersion(16);
  /** Knative Serving 1.17. */
  public static readonly V1_17 = new KnativeVersion(17);
  /** Knative Serving 1.18. */
  public static readonly V1_18 = new KnativeVersion(18);
  /** Knative Serving 1.19. */
  public static readonly V1_19 = new KnativeVersion(19);
  /** Knative Serving 1.20. */
  public static readonly V1_20 = new KnativeVersion(20);
  /** Knative Serving 1.21 (installed by KServe 0.17 to 0.20). */
  public static readonly V1_21 = new KnativeVersion(21);

  /** Every supported version, oldest first. */
  public static readonly ALL: KnativeVersion[] = [
    KnativeVersion.V1_10, KnativeVersion.V1_11, KnativeVersion.V1_12, KnativeVersion.V1_13, KnativeVersion.V1_14, KnativeVersion.V1_15,
    KnativeVersion.V1_16, KnativeVersion.V1_17, KnativeVersion.V1_18, KnativeVersion.V1_19, KnativeVersion.V1_20, KnativeVersion.V1_21,
  ];

  /**
   * The Knative Serving that a KServe release installs: `hack/quick_install.sh` up to 0.15,
   * `kserve-deps.env` from 0.16 (0.11 and 0.12: 1.10.1; 0.13 and 0.14: 1.13.1; 0.15 and 0.16:
   * 1.15.2; 0.17 to 0.20: 1.21.1; `../shared/crds/README.md`).
   */
  public static installedBy(kserve: KServeVersion): KnativeVersion {
    if (!kserve.isAtLeast(KServeVersion.V0_13)) return KnativeVersion.V1_10;
    if (!kserve.isAtLeast(KServeVersion.V0_15)) return KnativeVersion.V1_13;
    if (!kserve.isAtLeast(KServeVersion.V0_17)) return KnativeVersion.V1_15;
    return KnativeVersion.V1_21;
  }

  /**
   * Parses `1.10`, `1.10.1`, `v1.10.1` or `knative-v1.10.1`.
   *
   * @throws when the text is not a version or is outside 1.10 to 1.21
   */
  public static of(version: string): KnativeVersion {
    const found = parseMinorVersion(version, KnativeVersion.ALL, '(?:knative-)?');
    if (!found) {
      throw new Error(`knativeVersion (${JSON.stringify(version)}) must be one of 1.10 to 1.21, such as "1.21" or "1.10.1"`);
    }
    return found;
  }

  private constructor(minor: number) {
    super(1, minor);
  }
}
