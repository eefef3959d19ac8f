/**
 * Who held a fixed-rate run back: the server (every connection busy, requests wait for one) or
 * the runner itself (its event loop late, requests leaving after their time). Against v2 servers
 * on 127.0.0.1 (loopback only; each run bounded). In a file of their own, one at a time: the
 * second test holds up the event loop on purpose.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runLoadTest } from '../lib/loadtest';
import { startV2Server } from './v2-server';

const EXAMPLE = fs.readFileSync(path.resolve(__dirname, '..', 'dist', 'prod', 'example_inputs', 'test.json'), 'utf8');
const PATH = '/v2/models/test/infer';

test('a server that falls behind: requests wait for a connection, counted apart; the runner is not called client limited', async () => {
  // One request at a time, 25 ms each (40 per second), offered 100 per second over 2 connections.
  const server = await startV2Server(undefined, { latencyMs: 25, workers: 1 });
  try {
    const r = await runLoadTest({ request: { url: server.url, path: PATH, body: EXAMPLE }, rate: 100, connections: 2, durationSeconds: 1 });
    expect(r.requests.sent).toBe(100);
    expect(r.waitedForConnection).toBeGreaterThan(50);
    expect(r.clientLimited).toBe(false);
    // Their latency includes the wait: the queue shows (the last request waits some 1.5 s).
    expect(r.latencyMs!.max).toBeGreaterThan(1000);
  } finally {
    await server.close();
  }
}, 20_000);

test('a runner whose event loop is held up: requests leave late, and the result says client limited', async () => {
  const server = await startV2Server(undefined, { latencyMs: 5 });
  try {
    // 300 ms into a 1.5 s run at 200 per second, this process is busy for 200 ms: some 40
    // requests leave up to 200 ms late, with every connection free.
    setTimeout(() => {
      const until = performance.now() + 200;
      while (performance.now() < until) { /* busy */ }
    }, 300);
    const r = await runLoadTest({ request: { url: server.url, path: PATH, body: EXAMPLE }, rate: 200, durationSeconds: 1.5 });
    expect(r.requests.sent).toBe(300);
    expect(r.waitedForConnection).toBe(0);
    expect(r.clientLimited).toBe(true);
    expect(r.sendLagMs!.max).toBeGreaterThan(150);
  } finally {
    await server.close();
  }
}, 20_000);
