/**
 * Per-environment overrides of one typed definition: `withOverrides(base, overrides)`.
 */

type Builtin = string | number | boolean | bigint | symbol | undefined | null | ((...args: never[]) => unknown) | Date | RegExp;

/**
 * Changes to a props object: every key optional, nested props objects changed key by key.
 * Arrays, and values made by this library or cdk8s (`Size`, `Duration`, `KServeVersion`,
 * `ModelStorage`, ...), are replaced whole.
 */
export type Overrides<T> = T extends Builtin
  ? T
  : T extends readonly unknown[]
    ? T
    : { readonly [K in keyof T]?: T[K] extends Builtin | readonly unknown[] ? T[K] : Overrides<T[K]> | T[K] };

function isPlain(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * The base props with the overrides applied: plain objects are merged key by key, anything else
 * in `overrides` replaces the base value, and `undefined` keeps it. The base is not changed.
 *
 * ```ts
 * const prod = withOverrides(model, { namespace: 'ml-prod', predictor: { gpus: 2, maxReplicas: 8 } });
 * ```
 *
 * @throws when an override gives a plain object where the base has a value made by a class
 * (a `Size`, `Duration`, `ModelStorage`...): that value must be replaced whole
 */
export function withOverrides<T, O extends Overrides<T> = Overrides<T>>(base: T, overrides: O | undefined): T {
  return merge(base, overrides, '') as T;
}

function merge(base: unknown, override: unknown, at: string): unknown {
  if (override === undefined) return base;
  if (!isPlain(override)) return override;
  if (base === undefined) return override;
  if (!isPlain(base)) {
    const kind = typeof base === 'object' && base !== null ? base.constructor.name : typeof base;
    throw new Error(`withOverrides: ${at || '(root)'} is a ${kind} in the base; override it with a whole ${kind}, not a plain object`);
  }
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = merge(base[key], value, at ? `${at}.${key}` : key);
  }
  return out;
}
