/**
 * The load runner's HTTP/1.1 client: a fixed number of keep-alive connections to one origin,
 * one request at a time on each (no pipelining), requests beyond them queued in order.
 *
 * It does only what a load test needs, with as little work per request as a client can do: the
 * request head is one string and the body one Buffer written together, and the response is
 * parsed in place (status line, `Content-Length`, `Transfer-Encoding: chunked`, `Connection:
 * close`, bodies read to the end of the connection, 1xx responses skipped). undici, which the
 * runner used before, spent 1.3 to 2 times autocannon's CPU per request on loopback and reached
 * half its throughput on one connection; this client reaches autocannon's (docs/benchmarks.md).
 */
import * as net from 'net';
import * as tls from 'tls';

/** Where and how to connect. */
export interface Http1PoolOptions {
  /** `http://host:port` or `https://host:port`. */
  readonly origin: string;
  /** The most connections open at once. */
  readonly connections: number;
  /** Milliseconds from a request's start on a connection (connecting included) to its whole answer. */
  readonly timeoutMs: number;
  /** TLS: the server name sent in SNI. */
  readonly servername?: string;
  /** TLS: accept any certificate. */
  readonly insecure?: boolean;
}

/** A complete answer. */
export interface Http1Answer {
  readonly status: number;
  readonly body: Buffer;
}

/** A failed exchange: `code` is the socket's (`ECONNREFUSED`, a TLS code), `TIMEOUT` or `EPROTO`. */
export type Http1Error = Error & { code?: string };

/** Called once per request: with an error, or with the answer. */
export type Http1Callback = (error: Http1Error | undefined, answer?: Http1Answer) => void;

interface Exchange {
  readonly head: string;
  readonly body: Buffer;
  readonly done: Http1Callback;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** Requests up to this size are copied into one buffer and written at once; larger bodies are written as they are. */
const SMALL_BODY = 16 * 1024;
/** A response head larger than this is an error (a server that sends no end of head). */
const MAX_HEAD = 64 * 1024;

enum Body { NONE, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE }

function failure(message: string, code: string): Http1Error {
  return Object.assign(new Error(message), { code });
}

/** One keep-alive connection and the state of the response it is reading. */
class Connection {
  private socket?: net.Socket;
  private exchange?: Exchange;
  /** Fires `timeoutMs` after the current exchange started (refreshed by each start). */
  private readonly timer: NodeJS.Timeout;
  private startedAt = 0;
  /** Set while onData parses: an answer completed there is delivered once the data is read. */
  private parsing = false;
  private answered?: { readonly exchange: Exchange; readonly answer: Http1Answer };
  // Parser state.
  private pending: Buffer | undefined;
  private state = Body.NONE;
  private inHead = true;
  private status = 0;
  private remaining = 0;
  private closeAfter = false;
  private chunks: Buffer[] = [];

  public constructor(private readonly pool: Http1Pool) {
    this.timer = setTimeout(() => this.timedOut(), pool.options.timeoutMs);
    this.timer.unref();
  }

  public start(exchange: Exchange): void {
    this.exchange = exchange;
    this.inHead = true;
    this.state = Body.NONE;
    this.chunks = [];
    this.pending = undefined;
    this.startedAt = performance.now();
    this.timer.refresh();
    const socket = this.socket ?? this.connect();
    if (exchange.body.length <= SMALL_BODY) {
      // One buffer, one write(2): cheaper than a writev of two for a small request.
      const head = Buffer.byteLength(exchange.head, 'latin1');
      const out = Buffer.allocUnsafe(head + exchange.body.length);
      out.write(exchange.head, 0, 'latin1');
      exchange.body.copy(out, head);
      socket.write(out);
    } else {
      socket.cork();
      socket.write(exchange.head, 'latin1');
      socket.write(exchange.body);
      socket.uncork();
    }
  }

