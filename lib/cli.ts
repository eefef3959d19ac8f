/**
 * The package CLI, `cdk8s-kserve`:
 *
 * ```sh
 * npx cdk8s-kserve infer <url> --host <Host header> --model <name> --data <request.json>
 * npx cdk8s-kserve loadtest <url> --from dist/prod --rate 50 --duration 60
 * npx cdk8s-kserve synth fleet.yaml          # lib/fleet/cli.ts, loaded by the bin for this command only
 * ```
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import { randomUUID } from 'crypto';
import { KnativeMetric } from './contract/knative-metric';
import { AutoscalingAdvice, formatAdvice } from './loadtest/advice';
import { LOAD_COMPONENTS, LOAD_TARGETS_FILE, LoadComponent, LoadTargetsDocument, LoadTargetsEntry } from './contract/load-targets';
import { MergeError, mergeResults } from './loadtest/merge';
import { adviceFromSaturation, LATE_MS, LoadTestError, loadTestProblems, LoadTestOptions, LoadTestProgress, LoadTestResult, percentile, runLoadTest, runSaturation, SaturationResult } from './loadtest/runner';
import { loadTestReport } from './loadtest/report';
import { PodCount, PodSamplingOptions } from './loadtest/pod-sampler';
import { checkInferenceRequest } from './contract/signature';
import { defaultResultsDir } from './contract/output-folder';
import { SYNTH_USAGE } from './contract/synth-usage';

/** Where the CLI writes. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const INFER_USAGE = `usage: cdk8s-kserve infer <url> --model <name> --data <request.json> [options]

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

const LOADTEST_USAGE = `usage: cdk8s-kserve loadtest <url> (--from <folder> | --model <name> --data <file>) [options]

Sends the example v2 request to <url> (the ingress gateway, or a port forwarded to it) at a fixed
rate or concurrency, prints progress every second, counts the InferenceService's ready pods with
kubectl when it reaches a cluster, and writes result.json and report.html (plots) to --out.

target:
  --from <folder>         an output folder of synth (dist/prod): host, path and example request from
                          its ${LOAD_TARGETS_FILE}
  --isvc <name>           the InferenceService (namespace/name if two share a name; default: the only one)
  --component <part>      entry (default: the InferenceService host), transformer or predictor
  --host, --model, --data, --path   as for infer; without --from they give the target, with it they override
  --no-check              send the body even if it breaks the v2 rules
load (bounded: --duration, --count or both):
  --rate <rps>            requests per second, started on schedule (open loop)
  --connections <n>       with --rate: most requests in flight (default 100); alone: clients that each
                          send again as soon as they are answered (closed loop, default 10)
  --duration <seconds>    how long to send (default 30 unless --count)
  --count <n>             how many requests to send
  --ramp-up <seconds>     reach full load over this part of --duration: the rate grows evenly from 0,
                          or the clients start one after another (default 0)
  --timeout <seconds>     a request taking longer is a failure (default 30)
  --ids <file>            request ids, one per line, used in turn (default: a UUID per request), sent
                          as x-request-id and ce-id
  --insecure              https: accept a self-signed gateway certificate (SNI is the Host header)
Ctrl-C stops sending, waits for the requests in flight and writes the results (exit 130).
pass or fail (exit 1 when missed):
  --max-error-rate <0-1>  share of failed requests allowed (default 0.01)
  --slo-p95 <ms>          p95 latency objective
pods (counted every --pod-interval seconds, default 5):
  --namespace <ns>        without --from: the namespace of --isvc, whose pods are counted
  --no-pods               do not run kubectl
  --kubectl <path>, --kubeconfig <file>, --context <name>
output:
  --out <folder>          where result.json and report.html go (default loadtest-results; run
                          inside a synth output folder, beside it: ../../loadtest-results/prod);
                          --out - prints result.json between two marker lines instead, for
                          \`cdk8s-kserve loadtest merge\` to read from a runner's log
  --id-prefix <prefix>    request ids <prefix>1, <prefix>2, ... instead of UUIDs (each runner of
                          a merged test its own)
merge: cdk8s-kserve loadtest merge <result>... [--out <folder>] (--help for more)
saturation (one replica, minReplicas = maxReplicas = 1; needs --slo-p95):
  --steps <r1,r2,...>     ascending rates, each for --duration seconds (default 30); stops after the
                          first step past the objective
  --peak-rps <rps>        print autoscaling advice (component props) for this peak rate
  --baseline-rps <rps>    quiet-time rate, for minReplicas (default 0)
  --metric <m>            concurrency (default) or rps
  --scale-to-zero         allow minReplicas 0
`;

const USAGE = `${INFER_USAGE}\n${LOADTEST_USAGE}\n${SYNTH_USAGE}`;

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

class UsageError extends Error {
  /** The usage text to print with it. */
  public usage = USAGE;
}

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

