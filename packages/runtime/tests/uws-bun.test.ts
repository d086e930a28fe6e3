/**
 * uWebSockets.js and Bun cannot run here: uWebSockets.js ships its native binaries from GitHub,
 * not the npm registry, and Bun's `ServerWebSocket` exists only in the Bun runtime. These tests
 * drive createDisconnectSignals through fakes shaped exactly like each server's documented API
 * (method names, callback signatures, per-socket data), including the documented lifecycle rules
 * a handler must respect, and run the handlers the README shows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDisconnectSignals, DisconnectError } from '../src/index.js';
import type { SessionResult } from '../src/index.js';
import { expectEndedCleanly, expectEndedStuck, serverSessions } from './server-sessions.js';
import type { ServerSessions } from './server-sessions.js';
import { FakeBunServer, FakeUwsApp } from './uws-bun-fakes.js';
import type { BunServerWebSocket, UwsWebSocket } from './uws-bun-fakes.js';

const toRelease: ServerSessions[] = [];
afterEach(() => {
  for (const sessions of toRelease.splice(0)) sessions.release();
});

interface UserData {
  userId: string;
}

/** The uWebSockets.js handler from the README, with the test's session. */
function uwsServer(options: { hung?: boolean } = {}) {
  const sessions = serverSessions('uws_test');
  toRelease.push(sessions);
  const results: Array<Promise<SessionResult>> = [];
  const signals = createDisconnectSignals<UwsWebSocket<UserData>>();
  const app = new FakeUwsApp().ws<UserData>('/live', {
    idleTimeout: 60,
    open(ws) {
      // After close, uWS invalidates `ws`: onStuck must not touch it; the registry never calls it.
      results.push(sessions.serve(signals.open(ws), options));
    },
    close(ws, code, message) {
      signals.close(ws, { code, reason: Buffer.from(message).toString('utf8') });
    },
  });
  return { app, sessions, results, signals };
}

describe('uWebSockets.js behaviour (documented API, faked): the gauge returns to 0', () => {
  it('after a clean close', async () => {
    const { app, sessions, results } = uwsServer();
    const ws = app.accept<UserData>('/live', { userId: 'u1' });
    await sessions.expectGauge(1);
    ws.peerClose(1000, 'bye');
    await expectEndedCleanly(await results[0]!, sessions);
  });

  it('after an abrupt TCP drop (close code 1006)', async () => {
    const { app, sessions, results, signals } = uwsServer();
    const ws = app.accept<UserData>('/live', { userId: 'u1' });
    await sessions.expectGauge(1);
    ws.dropTcp();
    await expectEndedCleanly(await results[0]!, sessions);
    const reason = signals.signal(ws)?.reason as DisconnectError;
    expect(reason.cause).toEqual({ code: 1006, reason: '' });
    expect(() => ws.getUserData()).toThrow(/Invalid access of closed uWS/);
  });

  it('with a hung task that ignores its signal, reporting it to onStuck', async () => {
    const { app, sessions, results } = uwsServer({ hung: true });
    const ws = app.accept<UserData>('/live', { userId: 'u1' });
    await sessions.expectGauge(1);
    ws.peerClose(1001, 'going away');
    await expectEndedStuck(await results[0]!, sessions);
  });

  it('when the server ends the socket itself: end() calls the close handler synchronously', async () => {
    const { app, sessions, results, signals } = uwsServer();
    const ws = app.accept<UserData>('/live', { userId: 'u1' });
    await sessions.expectGauge(1);
    ws.end(4000, 'kicked');
    expect(signals.signal(ws)?.aborted).toBe(true);
    await expectEndedCleanly(await results[0]!, sessions);
  });

  it('keeps sockets apart and passes the user data through', async () => {
    const { app, sessions, results } = uwsServer();
    const first = app.accept<UserData>('/live', { userId: 'u1' });
    const second = app.accept<UserData>('/live', { userId: 'u2' });
    await sessions.expectGauge(2);
    expect(second.getUserData().userId).toBe('u2');
    first.peerClose(1000, '');
    await results[0];
    expect(await sessions.gaugeValue()).toBe(1);
    second.dropTcp();
    await results[1];
    expect(await sessions.gaugeValue()).toBe(0);
  });
});

interface SocketData {
  userId: string;
}

/** The Bun handler from the README, with the test's session. */
function bunServer(options: { hung?: boolean } = {}) {
  const sessions = serverSessions('bun_test');
  toRelease.push(sessions);
  const results: Array<Promise<SessionResult>> = [];
  const signals = createDisconnectSignals<BunServerWebSocket<SocketData>>();
  const server = new FakeBunServer<SocketData>({
    websocket: {
      idleTimeout: 60,
      open(ws) {
        results.push(sessions.serve(signals.open(ws), { ...options, onStuck: () => ws.terminate() }));
      },
      message() {},
      close(ws, code, reason) {
        signals.close(ws, { code, reason });
      },
    },
  });
  return { server, sessions, results, signals };
}

async function bunSession(options: { hung?: boolean } = {}) {
  const bun = bunServer(options);
  const ws = bun.server.upgrade({}, { data: { userId: 'u1' } });
  await bun.sessions.expectGauge(1);
  return { ...bun, ws, result: bun.results[0]! };
}

describe('Bun ServerWebSocket handlers (documented API, faked): the gauge returns to 0', () => {
  it('after a clean close', async () => {
    const { sessions, ws, result, signals } = await bunSession();
    ws.peerClose(1000, 'bye');
    await expectEndedCleanly(await result, sessions);
    expect((signals.signal(ws)?.reason as DisconnectError).cause).toEqual({ code: 1000, reason: 'bye' });
  });

  it('after an abrupt TCP drop (close code 1006)', async () => {
    const { sessions, ws, result } = await bunSession();
    ws.dropTcp();
    await expectEndedCleanly(await result, sessions);
  });

  it('with a hung task that ignores its signal, reporting it to onStuck', async () => {
    const { sessions, ws, result } = await bunSession({ hung: true });
    ws.peerClose(1000, '');
    await expectEndedStuck(await result, sessions);
  });

  it('when the server closes the socket: the session ends once the close handler ran', async () => {
    const { sessions, ws, result, signals } = await bunSession();
    ws.close(1000, 'server shutdown');
    expect(signals.signal(ws)?.aborted).toBe(false); // the handshake is still under way
    await expectEndedCleanly(await result, sessions);
    expect(ws.readyState).toBe(3);
  });
});
