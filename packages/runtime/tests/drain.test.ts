import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNamedTask, drainTasks, type DrainReport, type Task } from '../src/index.js';
import {
  activeTimeouts,
  expectTimersBackTo,
  captureLogger,
  deferred,
  freshMetrics,
  hangsForever,
  metricValue,
  silentLogger,
  untilAborted,
} from './runtime-support.js';

function spawn<T>(name: string, body: (signal: AbortSignal) => Promise<T>, tasks?: Set<Task>): Task<T> {
  return createNamedTask(name, body, { logger: silentLogger, tasks });
}

/** A task that honours its signal and finishes on its own when `finish` resolves. */
function worker(name: string, finish: Promise<void>): Task<void> {
  return spawn(name, (signal) => Promise.race([finish, untilAborted(signal)]));
}

describe('drainTasks', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('drains an empty set at once', async () => {
    const { metrics, registry } = freshMetrics();
    const report = await drainTasks([], { label: 'pusher', timeoutMs: 1_000, metrics, logger: silentLogger });
    expect(report).toMatchObject({ completed: 0, cancelled: 0, stuck: [], timedOut: false });
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
    expect(await metricValue(registry, 'async_drain_duration_seconds', { label: 'pusher' }, 'async_drain_duration_seconds_count')).toBe(1);
    expect(await metricValue(registry, 'async_drain_timeout_total', { label: 'pusher' })).toBe(0);
  });

  it('counts tasks that are already done as completed without aborting them', async () => {
    const { metrics } = freshMetrics();
    const done = spawn('done', () => Promise.resolve());
    const failed = spawn('failed', () => Promise.reject(new Error('x')));
    await done.promise;
    await failed.promise.catch(() => undefined);
    const report = await drainTasks([done, failed], { label: 'pusher', timeoutMs: 1_000, metrics, logger: silentLogger });
    expect(report).toMatchObject({ completed: 2, cancelled: 0, stuck: [], timedOut: false });
    expect(done.signal.aborted).toBe(false);
  });

  it('cancels running tasks (cancel: true, the default)', async () => {
    const { metrics } = freshMetrics();
    const tasks = new Set<Task>();
    spawn('heartbeat', untilAborted, tasks);
    spawn('flusher', untilAborted, tasks);
    const snapshot = [...tasks];
    const report = await drainTasks(tasks, { label: 'pusher', timeoutMs: 1_000, metrics, logger: silentLogger });
    expect(report).toMatchObject({ completed: 0, cancelled: 2, stuck: [], timedOut: false });
    expect(snapshot.every((task) => task.signal.aborted && task.settled)).toBe(true);
    expect(tasks.size).toBe(0);
  });

  it('on timeout force-cancels the stragglers and reports the count (cancel: false)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { metrics, registry } = freshMetrics();
    const slow = worker('slow-upload', new Promise<void>(() => {}));
    const other = worker('slow-webhook', new Promise<void>(() => {}));
    let report: DrainReport | undefined;
    void drainTasks([slow, other], { label: 'pusher', timeoutMs: 100, cancel: false, metrics, logger: silentLogger })
      .then((value) => {
        report = value;
      });
    await vi.advanceTimersByTimeAsync(99);
    expect(slow.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(slow.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(report).toMatchObject({ completed: 0, cancelled: 2, stuck: [], timedOut: true });
    expect(await metricValue(registry, 'async_drain_timeout_total', { label: 'pusher' })).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with cancel: false waits for tasks to complete on their own', async () => {
    const { metrics } = freshMetrics();
    const finish = deferred();
    const task = worker('final-flush', finish.promise);
    const draining = drainTasks([task], { label: 'pusher', timeoutMs: 60_000, cancel: false, metrics, logger: silentLogger });
    setImmediate(() => finish.resolve());
    const report = await draining;
    expect(report).toMatchObject({ completed: 1, cancelled: 0, stuck: [], timedOut: false });
    expect(task.signal.aborted).toBe(false);
  });

  it('reports mixed done and running tasks', async () => {
    const { metrics } = freshMetrics();
    const done = spawn('done', () => Promise.resolve());
    await done.promise;
    const running = spawn('running', untilAborted);
    const report = await drainTasks([done, running], { label: 'pusher', timeoutMs: 1_000, metrics, logger: silentLogger });
    expect(report).toMatchObject({ completed: 1, cancelled: 1, stuck: [], timedOut: false });
  });

  it.each([0, -1])('with timeoutMs %i aborts at once instead of waiting first', async (timeoutMs) => {
    const { metrics } = freshMetrics();
    const forever = worker('would-run-forever', new Promise<void>(() => {}));
    const report = await drainTasks([forever], { label: 'pusher', timeoutMs, cancel: false, metrics, logger: silentLogger });
    expect(forever.signal.aborted).toBe(true);
    expect(report).toMatchObject({ completed: 0, cancelled: 1, stuck: [], timedOut: true });
    const alsoCancel = worker('cancel-true', new Promise<void>(() => {}));
    const second = await drainTasks([alsoCancel], { label: 'pusher', timeoutMs, metrics, logger: silentLogger });
    expect(second).toMatchObject({ cancelled: 1, stuck: [] });
  });

  it('resolves within timeoutMs + forceTimeoutMs when a task ignores its signal, reporting it stuck once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { metrics } = freshMetrics();
    const { logger, entries } = captureLogger();
    const hung = spawn('gcs-upload', hangsForever);
    const polite = worker('heartbeat', new Promise<void>(() => {}));
    const onStuck = vi.fn();
    let report: DrainReport | undefined;
    void drainTasks([hung, polite], { label: 'pusher', timeoutMs: 1_000, cancel: false, forceTimeoutMs: 500, onStuck, metrics, logger })
      .then((value) => {
        report = value;
      });
    await vi.advanceTimersByTimeAsync(1_499);
    expect(report).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(report).toMatchObject({ completed: 0, cancelled: 1, stuck: [hung], timedOut: true });
    expect(onStuck).toHaveBeenCalledTimes(1);
    expect(onStuck).toHaveBeenCalledWith([hung]);
    expect(entries).toEqual([
      expect.objectContaining({ level: 'error', obj: { label: 'pusher', stuck: ['gcs-upload'] } }),
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with cancel: true reports a signal-ignoring task stuck after timeoutMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { metrics } = freshMetrics();
    const hung = spawn('webhook', hangsForever);
    const onStuck = vi.fn();
    let report: DrainReport | undefined;
    void drainTasks([hung], { label: 'pusher', timeoutMs: 200, onStuck, metrics, logger: silentLogger }).then((value) => {
      report = value;
    });
    await vi.advanceTimersByTimeAsync(200);
    expect(report).toMatchObject({ stuck: [hung], timedOut: true, cancelled: 0, completed: 0 });
    expect(onStuck).toHaveBeenCalledTimes(1);
  });

  it('survives an onStuck that throws, logging it', async () => {
    const { metrics } = freshMetrics();
    const { logger, entries } = captureLogger();
    const hung = spawn('stuck', hangsForever);
    const report = await drainTasks([hung], {
      label: 'pusher', timeoutMs: 0, forceTimeoutMs: 1, metrics, logger,
      onStuck: () => {
        throw new Error('terminate failed');
      },
    });
    expect(report.stuck).toEqual([hung]);
    expect(entries.map((entry) => entry.msg)).toContain('onStuck threw');
  });

  it('leaves no timer behind when tasks settle before the timeout', async () => {
    const { metrics } = freshMetrics();
    const timersBefore = activeTimeouts();
    for (let round = 0; round < 20; round += 1) {
      const cancel = round % 2 === 0;
      const finish = deferred();
      const task = worker('quick', finish.promise);
      if (!cancel) setImmediate(() => finish.resolve());
      const report = await drainTasks([task], { label: 'pusher', timeoutMs: 60_000, cancel, forceTimeoutMs: 60_000, metrics, logger: silentLogger });
      expect(report).toMatchObject(cancel ? { cancelled: 1 } : { completed: 1 });
    }
    await expectTimersBackTo(timersBefore);
  });

  it('reads a generator once', async () => {
    const { metrics } = freshMetrics();
    const a = spawn('a', untilAborted);
    function* generate(): Generator<Task> {
      yield a;
    }
    await expect(drainTasks(generate(), { label: 'pusher', timeoutMs: 100, metrics, logger: silentLogger }))
      .resolves.toMatchObject({ cancelled: 1 });
  });

  it('refuses bad input before aborting anything', () => {
    const task = spawn('a', untilAborted);
    expect(() => drainTasks([task], { label: 'p', timeoutMs: Number.NaN })).toThrow(RangeError);
    expect(() => drainTasks([task], { label: 'p', timeoutMs: 10, forceTimeoutMs: Number.NaN })).toThrow(/forceTimeoutMs/);
    expect(() => drainTasks([task, 'x' as unknown as Task], { label: 'p', timeoutMs: 10 })).toThrow(/tasks\[1\]/);
    expect(() => drainTasks([task], { label: 'p', timeoutMs: 10, onStuck: 5 as unknown as () => void })).toThrow(TypeError);
    expect(task.signal.aborted).toBe(false);
    task.abort();
  });
});
