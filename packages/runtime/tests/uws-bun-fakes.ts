/**
 * Fakes of uWebSockets.js and Bun shaped exactly like each server's documented API (method names,
 * callback signatures, per-socket data) and its documented lifecycle rules. uWebSockets.js ships
 * its native binaries from GitHub, not the npm registry, and Bun's `ServerWebSocket` exists only in
 * the Bun runtime, so neither can run here. Used by uws-bun.test.ts and by the README snippet
 * harness (readme/), which also loads the `uWebSockets.js` module stand-in (uws-module.ts) and the
 * `Bun` global stand-in (`fakeBun`) built on these classes.
 */

// ---------------------------------------------------------------------------------------------
// uWebSockets.js (index.d.ts of v20): WebSocket<UserData>, WebSocketBehavior<UserData>.
// ---------------------------------------------------------------------------------------------

type RecognizedString = string | ArrayBuffer | Uint8Array;

/** `uWS.WebSocket<UserData>`: "valid from open to close event". */
export interface UwsWebSocket<UserData> {
  send(message: RecognizedString, isBinary?: boolean, compress?: boolean): number;
  /** Gracefully closes this WebSocket. Immediately calls the close handler. */
  end(code?: number, shortMessage?: RecognizedString): void;
  /** Forcefully closes this WebSocket. Immediately calls the close handler. */
  close(): void;
  getBufferedAmount(): number;
  getUserData(): UserData;
}

/** `uWS.WebSocketBehavior<UserData>` (the members these handlers use). */
export interface UwsWebSocketBehavior<UserData> {
  idleTimeout?: number;
  sendPingsAutomatically?: boolean;
  open?: (ws: UwsWebSocket<UserData>) => void | Promise<void>;
  message?: (ws: UwsWebSocket<UserData>, message: ArrayBuffer, isBinary: boolean) => void | Promise<void>;
  close?: (ws: UwsWebSocket<UserData>, code: number, message: ArrayBuffer) => void;
  /** `upgrade(res, req, context)`: the handler calls `res.upgrade(userData, key, protocol, extensions, context)`. */
  upgrade?: (res: UwsHttpResponse, req: UwsHttpRequest, context: object) => void | Promise<void>;
}

/** `uWS.HttpResponse` (only `upgrade`). */
export interface UwsHttpResponse {
  upgrade<UserData>(userData: UserData, secWebSocketKey: RecognizedString, secWebSocketProtocol: RecognizedString, secWebSocketExtensions: RecognizedString, context: object): void;
}

/** `uWS.HttpRequest` (headers in lower case; `getQuery(key)` is undefined for a missing key). */
export interface UwsHttpRequest {
  getHeader(lowerCaseKey: RecognizedString): string;
  getQuery(key: string): string | undefined;
}

const encoder = new TextEncoder();
const toArrayBuffer = (text: string): ArrayBuffer => encoder.encode(text).buffer;

export class FakeUwsWebSocket<UserData> implements UwsWebSocket<UserData> {
  readonly #behavior: UwsWebSocketBehavior<UserData>;
  readonly #userData: UserData;
  #closed = false;

  /** For drivers: whether uWS has reported this socket's close. */
  get closed(): boolean {
    return this.#closed;
  }

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
export class FakeUwsApp {
  readonly #routes = new Map<string, UwsWebSocketBehavior<never>>();
  /** Every socket this app accepted, for drivers counting open ones. */
  readonly sockets: FakeUwsWebSocket<unknown>[] = [];

  ws<UserData>(pattern: string, behavior: UwsWebSocketBehavior<UserData>): this {
    this.#routes.set(pattern, behavior);
    return this;
  }

  /** `listen(port, cb)`: nothing listens; `cb` gets a listen socket at once. */
  listen(_port: number, callback: (listenSocket: object | false) => void | Promise<void>): this {
    void callback({});
    return this;
  }

