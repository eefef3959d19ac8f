/**
 * The package CLI, `cdk8s-kserve`:
 *
 * ```sh
 * npx cdk8s-kserve infer <url> --host <Host header> --model <name> --data <request.json>
 * ```
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import { randomUUID } from 'crypto';
import { checkInferenceRequest } from './signature';

/** Where the CLI writes. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const USAGE = `usage: cdk8s-kserve infer <url> --model <name> --data <request.json> [options]

Sends a v2 inference request (POST <url>/v2/models/<name>/infer) and prints the response and
the latency. <url> is the ingress gateway (http://$INGRESS_HOST:$INGRESS_PORT) or a forwarded port.

options:
  --host <host>        Host header: the InferenceService's or a component's host (ENDPOINTS.md)
  --model <name>       model name in the path (the InferenceService name)
  --data <file>        the request body, such as example_inputs/<name>.json (checked against the v2 rules)
  --path <path>        another path instead of /v2/models/<name>/infer
  --request-id <id>    x-request-id and ce-id header (default: a new UUID per request)
  --count <n>          send n requests one after another and print latency figures (default 1)
  --timeout <seconds>  give up on a request after this long (default 30)
  --no-check           send the body even if it breaks the v2 rules
`;

interface InferArgs {
  url: string;
  host?: string;
  model?: string;
  data?: string;
  path?: string;
  requestId?: string;
  count: number;
  timeoutSeconds: number;
  check: boolean;
}

class UsageError extends Error {}

function parseInferArgs(argv: string[]): InferArgs {
  const args: Partial<InferArgs> & { count: number; timeoutSeconds: number; check: boolean } = { count: 1, timeoutSeconds: 30, check: true };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--host': args.host = value(); break;
      case '--model': args.model = value(); break;
      case '--data': args.data = value(); break;
      case '--path': args.path = value(); break;
      case '--request-id': args.requestId = value(); break;
      case '--count': args.count = Number(value()); break;
      case '--timeout': args.timeoutSeconds = Number(value()); break;
      case '--no-check': args.check = false; break;
      default:
        if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
        positional.push(a);
    }
  }
  if (positional.length !== 1) throw new UsageError('give exactly one <url>');
  if (!/^https?:\/\/[^/\s]+/.test(positional[0])) throw new UsageError(`<url> (${positional[0]}) must start with http:// or https://`);
  if (args.path === undefined && args.model === undefined) throw new UsageError('give --model (or --path)');
  if (args.data === undefined) throw new UsageError('give --data <request.json>');
  if (!(Number.isInteger(args.count) && args.count >= 1 && args.count <= 10000)) throw new UsageError('--count must be a whole number from 1 to 10000');
  if (!(args.timeoutSeconds > 0)) throw new UsageError('--timeout must be a positive number of seconds');
  return { ...args, url: positional[0] } as InferArgs;
}

/** One HTTP exchange. */
interface Exchange {
  readonly status: number;
  readonly body: string;
  readonly millis: number;
}

function post(url: URL, headers: Record<string, string>, body: Buffer, timeoutSeconds: number): Promise<Exchange> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = client.request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) }, timeout: timeoutSeconds * 1000 }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode ?? 0,
        body: Buffer.concat(chunks).toString('utf8'),
        millis: Number(process.hrtime.bigint() - start) / 1e6,
      }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutSeconds} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A readable summary of a v2 response's outputs, or undefined when it is not one. */
function describeOutputs(body: string): string | undefined {
  try {
    const json = JSON.parse(body);
    if (!Array.isArray(json.outputs)) return undefined;
    return json.outputs.map((o: any) => `  ${o.name} ${o.datatype} ${JSON.stringify(o.shape)}: ${JSON.stringify(o.data).slice(0, 200)}`).join('\n');
  } catch {
    return undefined;
  }
}

async function infer(argv: string[], io: CliIo): Promise<number> {
  const args = parseInferArgs(argv);
  let text: string;
  try {
    text = fs.readFileSync(args.data!, 'utf8');
  } catch (e) {
    throw new UsageError(`--data ${args.data}: ${(e as Error).message}`);
  }
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--data ${args.data} is not JSON: ${(e as Error).message}`);
  }
  if (args.check) {
    const problems = checkInferenceRequest(request);
    if (problems.length > 0) {
      throw new UsageError(`--data ${args.data} breaks the v2 rules (--no-check sends it anyway):\n${problems.map(p => `  ${p.field} (${JSON.stringify(p.value)}) ${p.expected}`).join('\n')}`);
    }
  }
  const base = args.url.replace(/\/+$/, '');
  const url = new URL(base + (args.path ?? `/v2/models/${encodeURIComponent(args.model!)}/infer`));
  const body = Buffer.from(text);
  io.out(`POST ${url.href}${args.host ? ` (Host: ${args.host})` : ''}\n`);
  const latencies: number[] = [];
  let failures = 0;
  let last: Exchange | undefined;
  for (let i = 0; i < args.count; i++) {
    const id = args.requestId ?? randomUUID();
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'x-request-id': id, 'ce-id': id };
    if (args.host) headers.Host = args.host;
    last = await post(url, headers, body, args.timeoutSeconds);
    latencies.push(last.millis);
    const ok = last.status >= 200 && last.status < 300;
    if (!ok) failures++;
    if (args.count > 1) io.out(`${i + 1}/${args.count} HTTP ${last.status} ${last.millis.toFixed(1)} ms (x-request-id ${id})\n`);
    else io.out(`HTTP ${last.status} in ${last.millis.toFixed(1)} ms (x-request-id ${id})\n`);
  }
  const outputs = describeOutputs(last!.body);
  io.out(`${outputs !== undefined ? `outputs:\n${outputs}` : last!.body}\n`);
  if (args.count > 1) {
    const sorted = [...latencies].sort((a, b) => a - b);
    io.out(`${args.count} requests, ${failures} failed; latency ms: min ${sorted[0].toFixed(1)}, p50 ${percentile(sorted, 50).toFixed(1)}, p90 ${percentile(sorted, 90).toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)}\n`);
  }
  return failures > 0 ? 1 : 0;
}

/**
 * Runs the CLI on `argv` (without `node` and the script).
 *
 * @returns the exit code: 0 success, 1 an HTTP error status, 2 bad usage or no connection
 */
export async function runCli(argv: string[], io: CliIo = { out: t => process.stdout.write(t), err: t => process.stderr.write(t) }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'infer') return await infer(rest, io);
    if (command === undefined || command === '--help' || command === 'help') {
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command ${command}`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cdk8s-kserve: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`cdk8s-kserve: ${(e as Error).message}\n`);
    return 2;
  }
}
