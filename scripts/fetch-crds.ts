/**
 * Downloads the pinned upstream CRD files into the CRD folder (`CDK8S_KSERVE_CRDS`, else
 * ../shared/crds), checking each file's sha256; a file whose bytes differ is not written.
 *
 * Usage: npm run fetch:crds [-- --out <folder>] [--base-url <url>]   (the base URL serves
 * `<repo>/<tag>/<path>`; the default is GitHub's raw file host)
 */
import * as fs from 'fs';
import * as path from 'path';
import { CRD_FILES, crdsDir, sha256 } from './crds';

async function main(argv: string[]): Promise<number> {
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const out = path.resolve(flag('--out') ?? crdsDir());
  const base = (flag('--base-url') ?? 'https://raw.githubusercontent.com').replace(/\/+$/, '');
  const failed: string[] = [];
  for (const f of CRD_FILES) {
    const target = path.join(out, f.file);
    if (fs.existsSync(target) && sha256(fs.readFileSync(target)) === f.sha256) continue;
    const url = `${base}/${f.repo}/${f.tag}/${f.path}`;
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const bytes = Buffer.from(await response.arrayBuffer());
      const got = sha256(bytes);
      if (got !== f.sha256) throw new Error(`sha256 ${got}, expected ${f.sha256}`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, bytes);
      process.stdout.write(`${f.file}: fetched and checked\n`);
    } catch (e) {
      failed.push(`${f.file} from ${url}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  for (const line of failed) process.stderr.write(`not written: ${line}\n`);
  return failed.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(code => { process.exitCode = code; });
}
