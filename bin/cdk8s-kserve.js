#!/usr/bin/env node
// The package CLI. `synth` is lib/fleet/cli.ts (the constructs); every other command is
// lib/cli.ts, which loads only the load runner. A checkout of this repository runs the
// TypeScript source through scripts/ts-run.js, as one bundle per command reused while every
// source file keeps its stat (so never stale; a build/ left from an earlier `npm run build` may
// be); an installed package, which ships only build/, runs the compiled code.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const checkout = fs.existsSync(path.join(root, 'lib', 'cli.ts'));
/** A module of lib/, from the source in a checkout or the build in a package. */
const load = async name => (checkout
  ? require(path.join(root, 'scripts', 'ts-run.js')).loadBundled(path.join(root, 'lib', `${name}.ts`))
  : require(path.join(root, 'build', 'lib', `${name}.js`)));

const [command, ...rest] = process.argv.slice(2);
const run = command === 'synth'
  ? load('fleet/cli').then(cli => cli.runSynthCli(rest))
  : load('cli').then(cli => cli.runCli(process.argv.slice(2))).then(code => {
    process.exitCode = code;
  });
run.catch(e => {
  // esbuild's errors name the file, line and column.
  const errors = e.errors?.map(m => `${m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : ''}error: ${m.text}`);
  process.stderr.write(`cdk8s-kserve: ${errors?.join('\n') ?? (e instanceof Error ? e.message : String(e))}\n`);
  process.exit(1);
});
