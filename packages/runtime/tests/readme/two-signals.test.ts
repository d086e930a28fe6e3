/**
 * Why the READMEs' handlers pass `session.signal` (not the task's own `signal`) to a receive loop.
 *
 * A receive loop written around the signal it is given, on a real `ws` server: after an abrupt
 * disconnect (TCP destroyed, no close frame), `session.signal` aborts at once, but a task's own
 * signal is aborted only when the drain's grace period (`drainTimeoutMs`, 30 000 by default) is
 * over, because sessions drain with `cancel: false`. So a loop around the task signal keeps the
 * connection gauge at 1 for the whole grace period; one around `session.signal` ends at once.
 * (The grace period is shortened to 3 s here; with the default it is 30 s.)
 */
import { on } from 'node:events';
import { Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { superviseSession, watchWebSocket } from '../../src/index.js';
import type { SessionResult } from '../../src/index.js';
import { destroyTcp, startWsServer, type TestWsServer } from '../ws-helpers.js';

const GRACE_MS = 3_000;

/** A receive loop written around its signal: echoes until the signal aborts. */
async function receiveLoop(ws: import('ws').WebSocket, signal: AbortSignal): Promise<void> {
  try {
    for await (const [data] of on(ws, 'message', { signal })) ws.send(String(data));
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

let server: TestWsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function disconnectToGaugeZero(which: 'task' | 'session'): Promise<{ ms: number; result: SessionResult }> {
  server = await startWsServer();
  const registry = new Registry();
  const gauge = new Gauge({ name: 'two_signals_connections', help: 'open', registers: [registry] });
  const sessionEnded = new Promise<SessionResult>((resolve) => {
    server!.server.on('connection', (ws) => {
      const watch = watchWebSocket(ws, { heartbeatMs: 60_000 });
      void superviseSession({ label: 'two-signals', signal: watch.signal, gauge, drainTimeoutMs: GRACE_MS }, (session) => {
        session.lifetime('receive', (signal) => receiveLoop(ws, which === 'task' ? signal : session.signal));
      })
        .then(resolve)
        .finally(() => watch.dispose());
    });
  });
  const client = await server.connect();
  client.send('hello');
  await new Promise((resolve) => client.once('message', resolve));
  expect((await gauge.get()).values[0]?.value).toBe(1);
  const start = performance.now();
  destroyTcp(client);
  const result = await sessionEnded;
  const ms = performance.now() - start;
  expect((await gauge.get()).values[0]?.value).toBe(0);
  return { ms, result };
}

describe('the two signals of a session, on a real ws server', () => {
  it("a receive loop around the task's own signal holds the gauge for the whole grace period", async () => {
    const { ms, result } = await disconnectToGaugeZero('task');
    expect(result.exit.reason).toBe('disconnect');
    expect(result.drain).toMatchObject({ timedOut: true, cancelled: 1 });
    expect(ms).toBeGreaterThanOrEqual(GRACE_MS - 50);
  });

  it('a receive loop around session.signal ends at once', async () => {
    const { ms, result } = await disconnectToGaugeZero('session');
    expect(result.exit.reason).toBe('disconnect');
    expect(result.drain).toMatchObject({ timedOut: false, completed: 1 });
    expect(ms).toBeLessThan(1_000);
  });
});
