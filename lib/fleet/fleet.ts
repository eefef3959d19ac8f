/**
 * A fleet from one YAML (or JSON) file: the models, the KServe target they share, environments
 * and GitOps settings, checked against the same props schema the constructs use, then built with
 * the same constructs a TypeScript app uses (docs/fleet-file.md).
 */
import * as fs from 'fs';
import { App, AppProps, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import type * as YamlModule from 'yaml';
import { InferenceServiceChart, InferenceServiceChartProps } from '../constructs/inference-service-chart';
import { GpuSmokeTest } from '../constructs/gpu-smoke-test';
import { addChecks, show, Validation } from '../core/findings';
import { RULES } from '../core/rules';
import { withOverrides } from '../model/overrides';
import { ArgoCdApplication } from '../gitops/argo-cd';
import { argoCdSyncWaves } from '../gitops/argo-cd-sync-waves';
import { FluxGitRepository, FluxKustomization } from '../gitops/flux';
import { AppBuilder, synthEnvironments, SynthError, SynthOptions, SynthResult, synthToDirectory } from '../output/synth';
import { checkValue, PropsError, WalkContext } from '../validation/props';
import { closestName } from '../validation/schema';
import { FleetArgoCd, FleetEnvironment, FleetFile, FleetFlux, FleetGpuCheck, FleetModel } from './file-types';
import { FORMS } from './forms';

type Path = readonly (string | number)[];

/** Loaded only by a fleet: an app written in TypeScript never parses YAML here. */
const yaml = (): typeof YamlModule => require('yaml');

/** Folders the fleet writes besides its environments. */
const ARGOCD = 'argocd';
const FLUX = 'flux';
const GPU_CHECK = 'gpu-check';
const FOLDER_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const TARGET_KEYS = ['kserveVersion', 'knativeVersion', 'deploymentMode'] as const;

/** Thrown when a fleet file is not valid: every problem, one line each, `file:line:column: ...`. */
export class FleetError extends Error {
  public constructor(
    /** The file. */
    public readonly file: string,
    /** The problems, one line each. */
    public readonly problems: string[],
  ) {
    super(`${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was written:\n${problems.map(p => `  ${p}`).join('\n')}`);
    this.name = 'FleetError';
  }
}

/** A YAML path as the props check writes fields: `models.test.predictor.env.A`, `suppress[0]`. */
function yamlPath(path: Path): string {
  let out = '';
  for (const part of path) out = typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part;
  return out;
}

/** The parsed file with what points back into its text. */
class Source {
  public constructor(
    public readonly file: string,
    private readonly doc: YamlModule.Document.Parsed,
    private readonly lines: YamlModule.LineCounter,
  ) {}

  /** `file:line:column` of a YAML path: the key of a mapping entry, an item of a sequence, or the nearest place that exists. */
  public at(path: Path): string {
    const Y = yaml();
    let node: unknown = this.doc.contents;
    let offset = (node as YamlModule.Node | null)?.range?.[0] ?? 0;
    for (const part of path) {
      if (Y.isAlias(node)) node = node.resolve(this.doc);
      if (Y.isMap(node)) {
        const pair = node.items.find(p => String(Y.isScalar(p.key) ? p.key.value : p.key) === String(part));
        if (!pair) break;
        offset = (pair.key as YamlModule.Node | null)?.range?.[0] ?? offset;
        node = pair.value;
      } else if (Y.isSeq(node) && typeof part === 'number' && node.items[part]) {
        node = node.items[part];
        offset = (node as YamlModule.Node).range?.[0] ?? offset;
      } else {
        break;
      }
    }
    return this.position(offset);
  }

  public position(offset: number): string {
    const { line, col } = this.lines.linePos(offset);
    return `${this.file}:${line}:${col}`;
  }
}

/** A problem of the file itself, in the words of a construct finding. */
function line(source: Source, path: Path, rule: string, value: unknown, expected: string): string {
  return `${source.at(path)}: error [${rule}] ${path.length > 0 ? `${yamlPath(path)} ` : ''}(${show(value)}) ${expected}`;
}

/** Parses the text; YAML syntax errors and keys given twice are problems with their places. */
function parse(text: string, file: string): { source?: Source; value?: unknown; problems: string[] } {
  const Y = yaml();
  const lines = new Y.LineCounter();
  const docs = Y.parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false, merge: true });
  const list = Array.isArray(docs) ? docs : [];
  const first = list[0];
  if (!first) return { problems: [`${file}:1:1: error [${RULES.FLEET_FILE.id}] the file is empty; it needs at least models:`] };
  const source = new Source(file, first, lines);
  const problems: string[] = [];
  for (const doc of list) {
    for (const e of doc.errors) problems.push(`${source.position(e.pos[0])}: error [${RULES.FLEET_FILE.id}] ${e.message.split('\n')[0]}`);
  }
  if (list.length > 1) problems.push(`${source.position(list[1].range[0])}: error [${RULES.FLEET_FILE.id}] a fleet file holds one YAML document; this is a second one`);
  if (problems.length > 0) return { source, problems };
  // A key given twice: the parser would keep the last one silently.
  const visit = (node: unknown, path: Path): void => {
    if (Y.isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = String(Y.isScalar(pair.key) ? pair.key.value : pair.key);
        const offset = (pair.key as YamlModule.Node | null)?.range?.[0] ?? 0;
        const first = seen.get(key);
        if (first !== undefined) {
          const what = path.length === 1 && path[0] === 'models' ? 'a model of this name' : 'this key';
          problems.push(`${source.position(offset)}: error [${RULES.FLEET_FILE.id}] ${yamlPath([...path, key])} is given twice; ${what} is at line ${lines.linePos(first).line} already`);
        } else {
          seen.set(key, offset);
        }
        visit(pair.value, [...path, key]);
      }
    } else if (Y.isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    }
  };
  visit(first.contents, []);
  return { source, value: first.toJS({ maxAliasCount: 1000 }), problems };
}

