import type { Socket } from 'node:net';
import { DisconnectError } from './disconnect-error.js';
import { assertOptionalPositiveTime, assertOptions, hasMethods } from '../validate.js';
import { MAX_TIMER_DELAY_MS } from '../timer.js';
import type { SocketWatch } from './ws.js';

export interface WatchNetSocketOptions {
  /**
   * Destroy the socket and abort when it has been inactive (nothing read, nothing written)
   * for this long, through `socket.setTimeout`. Default `Infinity`: TCP has no heartbeat of
   * its own, so a peer that vanished without a FIN or RST is only found by this timeout (or
   * by OS keep-alive, `socket.setKeepAlive`). At most 2³¹−1 ms, Node's timer limit.
   */
  idleTimeoutMs?: number;
}

/**
 * Turns a `net.Socket`'s lifetime (a raw TCP or TLS connection, e.g. from
 * `net.createServer`) into an `AbortSignal` for `superviseSession`. The signal aborts, with a
 * {@link DisconnectError}, on the first of:
 *
 * - `close` (code `close`, cause `{ hadError }`), `error` (code `error`, cause the error);
 * - `end`, the peer's half-close (code `end`), **only when `socket.allowHalfOpen` is false**
 *   (the `net.Server` default): Node then ends our side by itself, so the connection is over.
 *   With `allowHalfOpen: true` the application opted in to half-open connections: the peer's
 *   FIN only means "no more requests", the session keeps running to finish its replies, and
 *   the signal aborts at `close` or at the idle timeout;
 * - `timeout` after `idleTimeoutMs` of inactivity (code `idle_timeout`).
 *
 * It then calls `socket.destroy()` **before** the signal's listeners run, so the tasks that wake
 * up never write to a dead socket, and a peer that stopped reading cannot hold the socket open.
 * Data still queued in Node's write buffer is dropped. A socket that is already destroyed (or,
 * without half-open, already ended by the peer) aborts the signal before this returns.
 *
 * Listeners stay until `dispose()` (call it in a `finally`); until then the `error` listener also
 * absorbs late errors of the destroyed socket. With `idleTimeoutMs`, the watch owns the socket's
 * timeout: `dispose()` resets it with `socket.setTimeout(0)`.
 */
export function watchNetSocket(socket: Socket, options: WatchNetSocketOptions = {}): SocketWatch {
  if (!hasMethods(socket, ['on', 'off', 'destroy', 'setTimeout']) || typeof socket.destroyed !== 'boolean') {
    throw new TypeError('`socket` must be a net.Socket with destroyed, on(), off(), destroy() and setTimeout()');
  }
  assertOptions(options, 'options');
  assertOptionalPositiveTime(options.idleTimeoutMs, 'options.idleTimeoutMs');
  const { idleTimeoutMs = Infinity } = options;
  if (idleTimeoutMs !== Infinity && idleTimeoutMs > MAX_TIMER_DELAY_MS) {
    throw new RangeError(`\`options.idleTimeoutMs\` must be at most ${MAX_TIMER_DELAY_MS} (socket.setTimeout's limit) or Infinity, got ${idleTimeoutMs}`);
  }
  return new NetSocketWatch(socket, idleTimeoutMs);
}

class NetSocketWatch implements SocketWatch {
  readonly #socket: Socket;
  readonly #controller = new AbortController();
  readonly #listeners: ReadonlyArray<readonly [string, (...args: unknown[]) => void]>;
  #timeoutArmed = false;
  #lost = false;
  #disposed = false;

  constructor(socket: Socket, idleTimeoutMs: number) {
    this.#socket = socket;
    const watchesEnd = socket.allowHalfOpen !== true;
    this.#listeners = [
      ['close', (hadError) => this.#lose(new DisconnectError('close', 'socket closed', { cause: { hadError: hadError === true } }))],
      [
        'error',
        (error) => {
          const message = error instanceof Error ? error.message : String(error);
          this.#lose(new DisconnectError('error', `socket error: ${message}`, { cause: error }));
        },
      ],
      ...(watchesEnd ? [['end', () => this.#lose(new DisconnectError('end', 'peer ended the connection (half-close)'))] as const] : []),
      ...(idleTimeoutMs !== Infinity
        ? [['timeout', () => this.#lose(new DisconnectError('idle_timeout', `socket idle for ${idleTimeoutMs} ms`))] as const]
        : []),
    ];
    if (socket.destroyed) {
      this.#lose(new DisconnectError('close', 'socket was already destroyed when the watch began'));
      this.#disposed = true; // nothing was attached
      return;
    }
    if (watchesEnd && socket.readableEnded) {
      this.#lose(new DisconnectError('end', 'peer had already ended the connection when the watch began'));
      this.#disposed = true;
      return;
    }
    for (const [event, listener] of this.#listeners) socket.on(event, listener);
    if (idleTimeoutMs !== Infinity) {
      socket.setTimeout(idleTimeoutMs);
      this.#timeoutArmed = true;
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** An arrow, so `const { signal, dispose } = watchNetSocket(socket)` works. */
  readonly dispose = (): void => {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const [event, listener] of this.#listeners) this.#socket.off(event, listener);
    this.#clearIdleTimeout();
  };

  #lose(reason: DisconnectError): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#clearIdleTimeout();
    try {
      this.#socket.destroy();
    } catch {
      // A socket that cannot be destroyed is gone already; the abort below is what matters.
    }
    this.#controller.abort(reason);
  }

  /** Clears the timer socket.setTimeout armed; a destroyed socket has already cleared it. */
  #clearIdleTimeout(): void {
    if (!this.#timeoutArmed) return;
    this.#timeoutArmed = false;
    if (!this.#socket.destroyed) this.#socket.setTimeout(0);
  }
}
