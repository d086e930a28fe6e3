/**
 * End to end: builds the example, runs the real demo (`dist/demo.js`, each server in its own
 * `--expose-gc` child process, clients and fake upstream in the demo's process) with a small N,
 * and checks what the demo claims from its JSON measurements.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAP_TOLERANCE, SETTLE_SLACK_MS, WAKE_LIMIT_MS, type Verdict } from '../src/report.js';
import { settleWindowMs, type ScenarioOptions, type ServerRun } from '../src/scenario.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const CLIENTS = 40;

interface DemoOutput {
  options: ScenarioOptions;
  runs: ServerRun[];
  verdicts: Verdict[];
}

function runNode(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: exampleDir, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

interface DemoRun {
  demo: { code: number | null; stdout: string; stderr: string };
  output: DemoOutput;
  leaky: ServerRun;
  supervised: ServerRun;
}

let workDir: string;

beforeAll(async () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = await runNode([tsc, '-p', 'tsconfig.build.json'], 60_000);
  expect(build.stdout + build.stderr, 'the example builds').toBe('');
  workDir = await mkdtemp(join(tmpdir(), 'ghost-demo-'));
}, 70_000);

afterAll(async () => {
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

async function runDemo(name: string, args: string[]): Promise<DemoRun> {
  const jsonPath = join(workDir, `${name}.json`);
  const demo = await runNode(['dist/demo.js', ...args, '--json', jsonPath], 100_000);
  const output = JSON.parse(await readFile(jsonPath, 'utf8')) as DemoOutput;
  return {
    demo,
    output,
    leaky: output.runs.find((run) => run.kind === 'leaky')!,
    supervised: output.runs.find((run) => run.kind === 'supervised')!,
  };
}

describe(`pnpm demo:ghosts with ${CLIENTS} clients`, () => {
  let demo: DemoRun['demo'];
  let output: DemoOutput;
  let leaky: ServerRun;
  let supervised: ServerRun;

  beforeAll(async () => {
    ({ demo, output, leaky, supervised } = await runDemo('default', ['--clients', String(CLIENTS)]));
  }, 110_000);

  it('prints the side-by-side table and one verdict per server, and exits 0', () => {
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/^\s+leaky\s+supervised$/m);
    for (const row of ['connection gauge', 'live server sockets', 'live background tasks', 'active handles', 'heap used', 'disconnect → gauge 0', 'poller wake', '/metrics series']) {
      expect(demo.stdout).toContain(row);
    }
    expect(demo.stdout).toMatch(/^leaky: {6}\d+ ghost connections/m);
    expect(demo.stdout).toMatch(/^supervised: gauge 0 /m);
    expect(output.verdicts.map((verdict) => [verdict.kind, verdict.asExpected])).toEqual([
      ['leaky', true],
      ['supervised', true],
    ]);
  });

  it('puts both servers through the same load and the same outage', () => {
    for (const run of [leaky, supervised]) {
      expect(run.clients).toBe(CLIENTS);
      expect(run.cleanDisconnects).toBe(CLIENTS / 2);
      expect(run.abruptDisconnects).toBe(CLIENTS / 2);
      expect(run.peak.gauge).toBe(CLIENTS);
      expect(run.final.liveSockets).toBe(0);
    }
    // hang fraction 0.9: 36 of 40 users, chosen deterministically.
    expect(leaky.usersWithHungUpload).toBe(Math.round(CLIENTS * output.options.hangFraction));
    expect(supervised.usersWithHungUpload).toBe(leaky.usersWithHungUpload);
  });

  it('leaky: every connection whose upload hung stays a ghost, holding heap, handles and series', () => {
    const ghosts = leaky.final.gauge;
    expect(leaky.vanishedClients).toBe(0);
    expect(ghosts).toBe(leaky.usersWithHungUpload);
    expect(leaky.gaugeZeroAfterMs).toBeNull();
    expect(leaky.final.openHandlers).toBe(ghosts);
    expect(leaky.final.liveBackgroundTasks).toBeGreaterThanOrEqual(ghosts);
    // Each hung upload keeps its socket open, and with it the whole connection reachable.
    expect(leaky.final.activeHandles).toBeGreaterThanOrEqual(leaky.baseline.activeHandles + ghosts);
    const growth = leaky.final.heapUsedBytes - leaky.baseline.heapUsedBytes;
    expect(growth).toBeGreaterThan(HEAP_TOLERANCE * leaky.baseline.heapUsedBytes);
    expect(growth / ghosts).toBeGreaterThan(10 * 1024);
    // Bare sleeps: a poller notices a disconnect only when its sleep ends.
    expect(leaky.final.pollerWake.p50Ms).toBeGreaterThan(WAKE_LIMIT_MS);
    // One series per user and frame kind, warm-up users included, never removed.
    expect(leaky.metricsSeries).toBeGreaterThan(2 * CLIENTS);
  });

  it('supervised: back to gauge 0 and baseline heap within drain + force timeout, pollers woken at once', () => {
    const { drainMs, forceMs } = output.options;
    expect(supervised.final.gauge).toBe(0);
    expect(supervised.gaugeZeroAfterMs).not.toBeNull();
    expect(supervised.final.openHandlers).toBe(0);
    expect(supervised.final.liveBackgroundTasks).toBe(0);
    expect(supervised.final.handlerEnd.count).toBe(CLIENTS);
    expect(supervised.final.handlerEnd.maxMs).toBeLessThanOrEqual(drainMs + forceMs + SETTLE_SLACK_MS);
    // Hung uploads were held through the grace period, then aborted (not ended at once).
    expect(supervised.final.handlerEnd.maxMs).toBeGreaterThanOrEqual(drainMs);
    expect(supervised.final.activeHandles).toBeLessThanOrEqual(supervised.baseline.activeHandles);
    const growth = supervised.final.heapUsedBytes - supervised.baseline.heapUsedBytes;
    expect(Math.abs(growth)).toBeLessThanOrEqual(HEAP_TOLERANCE * supervised.baseline.heapUsedBytes);
    expect(supervised.final.pollerWake.count).toBeGreaterThan(0);
    expect(supervised.final.pollerWake.p50Ms).toBeLessThan(WAKE_LIMIT_MS);
    // Static labels: the series count does not depend on how many users came by.
    expect(supervised.metricsSeries).toBeLessThan(leaky.metricsSeries);
    expect(supervised.metricsSeries).toBeLessThan(CLIENTS);
  });

  it('prints the live census: every supervised session while streaming, the draining ones after, none of the leaky ghosts', () => {
    expect(demo.stdout).toContain('Live census (GET /debug/sessions):');
    expect(demo.stdout).toMatch(/^ {2}supervised {2}streaming +40 sessions \(40 running\)/m);
    expect(supervised.census.streaming).toMatchObject({ total: CLIENTS, byState: { running: CLIENTS } });
    expect(supervised.census.streaming.topTasks.map((task) => task.name)).toEqual(expect.arrayContaining(['audio-poller']));
    // The hung uploads hold their sessions through the drain's grace period (2 s after the last client left).
    expect(supervised.census.leaving.total).toBeGreaterThan(0);
    expect(supervised.census.leaving.byState.running).toBe(0);
    expect(supervised.census.after.total).toBe(0);
    for (const census of Object.values(leaky.census)) expect(census.total).toBe(0);
    expect(demo.stdout).toMatch(/its \d+ ghosts are not sessions/);
  });
});

describe('pnpm demo:ghosts with clients that vanish (half-open sockets, no outage)', () => {
  const clients = 20;
  let run: DemoRun;

  beforeAll(async () => {
    run = await runDemo('vanish', ['--clients', String(clients), '--vanish-fraction', '0.5', '--hang-fraction', '0', '--stream-ms', '2000', '--outage-lead-ms', '1000']);
  }, 110_000);

  it('leaky: without a heartbeat, vanished clients stay connected forever', () => {
    const { leaky } = run;
    expect(run.demo.code).toBe(0);
    expect(leaky.usersWithHungUpload).toBe(0);
    expect(leaky.vanishedClients).toBe(clients / 2);
    expect(leaky.cleanDisconnects + leaky.abruptDisconnects).toBe(clients / 2);
    expect(leaky.final.gauge).toBe(clients / 2);
    expect(leaky.final.liveSockets).toBe(clients / 2);
    expect(leaky.final.openHandlers).toBe(clients / 2);
    expect(leaky.gaugeZeroAfterMs).toBeNull();
  });

  it('supervised: the missed pong ends them within two heartbeats', () => {
    const { supervised, output } = run;
    expect(supervised.vanishedClients).toBe(clients / 2);
    expect(supervised.final.gauge).toBe(0);
    expect(supervised.final.liveSockets).toBe(0);
    expect(supervised.final.openHandlers).toBe(0);
    expect(supervised.gaugeZeroAfterMs).not.toBeNull();
    expect(supervised.gaugeZeroAfterMs!).toBeLessThanOrEqual(settleWindowMs(output.options));
    // Nothing hung: once the disconnect is seen, sessions end without waiting for the drain.
    expect(supervised.final.handlerEnd.count).toBe(clients);
    expect(supervised.final.handlerEnd.maxMs!).toBeLessThan(output.options.drainMs);
    expect(output.verdicts.every((verdict) => verdict.asExpected)).toBe(true);
  });
});
