/**
 * The load runner's HTTP/1.1 client against scripted servers on 127.0.0.1 (loopback only): each
 * server answers with exact bytes, split at every position the test names, so the response
 * parser meets each framing (Content-Length, chunked with extensions and trailers, read to the
 * close, 1xx first) cut anywhere. Real Node servers check keep-alive and timeouts.
 */
import * as http from 'http';
import * as net from 'net';
import { AddressInfo } from 'net';
import { Http1Answer, Http1Error, Http1Pool } from '../lib/loadtest/http1';

/** A server that answers each request (one per connection at a time) with the pieces of `answer`, written apart. */
async function scripted(answer: (n: number) => string[], opts: { closeAfter?: boolean } = {}): Promise<{ port: number; requests: string[]; connections: () => number; close: () => Promise<void> }> {
  const requests: string[] = [];
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer(socket => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = '';
    socket.on('data', async d => {
      buf += d.toString('latin1');
      for (;;) {
        const head = buf.indexOf('\r\n\r\n');
        if (head < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buf.slice(0, head))?.[1] ?? 0);
        if (buf.length < head + 4 + length) return;
        requests.push(buf.slice(0, head + 4 + length));
        buf = buf.slice(head + 4 + length);
        for (const piece of answer(requests.length)) {
          socket.write(Buffer.from(piece, 'latin1'));
          // Apart: the client reads each piece on its own.
          await new Promise(resolve => setTimeout(resolve, 2));
        }
        if (opts.closeAfter) socket.end();
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port, requests, connections: () => connections,
    close: () => new Promise(resolve => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** One request through a fresh pool. */
function ask(pool: Http1Pool, id = 'id-1', body = '{"inputs":[]}'): Promise<{ error?: Http1Error; answer?: Http1Answer }> {
  return new Promise(resolve => pool.request(`POST /v2/models/m/infer HTTP/1.1\r\nhost: m.example.com\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${id}\r\n\r\n`, Buffer.from(body),
    (error, answer) => resolve({ error, answer })));
}

/** `text` cut at each of `cuts` (positions). */
function cut(text: string, ...cuts: number[]): string[] {
  const points = [0, ...cuts, text.length];
  return points.slice(1).map((p, i) => text.slice(points[i], p));
}

const BODY = '{"outputs":[{"name":"y"}]}';
const LENGTH_ANSWER = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`;
const CHUNKED_ANSWER = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n${BODY.slice(0, 5)}\r\n${(BODY.length - 5).toString(16)}\r\n${BODY.slice(5)}\r\n0\r\nX-Trailer: t\r\n\r\n`;

describe('Http1Pool', () => {
  test.each([
    ['Content-Length, whole', LENGTH_ANSWER, []],
    ['Content-Length, cut in the status line, the head\'s end and the body', LENGTH_ANSWER, [3, LENGTH_ANSWER.indexOf('\r\n\r\n') + 2, LENGTH_ANSWER.length - 4]],
    ['chunked with an extension and a trailer, whole', CHUNKED_ANSWER, []],
    ['chunked, cut in a size line, inside a chunk, between its CRLF and in the trailer', CHUNKED_ANSWER,
      [CHUNKED_ANSWER.indexOf('5;ext') + 2, CHUNKED_ANSWER.indexOf(BODY.slice(0, 5)) + 2, CHUNKED_ANSWER.indexOf(BODY.slice(5)) + BODY.length - 5 + 1, CHUNKED_ANSWER.length - 5]],
    ['a 100 Continue before the answer', `HTTP/1.1 100 Continue\r\n\r\n${LENGTH_ANSWER}`, [10]],
  ])('%s: the status and the body, and the connection is kept for the next request', async (_, answer, cuts) => {
    const server = await scripted(() => cut(answer, ...cuts));
    const pool = new Http1Pool({ origin: `http://127.0.0.1:${server.port}`, connections: 1, timeoutMs: 5000 });
    try {
      for (const id of ['a', 'b', 'c']) {
        const r = await ask(pool, id);
        expect(r.error).toBeUndefined();
        expect([r.answer!.status, r.answer!.body.toString()]).toEqual([200, BODY]);
      }
      expect(server.connections()).toBe(1);
      expect(server.requests.map(q => /x-request-id: (\S+)/.exec(q)![1])).toEqual(['a', 'b', 'c']);
      expect(server.requests[0]).toBe('POST /v2/models/m/infer HTTP/1.1\r\nhost: m.example.com\r\ncontent-length: 13\r\nx-request-id: a\r\n\r\n{"inputs":[]}');
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  test('an answer read to the close (no length), and Connection: close: a new connection for the next request', async () => {
    for (const answer of [`HTTP/1.1 200 OK\r\n\r\n${BODY}`, `HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy`, `HTTP/1.0 200 OK\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`]) {
      const server = await scripted(() => [answer], { closeAfter: true });
      const pool = new Http1Pool({ origin: `http://127.0.0.1:${server.port}`, connections: 1, timeoutMs: 5000 });
      try {
        const first = await ask(pool, 'a');
        const second = await ask(pool, 'b');
        for (const r of [first, second]) {
          expect(r.error).toBeUndefined();
          expect(r.answer!.status).toBe(Number(answer.slice(9, 12)));
          expect(r.answer!.body.toString()).toBe(answer.slice(answer.indexOf('\r\n\r\n') + 4));
        }
        expect(server.connections()).toBe(2);
      } finally {
        pool.destroy();
        await server.close();
      }
    }
  });

  test('204 and Content-Length: 0 end at the head', async () => {
    const server = await scripted(n => [n === 1 ? 'HTTP/1.1 204 No Content\r\n\r\n' : 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']);
    const pool = new Http1Pool({ origin: `http://127.0.0.1:${server.port}`, connections: 1, timeoutMs: 5000 });
    try {
      expect((await ask(pool)).answer).toEqual({ status: 204, body: Buffer.alloc(0) });
      expect((await ask(pool)).answer).toEqual({ status: 200, body: Buffer.alloc(0) });
      expect(server.connections()).toBe(1);
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  test('not HTTP, a bad chunk size, a body shorter than its Content-Length: failures with a code, and the next request gets a new connection', async () => {
    const answers = ['SSH-2.0-OpenSSH\r\n\r\n', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', `HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n${BODY}`, LENGTH_ANSWER];
    const server = await scripted(n => [answers[n - 1]], {});
    const pool = new Http1Pool({ origin: `http://127.0.0.1:${server.port}`, connections: 1, timeoutMs: 300 });
    try {
      expect((await ask(pool)).error?.code).toBe('EPROTO');
      expect((await ask(pool)).error?.code).toBe('EPROTO');
      // 26 of 100 bytes, then nothing: the timeout.
      const short = await ask(pool);
      expect(short.error?.code).toBe('TIMEOUT');
      const fine = await ask(pool);
      expect(fine.answer?.body.toString()).toBe(BODY);
      expect(server.connections()).toBe(4);
    } finally {
      pool.destroy();
      await server.close();
    }
  });

  test('more requests than connections wait in order, and say that they waited; a refused connection fails with ECONNREFUSED', async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => setTimeout(() => res.end(req.headers['x-request-id']), 20));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const pool = new Http1Pool({ origin: `http://127.0.0.1:${port}`, connections: 2, timeoutMs: 5000 });
    try {
      const order: string[] = [];
      const waited: boolean[] = [];
      await Promise.all(['a', 'b', 'c', 'd', 'e'].map(id => new Promise<void>(resolve => {
        waited.push(pool.request(`POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\nx-request-id: ${id}\r\n\r\n`, Buffer.alloc(0), (error, answer) => {
          expect(error).toBeUndefined();
          order.push(answer!.body.toString());
          resolve();
        }));
      })));
      expect(waited).toEqual([false, false, true, true, true]);
      expect(order.slice(0, 2).sort()).toEqual(['a', 'b']);
      expect(order.slice(2).sort()).toEqual(['c', 'd', 'e']);
      expect(pool.queued).toBe(0);
    } finally {
      pool.destroy();
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    }
    // The same port, now closed: nothing listens there.
    const refused = new Http1Pool({ origin: `http://127.0.0.1:${port}`, connections: 1, timeoutMs: 5000 });
    const r = await ask(refused);
    refused.destroy();
    expect(r.error?.code).toBe('ECONNREFUSED');
  });
});