  /** The patterns of the `ws` routes. */
  patterns(): string[] {
    return [...this.#routes.keys()];
  }

  /** Driver: an upgraded connection on `pattern` with `userData`; runs the behavior's open. */
  accept<UserData>(pattern: string, userData: UserData): FakeUwsWebSocket<UserData> {
    const behavior = this.#routes.get(pattern) as UwsWebSocketBehavior<UserData> | undefined;
    if (!behavior) throw new Error(`no ws route ${pattern}`);
    const ws = new FakeUwsWebSocket(behavior, userData);
    this.sockets.push(ws as FakeUwsWebSocket<unknown>);
    void behavior.open?.(ws);
    return ws;
  }

  /**
   * Driver: an HTTP upgrade request on `pattern` with `query`. Runs the behavior's `upgrade`, whose
   * `res.upgrade(userData, …)` accepts the connection (uWS's default without `upgrade`: empty user data).
   */
  async connect(pattern: string, query: Record<string, string> = {}): Promise<FakeUwsWebSocket<unknown>> {
    const behavior = this.#routes.get(pattern) as UwsWebSocketBehavior<unknown> | undefined;
    if (!behavior?.upgrade) return this.accept<unknown>(pattern, {});
    let accepted: FakeUwsWebSocket<unknown> | undefined;
    const res: UwsHttpResponse = { upgrade: (userData) => void (accepted = this.accept<unknown>(pattern, userData)) };
    const headers: Record<string, string> = { 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': '', 'sec-websocket-extensions': '' };
    const req: UwsHttpRequest = { getHeader: (key) => (typeof key === 'string' ? (headers[key] ?? '') : ''), getQuery: (key) => query[key] };
    await behavior.upgrade(res, req, {});
    if (!accepted) throw new Error(`the upgrade handler of ${pattern} did not call res.upgrade`);
    return accepted;
  }
}

// ---------------------------------------------------------------------------------------------
// Bun (bun-types): ServerWebSocket<T>, WebSocketHandler<T>, Server.upgrade(req, { data }).
// ---------------------------------------------------------------------------------------------

export interface BunServerWebSocket<T> {
  readonly data: T;
  readonly readyState: 0 | 1 | 2 | 3;
  send(data: string | ArrayBufferView | ArrayBuffer, compress?: boolean): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

export interface BunWebSocketHandler<T> {
  open?(ws: BunServerWebSocket<T>): void | Promise<void>;
  message(ws: BunServerWebSocket<T>, message: string | Uint8Array): void | Promise<void>;
  close?(ws: BunServerWebSocket<T>, code: number, reason: string): void | Promise<void>;
  idleTimeout?: number;
  sendPings?: boolean;
}

export class FakeBunServerWebSocket<T> implements BunServerWebSocket<T> {
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
export class FakeBunServer<T> {
  readonly #handler: BunWebSocketHandler<T>;
  readonly #fetch: ((request: Request, server: FakeBunServer<T>) => unknown) | undefined;
  /** Every socket this server upgraded, for drivers counting open ones. */
  readonly sockets: FakeBunServerWebSocket<T>[] = [];

  constructor(options: { websocket: BunWebSocketHandler<T>; fetch?: (request: Request, server: FakeBunServer<T>) => unknown }) {
    this.#handler = options.websocket;
    this.#fetch = options.fetch;
  }

  /** Driver standing in for `server.upgrade(req, { data })` in `fetch`. */
  upgrade(_request: unknown, options: { data: T }): FakeBunServerWebSocket<T> {
    const ws = new FakeBunServerWebSocket(this.#handler, options.data);
    this.sockets.push(ws);
    queueMicrotask(() => void this.#handler.open?.(ws));
    return ws;
  }

  /** Driver: a WebSocket upgrade request to `url` through the server's `fetch`; the socket its `upgrade` made. */
  async connect(url: string): Promise<FakeBunServerWebSocket<T>> {
    if (!this.#fetch) throw new Error('Bun.serve was given no fetch');
    const before = this.sockets.length;
    await this.#fetch(new Request(url, { headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } }), this);
    const ws = this.sockets[before];
    if (!ws) throw new Error(`fetch did not upgrade ${url}`);
    return ws;
  }
}

/** `CloseEvent` (a global in Bun and browsers; Node 20 has none, and hono/bun constructs one). */
class FakeCloseEvent extends Event {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  constructor(type: string, init: { code?: number; reason?: string; wasClean?: boolean } = {}) {
    super(type);
    this.code = init.code ?? 0;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean ?? false;
  }
}

/**
 * A stand-in for Bun's runtime globals: `Bun.serve(options)` records a FakeBunServer in `servers`
 * (nothing listens); `install()` sets `globalThis.Bun` (and `CloseEvent` where missing) and
 * returns the function that removes them.
 */
export function fakeBun() {
  const servers: FakeBunServer<unknown>[] = [];
  const Bun = {
    serve(options: { websocket: BunWebSocketHandler<unknown>; fetch?: (request: Request, server: FakeBunServer<unknown>) => unknown }): FakeBunServer<unknown> {
      const server = new FakeBunServer(options);
      servers.push(server);
      return server;
    },
  };
  function install(): () => void {
    const global = globalThis as { Bun?: unknown; CloseEvent?: unknown };
    const hadCloseEvent = 'CloseEvent' in global;
    global.Bun = Bun;
    if (!hadCloseEvent) global.CloseEvent = FakeCloseEvent;
    return () => {
      delete global.Bun;
      if (!hadCloseEvent) delete global.CloseEvent;
    };
  }
  return { Bun, servers, install };
}
