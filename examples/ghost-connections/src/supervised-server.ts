/**
 * The same pusher as leaky-server.ts, written on @ghostguard/runtime:
 * - `watchWebSocket` turns the socket's life (close, error, missed pong, receive timeout) into
 *   an AbortSignal;
 * - `superviseSession` owns the gauge (one inc, one dec in a `finally`), supervises the three
 *   lifetime tasks, and on disconnect wakes the pollers, gives in-flight uploads a grace period,
 *   then aborts what is left, so a hung upstream call can delay the teardown but never stop it;
 * - the pollers sleep with `sleepUntilShutdown`, so they wake the moment the client leaves;
 * - webhooks (one per integration) are session tasks, drained with the rest, never
 *   fire-and-forget, and a failed one is logged;
 * - metric labels are static (the user id goes to logs, not to Prometheus).
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { RawData, WebSocket } from 'ws';
import { createAsyncMetrics, createNamedTask, sleepUntilShutdown, superviseSession, watchWebSocket, type Session, type Task } from '@ghostguard/runtime';
import { ConnectionState, readUserId, type TranscriptSegment } from './connection.js';
import { Instruments } from './instrumentation.js';
import { DEFAULT_MAX_LATENCY_SAMPLES, DEFAULT_POLL_INTERVAL_MS, listenPusher, type PusherServer, type PusherServerOptions } from './pusher-http.js';
import { UpstreamClient, USER_INTEGRATIONS, type Integration } from './upstream-client.js';

export interface SupervisedServerOptions extends PusherServerOptions {
  /** Ping interval; a peer that misses a pong is dropped. Default 30 000. */
  heartbeatMs?: number;
  /** Drop a connection that sends nothing for this long. Default 300 000. */
  receiveTimeoutMs?: number;
  /** Grace period for in-flight uploads and webhooks after a disconnect. Default 30 000. */
  drainTimeoutMs?: number;
  /** Time granted to aborted stragglers before they are reported stuck. Default 5 000. */
  forceTimeoutMs?: number;
}

