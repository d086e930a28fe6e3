/**
 * "First of" under event-loop lag: after a long synchronous stretch Node runs the timers that fell
 * due before the check phase, so an exit decided at the next `setImmediate` could let a later
 * disconnect win over a task that had already ended. These tests block the loop with a busy-wait
 * (deterministic: the wait guarantees the timers are due) and run on Node 20 and Node 22.
 */
import { describe, expect, it } from 'vitest';
import { createNamedTask, superviseSession, superviseTasks } from '../src/index.js';
import { freshMetrics, metricValue, silentLogger, untilAborted } from './runtime-support.js';

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* a long synchronous stretch */ }
}

describe('exit reason under event-loop lag', () => {
  it('a lifetime task that ended before a lagging disconnect timer wins (ended in the check phase)', async () => {
    const { metrics, registry } = freshMetrics();
    const connection = new AbortController();
    setTimeout(() => connection.abort(), 40);
    const task = createNamedTask('receive', () => new Promise<void>((resolve) => setImmediate(resolve)), { logger: silentLogger });
    setImmediate(() => busyWait(150)); // after the task's immediate: the supervisor's own decision immediate comes next loop, after the timer
    const exit = await superviseTasks([task], { label: 'lag', signal: connection.signal, metrics });
    expect(exit).toMatchObject({ reason: 'lifetime_done', task: { name: 'receive' } });
    expect(await metricValue(registry, 'async_supervisor_exit_total', { label: 'lag', reason: 'lifetime_done' })).toBe(1);
    expect(await metricValue(registry, 'async_supervisor_exit_total', { label: 'lag', reason: 'disconnect' })).toBe(0);
  });

  it('the same for a session: the exit reason and its metric say lifetime_done', async () => {
    const { metrics, registry } = freshMetrics();
    const connection = new AbortController();
    const result = superviseSession({ label: 'lag', signal: connection.signal, metrics, logger: silentLogger }, (session) => {
      session.lifetime('receive', () => new Promise<void>((resolve) => setImmediate(resolve)));
      session.lifetime('heartbeat', () => untilAborted(session.signal).catch(() => undefined));
    });
    setTimeout(() => connection.abort(), 40);
    setImmediate(() => busyWait(150));
    const { exit, drain } = await result;
    expect(exit).toMatchObject({ reason: 'lifetime_done', task: { name: 'receive' } });
    expect(drain.stuck).toEqual([]);
    expect(await metricValue(registry, 'async_supervisor_exit_total', { label: 'lag', reason: 'disconnect' })).toBe(0);
  });

  it('two timers that both fell due during a stretch keep their order: the task\'s timer first', async () => {
    const connection = new AbortController();
    const task = createNamedTask('receive', () => new Promise<void>((resolve) => setTimeout(resolve, 20)), { logger: silentLogger });
    setTimeout(() => connection.abort(), 40);
    const exit = superviseTasks([task], { label: 'lag', signal: connection.signal, metrics: freshMetrics().metrics });
    busyWait(120);
    expect((await exit).reason).toBe('lifetime_done');
  });

  it('a crash in an earlier turn is not overridden by a disconnect in a later one', async () => {
    const connection = new AbortController();
    const task = createNamedTask('upload', () => new Promise<void>((_, reject) => setImmediate(() => reject(new Error('boom')))), { logger: silentLogger });
    setTimeout(() => connection.abort(), 40);
    setImmediate(() => busyWait(150));
    const exit = await superviseTasks([task], { label: 'lag', signal: connection.signal, metrics: freshMetrics().metrics });
    expect(exit).toMatchObject({ reason: 'crash', task: { name: 'upload' } });
  });

  it('keeps the priority for a true same-turn tie: a disconnect later in the same microtask cascade wins', async () => {
    const connection = new AbortController();
    let fail!: (error: Error) => void;
    const crashing = createNamedTask('upload', () => new Promise<void>((_, reject) => { fail = reject; }), { logger: silentLogger });
    let finish!: () => void;
    const ending = createNamedTask('receive', () => new Promise<void>((resolve) => { finish = resolve; }), { logger: silentLogger });
    const exit = superviseTasks([crashing, ending], { label: 'tie', signal: connection.signal, metrics: freshMetrics().metrics });
    setImmediate(() => {
      finish();
      fail(new Error('boom'));
      // Observed after both settlements, but in the same turn: simultaneous, so priority decides.
      void Promise.resolve().then(() => Promise.resolve()).then(() => connection.abort());
      busyWait(60);
    });
    expect((await exit).reason).toBe('disconnect');
  });

  it('crash still beats lifetime_done within one turn, even when the lifetime end was observed first', async () => {
    let fail!: (error: Error) => void;
    const crashing = createNamedTask('upload', () => new Promise<void>((_, reject) => { fail = reject; }), { logger: silentLogger });
    let finish!: () => void;
    const ending = createNamedTask('receive', () => new Promise<void>((resolve) => { finish = resolve; }), { logger: silentLogger });
    const exit = superviseTasks([crashing, ending], { label: 'tie', metrics: freshMetrics().metrics });
    setImmediate(() => {
      finish();
      void Promise.resolve().then(() => fail(new Error('boom')));
    });
    expect((await exit).reason).toBe('crash');
  });
});
