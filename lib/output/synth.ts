import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import { ApiObject, App, AppProps, Chart, DependencyGraph, Names, Yaml, YamlOutputType } from 'cdk8s';
import { AzureBlobCreds } from '../azure/credentials';
import { endpointsDocument, exampleInputsOf, inferenceServicesOf, PlacedInferenceService } from './endpoints';
import { MessageDumper } from '../constructs/message-dumper';
import { jmeterPlan } from './jmeter';
import { LOAD_TARGETS_FILE } from '../contract/load-targets';
import { loadTargetsDocument } from './load-targets';
import { loadTestJobFiles } from './load-test-job';
import { IConstruct } from 'constructs';
import { KServeVersion } from '../core/kserve-version';
import { RULES, Severity } from '../core/rules';
import { checkInferenceRequest, formatRequest } from '../contract/signature';
import { Finding, FindingList, formatFinding, Validation, withoutChecks } from '../core/findings';
import { looksSynthesized, manifestText, OUTPUT_MANIFEST, readManifest } from '../contract/output-folder';
import { PropsError } from '../validation/props';

/** Options of `synthToDirectory`, `synthEnvironments` and `main`. */
export interface SynthOptions {
  /**
   * Treat warnings as errors: any unsuppressed warning fails the synth.
   *
   * @default false
   */
  readonly strict?: boolean;

  /**
   * Write a `kustomization.yaml` listing the YAML files of each output folder, so that
   * `kubectl apply -k`, Argo CD and Flux read exactly those files (and nothing else there).
   *
   * @default true
   */
  readonly kustomization?: boolean;

  /**
   * Write `ENDPOINTS.md` (hosts, commands, diagram) and `example_inputs/` (v2 requests from
   * the model signatures) into each output folder that has InferenceServices.
   *
   * @default true
   */
  readonly endpoints?: boolean;

  /**
   * Print unsuppressed warnings to stderr, one line each (`main` prints them itself, with a
   * summary line).
   *
   * @default true, unless the environment sets CDK8S_KSERVE_QUIET=1 (the test suite does)
   */
  readonly printWarnings?: boolean;

  /**
   * Write cdk8s's `construct-metadata.json` beside the manifests (the construct path of every
   * object, which cdk8s plugins' validation reads). It is passed to each app builder as the App
   * prop of the same name; synth then writes through `App.synth()`.
   *
   * @default - true when the environment sets CDK8S_RECORD_CONSTRUCT_METADATA=true (as the cdk8s CLI does for validation plugins)
   */
  readonly recordConstructMetadata?: boolean;
}

/** What a successful synth found that did not stop it. */
export interface SynthResult {
  /** Unsuppressed warnings, printed by `main` on every synth. */
  readonly warnings: Finding[];
  /** The same warnings, one line each (prefixed with the folder by `synthEnvironments`). */
  readonly warningLines: string[];
  /** Findings switched off with `Validation.suppress`, with their reasons. */
  readonly suppressed: Finding[];
  /** Files the output folder had that synth did not write, kept as they were (relative paths). */
  readonly keptFiles: string[];
}

/**
 * Every unsuppressed error in the app (and every warning when `strict`), one line each:
 * `<construct path>: error [<rule>] <field> (<value>) <expected>; fix: <fix>`.
 */
export function collectProblems(app: App, options: SynthOptions = {}): string[] {
  return failing(Validation.findings(app), options).map(formatFinding);
}

function failing(findings: Finding[], options: SynthOptions): Finding[] {
  return findings.filter(f => !f.suppressedBecause && (f.rule.severity === Severity.ERROR || (options.strict && f.rule.failsStrict)));
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
    /** The same warnings, one line each. */
    public readonly warningLines: string[] = warnings.map(formatFinding),
  ) {
    super(`synth failed with ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was written:\n${problems.map(p => `  ${p}`).join('\n')}`);
    this.name = 'SynthError';
  }

  /** What `console.log(error)` and `util.inspect` show: the message, not the construct tree. */
  public [inspect.custom](): string {
    return `${this.name}: ${this.message}`;
  }

  /** Plain data for JSON logs: the problem and warning lines and the findings as `FindingJson`. */
  public toJSON(): { name: string; problems: string[]; warnings: string[]; findings: Finding[] } {
    return { name: this.name, problems: this.problems, warnings: this.warningLines, findings: this.findings };
  }
}

