import type { CensusSummary, ScenarioOptions, ServerRun } from './scenario.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Verdict {
  kind: ServerRun['kind'];
  /** Whether the server behaved as the demo predicts (the leaky one leaking IS the expected outcome). */
  asExpected: boolean;
  line: string;
  checks: Check[];
}

/** Supervised heap after the run must be within this share of its baseline. */
export const HEAP_TOLERANCE = 0.05;
/**
 * Supervised pollers must notice a disconnect within this many ms (median; the table also shows
 * p99, which on a CPU-starved machine includes time the process was not even scheduled).
 */
export const WAKE_LIMIT_MS = 10;
/** Scheduling slack on top of drain + force timeout for a supervised handler to end. */
export const SETTLE_SLACK_MS = 500;

const MB = 1024 * 1024;

export function heapGrowth(run: ServerRun): number {
  return run.final.heapUsedBytes - run.baseline.heapUsedBytes;
}

export function heapGrowthRatio(run: ServerRun): number {
  return heapGrowth(run) / run.baseline.heapUsedBytes;
}

/** What the leaky server is expected to do: keep exactly the connections whose upload hung or whose client vanished. */
export function judgeLeaky(run: ServerRun): Verdict {
  const ghosts = run.final.gauge;
  const perGhost = ghosts > 0 ? heapGrowth(run) / ghosts : 0;
  const checks: Check[] = [
    { name: 'some uploads hung or some clients vanished', ok: run.usersHungOrVanished > 0, detail: `${run.usersHungOrVanished} users` },
    {
      name: 'gauge stuck at the hung or vanished connections',
      ok: ghosts === run.usersHungOrVanished,
      detail: `gauge ${ghosts}, hung or vanished ${run.usersHungOrVanished}`,
    },
    {
      name: 'only the vanished clients still have a socket',
      ok: run.final.liveSockets === run.vanishedClients,
      detail: `${run.final.liveSockets} sockets, ${run.vanishedClients} vanished`,
    },
  ];
  // A hung upload keeps a connection that is gone reachable; a vanished one is merely never let go.
  if (run.usersWithHungUpload > 0) checks.push({ name: 'heap grew', ok: heapGrowth(run) > 0, detail: `${formatMb(heapGrowth(run))} MB` });
  const asExpected = checks.every((check) => check.ok);
  const line =
    `leaky:      ${ghosts} ghost connections (gauge ${ghosts}, ${run.final.liveSockets} live sockets), ` +
    `heap ${signed(formatMb(heapGrowth(run)))} MB (~${Math.round(perGhost / 1024)} KB per ghost), ` +
    `${run.final.liveBackgroundTasks} background tasks never end, pollers noticed the disconnect after ${formatMs(run.final.pollerWake.p50Ms)} (median)`;
  return { kind: run.kind, asExpected, line, checks };
}

