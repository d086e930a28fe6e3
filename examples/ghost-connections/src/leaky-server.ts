/**
 * The pusher written the way it first shipped: correct on the happy path, a ghost factory the
 * moment an upstream call hangs. Every hazard here is deliberate and is what the demo measures
 * and what @ghostguard/eslint-plugin reports:
 * - the connection gauge is incremented before the `try` (an early return never decrements it);
 * - the lifetime tasks are awaited with `Promise.all`, which never settles while one of them
 *   hangs, so the `finally` (and the gauge decrement) never runs after the client left;
 * - the transcript poller sleeps with a bare `setTimeout`, so it notices a disconnect only when
 *   the sleep ends; the audio poller's "interruptible" sleep races the connection's `clientGone`
 *   promise, leaving one more reaction on it every second until the client leaves (a half-open
 *   client never does);
 * - the webhook fan-out is fire-and-forget (`void` silences the type checker, not the leak) and
 *   its `Promise.allSettled` results are never read: a failed webhook vanishes without a trace;
 * - every upstream call links its own controller to the connection's with an abort listener
 *   that is never removed, so the connection's signal collects one listener per call;
 * - the frame counter is labelled with the user id: one Prometheus series per user, forever.
 * See supervised-server.ts for the same server on @ghostguard/runtime.
 */
import { setMaxListeners } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import type { WebSocket } from 'ws';
import { ConnectionState, readUserId, type TranscriptSegment } from './connection.js';
import { Instruments } from './instrumentation.js';
import { DEFAULT_MAX_LATENCY_SAMPLES, DEFAULT_POLL_INTERVAL_MS, listenPusher, type PusherServer, type PusherServerOptions } from './pusher-http.js';
import { UpstreamClient, USER_INTEGRATIONS } from './upstream-client.js';

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
    // Cancels the connection's upstream calls when the handler ends, in the `finally`: which never
    // runs while the `Promise.all` waits on a hung upload, the one call it was meant to cancel.
    const connection = new AbortController();
    // Raised when Node warned about a "possible EventTarget memory leak", instead of asking why.
    setMaxListeners(0, connection.signal);
    openHandlers++;
    try {
      const clientGone = receiveLoop(ws, conn);
      await Promise.all([
        clientGone,
        pollers.track(() => pollTranscripts(conn, connection.signal)),
        pollers.track(() => pollAudio(conn, clientGone, connection.signal)),
      ]);
    } finally {
      connection.abort();
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

  async function pollTranscripts(conn: ConnectionState, connectionSignal: AbortSignal): Promise<void> {
    while (conn.connected) {
      const sleepStartedAt = performance.now();
      await sleep(pollIntervalMs);
      latencies.afterSleep(conn, sleepStartedAt);
      const batch = conn.takeTranscripts();
      if (batch.length > 0) void postWebhooks(conn, batch, connectionSignal);
    }
  }

  async function pollAudio(conn: ConnectionState, clientGone: Promise<void>, connectionSignal: AbortSignal): Promise<void> {
    while (conn.connected) {
      const sleepStartedAt = performance.now();
      // Wakes as soon as the client leaves, so its last audio goes out at once. Each race adds a
      // reaction to `clientGone` that lives until the client leaves; a half-open one never does.
      await Promise.race([sleep(pollIntervalMs), clientGone]);
      latencies.afterSleep(conn, sleepStartedAt);
      const audio = conn.takeAudio();
      if (audio !== undefined) await uploadAudio(conn, audio, connectionSignal);
    }
  }

  // One integration failing must not stop the others, so `allSettled`; but nobody reads the
  // results, so a failed or refused webhook is never logged or counted.
  async function postWebhooks(conn: ConnectionState, segments: TranscriptSegment[], connectionSignal: AbortSignal): Promise<void> {
    await Promise.allSettled(
      USER_INTEGRATIONS.map((integration) => callUpstream(connectionSignal, (signal) => upstream.postWebhook(conn.userId, integration, segments, signal))),
    );
  }

  async function uploadAudio(conn: ConnectionState, audio: Buffer, connectionSignal: AbortSignal): Promise<void> {
    await callUpstream(connectionSignal, (signal) => upstream.uploadAudio(conn.userId, audio, signal));
  }

  // Each call gets its own controller, linked to the connection's (the idiom from before
  // `AbortSignal.any`). The link is never undone: every call leaves an abort listener, holding
  // its controller, on the connection's signal until the handler ends; a ghost's never does.
  function callUpstream(connectionSignal: AbortSignal, call: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const request = new AbortController();
    connectionSignal.addEventListener('abort', () => request.abort(connectionSignal.reason), { once: true });
    return upstreamCalls.track(() => call(request.signal));
  }

  return {
    port: host.port,
    close: () => host.close(),
    resetMeasurements: () => instruments.resetMeasurements(),
    stats: () => instruments.stats(activeConnections, host.liveSockets, openHandlers),
  };
}
