import { DisconnectError } from './disconnect-error.js';
import { assertOptionalPositiveTime, assertOptions, hasMethods } from '../validate.js';
import { AfterPendingIo, IdleWatchdog, LongTimer } from './timers.js';

/**
 * The part of a `ws` WebSocket the watcher uses. `ws` sockets (including the ones
 * `@fastify/websocket` hands to a route) satisfy it structurally, so `ws` is not a
 * runtime dependency of this package.
 */
export interface WatchableWebSocket {
  /** WHATWG numbering: 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED. */
  readonly readyState: number;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  ping(): void;
  terminate(): void;
}

export interface WatchWebSocketOptions {
  /**
   * A ping is sent every `heartbeatMs` and must be answered by a pong before the next
   * one is due, so a silent peer is detected within 2 × `heartbeatMs`. Default 30 000;
   * `Infinity` disables the heartbeat.
   */
  heartbeatMs?: number;
  /** Abort when no message arrives for this long. Default 300 000; `Infinity` disables it. */
  receiveTimeoutMs?: number;
}

export interface SocketWatch {
  /** Aborts once, with a {@link DisconnectError} as its reason, when the connection is lost. */
  readonly signal: AbortSignal;
  /** Removes every listener and timer the watch added. Idempotent; does not abort `signal`. */
  dispose(): void;
}

export const DEFAULT_HEARTBEAT_MS = 30_000;
export const DEFAULT_RECEIVE_TIMEOUT_MS = 300_000;
const CONNECTING = 0;
const CLOSING = 2;

/**
 * Turns a WebSocket's lifetime into an `AbortSignal` for `superviseSession`.
 *
 * `ws` emits no `close` for a half-open peer (a vanished laptop, a dropped NAT
 * entry) and `close()` may wait 30 s for a close frame that never comes. So the
 * signal aborts on `close`, on `error`, when a ping gets no pong within
 * `heartbeatMs`, and when no message arrives for `receiveTimeoutMs`; then the socket
 * is `terminate()`d (destroyed at once, no close handshake) before the signal's
 * listeners run. A socket that is already CLOSING or CLOSED aborts the signal
 * before this returns.
 *
 * Timers stop as soon as the signal aborts and are `unref()`ed (they never keep the
 * process alive on their own). Listeners stay until `dispose()` — call it in a
 * `finally`; until then the `error` listener also absorbs late errors of the
 * terminated socket.
 */
export function watchWebSocket(ws: WatchableWebSocket, options: WatchWebSocketOptions = {}): SocketWatch {
  if (!hasMethods(ws, ['on', 'off', 'ping', 'terminate']) || typeof ws.readyState !== 'number') {
    throw new TypeError('`ws` must be a WebSocket with readyState, on(), off(), ping() and terminate() (a `ws` socket)');
  }
  assertOptions(options, 'options');
  assertOptionalPositiveTime(options.heartbeatMs, 'options.heartbeatMs');
  assertOptionalPositiveTime(options.receiveTimeoutMs, 'options.receiveTimeoutMs');
  const { heartbeatMs = DEFAULT_HEARTBEAT_MS, receiveTimeoutMs = DEFAULT_RECEIVE_TIMEOUT_MS } = options;

  const controller = new AbortController();
  const heartbeat = new LongTimer();
  const heartbeatVerdict = new AfterPendingIo();
  const receive = new IdleWatchdog(receiveTimeoutMs, () =>
    lose(new DisconnectError('receive_timeout', `no message received for ${receiveTimeoutMs} ms`)),
  );
  let lost = false;
  let awaitingPong = false;

  function lose(reason: DisconnectError): void {
    if (lost) return;
    lost = true;
    stopTimers();
    try {
      ws.terminate();
    } catch {
      // A socket that cannot even be terminated is gone already; the abort below is what matters.
    }
    controller.abort(reason);
  }

  function stopTimers(): void {
    heartbeat.cancel();
    heartbeatVerdict.cancel();
    receive.cancel();
  }

  function beat(): void {
    if (!awaitingPong) {
      ping();
      return;
    }
    heartbeatVerdict.run(() => {
      if (awaitingPong) lose(new DisconnectError('heartbeat_timeout', `no pong within ${heartbeatMs} ms`));
      else ping();
    });
  }

  function ping(): void {
    // A CLOSING socket is pinged too: ws drops the ping, no pong comes, and a close
    // handshake the peer never answers is cut short after heartbeatMs instead of 30 s.
    if (ws.readyState !== CONNECTING) {
      awaitingPong = true;
      try {
        ws.ping();
      } catch (error) {
        lose(new DisconnectError('error', 'ping failed', { cause: error }));
        return;
      }
    }
    heartbeat.start(heartbeatMs, beat);
  }

  const onClose = (code: unknown, reason: unknown): void => {
    const detail = { code, reason: closeReasonText(reason) };
    lose(new DisconnectError('close', `socket closed (code ${String(code)})`, { cause: detail }));
  };
  const onError = (error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    lose(new DisconnectError('error', `socket error: ${message}`, { cause: error }));
  };
  const onPong = (): void => {
    awaitingPong = false;
  };
  const onMessage = (): void => {
    receive.touch();
  };
  const listeners: ReadonlyArray<readonly [string, (...args: unknown[]) => void]> = [
    ['close', onClose],
    ['error', onError],
    ['pong', onPong],
    ['message', onMessage],
  ];

  if (ws.readyState >= CLOSING) {
    lose(new DisconnectError('close', 'socket was already closing or closed when the watch began'));
    return { signal: controller.signal, dispose: () => undefined };
  }

  for (const [event, listener] of listeners) ws.on(event, listener);
  heartbeat.start(heartbeatMs, beat);
  receive.start();

  let disposed = false;
  return {
    signal: controller.signal,
    dispose(): void {
      if (disposed) return;
      disposed = true;
      stopTimers();
      for (const [event, listener] of listeners) ws.off(event, listener);
    },
  };
}

/** ws hands the close reason over as a Buffer of UTF-8. */
function closeReasonText(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  return reason instanceof Uint8Array ? Buffer.from(reason).toString('utf8') : '';
}
