/**
 * `cdk8s-kserve synth <fleet.yaml>`: a fleet file to the output folder, from an installed
 * package with no TypeScript project around it. The package bin loads this file for `synth`
 * only, so `infer` and `loadtest` never load the constructs.
 */
import { SYNTH_USAGE } from '../contract/synth-usage';
import { main } from '../output/synth';
import { Fleet, FleetError } from './fleet';

/**
 * Runs `cdk8s-kserve synth` with the arguments after `synth`, printing to stdout and stderr as
 * `main` does; sets `process.exitCode` (1 for problems, 2 for a wrong command line).
 */
export function runSynthCli(argv: string[]): void {
  const usage = (why: string) => {
    process.stderr.write(`cdk8s-kserve: ${why}\n\n${SYNTH_USAGE}`);
    process.exitCode = 2;
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(SYNTH_USAGE);
    return;
  }
  let file: string | undefined;
  let outdir: string | undefined;
  let check = false;
  let strict = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out') {
      outdir = argv[++i];
      if (outdir === undefined || outdir.startsWith('--')) return usage('--out needs a folder');
    } else if (arg === '--check') {
      check = true;
    } else if (arg === '--strict') {
      strict = true;
    } else if (arg.startsWith('-')) {
      return usage(`unknown option ${arg}`);
    } else if (file === undefined) {
      file = arg;
    } else {
      return usage(`one fleet file only (got ${file} and ${arg})`);
    }
  }
  if (file === undefined) return usage('synth needs a fleet file');
  let fleet: Fleet;
  try {
    fleet = Fleet.fromFile(file);
  } catch (e) {
    if (!(e instanceof FleetError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
    return;
  }
  main(fleet.apps, {
    outdir, check, strict: strict || process.env.CDK8S_KSERVE_STRICT === '1',
    describeLine: l => fleet.describeLine(l), synthCommand: `npx cdk8s-kserve synth ${file}`,
  });
}
