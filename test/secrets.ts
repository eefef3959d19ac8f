/**
 * Secret values for tests, and the scanner that proves none of them (nor anything shaped like
 * a real Azure credential) reaches a file outside the explicit plaintext opt-in.
 *
 * `npm test` runs every test with TMPDIR pointing at one folder (test/global-setup.ts); when the
 * run ends, test/global-teardown.ts scans that folder, `dist/` and `.readme-examples/` with
 * `scanForSecrets` and fails the run on any finding.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { PLAINTEXT_OPT_IN_ANNOTATION } from '../lib';

/**
 * The only values tests use as secrets: fake, and unlikely anywhere else, so a match is a leak.
 * The client secret has the shape of an Entra ID client secret and the access key that of a
 * storage account key, so the shape detectors below see them too.
 */
export const CANARY_ENVIRONMENT: Record<string, string> = {
  AZURE_SUBSCRIPTION_ID: 'canary-subscription-7d41c2',
  AZURE_TENANT_ID: 'canary-tenant-3f9a6e',
  AZURE_CLIENT_ID: 'canary-client-b58e10',
  AZURE_CLIENT_SECRET: 'Cny8Q~canary.client-secret_0123456789abcd',
  AZURE_STORAGE_ACCESS_KEY: `${Buffer.from('canary storage account key: '.repeat(3).slice(0, 64)).toString('base64')}`,
};

/** A deterministic value with the layout of kubeseal output (4096-bit key): not decryptable by anything. */
export function fakeSealedValue(seed: string): string {
  const bytes = Buffer.alloc(2 + 512 + 48);
  bytes.writeUInt16BE(512, 0);
  for (let i = 2, block = 0; i < bytes.length; block++) {
    const digest = createHash('sha256').update(`${seed}/${block}`).digest();
    i += digest.copy(bytes, i);
  }
  return bytes.toString('base64');
}

/** One secret found where it must not be. */
export interface Leak {
  readonly file: string;
  /** What was found: a canary key name or a detector name. Never the value itself. */
  readonly what: string;
}

/** Shapes of real Azure credentials and other secrets, for values no test planted. */
const DETECTORS: [string, RegExp][] = [
  ['Entra ID client secret', /[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}/],
  // 64 bytes in base64; npm's sha512 integrity hashes have the same length and are not secrets.
  ['storage account key', /(?<![A-Za-z0-9+/]|sha512-)[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])/],
  ['storage connection string', /AccountKey=[A-Za-z0-9+/=]{20,}/],
  ['SAS signature', /[?&]sig=[A-Za-z0-9%+/=]{16,}/],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

/** The forms a value takes in files: as is, base64 (Secret `data`), URL-encoded. */
function encodings(value: string): string[] {
  return [...new Set([value, Buffer.from(value).toString('base64'), encodeURIComponent(value)])];
}

function leaksIn(text: string, file: string): Leak[] {
  const found: Leak[] = [];
  for (const [key, value] of Object.entries(CANARY_ENVIRONMENT)) {
    if (encodings(value).some(e => text.includes(e))) found.push({ file, what: `canary ${key}` });
  }
  for (const [name, re] of DETECTORS) if (re.test(text)) found.push({ file, what: name });
  return found;
}

/** A `kind: Secret` in block or flow style, quoted or not: a file without one holds no Secret object. */
const MAY_HOLD_A_SECRET = /\bkind["']?\s*:\s*["']?Secret\b/;

/** Whether a YAML document is a Secret written through the plaintext opt-in. */
function optedIn(obj: any): boolean {
  return obj?.kind === 'Secret' && typeof obj?.metadata?.annotations?.[PLAINTEXT_OPT_IN_ANNOTATION] === 'string';
}

/** The leaks of one file. Secrets written through the opt-in may hold values; nothing else may. */
export function scanFile(file: string, text: string): Leak[] {
  if (text.includes('\u0000')) return [];
  // Only a Secret document can be exempt or be a leak by its shape; a file with no Secret in it
  // is scanned as text, without the YAML parse (most of the scan's time over a test run).
  if (!/\.ya?ml$/.test(file) || !MAY_HOLD_A_SECRET.test(text)) return leaksIn(text, file);
  const found: Leak[] = [];
  let docs: YAML.Document[];
  try {
    docs = YAML.parseAllDocuments(text) as YAML.Document[];
  } catch {
    return leaksIn(text, file);
  }
  for (const doc of docs) {
    const obj = doc.toJS?.();
    if (optedIn(obj)) continue;
    if (obj?.kind === 'Secret' && (Object.keys(obj.data ?? {}).length > 0 || Object.keys(obj.stringData ?? {}).length > 0)) {
      found.push({ file, what: `Secret ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''} with values but without the ${PLAINTEXT_OPT_IN_ANNOTATION} annotation` });
    }
    found.push(...leaksIn(String(doc), file));
  }
  return found;
}

/** Every leak in the files under `roots` (missing roots are skipped). */
export function scanForSecrets(roots: string[]): Leak[] {
  const leaks: Leak[] = [];
  const walk = (p: string) => {
    const stat = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!stat || stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      if (path.basename(p) === 'node_modules') return;
      for (const entry of fs.readdirSync(p)) walk(path.join(p, entry));
    } else if (stat.isFile()) {
      leaks.push(...scanFile(p, fs.readFileSync(p, 'utf8')));
    }
  };
  for (const root of roots) walk(root);
  return leaks;
}
