import { SchemaName, SCHEMAS } from '../../imports/schemas';

/** One place where an object does not match its schema. */
export interface SchemaViolation {
  /** Where, as `spec.predictor.containers[0].name`. */
  readonly field: string;
  /** The value found there. */
  readonly value: unknown;
  /** What the schema expects, phrased to follow the value. */
  readonly expected: string;
}

interface Compact {
  readonly root: any;
  readonly defs: Record<string, any>;
}

const parsed = new Map<SchemaName, Compact>();
const patterns = new Map<string, RegExp>();

function load(name: SchemaName): Compact {
  let schema = parsed.get(name);
  if (!schema) {
    schema = JSON.parse(SCHEMAS[name]) as Compact;
    parsed.set(name, schema);
  }
  return schema;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** The known name closest to a misspelled one, if it is close enough to be a likely typo. @internal */
export function closestName(name: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length * 0.45)) + 1;
  for (const candidate of known) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best) return best;
  // Otherwise a long shared beginning (`tolerance` for `tolerations`).
  const shared = (a: string, b: string) => {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
  };
  const minimum = Math.max(4, Math.ceil(name.length * 0.6));
  const ranked = known.map(k => ({ k, n: shared(name, k) })).filter(x => x.n >= minimum).sort((a, b) => b.n - a.n);
  return ranked.length > 0 && (ranked.length === 1 || ranked[0].n > ranked[1].n) ? ranked[0].k : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function walk(value: unknown, node: any, field: string, schema: Compact, out: SchemaViolation[]): void {
  if (node.$ref) node = schema.defs[node.$ref];
  if (node.anyOf) {
    const branches = (node.anyOf as any[]).map(branch => {
      const found: SchemaViolation[] = [];
      walk(value, branch, field, schema, found);
      return found;
    });
    if (!branches.some(b => b.length === 0)) {
      const types = (node.anyOf as any[]).map(b => b.type).filter(Boolean);
      out.push({ field, value, expected: types.length === branches.length ? `must be of type ${types.join(' or ')}` : 'must match one of the allowed forms' });
      return;
    }
  }
  if (node.type && !hasType(value, node.type)) {
    out.push({ field, value, expected: `must be of type ${node.type}` });
    return;
  }
  if (node.enum && !(node.enum as unknown[]).includes(value)) {
    out.push({ field, value, expected: `must be one of ${(node.enum as unknown[]).map(v => JSON.stringify(v)).join(', ')}` });
  }
  if (typeof value === 'string') {
    if (node.pattern) {
      let re = patterns.get(node.pattern);
      if (!re) {
        re = new RegExp(node.pattern, 'u');
        patterns.set(node.pattern, re);
      }
      if (!re.test(value)) out.push({ field, value, expected: `must match the pattern ${node.pattern}` });
    }
    if (node.minLength !== undefined && value.length < node.minLength) out.push({ field, value, expected: `must be at least ${node.minLength} characters` });
    if (node.maxLength !== undefined && value.length > node.maxLength) out.push({ field, value, expected: `must be at most ${node.maxLength} characters` });
  }
  if (typeof value === 'number') {
    if (node.format === 'int32' && !(Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31)) out.push({ field, value, expected: 'must be a 32-bit integer' });
    if (node.format === 'int64' && !Number.isSafeInteger(value)) out.push({ field, value, expected: 'must be a 64-bit integer' });
    if (node.minimum !== undefined && value < node.minimum) out.push({ field, value, expected: `must be at least ${node.minimum}` });
    if (node.maximum !== undefined && value > node.maximum) out.push({ field, value, expected: `must be at most ${node.maximum}` });
  }
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < node.minItems) out.push({ field, value, expected: `must have at least ${node.minItems} items` });
    if (node.uniqueItems) {
      const seen = new Set(value.map(v => JSON.stringify(v)));
      if (seen.size !== value.length) out.push({ field, value, expected: 'must not repeat items' });
    }
    const keys: string[] | undefined = node['x-kubernetes-list-map-keys'];
    if (keys) {
      const seen = new Set<string>();
      value.forEach((item: any, i) => {
        const key = JSON.stringify(keys.map(k => item?.[k]));
        if (seen.has(key)) out.push({ field: `${field}[${i}]`, value: Object.fromEntries(keys.map(k => [k, item?.[k]])), expected: `must be unique by ${keys.join(', ')} in ${field}` });
        seen.add(key);
      });
    }
    if (node.items) value.forEach((item, i) => walk(item, node.items, `${field}[${i}]`, schema, out));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of node.required ?? []) {
      if (obj[key] === undefined) out.push({ field: `${field}.${key}`, value: undefined, expected: 'is required' });
    }
    const props: Record<string, any> = node.properties ?? {};
    for (const [key, child] of Object.entries(obj)) {
      const path = `${field}.${key}`;
      if (props[key]) {
        walk(child, props[key], path, schema, out);
      } else if (node.additionalProperties === false) {
        const guess = closestName(key, Object.keys(props));
        out.push({ field: path, value: child, expected: `is not a field here${guess ? `; did you mean ${guess}?` : ''}` });
      } else if (typeof node.additionalProperties === 'object') {
        walk(child, node.additionalProperties, path, schema, out);
      }
    }
  }
}

/**
 * Checks an object's `spec` against a CRD's schema, as the API server does with a strict
 * field validation: types, formats, patterns, enums, required and unknown fields, list-map keys.
 * @internal
 */
export function specViolations(spec: unknown, schemaName: SchemaName): SchemaViolation[] {
  const schema = load(schemaName);
  const out: SchemaViolation[] = [];
  walk(spec, schema.root, 'spec', schema, out);
  return out;
}

/** @internal */
export type { SchemaName };
