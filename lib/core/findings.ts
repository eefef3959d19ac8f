import { IConstruct } from 'constructs';
import { KServeVersion } from './kserve-version';
import { ALL_RULES, Rule, RuleContext, RULES, Severity } from './rules';
import { existingTreeState, treeState } from './tree-state';


/** A finding as plain data: what `JSON.stringify(finding)` writes. */
export interface FindingJson {
  readonly path: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly field: string;
  readonly value: unknown;
  readonly expected: string;
  readonly fix?: string;
  readonly suppressedBecause?: string;
  /** The finding as one line (`formatFinding`). */
  readonly message: string;
}

/**
 * One problem found at synth time. Its `construct` is not enumerable, so `JSON.stringify`,
 * `console.log` and structured loggers see plain data (`FindingJson`), not the construct tree.
 */
export interface Finding {
  /** The construct the problem belongs to. */
  readonly construct: IConstruct;
  /** Its path. */
  readonly path: string;
  /** The rule that found it. */
  readonly rule: Rule;
  /** The field, as a prop name or an output path (`spec.predictor.minReplicas`). */
  readonly field: string;
  /** The value received; `undefined` when the field is missing. */
  readonly value: unknown;
  /** What is expected, phrased to follow the field: `must be ...`. */
  readonly expected: string;
  /** How to fix it, when there is one obvious way. */
  readonly fix?: string;
  /** The reason given, when the finding was suppressed with `Validation.suppress`. */
  readonly suppressedBecause?: string;
}

/** A finding with its construct hidden from enumeration and a `toJSON` that writes `FindingJson`. */
function makeFinding(f: Finding): Finding {
  const { construct, ...data } = f;
  const out = { ...data } as Finding;
  Object.defineProperty(out, 'construct', { value: construct, enumerable: false });
  Object.defineProperty(out, 'toJSON', {
    enumerable: false,
    value: (): FindingJson => ({
      path: out.path, rule: out.rule.id, severity: out.rule.severity, field: out.field, value: out.value, expected: out.expected,
      ...(out.fix !== undefined ? { fix: out.fix } : {}),
      ...(out.suppressedBecause !== undefined ? { suppressedBecause: out.suppressedBecause } : {}),
      message: formatFinding(out),
    }),
  });
  return out;
}

