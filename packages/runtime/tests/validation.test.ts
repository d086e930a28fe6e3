/**
 * Bad input is refused synchronously at the call, before any task, timer or listener exists, with
 * a TypeError (wrong kind of value) or RangeError (unusable value) that names the argument.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  createAsyncMetrics,
  createNamedTask,
  drainTasks,
  gatherChunked,
  gatherWithLogging,
  sleepUntilShutdown,
  superviseSession,
  superviseTasks,
  type Task,
} from '../src/index.js';
import { abortListenerCount, activeTimeouts, silentLogger } from './runtime-support.js';

type AnyFn = (...args: unknown[]) => unknown;
const loose = <F>(fn: F): AnyFn => fn as unknown as AnyFn;

function expectRefused(call: () => unknown, kind: typeof TypeError | typeof RangeError, argument: string): void {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(kind);
  expect((thrown as Error).message).toContain(`\`${argument}`);
}

describe('argument validation', () => {
  const signal = new AbortController().signal;
  const body = vi.fn(() => Promise.resolve());

  describe('createNamedTask', () => {
    const create = loose(createNamedTask);
    it.each([
      ['non-string name', [42, body], TypeError, 'name'],
      ['empty name', ['', body], RangeError, 'name'],
      ['blank name', ['   ', body], RangeError, 'name'],
      ['non-function body', ['task', Promise.resolve()], TypeError, 'body'],
      ['non-object options', ['task', body, 'fast'], TypeError, 'options'],
      ['tasks not a Set', ['task', body, { tasks: [] }], TypeError, 'options.tasks'],
      ['non-AbortSignal signal', ['task', body, { signal: new AbortController() }], TypeError, 'options.signal'],
      ['logger without methods', ['task', body, { logger: console.log }], TypeError, 'options.logger'],
    ] as const)('refuses %s', (_, args, kind, argument) => {
      expectRefused(() => create(...args), kind, argument);
      expect(body).not.toHaveBeenCalled();
    });
  });

  describe('sleepUntilShutdown', () => {
    const sleep = loose(sleepUntilShutdown);
    it.each([
      ['NaN ms', [signal, Number.NaN], RangeError, 'ms'],
      ['string ms', [signal, '100'], TypeError, 'ms'],
      ['missing ms', [signal], TypeError, 'ms'],
      ['non-AbortSignal signal', [{ aborted: false }, 10], TypeError, 'signal'],
    ] as const)('refuses %s', (_, args, kind, argument) => {
      const timers = activeTimeouts();
      expectRefused(() => sleep(...args), kind, argument);
      expect(activeTimeouts()).toBe(timers);
      expect(abortListenerCount(signal)).toBe(0);
    });
  });

  describe('superviseTasks and drainTasks', () => {
    const task = createNamedTask('running', (taskSignal) => new Promise((_, reject) => taskSignal.addEventListener('abort', reject)), { logger: silentLogger });
    const supervise = loose(superviseTasks);
    const drain = loose(drainTasks);
    it.each([
      ['supervise: tasks not iterable', () => supervise(task, { label: 'x' }), TypeError, 'tasks'],
      ['supervise: a promise instead of a task', () => supervise([Promise.resolve()], { label: 'x' }), TypeError, 'tasks[0]'],
      ['supervise: missing options', () => supervise([task]), TypeError, 'options'],
      ['supervise: non-string label', () => supervise([task], { label: 7 }), TypeError, 'options.label'],
      ['supervise: bad signal', () => supervise([task], { label: 'x', signal: 'abort' }), TypeError, 'options.signal'],
      ['supervise: bad finite', () => supervise([task], { label: 'x', finite: [1] }), TypeError, 'options.finite[0]'],
      ['supervise: bad metrics', () => supervise([task], { label: 'x', metrics: {} }), TypeError, 'options.metrics'],
      ['drain: NaN timeout', () => drain([task], { label: 'x', timeoutMs: Number.NaN }), RangeError, 'options.timeoutMs'],
      ['drain: missing timeout', () => drain([task], { label: 'x' }), TypeError, 'options.timeoutMs'],
      ['drain: NaN force timeout', () => drain([task], { label: 'x', timeoutMs: 1, forceTimeoutMs: Number.NaN }), RangeError, 'options.forceTimeoutMs'],
      ['drain: non-boolean cancel', () => drain([task], { label: 'x', timeoutMs: 1, cancel: 'yes' }), TypeError, 'options.cancel'],
      ['drain: empty label', () => drain([task], { label: '', timeoutMs: 1 }), RangeError, 'options.label'],
    ] as const)('refuses %s', (_, call, kind, argument) => {
      expectRefused(call, kind, argument);
      expect(task.signal.aborted).toBe(false);
    });
  });

  describe('gatherWithLogging and gatherChunked', () => {
    const gather = loose(gatherWithLogging);
    const chunked = loose(gatherChunked);
    it.each([
      ['a promise instead of a thunk', () => gather([body, Promise.resolve(1)], { label: 'x' }), TypeError, 'thunks[1]'],
      ['thunks not iterable', () => gather(5, { label: 'x' }), TypeError, 'thunks'],
      ['zero maxConcurrency', () => gather([body], { label: 'x', maxConcurrency: 0 }), RangeError, 'options.maxConcurrency'],
      ['fractional maxConcurrency', () => gather([body], { label: 'x', maxConcurrency: 2.5 }), RangeError, 'options.maxConcurrency'],
      ['NaN maxConcurrency', () => gather([body], { label: 'x', maxConcurrency: Number.NaN }), RangeError, 'options.maxConcurrency'],
      ['string maxConcurrency', () => gather([body], { label: 'x', maxConcurrency: '5' }), TypeError, 'options.maxConcurrency'],
      ['NaN timeout', () => gather([body], { label: 'x', timeoutMs: Number.NaN }), RangeError, 'options.timeoutMs'],
      ['zero timeout', () => gather([body], { label: 'x', timeoutMs: 0 }), RangeError, 'options.timeoutMs'],
      ['bad signal', () => gather([body], { label: 'x', signal: {} }), TypeError, 'options.signal'],
      ['missing label', () => gather([body], {}), TypeError, 'options.label'],
      ['missing chunkSize', () => chunked([body], { label: 'x' }), TypeError, 'options.chunkSize'],
      ['zero chunkSize', () => chunked([body], { label: 'x', chunkSize: 0 }), RangeError, 'options.chunkSize'],
      ['Infinity chunkSize', () => chunked([body], { label: 'x', chunkSize: Infinity }), RangeError, 'options.chunkSize'],
      ['negative chunkSize', () => chunked([body], { label: 'x', chunkSize: -3 }), RangeError, 'options.chunkSize'],
    ] as const)('refuses %s before running any thunk', (_, call, kind, argument) => {
      expectRefused(call, kind, argument);
      expect(body).not.toHaveBeenCalled();
    });

    it('accepts maxConcurrency: Infinity (unbounded, the default)', async () => {
      const results = await gatherWithLogging([() => Promise.resolve(1)], { label: 'x', maxConcurrency: Infinity, metrics: createAsyncMetrics(undefined, { logger: silentLogger }), logger: silentLogger });
      expect(results).toEqual([{ ok: true, index: 0, value: 1 }]);
    });
  });

  describe('superviseSession and the session', () => {
    const session = loose(superviseSession);
    it.each([
      ['missing signal', () => session({ label: 'x' }, () => {}), TypeError, 'options.signal'],
      ['non-function setup', () => session({ label: 'x', signal }, 'setup'), TypeError, 'setup'],
      ['NaN drain timeout', () => session({ label: 'x', signal, drainTimeoutMs: Number.NaN }, () => {}), RangeError, 'options.drainTimeoutMs'],
      ['non-function onStuck', () => session({ label: 'x', signal, onStuck: true }, () => {}), TypeError, 'options.onStuck'],
    ] as const)('refuses %s', (_, call, kind, argument) => {
      expectRefused(call, kind, argument);
      expect(abortListenerCount(signal)).toBe(0);
    });

    it('refuses a bad task name or body from lifetime() and finite() at the call', async () => {
      const connection = new AbortController();
      const errors: unknown[] = [];
      const running = superviseSession({ label: 'x', signal: connection.signal, logger: silentLogger, metrics: createAsyncMetrics(undefined, { logger: silentLogger }) }, (s) => {
        for (const attempt of [() => s.lifetime('', body), () => s.finite('ok', 'nope' as unknown as () => Promise<void>)]) {
          try {
            attempt();
          } catch (error) {
            errors.push(error);
          }
        }
      });
      connection.abort();
      await running;
      expect(errors.map((error) => (error as Error).constructor)).toEqual([RangeError, TypeError]);
      expect(body).not.toHaveBeenCalled();
    });
  });

  it('accepts a task from outside createNamedTask that has the Task shape', async () => {
    const controller = new AbortController();
    const foreign: Task = { name: 'foreign', promise: Promise.resolve(), signal: controller.signal, settled: false, abort: () => controller.abort() };
    const exit = await superviseTasks([foreign], { label: 'x', metrics: createAsyncMetrics(undefined, { logger: silentLogger }) });
    expect(exit).toEqual({ reason: 'lifetime_done', task: foreign });
  });
});