/** Reads a request body file, checked against the v2 rules unless `check` is false. */
function readRequestFile(file: string, check: boolean, option = '--data'): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${option} ${file}: ${(e as Error).message}`);
  }
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${option} ${file} is not JSON: ${(e as Error).message}`);
  }
  if (check) {
    const problems = checkInferenceRequest(request);
    if (problems.length > 0) {
      throw new UsageError(`${option} ${file} breaks the v2 rules (--no-check sends it anyway):\n${problems.map(p => `  ${p.field} (${JSON.stringify(p.value)}) ${p.expected}`).join('\n')}`);
    }
  }
  return text;
}

async function infer(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help')) {
    io.out(INFER_USAGE);
    return 0;
  }
  let args: InferArgs;
  try {
    args = parseInferArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) e.usage = INFER_USAGE;
    throw e;
  }
  const text = readRequestFile(args.data!, args.check);
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

// ---- loadtest ---------------------------------------------------------------------------------

/** Options of `loadtest`: each flag and the kind of value it takes. */
const LOADTEST_FLAGS = {
  '--from': 'string', '--isvc': 'string', '--component': 'string', '--host': 'string', '--model': 'string', '--data': 'string', '--path': 'string',
  '--rate': 'number', '--connections': 'number', '--duration': 'number', '--count': 'number', '--timeout': 'number', '--ids': 'string', '--ramp-up': 'number',
  '--max-error-rate': 'number', '--slo-p95': 'number',
  '--namespace': 'string', '--pod-interval': 'number', '--kubectl': 'string', '--kubeconfig': 'string', '--context': 'string',
  '--out': 'string', '--id-prefix': 'string', '--steps': 'string', '--peak-rps': 'number', '--baseline-rps': 'number', '--metric': 'string',
  '--no-check': 'flag', '--no-pods': 'flag', '--scale-to-zero': 'flag', '--insecure': 'flag',
} as const;

type LoadtestFlags = { -readonly [K in keyof typeof LOADTEST_FLAGS]?: (typeof LOADTEST_FLAGS)[K] extends 'number' ? number : (typeof LOADTEST_FLAGS)[K] extends 'flag' ? boolean : string };

