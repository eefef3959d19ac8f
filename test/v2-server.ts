import * as http from 'http';
import { AddressInfo } from 'net';
import { performance } from 'perf_hooks';

/** One request the server received, and how it answered. */
export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** When it arrived (performance.now() of this process). */
  readonly arrivedAt: number;
  /** The client's port: one per connection. */
  readonly clientPort: number;
  /** The status it answered with (set when it answers). */
  status?: number;
  /** Milliseconds from the request's arrival to the end of its answer, as the server saw it. */
  serverMs?: number;
}

/** How the server behaves. */
export interface V2ServerOptions {
  /** Milliseconds each request takes once it is being worked on, or a function of its number (from 1, in order of arrival). */
  readonly latencyMs?: number | ((n: number) => number);
  /**
   * The share of requests that fail, 0 to 1, spread evenly and deterministically: request n
   * (counted from 1 in order of arrival) fails when floor(n × rate) > floor((n − 1) × rate).
   */
  readonly errorRate?: number;
  /**
   * The status of a failed request.
   *
   * @default 503
   */
  readonly errorStatus?: number;
  /** At most this many requests are worked on at once; the others wait in order (one replica's capacity). */
  readonly workers?: number;
}

/** A v2 inference server on 127.0.0.1 for tests: records requests, answers with `respond`. */
export interface V2Server {
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  /** The most requests the server held at once (from arrival to answer). */
  readonly peakInFlight: () => number;
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 (loopback only) on a free port. By default it answers every
 * POST with a v2 response naming the model from the path.
 */
export async function startV2Server(respond?: (r: Received) => { status: number; body: string }, options: V2ServerOptions = {}): Promise<V2Server> {
  const received: Received[] = [];
  const waiting: (() => void)[] = [];
  let busy = 0;
  let inFlight = 0;
  let peak = 0;
  const acquire = (): Promise<void> => {
    if (options.workers === undefined || busy < options.workers) {
      busy++;
      return Promise.resolve();
    }
    return new Promise(resolve => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else busy--;
  };
  const server = http.createServer((req, res) => {
    const arrived = performance.now();
    peak = Math.max(peak, ++inFlight);
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', async () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), arrivedAt: arrived, clientPort: req.socket.remotePort ?? 0 };
      received.push(r);
      const n = received.length;
      const rate = options.errorRate ?? 0;
      const failing = Math.floor(n * rate) > Math.floor((n - 1) * rate);
      await acquire();
      const latency = typeof options.latencyMs === 'function' ? options.latencyMs(n) : options.latencyMs;
      if (latency) await new Promise(resolve => setTimeout(resolve, latency));
      const model = /^\/v2\/models\/([^/]+)\/infer$/.exec(r.url)?.[1];
      const answer = failing ? { status: options.errorStatus ?? 503, body: JSON.stringify({ error: 'injected failure' }) }
        : respond ? respond(r) : model
          ? { status: 200, body: JSON.stringify({ model_name: model, id: r.headers['x-request-id'], outputs: [{ name: 'OUTPUT__0', datatype: 'FP32', shape: [1, 3], data: [0.1, 0.7, 0.2] }] }) }
          : { status: 404, body: JSON.stringify({ error: `no route ${r.url}` }) };
      r.status = answer.status;
      r.serverMs = performance.now() - arrived;
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      inFlight--;
      res.end(answer.body);
      release();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    peakInFlight: () => peak,
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Closes the servers a test started (those it did not start are undefined). */
export async function closeAll(...servers: ({ close(): Promise<void> } | undefined)[]): Promise<void> {
  for (const s of servers) await s?.close();
}
