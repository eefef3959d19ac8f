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
 * Renders `env`. A plain string is taken as a literal value (what people write first, and what
 * JavaScript without type checks passes); anything else that is not an `EnvValue` is reported
 * to `problem` with what to write, never a crash.
 * @internal
 */
export function renderEnv(env: Record<string, string | EnvValue> | undefined, problem: (field: string, value: unknown, expected: string) => void = () => {}): any[] | undefined {
  if (env === undefined || env === null) return undefined;
  if (typeof env !== 'object' || Array.isArray(env)) {
    problem('env', env, 'must be an object of variable name to value, such as { LOG_LEVEL: \'info\' } or { TOKEN: EnvValue.fromSecretKey(\'hf\', \'token\') }');
    return undefined;
  }
  const out: any[] = [];
  for (const [name, value] of Object.entries(env as Record<string, unknown>)) {
    if (value instanceof EnvValue) {
      out.push(value._toEnvVar(name));
    } else if (typeof value === 'string') {
      out.push({ name, value });
    } else {
      problem(`env.${name}`, value, typeof value === 'number' || typeof value === 'boolean'
        ? `must be a string: write ${JSON.stringify(String(value))} (Kubernetes env values are strings)`
        : 'must be a string or an EnvValue (EnvValue.fromValue, fromSecretKey, fromConfigMapKey)');
    }
  }
  return out.length === 0 ? undefined : out;
}
