/**
 * A release line known by its minor number, such as KServe 0.N or Knative Serving 1.N: the shape
 * `KServeVersion` and `KnativeVersion` share (name, order, parsing), written once.
 */
export abstract class MinorVersion {
  protected constructor(
    /** The major version number (0 for KServe, 1 for Knative Serving). */
    public readonly major: number,
    /** The minor version number: 11 for KServe 0.11, 10 for Knative Serving 1.10. */
    public readonly minor: number,
  ) {}

  /** The version as `<major>.<minor>`. */
  public get name(): string {
    return `${this.major}.${this.minor}`;
  }

  /** Whether this version is the given one or newer. */
  public isAtLeast(other: this): boolean {
    return this.minor >= other.minor;
  }

  public toString(): string {
    return this.name;
  }
}

/**
 * The version of `all` that `text` names: `<major>.<minor>`, optionally `.patch`, and a `v` or
 * another given prefix; undefined when it names none.
 * @internal
 */
export function parseMinorVersion<T extends MinorVersion>(text: string, all: readonly T[], prefix = ''): T | undefined {
  const major = all[0].major;
  const match = new RegExp(`^${prefix}v?${major}\\.(\\d+)(\\.\\d+)?$`).exec(text.trim());
  return match ? all.find(v => v.minor === Number(match[1])) : undefined;
}
