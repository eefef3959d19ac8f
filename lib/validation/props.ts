/**
 * Props checked against their TypeScript types at run time. `npm run synth` runs the app
 * through tsx, which does not type-check, so `maxReplica: 3` or `env: 'A=1'` would otherwise be
 * dropped silently or crash a constructor. The schema is generated from the interfaces
 * (`lib/validation/props-schema.ts`, scripts/props-schema.ts).
 */
import { IConstruct } from 'constructs';
import { RULES } from '../core/rules';
import { KServeVersion } from '../core/kserve-version';
import { addChecks, Finding, FindingList, formatFinding } from '../core/findings';
import { PROPS_SCHEMA } from './props-schema';
import { closestName } from './schema';

/** One prop that does not fit its type. */
export interface PropProblem {
  readonly field: string;
  /** The same place as keys and array indexes, for a file to point at it. */
  readonly path: readonly (string | number)[];
  readonly value: unknown;
  readonly expected: string;
  /** Whether the prop is one the construct cannot be built without. */
  readonly fatal: boolean;
}

/** Checks a value against a definition (or a class type) below the current place; `ok` when it fits. */
export type WalkAs = (value: unknown, type: string, at: readonly (string | number)[]) => { value: unknown; ok: boolean };

/** How values of class types (`x-instance-of` in the schema) are checked, and which types skip their required keys. */
export interface WalkContext {
  /**
   * Checks a value where the schema names a class; returns the value to keep, or pushes a
   * problem (with `problem`) and returns undefined. Default: an instance of the class, as it is.
   */
  readonly instance?: (name: string, value: unknown, problem: (expected: string) => void, walkAs: WalkAs) => unknown;
  /** How a class type is named in messages (default: `a Cpu`). */
  readonly describeClass?: (name: string) => string;
  /** Definitions under which no key is required (values merged before the construct checks them whole). */
  readonly partialUnder?: ReadonlySet<string>;
}

const DEFINITIONS: Record<string, any> = PROPS_SCHEMA.definitions;

/** Thrown when a construct cannot be built from its props; `synthToDirectory` reports its lines. */
export class PropsError extends Error {
  public constructor(
    public readonly lines: string[],
    /** The same problems as findings. */
    public readonly findings: Finding[] = [],
  ) {
    super(lines.join('\n'));
    this.name = 'PropsError';
  }
}

function definitionOf(ref: string): [string, any] {
  const name = decodeURIComponent(ref.replace('#/definitions/', ''));
  return [name, DEFINITIONS[name]];
}

/** Whether a value was made by the named class (or a subclass), by constructor name. */
function isInstanceOf(value: unknown, name: string): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (name === 'IConstruct') return 'node' in (value as object);
  for (let proto = Object.getPrototypeOf(value); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === name) return true;
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** What to write instead, when a number or boolean stands where a string belongs. */
function typeHint(node: any, value: unknown): string {
  const takesString = (n: any): boolean => n.type === 'string' || (n.anyOf ?? []).some(takesString);
  return (typeof value === 'number' || typeof value === 'boolean') && takesString(node) ? `: write ${JSON.stringify(String(value))}` : '';
}