export async function startServer(options: SupervisedServerOptions): Promise<PusherServer> {
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const upstream = new UpstreamClient(options.upstreamUrl);
  const instruments = new Instruments(options.maxLatencySamples ?? DEFAULT_MAX_LATENCY_SAMPLES, options.logger);
  const { pollers, upstreamCalls, latencies, handlerEnds, logger } = instruments;
  const connections = new Set<Task>();

  // A registry per server instance: two servers can share a process, and their series never mix.
  const registry = new Registry();
  const metrics = createAsyncMetrics(registry);
  const activeConnections = new Gauge({ name: 'pusher_active_connections', help: 'Open listen WebSocket connections', registers: [registry] });
  const framesReceived = new Counter({
    name: 'pusher_frames_received_total',
    help: 'Frames received from clients',
    labelNames: ['kind'],
    registers: [registry],
  });
  // One child per frame kind: the label values are fixed here, and counting a frame is a lookup.
  const framesByKind = {
    audio: framesReceived.labels({ kind: 'audio' }),
    transcript: framesReceived.labels({ kind: 'transcript' }),
    invalid: framesReceived.labels({ kind: 'invalid' }),
  };

  const host = await listenPusher(registry);
  host.wss.on('connection', (ws, req) => {
    const userId = readUserId(req.url);
    if (userId === undefined) {
      ws.close(4001, 'missing uid');
      return;
    }
    createNamedTask('pusher-connection', () => runSession(ws, new ConnectionState(userId)), { tasks: connections, logger });
  });

  async function runSession(ws: WebSocket, conn: ConnectionState): Promise<void> {
    // Registered before the watch's own listener, so wake latencies count from the close itself.
    ws.once('close', () => conn.markDisconnected());
    const watch = watchWebSocket(ws, { heartbeatMs: options.heartbeatMs, receiveTimeoutMs: options.receiveTimeoutMs });
    // A half-open peer never closes by itself: for it, the disconnect is the missed pong.
    watch.signal.addEventListener('abort', () => conn.markDisconnected(), { once: true });
    try {
      const { exit } = await superviseSession(
        {
          label: 'pusher',
          signal: watch.signal,
          gauge: activeConnections,
          drainTimeoutMs: options.drainTimeoutMs,
          forceTimeoutMs: options.forceTimeoutMs,
          // A task that ignores its abort: drop the socket at least, the task is already logged by name.
          onStuck: () => ws.terminate(),
          metrics,
          logger,
        },
        (session) => {
          session.lifetime('receive', () => receiveUntilShutdown(ws, conn, session.signal));
          session.lifetime('transcript-poller', (signal) => pollers.track(() => pollTranscripts(session, conn, signal)));
          session.lifetime('audio-poller', (signal) => pollers.track(() => pollAudio(session, conn, signal)));
        },
      );
      if (exit.reason === 'crash') logger.error({ uid: conn.userId, task: exit.task?.name, err: exit.error }, 'pusher session crashed');
    } finally {
      watch.dispose();
      handlerEnds.sinceDisconnect(conn);
    }
  }

  async function receiveUntilShutdown(ws: WebSocket, conn: ConnectionState, shutdown: AbortSignal): Promise<void> {
    const onMessage = (data: RawData, isBinary: boolean): void => {
      framesByKind[conn.enqueue(data, isBinary)].inc();
    };
    ws.on('message', onMessage);
    try {
      await sleepUntilShutdown(shutdown, Infinity);
    } finally {
      ws.off('message', onMessage);
    }
  }

  // `session.signal` wakes the poller on disconnect; `signal` (the task's own) aborts its upstream
  // calls only when the drain's grace period is over, so a healthy final flush still completes.
  async function pollTranscripts(session: Session, conn: ConnectionState, signal: AbortSignal): Promise<void> {
    for (;;) {
      const sleepStartedAt = performance.now();
      const shuttingDown = await sleepUntilShutdown(session.signal, pollIntervalMs);
      latencies.afterSleep(conn, sleepStartedAt);
      const batch = conn.takeTranscripts();
      if (shuttingDown) {
        // The session refuses new tasks once teardown began: the last batch goes out from this task.
        if (batch.length > 0) {
          for (const integration of USER_INTEGRATIONS) await postWebhook(conn, integration, batch, signal);
        }
        return;
      }
      if (batch.length === 0) continue;
      for (const integration of USER_INTEGRATIONS) {
        session.finite('webhook', (webhookSignal) => postWebhook(conn, integration, batch, webhookSignal));
      }
    }
  }

  async function pollAudio(session: Session, conn: ConnectionState, signal: AbortSignal): Promise<void> {
    for (;;) {
      const sleepStartedAt = performance.now();
      const shuttingDown = await sleepUntilShutdown(session.signal, pollIntervalMs);
      latencies.afterSleep(conn, sleepStartedAt);
      const audio = conn.takeAudio();
      if (audio !== undefined) await uploadAudio(conn, audio, signal);
      if (shuttingDown) return;
    }
  }

  // A failed webhook is the integration's problem, not a reason to drop the user's stream: it is
  // logged. An abort is rethrown so the drain counts the task as cancelled.
  async function postWebhook(conn: ConnectionState, integration: Integration, segments: TranscriptSegment[], signal: AbortSignal): Promise<void> {
    try {
      await upstreamCalls.track(() => upstream.postWebhook(conn.userId, integration, segments, signal));
    } catch (error) {
      if (signal.aborted) throw error;
      logger.warn({ uid: conn.userId, integration, err: error }, 'webhook failed');
    }
  }

  async function uploadAudio(conn: ConnectionState, audio: Buffer, signal: AbortSignal): Promise<void> {
    await upstreamCalls.track(() => upstream.uploadAudio(conn.userId, audio, signal));
  }

  return {
    port: host.port,
    async close() {
      await host.close();
      // Every session ends within drainTimeoutMs + forceTimeoutMs of its socket's termination.
      await Promise.allSettled([...connections].map((task) => task.promise));
    },
    resetMeasurements: () => instruments.resetMeasurements(),
    stats: () => instruments.stats(activeConnections, host.liveSockets, connections.size),
  };
}
