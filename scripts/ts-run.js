#!/usr/bin/env node
// Runs a TypeScript entry point of this repository (`node scripts/ts-run.js apps/main.ts`) with
// the least start-up. esbuild bundles the entry with everything it imports (our .ts files and
// the JavaScript of node_modules) into one file, kept in node_modules/.cache/cdk8s-kserve-js with
// V8's code cache of it beside it: a later run resolves no module, compiles almost nothing and
// loads no transpiler. Loading some 165 small files was a third of the process's CPU.
//
// The bundle is used only while every file it was built from, and every folder holding one, is
// what the file system said when it was built: inode, size, modification and change times, in
// nanoseconds, as git's index compares them. Any write to a file changes its change time, which
// no tool can set back, and adding or removing a file in a folder changes the folder's, so a file
// that would now shadow another is seen too; `npm install` rewrites node_modules/.package-lock.json.
// A file changed in the last two seconds is never cached, so a file system with coarse
// timestamps cannot hide a second edit within one tick. What runs is never a stale build.
//
// Types are not checked here (npm test runs tsc); a misspelt prop still fails, by the
// constructs' run-time props check. No source maps: inline maps double what V8 parses, and
// errors are printed as one line without a stack anyway; run a file through tsx to debug with
// original lines. Bundled modules see their own __dirname and __filename, as under Node.
//
// Required as a module (bin/cdk8s-kserve.js in a checkout) it registers a .ts hook that
// transpiles each file once, cached the same way, and gives loadBundled(entry): an entry's
// exports from its bundle.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'cdk8s-kserve-js');
/** Bundles: `<hash of the entry>.json` manifests, `<hash of the code>.js` and V8 caches. */
const BUNDLES = path.join(CACHE, 'bundles');
/** Files younger than this are not trusted by their stat; tests set it to 0 to check the stat alone. */
const RACY_NS = BigInt(process.env.CDK8S_KSERVE_TS_RUN_RACY_MS ?? 2000) * 1_000_000n;
const TRANSPILE = { format: 'cjs', target: 'es2020', keepNames: true, supported: { 'dynamic-import': false } };
let version;

const versionOf = () => (version ??= `${require('esbuild/package.json').version} ${JSON.stringify(TRANSPILE)} node ${process.version} v4`);
const hash = (...parts) => crypto.createHash('sha256').update(parts.join('\0')).digest('hex');

/** Writes a file whole or not at all: a concurrent run never reads half of it. */
function writeWhole(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** What the file system says of a path, as one string; undefined when it is missing or too new to trust. */
function stamp(file) {
  let s;
  try {
    s = fs.statSync(file, { bigint: true });
  } catch {
    return undefined;
  }
  if (BigInt(Date.now()) * 1_000_000n - s.ctimeNs < RACY_NS) return undefined;
  return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
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
 * Code compiled with V8's code cache at `base`.v8 (none when base is undefined): parsing and
 * compiling the same code again is most of what loading it costs. The cache is written when the
 * process ends, so it holds the functions the run compiled too.
 */
function compiled(filename, code, base) {
  let cachedData;
  if (base !== undefined) {
    try {
      cachedData = fs.readFileSync(`${base}.v8`);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(Module.wrap(code), { filename, cachedData });
  if (base !== undefined && (cachedData === undefined || script.cachedDataRejected)) uncached.push([script, `${base}.v8`]);
  return script;
}

/** The require function a module sees, as Node makes it. */
function requireOf(module) {
  const require = id => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = request => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.cache = Module._cache;
  require.extensions = Module._extensions;
  return require;
}

/** Runs compiled code as the body of `module`, with what Module.prototype._compile gives it. */
function execute(module, script) {
  script.runInThisContext().call(module.exports, module.exports, requireOf(module), module, module.filename, path.dirname(module.filename));
}

// ---- one file at a time, for require() of a .ts file outside a bundle ----

require.extensions['.ts'] = (module, filename) => {
  const s = stamp(filename);
  const base = s === undefined ? undefined : path.join(CACHE, hash(versionOf(), 'ts', filename, s));
  let code;
  try {
    code = fs.readFileSync(`${base}.js`, 'utf8');
  } catch {
    code = require('esbuild').transformSync(fs.readFileSync(filename, 'utf8'), { ...TRANSPILE, loader: 'ts', sourcefile: filename }).code;
    if (base !== undefined) writeWhole(`${base}.js`, code);
  }
  execute(module, compiled(filename, code, base));
};

// ---- the entry and all it imports, as one bundle ----

/** The files whose stamps a bundle depends on: its inputs, their folders, and npm's record of node_modules. */
function dependencies(inputs) {
  const files = inputs.map(f => path.resolve(ROOT, f));
  const folders = [...new Set(files.map(f => path.dirname(f)))];
  return [...files, ...folders, path.join(ROOT, 'node_modules', '.package-lock.json')];
}

/**
 * The cached bundle of `entry`, if nothing it was built from has changed since. A bundle's files
 * are named by the hash of its code: V8 checks a code cache only against the length of its
 * source, so a cache must never sit beside code of the same length that it was not made from.
 */
function cachedBundle(entry, base) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest.version !== versionOf() || manifest.entry !== entry) return undefined;
  for (const [file, was] of manifest.stamps) if (stamp(file) !== was) return undefined;
  const file = path.join(BUNDLES, `${manifest.code}.js`);
  try {
    return { code: fs.readFileSync(file, 'utf8'), file };
  } catch {
    return undefined;
  }
}

/** esbuild gives a bundled module one __dirname for all; this plugin gives each its own. */
const ownDirname = {
  name: 'own-dirname',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, args => {
      const source = fs.readFileSync(args.path, 'utf8');
      if (!/__dirname|__filename/.test(source)) return undefined;
      const ext = path.extname(args.path).slice(1);
      return {
        contents: `var __dirname = ${JSON.stringify(path.dirname(args.path))}, __filename = ${JSON.stringify(args.path)};\n${source}`,
        loader: ext.endsWith('ts') ? 'ts' : 'js',
        resolveDir: path.dirname(args.path),
      };
    });
  },
};

