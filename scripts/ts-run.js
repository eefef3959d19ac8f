#!/usr/bin/env node
// Runs a TypeScript entry point of this repository (`node scripts/ts-run.js apps/main.ts`) with
// the least start-up: each .ts file is transpiled by esbuild once and kept in
// node_modules/.cache/cdk8s-kserve-js under the sha256 of its path and contents, with V8's code
// cache of it beside it, so later runs read JavaScript, skip most of its compilation, and load no
// transpiler. A changed file has another hash and is transpiled
// again: what runs is never a stale build. Types are not checked here (npm test runs tsc); a
// misspelt prop still fails, by the constructs' run-time props check.
// import() becomes require(), as tsc writes it for CommonJS: a vm.Script has no dynamic-import
// callback of its own.
// No source maps: inline maps double what V8 parses (17 % of the process's CPU), and errors are
// printed as one line without a stack anyway; run a file through tsx to debug with original lines.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'cdk8s-kserve-js');
let esbuild;
let version;

/** Writes a file whole or not at all: a concurrent run never reads half of it. */
function writeWhole(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** The transpiled code of a file and where its V8 code cache goes. */
function transpiled(filename) {
  const source = fs.readFileSync(filename, 'utf8');
  version ??= `${require('esbuild/package.json').version} cjs es2020 keepNames nomap require-import v2`;
  const key = crypto.createHash('sha256').update(version).update('\0').update(filename).update('\0').update(source).digest('hex');
  const file = path.join(CACHE, `${key}.js`);
  try {
    return { code: fs.readFileSync(file, 'utf8'), cacheFile: `${file}.v8` };
  } catch {
    esbuild ??= require('esbuild');
    const { code } = esbuild.transformSync(source, { loader: 'ts', format: 'cjs', target: 'es2020', keepNames: true, supported: { 'dynamic-import': false }, sourcefile: filename });
    fs.mkdirSync(CACHE, { recursive: true });
    writeWhole(file, code);
    return { code, cacheFile: `${file}.v8` };
  }
}

const uncached = [];
process.on('exit', () => {
  for (const [script, cacheFile] of uncached) {
    try {
      writeWhole(cacheFile, script.createCachedData());
    } catch {
      // A cache that cannot be written is only slower next time.
    }
  }
});

/**
 * Compiles a module with V8's code cache, kept beside its JavaScript: parsing and compiling the
 * same code again is most of what loading a module costs. What the module sees is what
 * Module.prototype._compile gives it (exports, require, module, __filename, __dirname).
 */
function compile(module, filename) {
  const { code, cacheFile } = transpiled(filename);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(code), { filename, cachedData });
  // Written when the process ends, so the cache holds the functions the run compiled too.
  if (cachedData === undefined || script.cachedDataRejected) uncached.push([script, cacheFile]);
  const require = Module.createRequire(filename);
  script.runInThisContext().call(module.exports, module.exports, require, module, filename, path.dirname(filename));
}

require.extensions['.ts'] = (module, filename) => compile(module, filename);

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
