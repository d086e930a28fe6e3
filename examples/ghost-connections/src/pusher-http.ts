import { createServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Registry } from 'prom-client';
import { WebSocketServer } from 'ws';
import { inspectSessions } from '@ghostguard/runtime';
import type { ServerLogger, ServerStats } from './instrumentation.js';

/** Options both servers accept. */
export interface PusherServerOptions {
  /** Base URL of the storage/webhook upstream the pollers call, e.g. `http://127.0.0.1:4000`. */
  upstreamUrl: string;
  /** How often the transcript and audio pollers flush their queues. Default 1000. */
  pollIntervalMs?: number;
  /** How many poller wake-up latencies `stats()` keeps. Default 4096. */
  maxLatencySamples?: number;
  /** Receives the server's warnings and errors (pino-compatible). Default: counted, not printed. */
  logger?: ServerLogger;
}

export interface PusherServer {
  readonly port: number;
  /** Terminates every client and stops listening; work stuck on an upstream is not waited for. */
  close(): Promise<void>;
  stats(): Promise<ServerStats>;
  /** Starts a new measurement round: the latency figures of `stats()` cover only what follows. */
  resetMeasurements(): void;
}

export const DEFAULT_POLL_INTERVAL_MS = 1000;
export const DEFAULT_MAX_LATENCY_SAMPLES = 4096;

export interface PusherHttpHost {
  readonly port: number;
  /** The WebSocket endpoint, `/listen`: the server adds its `connection` handler. */
  readonly wss: WebSocketServer;
  /** Server-side sockets currently open (WebSocket and `/metrics` alike). */
  readonly liveSockets: number;
  close(): Promise<void>;
}

/** At most this many sessions are listed by `/debug/sessions` (the oldest); its counts cover all. */
export const DEBUG_SESSIONS_LIMIT = 100;

/**
 * The HTTP side both servers share: WebSocket upgrades on `/listen`, Prometheus text on
 * `/metrics`, the live census of `superviseSession` sessions as JSON on `/debug/sessions`, on
 * 127.0.0.1 and an ephemeral port. The leaky server serves the census too: it holds no session,
 * so it shows nothing, which is the point (its handlers are invisible).
 */
export async function listenPusher(registry: Registry): Promise<PusherHttpHost> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') serveMetrics(registry, res);
    else if (req.method === 'GET' && req.url === '/debug/sessions') serveCensus(res);
    else res.writeHead(404).end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ server, path: '/listen' });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');

  return {
    port: address.port,
    wss,
    get liveSockets() {
      return sockets.size;
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serveCensus(res: ServerResponse): void {
  const body = JSON.stringify(inspectSessions({ limit: DEBUG_SESSIONS_LIMIT }));
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
}

function serveMetrics(registry: Registry, res: ServerResponse): void {
  registry.metrics().then(
    (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
    (error: unknown) => res.writeHead(500).end(String(error)),
  );
}