/** Class values as the file writes them (forms.ts), and no key required below a model: models are merged with defaults and environments first. */
const FILE_CONTEXT: WalkContext = {
  instance: (name, value, problem, walkAs) => {
    const f = FORMS[name];
    if (!f) {
      problem(`cannot be written in a fleet file (it takes a ${name} made in TypeScript; use fleetFromFile in an app for that)`);
      return undefined;
    }
    return f.make(value, problem, walkAs);
  },
  describeClass: name => FORMS[name]?.description ?? `a ${name}`,
  partialUnder: new Set(['FleetModel', 'FleetEnvironment']),
};

/** The props every model of one environment gets, merged as `withOverrides` merges. */
function modelsOf(spec: FleetFile, environment: FleetEnvironment): Record<string, FleetModel> {
  const target: Record<string, unknown> = {};
  for (const key of TARGET_KEYS) {
    const value = environment[key] ?? spec[key];
    if (value !== undefined) target[key] = value;
  }
  const defaults = withOverrides(withOverrides(target as FleetModel, spec.defaults), environment.defaults);
  const out: Record<string, FleetModel> = {};
  for (const [name, model] of Object.entries(spec.models)) {
    out[name] = withOverrides(defaults, withOverrides(model, environment.models?.[name]));
  }
  return out;
}

/**
 * A fleet read from a file: its models per environment, the apps that write each output folder,
 * and the way back from a construct finding to the model's line.
 *
 * ```ts
 * import { Fleet, main } from 'cdk8s-kserve';
 * const fleet = Fleet.fromFile('fleet.yaml');
 * main(fleet.apps, { describeLine: l => fleet.describeLine(l) });
 * ```
 */