/** Parses `loadtest` arguments; all problems at once. */
function parseLoadtestArgs(argv: string[]): { url: string; flags: LoadtestFlags } {
  const flags: Record<string, unknown> = {};
  const positional: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const kind = (LOADTEST_FLAGS as Record<string, string>)[a];
    if (kind === undefined) {
      if (a.startsWith('--')) problems.push(`unknown option ${a}`);
      else positional.push(a);
      continue;
    }
    if (kind === 'flag') { flags[a] = true; continue; }
    const v = argv[++i];
    if (v === undefined) { problems.push(`${a} needs a value`); continue; }
    if (kind === 'number') {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) problems.push(`${a} (${v}) must be a number`);
      else flags[a] = n;
    } else {
      flags[a] = v;
    }
  }
  if (positional.length !== 1) problems.push(`give exactly one <url>${positional.length > 1 ? ` (got ${positional.join(', ')})` : ''}`);
  else if (!/^https?:\/\/[^/\s]+\/?$/.test(positional[0])) problems.push(`<url> (${positional[0]}) must be http:// or https:// and a host[:port], without a path`);
  const f = flags as LoadtestFlags;
  if (f['--from'] === undefined && f['--data'] === undefined) problems.push('give --from <folder> (an output folder of synth) or --data <request.json>');
  if (f['--from'] === undefined && f['--data'] !== undefined && f['--model'] === undefined && f['--path'] === undefined) problems.push('give --model (or --path) with --data');
  if (f['--component'] !== undefined && !LOAD_COMPONENTS.includes(f['--component'] as LoadComponent)) problems.push(`--component (${f['--component']}) must be one of ${LOAD_COMPONENTS.join(', ')}`);
  if (f['--metric'] !== undefined && !['concurrency', 'rps'].includes(f['--metric'])) problems.push(`--metric (${f['--metric']}) must be concurrency or rps`);
  if (f['--max-error-rate'] !== undefined && !(f['--max-error-rate'] >= 0 && f['--max-error-rate'] < 1)) problems.push(`--max-error-rate (${f['--max-error-rate']}) must be from 0 to below 1`);
  if (f['--slo-p95'] !== undefined && !(f['--slo-p95'] > 0)) problems.push(`--slo-p95 (${f['--slo-p95']}) must be a positive number of milliseconds`);
  if (f['--ids'] !== undefined && f['--id-prefix'] !== undefined) problems.push('give --ids or --id-prefix, not both');
  if (f['--id-prefix'] !== undefined && /[\s,]/.test(f['--id-prefix'])) problems.push(`--id-prefix (${f['--id-prefix']}) must have no spaces or commas`);
  if (f['--pod-interval'] !== undefined && !(f['--pod-interval'] >= 1)) problems.push(`--pod-interval (${f['--pod-interval']}) must be at least 1 second`);
  if (f['--steps'] !== undefined) {
    const rates = f['--steps'].split(',').map(Number);
    if (rates.some(r => !(r > 0))) problems.push(`--steps (${f['--steps']}) must be request rates separated by commas, such as 10,20,40`);
    if (f['--rate'] !== undefined || f['--count'] !== undefined || f['--ramp-up'] !== undefined) problems.push('--steps sets the rates and runs each step for --duration: leave out --rate, --count and --ramp-up');
    if (f['--slo-p95'] === undefined) problems.push('--steps needs --slo-p95 <ms>, the objective that finds the saturation point');
  } else {
    for (const only of ['--peak-rps', '--baseline-rps', '--metric', '--scale-to-zero'] as const) {
      if (f[only] !== undefined) problems.push(`${only} goes with --steps (a saturation run)`);
    }
  }
  if (f['--peak-rps'] !== undefined && !(f['--peak-rps'] > 0)) problems.push(`--peak-rps (${f['--peak-rps']}) must be positive`);
  if (f['--baseline-rps'] !== undefined && !(f['--baseline-rps'] >= 0)) problems.push(`--baseline-rps (${f['--baseline-rps']}) must be 0 or more`);
  problems.push(...loadProblemsOf(f));
  if (problems.length > 0) {
    const e = new UsageError(problems.join('\n'));
    e.usage = LOADTEST_USAGE;
    throw e;
  }
  return { url: positional[0].replace(/\/+$/, ''), flags: f };
}

/** The runner's own checks of the load flags, in the CLI's terms. */
function loadProblemsOf(f: LoadtestFlags): string[] {
  const names: Record<string, string> = { rate: '--rate', connections: '--connections', durationSeconds: '--duration', count: '--count', timeoutSeconds: '--timeout', rampUpSeconds: '--ramp-up' };
  const durationSeconds = f['--duration'] ?? (f['--count'] === undefined ? 30 : undefined);
  return loadTestProblems({ rate: f['--rate'], connections: f['--connections'], durationSeconds, count: f['--count'], timeoutSeconds: f['--timeout'], rampUpSeconds: f['--ramp-up'] })
    .map(p => p.replace(/\b(rate|connections|durationSeconds|count|timeoutSeconds|rampUpSeconds)\b/g, m => names[m]));
}

