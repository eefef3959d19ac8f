/**
 * CRD schema conversions shared by the import script (which writes the compact schemas the
 * library checks objects against at synth time) and the tests (which check with ajv).
 */

/**
 * Converts a CRD's openAPIV3Schema node to strict JSON Schema, the way the API server reads a
 * structural schema: an object schema that lists properties allows no others unless it says
 * `x-kubernetes-preserve-unknown-fields`. Descriptions are dropped.
 */
export function strictCrdSchema(node: any): any {
  if (node === null || typeof node !== 'object') return node;
  const out: any = {};
  for (const [key, value] of Object.entries<any>(node)) {
    if (key === 'description') continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries<any>(value).map(([k, v]) => [k, strictCrdSchema(v)]));
    } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = strictCrdSchema(value);
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = value.map(strictCrdSchema);
    } else if (key === 'x-kubernetes-list-map-keys') {
      out[key] = value;
    } else if (!key.startsWith('x-kubernetes-')) {
      out[key] = value;
    }
  }
  if (node['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  if (node.type === 'object' && node.additionalProperties === undefined && !node['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

/** A strict schema with repeated sub-trees moved to `defs` and referenced as `{ $ref: name }`. */
export interface CompactSchema {
  readonly root: any;
  readonly defs: Record<string, any>;
}

/** Keywords the library's checker implements; compacting fails on any other, so none is silently ignored. */
export const CHECKED_KEYWORDS = new Set([
  'type', 'properties', 'additionalProperties', 'items', 'required', 'enum', 'pattern', 'format',
  'anyOf', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'uniqueItems',
  'x-kubernetes-list-map-keys', 'default',
]);

/**
 * Shares every sub-tree that occurs more than once (the Kubernetes PodSpec and Container
 * schemas repeat for every component): 645 KB of strict schema become 64 KB. Names are
 * given in first-seen order, so the output is deterministic.
 */
export function compactSchema(strict: any): CompactSchema {
  const counts = new Map<string, number>();
  const count = (node: any): void => {
    if (node === null || typeof node !== 'object') return;
    if (!Array.isArray(node)) {
      for (const key of Object.keys(node)) {
        if (!CHECKED_KEYWORDS.has(key)) throw new Error(`schema keyword ${key} is not implemented by lib/validation/schema.ts`);
      }
      const text = JSON.stringify(node);
      counts.set(text, (counts.get(text) ?? 0) + 1);
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties') Object.values(value as object).forEach(count);
      else if (key !== 'enum' && key !== 'default' && key !== 'required' && key !== 'x-kubernetes-list-map-keys') count(value);
    }
  };
  count(strict);

  const names = new Map<string, string>();
  const defs: Record<string, any> = {};
  const share = (node: any): any => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
    const text = JSON.stringify(node);
    const copy = (): any => {
      const out: any = {};
      for (const [key, value] of Object.entries(node)) {
        if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, share(v)]));
        else if (key === 'items' || key === 'additionalProperties') out[key] = share(value);
        else if (key === 'anyOf') out.anyOf = (value as any[]).map(share);
        else if (key !== 'default') out[key] = value;
      }
      return out;
    };
    if ((counts.get(text) ?? 0) > 1 && text.length > 200) {
      let name = names.get(text);
      if (!name) {
        name = `d${names.size}`;
        names.set(text, name);
        defs[name] = copy();
      }
      return { $ref: name };
    }
    return copy();
  };
  return { root: share(strict), defs };
}
