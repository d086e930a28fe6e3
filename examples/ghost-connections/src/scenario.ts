import { get } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { FakeUpstream } from './fake-upstream.js';
import { HostProcess } from './host-process.js';
import { ClientFleet } from './load-clients.js';
import type { HostStats, ServerKind } from './server-host.js';
import type { SessionCensus, SessionState } from '@ghostguard/runtime';

/** The compact form of a `/debug/sessions` snapshot the demo keeps. */
export interface CensusSummary {
  total: number;
  byState: Record<SessionState, number>;
  oldestAgeMs: number | null;
  oldestDrainingMs: number | null;
  /** The most frequent unsettled task names. */
  topTasks: Array<{ name: string; count: number }>;
}

export interface ScenarioOptions {
  /** Streaming clients in the measured round. */
  clients: number;
  /** Clients of the warm-up round that precedes the baseline (no outage; same scale as the measured round by default). */
  warmupClients: number;
  /** How long the clients stream before they leave. */
  streamMs: number;
  /** Interval between a client's audio frames. */
  frameMs: number;
  audioFrameBytes: number;
  /** The servers' poll interval. */
  pollMs: number;
  /** Share of users whose upstream calls hang once the outage starts. */
  hangFraction: number;
  /** The outage starts this long before the clients leave (≥ pollMs, so every poller meets it). */
  outageLeadMs: number;
  /** Share of clients that vanish (half-open: silent, socket left open) instead of leaving. */
  vanishFraction: number;
  /** Supervised server: drain grace period, force timeout and heartbeat interval. */
  drainMs: number;
  forceMs: number;
  heartbeatMs: number;
}

export interface ServerRun {
  kind: ServerKind;
  clients: number;
  cleanDisconnects: number;
  abruptDisconnects: number;
  /** Clients that vanished: their TCP connection stays half-open. */
  vanishedClients: number;
  /** Users with an upload the upstream left hanging. */
  usersWithHungUpload: number;
  /** Users whose upload hung or who vanished: the connections that only supervision can end. */
  usersHungOrVanished: number;
  hungWebhooks: number;
  /** After the warm-up round and a full GC, before the measured round. */
  baseline: HostStats;
  /** While all clients stream, just before they leave. */
  peak: HostStats;
  /** After the settle window and a full GC. */
  final: HostStats;
  /** How long after the last client left the driver watched the server. */
  settleWindowMs: number;
  /** From the last client leaving to the gauge reading 0; `null` if it never did within the window. */
  gaugeZeroAfterMs: number | null;
  /** Samples served on `/metrics` after the run. */
  metricsSeries: number;
  /** `/debug/sessions` while the clients stream, right after the last one left, and at the end. */
  census: { streaming: CensusSummary; leaving: CensusSummary; after: CensusSummary };
}

const STATS_POLL_MS = 50;

/** Longest the driver waits after the disconnect: drain + force (or one poll), two heartbeats, slack. */
export function settleWindowMs(options: ScenarioOptions): number {
  return Math.max(options.drainMs + options.forceMs, options.pollMs) + 2 * options.heartbeatMs + 1000;
}

/**
 * One server through the whole story, in its own process: warm up, baseline, N clients stream,
 * the upstream goes silent for some users, the clients leave (half cleanly, half abruptly), the
 * driver watches the server settle, forces GC and reads the final state.
 */
