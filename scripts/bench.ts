/**
 * Prints synth wall time and peak memory for 1, 100 and 1000 InferenceServices, each one
 * chart (credentials, message dumper, Triton predictor, transformer), written the way
 * `npm run synth` writes (`synthToDirectory`: checks run once, one pass over the charts), and
 * for comparison with cdk8s's own `App.synth()` (which resolves and validates the whole app
 * again for every chart). Plus the reference app as `npm run synth` runs it. Each figure is
 * from a fresh Node process.
 *
 * Usage: npm run bench
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

if (process.argv[2] === '--child') {
  // One measured run: build N charts and synthesize them to a temp dir.
  const count = Number(process.argv[3]);
  const writer = process.argv[4];
  const started = process.hrtime.bigint();
  // Loaded here so module loading is part of the figure, as it is for `npm run synth`.
  const { App } = require('cdk8s');
  const { InferenceServiceChart, synthToDirectory } = require('../lib');
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-bench-')), 'dist');
  const build = (props: object) => {
    const app = new App(props);
    for (let i = 0; i < count; i++) {
      new InferenceServiceChart(app, `model-${i}`, {
        azureBlob: { account: 'benchstore', container: 'models', path: `m${i}-repo` },
        predictor: { gpus: 1, minReplicas: 1, maxReplicas: 3, knative: { target: 4 } },
        transformer: { image: 'registry.example.com/pre:1.0.0' },
      });
    }
    return app;
  };
  if (writer === 'app.synth') build({ outdir }).synth();
  else synthToDirectory(build, outdir);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ ms }));
  process.exit(0);
}

function measure(args: string[]): { wallMs: number; peakMiB: number; out: string } {
  // Never write into the repository's dist/.
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-bench-dist-')), 'dist');
  // /usr/bin/time reports the peak resident set of the whole process.
  const started = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir },
  });
  fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(run.stderr);
  const peakKiB = Number(run.stderr.trim().split('\n').pop());
  return { wallMs, peakMiB: peakKiB / 1024, out: run.stdout };
}

function main(): void {
  if (!fs.existsSync('/usr/bin/time')) throw new Error('needs /usr/bin/time (Debian package "time")');
  console.log(`cdk8s-kserve bench on ${os.cpus().length} cores, node ${process.version}`);
  const synth = [1, 2, 3].map(() => measure(['--import', 'tsx', 'apps/main.ts']));
  const best = Math.min(...synth.map(s => s.wallMs));
  console.log(`npm run synth (reference app, process wall incl. tsx): best of 3 ${best.toFixed(0)} ms, peak ${Math.max(...synth.map(s => s.peakMiB)).toFixed(0)} MiB`);
  console.log('writer            | InferenceServices | process wall ms | in-process synth ms | peak RSS MiB');
  const runs: [string, number][] = [['synthToDirectory', 1], ['synthToDirectory', 100], ['synthToDirectory', 1000], ['app.synth', 1], ['app.synth', 100]];
  for (const [writer, n] of runs) {
    const r = measure(['--import', 'tsx', __filename, '--child', String(n), writer]);
    const inner = JSON.parse(r.out).ms as number;
    console.log(`${writer.padEnd(17)} | ${String(n).padStart(17)} | ${r.wallMs.toFixed(0).padStart(15)} | ${inner.toFixed(0).padStart(19)} | ${r.peakMiB.toFixed(0).padStart(12)}`);
  }
}

main();
