export { watchWebSocket } from './ws.js';
export type { WatchableWebSocket, WatchWebSocketOptions, SocketWatch } from './ws.js';
export { watchSocketIo } from './socket-io.js';
export type { WatchableSocketIo, WatchSocketIoOptions } from './socket-io.js';
export { DisconnectError, isDisconnectError } from './disconnect-error.js';
export type { DisconnectCode } from './disconnect-error.js';