/** The InferenceService of a targets file that `--isvc` names (or the only one). */
function pickInferenceService(doc: LoadTargetsDocument, isvc: string | undefined, file: string): LoadTargetsEntry {
  const all = doc.inferenceServices;
  const names = all.map(i => `${i.namespace}/${i.name}`).join(', ');
  if (isvc === undefined) {
    if (all.length === 1) return all[0];
    throw new UsageError(`${file} has ${all.length} InferenceServices (${names}): give --isvc`);
  }
  const matches = all.filter(i => (isvc.includes('/') ? `${i.namespace}/${i.name}` : i.name) === isvc);
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new UsageError(`--isvc ${isvc}: ${file} has ${names || 'no InferenceService'}`);
  throw new UsageError(`--isvc ${isvc} names ${matches.length} InferenceServices in ${file} (${names}): give namespace/name`);
}

/** What the CLI sends, and whose pods it counts. */
interface LoadtestTarget {
  readonly path: string;
  readonly host?: string;
  readonly body: string;
  readonly bodyFile: string;
  readonly label: string;
  readonly pods?: Omit<PodSamplingOptions, 'intervalSeconds' | 'kubectl' | 'kubeconfig' | 'context'>;
}

function resolveTarget(f: LoadtestFlags): LoadtestTarget {
  const check = !f['--no-check'];
  const component = (f['--component'] ?? 'entry') as LoadComponent;
  if (f['--from'] !== undefined) {
    const file = path.join(f['--from'], LOAD_TARGETS_FILE);
    let doc: LoadTargetsDocument;
    try {
      doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new UsageError(`--from ${f['--from']}: cannot read ${file} (${(e as Error).message}); synth writes it beside ENDPOINTS.md`);
    }
    const isvc = pickInferenceService(doc, f['--isvc'], file);
    const target = isvc.targets[component];
    if (!target) throw new UsageError(`--component ${component}: ${isvc.namespace}/${isvc.name} has ${Object.keys(isvc.targets).join(', ')}`);
    const bodyFile = f['--data'] ?? (target.request && path.join(f['--from'], target.request));
    if (bodyFile === undefined) throw new UsageError(`${isvc.namespace}/${isvc.name} has no example request for ${component} (no model signature): give --data`);
    return {
      path: f['--path'] ?? (f['--model'] ? `/v2/models/${encodeURIComponent(f['--model'])}/infer` : target.path),
      host: f['--host'] ?? target.host,
      body: readRequestFile(bodyFile, check),
      bodyFile,
      label: `${isvc.namespace}/${isvc.name} ${component}`,
      pods: { namespace: isvc.namespace, inferenceService: isvc.name, components: isvc.podComponents },
    };
  }
  const bodyFile = f['--data']!;
  const isvcName = f['--isvc'] ?? f['--model'];
  return {
    path: f['--path'] ?? `/v2/models/${encodeURIComponent(f['--model']!)}/infer`,
    host: f['--host'],
    body: readRequestFile(bodyFile, check),
    bodyFile,
    label: f['--host'] ?? f['--model'] ?? f['--path']!,
    pods: f['--namespace'] !== undefined && isvcName !== undefined
      ? { namespace: f['--namespace'], inferenceService: isvcName, components: ['transformer', 'predictor'] }
      : undefined,
  };
}

/** Request ids from a file, one per line, in turn. */
function idsFrom(file: string): () => string {
  let lines: string[];
  try {
    lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).map(l => l.trim()).filter(l => l !== '');
  } catch (e) {
    throw new UsageError(`--ids ${file}: ${(e as Error).message}`);
  }
  if (lines.length === 0) throw new UsageError(`--ids ${file} has no ids (one per line)`);
  let i = 0;
  return () => lines[i++ % lines.length];
}

