import { afterEach, describe, expect, it, vi } from 'vitest';
import { gatherChunked, gatherWithLogging, type GatherResult, type Thunk } from '../src/index.js';
import { abortListenerCount, captureLogger, deferred, freshMetrics, hangsForever, metricValue, silentLogger, untilAborted } from './runtime-support.js';

/** Tracks how many thunks run at once. */
function concurrencyProbe(): { peak: () => number; thunk: <T>(value: T) => Thunk<T> } {
  let running = 0;
  let peak = 0;
  return {
    peak: () => peak,
    thunk: <T>(value: T): Thunk<T> => async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return value;
    },
  };
}

const ok = <T>(index: number, value: T): GatherResult<T> => ({ ok: true, index, value });

describe('gatherWithLogging', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns every result when all succeed', async () => {
    const { metrics, registry } = freshMetrics();
    const results = await gatherWithLogging([1, 2, 3].map((n) => () => Promise.resolve(n * 10)), { label: 'integrations', metrics, logger: silentLogger });
    expect(results).toEqual([ok(0, 10), ok(1, 20), ok(2, 30)]);
    expect(await metricValue(registry, 'async_gather_failures_total', { label: 'integrations' })).toBe(0);
    expect(await metricValue(registry, 'async_gather_duration_seconds', { label: 'integrations' }, 'async_gather_duration_seconds_count')).toBe(1);
  });

  it('isolates a partial failure, logging and counting it with the label', async () => {
    const { metrics, registry } = freshMetrics();
    const { logger, entries } = captureLogger();
    const failure = new Error('webhook 500');
    const results = await gatherWithLogging<string>([
      () => Promise.resolve('a'),
      () => Promise.reject(failure),
      () => Promise.resolve('c'),
    ], { label: 'webhooks', metrics, logger });
    expect(results).toEqual([ok(0, 'a'), { ok: false, index: 1, error: failure }, ok(2, 'c')]);
    expect(entries).toEqual([{ level: 'warn', obj: { label: 'webhooks', index: 1, err: failure }, msg: 'gather item failed' }]);
    expect(await metricValue(registry, 'async_gather_failures_total', { label: 'webhooks' })).toBe(1);
  });

  it('bounds concurrency: 20 items with a limit of 5 peak at exactly 5', async () => {
    const { metrics } = freshMetrics();
    const probe = concurrencyProbe();
    const results = await gatherWithLogging(Array.from({ length: 20 }, (_, i) => probe.thunk(i)), { label: 'fanout', maxConcurrency: 5, metrics, logger: silentLogger });
    expect(probe.peak()).toBe(5);
    expect(results.map((result) => result.ok && result.value)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('returns [] for no thunks', async () => {
    const { metrics } = freshMetrics();
    await expect(gatherWithLogging([], { label: 'fanout', metrics, logger: silentLogger })).resolves.toEqual([]);
  });

  it('times out each item on its own, aborting that item’s signal', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { metrics, registry } = freshMetrics();
    const signals: AbortSignal[] = [];
    let results: GatherResult<string>[] | undefined;
    void gatherWithLogging<string>([
      (signal) => {
        signals.push(signal);
        return untilAborted(signal);
      },
      (signal) => {
        signals.push(signal);
        return new Promise((resolve) => setTimeout(() => resolve('fast'), 50));
      },
    ], { label: 'slow', timeoutMs: 100, metrics, logger: silentLogger }).then((value) => {
      results = value;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(results).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[1]?.aborted).toBe(false);
    expect(results?.[1]).toEqual(ok(1, 'fast'));
    const timedOut = results?.[0];
    expect(timedOut?.ok).toBe(false);
    expect(timedOut && !timedOut.ok && (timedOut.error as Error).name).toBe('TimeoutError');
    expect(await metricValue(registry, 'async_gather_failures_total', { label: 'slow' })).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('abandons an item that ignores its timeout abort, releasing its slot', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { metrics } = freshMetrics();
    let results: GatherResult<string>[] | undefined;
    void gatherWithLogging<string>([hangsForever, () => Promise.resolve('after')], { label: 'stubborn', maxConcurrency: 1, timeoutMs: 100, metrics, logger: silentLogger })
      .then((value) => {
        results = value;
      });
    await vi.advanceTimersByTimeAsync(100);
    expect(results?.[0]?.ok).toBe(false);
    expect(results?.[1]).toEqual(ok(1, 'after'));
  });

  it('preserves input order whatever the completion order', async () => {
    const { metrics } = freshMetrics();
    const gates = [deferred(), deferred(), deferred()];
    const gathering = gatherWithLogging(gates.map((gate, i) => async () => {
      await gate.promise;
      return `item-${i}`;
    }), { label: 'order', metrics, logger: silentLogger });
    gates[2]?.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    gates[0]?.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    gates[1]?.resolve();
    expect(await gathering).toEqual([ok(0, 'item-0'), ok(1, 'item-1'), ok(2, 'item-2')]);
  });

  it('returns failures for all when all fail, never rejecting', async () => {
    const { metrics, registry } = freshMetrics();
    const results = await gatherWithLogging([0, 1, 2].map((i) => () => Promise.reject(new Error(`fail-${i}`))), { label: 'allfail', metrics, logger: silentLogger });
    expect(results.map((result) => [result.ok, result.index, !result.ok && (result.error as Error).message])).toEqual([
      [false, 0, 'fail-0'], [false, 1, 'fail-1'], [false, 2, 'fail-2'],
    ]);
    expect(await metricValue(registry, 'async_gather_failures_total', { label: 'allfail' })).toBe(3);
  });

  it('keeps an undefined value as a success', async () => {
    const { metrics } = freshMetrics();
    const results = await gatherWithLogging([() => Promise.resolve(undefined)], { label: 'void', metrics, logger: silentLogger });
    expect(results).toEqual([{ ok: true, index: 0, value: undefined }]);
  });

  it('serialises with maxConcurrency 1', async () => {
    const { metrics } = freshMetrics();
    const events: string[] = [];
    const probe = concurrencyProbe();
    await gatherWithLogging([0, 1, 2].map((i) => async (signal: AbortSignal) => {
      events.push(`start-${i}`);
      await probe.thunk(i)(signal);
      events.push(`end-${i}`);
    }), { label: 'serial', maxConcurrency: 1, metrics, logger: silentLogger });
    expect(probe.peak()).toBe(1);
    expect(events).toEqual(['start-0', 'end-0', 'start-1', 'end-1', 'start-2', 'end-2']);
  });

  it('turns a synchronously throwing thunk into a failure', async () => {
    const { metrics } = freshMetrics();
    const failure = new Error('sync');
    const results = await gatherWithLogging([() => {
      throw failure;
    }], { label: 'sync', metrics, logger: silentLogger });
    expect(results).toEqual([{ ok: false, index: 0, error: failure }]);
  });

  it('on shutdown fails running items at once and never starts the rest', async () => {
    const { metrics, registry } = freshMetrics();
    const { logger, entries } = captureLogger();
    const shutdown = new AbortController();
    const started: number[] = [];
    const gathering = gatherWithLogging([0, 1, 2, 3].map((i) => (signal: AbortSignal) => {
      started.push(i);
      return i === 0 ? hangsForever() : untilAborted(signal);
    }), { label: 'shutdown', maxConcurrency: 2, signal: shutdown.signal, metrics, logger });
    expect(abortListenerCount(shutdown.signal)).toBe(1);
    const reason = new Error('disconnect');
    shutdown.abort(reason);
    const results = await gathering;
    expect(started).toEqual([0, 1]);
    expect(results).toEqual([0, 1, 2, 3].map((index) => ({ ok: false, index, error: reason })));
    expect(abortListenerCount(shutdown.signal)).toBe(0);
    expect(await metricValue(registry, 'async_gather_failures_total', { label: 'shutdown' })).toBe(4);
    expect(entries.at(-1)).toMatchObject({ obj: { label: 'shutdown', count: 2 } });
  });

  it('does not start anything when the signal is already aborted', async () => {
    const { metrics } = freshMetrics();
    const thunk = vi.fn(() => Promise.resolve(1));
    const results = await gatherWithLogging([thunk], { label: 'late', signal: AbortSignal.abort(), metrics, logger: silentLogger });
    expect(thunk).not.toHaveBeenCalled();
    expect(results[0]?.ok).toBe(false);
  });
});

describe('gatherChunked', () => {
  it('runs in chunks of chunkSize', async () => {
    const { metrics } = freshMetrics();
    const probe = concurrencyProbe();
    const results = await gatherChunked(Array.from({ length: 7 }, (_, i) => probe.thunk(i)), { label: 'chunks', chunkSize: 3, metrics, logger: silentLogger });
    expect(probe.peak()).toBe(3);
    expect(results).toEqual(Array.from({ length: 7 }, (_, i) => ok(i, i)));
  });

  it('returns [] for no thunks', async () => {
    const { metrics } = freshMetrics();
    await expect(gatherChunked([], { label: 'chunks', chunkSize: 3, metrics, logger: silentLogger })).resolves.toEqual([]);
  });

  it('handles a single chunk', async () => {
    const { metrics } = freshMetrics();
    const probe = concurrencyProbe();
    const results = await gatherChunked([probe.thunk('a'), probe.thunk('b')], { label: 'chunks', chunkSize: 10, metrics, logger: silentLogger });
    expect(results).toEqual([ok(0, 'a'), ok(1, 'b')]);
    expect(probe.peak()).toBe(2);
  });

  it('reports failures with their global index and counts them once per call', async () => {
    const { metrics, registry } = freshMetrics();
    const results = await gatherChunked([0, 1, 2, 3, 4].map((i) => () => (i % 2 === 1 ? Promise.reject(new Error(`odd-${i}`)) : Promise.resolve(i))), { label: 'chunked-failures', chunkSize: 2, metrics, logger: silentLogger });
    expect(results.filter((result) => !result.ok).map((result) => result.index)).toEqual([1, 3]);
    expect(results.filter((result) => result.ok).map((result) => result.index)).toEqual([0, 2, 4]);
    expect(await metricValue(registry, 'async_gather_failures_total', { label: 'chunked-failures' })).toBe(2);
    expect(await metricValue(registry, 'async_gather_duration_seconds', { label: 'chunked-failures' }, 'async_gather_duration_seconds_count')).toBe(1);
  });

  it('finishes chunk N before chunk N+1 starts', async () => {
    const { metrics } = freshMetrics();
    const events: string[] = [];
    await gatherChunked([0, 1, 2, 3, 4, 5].map((i) => async () => {
      events.push(`start-${i}`);
      // Later items of a chunk finish first, so a premature start of the next chunk would show.
      for (let turn = 0; turn < 3 - (i % 3); turn += 1) await new Promise((resolve) => setImmediate(resolve));
      events.push(`end-${i}`);
    }), { label: 'ordered', chunkSize: 3, metrics, logger: silentLogger });
    const lastEndOfFirstChunk = Math.max(...[0, 1, 2].map((i) => events.indexOf(`end-${i}`)));
    const firstStartOfSecondChunk = Math.min(...[3, 4, 5].map((i) => events.indexOf(`start-${i}`)));
    expect(lastEndOfFirstChunk).toBeLessThan(firstStartOfSecondChunk);
  });

  it('uses a global index, not one reset per chunk', async () => {
    const { metrics } = freshMetrics();
    const results = await gatherChunked(['a', 'b', 'c', 'd', 'e'].map((letter) => () => Promise.resolve(letter)), { label: 'index', chunkSize: 2, metrics, logger: silentLogger });
    expect(results.map((result) => result.index)).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((result) => result.ok && result.value)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
