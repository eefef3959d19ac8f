import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { README, withRulesTable } from '../scripts/rules-doc';
import { publishedModelErrors, PUBLISHED_MODEL_KINDS, schemaErrors, schemaSetFor } from './schema';

const ROOT = path.resolve(__dirname, '..');
const DIR = path.join(ROOT, '.readme-examples');

/** The ```ts blocks of README.md, importing this checkout instead of the npm package. */
function examples(): { name: string; code: string }[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m, i) => ({
    name: `example-${i + 1}.ts`,
    code: m[1].replace(/from 'cdk8s-kserve\/loadtest'/g, "from '../lib/loadtest'").replace(/from 'cdk8s-kserve'/g, "from '../lib'"),
  }));
}

describe('README examples', () => {
  const blocks = examples();

  beforeAll(() => {
    fs.rmSync(DIR, { recursive: true, force: true });
    fs.mkdirSync(DIR);
    for (const b of blocks) fs.writeFileSync(path.join(DIR, b.name), b.code);
    fs.writeFileSync(path.join(DIR, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['*.ts'] }));
  });

  test('the rule table is what lib/core/rules.ts enforces (run npm run docs when it fails)', () => {
    const readme = fs.readFileSync(README, 'utf8');
    expect(withRulesTable(readme)).toBe(readme);
  });

  test('there are examples to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  test('all examples type-check', () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', DIR], { cwd: ROOT, encoding: 'utf8' });
  }, 60_000);

  test.each(examples().map(b => [b.name, b] as const))('%s runs and writes schema-valid YAML', (_, block) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-kserve-readme-'));
    execFileSync(process.execPath, ['--import', 'tsx', path.join(DIR, block.name)], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: out } });
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
