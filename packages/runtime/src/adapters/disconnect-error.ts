/**
 * Why a watched connection ended:
 * - `close`: the socket closed (or was already closing/closed when the watch began);
 * - `error`: the socket emitted `error`;
 * - `heartbeat_timeout`: a ping got no pong within `heartbeatMs` (a half-open peer);
 * - `receive_timeout`: no message arrived for `receiveTimeoutMs`;
 * - `disconnect`: a socket.io socket emitted `disconnect` (or was already disconnected);
 * - `end`: a `net.Socket` peer half-closed its side (FIN) on a socket that does not allow half-open;
 * - `idle_timeout`: a `net.Socket` saw no activity for `idleTimeoutMs`.
 *
 * `createDisconnectSignals` aborts with `close` unless its caller passes a `DisconnectError` of its own.
 */
export type DisconnectCode = 'close' | 'error' | 'heartbeat_timeout' | 'receive_timeout' | 'disconnect' | 'end' | 'idle_timeout';

/**
 * The `reason` of a watch signal. `code` says why the connection ended; `cause`
 * carries the detail when there is one: the socket's `Error` for `error`,
 * `{ code, reason }` of the close frame for `close`, socket.io's reason string
 * for `disconnect`, `{ hadError }` for a `net.Socket`'s `close`, and whatever the
 * caller passed to `createDisconnectSignals().close(key, cause)`.
 */
export class DisconnectError extends Error {
  override readonly name = 'DisconnectError';
  readonly code: DisconnectCode;

  constructor(code: DisconnectCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `value` is the reason a socket watch aborted its signal with. */
export function isDisconnectError(value: unknown): value is DisconnectError {
  return value instanceof DisconnectError;
}
