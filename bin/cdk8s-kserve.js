#!/usr/bin/env node
// The package CLI. `synth` is lib/fleet/cli.ts (the constructs); every other command is
// lib/cli.ts, which loads only the load runner. A checkout of this repository runs the
// TypeScript source through scripts/ts-run.js (each file transpiled once and cached by its stat,
// so never stale; a build/ left from an earlier `npm run build` may be); an installed package,
// which ships only build/, runs the compiled code.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const checkout = fs.existsSync(path.join(root, 'lib', 'cli.ts'));
if (checkout) require(path.join(root, 'scripts', 'ts-run.js'));
/** A module of lib/, from the source in a checkout or the build in a package. */
const load = name => require(checkout ? path.join(root, 'lib', `${name}.ts`) : path.join(root, 'build', 'lib', `${name}.js`));

const [command, ...rest] = process.argv.slice(2);
if (command === 'synth') {
  load('fleet/cli').runSynthCli(rest);
} else {
  load('cli').runCli(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  });
}