  public destroy(): void {
    clearTimeout(this.timer);
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(): net.Socket {
    const url = new URL(this.pool.options.origin);
    const https = url.protocol === 'https:';
    const port = Number(url.port || (https ? 443 : 80));
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const socket = https
      ? tls.connect({ host, port, servername: this.pool.options.servername, rejectUnauthorized: !this.pool.options.insecure, ALPNProtocols: ['http/1.1'] })
      : net.connect({ host, port });
    socket.setNoDelay(true);
    socket.on('data', data => this.onData(socket, data));
    socket.on('error', error => this.onClose(socket, error as Http1Error));
    socket.on('close', () => this.onClose(socket, failure('the server closed the connection', 'ECONNRESET')));
    this.socket = socket;
    return socket;
  }

  private timedOut(): void {
    if (!this.exchange) return;
    // A timer counts from the event loop's cached time, which can be a little behind: wait out
    // the rest, so that no request times out before timeoutMs.
    const left = this.startedAt + this.pool.options.timeoutMs - performance.now();
    if (left > 0) {
      const exchange = this.exchange;
      setTimeout(() => {
        if (this.exchange === exchange) this.timedOut();
      }, Math.ceil(left)).unref();
      return;
    }
    this.fail(failure(`no whole answer within ${this.pool.options.timeoutMs} ms`, 'TIMEOUT'));
  }

  private onClose(socket: net.Socket, error: Http1Error): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    socket.destroy();
    if (!this.exchange) return;
    if (!this.inHead && this.state === Body.UNTIL_CLOSE && error.code === 'ECONNRESET') this.complete();
    else this.fail(error);
  }

  private fail(error: Http1Error): void {
    const exchange = this.exchange!;
    this.exchange = undefined;
    this.socket?.destroy();
    this.socket = undefined;
    this.pool.released(this);
    exchange.done(error);
  }

  private complete(): void {
    const exchange = this.exchange!;
    this.exchange = undefined;
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.answered = { exchange, answer: { status: this.status, body } };
    if (!this.parsing) this.deliver();
  }

  /** Hands the answer over; the connection then takes the next queued request, or waits. */
  private deliver(): void {
    const { exchange, answer } = this.answered!;
    this.answered = undefined;
    if (this.closeAfter) {
      this.socket?.destroy();
      this.socket = undefined;
    }
    // Released first: a closed-loop client's next request, sent from `done`, finds it idle.
    this.pool.released(this);
    exchange.done(undefined, answer);
  }

  private onData(socket: net.Socket, data: Buffer): void {
    if (socket !== this.socket) return;
    if (!this.exchange) {
      // Bytes while no request is out: the connection is no longer in step; drop it.
      this.socket = undefined;
      socket.destroy();
      return;
    }
    const buf = this.pending ? Buffer.concat([this.pending, data]) : data;
    this.pending = undefined;
    this.parsing = true;
    try {
      this.parse(socket, buf);
    } finally {
      this.parsing = false;
    }
    if (this.answered) this.deliver();
  }

