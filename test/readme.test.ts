import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { RULES_DOC, withRulesTable } from '../scripts/rules-doc';
import { unlessPassedBefore } from './check-cache';
import { publishedModelErrors, PUBLISHED_MODEL_KINDS, schemaErrors, schemaSetFor } from './schema';

const ROOT = path.resolve(__dirname, '..');
const DIR = path.join(ROOT, '.readme-examples');
/** What npm run synth runs apps with. */
const TS_RUN = path.join(ROOT, 'scripts', 'ts-run.js');

/** README.md and the pages of docs/ (the generated API reference aside), relative to the root. */
const PAGES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`)];

/** The quick start with its prop misspelt, beside the examples. */
const QUICK_START_MISSPELT = 'quick-start-misspelt.ts';

/** Writes `text` unless the file holds it already, so that its stat stays what caches saw. */
function writeIfChanged(file: string, text: string): void {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  fs.writeFileSync(file, text);
}

/** The code of a ```ts block, importing this checkout instead of the npm package. */
const local = (code: string) => code.replace(/from 'cdk8s-kserve\/loadtest'/g, "from '../lib/loadtest'").replace(/from 'cdk8s-kserve'/g, "from '../lib'");

/** The ```ts blocks of every page, named after the page. */
function examples(): { name: string; code: string }[] {
  return PAGES.flatMap(page => {
    const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
    const stem = path.basename(page, '.md').toLowerCase();
    return [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m, i) => ({ name: `${stem}-${i + 1}.ts`, code: local(m[1]) }));
  });
}

/** GitHub's anchor of a heading. */
const anchorOf = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

