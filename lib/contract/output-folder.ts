/**
 * The contract of a synth output folder, shared by the synth writer and the load-test CLI
 * (which must not load the constructs): the record of the files synth wrote, and where the load
 * runner puts results so that the next synth neither deletes nor compares them.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The file at the top of an output folder that lists every file synth wrote there, one per line. */
export const OUTPUT_MANIFEST = '.cdk8s-kserve-files';

const MANIFEST_HEADER = '# Written by cdk8s-kserve synth: the files below are replaced by the next synth; any other file here is kept.';

/** The manifest's text for these files (relative, `/`-separated). */
export function manifestText(files: string[]): string {
  return `${MANIFEST_HEADER}\n${[...files].sort().join('\n')}\n`;
}

/** The files a manifest lists, or undefined when the folder has none. */
export function readManifest(dir: string): Set<string> | undefined {
  const file = path.join(dir, OUTPUT_MANIFEST);
  if (!fs.existsSync(file)) return undefined;
  return new Set(fs.readFileSync(file, 'utf8').split('\n').filter(l => l !== '' && !l.startsWith('#')));
}

/**
 * Whether a file in an output folder without a manifest (written before there was one) is one
 * synth writes: chart YAML, `kustomization.yaml`, `ENDPOINTS.md`, JMeter plans, example
 * requests and load targets, at the top or in an environment folder.
 */
export function looksSynthesized(file: string, yamlExtension = '.k8s.yaml'): boolean {
  const parts = file.split('/');
  const name = parts[parts.length - 1];
  const under = parts.slice(0, -1);
  const inFolder = (...tail: string[]) => under.length >= tail.length && under.length <= tail.length + 1 && tail.every((t, i) => under[under.length - tail.length + i] === t);
  if (under.length <= 1 && (name.endsWith(yamlExtension) || name === 'kustomization.yaml' || name === 'ENDPOINTS.md' || name.endsWith('.jmx'))) return true;
  if (inFolder('example_inputs') && name.endsWith('.json')) return true;
  return inFolder('loadtest') && name === 'targets.json';
}

/**
 * Where `cdk8s-kserve loadtest` writes its results by default from `cwd`: `loadtest-results`
 * there, unless `cwd` is inside a synth output folder (one with a manifest at its top), whose
 * next synth would replace it; then beside that folder, as `loadtest-results/<path inside it>`.
 */
export function defaultResultsDir(cwd: string): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, OUTPUT_MANIFEST))) {
      const inside = path.relative(dir, path.resolve(cwd));
      return path.relative(path.resolve(cwd), path.join(path.dirname(dir), 'loadtest-results', inside)) || '.';
    }
    if (path.dirname(dir) === dir) return 'loadtest-results';
  }
}
