import { onAbort } from './abort.js';
import { startTimer } from './timer.js';
import { assertAbortSignal, assertTime } from './validate.js';

/**
 * Sleeps `ms` unless `signal` aborts first. Resolves `true` as soon as the signal aborts (at once
 * if it already has, whatever `ms`), `false` when the time elapsed. `ms <= 0` resolves at once,
 * `Infinity` arms no timer, delays beyond 2^31-1 ms are chained, `NaN` throws a RangeError.
 * Exactly one abort listener and one timer exist while it sleeps and neither survives it, so a
 * polling loop can call it forever on one long-lived signal.
 *
 * @example
 * while (!(await sleepUntilShutdown(session.signal, 1_000))) await flushQueue();
 */
export function sleepUntilShutdown(signal: AbortSignal, ms: number): Promise<boolean> {
  assertAbortSignal(signal, 'signal');
  assertTime(ms, 'ms');
  if (signal.aborted) return Promise.resolve(true);
  if (ms <= 0) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const cancelTimer = startTimer(ms, () => {
      stopListening();
      resolve(false);
    });
    const stopListening = onAbort(signal, () => {
      cancelTimer();
      resolve(true);
    });
  });
}