const f1 = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(1));

function podsText(pods: PodCount | undefined): string {
  if (!pods) return '';
  return `  pods ready/all ${Object.keys(pods.ready).map(c => `${c} ${pods.ready[c]}/${pods.total[c]}`).join(', ')}`;
}

function progressLine(p: LoadTestProgress, prefix = ''): string {
  return `${prefix}${String(p.second).padStart(4)} s  sent ${p.sent}  ok ${p.ok}  failed ${p.failed}  in flight ${p.inFlight}  ${p.rps} rps  p95 ${f1(p.p95Ms)} ms${podsText(p.pods)}\n`;
}

/** The figures of one run, as lines. */
function summaryText(r: LoadTestResult): string {
  const lines = [
    `${r.requests.sent} sent, ${r.requests.completed} answered, ${r.requests.ok} ok, ${r.requests.failed} failed in ${r.elapsedSeconds.toFixed(2)} s: ${f1(r.throughput.rps)} rps (${f1(r.throughput.okRps)} ok)`,
  ];
  const l = r.latencyMs;
  lines.push(l ? `latency ms (${l.count} ok): min ${f1(l.min)}, mean ${f1(l.mean)}, p50 ${f1(l.p50)}, p90 ${f1(l.p90)}, p95 ${f1(l.p95)}, p99 ${f1(l.p99)}, max ${f1(l.max)}` : 'latency: no successful response');
  const statuses = Object.entries(r.statusCodes);
  if (statuses.length > 0) lines.push(`HTTP status: ${statuses.map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  const errors = Object.entries(r.errors);
  if (errors.length > 0) lines.push(`failures: ${errors.map(([k, v]) => `${k} ×${v}`).join(', ')} (first: x-request-id ${r.failures[0].requestId})`);
  if (r.waitedForConnection > 0) lines.push(`${r.waitedForConnection} requests waited for one of the ${r.load.connections} connections: the server fell behind the rate (or raise --connections); their latency includes the wait`);
  if (r.clientLimited) lines.push(`client limited: this machine sent requests over ${LATE_MS} ms late (send lag p99 ${f1(r.sendLagMs?.p99)} ms): the load offered was less even than asked; use fewer requests per second per runner`);
  if (r.aborted) lines.push(`stopped early: ${r.aborted}`);
  if (r.interrupted) lines.push('interrupted: the figures cover the requests sent until then');
  if (r.pods.sampled && r.pods.samples.length > 0) {
    const range = (c: string, key: 'ready' | 'total') => {
      const v = r.pods.samples.map(s => s[key][c]);
      const [lo, hi] = [Math.min(...v), Math.max(...v)];
      return lo === hi ? `${lo}` : `${lo}–${hi}`;
    };
    lines.push(`pods ready (all) over ${r.pods.samples.length} samples: ${r.pods.components.map(c => `${c} ${range(c, 'ready')} (${range(c, 'total')})`).join(', ')}${r.pods.note ? `; ${r.pods.note}` : ''}`);
  } else {
    lines.push(r.pods.note ?? 'pods not counted');
  }
  return `${lines.join('\n')}\n`;
}

const MERGE_USAGE = `usage: cdk8s-kserve loadtest merge <result>... [--out <folder>]

Merges the results of runners that loaded the same target at the same time (the pods of the
in-cluster load test Job, each at its share of the rate) into one result.json and report.html:
counts added, latency percentiles from the runners' histograms added together. Each <result> is
a result.json, or a runner's log (kubectl logs) holding one after \`--out -\`.
  --out <folder>   where the merged result.json and report.html go (default loadtest-results/merged)
`;

/** The LoadTestResult in a result.json or a runner's log; a problem line when there is none. */
function readResult(file: string): LoadTestResult | string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`;
  }
  const begin = text.lastIndexOf(`${RESULT_BEGIN}\n`);
  const json = begin >= 0 ? text.slice(begin + RESULT_BEGIN.length + 1, text.indexOf(`\n${RESULT_END}`, begin)) : text;
  let doc: any;
  try {
    doc = JSON.parse(json);
  } catch {
    return `${file}: neither a result.json nor a log with one between "${RESULT_BEGIN}" and "${RESULT_END}" (a runner still running, or one that failed?)`;
  }
  if (doc?.kind === 'saturation') return `${file}: a saturation run; merge load tests`;
  const result = doc?.kind === 'loadtest' ? doc.result : doc;
  if (!result?.requests || !result?.target) return `${file}: not a load test result`;
  return result as LoadTestResult;
}

