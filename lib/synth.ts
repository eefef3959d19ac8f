import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, DependencyGraph, Names, Yaml, YamlOutputType } from 'cdk8s';
import { Severity } from './rules';
import { Finding, formatFinding, Validation, withoutChecks } from './validation';

/** Options of `synthToDirectory` and `main`. */
export interface SynthOptions {
  /**
   * Treat warnings as errors: any unsuppressed warning fails the synth.
   *
   * @default false
   */
  readonly strict?: boolean;
}

/** What a successful synth found that did not stop it. */
export interface SynthResult {
  /** Unsuppressed warnings, printed by `main` on every synth. */
  readonly warnings: Finding[];
  /** Findings switched off with `Validation.suppress`, with their reasons. */
  readonly suppressed: Finding[];
}

/**
 * Every unsuppressed error in the app (and every warning when `strict`), one line each:
 * `<construct path>: error [<rule>] <field> (<value>) <expected>; fix: <fix>`.
 */
export function collectProblems(app: App, options: SynthOptions = {}): string[] {
  return failing(Validation.findings(app), options).map(formatFinding);
}

function failing(findings: Finding[], options: SynthOptions): Finding[] {
  return findings.filter(f => !f.suppressedBecause && (f.rule.severity === Severity.ERROR || options.strict));
}

/** Thrown by `synthToDirectory` when the app has problems; nothing was written. */
export class SynthError extends Error {
  public constructor(
    /** The problems, one line each. */
    public readonly problems: string[],
    /** The same problems as findings. */
    public readonly findings: Finding[] = [],
    /** Unsuppressed warnings that did not fail the synth on their own. */
    public readonly warnings: Finding[] = [],
  ) {
    super(`synth failed with ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was written:\n${problems.map(p => `  ${p}`).join('\n')}`);
    this.name = 'SynthError';
  }
}

/**
 * Synthesizes an app into `outdir`, all or nothing: the app is validated first and written
 * into a staging folder beside `outdir`, which then replaces it. On any problem the previous
 * `outdir` is left as it was (unlike `cdk8s synth`, which deletes it first).
 *
 * @param build creates the app; it receives the `AppProps` (the staging `outdir`) to use
 * @throws SynthError listing every problem
 */
export function synthToDirectory(build: (props: AppProps) => App, outdir: string, options: SynthOptions = {}): SynthResult {
  const target = path.resolve(outdir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}-`));
  // mkdtemp creates 0700; give the output folder the permissions a plain mkdir would.
  fs.chmodSync(staging, 0o777 & ~process.umask());
  try {
    const app = build({ outdir: staging });
    const findings = Validation.findings(app);
    const problems = failing(findings, options);
    const warnings = findings.filter(f => f.rule.severity === Severity.WARNING && !f.suppressedBecause);
    if (problems.length > 0) throw new SynthError(problems.map(formatFinding), problems, options.strict ? [] : warnings);
    writeApp(app);
    const previous = `${staging}.previous`;
    if (fs.existsSync(target)) fs.renameSync(target, previous);
    fs.renameSync(staging, target);
    fs.rmSync(previous, { recursive: true, force: true });
    return {
      warnings,
      suppressed: findings.filter(f => f.suppressedBecause),
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Writes one YAML file per chart, like `App.synth()`, but resolves and validates the app once:
 * `App.synth()` does both again for every chart (`Chart.toJson()`), which makes 1000 charts
 * take minutes. Other output types fall back to `App.synth()`; a test compares both writers.
 */
function writeApp(app: App): void {
  if (app.yamlOutputType !== YamlOutputType.FILE_PER_CHART || (app as unknown as { recordConstructMetadata?: boolean }).recordConstructMetadata || app.charts.length === 0) {
    withoutChecks(() => app.synth());
    return;
  }
  fs.mkdirSync(app.outdir, { recursive: true });
  // One chart goes through cdk8s, which resolves the app's dependencies (chart order depends
  // on them) and runs the other constructs' validations, once.
  withoutChecks(() => app.charts[0].toJson());
  const charts = app.charts;
  // cdk8s prefixes file names with an index when charts depend on each other or nest.
  const indexed = charts.some(c => c.node.dependencies.some(d => d instanceof Chart) || c.node.children.some(x => x instanceof Chart));
  charts.forEach((chart, i) => {
    const objects = new DependencyGraph(chart.node).topology()
      .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart)
      .map(x => x.toJson());
    const name = `${indexed ? `${String(i).padStart(4, '0')}-` : ''}${Names.toDnsLabel(chart)}`;
    Yaml.save(path.join(app.outdir, name + app.outputFileExtension), objects);
  });
}

/**
 * Entry point of an app script: synthesizes into `CDK8S_OUTDIR` (else `dist`) with
 * `synthToDirectory`, prints warnings and problems without a stack trace and sets a failing
 * exit code. Strict mode: the `--strict` argument or `CDK8S_KSERVE_STRICT=1`.
 */
export function main(build: (props: AppProps) => App, options: SynthOptions = {}): void {
  const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
  const strict = options.strict ?? (process.argv.includes('--strict') || process.env.CDK8S_KSERVE_STRICT === '1');
  try {
    printWarnings(synthToDirectory(build, outdir, { strict }).warnings);
  } catch (e) {
    if (e instanceof SynthError) {
      process.stderr.write(`${e.message}\n`);
      printWarnings(e.warnings);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
}

function printWarnings(warnings: Finding[]): void {
  if (warnings.length === 0) return;
  for (const w of warnings) process.stderr.write(`${formatFinding(w)}\n`);
  process.stderr.write(`${warnings.length} warning${warnings.length === 1 ? '' : 's'}: fix, or Validation.suppress(scope, ruleId, reason); --strict fails on warnings\n`);
}
