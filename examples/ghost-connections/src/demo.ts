/**
 * `pnpm demo:ghosts`: the ghost-connection bug and its fix, measured. Runs the leaky and the
 * supervised pusher in turn, each in its own child process, under the same load, and prints a
 * side-by-side table and a verdict per server. Exits non-zero when a server does not behave as
 * predicted. `--help` lists the options.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatTable, judgeLeaky, judgeSupervised, type Verdict } from './report.js';
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
  drainMs: 2000,
  forceMs: 1000,
  heartbeatMs: 1000,
};

const FLAGS: Record<keyof ScenarioOptions, string> = {
  clients: 'clients',
  warmupClients: 'warmup-clients',
  streamMs: 'stream-ms',
  frameMs: 'frame-ms',
  audioFrameBytes: 'audio-frame-bytes',
  pollMs: 'poll-ms',
  hangFraction: 'hang-fraction',
  outageLeadMs: 'outage-lead-ms',
  drainMs: 'drain-ms',
  forceMs: 'force-ms',
  heartbeatMs: 'heartbeat-ms',
};

/** A hard stop for the whole demo, whatever the options: it never hangs a terminal or CI. */
const DEMO_DEADLINE_MS = 5 * 60_000;

function usage(): string {
  const lines = Object.entries(FLAGS).map(([key, flag]) => `  --${flag.padEnd(18)} default ${DEFAULTS[key as keyof ScenarioOptions]}`);
  return ['usage: demo [options]', ...lines, '  --servers            leaky,supervised', '  --json <file>        also write the measurements as JSON'].join('\n');
}

function parseOptions(argv: string[]): { scenario: ScenarioOptions; servers: ServerKind[]; jsonPath: string | undefined; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...Object.fromEntries(Object.values(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
      servers: { type: 'string', default: 'leaky,supervised' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const raw = values as Record<string, string | boolean | undefined>;
  const scenario = { ...DEFAULTS };
  for (const [key, flag] of Object.entries(FLAGS) as [keyof ScenarioOptions, string][]) {
    const text = raw[flag];
    if (typeof text !== 'string') continue;
    const value = Number(text);
    const valid = key === 'hangFraction' ? value >= 0 && value <= 1 : Number.isInteger(value) && value >= (key === 'clients' ? 2 : 0);
    if (!valid) throw new RangeError(`--${flag} must be ${key === 'hangFraction' ? 'between 0 and 1' : 'a non-negative integer'}, got ${text}`);
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
