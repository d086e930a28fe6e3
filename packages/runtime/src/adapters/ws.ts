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
  /** Removes every listener and timer the watch added. Idempotent; does not abort `signal`; safe to destructure. */
  dispose(this: void): void;
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
 * Timers stop as soon as the signal aborts and are `unref()`ed: they never keep the
 * process alive on their own. Listeners stay until `dispose()` — call it in a
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
  return new WebSocketWatch(ws, heartbeatMs, receiveTimeoutMs);
}

class WebSocketWatch implements SocketWatch {
  readonly #ws: WatchableWebSocket;
  readonly #controller = new AbortController();
  readonly #heartbeatMs: number;
  readonly #heartbeat = new LongTimer();
  readonly #heartbeatVerdict = new AfterPendingIo();
  readonly #receive: IdleWatchdog;
  #awaitingPong = false;
  #lost = false;
  #disposed = false;

  constructor(ws: WatchableWebSocket, heartbeatMs: number, receiveTimeoutMs: number) {
    this.#ws = ws;
    this.#heartbeatMs = heartbeatMs;
    this.#receive = new IdleWatchdog(receiveTimeoutMs, () =>
      this.#lose(new DisconnectError('receive_timeout', `no message received for ${receiveTimeoutMs} ms`)),
    );
    if (ws.readyState >= CLOSING) {
      this.#lose(new DisconnectError('close', 'socket was already closing or closed when the watch began'));
      this.#disposed = true; // nothing was attached
      return;
    }
    for (const [event, listener] of this.#listeners) ws.on(event, listener);
    this.#heartbeat.start(heartbeatMs, this.#beat);
    this.#receive.start();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** An arrow, so `const { signal, dispose } = watchWebSocket(ws)` works. */
  readonly dispose = (): void => {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#stopTimers();
    for (const [event, listener] of this.#listeners) this.#ws.off(event, listener);
  };

  #lose(reason: DisconnectError): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#stopTimers();
    try {
      this.#ws.terminate();
    } catch {
      // A socket that cannot even be terminated is gone already; the abort below is what matters.
    }
    this.#controller.abort(reason);
  }

  #stopTimers(): void {
    this.#heartbeat.cancel();
    this.#heartbeatVerdict.cancel();
    this.#receive.cancel();
  }

  readonly #beat = (): void => {
    if (!this.#awaitingPong) {
      this.#ping();
      return;
    }
    this.#heartbeatVerdict.run(() => {
      if (this.#awaitingPong) this.#lose(new DisconnectError('heartbeat_timeout', `no pong within ${this.#heartbeatMs} ms`));
      else this.#ping();
    });
  };

  #ping(): void {
    // A CLOSING socket is pinged too: ws drops the ping, no pong comes, and a close
    // handshake the peer never answers is cut short after heartbeatMs instead of 30 s.
    if (this.#ws.readyState !== CONNECTING) {
      this.#awaitingPong = true;
      try {
        this.#ws.ping();
      } catch (error) {
        this.#lose(new DisconnectError('error', 'ping failed', { cause: error }));
        return;
      }
    }
    this.#heartbeat.start(this.#heartbeatMs, this.#beat);
  }

  readonly #listeners: ReadonlyArray<readonly [string, (...args: unknown[]) => void]> = [
    [
      'close',
      (code, reason) => {
        const detail = { code, reason: closeReasonText(reason) };
        this.#lose(new DisconnectError('close', `socket closed (code ${String(code)})`, { cause: detail }));
      },
    ],
    [
      'error',
      (error) => {
        const message = error instanceof Error ? error.message : String(error);
        this.#lose(new DisconnectError('error', `socket error: ${message}`, { cause: error }));
      },
    ],
    ['pong', () => (this.#awaitingPong = false)],
    ['message', () => this.#receive.touch()],
  ];
}

/** ws hands the close reason over as a Buffer of UTF-8. */
function closeReasonText(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  return reason instanceof Uint8Array ? Buffer.from(reason).toString('utf8') : '';
}