/** A short description of what a schema node takes, for messages. */
function describe(node: any, ctx: WalkContext = {}): string {
  if (node.$ref) {
    const [name, def] = definitionOf(node.$ref);
    if (def?.['x-instance-of']) return ctx.describeClass?.(name) ?? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
    if (def?.enum) return `one of ${def.enum.map((v: unknown) => JSON.stringify(v)).join(', ')} (${name})`;
    return `a ${name} object`;
  }
  if (node.anyOf) return node.anyOf.map((n: any) => describe(n, ctx)).join(' or ');
  if (node.enum) return `one of ${node.enum.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
  if (node.type === 'array') return 'an array';
  if (node.type === 'object') return typeof node.additionalProperties === 'object' ? `an object whose values are each ${describe(node.additionalProperties, ctx)}` : 'an object';
  if (Array.isArray(node.type)) return node.type.join(' or ');
  return `a ${node.type}`;
}

/** A path as the props check writes it: `predictor.env.A`, `signature.inputs[0].name`. */
function fieldOf(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) out = typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part;
  return out;
}

/** One walk: where its problems go and how class types are checked. */
interface Walk {
  readonly out: PropProblem[];
  readonly ctx: WalkContext;
}

/**
 * Checks `value` against a schema node and returns it cleaned: values of the wrong type and
 * unknown keys are left out, so the construct renders its defaults there (the problems fail the
 * synth). Class instances are kept as they are.
 */
function walk(value: unknown, node: any, at: readonly (string | number)[], w: Walk, required: boolean, depth = 0, partial = false): unknown {
  if (value === undefined) return undefined;
  const field = fieldOf(at);
  // A top-level required prop the construct cannot do without is fatal; a required field deeper
  // down keeps its value, for the construct's own checks to report with their finer words.
  const bad = (expected: string): unknown => {
    w.out.push({ field, path: at, value, expected: expected + typeHint(node, value), fatal: required && depth === 0 });
    return required && depth > 0 ? value : undefined;
  };
  if (node.$ref) {
    const [name, def] = definitionOf(node.$ref);
    if (!def) return value;
    if (def['x-instance-of']) {
      if (!w.ctx.instance) return isInstanceOf(value, def['x-instance-of']) ? value : bad(`must be ${describe(node, w.ctx)}${factoryHint(name)}`);
      let reported = false;
      const kept = w.ctx.instance(name, value, expected => {
        reported = true;
        bad(expected);
      }, (v, type, sub) => {
        const before = w.out.length;
        // Factory arguments are whole values, never merged: their required keys count.
        const checked = walk(v, { $ref: `#/definitions/${type}` }, [...at, ...sub], w, false, depth + 1, false);
        return { value: checked, ok: w.out.length === before };
      });
      return reported ? undefined : kept;
    }
    return walk(value, def, at, w, required, depth, partial || (w.ctx.partialUnder?.has(name) ?? false));
  }
  if (node.anyOf) {
    for (const branch of node.anyOf) {
      const found: PropProblem[] = [];
      const cleaned = walk(value, branch, at, { ...w, out: found }, required, depth, partial);
      if (found.length === 0) return cleaned;
    }
    return bad(`must be ${describe(node, w.ctx)}`);
  }
  if (node.enum) return node.enum.includes(value) ? value : bad(`must be ${describe(node, w.ctx)}`);
  if (node.const !== undefined) return value === node.const ? value : bad(`must be ${JSON.stringify(node.const)}`);
  const types: string[] = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (types.length > 0 && !types.includes(actual) && !(actual === 'number' && types.includes('integer'))) {
    return bad(`must be ${describe(node, w.ctx)}`);
  }
  if (actual === 'array') {
    const items = (value as unknown[]).map((item, i) => (node.items ? walk(item, node.items, [...at, i], w, false, depth + 1, partial) : item));
    return items.filter(x => x !== undefined);
  }
  if (actual === 'object') {
    // An interface a class implements (ILoggerSink, given a MessageDumper): the instance as it is,
    // when it has the required members.
    if (!isPlainObject(value)) {
      for (const key of node.required ?? []) if ((value as any)[key] === undefined) return bad(`must have ${key}`);
      return value;
    }
    const obj = value as Record<string, unknown>;
    const props: Record<string, any> = node.properties ?? {};
    const cleaned: Record<string, unknown> = {};
    const requiredKeys: string[] = partial ? [] : node.required ?? [];
    for (const key of requiredKeys) {
      if (obj[key] === undefined) w.out.push({ field: fieldOf([...at, key]), path: [...at, key], value: undefined, expected: 'is required', fatal: depth === 0 });
    }
    for (const [key, child] of Object.entries(obj)) {
      const sub = [...at, key];
      if (props[key]) {
        const v = walk(child, props[key], sub, w, requiredKeys.includes(key), field ? depth + 1 : depth, partial);
        if (v !== undefined) cleaned[key] = v;
      } else if (typeof node.additionalProperties === 'object') {
        const v = walk(child, node.additionalProperties, sub, w, false, depth + 1, partial);
        if (v !== undefined) cleaned[key] = v;
      } else if (node.additionalProperties === false && child !== undefined) {
        const guess = closestName(key, Object.keys(props));
        w.out.push({ field: fieldOf(sub), path: sub, value: child, expected: `is not a prop here${guess ? `; did you mean ${guess}?` : ` (props: ${Object.keys(props).join(', ')})`}`, fatal: false });
      } else {
        cleaned[key] = child;
      }
    }
    return cleaned;
  }
  return value;
}

