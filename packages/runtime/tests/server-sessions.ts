/**
 * The session every server adapter test runs: a superviseSession counted by a prom-client Gauge
 * on a fresh Registry, with a receive loop and a poller that stop on the shutdown notice and,
 * for the hung-task case, an upload that ignores its signal and never settles.
 */
import { Gauge, Registry } from 'prom-client';
import { expect } from 'vitest';
import { sleepUntilShutdown, superviseSession } from '../src/index.js';
import type { Session, SessionResult, Task } from '../src/index.js';
import { abortListenerCount, activeTimeouts, expectTimersBackTo, silentLogger } from './runtime-support.js';

export interface ServerSessions {
  readonly registry: Registry;
  readonly gauge: Gauge;
  /** Every onStuck call, in order. */
  readonly stuckReports: Task[][];
  /** Starts a session for one connection; `hung` adds a finite task that never settles. */
  serve(signal: AbortSignal, options?: { hung?: boolean; onStuck?: (stuck: Task[]) => void }): Promise<SessionResult>;
  gaugeValue(): Promise<number>;
  /** Polls (bounded) until the gauge reads `value`. */
  expectGauge(value: number): Promise<void>;
  /** Releases the hung tasks so nothing outlives the test. */
  release(): void;
  /** No abort listener left on any served signal; no more active timers than before the first session. */
  expectNothingLeft(): Promise<void>;
}

export function serverSessions(label: string): ServerSessions {
  const registry = new Registry();
  const gauge = new Gauge({ name: 'ws_active_connections', help: 'Open sessions', registers: [registry] });
  const stuckReports: Task[][] = [];
  const releases: Array<() => void> = [];
  const served: AbortSignal[] = [];
  let timersBefore: number | undefined;

  async function gaugeValue(): Promise<number> {
    return (await gauge.get()).values[0]?.value ?? 0;
  }

  function hungForever(): Promise<void> {
    return new Promise<void>((resolve) => releases.push(resolve));
  }

  return {
    registry,
    gauge,
    stuckReports,
    serve(signal, { hung = false, onStuck } = {}) {
      timersBefore ??= activeTimeouts();
      served.push(signal);
      const setup = (session: Session): void => {
        session.lifetime('receive', () => untilShutdown(session.signal));
        session.lifetime('poller', async () => {
          while (!(await sleepUntilShutdown(session.signal, 20))) {
            // a flush would go here
          }
        });
        if (hung) session.finite('upload', () => hungForever());
      };
      return superviseSession(
        {
          label,
          signal,
          gauge,
          logger: silentLogger,
          drainTimeoutMs: hung ? 50 : 5_000,
          forceTimeoutMs: hung ? 50 : 5_000,
          onStuck: (stuck) => {
            stuckReports.push(stuck);
            onStuck?.(stuck);
          },
        },
        setup,
      );
    },
    gaugeValue,
    async expectGauge(value) {
      await expect.poll(gaugeValue, { timeout: 5_000, interval: 10 }).toBe(value);
    },
    release() {
      for (const release of releases.splice(0)) release();
    },
    async expectNothingLeft() {
      expect(served.map(abortListenerCount)).toEqual(served.map(() => 0));
      if (timersBefore !== undefined) await expectTimersBackTo(timersBefore);
    },
  };
}

/** A receive loop stand-in: resolves when the session's shutdown notice arrives. */
function untilShutdown(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** The checks shared by every "gauge back to 0" case. */
export async function expectEndedCleanly(result: SessionResult, sessions: ServerSessions): Promise<void> {
  expect(result.exit.reason).toBe('disconnect');
  expect(result.drain.stuck).toEqual([]);
  expect(result.drain.timedOut).toBe(false);
  expect(await sessions.gaugeValue()).toBe(0);
  await sessions.expectNothingLeft();
}

export async function expectEndedStuck(result: SessionResult, sessions: ServerSessions): Promise<void> {
  expect(result.exit.reason).toBe('disconnect');
  expect(result.drain.timedOut).toBe(true);
  expect(result.drain.stuck.map((task) => task.name)).toEqual(['upload']);
  expect(sessions.stuckReports.map((stuck) => stuck.map((task) => task.name))).toEqual([['upload']]);
  expect(await sessions.gaugeValue()).toBe(0);
  await sessions.expectNothingLeft();
}
