#!/usr/bin/env node
// The package CLI (lib/cli.ts). An installed package runs the compiled build/; a checkout of
// this repository, where build/ may be missing, runs the TypeScript source through tsx.
const fs = require('fs');
const path = require('path');

const built = path.join(__dirname, '..', 'build', 'lib', 'cli.js');
let cli;
if (fs.existsSync(built)) {
  cli = require(built);
} else {
  require('tsx/cjs');
  cli = require(path.join(__dirname, '..', 'lib', 'cli.ts'));
}
cli.runCli(process.argv.slice(2)).then(code => {
  process.exitCode = code;
});
