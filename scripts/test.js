#!/usr/bin/env node
// `npm test`: the static checks side by side (tsc, and package.json's lint, check:crds and
// check:dist scripts, each one process on one core), then Jest with the arguments given
// (`npm test -- <jest args>`). A failed check prints its output and stops before Jest; the
// checks' outputs are printed whole, one after another, in this order.
'use strict';
const { spawn } = require('child_process');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const { scripts } = require(path.join(ROOT, 'package.json'));

/**
 * The checks that run before Jest: [name, shell command]. The scripts run as npm runs them (a
 * shell with node_modules/.bin on the PATH) without npm's own start-up.
 */
const CHECKS = [
  ['tsc', 'tsc -p . --incremental --tsBuildInfoFile node_modules/.cache/cdk8s-kserve-tsc/tsbuildinfo'],
  ...['lint', 'check:crds', 'check:dist'].map(name => [name, scripts[name]]),
];

function run([name, command]) {
  return new Promise(resolve => {
    const env = { ...process.env, PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` };
    const child = spawn('sh', ['-c', command], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  const jest = spawn(path.join(ROOT, 'node_modules', '.bin', 'jest'), process.argv.slice(2), { cwd: ROOT, stdio: 'inherit' });
  return new Promise(resolve => jest.on('close', code => resolve(code ?? 1)));
}

main().then(code => {
  process.exitCode = code;
});
