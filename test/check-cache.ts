/**
 * Checks whose answer depends only on files: a check that passed once for the same contents of
 * its inputs is not run again. The generators behind docs/api (typedoc) and the props schemas
 * take 3 to 6 s each and their inputs rarely change between runs. Kept in node_modules/.cache,
 * keyed by the sha256 of every input file's path and bytes, so an edit to any input runs the
 * check again; deleting the folder only makes the next run slower.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'cdk8s-kserve-checks');

/** Every file under the inputs (files or folders, relative to the root), sorted. */
function filesOf(inputs: string[]): string[] {
  return inputs.flatMap(input => {
    const full = path.join(ROOT, input);
    if (!fs.existsSync(full)) return [input];
    if (!fs.statSync(full).isDirectory()) return [input];
    return (fs.readdirSync(full, { recursive: true }) as string[]).map(f => path.join(input, f)).filter(f => fs.statSync(path.join(ROOT, f)).isFile());
  }).sort();
}

/** The key of a check over these inputs as they are now. */
export function inputsKey(name: string, inputs: string[]): string {
  const hash = crypto.createHash('sha256').update(name);
  for (const file of filesOf(inputs)) {
    const full = path.join(ROOT, file);
    hash.update('\0').update(file).update('\0').update(fs.existsSync(full) ? fs.readFileSync(full) : 'missing');
  }
  return `${name}-${hash.digest('hex')}`;
}

/** Runs `check` unless it passed before for the same inputs; returns whether it ran. */
export function unlessPassedBefore(name: string, inputs: string[], check: () => void): boolean {
  const key = path.join(CACHE, inputsKey(name, inputs));
  if (fs.existsSync(key)) return false;
  check();
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(key, '');
  return true;
}
