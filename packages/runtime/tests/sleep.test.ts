import { afterEach, describe, expect, it, vi } from 'vitest';
import { sleepUntilShutdown } from '../src/index.js';
import { abortListenerCount, activeTimeouts, expectTimersBackTo } from './runtime-support.js';

describe('sleepUntilShutdown', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns false when the time elapses', async () => {
    const shutdown = new AbortController();
    await expect(sleepUntilShutdown(shutdown.signal, 5)).resolves.toBe(false);
    expect(abortListenerCount(shutdown.signal)).toBe(0);
  });

  it('returns true at once when already aborted, even at 0 ms', async () => {
    const signal = AbortSignal.abort();
    await expect(sleepUntilShutdown(signal, 0)).resolves.toBe(true);
    await expect(sleepUntilShutdown(signal, -5)).resolves.toBe(true);
    await expect(sleepUntilShutdown(signal, 3_600_000)).resolves.toBe(true);
    await expect(sleepUntilShutdown(signal, Infinity)).resolves.toBe(true);
  });

  it('returns false at once for 0 ms (or less) without abort', async () => {
    const signal = new AbortController().signal;
    const timersBefore = activeTimeouts();
    const zero = sleepUntilShutdown(signal, 0);
    const negative = sleepUntilShutdown(signal, -1);
    expect(activeTimeouts()).toBe(timersBefore);
    expect(abortListenerCount(signal)).toBe(0);
    await expect(zero).resolves.toBe(false);
    await expect(negative).resolves.toBe(false);
  });

  it('wakes early when the signal aborts, leaving no timer and no listener', async () => {
    const shutdown = new AbortController();
    const timersBefore = activeTimeouts();
    const sleeping = sleepUntilShutdown(shutdown.signal, 60_000);
    expect(activeTimeouts()).toBe(timersBefore + 1);
    expect(abortListenerCount(shutdown.signal)).toBe(1);
    setImmediate(() => shutdown.abort());
    await expect(sleeping).resolves.toBe(true);
    await expectTimersBackTo(timersBefore);
    expect(abortListenerCount(shutdown.signal)).toBe(0);
  });

  it('wakes even when an earlier abort listener stops the event\'s propagation', async () => {
    const controller = new AbortController();
    controller.signal.addEventListener('abort', (event) => event.stopImmediatePropagation(), { once: true });
    const sleeps = [sleepUntilShutdown(controller.signal, 60_000), sleepUntilShutdown(controller.signal, 60_000)];
    controller.abort();
    await expect(Promise.all(sleeps)).resolves.toEqual([true, true]);
    expect(abortListenerCount(controller.signal)).toBe(0);
  });

  it('lets a polling loop exit on shutdown after at least 2 iterations', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const shutdown = new AbortController();
    let iterations = 0;
    const loop = (async () => {
      for (;;) {
        iterations += 1;
        if (await sleepUntilShutdown(shutdown.signal, 1_000)) return 'stopped';
      }
    })();
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(iterations).toBe(3);
    shutdown.abort();
    await expect(loop).resolves.toBe('stopped');
    expect(iterations).toBeGreaterThanOrEqual(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('arms no timer for Infinity and still wakes on abort', async () => {
    const shutdown = new AbortController();
    const timersBefore = activeTimeouts();
    const sleeping = sleepUntilShutdown(shutdown.signal, Infinity);
    expect(activeTimeouts()).toBe(timersBefore);
    shutdown.abort();
    await expect(sleeping).resolves.toBe(true);
    expect(abortListenerCount(shutdown.signal)).toBe(0);
  });

  it('refuses NaN with a RangeError before listening', () => {
    const signal = new AbortController().signal;
    expect(() => sleepUntilShutdown(signal, Number.NaN)).toThrow(RangeError);
    expect(() => sleepUntilShutdown(signal, Number.NaN)).toThrow(/`ms`/);
    expect(abortListenerCount(signal)).toBe(0);
  });

  it('sleeps beyond 2^31-1 ms instead of firing after 1 ms', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const hugeMs = 2 ** 31 + 10;
    let result: boolean | undefined;
    void sleepUntilShutdown(new AbortController().signal, hugeMs).then((value) => {
      result = value;
    });
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(2 ** 31 - 1);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(hugeMs - 2 ** 31 - 1);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps a real huge sleep pending (no overflow clamp to 1 ms) and frees it on abort', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const shutdown = new AbortController();
      const timersBefore = activeTimeouts();
      let result: boolean | undefined;
      const sleeping = sleepUntilShutdown(shutdown.signal, 30 * 24 * 3_600_000).then((value) => {
        result = value;
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(result).toBeUndefined();
      expect(activeTimeouts()).toBeGreaterThan(timersBefore);
      shutdown.abort();
      await sleeping;
      expect(result).toBe(true);
      await expectTimersBackTo(timersBefore);
      expect(warnings.filter((warning) => warning.name === 'TimeoutOverflowWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('resolves each of many concurrent sleeps on one signal when it aborts', async () => {
    const shutdown = new AbortController();
    const sleeps = Array.from({ length: 100 }, () => sleepUntilShutdown(shutdown.signal, 60_000));
    // One shared listener however many sleeps wait on the signal.
    expect(abortListenerCount(shutdown.signal)).toBe(1);
    shutdown.abort();
    expect(await Promise.all(sleeps)).toEqual(Array.from({ length: 100 }, () => true));
    expect(abortListenerCount(shutdown.signal)).toBe(0);
  });
});
