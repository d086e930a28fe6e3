import { describe, expect, it } from 'vitest';
import { createNamedTask, type Task } from '../src/index.js';
import { abortListenerCount, captureLogger, deferred, recordUnhandledRejections, silentLogger, untilAborted } from './runtime-support.js';

describe('createNamedTask', () => {
  const unhandled = recordUnhandledRejections();

  it('has its name', async () => {
    const task = createNamedTask('ws:receive', () => Promise.resolve(1), { logger: silentLogger });
    expect(task.name).toBe('ws:receive');
    await expect(task.promise).resolves.toBe(1);
  });

  it('is added to the set before its body runs and removed when it resolves', async () => {
    const tasks = new Set<Task>();
    let sizeSeenByBody = -1;
    const gate = deferred();
    const task = createNamedTask('worker', async () => {
      sizeSeenByBody = tasks.size;
      await gate.promise;
      return 'done';
    }, { tasks, logger: silentLogger });
    expect(sizeSeenByBody).toBe(1);
    expect(tasks.has(task)).toBe(true);
    expect(task.settled).toBe(false);
    gate.resolve();
    await expect(task.promise).resolves.toBe('done');
    expect(tasks.has(task)).toBe(false);
    expect(task.settled).toBe(true);
  });

  it('is removed from the set on exception, logs it with its name, and raises no unhandledRejection', async () => {
    const tasks = new Set<Task>();
    const { logger, entries } = captureLogger();
    const failure = new Error('upload failed');
    const task = createNamedTask('upload', () => Promise.reject(failure), { tasks, logger });
    expect(tasks.size).toBe(1);
    await expect(task.promise).rejects.toBe(failure);
    expect(tasks.size).toBe(0);
    expect(task.settled).toBe(true);
    expect(entries).toEqual([{ level: 'error', obj: { task: 'upload', err: failure }, msg: 'task failed' }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });

  it('never surfaces an unhandled rejection even when nobody reads its promise', async () => {
    createNamedTask('ignored', () => Promise.reject(new Error('nobody listens')), { logger: silentLogger });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(unhandled).toEqual([]);
  });

  it('turns a synchronous throw in the body into a rejection', async () => {
    const tasks = new Set<Task>();
    const failure = new Error('sync');
    const task = createNamedTask('sync-throw', () => {
      throw failure;
    }, { tasks, logger: silentLogger });
    await expect(task.promise).rejects.toBe(failure);
    expect(tasks.size).toBe(0);
  });

  it('aborts its signal with the given reason', async () => {
    const reason = new Error('stop');
    const task = createNamedTask('loop', untilAborted, { logger: silentLogger });
    task.abort(reason);
    expect(task.signal.aborted).toBe(true);
    await expect(task.promise).rejects.toBe(reason);
  });

  it('does not log a cancellation: its own abort reason, or an AbortError from another signal', async () => {
    const { logger, entries } = captureLogger();
    const ownReason = new Error('own reason, not an AbortError');
    const task = createNamedTask('poller', untilAborted, { logger });
    task.abort(ownReason);
    await expect(task.promise).rejects.toBe(ownReason);
    const shutdown = new AbortController();
    const listener = createNamedTask('listener', () => untilAborted(shutdown.signal), { logger });
    shutdown.abort();
    await expect(listener.promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(entries).toEqual([]);
  });

  it('is aborted by its parent signal and unlinks from it when it settles', async () => {
    const parent = new AbortController();
    const gate = deferred();
    const first = createNamedTask('first', untilAborted, { signal: parent.signal, logger: silentLogger });
    const second = createNamedTask('second', () => gate.promise, { signal: parent.signal, logger: silentLogger });
    // Runtime waiters on one signal share a single real listener.
    expect(abortListenerCount(parent.signal)).toBe(1);
    gate.resolve();
    await second.promise;
    expect(abortListenerCount(parent.signal)).toBe(1);
    parent.abort(new Error('disconnect'));
    expect(first.signal.aborted).toBe(true);
    expect(first.signal.reason).toBe(parent.signal.reason);
    await first.promise.catch(() => undefined);
    expect(abortListenerCount(parent.signal)).toBe(0);
    expect(second.signal.aborted).toBe(false);
  });

  it('runs the body with an aborted signal when the parent is already aborted', async () => {
    const parent = AbortSignal.abort(new Error('gone'));
    let seenAborted = false;
    const task = createNamedTask('late', (signal) => {
      seenAborted = signal.aborted;
      return Promise.resolve();
    }, { signal: parent, logger: silentLogger });
    await task.promise;
    expect(seenAborted).toBe(true);
    expect(abortListenerCount(parent)).toBe(0);
  });

  it('its promise is the body\'s own promise, and reactions to it see the task settled and out of its set', async () => {
    const tasks = new Set<Task>();
    const gate = deferred<string>();
    const task = createNamedTask('worker', () => gate.promise, { tasks, logger: silentLogger });
    expect(task.promise).toBe(gate.promise);
    const seen = task.promise.then(() => ({ settled: task.settled, inSet: tasks.has(task) }));
    gate.resolve('done');
    await expect(seen).resolves.toEqual({ settled: true, inSet: false });
  });

  it('accepts a body that returns a plain value', async () => {
    const task = createNamedTask('plain', (() => 7) as unknown as () => Promise<number>, { logger: silentLogger });
    await expect(task.promise).resolves.toBe(7);
  });
});
