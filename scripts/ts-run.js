#!/usr/bin/env node
// Runs a TypeScript entry point of this repository (`node scripts/ts-run.js apps/main.ts`) with
// the least start-up: each .ts file is transpiled by esbuild once and kept in
// node_modules/.cache/cdk8s-kserve-js under the sha256 of its path and contents, so later runs
// read JavaScript and load no transpiler. A changed file has another hash and is transpiled
// again: what runs is never a stale build. Types are not checked here (npm test runs tsc); a
// misspelt prop still fails, by the constructs' run-time props check.
// No source maps: inline maps double what V8 parses (17 % of the process's CPU), and errors are
// printed as one line without a stack anyway; run a file through tsx to debug with original lines.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'cdk8s-kserve-js');
let esbuild;
let version;

function transpiled(filename) {
  const source = fs.readFileSync(filename, 'utf8');
  version ??= `${require('esbuild/package.json').version} cjs es2020 keepNames nomap v1`;
  const key = crypto.createHash('sha256').update(version).update('\0').update(filename).update('\0').update(source).digest('hex');
  const file = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    esbuild ??= require('esbuild');
    const { code } = esbuild.transformSync(source, { loader: 'ts', format: 'cjs', target: 'es2020', keepNames: true, sourcefile: filename });
    fs.mkdirSync(CACHE, { recursive: true });
    // Whole or not at all: a concurrent run never reads half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, file);
    return code;
  }
}

require.extensions['.ts'] = (module, filename) => module._compile(transpiled(filename), filename);

// Required as a module (bin/cdk8s-kserve.js in a checkout), it only registers the hook.
if (require.main === module) {
  const entry = process.argv[2];
  if (!entry) {
    process.stderr.write('usage: node scripts/ts-run.js <file.ts> [args...]\n');
    process.exit(2);
  }
  // The entry runs as the main module (`require.main === module`), with its own arguments after
  // argv[1], as under `node <file>`.
  process.argv.splice(1, 2, path.resolve(entry));
  require('module').runMain();
}
