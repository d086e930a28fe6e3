/**
 * Type declarations for the README's uWebSockets.js and Bun snippets, which neither installs here
 * (uWebSockets.js ships from GitHub, not npm; bun-types describes a runtime this is not). A subset
 * copied in shape from uWebSockets.js v20 `index.d.ts` and bun-types (`Bun.serve`, `Server`,
 * `ServerWebSocket`, `WebSocketHandler`): only what the snippets use, with the real signatures, so
 * a snippet that misuses the API still fails to type-check. The runtime stand-ins are
 * tests/uws-module.ts and `fakeBun()` in tests/uws-bun-fakes.ts.
 */

declare module 'uWebSockets.js' {
  export type RecognizedString = string | ArrayBuffer | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;
  // Opaque handles in uWS's own declarations.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  export interface us_listen_socket {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  export interface us_socket_context_t {}
  export interface WebSocket<UserData> {
    send(message: RecognizedString, isBinary?: boolean, compress?: boolean): number;
    end(code?: number, shortMessage?: RecognizedString): void;
    close(): void;
    getBufferedAmount(): number;
    getUserData(): UserData;
  }
  export interface HttpResponse {
    upgrade<UserData>(userData: UserData, secWebSocketKey: RecognizedString, secWebSocketProtocol: RecognizedString, secWebSocketExtensions: RecognizedString, context: us_socket_context_t): void;
  }
  export interface HttpRequest {
    getHeader(lowerCaseKey: RecognizedString): string;
    getQuery(): string | undefined;
    getQuery(key: string): string | undefined;
  }
  export interface WebSocketBehavior<UserData> {
    idleTimeout?: number;
    sendPingsAutomatically?: boolean;
    upgrade?: (res: HttpResponse, req: HttpRequest, context: us_socket_context_t) => void | Promise<void>;
    open?: (ws: WebSocket<UserData>) => void | Promise<void>;
    message?: (ws: WebSocket<UserData>, message: ArrayBuffer, isBinary: boolean) => void | Promise<void>;
    close?: (ws: WebSocket<UserData>, code: number, message: ArrayBuffer) => void;
  }
  export interface TemplatedApp {
    ws<UserData>(pattern: RecognizedString, behavior: WebSocketBehavior<UserData>): TemplatedApp;
    listen(port: number, cb: (listenSocket: us_listen_socket | false) => void | Promise<void>): TemplatedApp;
  }
  export function App(options?: object): TemplatedApp;
}

declare module 'bun' {
  export interface ServerWebSocket<T = undefined> {
    readonly data: T;
    readonly readyState: 0 | 1 | 2 | 3;
    send(data: string | ArrayBufferView | ArrayBuffer, compress?: boolean): number;
    close(code?: number, reason?: string): void;
    terminate(): void;
  }
  export interface WebSocketHandler<T = undefined> {
    data?: T;
    open?(ws: ServerWebSocket<T>): void | Promise<void>;
    message(ws: ServerWebSocket<T>, message: string | Buffer): void | Promise<void>;
    close?(ws: ServerWebSocket<T>, code: number, reason: string): void | Promise<void>;
    idleTimeout?: number;
    sendPings?: boolean;
  }
  export interface Server {
    upgrade<T = undefined>(request: Request, options?: { headers?: HeadersInit; data?: T }): boolean;
    stop(closeActiveConnections?: boolean): Promise<void>;
  }
  export interface ServeOptions<T> {
    port?: string | number;
    hostname?: string;
    fetch(request: Request, server: Server): Response | undefined | Promise<Response | undefined>;
    websocket?: WebSocketHandler<T>;
  }
  export function serve<T = undefined>(options: ServeOptions<T>): Server;
}

// A global `var`, as bun-types declares it (a `let`/`const` would not be a property of globalThis).
// eslint-disable-next-line no-var
declare var Bun: typeof import('bun');
