import { DisconnectError } from './disconnect-error.js';
import { assertOptionalPositiveTime, assertOptions, hasMethods } from '../validate.js';
import { IdleWatchdog } from './timers.js';
import type { SocketWatch } from './ws.js';

/**
 * The part of a socket.io socket the watcher uses. Server sockets (`socket.io`) and
 * client sockets (`socket.io-client`) satisfy it structurally; neither package is a
 * runtime dependency of this one.
 */
export interface WatchableSocketIo {
  readonly connected: boolean;
  /** Only client sockets have it: `true` while the manager is (re)connecting. */
  readonly active?: boolean;
  on(event: 'disconnect', listener: (reason: string, description?: unknown) => void): unknown;
  off(event: 'disconnect', listener: (reason: string, description?: unknown) => void): unknown;
  disconnect(close?: boolean): unknown;
  onAny?(listener: (...args: unknown[]) => void): unknown;
  offAny?(listener: (...args: unknown[]) => void): unknown;
}

export interface WatchSocketIoOptions {
  /**
   * Disconnect (closing the underlying connection) and abort when no event arrives
   * for this long; counted with `onAny`. Default `Infinity`: socket.io's own
   * ping/pong (`pingInterval` + `pingTimeout`) already detects dead peers, and many
   * socket.io clients are legitimately quiet.
   */
  receiveTimeoutMs?: number;
}

/**
 * Turns a socket.io socket's lifetime into an `AbortSignal`: it aborts on the
 * socket's `disconnect` event (socket.io's heartbeat turns a half-open peer into a
 * `disconnect` with reason `ping timeout`), with a {@link DisconnectError} of code
 * `disconnect` whose `cause` is socket.io's reason string. A socket that is already
 * disconnected aborts the signal before this returns. Meant for server sockets; on a
 * client socket, start the watch after `connect` (the first `disconnect` ends it even
 * if the client would reconnect).
 */
export function watchSocketIo(socket: WatchableSocketIo, options: WatchSocketIoOptions = {}): SocketWatch {
  if (!hasMethods(socket, ['on', 'off', 'disconnect']) || typeof socket.connected !== 'boolean') {
    throw new TypeError('`socket` must be a socket.io Socket with connected, on(), off() and disconnect()');
  }
  assertOptions(options, 'options');
  assertOptionalPositiveTime(options.receiveTimeoutMs, 'options.receiveTimeoutMs');
  const { receiveTimeoutMs = Infinity } = options;
  const watchesReceive = receiveTimeoutMs !== Infinity;
  if (watchesReceive && !hasMethods(socket, ['onAny', 'offAny'])) {
    throw new TypeError('`options.receiveTimeoutMs` needs a socket with onAny() and offAny() (socket.io ≥ 3)');
  }

  const controller = new AbortController();
  let lost = false;
  const receive = new IdleWatchdog(receiveTimeoutMs, () =>
    lose(new DisconnectError('receive_timeout', `no event received for ${receiveTimeoutMs} ms`), { closeSocket: true }),
  );

  function lose(reason: DisconnectError, { closeSocket = false } = {}): void {
    if (lost) return;
    lost = true;
    receive.cancel();
    // Closed before the signal's listeners run, like watchWebSocket's terminate().
    // The `disconnect` this emits finds `lost` already set and changes nothing.
    if (closeSocket) {
      try {
        socket.disconnect(true);
      } catch {
        // Already torn down; the abort below is what matters.
      }
    }
    controller.abort(reason);
  }

  if (!socket.connected && socket.active !== true) {
    lose(new DisconnectError('disconnect', 'socket was already disconnected when the watch began'));
    return { signal: controller.signal, dispose: () => undefined };
  }

  const onDisconnect = (reason: string): void => {
    lose(new DisconnectError('disconnect', `socket disconnected (${reason})`, { cause: reason }));
  };
  const onAnyEvent = (): void => {
    receive.touch();
  };
  socket.on('disconnect', onDisconnect);
  if (watchesReceive) {
    socket.onAny?.(onAnyEvent);
    receive.start();
  }

  let disposed = false;
  return {
    signal: controller.signal,
    dispose(): void {
      if (disposed) return;
      disposed = true;
      receive.cancel();
      socket.off('disconnect', onDisconnect);
      if (watchesReceive) socket.offAny?.(onAnyEvent);
    },
  };
}