/** What the supervised server must do: back to zero, to baseline heap, pollers awake at once. */
export function judgeSupervised(run: ServerRun, options: ScenarioOptions): Verdict {
  const limitMs = options.drainMs + options.forceMs + SETTLE_SLACK_MS;
  const handlerEndMax = run.final.handlerEnd.maxMs;
  const wakeP50 = run.final.pollerWake.p50Ms;
  const wakeP99 = run.final.pollerWake.p99Ms;
  const checks: Check[] = [
    { name: 'gauge back to 0', ok: run.final.gauge === 0, detail: `gauge ${run.final.gauge}` },
    { name: 'gauge read 0 within the settle window', ok: run.gaugeZeroAfterMs !== null, detail: formatMs(run.gaugeZeroAfterMs) },
    {
      name: 'every handler ended within drain + force timeout of its disconnect',
      ok: handlerEndMax !== null && handlerEndMax <= limitMs,
      detail: `max ${formatMs(handlerEndMax)} (limit ${limitMs} ms)`,
    },
    { name: 'no handler or background task left', ok: run.final.openHandlers === 0 && run.final.liveBackgroundTasks === 0, detail: `${run.final.openHandlers} handlers, ${run.final.liveBackgroundTasks} tasks` },
    { name: `heap within ${HEAP_TOLERANCE * 100} % of baseline`, ok: Math.abs(heapGrowthRatio(run)) <= HEAP_TOLERANCE, detail: percent(heapGrowthRatio(run)) },
    { name: `pollers woken in < ${WAKE_LIMIT_MS} ms (median)`, ok: wakeP50 !== null && wakeP50 < WAKE_LIMIT_MS, detail: `${formatMs(wakeP50)} (p99 ${formatMs(wakeP99)})` },
  ];
  const asExpected = checks.every((check) => check.ok);
  const failed = checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`);
  const line = asExpected
    ? `supervised: gauge 0 ${formatMs(run.gaugeZeroAfterMs)} after the last client left, every handler ended within ${formatMs(handlerEndMax)} ` +
      `of its disconnect (drain ${options.drainMs} + force ${options.forceMs} ms), ` +
      `heap ${percent(heapGrowthRatio(run))} vs baseline, pollers woke in ${formatMs(wakeP50)} (median; p99 ${formatMs(wakeP99)}), ${run.final.liveBackgroundTasks} tasks left`
    : `supervised: NOT AS EXPECTED: ${failed.join('; ')}`;
  return { kind: run.kind, asExpected, line, checks };
}

/** The side-by-side table, one column per server. */
export function formatTable(runs: ServerRun[]): string {
  const rows: [string, (run: ServerRun) => string][] = [
    [
      'clients (clean / abrupt disconnect)',
      (r) => `${r.clients} (${r.cleanDisconnects} / ${r.abruptDisconnects}${r.vanishedClients > 0 ? ` / ${r.vanishedClients} vanished` : ''})`,
    ],
    ['users whose upload hung', (r) => `${r.usersWithHungUpload} (+${r.hungWebhooks} hung webhooks)`],
    ['connection gauge: streaming → after', (r) => `${r.peak.gauge} → ${r.final.gauge}`],
    ['live server sockets after', (r) => `${r.final.liveSockets}`],
    ['open connection handlers after', (r) => `${r.final.openHandlers}`],
    ['live background tasks after', (r) => `${r.final.liveBackgroundTasks} (${r.final.upstreamInFlight} upstream calls)`],
    ['active handles: baseline → after', (r) => `${r.baseline.activeHandles} → ${r.final.activeHandles}`],
    ['heap used: baseline → after (MB)', (r) => `${formatMb(r.baseline.heapUsedBytes)} → ${formatMb(r.final.heapUsedBytes)} (${percent(heapGrowthRatio(r))})`],
    ['buffers: baseline → after (MB)', (r) => `${formatMb(r.baseline.externalBytes)} → ${formatMb(r.final.externalBytes)}`],
    ['disconnect → gauge 0', (r) => (r.gaugeZeroAfterMs === null ? `never (${(r.settleWindowMs / 1000).toFixed(1)} s window)` : formatMs(r.gaugeZeroAfterMs))],
    ['disconnect seen → handler end p50 / max', (r) => `${formatMs(r.final.handlerEnd.p50Ms)} / ${formatMs(r.final.handlerEnd.maxMs)} (n=${r.final.handlerEnd.count})`],
    ['poller wake after disconnect p50 / p99', (r) => `${formatMs(r.final.pollerWake.p50Ms)} / ${formatMs(r.final.pollerWake.p99Ms)} (n=${r.final.pollerWake.count})`],
    ['/metrics series', (r) => `${r.metricsSeries}`],
    ['/debug/sessions: streaming → left → after', (r) => `${r.census.streaming.total} → ${r.census.leaving.total} → ${r.census.after.total}`],
    ['logged warnings / errors', (r) => `${r.final.loggedWarnings} / ${r.final.loggedErrors}`],
  ];
  const header = ['', ...runs.map((run) => run.kind)];
  const body = rows.map(([label, cell]) => [label, ...runs.map(cell)]);
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((row) => row[column]!.length)));
  const format = (row: string[]): string => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(format)].join('\n');
}

/**
 * The census of each server (`GET /debug/sessions`) at three moments, one line per moment:
 * sessions by state, the oldest ages and the most frequent unsettled tasks.
 */
export function formatCensus(runs: ServerRun[]): string {
  const lines = ['Live census (GET /debug/sessions):'];
  for (const run of runs) {
    const moments: [string, CensusSummary][] = [
      ['streaming', run.census.streaming],
      ['clients just left', run.census.leaving],
      ['after', run.census.after],
    ];
    for (const [moment, census] of moments) lines.push(`  ${run.kind.padEnd(10)}  ${moment.padEnd(17)}  ${summarizeCensus(census)}`);
    if (run.kind === 'leaky' && run.final.gauge > 0) {
      lines.push(`  ${''.padEnd(10)}  ${''.padEnd(17)}  its ${run.final.gauge} ghosts are not sessions: nothing shows which tasks hold them`);
    }
  }
  return lines.join('\n');
}

export function summarizeCensus(census: CensusSummary): string {
  if (census.total === 0) return '0 sessions';
  const states = Object.entries(census.byState).filter(([, count]) => count > 0).map(([state, count]) => `${count} ${state}`);
  const parts = [`${census.total} sessions (${states.join(', ')})`, `oldest ${formatMs(census.oldestAgeMs)}`];
  if (census.oldestDrainingMs !== null) parts.push(`longest drain ${formatMs(census.oldestDrainingMs)}`);
  if (census.topTasks.length > 0) parts.push(`tasks: ${census.topTasks.map(({ name, count }) => `${name} ×${count}`).join(', ')}`);
  return parts.join(' · ');
}

function formatMb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

function signed(text: string): string {
  return text.startsWith('-') ? text : `+${text}`;
}

function percent(ratio: number): string {
  return `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)} %`;
}

function formatMs(ms: number | null): string {
  if (ms === null) return 'n/a';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(2)} ms`;
}