async function loadtestMerge(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help')) {
    io.out(MERGE_USAGE);
    return 0;
  }
  const problems: string[] = [];
  const files: string[] = [];
  let outDir = path.join('loadtest-results', 'merged');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') {
      if (argv[i + 1] === undefined) problems.push('--out needs a value');
      else outDir = argv[++i];
    } else if (argv[i].startsWith('--')) {
      problems.push(`unknown option ${argv[i]}`);
    } else {
      files.push(argv[i]);
    }
  }
  if (files.length === 0) problems.push('give the results to merge: result.json files or runners\' logs');
  const read = files.map(readResult);
  problems.push(...read.filter((r): r is string => typeof r === 'string'));
  if (problems.length > 0) {
    io.err(`cdk8s-kserve: ${problems.join('\n')}\n\n${MERGE_USAGE}`);
    return 2;
  }
  let merged: LoadTestResult;
  try {
    merged = mergeResults(read as LoadTestResult[]);
  } catch (e) {
    if (!(e instanceof MergeError)) throw e;
    io.err(`cdk8s-kserve: ${e.problems.join('\n')}\n`);
    return 2;
  }
  const command = `cdk8s-kserve loadtest merge ${argv.join(' ')}`;
  io.out(`merged ${files.length} runners: ${merged.target.url}${merged.target.path}${merged.target.host ? ` (Host: ${merged.target.host})` : ''}\n`);
  io.out(summaryText(merged));
  writeResults(io, outDir, {
    json: { kind: 'loadtest', command, target: `${merged.target.host ?? merged.target.url}${merged.target.path}`, merged: files, result: merged },
    html: loadTestReport({ title: `Load test, ${files.length} runners merged: ${merged.target.host ?? merged.target.url}`, subtitle: command, result: merged }),
  });
  return 0;
}