/** The headings of a Markdown file outside code blocks. */
function headings(file: string): string[] {
  let fenced = false;
  return fs.readFileSync(file, 'utf8').split('\n').filter(l => {
    if (l.startsWith('```')) fenced = !fenced;
    return !fenced && /^#{1,6} /.test(l);
  }).map(l => anchorOf(l.replace(/^#+ /, '')));
}

describe('README and docs/', () => {
  test('README.md is the front door: at most 20 KB', () => {
    expect(fs.statSync(path.join(ROOT, 'README.md')).size).toBeLessThanOrEqual(20 * 1024);
  });

  test('every relative link of README.md, CONTRIBUTING.md and docs/ reaches a file, and its #anchor a heading there', () => {
    const broken: string[] = [];
    for (const page of [...PAGES, 'CONTRIBUTING.md', 'CHANGELOG.md']) {
      const text = fs.readFileSync(path.join(ROOT, page), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [file, anchor] = target.split('#');
        const resolved = file === '' ? path.join(ROOT, page) : path.resolve(path.dirname(path.join(ROOT, page)), file);
        if (!fs.existsSync(resolved)) broken.push(`${page}: ${target} (no such file)`);
        else if (anchor && resolved.endsWith('.md') && !headings(resolved).includes(anchor)) broken.push(`${page}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  test('the quick start\'s misspelt prop fails as README.md says, and writes nothing', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('## Quick start');
    const quick = /^```ts\n([\s\S]*?)^```/m.exec(readme.slice(start))![1];
    const said = /^```text\n([\s\S]*?)^```/m.exec(readme.slice(start))![1].trim();
    expect(quick).toContain('maxReplicas: 4');
    fs.mkdirSync(DIR, { recursive: true });
    const file = path.join(DIR, QUICK_START_MISSPELT);
    writeIfChanged(file, local(quick).replace('maxReplicas: 4', 'maxReplica: 4'));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-readme-'));
    let failure: { status: number; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, [TS_RUN, file], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: out }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e: any) {
      failure = { status: e.status, stderr: e.stderr };
    }
    expect(failure?.status).toBe(1);
    // The problem lines as the README shows them; warnings, when there are any, follow them.
    expect(failure!.stderr.startsWith(`${said}\n`)).toBe(true);
    expect(fs.readdirSync(out)).toEqual([]);
  }, 30_000);

  test('docs/api is what typedoc writes from the two entry points (run npm run docs when it fails)', () => {
    const read = (dir: string) => Object.fromEntries((fs.readdirSync(dir, { recursive: true }) as string[]).sort()
      .filter(f => fs.statSync(path.join(dir, f)).isFile()).map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
    // typedoc takes about 6 s: it runs again whenever its inputs or docs/api changed (test/check-cache.ts).
    unlessPassedBefore('typedoc', ['lib', 'typedoc.json', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'docs/api'], () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-api-'));
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out], { cwd: ROOT, encoding: 'utf8' });
      expect(read(path.join(ROOT, 'docs', 'api'))).toEqual(read(out));
    });
    const written = read(path.join(ROOT, 'docs', 'api'));
    expect(Object.keys(written)).toEqual(expect.arrayContaining(['README.md', 'cdk8s-kserve.md', path.join('cdk8s-kserve', 'loadtest.md')]));
    // Each entry point documents its own symbols only.
    expect(written['cdk8s-kserve.md']).toContain('### KServeTarget');
    expect(written['cdk8s-kserve.md']).not.toContain('### runLoadTest()');
    expect(written[path.join('cdk8s-kserve', 'loadtest.md')]).toContain('### runLoadTest()');
  }, 60_000);
});

describe('examples in README.md and docs/', () => {
  const blocks = examples();

  beforeAll(() => {
    // Files are written only when their text changed, and examples no page has any more removed:
    // npm run synth's runner (scripts/ts-run.js) and tsc --incremental then reuse what they built
    // from the same files last time, judged by the files' stat.
    fs.mkdirSync(DIR, { recursive: true });
    const wanted = new Map([...blocks.map(b => [b.name, b.code] as const), ['tsconfig.json', JSON.stringify({ extends: '../tsconfig.json', include: [], files: blocks.map(b => b.name) })]]);
    for (const f of fs.readdirSync(DIR)) if (!wanted.has(f) && f !== QUICK_START_MISSPELT) fs.rmSync(path.join(DIR, f), { recursive: true });
    for (const [name, text] of wanted) writeIfChanged(path.join(DIR, name), text);
  });

  test('the rule table of docs/rules.md is what lib/core/rules.ts enforces (run npm run docs when it fails)', () => {
    const page = fs.readFileSync(RULES_DOC, 'utf8');
    expect(withRulesTable(page)).toBe(page);
  });

  test('there are examples to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  test('all examples type-check', () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', DIR, '--incremental', '--tsBuildInfoFile', path.join(ROOT, 'node_modules', '.cache', 'cdk8s-kserve-tsc', 'readme-examples.tsbuildinfo')], { cwd: ROOT, encoding: 'utf8' });
  }, 60_000);

  test.each(examples().map(b => [b.name, b] as const))('%s runs and writes schema-valid YAML', (_, block) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-readme-'));
    execFileSync(process.execPath, [TS_RUN, path.join(DIR, block.name)], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: out } });
    // Every folder written (the output folder, or one per environment).
    const written = (fs.readdirSync(out, { recursive: true }) as string[]).filter(f => f.endsWith('.yaml')).sort();
    const files = written.filter(f => path.basename(f) !== 'kustomization.yaml');
    expect(files.length).toBeGreaterThan(0);
    // Examples run through main() also write a kustomization.yaml per folder, listing exactly its YAML files.
    if (/\bmain\(/.test(block.code)) {
      for (const k of written.filter(f => path.basename(f) === 'kustomization.yaml')) {
        const dir = path.dirname(k);
        expect(YAML.parse(fs.readFileSync(path.join(out, k), 'utf8')).resources)
          .toEqual(files.filter(f => path.dirname(f) === dir).map(f => path.relative(dir, f)));
      }
    }
    const set = schemaSetFor(/KServeVersion\.V0_11\b/.test(block.code) && /InferenceService/.test(block.code) ? 11 : 20);
    const objects = files.flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(out, f), 'utf8')).map(d => d.toJS()));
    expect(objects.length).toBeGreaterThan(0);
    const published = objects.filter(o => PUBLISHED_MODEL_KINDS.has(`${o.apiVersion}/${o.kind}`));
    expect([...objects.filter(o => !published.includes(o)).flatMap(o => schemaErrors(o, set)), ...publishedModelErrors(published)]).toEqual([]);
  }, 30_000);
});
