/**
 * Which @ghostguard/runtime export turns a given server's connection into the disconnect
 * `AbortSignal` that `superviseSession` needs. Rules name it in messages and suggestion text only;
 * inserted code imports nothing from this table.
 */

/** The server library a connection handler was registered with, when the rule can tell. */
export type ServerKind =
  | 'ws'
  | 'fastify-websocket'
  | 'express-ws'
  | 'socket.io'
  | 'net'
  | 'nestjs'
  | 'uwebsockets'
  | 'bun'
  | 'hono'
  | 'deno';

export const DISCONNECT_SIGNAL_HELPER: Readonly<Record<ServerKind, string>> = {
  ws: 'watchWebSocket',
  'fastify-websocket': 'watchWebSocket',
  'express-ws': 'watchWebSocket',
  'socket.io': 'watchSocketIo',
  net: 'watchNetSocket',
  nestjs: 'createDisconnectSignals',
  uwebsockets: 'createDisconnectSignals',
  bun: 'createDisconnectSignals',
  hono: 'createDisconnectSignals',
  deno: 'createDisconnectSignals',
};

/** The `watch*` helpers take the socket itself; `createDisconnectSignals` is wired into the server's callbacks. */
const TAKES_SOCKET = new Set(['watchWebSocket', 'watchSocketIo', 'watchNetSocket']);

/**
 * Where the signal comes from, for a message: "the signal from `watchSocketIo(socket)`", or, when the
 * server is unknown, the list to choose from.
 */
export function disconnectSignalSource(server: ServerKind | undefined, socketName: string | undefined): string {
  if (server === undefined) {
    return 'a disconnect signal for your server (`watchWebSocket`, `watchSocketIo`, `watchNetSocket` or `createDisconnectSignals`)';
  }
  const helper = DISCONNECT_SIGNAL_HELPER[server];
  const call = TAKES_SOCKET.has(helper) ? `${helper}(${socketName ?? 'socket'})` : helper;
  return `the signal from \`${call}\``;
}