export async function runScenario(kind: ServerKind, options: ScenarioOptions, log: (line: string) => void): Promise<ServerRun> {
  const upstream = await FakeUpstream.start(options.hangFraction);
  const host = await HostProcess.spawn(kind, {
    upstreamUrl: upstream.url,
    pollIntervalMs: options.pollMs,
    heartbeatMs: options.heartbeatMs,
    drainTimeoutMs: options.drainMs,
    forceTimeoutMs: options.forceMs,
    maxLatencySamples: 2 * (options.clients + options.warmupClients) + 16,
  });
  const url = `ws://127.0.0.1:${host.port}/listen`;
  const fleets: ClientFleet[] = [];
  try {
    // The warm-up round tells the same story, except that the upstream recovers at the end: every
    // code path (hung calls, drain, abort) has run and Node's pools and the JIT caches have reached
    // the measured round's high-water mark, yet nothing is left over when the baseline is taken.
    log(`${kind}: warm-up round with ${options.warmupClients} clients (the upstream recovers at its end)`);
    const warmup = await ClientFleet.connect(url, userIds('warmup', options.warmupClients), { concurrency: 50, timeoutMs: 30_000 });
    fleets.push(warmup);
    await streamThroughOutage(warmup, upstream, options);
    await warmup.disconnect(options.pollMs);
    await watchSettle(host, settleWindowMs(options));
    upstream.endOutage();
    await watchSettle(host, settleWindowMs(options));
    upstream.resetCounts();
    const baseline = await host.stats(true, true);

    log(`${kind}: ${options.clients} clients stream for ${options.streamMs} ms; the upstream goes silent for ${Math.round(options.hangFraction * 100)} % of users ${options.outageLeadMs} ms before they leave`);
    const fleet = await ClientFleet.connect(url, userIds('user', options.clients), { concurrency: 50, timeoutMs: 30_000 });
    fleets.push(fleet);
    await streamThroughOutage(fleet, upstream, options);
    const peak = await host.stats(false);
    const censusStreaming = await fetchCensus(host.port);

    const vanishing = options.vanishFraction > 0 ? `, ${Math.round(options.vanishFraction * 100)} % vanish (half-open)` : '';
    log(`${kind}: the clients leave over ${options.pollMs} ms, half with a close frame, half dropping their TCP socket${vanishing}`);
    const departures = await fleet.disconnect(options.pollMs, options.vanishFraction);
    const censusLeaving = await fetchCensus(host.port);
    const windowMs = settleWindowMs(options);
    log(`${kind}: all clients gone; watching the server for up to ${windowMs} ms`);
    const gaugeZeroAfterMs = await watchSettle(host, windowMs);
    const final = await host.stats(true);
    return {
      kind,
      clients: options.clients,
      cleanDisconnects: departures.clean,
      abruptDisconnects: departures.abrupt,
      vanishedClients: departures.vanished.length,
      usersWithHungUpload: upstream.hungUploadUsers.size,
      usersHungOrVanished: new Set([...upstream.hungUploadUsers, ...departures.vanished]).size,
      hungWebhooks: upstream.hungWebhooks,
      baseline,
      peak,
      final,
      settleWindowMs: windowMs,
      gaugeZeroAfterMs,
      metricsSeries: await countMetricSeries(host.port),
      census: { streaming: censusStreaming, leaving: censusLeaving, after: await fetchCensus(host.port) },
    };
  } finally {
    for (const fleet of fleets) fleet.destroy();
    await host.close();
    await upstream.close();
  }
}

/** Clients stream for `streamMs`; the outage starts `outageLeadMs` before the end. */
async function streamThroughOutage(fleet: ClientFleet, upstream: FakeUpstream, options: ScenarioOptions): Promise<void> {
  fleet.startStreaming(options.frameMs, options.audioFrameBytes, transcriptEvery(options));
  await delay(Math.max(0, options.streamMs - options.outageLeadMs));
  upstream.startOutage();
  await delay(Math.min(options.streamMs, options.outageLeadMs));
}

/**
 * Polls the server until it is quiet (gauge 0, no handler, no background task) or `windowMs`
 * passes. Returns when the gauge first read 0, in ms from the start, or `null`.
 */
async function watchSettle(host: HostProcess, windowMs: number): Promise<number | null> {
  const startedAt = performance.now();
  let gaugeZeroAfterMs: number | null = null;
  while (performance.now() - startedAt < windowMs) {
    const stats = await host.stats(false);
    if (stats.gauge === 0) gaugeZeroAfterMs ??= performance.now() - startedAt;
    if (stats.gauge === 0 && stats.openHandlers === 0 && stats.liveBackgroundTasks === 0) break;
    await delay(STATS_POLL_MS);
  }
  return gaugeZeroAfterMs;
}

/** Number of samples (non-comment lines) the server's `/metrics` endpoint serves. */
async function countMetricSeries(port: number): Promise<number> {
  const body = await fetchText(port, '/metrics');
  return body.split('\n').filter((line) => line.length > 0 && !line.startsWith('#')).length;
}

/** The server's live census, from `/debug/sessions`, in compact form. */
async function fetchCensus(port: number): Promise<CensusSummary> {
  const census = JSON.parse(await fetchText(port, '/debug/sessions')) as SessionCensus;
  return {
    total: census.total,
    byState: census.byState,
    oldestAgeMs: census.oldestAgeMs,
    oldestDrainingMs: census.oldestDrainingMs,
    topTasks: census.tasksByName.slice(0, 3),
  };
}

function fetchText(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('error', reject);
      res.once('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${path}: HTTP ${res.statusCode ?? '?'}`))));
    }).once('error', reject);
  });
}

function userIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
}

/** One transcript frame a second. */
function transcriptEvery(options: ScenarioOptions): number {
  return Math.max(1, Math.round(1000 / options.frameMs));
}