async function loadtest(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === 'merge') return loadtestMerge(argv.slice(1), io);
  // Ctrl-C stops sending, waits for the requests in flight and writes the results; twice quits.
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    io.err('\ninterrupted: waiting for the requests in flight, then writing the results (Ctrl-C again quits)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await loadtestRun(argv, io, controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Request ids `<prefix>1`, `<prefix>2`, ...: one runner's own range. */
function counted(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

async function loadtestRun(argv: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  if (argv.includes('--help')) {
    io.out(LOADTEST_USAGE);
    return 0;
  }
  const { url, flags: f } = parseLoadtestArgs(argv);
  const target = resolveTarget(f);
  const outDir = f['--out'] ?? defaultResultsDir(process.cwd());
  const pods = f['--no-pods'] || !target.pods ? undefined : {
    ...target.pods,
    intervalSeconds: f['--pod-interval'],
    kubectl: f['--kubectl'],
    kubeconfig: f['--kubeconfig'],
    context: f['--context'],
  };
  const common: Omit<LoadTestOptions, 'onProgress'> = {
    request: { url, path: target.path, host: target.host, body: target.body },
    connections: f['--connections'],
    timeoutSeconds: f['--timeout'],
    requestIds: f['--ids'] !== undefined ? idsFrom(f['--ids']) : f['--id-prefix'] !== undefined ? counted(f['--id-prefix']) : undefined,
    pods,
    signal,
    insecure: f['--insecure'],
  };
  const command = `cdk8s-kserve loadtest ${argv.join(' ')}`;
  io.out(`POST ${url}${target.path}${target.host ? ` (Host: ${target.host})` : ''} with ${target.bodyFile}\n`);
  // Why pods are not counted, when the run does not try: said on the console, in result.json and in the report.
  const noPods = pods ? undefined : `pods not counted: ${f['--no-pods'] ? '--no-pods' : 'no InferenceService (give --from, or --isvc and --namespace)'}`;
  const noted = (r: LoadTestResult): LoadTestResult => (noPods ? { ...r, pods: { ...r.pods, note: noPods } } : r);
  if (noPods) io.out(`${noPods}\n`);

  if (f['--steps'] !== undefined) {
    const rates = f['--steps'].split(',').map(Number);
    const stepSeconds = f['--duration'] ?? 30;
    io.out(`saturation run: ${rates.join(', ')} requests per second, ${stepSeconds} s each, objective p95 ≤ ${f['--slo-p95']} ms\n`);
    const measuredRun = await runSaturation({
      ...common, rates, stepSeconds, sloP95Ms: f['--slo-p95']!, maxErrorRate: f['--max-error-rate'],
      onProgress: (i, p) => io.err(progressLine(p, `[${rates[i]} rps] `)),
      onStep: s => io.out(`step ${s.offeredRps} rps: ${f1(s.step.achievedRps)} answered per second, p95 ${f1(s.step.p95Ms)} ms, ${f1(s.step.errorRate * 100)} % failed${s.problem ? ` — past saturation: ${s.problem}` : ''}${s.result.clientLimited ? ' (client limited)' : ''}\n`),
    });
    const run: SaturationResult = { ...measuredRun, steps: measuredRun.steps.map(s => ({ ...s, result: noted(s.result) })) };
    const last = run.steps[run.steps.length - 1].result;
    if (last.aborted) {
      io.err(`cdk8s-kserve: ${last.aborted}\n`);
      return 2;
    }
    const measured = run.steps.filter(s => !s.result.interrupted);
    const maxPods = Math.max(0, ...run.steps.flatMap(s => s.result.pods.samples.flatMap(p => Object.values(p.ready))));
    if (maxPods > 1) io.out(`warning: up to ${maxPods} pods of a component were ready; the advice assumes one replica (set minReplicas and maxReplicas to 1 for the run)\n`);
    let advice: AutoscalingAdvice | undefined;
    let adviceProblem: string | undefined;
    if (f['--peak-rps'] !== undefined) {
      try {
        advice = adviceFromSaturation(run, {
          peakRps: f['--peak-rps'], baselineRps: f['--baseline-rps'], allowScaleToZero: f['--scale-to-zero'],
          metric: f['--metric'] === 'rps' ? KnativeMetric.RPS : KnativeMetric.CONCURRENCY,
        });
        io.out(`\nautoscaling advice for a peak of ${f['--peak-rps']} rps (component props):\n${formatAdvice(advice)}\n`);
      } catch (e) {
        adviceProblem = (e as Error).message;
        io.out(`\nno advice: ${adviceProblem}\n`);
      }
    } else if (!measured.some(s => !s.problem)) {
      adviceProblem = 'no step met the objective';
    } else {
      adviceProblem = 'give --peak-rps for autoscaling advice';
    }
    if (!last.interrupted && run.steps.every(s => s.problem === undefined)) io.out(`note: no step reached saturation; add higher rates to --steps to find it\n`);
    writeResults(io, outDir, {
      json: { kind: 'saturation', command, target: target.label, saturation: run, ...(advice ? { advice } : {}), ...(adviceProblem ? { adviceProblem } : {}) },
      html: loadTestReport({ title: `Saturation run: ${target.label}`, subtitle: command, saturation: run, advice, adviceProblem }),
    });
    if (last.interrupted) return 130;
    return measured.some(s => !s.problem) && !(f['--peak-rps'] !== undefined && !advice) ? 0 : 1;
  }

  const mode = f['--rate'] !== undefined ? `${f['--rate']} requests per second` : `${f['--connections'] ?? 10} concurrent clients`;
  const bounds = [f['--duration'] !== undefined || f['--count'] === undefined ? `${f['--duration'] ?? 30} s` : undefined, f['--count'] !== undefined ? `${f['--count']} requests` : undefined].filter(x => x).join(' or ');
  io.out(`${mode}, for ${bounds}${f['--ramp-up'] ? `, reached over ${f['--ramp-up']} s` : ''}\n`);
  const result = noted(await runLoadTest({
    ...common, rate: f['--rate'], durationSeconds: f['--duration'], count: f['--count'], rampUpSeconds: f['--ramp-up'],
    onProgress: p => io.err(progressLine(p)),
  }));
  io.out(summaryText(result));
  writeResults(io, outDir, {
    json: { kind: 'loadtest', command, target: target.label, result },
    html: loadTestReport({ title: `Load test: ${target.label}`, subtitle: command, result }),
  });
  if (result.aborted) {
    io.err(`cdk8s-kserve: ${result.aborted}\n`);
    return 2;
  }
  if (result.interrupted) return 130;
  const verdicts: string[] = [];
  const maxErrorRate = f['--max-error-rate'] ?? 0.01;
  const rate = result.requests.sent === 0 ? 0 : result.requests.failed / result.requests.sent;
  if (rate > maxErrorRate) verdicts.push(`${(rate * 100).toFixed(2)} % of requests failed (allowed: ${maxErrorRate * 100} %)`);
  if (f['--slo-p95'] !== undefined && !((result.latencyMs?.p95 ?? Infinity) <= f['--slo-p95'])) verdicts.push(`p95 ${f1(result.latencyMs?.p95)} ms is over the objective of ${f['--slo-p95']} ms`);
  for (const v of verdicts) io.out(`FAIL: ${v}\n`);
  return verdicts.length > 0 ? 1 : 0;
}

/** The lines around result.json when `--out -` prints it (an in-cluster runner's log): `loadtest merge` reads between them. */
export const RESULT_BEGIN = '----- cdk8s-kserve result.json -----';
export const RESULT_END = '----- end of result.json -----';

function writeResults(io: CliIo, outDir: string, files: { json: unknown; html: string }): void {
  if (outDir === '-') {
    // Into the log, for `loadtest merge`: one line of JSON between two marker lines.
    io.out(`${RESULT_BEGIN}\n${JSON.stringify(files.json)}\n${RESULT_END}\n`);
    return;
  }
  fs.mkdirSync(outDir, { recursive: true });
  const json = path.join(outDir, 'result.json');
  const html = path.join(outDir, 'report.html');
  fs.writeFileSync(json, `${JSON.stringify(files.json, null, 2)}\n`);
  fs.writeFileSync(html, files.html);
  io.out(`wrote ${json} and ${html}\n`);
}

/**
 * Runs the CLI on `argv` (without `node` and the script).
 *
 * @returns the exit code: 0 success, 1 failed requests (or a missed objective), 2 bad usage or no connection,
 *   130 a load test stopped with Ctrl-C (its results written)
 */
export async function runCli(argv: string[], io: CliIo = { out: t => process.stdout.write(t), err: t => process.stderr.write(t) }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'infer') return await infer(rest, io);
    if (command === 'loadtest') return await loadtest(rest, io);
    if (command === undefined || command === '--help' || command === 'help') {
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command ${command}`);
  } catch (e) {
    if (e instanceof LoadTestError) {
      io.err(`cdk8s-kserve: ${e.message}\n\n${LOADTEST_USAGE}`);
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`cdk8s-kserve: ${e.message}\n\n${e.usage}`);
      return 2;
    }
    io.err(`cdk8s-kserve: ${(e as Error).message}\n`);
    return 2;
  }
}
