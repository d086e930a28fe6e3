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

// ---------------------------------------------------------------------------------------------
// uWebSockets.js (index.d.ts of v20): WebSocket<UserData>, WebSocketBehavior<UserData>.
// ---------------------------------------------------------------------------------------------

type RecognizedString = string | ArrayBuffer | Uint8Array;

/** `uWS.WebSocket<UserData>`: "valid from open to close event". */
interface UwsWebSocket<UserData> {
  send(message: RecognizedString, isBinary?: boolean, compress?: boolean): number;
  /** Gracefully closes this WebSocket. Immediately calls the close handler. */
  end(code?: number, shortMessage?: RecognizedString): void;
  /** Forcefully closes this WebSocket. Immediately calls the close handler. */
  close(): void;
  getBufferedAmount(): number;
  getUserData(): UserData;
}

/** `uWS.WebSocketBehavior<UserData>` (the members these handlers use). */
interface UwsWebSocketBehavior<UserData> {
  idleTimeout?: number;
  sendPingsAutomatically?: boolean;
  open?: (ws: UwsWebSocket<UserData>) => void | Promise<void>;
  message?: (ws: UwsWebSocket<UserData>, message: ArrayBuffer, isBinary: boolean) => void | Promise<void>;
  close?: (ws: UwsWebSocket<UserData>, code: number, message: ArrayBuffer) => void;
}

const encoder = new TextEncoder();
const toArrayBuffer = (text: string): ArrayBuffer => encoder.encode(text).buffer;

class FakeUwsWebSocket<UserData> implements UwsWebSocket<UserData> {
  readonly #behavior: UwsWebSocketBehavior<UserData>;
  readonly #userData: UserData;
  #closed = false;

  constructor(behavior: UwsWebSocketBehavior<UserData>, userData: UserData) {
    this.#behavior = behavior;
    this.#userData = userData;
  }

  send(): number {
    this.#assertValid();
    return 1;
  }

  end(code = 1000, shortMessage: RecognizedString = ''): void {
    this.#assertValid();
    this.#fireClose(code, typeof shortMessage === 'string' ? toArrayBuffer(shortMessage) : new ArrayBuffer(0));
  }

  close(): void {
    this.#assertValid();
    this.#fireClose(1006, new ArrayBuffer(0));
  }

  getBufferedAmount(): number {
    this.#assertValid();
    return 0;
  }

  getUserData(): UserData {
    this.#assertValid();
    return this.#userData;
  }

  /** Driver: the peer sent a close frame. */
  peerClose(code: number, reason: string): void {
    this.#fireClose(code, toArrayBuffer(reason));
  }

  /** Driver: the TCP connection dropped (or idleTimeout expired): uWS reports code 1006. */
  dropTcp(): void {
    this.#fireClose(1006, new ArrayBuffer(0));
  }

  /** The close handler runs with a still-valid socket; afterwards every access throws, as in uWS. */
  #fireClose(code: number, message: ArrayBuffer): void {
    if (this.#closed) return;
    try {
      this.#behavior.close?.(this, code, message);
    } finally {
      this.#closed = true;
    }
  }

  #assertValid(): void {
    if (this.#closed) throw new Error('Invalid access of closed uWS.WebSocket/SSLWebSocket.');
  }
}

/** `uWS.App()`: only `ws(pattern, behavior)`, plus a driver standing in for `res.upgrade(userData, …)`. */
class FakeUwsApp {
  readonly #routes = new Map<string, UwsWebSocketBehavior<never>>();

  ws<UserData>(pattern: string, behavior: UwsWebSocketBehavior<UserData>): this {
    this.#routes.set(pattern, behavior);
    return this;
  }

  /** Driver: an upgraded connection on `pattern` with `userData`; runs the behavior's open. */
  accept<UserData>(pattern: string, userData: UserData): FakeUwsWebSocket<UserData> {
    const behavior = this.#routes.get(pattern) as UwsWebSocketBehavior<UserData> | undefined;
    if (!behavior) throw new Error(`no ws route ${pattern}`);
    const ws = new FakeUwsWebSocket(behavior, userData);
    void behavior.open?.(ws);
    return ws;
  }
}

// ---------------------------------------------------------------------------------------------
// Bun (bun-types): ServerWebSocket<T>, WebSocketHandler<T>, Server.upgrade(req, { data }).
// ---------------------------------------------------------------------------------------------

interface BunServerWebSocket<T> {
  readonly data: T;
  readonly readyState: 0 | 1 | 2 | 3;
  send(data: string | ArrayBufferView | ArrayBuffer, compress?: boolean): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

interface BunWebSocketHandler<T> {
  open?(ws: BunServerWebSocket<T>): void | Promise<void>;
  message(ws: BunServerWebSocket<T>, message: string | Uint8Array): void | Promise<void>;
  close?(ws: BunServerWebSocket<T>, code: number, reason: string): void | Promise<void>;
  idleTimeout?: number;
  sendPings?: boolean;
}

class FakeBunServerWebSocket<T> implements BunServerWebSocket<T> {
  readonly data: T;
  readyState: 0 | 1 | 2 | 3 = 1;
  readonly #handler: BunWebSocketHandler<T>;

  constructor(handler: BunWebSocketHandler<T>, data: T) {
    this.#handler = handler;
    this.data = data;
  }

  send(): number {
    return this.readyState === 1 ? 1 : 0;
  }

  /** Starts the close handshake; the close handler runs once it completes (a later turn). */
  close(code = 1000, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    setImmediate(() => this.#fireClose(code, reason));
  }

  /** Closes at once without a handshake; the close handler reports 1006. */
  terminate(): void {
    if (this.readyState === 3) return;
    this.readyState = 2;
    setImmediate(() => this.#fireClose(1006, ''));
  }

  /** Driver: the peer sent a close frame. */
  peerClose(code: number, reason: string): void {
    this.readyState = 2;
    setImmediate(() => this.#fireClose(code, reason));
  }

  /** Driver: the TCP connection dropped (or idleTimeout expired). */
  dropTcp(): void {
    setImmediate(() => this.#fireClose(1006, ''));
  }

  #fireClose(code: number, reason: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    void this.#handler.close?.(this, code, reason);
  }
}

/** `Bun.serve({ websocket, fetch })`: only `upgrade(req, { data })`; open runs after the upgrade. */
class FakeBunServer<T> {
  readonly #handler: BunWebSocketHandler<T>;

  constructor(options: { websocket: BunWebSocketHandler<T> }) {
    this.#handler = options.websocket;
  }

  /** Driver standing in for `server.upgrade(req, { data })` in `fetch`. */
  upgrade(_request: unknown, options: { data: T }): FakeBunServerWebSocket<T> {
    const ws = new FakeBunServerWebSocket(this.#handler, options.data);
    queueMicrotask(() => void this.#handler.open?.(ws));
    return ws;
  }
}

// ---------------------------------------------------------------------------------------------

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
