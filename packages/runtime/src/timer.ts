/** Node's setTimeout clamps any delay above this to 1 ms (with a TimeoutOverflowWarning). */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Calls `onFire` after `ms` and returns the function that cancels it. Delays beyond the platform
 * limit are chained in steps, so a 30-day sleep really sleeps 30 days instead of firing after 1 ms.
 * `Infinity` arms nothing. Timers stay ref'd like a plain setTimeout: each one bounds work that is
 * in progress and is cleared the moment that work ends, so it never holds an idle process open.
 * The global `setTimeout` is looked up at each call so test fake timers apply.
 */
export function startTimer(ms: number, onFire: () => void): () => void {
  if (ms === Infinity) return () => {};
  if (ms <= MAX_TIMER_DELAY_MS) {
    // The common case: one timer, no chaining state.
    const single = setTimeout(onFire, Math.max(ms, 0));
    return () => clearTimeout(single);
  }
  let remaining = Math.max(ms, 0);
  let handle: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    const step = Math.min(remaining, MAX_TIMER_DELAY_MS);
    remaining -= step;
    handle = setTimeout(remaining > 0 ? arm : onFire, step);
  };
  arm();
  return () => {
    if (handle !== undefined) clearTimeout(handle);
    handle = undefined;
  };
}
