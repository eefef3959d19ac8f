import { MinorVersion, parseMinorVersion } from './minor-version';
/**
 * A KServe release line (0.11 to 0.20) that the output must work with.
 *
 * The output follows what the chosen version expects: deployment-mode spelling, Azure secret
 * keys, which transformer flags exist. Patch releases never changed any of these, so a
 * version is identified by its minor number.
 */
export class KServeVersion extends MinorVersion {
  /** KServe 0.11 (the microk8s 1.26 era; Knative Serving 1.10). */
  public static readonly V0_11 = new KServeVersion(11);
  /** KServe 0.12. */
  public static readonly V0_12 = new KServeVersion(12);
  /** KServe 0.13. */
  public static readonly V0_13 = new KServeVersion(13);
  /** KServe 0.14. */
  public static readonly V0_14 = new KServeVersion(14);
  /** KServe 0.15. */
  public static readonly V0_15 = new KServeVersion(15);
  /** KServe 0.16: deployment modes renamed to `Knative` / `Standard`. */
  public static readonly V0_16 = new KServeVersion(16);
  /** KServe 0.17. */
  public static readonly V0_17 = new KServeVersion(17);
  /** KServe 0.18. */
  public static readonly V0_18 = new KServeVersion(18);
  /** KServe 0.19. */
  public static readonly V0_19 = new KServeVersion(19);
  /** KServe 0.20 (Knative Serving 1.21). */
  public static readonly V0_20 = new KServeVersion(20);

  /** The version targeted when none is given. */
  public static readonly DEFAULT = KServeVersion.V0_20;

  /** Every supported version, oldest first. */
  public static readonly ALL: KServeVersion[] = [
    KServeVersion.V0_11, KServeVersion.V0_12, KServeVersion.V0_13, KServeVersion.V0_14, KServeVersion.V0_15,
    KServeVersion.V0_16, KServeVersion.V0_17, KServeVersion.V0_18, KServeVersion.V0_19, KServeVersion.V0_20,
  ];

  /**
   * Parses `0.15`, `0.15.1` or `v0.15.1`.
   *
   * @throws when the text is not a version or is outside 0.11 to 0.20
   */
  public static of(version: string): KServeVersion {
    const found = parseMinorVersion(version, KServeVersion.ALL);
    if (!found) {
      throw new Error(`kserveVersion (${JSON.stringify(version)}) must be one of 0.11 to 0.20, such as "0.20" or "0.15.1"`);
    }
    return found;
  }

  private constructor(minor: number) {
    super(0, minor);
  }
}