/**
 * Lines of several folders, each line once: a finding that every environment has (one
 * uppercase model name) is printed once with its folders, `dev, prod: <line>`.
 */
function byFolders(items: { folder: string; line: string }[]): string[] {
  const folders = new Map<string, string[]>();
  for (const { folder, line } of items) {
    const list = folders.get(line) ?? [];
    if (!list.includes(folder)) list.push(folder);
    folders.set(line, list);
  }
  return [...folders].map(([line, list]) => (list.some(f => f !== '') ? `${list.join(', ')}: ${line}` : line));
}

/** Builds an app; it receives the `AppProps` (the staging `outdir`) to use. */
export type AppBuilder = (props: AppProps) => App;

/**
 * Synthesizes an app into `outdir`, all or nothing: the app is validated first and written
 * into a staging folder beside `outdir`, which then replaces it. On any problem the previous
 * `outdir` is left as it was (unlike `cdk8s synth`, which deletes it first). Files in `outdir`
 * that synth did not write (listed in its `.cdk8s-kserve-files`) are kept, and synth fails
 * rather than overwrite one. Besides the YAML,
 * it writes `kustomization.yaml`, `ENDPOINTS.md` and `example_inputs/` (see `SynthOptions`).
 *
 * @param build creates the app; it receives the `AppProps` (the staging `outdir`) to use
 * @throws SynthError listing every problem
 */
export function synthToDirectory(build: AppBuilder, outdir: string, options: SynthOptions = {}): SynthResult {
  return synthFolders([['', build]], outdir, options);
}

/**
 * Synthesizes several apps, one per folder of `outdir` (`dist/dev/`, `dist/prod/`, and for
 * example `dist/argocd/` for the GitOps objects that deploy them), all or nothing: every app is
 * validated first, problems of all of them are reported together (each line starting with its
 * folder), and `outdir` is replaced only when all succeed. Files synth wrote before into folders no
 * longer in `apps` are removed; files it did not write are kept.
 *
 * @param apps folder name (lowercase letters, digits, `-`) to the builder of its app
 * @throws SynthError listing every problem
 */
export function synthEnvironments(apps: Record<string, AppBuilder>, outdir: string, options: SynthOptions = {}): SynthResult {
  const names = Object.keys(apps);
  const bad = names.filter(n => !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(n));
  if (names.length === 0 || bad.length > 0) {
    throw new Error(`synthEnvironments: folder names (${bad.map(n => JSON.stringify(n)).join(', ') || 'none given'}) must be lowercase letters, digits and '-', at least one`);
  }
  return synthFolders(names.map(n => [n, apps[n]]), outdir, options);
}

