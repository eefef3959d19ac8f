#!/usr/bin/env node
// `npm test`: the static checks side by side (each is one process on one core: tsc, eslint, the
// CRDs are there, npm run check:dist's two checks), then Jest with the arguments given
// (`npm test -- <jest args>`). A failed check prints its output and stops before Jest; the
// checks' outputs are printed whole, one after another, in this order.
'use strict';
const { spawn } = require('child_process');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const bin = name => path.join(ROOT, 'node_modules', '.bin', name);

/** The checks that run before Jest: [what npm's scripts call it, command, arguments]. */
const CHECKS = [
  ['tsc', bin('tsc'), ['-p', '.', '--incremental', '--tsBuildInfoFile', 'node_modules/.cache/cdk8s-kserve-tsc/tsbuildinfo']],
  ['lint', bin('eslint'), ['--cache', '--cache-location', 'node_modules/.cache/cdk8s-kserve-eslint/', '.']],
  ['check:crds', process.execPath, ['--import', 'tsx', 'scripts/check-crds.ts']],
  ['check:dist', process.execPath, ['scripts/ts-run.js', 'apps/main.ts', '--check']],
  ['check:dist (examples)', process.execPath, ['bin/cdk8s-kserve.js', 'synth', 'examples/fleet/fleet.yaml', '--out', 'examples/fleet/dist', '--check']],
];

function run([name, command, args]) {
  return new Promise(resolve => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', d => { output += d; });
    child.stderr.on('data', d => { output += d; });
    child.on('error', error => resolve({ name, code: 1, output: `${output}${error.message}\n` }));
    child.on('close', code => resolve({ name, code: code ?? 1, output }));
  });
}

async function main() {
  const results = await Promise.all(CHECKS.map(run));
  for (const r of results) if (r.output !== '') process.stdout.write(`> ${r.name}\n${r.output}`);
  const failed = results.filter(r => r.code !== 0);
  if (failed.length > 0) {
    process.stderr.write(`npm test: ${failed.map(r => r.name).join(', ')} failed; Jest did not run\n`);
    return 1;
  }
  const jest = spawn(bin('jest'), process.argv.slice(2), { cwd: ROOT, stdio: 'inherit' });
  return new Promise(resolve => jest.on('close', code => resolve(code ?? 1)));
}

main().then(code => {
  process.exitCode = code;
});
