import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { ClientOptions } from 'ws';

/** A real `ws` server on 127.0.0.1, port 0, that hands out its connections in order. */
export interface TestWsServer {
  readonly url: string;
  readonly server: WebSocketServer;
  nextConnection(): Promise<WebSocket>;
  connect(options?: ClientOptions): Promise<WebSocket>;
  close(): Promise<void>;
}

export async function startWsServer(): Promise<TestWsServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}`;
  const accepted: WebSocket[] = [];
  const waiting: Array<(ws: WebSocket) => void> = [];
  server.on('connection', (ws) => {
    const taker = waiting.shift();
    if (taker) taker(ws);
    else accepted.push(ws);
  });
  const clients = new Set<WebSocket>();
  return {
    url,
    server,
    nextConnection(): Promise<WebSocket> {
      const ready = accepted.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    async connect(options?: ClientOptions): Promise<WebSocket> {
      const client = new WebSocket(url, options);
      clients.add(client);
      // A client the server terminates sees an ECONNRESET 'error' first; tests look at 'close'.
      client.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        client.once('open', resolve);
        client.once('error', reject);
      });
      return client;
    },
    async close(): Promise<void> {
      for (const client of clients) client.terminate();
      for (const ws of server.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves with the signal's reason once it aborts; rejects (instead of hanging) after `limitMs`. */
export function abortOf(signal: AbortSignal, limitMs = 5000): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve, reject) => {
    const limit = setTimeout(() => reject(new Error(`signal did not abort within ${limitMs} ms`)), limitMs);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(limit);
        resolve(signal.reason);
      },
      { once: true },
    );
  });
}

/** Resolves with the close code a socket reports; rejects after `limitMs`. */
export function closeCodeOf(ws: WebSocket, limitMs = 5000): Promise<number> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
  return new Promise((resolve, reject) => {
    const limit = setTimeout(() => reject(new Error(`socket did not close within ${limitMs} ms`)), limitMs);
    ws.once('close', (code) => {
      clearTimeout(limit);
      resolve(code);
    });
  });
}

/** Resolves once `emitter` emitted `event` `count` times; rejects after `limitMs`. */
export function nthEvent(emitter: WebSocket, event: 'pong' | 'message', count: number, limitMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const onEvent = (): void => {
      if (++seen < count) return;
      clearTimeout(limit);
      emitter.off(event, onEvent);
      resolve();
    };
    const limit = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`saw ${seen} of ${count} '${event}' events within ${limitMs} ms`));
    }, limitMs);
    emitter.on(event, onEvent);
  });
}

/** Tears the client's TCP connection down without a close frame, like a crashed peer. */
export function destroyTcp(ws: WebSocket): void {
  (ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
}

/** Stops reading the client's TCP socket: pings pile up unanswered, like a vanished peer. */
export function freezeTcp(ws: WebSocket): void {
  (ws as unknown as { _socket: { pause(): void } })._socket.pause();
}

export const WATCHED_EVENTS = ['close', 'error', 'pong', 'message'] as const;

export function listenerTotal(ws: WebSocket): number {
  return WATCHED_EVENTS.reduce((sum, event) => sum + ws.listenerCount(event), 0);
}