function synthFolders(folders: [string, AppBuilder][], outdir: string, options: SynthOptions): SynthResult {
  const recordConstructMetadata = options.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
  const target = path.resolve(outdir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}-`));
  // mkdtemp creates 0700; give the output folder the permissions a plain mkdir would.
  fs.chmodSync(staging, 0o777 & ~process.umask());
  try {
    // An exception while building an app (KServeVersion.of('0.21'), a bad override) is a
    // problem of its folder like any other: reported with the rest, in one line.
    const buildErrors: { folder: string; line: string }[] = [];
    const built = folders.flatMap(([folder, build]) => {
      let app: App;
      try {
        app = build({ outdir: path.join(staging, folder), recordConstructMetadata });
      } catch (e) {
        if (e instanceof SynthError) throw e;
        if (e instanceof PropsError) buildErrors.push(...e.lines.map(line => ({ folder, line })));
        else buildErrors.push({ folder, line: `error [construct] building the app failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` });
        return [];
      }
      const findings = Validation.findings(app);
      const identities = planIdentities(app, recordConstructMetadata);
      return [{ folder, app, identities, findings: [...findings, ...identities.findings] }];
    });
    const problems = built.flatMap(b => failing(b.findings, options).map(f => ({ f, folder: b.folder, line: formatFinding(f) })));
    // Warnings that do not fail the synth (in strict mode, only those exempt from it).
    const printed = (f: Finding) => f.rule.severity === Severity.WARNING && !f.suppressedBecause && !(options.strict && f.rule.failsStrict);
    const warned = built.flatMap(b => b.findings.filter(printed).map(f => ({ f, folder: b.folder, line: formatFinding(f) })));
    const warnings = warned.map(w => w.f);
    const warningLines = byFolders(warned);
    if (problems.length > 0 || buildErrors.length > 0) {
      throw new SynthError([...byFolders(buildErrors), ...byFolders(problems)], problems.map(p => p.f), warnings, warningLines);
    }
    if (options.printWarnings ?? process.env.CDK8S_KSERVE_QUIET !== '1') printWarnings(warningLines);
    for (const b of built) {
      const files = writeApp(b.app, b.identities, recordConstructMetadata);
      writeExtras(b.app, files, b.identities, options, staging);
    }
    // Files the folder has that synth did not write (load test results, notes) are kept: copied
    // into the new folder, unless synth now writes a file of the same name.
    const written = listFiles(staging);
    const kept = foreignFiles(target, built[0]?.app.outputFileExtension);
    const clashes = kept.filter(f => written.includes(f));
    if (clashes.length > 0) {
      throw new SynthError(clashes.map(f => `${path.join(outdir, f)}: error [output] file was not written by cdk8s-kserve, and synth would overwrite it; fix: move it out of ${outdir}`), [], warnings, warningLines);
    }
    fs.writeFileSync(path.join(staging, OUTPUT_MANIFEST), manifestText(written));
    for (const f of kept) {
      fs.mkdirSync(path.dirname(path.join(staging, f)), { recursive: true });
      fs.cpSync(path.join(target, f), path.join(staging, f), { preserveTimestamps: true });
    }
    const previous = `${staging}.previous`;
    if (fs.existsSync(target)) fs.renameSync(target, previous);
    fs.renameSync(staging, target);
    fs.rmSync(previous, { recursive: true, force: true });
    return {
      warnings,
      warningLines,
      suppressed: built.flatMap(b => b.findings.filter(f => f.suppressedBecause)),
      keptFiles: kept,
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** An object written once for several constructs that define it alike. */
interface SharedObject {
  /** `serving.knative.dev/v1 Service default/message-dumper`. */
  readonly identity: string;
  /** The object that is written. */
  readonly written: ApiObject;
  /** The objects left out because they are the same. */
  readonly alike: ApiObject[];
}

/** How the objects of an app are written: each one's JSON, which to leave out, and what clashes. */
interface IdentityPlan {
  readonly json: Map<ApiObject, any>;
  /** Objects that are the same as one written before them (same identity, same content). */
  readonly skip: Set<ApiObject>;
  readonly shared: SharedObject[];
  /** Objects of one identity with different content (rule object-identity). */
  readonly findings: Finding[];
}

/** `serving.knative.dev/v1 Service ml/message-dumper`: what kustomize tells objects apart by. */
function identityOf(value: any): string {
  return `${value?.apiVersion} ${value?.kind} ${value?.metadata?.namespace ? `${value.metadata.namespace}/` : ''}${value?.metadata?.name}`;
}

/** Keys sorted at every level, so that two objects built alike compare equal as text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map(k => [k, v[k]])) : v));
}

/** The first place where two JSON values differ, as `spec.template.spec.containers[0].image`. */
function firstDifference(a: any, b: any, at: string): string {
  if (a === b || canonical(a) === canonical(b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const where = Array.isArray(a) ? `${at}[${k}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${at}${at ? '.' : ''}${k}` : `${at}[${JSON.stringify(k)}]`;
      const d = firstDifference(a[k], b[k], where);
      if (d) return d;
    }
  }
  return at || '(the whole object)';
}

/** The construct a user knows an object by: the construct whose primary child it is. */
function ownerOf(obj: ApiObject): IConstruct {
  return obj.node.id === 'Resource' && obj.node.scope ? obj.node.scope : obj;
}

/**
 * Finds the objects of one identity (apiVersion, kind, namespace, name) in an app, which one
 * output folder cannot hold twice: `kubectl kustomize` refuses them ("may not add resource with
 * an already registered id"). Alike ones (the message dumper of every chart in a namespace, a
 * ServiceAccount two charts name) are written once, in the first chart that has them; different
 * ones are errors naming both construct paths. cdk8s's own writer (used for other output
 * types) cannot leave objects out, so there any second object is an error.
 */
function planIdentities(app: App, recordConstructMetadata: boolean): IdentityPlan {
  const json = new Map<ApiObject, any>();
  const skip = new Set<ApiObject>();
  const shared = new Map<string, SharedObject>();
  const first = new Map<string, ApiObject>();
  const findings: Finding[] = [];
  const ownWriter = app.yamlOutputType === YamlOutputType.FILE_PER_CHART && !recordConstructMetadata;
  const objects = app.charts.flatMap(c => c.node.findAll().filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === c));
  for (const obj of objects) {
    let value: any;
    try {
      value = obj.toJson();
    } catch {
      continue; // reported by the construct's own validation
    }
    json.set(obj, value);
    const identity = identityOf(value);
    const earlier = first.get(identity);
    if (!earlier) {
      first.set(identity, obj);
      continue;
    }
    // Compared only on a clash: canonical text costs more than the rest of the plan.
    const out = new FindingList(ownerOf(obj), { kserveVersion: KServeVersion.DEFAULT });
    const other = ownerOf(earlier).node.path;
    if (canonical(json.get(earlier)) !== canonical(value)) {
      out.add(RULES.OBJECT_IDENTITY, 'object', identity,
        `is also written by ${other}, with other content (they differ at ${firstDifference(json.get(earlier), value, '')}): one output folder holds one object of an identity`,
        { fix: 'give one of them another name, or the same settings so that it is written once' });
    } else if (!ownWriter) {
      out.add(RULES.OBJECT_IDENTITY, 'object', identity, `is also written by ${other}: cdk8s writes both for this output type`,
        { fix: 'use YamlOutputType.FILE_PER_CHART (the default), which writes objects that charts share once' });
    } else {
      skip.add(obj);
      const entry = shared.get(identity) ?? { identity, written: earlier, alike: [] };
      entry.alike.push(obj);
      shared.set(identity, entry);
    }
    findings.push(...out.findings);
  }
  return { json, skip, shared: [...shared.values()], findings };
}

/**
 * Writes one YAML file per chart, like `App.synth()`, but resolves and validates the app once:
 * `App.synth()` does both again for every chart (`Chart.toJson()`), which makes 1000 charts
 * take minutes. Other output types fall back to `App.synth()`; a test compares both writers.
 *
 * @returns the file of each chart, relative to the app's outdir
 */
function writeApp(app: App, plan: IdentityPlan, recordConstructMetadata: boolean): Map<Chart, string> {
  // cdk8s prefixes file names with an index when charts depend on each other or nest.
  const fileNames = (charts: Chart[]) => {
    const indexed = charts.some(c => c.node.dependencies.some(d => d instanceof Chart) || c.node.children.some(x => x instanceof Chart));
    return (chart: Chart, i: number) => `${indexed ? `${String(i).padStart(4, '0')}-` : ''}${Names.toDnsLabel(chart)}`;
  };
  if (app.yamlOutputType !== YamlOutputType.FILE_PER_CHART || recordConstructMetadata || app.charts.length === 0) {
    withoutChecks(app, () => app.synth());
    const charts = app.charts;
    const fileOf = fileNames(charts);
    // FOLDER_PER_CHART_* types write a folder per chart.
    const folders = app.yamlOutputType !== YamlOutputType.FILE_PER_CHART && app.yamlOutputType !== YamlOutputType.FILE_PER_APP;
    return new Map(charts.map((c, i) => [c, folders ? `${fileOf(c, i)}/` : `${fileOf(c, i)}${app.outputFileExtension}`]));
  }
  fs.mkdirSync(app.outdir, { recursive: true });
  // One chart goes through cdk8s, which resolves the app's dependencies (chart order depends
  // on them) and runs the other constructs' validations, once.
  withoutChecks(app, () => app.charts[0].toJson());
  const charts = app.charts;
  const fileOf = fileNames(charts);
  const files = new Map<Chart, string>();
  charts.forEach((chart, i) => {
    const objects = new DependencyGraph(chart.node).topology()
      .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart && !plan.skip.has(x))
      .map(x => plan.json.get(x) ?? x.toJson());
    const name = fileOf(chart, i) + app.outputFileExtension;
    Yaml.save(path.join(app.outdir, name), objects);
    files.set(chart, name);
  });
  return files;
}

/**
 * The files in an output folder that synth did not write: not in its manifest, or, in a folder
 * from before manifests, not named like synth output.
 */
function foreignFiles(dir: string, yamlExtension = '.k8s.yaml'): string[] {
  const have = listFiles(dir).filter(f => f !== OUTPUT_MANIFEST);
  const manifest = readManifest(dir);
  return have.filter(f => (manifest ? !manifest.has(f) : !looksSynthesized(f, yamlExtension)));
}

/** Every file under dir, relative, sorted. */
function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter(f => fs.statSync(path.join(dir, f)).isFile())
    .map(f => f.split(path.sep).join('/'))
    .sort();
}

/** kustomization.yaml, ENDPOINTS.md, example_inputs/, JMeter plans and loadtest/targets.json of an app's outdir. */
function writeExtras(app: App, files: Map<Chart, string>, plan: IdentityPlan, options: SynthOptions, root: string): void {
  const outdir = app.outdir;
  fs.mkdirSync(outdir, { recursive: true });
  const yamls = listFiles(outdir).filter(f => f.endsWith('.yaml') || f.endsWith('.yml'));
  if (options.kustomization ?? true) {
    if (yamls.includes('kustomization.yaml')) {
      throw new Error(`a chart is named "kustomization": its file would be overwritten by the generated kustomization.yaml in ${outdir}`);
    }
    const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: yamls };
    fs.writeFileSync(path.join(outdir, 'kustomization.yaml'),
      `# Generated by cdk8s-kserve: the files of this folder, for kubectl apply -k, Argo CD and Flux.\n${Yaml.stringify(kustomization)}`);
  }
  if (!(options.endpoints ?? true)) return;
  const isvcs = inferenceServicesOf(app);
  if (isvcs.length === 0) return;
  const count = new Map<string, number>();
  for (const i of isvcs) count.set(i.name, (count.get(i.name) ?? 0) + 1);
  const placed: PlacedInferenceService[] = isvcs.map(isvc => ({
    isvc,
    file: files.get(Chart.of(isvc)) ?? Chart.of(isvc).node.id,
    // Two InferenceServices of one name (in different namespaces) get namespaced files.
    examples: exampleInputsOf(isvc, (count.get(isvc.name) ?? 0) > 1 ? `${isvc.namespace}.` : ''),
  }));
  for (const p of placed) {
    for (const example of [p.examples.entry, p.examples.predictor]) {
      if (!example) continue;
      const problems = checkInferenceRequest(example.request, example.signature);
      if (problems.length > 0) throw new Error(`example request ${example.file} breaks the v2 rules: ${problems.map(x => `${x.field} ${x.expected}`).join('; ')}`);
      fs.mkdirSync(path.join(outdir, 'example_inputs'), { recursive: true });
      fs.writeFileSync(path.join(outdir, 'example_inputs', example.file), formatRequest(example.request));
    }
  }
  const fileOf = (c: IConstruct) => files.get(Chart.of(c)) ?? Chart.of(c).node.id;
  // Objects one chart writes and InferenceServices in other files use (a shared dumper or
  // ServiceAccount), and objects written once for several charts that define them alike.
  const users = new Map<ApiObject, Set<string>>();
  for (const p of placed) {
    const w = p.isvc._wiring;
    const used = [w.transformerLogger, w.predictor.logger, w.stable?.logger, w.canary?.logger, w.predictor.credentials, w.stable?.credentials, w.canary?.credentials];
    for (const c of used) {
      if (!(c instanceof MessageDumper || c instanceof AzureBlobCreds)) continue;
      for (const obj of c.node.findAll().filter((x): x is ApiObject => x instanceof ApiObject)) {
        if (fileOf(obj) === p.file) continue;
        // Added in place: a namespace's dumper is used by every chart of a fleet.
        const set = users.get(obj) ?? new Set<string>();
        set.add(p.file);
        users.set(obj, set);
      }
    }
  }
  for (const x of plan.shared) {
    const set = users.get(x.written) ?? new Set<string>();
    for (const c of x.alike) set.add(fileOf(c));
    users.set(x.written, set);
  }
  const shared = [...users].map(([obj, others]) => ({ identity: identityOf(plan.json.get(obj) ?? obj.toJson()), file: fileOf(obj), alsoDefinedIn: [...others] }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.identity.localeCompare(b.identity));
  // Where `cdk8s-kserve loadtest` run from this folder puts its results (see defaultResultsDir).
  const resultsDir = path.relative(outdir, path.join(path.dirname(root), 'loadtest-results', path.relative(root, outdir))).split(path.sep).join('/');
  fs.writeFileSync(path.join(outdir, 'ENDPOINTS.md'), endpointsDocument(placed, shared, resultsDir));
  // A JMeter plan beside each chart file whose InferenceServices have example requests.
  const byFile = new Map<string, PlacedInferenceService[]>();
  for (const p of placed.filter(x => x.examples.entry)) {
    const list = byFile.get(p.file) ?? [];
    list.push(p);
    byFile.set(p.file, list);
  }
  for (const [file, list] of byFile) {
    const plan = file.replace(/(\.k8s)?\.ya?ml$/, '') + '.jmx';
    fs.writeFileSync(path.join(outdir, plan), jmeterPlan(`${list.map(p => p.isvc.name).join(', ')} (${file})`, list));
  }
  // What `cdk8s-kserve loadtest --from <folder>` calls, in a subfolder kubectl apply -f does not read.
  fs.mkdirSync(path.join(outdir, path.dirname(LOAD_TARGETS_FILE)), { recursive: true });
  fs.writeFileSync(path.join(outdir, LOAD_TARGETS_FILE), loadTargetsDocument(placed));
  // The in-cluster load test, when the app enabled it (LoadTestJob.enable), beside the targets.
  for (const [file, text] of loadTestJobFiles(app, placed)) fs.writeFileSync(path.join(outdir, file), text);
}

/** How an output folder differs from what the app writes now. */
export interface StaleReport {
  /** Files the app writes that are missing from the folder. */
  readonly missing: string[];
  /** Files in the folder the app no longer writes. */
  readonly extra: string[];
  /** Files whose content differs. */
  readonly changed: string[];
}

/**
 * Synthesizes into a temporary folder and compares it byte for byte with `outdir`, for CI
 * (`npm run check:dist`): a stale `dist/` would deploy something other than the code says.
 *
 * @returns the differences; all lists are empty when `outdir` is up to date
 * @throws SynthError when the app has problems
 */
export function checkDirectory(apps: AppBuilder | Record<string, AppBuilder>, outdir: string, options: SynthOptions = {}): StaleReport {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-check-'));
  try {
    const fresh = path.join(tmp, 'out');
    if (typeof apps === 'function') synthToDirectory(apps, fresh, options);
    else synthEnvironments(apps, fresh, options);
    const want = listFiles(fresh);
    // Files synth did not write (load test results, notes) are neither compared nor reported.
    const foreign = new Set(foreignFiles(outdir));
    const have = listFiles(outdir).filter(f => !foreign.has(f));
    return {
      missing: want.filter(f => !have.includes(f)),
      extra: have.filter(f => !want.includes(f)),
      changed: want.filter(f => have.includes(f) && !fs.readFileSync(path.join(fresh, f)).equals(fs.readFileSync(path.join(outdir, f)))),
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** What `main` takes besides the synth options; each defaults to the command line and environment. */
export interface MainOptions extends SynthOptions {
  /** Where to write. @default - `CDK8S_OUTDIR`, else `dist` */
  readonly outdir?: string;
  /** Write nothing; fail when the folder differs from what the apps write now. @default - `--check` is an argument */
  readonly check?: boolean;
  /**
   * Each problem and warning line as printed: a fleet file puts its place in front
   * (`Fleet.describeLine`). @default - the line as it is
   */
  readonly describeLine?: (line: string) => string;
  /** The command a stale `--check` says to run. @default 'npm run synth' */
  readonly synthCommand?: string;
}

/**
 * Entry point of an app script. Synthesizes into `CDK8S_OUTDIR` (else `dist`): one app with
 * `synthToDirectory`, or one app per folder with `synthEnvironments`. Prints warnings and
 * problems without a stack trace and sets a failing exit code.
 *
 * Arguments: `--strict` (or `CDK8S_KSERVE_STRICT=1`) fails on warnings; `--check` writes
 * nothing and fails when the output folder differs from what the app writes now.
 */
export function main(apps: AppBuilder | Record<string, AppBuilder>, options: MainOptions = {}): void {
  const { outdir = process.env.CDK8S_OUTDIR ?? 'dist', check = process.argv.includes('--check'), describeLine = (l: string) => l, synthCommand = 'npm run synth', ...synthOptions } = options;
  const strict = options.strict ?? (process.argv.includes('--strict') || process.env.CDK8S_KSERVE_STRICT === '1');
  const opts = { ...synthOptions, strict, printWarnings: false };
  try {
    if (check) {
      const report = checkDirectory(apps, outdir, opts);
      const lines = [
        ...report.missing.map(f => `  missing: ${f}`),
        ...report.extra.map(f => `  not written any more: ${f}`),
        ...report.changed.map(f => `  changed: ${f}`),
      ];
      if (lines.length > 0) {
        process.stderr.write(`${outdir}/ is stale; run ${synthCommand} and commit the result:\n${lines.join('\n')}\n`);
        process.exitCode = 1;
      } else {
        process.stdout.write(`${outdir}/ is up to date\n`);
      }
      return;
    }
    const result = typeof apps === 'function' ? synthToDirectory(apps, outdir, opts) : synthEnvironments(apps, outdir, opts);
    printWarnings(result.warningLines.map(describeLine));
    if (result.keptFiles.length > 0) {
      const shown = result.keptFiles.slice(0, 3).join(', ') + (result.keptFiles.length > 3 ? `, and ${result.keptFiles.length - 3} more` : '');
      process.stderr.write(`${outdir}/: kept ${result.keptFiles.length} file${result.keptFiles.length === 1 ? '' : 's'} that synth did not write (${shown})\n`);
    }
  } catch (e) {
    if (e instanceof SynthError) {
      process.stderr.write(`${new SynthError(e.problems.map(describeLine)).message}\n`);
      printWarnings(e.warningLines.map(describeLine));
      process.exitCode = 1;
      return;
    }
    // Anything else (a bad folder name, a file synth cannot write): one line, no stack trace.
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.CDK8S_KSERVE_DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  }
}

/**
 * Warning lines as printed: the same warning on more than three constructs (every predictor of a
 * 1000-model fleet on nvcr.io) is one line, `<first path> and N more: <warning>`.
 */
export function compactWarningLines(lines: string[]): string[] {
  const byText = new Map<string, string[]>();
  for (const line of lines) {
    const m = /^((?:[a-z0-9-]+(?:, [a-z0-9-]+)*: )?)(\S+): ((?:warning|error) \[.*)$/.exec(line);
    const key = m ? `${m[1]}\u0000${m[3]}` : line;
    byText.set(key, [...byText.get(key) ?? [], line]);
  }
  return [...byText].flatMap(([key, group]) => {
    if (group.length <= 3 || !key.includes('\u0000')) return group;
    const [folders, text] = key.split('\u0000');
    const first = /^(?:[a-z0-9-]+(?:, [a-z0-9-]+)*: )?(\S+):/.exec(group[0])![1];
    return [`${folders}${first} and ${group.length - 1} more: ${text}`];
  });
}

function printWarnings(lines: string[]): void {
  if (lines.length === 0) return;
  for (const w of compactWarningLines(lines)) process.stderr.write(`${w}\n`);
  process.stderr.write(`${lines.length} warning${lines.length === 1 ? '' : 's'}: fix, or Validation.suppress(scope, ruleId, reason); --strict fails on warnings\n`);
}
