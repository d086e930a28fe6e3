/**
 * `pnpm demo:ghosts`: the ghost-connection bug and its fix, measured. Runs the leaky and the
 * supervised pusher in turn, each in its own child process, under the same load, and prints a
 * side-by-side table and a verdict per server. Exits non-zero when a server does not behave as
 * predicted. `--help` lists the options.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatCensus, formatTable, judgeLeaky, judgeSupervised, type Verdict } from './report.js';
import { runScenario, settleWindowMs, type ScenarioOptions, type ServerRun } from './scenario.js';
import type { ServerKind } from './server-host.js';

const DEFAULTS: ScenarioOptions = {
  clients: 500,
  // 0 = as many as `clients`: the warm-up round fills Node's pools (HTTP parsers, ws buffers) and
  // JIT caches to the same high-water mark as the measured round, so the baseline is honest.
  warmupClients: 0,
  streamMs: 3000,
  frameMs: 200,
  audioFrameBytes: 6400,
  pollMs: 1000,
  hangFraction: 0.9,
  outageLeadMs: 1500,
  vanishFraction: 0,
  drainMs: 2000,
  forceMs: 1000,
  heartbeatMs: 1000,
};

const FLAGS: Record<keyof ScenarioOptions, { flag: string; help: string }> = {
  clients: { flag: 'clients', help: 'streaming clients per server (at least 2)' },
  warmupClients: { flag: 'warmup-clients', help: 'clients of the warm-up round (0: as many as --clients)' },
  streamMs: { flag: 'stream-ms', help: 'how long the clients stream before they leave' },
  frameMs: { flag: 'frame-ms', help: "interval between a client's audio frames" },
  audioFrameBytes: { flag: 'audio-frame-bytes', help: 'size of an audio frame' },
  pollMs: { flag: 'poll-ms', help: "the servers' poll interval" },
  hangFraction: { flag: 'hang-fraction', help: 'share of users (0..1) whose upstream calls hang during the outage' },
  outageLeadMs: { flag: 'outage-lead-ms', help: 'the outage starts this long before the clients leave (>= --poll-ms)' },
  vanishFraction: { flag: 'vanish-fraction', help: 'share of clients (0..1) that vanish, leaving a half-open socket' },
  drainMs: { flag: 'drain-ms', help: 'supervised: grace period after a disconnect' },
  forceMs: { flag: 'force-ms', help: 'supervised: time granted after aborting stragglers' },
  heartbeatMs: { flag: 'heartbeat-ms', help: 'supervised: ping interval (a missed pong drops the peer)' },
};

const FRACTIONS = new Set<keyof ScenarioOptions>(['hangFraction', 'vanishFraction']);

/** A hard stop for the whole demo, whatever the options: it never hangs a terminal or CI. */
const DEMO_DEADLINE_MS = 5 * 60_000;

function usage(): string {
  const lines = Object.entries(FLAGS).map(([key, { flag, help }]) => `  --${flag.padEnd(18)} ${help} (default ${DEFAULTS[key as keyof ScenarioOptions]})`);
  return [
    'usage: pnpm demo:ghosts [options]',
    ...lines,
    `  --${'servers'.padEnd(18)} which servers to run, in order (default leaky,supervised)`,
    `  --${'json <file>'.padEnd(18)} also write the measurements as JSON`,
  ].join('\n');
}

function parseOptions(argv: string[]): { scenario: ScenarioOptions; servers: ServerKind[]; jsonPath: string | undefined; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...Object.fromEntries(Object.values(FLAGS).map(({ flag }) => [flag, { type: 'string' as const }])),
      servers: { type: 'string', default: 'leaky,supervised' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const raw = values as Record<string, string | boolean | undefined>;
  const scenario = { ...DEFAULTS };
  for (const [key, { flag }] of Object.entries(FLAGS) as [keyof ScenarioOptions, { flag: string }][]) {
    const text = raw[flag];
    if (typeof text !== 'string') continue;
    const value = Number(text);
    const minimum = key === 'clients' ? 2 : 0;
    const valid = FRACTIONS.has(key) ? value >= 0 && value <= 1 : Number.isInteger(value) && value >= minimum;
    if (!valid) throw new RangeError(`--${flag} must be ${FRACTIONS.has(key) ? 'between 0 and 1' : `an integer >= ${minimum}`}, got ${text}`);
    scenario[key] = value;
  }
  if (scenario.outageLeadMs < scenario.pollMs) throw new RangeError('--outage-lead-ms must be at least --poll-ms, so every poller meets the outage');
  if (scenario.warmupClients === 0) scenario.warmupClients = scenario.clients;
  const servers = String(raw.servers).split(',');
  for (const server of servers) if (server !== 'leaky' && server !== 'supervised') throw new RangeError(`unknown server ${server}`);
  return { scenario, servers: servers as ServerKind[], jsonPath: typeof raw.json === 'string' ? raw.json : undefined, help: raw.help === true };
}

async function main(): Promise<number> {
  const { scenario, servers, jsonPath, help } = parseOptions(process.argv.slice(2));
  if (help) {
    console.log(usage());
    return 0;
  }
  const deadline = setTimeout(() => {
    console.error(`demo: gave up after ${DEMO_DEADLINE_MS / 1000} s`);
    process.exit(2);
  }, DEMO_DEADLINE_MS);
  deadline.unref();

  console.log(
    `Ghost-connection demo: ${scenario.clients} clients per server, poll ${scenario.pollMs} ms, ` +
      `drain ${scenario.drainMs} + force ${scenario.forceMs} ms, heartbeat ${scenario.heartbeatMs} ms, settle window ${settleWindowMs(scenario)} ms\n`,
  );
  const runs: ServerRun[] = [];
  for (const kind of servers) runs.push(await runScenario(kind, scenario, (line) => console.log(`  ${line}`)));
  const verdicts: Verdict[] = runs.map((run) => (run.kind === 'leaky' ? judgeLeaky(run) : judgeSupervised(run, scenario)));

  console.log(`\n${formatTable(runs)}\n`);
  console.log(`${formatCensus(runs)}\n`);
  for (const verdict of verdicts) console.log(verdict.line);
  if (jsonPath !== undefined) await writeFile(jsonPath, JSON.stringify({ options: scenario, runs, verdicts }, null, 2));
  return verdicts.every((verdict) => verdict.asExpected) ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