export class Fleet {
  /** Reads and checks a fleet file. @throws FleetError listing every problem */
  public static fromFile(file: string): Fleet {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new FleetError(file, [`${file}: error [${RULES.FLEET_FILE.id}] cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
    }
    return Fleet.fromText(text, file);
  }

  /** Checks the text of a fleet file; `file` names it in messages. @throws FleetError listing every problem */
  public static fromText(text: string, file = 'fleet.yaml'): Fleet {
    const parsed = parse(text, file);
    // Syntax errors leave nothing to check; keys given twice are reported with the rest.
    if (!parsed.source || parsed.value === undefined) throw new FleetError(file, parsed.problems);
    const source = parsed.source;
    const problems: string[] = [...parsed.problems];
    if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
      throw new FleetError(file, [line(source, [], RULES.FLEET_FILE.id, parsed.value, 'must be a mapping with at least models:')]);
    }
    const checked = checkValue('FleetFile', parsed.value, FILE_CONTEXT);
    for (const p of checked.problems) problems.push(line(source, p.path, RULES.PROPS.id, p.value, p.expected));
    const spec = checked.value as FleetFile;
    const models = Object.keys(spec.models ?? {});
    const environments = Object.keys(spec.environments ?? {});
    const reserved = [...(spec.gitops?.argoCd ? [ARGOCD] : []), ...(spec.gitops?.flux ? [FLUX] : []), ...(spec.gpuCheck ? [GPU_CHECK] : [])];
    for (const env of environments) {
      const at = ['environments', env];
      if (!FOLDER_NAME.test(env)) problems.push(line(source, at, RULES.FLEET_FILE.id, env, 'must be a folder name: lowercase letters, digits and \'-\''));
      else if (reserved.includes(env)) problems.push(line(source, at, RULES.FLEET_FILE.id, env, `is the folder of the ${env === GPU_CHECK ? 'GPU check' : 'GitOps objects'}; name the environment otherwise`));
      for (const name of Object.keys(spec.environments?.[env]?.models ?? {})) {
        if (models.includes(name)) continue;
        const guess = closestName(name, models);
        problems.push(line(source, [...at, 'models', name], RULES.FLEET_FILE.id, name, `is not a model of this file${guess ? `; did you mean ${guess}?` : ` (models: ${models.join(', ')})`}`));
      }
    }
    if (environments.length === 0) {
      for (const key of ['gitops', 'gpuCheck'] as const) {
        if (spec[key]) problems.push(line(source, [key], RULES.FLEET_FILE.id, spec[key], 'needs environments: the folders it works on are dist/<environment>/'));
      }
    }
    if (problems.length > 0) throw new FleetError(file, problems);
    return new Fleet(source, spec);
  }

  /** The file's name, as messages give it. */
  public readonly file: string;
  /** What the file says, with class values made (a `Size` for `8Gi`). */
  public readonly spec: FleetFile;
  /** The environments, in the file's order; empty when the file has none. */
  public readonly environments: string[];
  /** The models, in the file's order. */
  public readonly models: string[];

  private constructor(private readonly source: Source, spec: FleetFile) {
    this.file = source.file;
    this.spec = spec;
    this.environments = Object.keys(spec.environments ?? {});
    this.models = Object.keys(spec.models);
  }

  /** The fleet's name, which names its GitOps objects. */
  public get name(): string {
    return this.spec.name ?? 'fleet';
  }

  /**
   * The props of every model in one environment: the target, then `defaults`, then the model's
   * own, each with the environment's changes, merged as `withOverrides` merges.
   *
   * @param environment one of `environments`; omit it for a file without environments
   */
  public modelProps(environment?: string): Record<string, FleetModel> {
    if (environment === undefined && this.environments.length > 0) {
      throw new Error(`Fleet.modelProps: ${this.file} has environments (${this.environments.join(', ')}); name one`);
    }
    if (environment !== undefined && !this.environments.includes(environment)) {
      throw new Error(`Fleet.modelProps: environment (${JSON.stringify(environment)}) must be one of ${this.environments.join(', ') || 'none: the file has no environments'}`);
    }
    return modelsOf(this.spec, environment === undefined ? {} : this.spec.environments![environment]);
  }

  /**
   * Adds the charts of one environment's models to an app, with their suppressions. A model that
   * cannot be built from its props is left out and its problems are findings of the app, so the
   * synth reports them with every other model's.
   */
  public addModels(scope: App, environment?: string): Record<string, InferenceServiceChart> {
    const charts: Record<string, InferenceServiceChart> = {};
    for (const [name, { suppress, ...props }] of Object.entries(this.modelProps(environment))) {
      let chart: InferenceServiceChart;
      try {
        chart = new InferenceServiceChart(scope, name, props as InferenceServiceChartProps);
      } catch (e) {
        if (!(e instanceof PropsError)) throw e;
        scope.node.tryRemoveChild(name);
        addChecks(scope, () => e.findings);
        continue;
      }
      (suppress ?? []).forEach((s, i) => {
        const on: IConstruct | undefined = s.on === 'predictor' ? chart.predictor : s.on === 'transformer' ? chart.transformer : chart;
        if (!on) throw new Error(`${this.source.at(['models', name, 'suppress', i, 'on'])}: models.${name}.suppress[${i}].on ("transformer"): the model has no transformer`);
        Validation.suppress(on, s.rule, s.reason);
      });
      charts[name] = chart;
    }
    return charts;
  }

  /**
   * The apps that write the output: one folder per environment, plus `argocd/`, `flux/` and
   * `gpu-check/` when the file asks for them; or one app, written into the output folder itself,
   * for a file without environments. Pass them to `main` or `synthEnvironments`.
   */
  public get apps(): AppBuilder | Record<string, AppBuilder> {
    const argoCd = this.spec.gitops?.argoCd;
    const build = (environment?: string) => (props: AppProps) => {
      const app = new App(props);
      this.addModels(app, environment);
      // Argo CD applies credentials before the InferenceServices that need them.
      if (argoCd) argoCdSyncWaves(app);
      return app;
    };
    if (this.environments.length === 0) return build();
    const apps: Record<string, AppBuilder> = Object.fromEntries(this.environments.map(env => [env, build(env)]));
    const gitops = this.spec.gitops;
    const revision = gitops?.revision ?? 'main';
    const folderOf = (env: string) => `${gitops?.path ?? 'dist'}/${env}`;
    if (gitops && argoCd) {
      const settings: FleetArgoCd = argoCd === true ? {} : argoCd;
      apps[ARGOCD] = props => {
        const app = new App(props);
        const chart = new Chart(app, 'applications');
        for (const env of this.environments) {
          new ArgoCdApplication(chart, `${this.name}-${env}`, {
            ...settings,
            source: { repoUrl: gitops.repoUrl, revision, path: folderOf(env) },
            destinationNamespace: this.namespaceOf(env),
          });
        }
        return app;
      };
    }
    if (gitops?.flux) {
      const settings: FleetFlux = gitops.flux === true ? {} : gitops.flux;
      apps[FLUX] = props => {
        const app = new App(props);
        const chart = new Chart(app, 'kustomizations');
        const repo = new FluxGitRepository(chart, settings.repositoryName ?? this.name, {
          url: gitops.repoUrl, branch: revision, namespace: settings.namespace, interval: settings.interval, secretName: settings.secretName,
        });
        for (const env of this.environments) {
          new FluxKustomization(chart, `${this.name}-${env}`, {
            source: repo, path: folderOf(env), interval: settings.kustomizationInterval, timeout: settings.timeout, prune: settings.prune,
          });
        }
        return app;
      };
    }
    if (this.spec.gpuCheck) {
      const { namespace, ...gpu }: FleetGpuCheck = this.spec.gpuCheck === true ? {} : this.spec.gpuCheck;
      apps[GPU_CHECK] = props => {
        const app = new App(props);
        new GpuSmokeTest(new Chart(app, 'gpu-smoke-test', { namespace: namespace ?? 'default' }), 'gpu', gpu);
        return app;
      };
    }
    return apps;
  }

  /** The namespace all models of an environment share, for the Argo CD destination; undefined when they differ. */
  private namespaceOf(environment: string): string | undefined {
    const namespaces = new Set(Object.values(this.modelProps(environment)).map(m => m.namespace ?? 'default'));
    return namespaces.size === 1 ? [...namespaces][0] : undefined;
  }

  /**
   * A problem or warning line of the synth, with the file's place of the model it is about in
   * front (`fleet.yaml:12:3: dev: test/predictor: error ...`); other lines as they are.
   */
  public describeLine(text: string): string {
    const m = /^(?:[a-z0-9-]+(?:, [a-z0-9-]+)*: )?([^\s:/]+)[/:]/.exec(text);
    if (!m || !this.models.includes(m[1])) return text;
    return `${this.source.at(['models', m[1]])}: ${text}`;
  }

  /**
   * Synthesizes the fleet into `outdir`, all or nothing (as `synthEnvironments`), with each
   * problem and warning about a model preceded by the model's place in the file.
   *
   * @throws SynthError listing every problem
   */
  public synth(outdir: string, options: SynthOptions = {}): SynthResult {
    const apps = this.apps;
    try {
      const result = typeof apps === 'function' ? synthToDirectory(apps, outdir, options) : synthEnvironments(apps, outdir, options);
      return { ...result, warningLines: result.warningLines.map(l => this.describeLine(l)) };
    } catch (e) {
      if (!(e instanceof SynthError)) throw e;
      throw new SynthError(e.problems.map(l => this.describeLine(l)), e.findings, e.warnings, e.warningLines.map(l => this.describeLine(l)));
    }
  }
}

/**
 * Reads a fleet file (YAML or JSON) for a TypeScript app that mixes it with code:
 * `main({ ...fleetFromFile('fleet.yaml').apps, extra: buildExtra })`.
 *
 * @throws FleetError listing every problem of the file
 */
export function fleetFromFile(file: string): Fleet {
  return Fleet.fromFile(file);
}
