import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createNodeWebSocket } from '@hono/node-ws';
import { Hono } from 'hono';
import type { WSContext } from 'hono/ws';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createDisconnectSignals, DisconnectError, watchWebSocket } from '../src/index.js';
import type { SessionResult } from '../src/index.js';
import { destroyTcp, WATCHED_EVENTS } from './ws-helpers.js';
import { expectEndedCleanly, expectEndedStuck, serverSessions } from './server-sessions.js';
import type { ServerSessions } from './server-sessions.js';

/** How the Hono handler gets its signal: the registry keyed by `ws.raw`, or watchWebSocket(ws.raw). */
type Mode = 'registry' | 'watchWebSocket';

interface HonoServer {
  url: string;
  sessions: ServerSessions;
  /** Session results, one per connection, in open order. */
  results: Array<Promise<SessionResult>>;
  /** watchWebSocket mode: listeners on ws.raw after dispose, per event. */
  listenersAfterDispose: Array<Record<string, number>>;
  /** The signal each session was given, in open order. */
  signals: AbortSignal[];
  /** The WSContext objects Hono passed to onOpen and onClose, for the identity check. */
  contexts: { open: WSContext<WebSocket>[]; close: WSContext<WebSocket>[] };
  close(): Promise<void>;
}

const running: HonoServer[] = [];
const clients: WebSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  for (const server of running.splice(0)) await server.close();
});

async function startHono(mode: Mode, options: { hung?: boolean } = {}): Promise<HonoServer> {
  const sessions = serverSessions('hono_test');
  const results: Array<Promise<SessionResult>> = [];
  const used: AbortSignal[] = [];
  const listenersAfterDispose: Array<Record<string, number>> = [];
  const contexts: HonoServer['contexts'] = { open: [], close: [] };
  const signals = createDisconnectSignals<WebSocket>();

  const app = new Hono();
  const nodeWs = createNodeWebSocket({ app });
  app.get(
    '/live',
    nodeWs.upgradeWebSocket(() => ({
      onOpen(_event, ws) {
        contexts.open.push(ws);
        const raw = ws.raw;
        if (raw === undefined) throw new Error('@hono/node-ws always sets ws.raw');
        if (mode === 'registry') {
          const signal = signals.open(raw);
          used.push(signal);
          results.push(sessions.serve(signal, { ...options, onStuck: () => raw.terminate() }));
        } else {
          const watch = watchWebSocket(raw, { heartbeatMs: 60_000, receiveTimeoutMs: 60_000 });
          used.push(watch.signal);
          results.push(
            sessions
              .serve(watch.signal, { ...options, onStuck: () => raw.terminate() })
              .finally(() => watch.dispose())
              .finally(() => listenersAfterDispose.push(listenerCounts(raw))),
          );
        }
      },
      onClose(event, ws) {
        contexts.close.push(ws);
        // CloseEvent is a DOM type, absent from this project's lib; @hono/node-ws fills code and reason.
        const { code, reason } = event as unknown as { code: number; reason: string };
        if (ws.raw) signals.close(ws.raw, { code, reason });
      },
    })),
  );
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server));
  });
  nodeWs.injectWebSocket(server);
  const { port } = server.address() as AddressInfo;
  const hono: HonoServer = {
    url: `ws://127.0.0.1:${port}/live`,
    sessions,
    results,
    signals: used,
    listenersAfterDispose,
    contexts,
    async close() {
      sessions.release();
      for (const ws of nodeWs.wss.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  running.push(hono);
  return hono;
}

function listenerCounts(ws: WebSocket): Record<string, number> {
  return Object.fromEntries(WATCHED_EVENTS.map((event) => [event, ws.listenerCount(event)]));
}

async function connect(url: string): Promise<WebSocket> {
  const client = new WebSocket(url);
  clients.push(client);
  client.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  return client;
}

async function openSession(mode: Mode, options: { hung?: boolean } = {}) {
  const hono = await startHono(mode, options);
  const client = await connect(hono.url);
  await hono.sessions.expectGauge(1);
  const result = hono.results[0];
  if (!result) throw new Error('onOpen did not start a session');
  return { hono, client, result };
}

describe.each<Mode>(['registry', 'watchWebSocket'])('Hono (@hono/node-ws) with %s: the gauge returns to 0', (mode) => {
  it('after a clean close', async () => {
    const { hono, client, result } = await openSession(mode);
    client.close(1000, 'bye');
    await expectEndedCleanly(await result, hono.sessions);
  });

  it('after an abrupt TCP destroy of the client', async () => {
    const { hono, client, result } = await openSession(mode);
    destroyTcp(client);
    await expectEndedCleanly(await result, hono.sessions);
  });

  it('with a hung task that ignores its signal, reporting it to onStuck', async () => {
    const { hono, client, result } = await openSession(mode, { hung: true });
    client.close(1000);
    await expectEndedStuck(await result, hono.sessions);
  });
});

describe('Hono (@hono/node-ws) callbacks', () => {
  it('pass one context object per connection to onOpen and onClose, whose raw is the ws socket', async () => {
    const { hono, client, result } = await openSession('registry');
    client.close(1000);
    await result;
    await expect.poll(() => hono.contexts.close.length).toBe(1);
    expect(hono.contexts.close[0]).toBe(hono.contexts.open[0]);
    expect(hono.contexts.open[0]?.raw).toBeInstanceOf(WebSocket);
    expect(hono.contexts.close[0]?.raw).toBe(hono.contexts.open[0]?.raw);
  });

  it('watchWebSocket(ws.raw) leaves no listener behind on the raw socket after dispose', async () => {
    const { hono, client, result } = await openSession('watchWebSocket');
    destroyTcp(client);
    await result;
    // Only what was there without the watch: Hono's message, close and error handlers and the
    // WebSocketServer's client-tracking close handler. The watch's four are gone.
    await expect.poll(() => hono.listenersAfterDispose).toEqual([{ close: 2, error: 1, pong: 0, message: 1 }]);
  });

  it('the registry’s reason carries the close code and reason Hono reports', async () => {
    const { hono, client, result } = await openSession('registry');
    client.close(4001, 'kicked');
    await result;
    const reason: unknown = hono.signals[0]?.reason;
    expect(reason).toBeInstanceOf(DisconnectError);
    expect((reason as DisconnectError).code).toBe('close');
    expect((reason as DisconnectError).cause).toEqual({ code: 4001, reason: 'kicked' });
  });
});
