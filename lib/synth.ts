import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps } from 'cdk8s';

/**
 * Every validation problem in the app, one line each: `<construct path>: <message>`.
 */
export function collectProblems(app: App): string[] {
  const problems: string[] = [];
  for (const construct of app.node.findAll()) {
    for (const message of construct.node.validate()) {
      problems.push(`${construct.node.path}: ${message}`);
    }
  }
  return problems;
}

/** Thrown by `synthToDirectory` when the app has validation problems. */
export class SynthError extends Error {
  public constructor(public readonly problems: string[]) {
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
export function synthToDirectory(build: (props: AppProps) => App, outdir: string): void {
  const target = path.resolve(outdir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}-`));
  // mkdtemp creates 0700; give the output folder the permissions a plain mkdir would.
  fs.chmodSync(staging, 0o777 & ~process.umask());
  try {
    const app = build({ outdir: staging });
    const problems = collectProblems(app);
    if (problems.length > 0) throw new SynthError(problems);
    app.synth();
    const previous = `${staging}.previous`;
    if (fs.existsSync(target)) fs.renameSync(target, previous);
    fs.renameSync(staging, target);
    fs.rmSync(previous, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Entry point of an app script: synthesizes into `CDK8S_OUTDIR` (else `dist`) with
 * `synthToDirectory`, prints problems without a stack trace and sets a failing exit code.
 */
export function main(build: (props: AppProps) => App): void {
  const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
  try {
    synthToDirectory(build, outdir);
  } catch (e) {
    if (e instanceof SynthError) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
}
