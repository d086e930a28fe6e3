/**
 * Both servers in one process (each has its own prom-client Registry), through their public
 * `startServer` API: stats, `/metrics`, a normal session, the leaky gauge's early-return bug, close.
 */
import { get } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { SessionCensus } from '@ghostguard/runtime';
import { FakeUpstream } from '../src/fake-upstream.js';
import { startServer as startLeaky } from '../src/leaky-server.js';
import type { PusherServer } from '../src/pusher-http.js';
import { startServer as startSupervised, type SupervisedServerOptions } from '../src/supervised-server.js';

const POLL_MS = 50;

function fetchText(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.once('error', reject);
    }).once('error', reject);
  });
}

function connect(port: number, query: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/listen${query}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

/** Polls `stats()` until `done` holds; bounded, fails with the last value seen. */
async function waitForStats(server: PusherServer, done: (stats: Awaited<ReturnType<PusherServer['stats']>>) => boolean): Promise<void> {
  let last = await server.stats();
  for (let attempt = 0; attempt < 200 && !done(last); attempt++) {
    await delay(25);
    last = await server.stats();
  }
  expect(done(last), JSON.stringify(last)).toBe(true);
}

// The leaky server ignores the supervised-only options.
const servers: ['leaky' | 'supervised', (options: SupervisedServerOptions) => Promise<PusherServer>][] = [
  ['leaky', startLeaky],
  ['supervised', startSupervised],
];

describe.each(servers)('%s server', (kind, startServer) => {
  let upstream: FakeUpstream;
  let server: PusherServer;

  beforeAll(async () => {
    upstream = await FakeUpstream.start(0);
    server = await startServer({ upstreamUrl: upstream.url, pollIntervalMs: POLL_MS, drainTimeoutMs: 200, forceTimeoutMs: 200 });
  });

  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it('streams frames to the upstream and serves its metrics on /metrics', async () => {
    const clients = await Promise.all([1, 2, 3].map((n) => connect(server.port, `?uid=user-${n}`)));
    await waitForStats(server, (stats) => stats.gauge === 3 && stats.liveSockets === 3);
    for (const ws of clients) {
      ws.send(Buffer.alloc(320));
      ws.send(JSON.stringify({ type: 'transcript', segments: [{ text: 'hello', startMs: 0, endMs: 500 }] }));
    }
    // One upload and one webhook per client once the pollers have run.
    await waitForStats(server, () => upstream.answered >= 6);

    const metrics = await fetchText(server.port, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^pusher_active_connections 3$/m);
    if (kind === 'leaky') expect(metrics.body).toContain('pusher_frames_received_total{user_id="user-1",kind="audio"} 1');
    else expect(metrics.body).toMatch(/^pusher_frames_received_total\{kind="audio"\} 3$/m);
    expect((await fetchText(server.port, '/nope')).status).toBe(404);

    // The live census: the supervised server's three sessions; the leaky server's handlers are not sessions.
    const debug = await fetchText(server.port, '/debug/sessions');
    expect(debug.status).toBe(200);
    const census = JSON.parse(debug.body) as SessionCensus;
    if (kind === 'leaky') {
      expect(census.total).toBe(0);
    } else {
      expect(census).toMatchObject({ total: 3, byState: { running: 3 } });
      expect(census.sessions.every((session) => session.label === 'pusher' && session.tasks.some((task) => task.name === 'receive'))).toBe(true);
    }

    await Promise.all(clients.map((ws) => (ws.close(1000), closed(ws))));
    await waitForStats(server, (stats) => stats.gauge === 0 && stats.openHandlers === 0 && stats.liveBackgroundTasks === 0);
    const stats = await server.stats();
    expect(stats.handlerEnd.count).toBe(3);
    expect(stats.loggedErrors).toBe(0);
    if (kind === 'supervised') {
      expect((await fetchText(server.port, '/metrics')).body).toMatch(/^async_supervisor_exit_total\{label="pusher",reason="disconnect"\} 3$/m);
    }
  });

  it(kind === 'leaky' ? 'leaks a gauge increment when it turns a client away (inc() before the try)' : 'turns a client without a user id away without touching the gauge', async () => {
    const before = (await server.stats()).gauge;
    const ws = await connect(server.port, '');
    expect(await closed(ws)).toBe(4001);
    await waitForStats(server, (stats) => stats.liveSockets === 0);
    expect((await server.stats()).gauge).toBe(kind === 'leaky' ? before + 1 : before);
  });
});
