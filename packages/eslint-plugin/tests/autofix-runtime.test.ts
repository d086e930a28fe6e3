/**
 * Autofixes must not change what correct code does: this lints small polling programs with
 * `eslint --fix` semantics (the ESLint class, `fix: true`, plain `.mjs` parsed by espree as a
 * JavaScript user's would be), then RUNS the fixed program against the built
 * `@ghostguard/runtime` of the workspace and checks that the loop still runs its iterations and
 * still stops on shutdown. `pnpm build` must have run (as `pnpm test` does).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import ghostguard from '../src/index.js';
import { PARAMETER_POLLER, PER_REQUEST_POLLER, SESSION_FLUSHER, SHUTDOWN_POLLER, SHUTDOWN_POLLER_FIX } from './autofix-programs.js';

const runtimeUrl = pathToFileURL(path.resolve(import.meta.dirname, '../../runtime/dist/index.js')).href;
const dir = mkdtempSync(path.join(os.tmpdir(), 'ghostguard-autofix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const eslint = new ESLint({
  cwd: dir,
  overrideConfigFile: true,
  overrideConfig: [
    ghostguard.configs.recommended,
    // Only this rule: the programs below are deliberately small and would trip the others.
    { rules: { 'ghostguard/no-detached-task': 'off', 'ghostguard/no-promise-all-in-ws-handler': 'off' } },
  ],
  fix: true,
});

/** `eslint --fix` on `code` as `name.mjs`; returns the fixed text and what is left reported. */
async function fix(name: string, code: string): Promise<{ output: string; remaining: string[] }> {
  const [result] = await eslint.lintText(code, { filePath: path.join(dir, `${name}.mjs`) });
  if (!result) throw new Error('no lint result');
  return { output: result.output ?? code, remaining: result.messages.map((m) => m.ruleId ?? m.message) };
}

let loaded = 0;
/** Imports a program, with its runtime import pointed at the workspace build. */
async function load<T>(code: string): Promise<T> {
  const file = path.join(dir, `program-${loaded++}.mjs`);
  writeFileSync(file, code.replaceAll("'@ghostguard/runtime'", `'${runtimeUrl}'`));
  return (await import(pathToFileURL(file).href)) as T;
}

/** Fails (instead of hanging the suite) when `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A work callback for the programs: runs `step` and resolves. */
function work(step: (n: number) => void): (n: number) => Promise<void> {
  return (n) => {
    step(n);
    return Promise.resolve();
  };
}

describe('autofixed programs still behave', () => {
  it('leaves the per-request-timeout poller alone: it keeps polling after a timed-out request', async () => {
    const code = PER_REQUEST_POLLER;
    const { output, remaining } = await fix('per-request', code);
    expect(output).toBe(code); // suggestion only: --fix changes nothing
    expect(remaining).toEqual(['ghostguard/no-bare-sleep-in-loop']);
    const { poll } = await load<{ poll: (f: (s: AbortSignal) => Promise<void>, n: number, ms: number) => Promise<number> }>(output);
    // Every request hangs until its own timeout aborts it.
    const hang = (signal: AbortSignal) => new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    await expect(within(poll(hang, 4, 1), 10_000, 'poller')).resolves.toBe(4);
  });

  it('fixes a poller whose loop checks its shutdown signal: same iterations, wakes at once on shutdown', async () => {
    const code = SHUTDOWN_POLLER;
    const { output, remaining } = await fix('shutdown', code);
    expect(output).toContain(SHUTDOWN_POLLER_FIX);
    expect(output).toContain("import { sleepUntilShutdown } from '@ghostguard/runtime';");
    expect(remaining).toEqual([]);
    const { poll } = await load<{ poll: (s: AbortSignal, w: (n: number) => Promise<void>, ms: number) => Promise<number> }>(output);

    // Short interval: it runs its iterations, then stops when shutdown is signalled.
    const shortStop = new AbortController();
    const short = poll(shortStop.signal, work((n) => {
      if (n === 4) shortStop.abort();
    }), 1);
    await expect(within(short, 10_000, 'short poller')).resolves.toBe(5);

    // An hour-long interval: the bare sleep would hold the loop for an hour; the fixed one returns.
    const longStop = new AbortController();
    let started!: () => void;
    const firstTick = new Promise<void>((resolve) => (started = resolve));
    const long = poll(longStop.signal, work(() => started()), 3_600_000);
    await firstTick;
    longStop.abort();
    await expect(within(long, 5_000, 'hour-long poller after shutdown')).resolves.toBe(1);
  });

  it('fixes a poller that sleeps on its own signal parameter', async () => {
    const code = PARAMETER_POLLER;
    const { output } = await fix('parameter', code);
    expect(output).toContain('if (await sleepUntilShutdown(signal, intervalMs)) break;');
    const { poll } = await load<{ poll: (s: AbortSignal, w: (n: number) => Promise<void>, ms: number) => Promise<undefined> }>(output);
    const stop = new AbortController();
    let ticks = 0;
    const running = poll(stop.signal, work((n) => {
      ticks = n + 1;
      if (n === 2) stop.abort();
    }), 1);
    await expect(within(running, 10_000, 'parameter poller')).resolves.toBeUndefined();
    expect(ticks).toBe(3);

    const longStop = new AbortController();
    const long = poll(longStop.signal, work(() => {
      setTimeout(() => longStop.abort(), 0);
    }), 3_600_000);
    await expect(within(long, 5_000, 'hour-long parameter poller after abort')).resolves.toBeUndefined();
  });

  it('fixes a session flusher to sleep on session.signal: the session ends at once on disconnect', async () => {
    const code = SESSION_FLUSHER;
    const { output, remaining } = await fix('session', code);
    expect(output).toContain('if (await sleepUntilShutdown(session.signal, 3_600_000)) break;');
    expect(output).toContain("import { superviseSession, sleepUntilShutdown } from '@ghostguard/runtime';");
    expect(remaining).toEqual([]);
    const { serve } = await load<{ serve: (w: { signal: AbortSignal }, f: (n: number) => Promise<void>) => Promise<{ exit: { reason: string }; drain: { completed: number; timedOut: boolean } }> }>(output);
    const connection = new AbortController();
    let flushed!: () => void;
    const firstFlush = new Promise<void>((resolve) => (flushed = resolve));
    const result = serve({ signal: connection.signal }, work(() => flushed()));
    await firstFlush;
    connection.abort();
    const { exit, drain } = await within(result, 10_000, 'session after disconnect');
    expect(exit.reason).toBe('disconnect');
    expect(drain).toMatchObject({ completed: 1, timedOut: false });
  });
});
