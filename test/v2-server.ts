import * as http from 'http';
import { AddressInfo } from 'net';

/** One request the server received. */
export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A v2 inference server on 127.0.0.1 for tests: records requests, answers with `respond`. */
export interface V2Server {
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 (loopback only) on a free port. By default it answers every
 * POST with a v2 response naming the model from the path.
 */
export async function startV2Server(respond?: (r: Received) => { status: number; body: string }): Promise<V2Server> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const model = /^\/v2\/models\/([^/]+)\/infer$/.exec(r.url)?.[1];
      const answer = respond ? respond(r) : model
        ? { status: 200, body: JSON.stringify({ model_name: model, id: r.headers['x-request-id'], outputs: [{ name: 'OUTPUT__0', datatype: 'FP32', shape: [1, 3], data: [0.1, 0.7, 0.2] }] }) }
        : { status: 404, body: JSON.stringify({ error: `no route ${r.url}` }) };
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
