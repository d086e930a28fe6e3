import { DisconnectError, isDisconnectError } from './disconnect-error.js';

/**
 * Disconnect signals for servers that report a connection's end through callbacks instead of an
 * event on the socket: NestJS gateways (`handleConnection` / `handleDisconnect`), uWebSockets.js
 * and Bun behaviours (`open(ws)` / `close(ws, code, reason)`), Hono's WebSocket helper
 * (`onOpen(evt, ws)` / `onClose(evt, ws)`). The open callback calls `open(key)` and hands the
 * signal to `superviseSession`; the close callback calls `close(key)`.
 *
 * The key is the object the server hands to both callbacks for one connection (the socket).
 * It must be the same object in both: for Hono use `ws.raw`, because some Hono adapters build a
 * new `WSContext` for every callback.
 */
export interface DisconnectSignals<K extends object = object> {
  /**
   * The connection's signal, created at the first call. Idempotent: later calls return the same
   * signal. After `close(key)` (even a `close` that came first) it is already aborted, so a
   * handler that opens late never runs a session for a connection that has gone.
   */
  open(key: K): AbortSignal;
  /**
   * Aborts the key's signal with a {@link DisconnectError}: `cause` itself when it is one,
   * otherwise code `close` with `cause` attached (e.g. `{ code, reason }` of the close frame).
   * Idempotent; returns true only for the call that aborted an open signal. Called before
   * `open`, it creates no signal and aborts nothing, but remembers the key as closed.
   */
  close(key: K, cause?: unknown): boolean;
  /** The key's signal if `open(key)` was called, else `undefined`; never creates one. */
  signal(key: K): AbortSignal | undefined;
}

/**
 * Creates a registry of per-connection disconnect signals, keyed weakly: an entry lives only as
 * long as its key, so a close the server never reports cannot leak the registry's memory (a
 * session whose close never comes still never ends, though: pair it with the server's own
 * heartbeat or idle timeout, which turn a dead peer into a close callback).
 */
export function createDisconnectSignals<K extends object = object>(): DisconnectSignals<K> {
  // A controller for an opened key; the abort reason for a key closed before it was opened.
  const entries = new WeakMap<K, AbortController | DisconnectError>();

  return {
    open(key: K): AbortSignal {
      assertKey(key);
      const entry = entries.get(key);
      if (entry instanceof AbortController) return entry.signal;
      const controller = new AbortController();
      if (entry !== undefined) controller.abort(entry);
      entries.set(key, controller);
      return controller.signal;
    },

    close(key: K, cause?: unknown): boolean {
      assertKey(key);
      const entry = entries.get(key);
      if (entry instanceof AbortController) {
        if (entry.signal.aborted) return false;
        entry.abort(disconnectReason(cause));
        return true;
      }
      if (entry === undefined) entries.set(key, disconnectReason(cause));
      return false;
    },

    signal(key: K): AbortSignal | undefined {
      assertKey(key);
      const entry = entries.get(key);
      return entry instanceof AbortController ? entry.signal : undefined;
    },
  };
}

function assertKey(key: unknown): asserts key is object {
  if ((typeof key !== 'object' || key === null) && typeof key !== 'function') {
    const got = key === null ? 'null' : typeof key;
    throw new TypeError(`\`key\` must be an object (the socket the server passes to its open and close callbacks), got ${got}`);
  }
}

function disconnectReason(cause: unknown): DisconnectError {
  if (isDisconnectError(cause)) return cause;
  if (cause === undefined) return new DisconnectError('close', 'connection closed');
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined;
  const detail = typeof code === 'number' ? ` (code ${code})` : '';
  return new DisconnectError('close', `connection closed${detail}`, { cause });
}