/** A value as findings print it: JSON, a string quoted, `not set`, at most 100 characters. @internal */
export function show(value: unknown): string {
  if (value === undefined) return 'not set';
  const text = typeof value === 'string' ? JSON.stringify(value) : jsonOrName(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** A value as JSON, or for what JSON cannot write (a construct, a cycle) its class and construct path. */
function jsonOrName(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    const path = (value as { node?: { path?: unknown } }).node?.path;
    const name = (value as object).constructor?.name ?? typeof value;
    return typeof path === 'string' ? `${name} ${path}` : name;
  }
}

/** A finding as one line: `<path>: <severity> [<rule>] <field> (<value>) <expected>; fix: <fix>`. */
export function formatFinding(f: Finding): string {
  return `${f.path}: ${f.rule.severity} [${f.rule.id}] ${f.field} (${show(f.value)}) ${f.expected}${f.fix ? `; fix: ${f.fix}` : ''}`;
}

/**
 * Collects the findings of one check run, keeping only rules that apply to the context.
 * @internal
 */
export class FindingList {
  public readonly findings: Finding[] = [];

  public constructor(private readonly scope: IConstruct, private readonly ctx: RuleContext) {}

  /** Reports a problem on `field` unless the rule does not apply to this version and mode. */
  public add(rule: Rule, field: string, value: unknown, expected: string, options: { fix?: string; scope?: IConstruct } = {}): void {
    if (!rule.appliesTo(this.ctx)) return;
    const construct = options.scope ?? this.scope;
    this.findings.push(makeFinding({ construct, path: construct.node.path, rule, field, value, expected, fix: options.fix }));
  }

  /** A list for the same construct in another context. */
  public with(ctx: RuleContext): FindingList {
    return new FindingList(this.scope, ctx);
  }
}

type Checker = () => Finding[];

/**
 * One cause, one line: a prop of the wrong type is not reported again by the rule that reads
 * it, and a field that a rule reports (autoScaling before 0.15) is not reported again by the
 * schema check. Findings are the same cause when they name the same construct and field, and
 * a finding that is reported twice alike is kept once.
 */
function onePerCause(findings: Finding[]): Finding[] {
  // A component bound to two InferenceServices reports a problem of its props once.
  const seen = new Set<string>();
  findings = findings.filter(f => {
    const line = `${formatFinding(f)}\u0000${f.suppressedBecause ?? ''}`;
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
  const key = (f: Finding) => `${f.path}\u0000${f.field}`;
  const props = new Set(findings.filter(f => f.rule === RULES.PROPS).map(key));
  const ruled = new Set(findings.filter(f => f.rule !== RULES.SCHEMA).map(key));
  return findings.filter(f => f.rule === RULES.PROPS || (!props.has(key(f)) && (f.rule !== RULES.SCHEMA || !ruled.has(key(f)))));
}

/**
 * Runs a checker so that no input can crash the synth: a value of an unexpected type that a
 * check did not foresee, or a JSON patch that does not apply, becomes a finding of its construct.
 */
function runChecker(scope: IConstruct, checker: Checker): Finding[] {
  try {
    return checker();
  } catch (e) {
    // cdk8s wraps what goes wrong in toJson(): "Failed serializing construct at path '...' with name '...': <cause>".
    const full = e instanceof Error ? e.message.split('\n')[0] : String(e);
    const serializing = /^Failed serializing construct at path '[^']*' with name '[^']*': (.*)$/.exec(full);
    const message = serializing ? serializing[1] : full;
    const patch = serializing !== null || /OPERATION_|JSON ?patch|jsonpatch/i.test(`${message} ${e instanceof Error ? e.name : ''}`);
    const out = new FindingList(scope, { kserveVersion: KServeVersion.DEFAULT });
    out.add(RULES.VALUE_SHAPE, patch ? 'JSON patch' : 'props', message,
      patch ? 'must apply to the object: a patch path that does not exist, or a wrong index' : 'could not be checked: a prop or a JSON patch has a value of a type the construct does not take',
      { fix: patch ? 'patch a path the emitted object has (npm run synth without the patch, and look at dist/)' : 'compare the props with the types of the construct (the TSDoc of each prop), or run tsc over the app' });
    return out.findings;
  }
}

interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
}

/** A construct's own checks, kept on the construct (tree-state.ts). */
const checkersOf = (scope: IConstruct) => treeState<Checker[]>(scope, 'checkers', () => []);
const suppressionsOf = (scope: IConstruct) => existingTreeState<Suppression[]>(scope, 'suppressions') ?? [];

/**
 * Whether a collecting run (`Validation.findings`, or a synth step after it) is going on in the
 * construct's app: then `node.validate()` leaves this library's checks out, which have run already.
 * Kept on the app's root, so another app in the same process is not affected.
 */
const runOf = (scope: IConstruct) => treeState<{ depth: number }>(scope.node.root, 'collecting', () => ({ depth: 0 }));

/**
 * Runs `fn` with this library's checks switched off in `node.validate()` for the app of `scope`:
 * `Validation.findings` runs them itself, and synth steps after it need not run them again.
 * @internal
 */
export function withoutChecks<T>(scope: IConstruct, fn: () => T): T {
  const run = runOf(scope);
  run.depth++;
  try {
    return fn();
  } finally {
    run.depth--;
  }
}

/**
 * Registers checks that run at synth time, after every prop and JSON patch is in place. Their
 * unsuppressed errors also fail a plain `app.synth()`.
 * @internal
 */
export function addChecks(scope: IConstruct, checker: Checker): void {
  const list = checkersOf(scope);
  list.push(checker);
  if (list.length > 1) return;
  scope.node.addValidation({
    validate: () => {
      if (runOf(scope).depth > 0) return [];
      return onePerCause(list.flatMap(c => runChecker(scope, c)))
        .map(applySuppression)
        .filter(f => f.rule.severity === Severity.ERROR && !f.suppressedBecause)
        .map(formatFinding);
    },
  });
}

function applySuppression(f: Finding): Finding {
  if (!f.rule.suppressible) return f;
  for (let c: IConstruct | undefined = f.construct; c; c = c.node.scope) {
    const match = suppressionsOf(c).find(s => s.ruleId === f.rule.id);
    if (match) return makeFinding({ ...f, construct: f.construct, suppressedBecause: match.reason });
  }
  return f;
}

/** Validation of the library's constructs: suppressions and the list of findings. */
export class Validation {
  /**
   * Switches off a warning, or the `image-pinned` policy error, for a construct and everything
   * under it. The reason is kept with the finding (`Validation.findings(...)`) for review.
   * Errors the cluster would reject cannot be suppressed.
   *
   * @param scope the construct (a chart, an InferenceService, a component) to suppress under
   * @param ruleId the rule id, such as `ngc-tag-resolution` (docs/rules.md)
   * @param reason why it is safe here
   */
  public static suppress(scope: IConstruct, ruleId: string, reason: string): void {
    treeState<Suppression[]>(scope, 'suppressions', () => []).push({ ruleId, reason });
    const rule = ALL_RULES.find(r => r.id === ruleId);
    addChecks(scope, () => {
      const out = new FindingList(scope, { kserveVersion: KServeVersion.DEFAULT });
      if (!rule) {
        out.add(RULES.SUPPRESSION, 'ruleId', ruleId, `must be one of the rule ids: ${ALL_RULES.filter(r => r.suppressible).map(r => r.id).join(', ')}`);
      } else if (!rule.suppressible) {
        out.add(RULES.SUPPRESSION, 'ruleId', ruleId, 'is an error the cluster would reject and cannot be suppressed; fix the input instead');
      }
      if (reason.trim() === '') out.add(RULES.SUPPRESSION, 'reason', reason, 'must say why the finding is safe to ignore here');
      return out.findings;
    });
  }

  /**
   * Every finding of the constructs under `scope` (errors and warnings, suppressed ones marked),
   * plus the validation messages of other constructs as errors of rule `construct`.
   */
  public static findings(scope: IConstruct): Finding[] {
    const out: Finding[] = [];
    const all = scope.node.findAll();
    withoutChecks(scope, () => {
      for (const c of all) {
        for (const checker of existingTreeState<Checker[]>(c, 'checkers') ?? []) out.push(...runChecker(c, checker).map(applySuppression));
        let messages: string[];
        try {
          messages = c.node.validate();
        } catch (e) {
          messages = [`its validation failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`];
        }
        for (const message of messages) {
          out.push(makeFinding({ construct: c, path: c.node.path, rule: RULES.CONSTRUCT, field: 'validation', value: c.constructor.name, expected: message }));
        }
      }
    });
    const kept = onePerCause(out);
    // In construct-tree order of the construct each finding belongs to (stable).
    const order = new Map(all.map((c, i) => [c, i]));
    return kept.map((f, i) => ({ f, i })).sort((a, b) => (order.get(a.f.construct) ?? -1) - (order.get(b.f.construct) ?? -1) || a.i - b.i).map(x => x.f);
  }

  private constructor() {}
}