/** Bundles `entry` with esbuild and caches it, unless some file it was built from is too new to trust. */
async function freshBundle(entry, base) {
  const result = await require('esbuild').build({
    ...TRANSPILE, entryPoints: [entry], bundle: true, platform: 'node', write: false, metafile: true,
    absWorkingDir: ROOT, outfile: path.join(BUNDLES, 'out.js'), tsconfigRaw: '{}', logLevel: 'silent', plugins: [ownDirname],
  });
  const code = result.outputFiles[0].text;
  const stamps = dependencies(Object.keys(result.metafile.inputs)).map(f => [f, stamp(f)]);
  if (stamps.some(([, s]) => s === undefined)) return { code, file: undefined };
  const file = path.join(BUNDLES, `${hash(code)}.js`);
  writeWhole(file, code);
  writeWhole(`${base}.json`, JSON.stringify({ version: versionOf(), entry, stamps, code: hash(code) }));
  prune();
  return { code, file };
}

/**
 * Removes the manifests of entries that no longer exist (tests write many in temp folders) and
 * the bundles no manifest names.
 */
function prune() {
  const names = fs.readdirSync(BUNDLES);
  const named = new Set();
  for (const name of names.filter(n => n.endsWith('.json'))) {
    const manifest = path.join(BUNDLES, name);
    try {
      const { entry, code } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      if (fs.existsSync(entry)) {
        named.add(code);
        continue;
      }
    } catch {
      // A manifest cut short is as good as gone.
    }
    fs.rmSync(manifest, { force: true });
  }
  for (const name of names.filter(n => !n.endsWith('.json') && !named.has(n.replace(/\.js(\.v8)?$/, '')))) {
    fs.rmSync(path.join(BUNDLES, name), { force: true });
  }
}

/**
 * Runs the bundle of `entry` (cached, or built now) as a module, registered in Node's module
 * cache under the entry's path; `asMain` makes it the main module, as under `node <file>`.
 */
async function runBundle(entry, asMain) {
  const base = path.join(BUNDLES, hash(versionOf(), entry));
  const { code, file } = cachedBundle(entry, base) ?? await freshBundle(entry, base);
  const module = new Module(entry, null);
  module.filename = entry;
  module.paths = Module._nodeModulePaths(path.dirname(entry));
  if (asMain) {
    module.id = '.';
    process.mainModule = module;
  }
  Module._cache[entry] = module;
  execute(module, compiled(entry, code, file));
  module.loaded = true;
  return module.exports;
}

/** Runs `entry` as the main module (`require.main === module`), with its arguments after argv[1], as under `node <file>`. */
async function runMain(entry) {
  await runBundle(entry, true);
}

/**
 * The exports of `entry`, run from its cached bundle as an ordinary module (not the main one):
 * what bin/cdk8s-kserve.js loads in a checkout, so that each CLI run loads one file instead of
 * resolving and compiling every module of lib/ (about a third of a short run's CPU).
 */
function loadBundled(entry) {
  return runBundle(entry, false);
}

module.exports = { loadBundled };

if (require.main === module) {
  if (!process.argv[2]) {
    process.stderr.write('usage: node scripts/ts-run.js <file.ts> [args...]\n');
    process.exit(2);
  }
  const entry = path.resolve(process.argv[2]);
  process.argv.splice(1, 2, entry);
  runMain(entry).catch(e => {
    // esbuild's errors name the file, line and column.
    const errors = e.errors?.map(m => `${m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : ''}error: ${m.text}`);
    process.stderr.write(`${errors?.join('\n') ?? (e instanceof Error ? e.message : String(e))}\n`);
    process.exit(1);
  });
}
