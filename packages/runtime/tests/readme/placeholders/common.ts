/**
 * Placeholders shared by every README: small real implementations of the names snippets use
 * without declaring them (servers, a gauge, a receive loop …). See readme-snippets.test.ts.
 *
 * Values are `let` exports: the harness calls `resetPlaceholders()` before each snippet, which
 * replaces them with fresh instances (ES module bindings are live, so the snippet sees the new
 * ones), and `closePlaceholders()` after it.
 *
 * Work placeholders count themselves in `activeWork` while they run, so the harness can check that
 * nothing is left running after a disconnect.
 */
import { on } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { Gauge } from 'prom-client';
import { Server as SocketIoServer, Socket as SocketIoSocket } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';
import { sleepUntilShutdown, type Logger, type Session } from '@ghostguard/runtime';

export {
  createAsyncMetrics,
  createNamedTask,
  drainTasks,
  gatherChunked,
  gatherWithLogging,
  sleepUntilShutdown,
  superviseSession,
  superviseTasks,
  watchSocketIo,
  watchWebSocket,
} from '@ghostguard/runtime';
export type { Task } from '@ghostguard/runtime';

// ---------------------------------------------------------------- bookkeeping for the harness

/** Per reset, so work a failed snippet left running does not count against the next one. */
let running = { count: 0 };
/** How many placeholder work functions started since the last reset are running right now. */
export function activeWork(): number {
  return running.count;
}

/** Runs `body` counted in `activeWork`. */
export async function counted<T>(body: () => Promise<T>): Promise<T> {
  const counter = running;
  counter.count++;
  try {
    return await body();
  } finally {
    counter.count--;
  }
}

/** Every route path registered on `app` since the last reset (the harness connects to them). */
export const routes: string[] = [];

// ---------------------------------------------------------------- servers

/** A `ws` server on 127.0.0.1, port 0, listening. */
export let wss: WebSocketServer;
/** A Fastify app with @fastify/websocket registered; the harness calls `listen` after the snippet added its routes. */
export let app: FastifyInstance;
/** A socket.io server on its own HTTP server on 127.0.0.1, port 0, listening. */
export let io: SocketIoServer;
let ioHttp: HttpServer;
/** A plain HTTP server that answers every request with 204 (webhook targets). */
let hooks: HttpServer;

/** A connection gauge on no registry (a snippet may register its own on the default one). */
export let connections: Gauge;

function listening(server: HttpServer): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

export function portOf(server: HttpServer | WebSocketServer): number {
  return (server.address() as AddressInfo).port;
}

export function ioPort(): number {
  return portOf(ioHttp);
}

// ---------------------------------------------------------------- work placeholders

/**
 * Echoes messages back until `signal` aborts (a receive loop written around its signal): `ws`
 * messages on a WebSocket, bytes on a `net.Socket`.
 */
export function receiveLoop(socket: WebSocket | Socket, signal: AbortSignal): Promise<void> {
  return counted(async () => {
    const event = socket instanceof Socket ? 'data' : 'message';
    try {
      for await (const [data] of on(socket, event, { signal })) {
        if (socket instanceof Socket) socket.write(data as Buffer);
        else socket.send(String(data));
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  });
}

/** Every presence beat, `[subject, time]` (a socket, a user id …). */
export const presence: [unknown, number][] = [];
/**
 * Records a presence beat for `subject` every 100 ms until `signal` aborts; a socket.io socket also
 * gets a `presence` event. Generic over the subject: servers hand over different sockets or ids.
 */
export function trackPresence<S>(subject: S, signal: AbortSignal): Promise<void> {
  return counted(async () => {
    while (!(await sleepUntilShutdown(signal, 100))) {
      presence.push([subject, Date.now()]);
      if (subject instanceof SocketIoSocket) subject.emit('presence', Date.now());
    }
  });
}

/** Pending work that finishes on its own shortly (or at once when aborted). */
export function processPending(signal: AbortSignal): Promise<void> {
  return counted(async () => {
    await sleepUntilShutdown(signal, 10);
  });
}

export let flushed = 0;
/** One flush: a few milliseconds of work. */
export function flushTranscripts(): Promise<void> {
  return counted(async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    flushed++;
  });
}
export const flushQueue = flushTranscripts;

/** A session setup with one lifetime task that waits for the client to leave. */
export function setup(session: Session): void {
  session.lifetime('wait', () => counted(() => sleepUntilShutdown(session.signal, Infinity)));
}

/** A logger that keeps what it is given. */
export const logged: { level: 'warn' | 'error'; obj: object; msg?: string }[] = [];
export const logger: Logger = {
  warn: (obj, msg) => logged.push({ level: 'warn', obj, ...(msg !== undefined ? { msg } : {}) }),
  error: (obj, msg) => logged.push({ level: 'error', obj, ...(msg !== undefined ? { msg } : {}) }),
};

/** Webhook targets on the local 204 server. */
export let webhooks: { url: string }[] = [];
export const body = JSON.stringify({ event: 'readme' });
export const retried: number[] = [];
export function retryLater(index: number): void {
  retried.push(index);
}

// ---------------------------------------------------------------- lifecycle

export async function resetPlaceholders(): Promise<void> {
  running = { count: 0 };
  routes.length = 0;
  presence.length = 0;
  logged.length = 0;
  retried.length = 0;
  flushed = 0;
  connections = new Gauge({ name: 'readme_connections', help: 'Open connections (README placeholder)', registers: [] });

  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });

  app = Fastify();
  await app.register(fastifyWebsocket);
  app.addHook('onRoute', (route) => {
    routes.push(route.url);
  });

  ioHttp = createServer();
  io = new SocketIoServer(ioHttp);
  await listening(ioHttp);

  hooks = createServer((_, res) => res.writeHead(204).end());
  await listening(hooks);
  webhooks = [1, 2, 3].map((n) => ({ url: `http://127.0.0.1:${portOf(hooks)}/hook/${n}` }));
}

export async function closePlaceholders(): Promise<void> {
  for (const ws of wss.clients) ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  await app.close();
  await io.close();
  hooks.closeAllConnections();
  await new Promise<void>((resolve) => hooks.close(() => resolve()));
}
