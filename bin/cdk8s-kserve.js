#!/usr/bin/env node
// The package CLI (lib/cli.ts). A checkout of this repository runs the TypeScript source through
// scripts/ts-run.js (each file transpiled once and cached by its stat, so never stale; a build/ left from an earlier
// `npm run build` may be); an installed package, which ships only build/, runs the compiled code.
const fs = require('fs');
const path = require('path');

const source = path.join(__dirname, '..', 'lib', 'cli.ts');
let cli;
if (fs.existsSync(source)) {
  require(path.join(__dirname, '..', 'scripts', 'ts-run.js'));
  cli = require(source);
} else {
  cli = require(path.join(__dirname, '..', 'build', 'lib', 'cli.js'));
}
cli.runCli(process.argv.slice(2)).then(code => {
  process.exitCode = code;
});
