/**
 * The pusher written the way it first shipped: correct on the happy path, a ghost factory the
 * moment an upstream call hangs. Every hazard here is deliberate and is what the demo measures
 * and what @ghostguard/eslint-plugin reports:
 * - the connection gauge is incremented before the `try` (an early return never decrements it);
 * - the lifetime tasks are awaited with `Promise.all`, which never settles while one of them
 *   hangs, so the `finally` (and the gauge decrement) never runs after the client left;
 * - the pollers sleep with a bare `setTimeout`, so they notice a disconnect only when the
 *   sleep ends;
 * - the webhook is fire-and-forget (`void` silences the type checker, not the leak);
 * - the frame counter is labelled with the user id: one Prometheus series per user, forever.
 * See supervised-server.ts for the same server on @ghostguard/runtime.
 */
import type { IncomingMessage } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import type { WebSocket } from 'ws';
import { ConnectionState, readUserId, type TranscriptSegment } from './connection.js';
import { Instruments } from './instrumentation.js';
import { DEFAULT_MAX_LATENCY_SAMPLES, DEFAULT_POLL_INTERVAL_MS, listenPusher, type PusherServer, type PusherServerOptions } from './pusher-http.js';
import { UpstreamClient } from './upstream-client.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startServer(options: PusherServerOptions): Promise<PusherServer> {
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const upstream = new UpstreamClient(options.upstreamUrl);
  const instruments = new Instruments(options.maxLatencySamples ?? DEFAULT_MAX_LATENCY_SAMPLES, options.logger);
  const { pollers, upstreamCalls, latencies, handlerEnds } = instruments;
  let openHandlers = 0;

  const registry = new Registry();
  const activeConnections = new Gauge({ name: 'pusher_active_connections', help: 'Open listen WebSocket connections', registers: [registry] });
  const framesReceived = new Counter({
    name: 'pusher_frames_received_total',
    help: 'Frames received from clients',
    labelNames: ['user_id', 'kind'],
    registers: [registry],
  });

  const host = await listenPusher(registry);
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- deliberate: the async handler nobody awaits is the bug being demonstrated
  host.wss.on('connection', handleConnection);

  async function handleConnection(ws: WebSocket, req: IncomingMessage): Promise<void> {
    activeConnections.inc();
    const userId = readUserId(req.url);
    if (userId === undefined) {
      ws.close(4001, 'missing uid');
      return;
    }
    const conn = new ConnectionState(userId);
    openHandlers++;
    try {
      await Promise.all([receiveLoop(ws, conn), pollers.track(() => pollTranscripts(conn)), pollers.track(() => pollAudio(conn))]);
    } finally {
      activeConnections.dec();
      openHandlers--;
      handlerEnds.sinceDisconnect(conn);
    }
  }

  function receiveLoop(ws: WebSocket, conn: ConnectionState): Promise<void> {
    return new Promise((resolve) => {
      ws.on('message', (data, isBinary) => {
        const kind = conn.enqueue(data, isBinary);
        framesReceived.inc({ user_id: conn.userId, kind });
      });
      ws.once('close', () => {
        conn.markDisconnected();
        resolve();
      });
    });
  }

  async function pollTranscripts(conn: ConnectionState): Promise<void> {
    while (conn.connected) {
      const sleepStartedAt = performance.now();
      await sleep(pollIntervalMs);
      latencies.afterSleep(conn, sleepStartedAt);
      const batch = conn.takeTranscripts();
      if (batch.length > 0) void postWebhook(conn, batch);
    }
  }

  async function pollAudio(conn: ConnectionState): Promise<void> {
    while (conn.connected) {
      const sleepStartedAt = performance.now();
      await sleep(pollIntervalMs);
      latencies.afterSleep(conn, sleepStartedAt);
      const audio = conn.takeAudio();
      if (audio !== undefined) await uploadAudio(conn, audio);
    }
  }

  async function postWebhook(conn: ConnectionState, segments: TranscriptSegment[]): Promise<void> {
    await upstreamCalls.track(() => upstream.postWebhook(conn.userId, segments));
  }

  async function uploadAudio(conn: ConnectionState, audio: Buffer): Promise<void> {
    await upstreamCalls.track(() => upstream.uploadAudio(conn.userId, audio));
  }

  return {
    port: host.port,
    close: () => host.close(),
    resetMeasurements: () => instruments.resetMeasurements(),
    stats: () => instruments.stats(activeConnections, host.liveSockets, openHandlers),
  };
}