/**
 * Checks a value against the schema of a props type (any definition of the generated schema) and
 * returns it cleaned of what does not fit, with the problems. For values that are not written in
 * TypeScript (a fleet file): `ctx.instance` turns what the file gives into the class values.
 * @internal
 */
export function checkValue(type: string, value: unknown, ctx: WalkContext = {}): { value: unknown; problems: PropProblem[] } {
  const out: PropProblem[] = [];
  const def = DEFINITIONS[type];
  if (!def) throw new Error(`checkValue: no schema of ${type}`);
  const cleaned = walk(value, def, [], { out, ctx }, true, 0, ctx.partialUnder?.has(type) ?? false);
  return { value: cleaned, problems: out };
}

/** How a value of a class type is made, for messages. */
function factoryHint(name: string): string {
  const hints: Record<string, string> = {
    KServeVersion: ' such as KServeVersion.V0_20 or KServeVersion.of(\'0.20\')',
    KnativeVersion: ' such as KnativeVersion.V1_21 or KnativeVersion.of(\'1.21\')',
    Duration: ' such as Duration.seconds(60) (from cdk8s)',
    Size: ' such as Size.gibibytes(2) (from cdk8s)',
    Cpu: ' such as Cpu.cores(2) or Cpu.millis(500)',
    ModelStorage: ' such as ModelStorage.fromUri(\'pvc://models/triton\')',
    AzureCredentials: ' such as AzureCredentials.existingSecret(\'name\')',
    ContainerSecurity: ' such as ContainerSecurity.restricted()',
    EnvValue: ' such as EnvValue.fromSecretKey(\'secret\', \'key\'), or a string',
    RolloutStage: ' such as RolloutStage.canary(10)',
    StandardAutoscaler: ' such as StandardAutoscaler.hpa()',
    DeploymentStrategy: ' such as DeploymentStrategy.recreate()',
    IngressGateway: ' such as IngressGateway.ISTIO',
  };
  return hints[name] ?? '';
}

/**
 * Checks the props of a construct against their interface: unknown props (with a "did you
 * mean"), values of the wrong type, missing required props. Problems are findings of rule
 * `props` on the construct; when a required prop is missing or unusable, the construct cannot
 * be built and a `PropsError` is thrown with the lines. Returns the props cleaned of what does
 * not fit, for the construct to render.
 * @internal
 */
export function checkedProps<T>(scope: IConstruct, type: string, props: T): T {
  let problems: PropProblem[] = [];
  const def = DEFINITIONS[type];
  if (!def) return props;
  // No props at all: the defaults, when the construct has no required prop.
  let cleaned: unknown = props ?? (def.required?.length ? props : {});
  if (props !== undefined && props !== null && !isPlainObject(props)) {
    problems.push({ field: 'props', path: [], value: props, expected: `must be an object of ${type}`, fatal: true });
  } else if (props !== undefined && props !== null) {
    ({ value: cleaned, problems } = checkValue(type, props));
  }
  if (problems.length === 0) return cleaned as T;
  const out = new FindingList(scope, { kserveVersion: KServeVersion.DEFAULT });
  for (const p of problems) out.add(RULES.PROPS, p.field, p.value, p.expected);
  const findings = out.findings;
  if (problems.some(p => p.fatal)) {
    throw new PropsError(findings.map(formatFinding), findings);
  }
  addChecks(scope, () => findings);
  return cleaned as T;
}
