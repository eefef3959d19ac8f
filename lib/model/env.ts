/**
 * The value of an environment variable of a container.
 */
export class EnvValue {
  /** A literal value. */
  public static fromValue(value: string): EnvValue {
    return new EnvValue({ value });
  }

  /**
   * A key of a Secret in the same namespace, resolved by the kubelet: the value never
   * appears in the manifest.
   */
  public static fromSecretKey(secretName: string, key: string, options: EnvKeyOptions = {}): EnvValue {
    return new EnvValue({ valueFrom: { secretKeyRef: { name: secretName, key, ...optional(options) } } });
  }

  /** A key of a ConfigMap in the same namespace. */
  public static fromConfigMapKey(configMapName: string, key: string, options: EnvKeyOptions = {}): EnvValue {
    return new EnvValue({ valueFrom: { configMapKeyRef: { name: configMapName, key, ...optional(options) } } });
  }

  private constructor(private readonly source: { value?: string; valueFrom?: unknown }) {}

  /** @internal */
  public _toEnvVar(name: string): { name: string; value?: string; valueFrom?: any } {
    return { name, ...this.source };
  }
}

/** Options for values read from a Secret or ConfigMap key. */
export interface EnvKeyOptions {
  /**
   * Start the container even when the key is missing.
   *
   * @default false
   */
  readonly optional?: boolean;
}

function optional(options: EnvKeyOptions): { optional?: boolean } {
  return options.optional === undefined ? {} : { optional: options.optional };
}

/**
 * Renders `env`: a plain string is a literal value, an `EnvValue` reads a key. Values of other
 * types never get here: the props check (rule `props`) reports and drops them.
 * @internal
 */
export function renderEnv(env: Record<string, string | EnvValue> | undefined): any[] | undefined {
  const entries = Object.entries(env ?? {});
  return entries.length === 0 ? undefined : entries.map(([name, value]) => (typeof value === 'string' ? { name, value } : value._toEnvVar(name)));
}
