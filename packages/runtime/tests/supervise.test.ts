import { describe, expect, it } from 'vitest';
import { createNamedTask, superviseTasks, type Task } from '../src/index.js';
import {
  abortListenerCount,
  deferred,
  freshMetrics,
  metricValue,
  nextTurn,
  recordUnhandledRejections,
  silentLogger,
  untilAborted,
} from './runtime-support.js';

function spawn<T>(name: string, body: (signal: AbortSignal) => Promise<T>): Task<T> {
  return createNamedTask(name, body, { logger: silentLogger });
}

describe('superviseTasks', () => {
  const unhandled = recordUnhandledRejections();

  it('exits with disconnect when the signal aborts, cancelling nothing itself', async () => {
    const { metrics, registry } = freshMetrics();
    const connection = new AbortController();
    const receive = spawn('receive', untilAborted);
    const heartbeat = spawn('heartbeat', untilAborted);
    const exiting = superviseTasks([receive, heartbeat], { label: 'pusher', signal: connection.signal, metrics });
    await nextTurn();
    connection.abort();
    await expect(exiting).resolves.toEqual({ reason: 'disconnect' });
    expect(receive.signal.aborted).toBe(false);
    expect(heartbeat.signal.aborted).toBe(false);
    expect(abortListenerCount(connection.signal)).toBe(0);
    expect(await metricValue(registry, 'async_supervisor_exit_total', { label: 'pusher', reason: 'disconnect' })).toBe(1);
    receive.abort();
    heartbeat.abort();
  });

  it('exits with disconnect at once when the signal is already aborted', async () => {
    const { metrics } = freshMetrics();
    const receive = spawn('receive', untilAborted);
    await expect(superviseTasks([receive], { label: 'pusher', signal: AbortSignal.abort(), metrics })).resolves.toEqual({ reason: 'disconnect' });
    receive.abort();
  });

  it('exits with crash, naming the task and its error', async () => {
    const { metrics, registry } = freshMetrics();
    const failure = new Error('diarizer exploded');
    const gate = deferred();
    const receive = spawn('receive', untilAborted);
    const diarizer = spawn('diarizer', async () => {
      await gate.promise;
      throw failure;
    });
    const exiting = superviseTasks([receive, diarizer], { label: 'listen', signal: new AbortController().signal, metrics });
    gate.resolve();
    const exit = await exiting;
    expect(exit.reason).toBe('crash');
    expect(exit.task).toBe(diarizer);
    expect(exit.error).toBe(failure);
    expect(await metricValue(registry, 'async_supervisor_exit_total', { label: 'listen', reason: 'crash' })).toBe(1);
    receive.abort();
  });

  it('exits with lifetime_done when a lifetime task resolves', async () => {
    const { metrics, registry } = freshMetrics();
    const heartbeatDone = deferred();
    const receive = spawn('receive', untilAborted);
    const heartbeat = spawn('heartbeat', () => heartbeatDone.promise);
    const exiting = superviseTasks([receive, heartbeat], { label: 'listen', metrics });
    heartbeatDone.resolve();
    await expect(exiting).resolves.toEqual({ reason: 'lifetime_done', task: heartbeat });
    expect(await metricValue(registry, 'async_supervisor_exit_total', { label: 'listen', reason: 'lifetime_done' })).toBe(1);
    receive.abort();
  });

  it('does not exit when a finite task resolves', async () => {
    const { metrics } = freshMetrics();
    const receiveDone = deferred();
    const receive = spawn('receive', () => receiveDone.promise);
    const pending = spawn('process-pending-conversations', () => Promise.resolve('processed'));
    let exited = false;
    const exiting = superviseTasks([receive, pending], { label: 'listen', finite: [pending], metrics }).then((exit) => {
      exited = true;
      return exit;
    });
    await pending.promise;
    await nextTurn();
    await nextTurn();
    expect(exited).toBe(false);
    receiveDone.resolve();
    await expect(exiting).resolves.toEqual({ reason: 'lifetime_done', task: receive });
  });

  it('exits with crash when a finite task rejects, even one listed only in finite', async () => {
    const { metrics } = freshMetrics();
    const failure = new Error('speaker id failed');
    const receive = spawn('receive', untilAborted);
    const speakerId = spawn('speaker-id', () => Promise.reject(failure));
    const exit = await superviseTasks([receive], { label: 'listen', finite: [speakerId], metrics });
    expect(exit).toEqual({ reason: 'crash', task: speakerId, error: failure });
    receive.abort();
  });

  it('supervises a session with no background tasks: the receive task alone ends it', async () => {
    const { metrics } = freshMetrics();
    const receive = spawn('receive', () => Promise.resolve());
    await expect(superviseTasks([receive], { label: 'pusher', signal: new AbortController().signal, metrics }))
      .resolves.toEqual({ reason: 'lifetime_done', task: receive });
  });

  it('with no tasks at all, waits for the signal', async () => {
    const { metrics } = freshMetrics();
    const connection = new AbortController();
    let exited = false;
    const exiting = superviseTasks([], { label: 'pusher', signal: connection.signal, metrics }).then((exit) => {
      exited = true;
      return exit;
    });
    await nextTurn();
    expect(exited).toBe(false);
    connection.abort();
    await expect(exiting).resolves.toEqual({ reason: 'disconnect' });
  });

  it('sees a task that had already settled before supervision began', async () => {
    const { metrics } = freshMetrics();
    const done = spawn('already-done', () => Promise.resolve());
    await done.promise;
    await expect(superviseTasks([done], { label: 'pusher', metrics })).resolves.toEqual({ reason: 'lifetime_done', task: done });
  });

  describe('same-turn priority: disconnect > crash > lifetime_done', () => {
    it('crash wins over a lifetime_done that settled first in the same turn', async () => {
      const { metrics } = freshMetrics();
      const lifetimeDone = deferred();
      const crashing = deferred();
      const lifetime = spawn('lifetime', () => lifetimeDone.promise);
      const crasher = spawn('crasher', () => crashing.promise);
      const exiting = superviseTasks([lifetime, crasher], { label: 'turn', metrics });
      lifetimeDone.resolve();
      await lifetime.promise; // observed by the supervisor, still the same turn (microtasks only)
      crashing.reject(new Error('boom'));
      const exit = await exiting;
      expect(exit.reason).toBe('crash');
      expect(exit.task).toBe(crasher);
    });

    it('disconnect wins over a crash and a lifetime_done of the same turn', async () => {
      const { metrics } = freshMetrics();
      const connection = new AbortController();
      const crashing = deferred();
      const lifetimeDone = deferred();
      const crasher = spawn('crasher', () => crashing.promise);
      const lifetime = spawn('lifetime', () => lifetimeDone.promise);
      const exiting = superviseTasks([crasher, lifetime], { label: 'turn', signal: connection.signal, metrics });
      crashing.reject(new Error('boom'));
      lifetimeDone.resolve();
      await crasher.promise.catch(() => undefined);
      await lifetime.promise;
      connection.abort();
      await expect(exiting).resolves.toEqual({ reason: 'disconnect' });
    });

    it('the first of two crashes in one turn wins, deterministically', async () => {
      const { metrics } = freshMetrics();
      const first = new Error('first');
      const a = spawn('a', () => Promise.reject(first));
      const b = spawn('b', () => Promise.reject(new Error('second')));
      const exit = await superviseTasks([a, b], { label: 'turn', metrics });
      expect(exit).toEqual({ reason: 'crash', task: a, error: first });
    });

    it('a crash decided in an earlier turn is not overridden by a later disconnect', async () => {
      const { metrics } = freshMetrics();
      const connection = new AbortController();
      const crasher = spawn('crasher', () => Promise.reject(new Error('boom')));
      const exit = await superviseTasks([crasher], { label: 'turn', signal: connection.signal, metrics });
      connection.abort();
      expect(exit.reason).toBe('crash');
    });
  });

  it('raises no unhandledRejection when a task rejects after supervision ended', async () => {
    const { metrics } = freshMetrics();
    const connection = new AbortController();
    const late = deferred();
    const task = spawn('late-failure', () => late.promise);
    const exiting = superviseTasks([task], { label: 'pusher', signal: connection.signal, metrics });
    connection.abort();
    await exiting;
    late.reject(new Error('failed after the session'));
    await task.promise.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(unhandled).toEqual([]);
  });

  it('refuses bad input before supervising', () => {
    const connection = new AbortController();
    expect(() => superviseTasks([{} as Task], { label: 'x', signal: connection.signal })).toThrow(TypeError);
    expect(() => superviseTasks([], { label: '', signal: connection.signal })).toThrow(/options\.label/);
    expect(() => superviseTasks([], { label: 'x', signal: {} as AbortSignal })).toThrow(/options\.signal/);
    expect(abortListenerCount(connection.signal)).toBe(0);
  });
});