  /** Reads what arrived for the current exchange; bytes past its answer drop the connection. */
  private parse(socket: net.Socket, buf: Buffer): void {
    let at = 0;
    while (this.exchange && at < buf.length) {
      if (this.inHead) {
        const end = buf.indexOf(HEAD_END, at);
        if (end < 0) {
          if (buf.length - at > MAX_HEAD) return this.fail(failure('a response head over 64 KiB', 'EPROTO'));
          break;
        }
        if (!this.readHead(buf.toString('latin1', at, end))) return;
        at = end + 4;
        continue;
      }
      switch (this.state) {
        case Body.LENGTH: {
          const take = Math.min(this.remaining, buf.length - at);
          this.chunks.push(buf.subarray(at, at + take));
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case Body.UNTIL_CLOSE:
          this.chunks.push(buf.subarray(at));
          at = buf.length;
          break;
        case Body.CHUNK_SIZE:
        case Body.TRAILERS: {
          const end = buf.indexOf(CRLF, at);
          if (end < 0) {
            if (buf.length - at > MAX_HEAD) return this.fail(failure('a chunk size line over 64 KiB', 'EPROTO'));
            this.pending = buf.subarray(at);
            return;
          }
          const line = buf.toString('latin1', at, end);
          at = end + 2;
          if (this.state === Body.TRAILERS) {
            if (line === '') this.complete();
            break;
          }
          const size = parseInt(line, 16);
          if (!Number.isFinite(size) || !/^[0-9a-fA-F]+/.test(line)) return this.fail(failure(`a bad chunk size: ${line.slice(0, 40)}`, 'EPROTO'));
          if (size === 0) this.state = Body.TRAILERS;
          else {
            this.remaining = size;
            this.state = Body.CHUNK_DATA;
          }
          break;
        }
        case Body.CHUNK_DATA: {
          const take = Math.min(this.remaining, buf.length - at);
          this.chunks.push(buf.subarray(at, at + take));
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = Body.CHUNK_END;
          break;
        }
        case Body.CHUNK_END:
          if (buf.length - at < 2) {
            this.pending = buf.subarray(at);
            return;
          }
          at += 2;
          this.state = Body.CHUNK_SIZE;
          break;
        default:
          break;
      }
    }
    if (this.inHead && this.exchange && at < buf.length) this.pending = buf.subarray(at);
    else if (this.answered && at < buf.length) {
      // More than one answer to one request: the connection is out of step.
      this.closeAfter = true;
      if (socket === this.socket) this.socket = undefined;
      socket.destroy();
    }
  }

  /** Reads a response head; false when it failed the exchange. */
  private readHead(head: string): boolean {
    const lines = head.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]);
    if (!m) {
      this.fail(failure(`not an HTTP/1.x response: ${lines[0].slice(0, 60)}`, 'EPROTO'));
      return false;
    }
    const status = Number(m[2]);
    if (status >= 100 && status < 200) return true; // 100 Continue and the like: the answer follows.
    let length: number | undefined;
    let chunked = false;
    let close = m[1] === '0';
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon <= 0) continue;
      const name = lines[i].slice(0, colon).trim().toLowerCase();
      const value = lines[i].slice(colon + 1).trim().toLowerCase();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.split(',').map(v => v.trim()).includes('chunked');
      else if (name === 'connection') close = value.split(',').map(v => v.trim()).includes('close') || (m[1] === '0' && !value.includes('keep-alive'));
    }
    this.status = status;
    this.closeAfter = close;
    this.inHead = false;
    this.chunks = [];
    if (status === 204 || status === 304) {
      this.complete();
    } else if (chunked) {
      this.state = Body.CHUNK_SIZE;
    } else if (length !== undefined) {
      if (!Number.isInteger(length) || length < 0) {
        this.fail(failure(`a bad Content-Length: ${length}`, 'EPROTO'));
        return false;
      }
      this.remaining = length;
      this.state = Body.LENGTH;
      if (length === 0) this.complete();
    } else {
      this.closeAfter = true;
      this.state = Body.UNTIL_CLOSE;
    }
    return true;
  }
}

/** A fixed set of keep-alive connections to one origin. */
export class Http1Pool {
  private readonly all: Connection[] = [];
  private readonly idle: Connection[] = [];
  private readonly queue: Exchange[] = [];
  private queueHead = 0;
  private destroyed = false;

  public constructor(public readonly options: Http1PoolOptions) {}

  /** Requests waiting for a free connection. */
  public get queued(): number {
    return this.queue.length - this.queueHead;
  }

  /**
   * Sends one request: `head` is the request line and headers up to and including the blank
   * line, `body` what follows. Returns whether it had to wait for a free connection.
   */
  public request(head: string, body: Buffer, done: Http1Callback): boolean {
    const exchange: Exchange = { head, body, done };
    const connection = this.idle.pop() ?? (this.all.length < this.options.connections ? this.open() : undefined);
    if (connection) {
      connection.start(exchange);
      return false;
    }
    this.queue.push(exchange);
    return true;
  }

  /** Called by a connection when its exchange ended: the next queued request goes on it. */
  public released(connection: Connection): void {
    if (this.destroyed) return;
    if (this.queueHead < this.queue.length) {
      const next = this.queue[this.queueHead++];
      if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        this.queue.splice(0, this.queueHead);
        this.queueHead = 0;
      }
      connection.start(next);
    } else {
      this.idle.push(connection);
    }
  }

  /** Closes every connection; requests still queued fail. */
  public destroy(): void {
    this.destroyed = true;
    for (const c of this.all) c.destroy();
    const left = this.queue.slice(this.queueHead);
    this.queue.length = 0;
    this.queueHead = 0;
    for (const e of left) e.done(failure('the pool was closed', 'ECANCELED'));
  }

  private open(): Connection {
    const c = new Connection(this);
    this.all.push(c);
    return c;
  }
}
