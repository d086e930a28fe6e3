/**
 * Timer plumbing shared by the socket adapters.
 *
 * Node clamps any delay above 2³¹−1 ms to 1 ms (with a warning), so long delays are
 * armed in chunks. Every timer is `unref()`ed: a watchdog only supervises a socket,
 * and the socket (or its server) is what keeps the process alive — a watchdog must
 * never delay process exit on its own.
 */

/** Largest delay `setTimeout` honours; anything above it fires after 1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Checks an optional duration option: a positive number of milliseconds, or
 * `Infinity` to disable the check it controls. Returns `fallback` when absent.
 */
export function readDurationOption(options: object, name: string, fallback: number): number {
  const value: unknown = (options as Record<string, unknown>)[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number') {
    throw new TypeError(`options.${name} must be a number of milliseconds (or Infinity), got ${typeof value}`);
  }
  if (Number.isNaN(value) || value <= 0) {
    throw new RangeError(`options.${name} must be a positive number of milliseconds (or Infinity), got ${String(value)}`);
  }
  return value;
}

/**
 * A one-shot, unref'd timer that honours delays beyond 2³¹−1 ms and arms nothing
 * for `Infinity`. `cancel()` is idempotent and safe after the timer fired.
 */
export class LongTimer {
  #handle: ReturnType<typeof setTimeout> | undefined;

  start(delayMs: number, onFire: () => void): void {
    this.cancel();
    if (delayMs === Infinity) return;
    const dueAt = performance.now() + delayMs;
    const arm = (remainingMs: number): void => {
      this.#handle = setTimeout(() => {
        this.#handle = undefined;
        const left = dueAt - performance.now();
        // Only long delays are chunked; a chunk never ends more than a scheduling tick early.
        if (left >= 1 && remainingMs > MAX_TIMER_DELAY_MS) arm(left);
        else onFire();
      }, Math.min(remainingMs, MAX_TIMER_DELAY_MS));
      this.#handle.unref();
    };
    arm(delayMs);
  }

  get armed(): boolean {
    return this.#handle !== undefined;
  }

  cancel(): void {
    if (this.#handle === undefined) return;
    clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}

/**
 * Fires `onIdle` once `idleMs` pass without a `touch()`. A touch only records a
 * timestamp: a busy socket costs no timer work per message, the single timer
 * re-arms itself for the remaining time when it wakes early.
 */
export class IdleWatchdog {
  readonly #timer = new LongTimer();
  readonly #idleMs: number;
  readonly #onIdle: () => void;
  #lastTouch = 0;

  constructor(idleMs: number, onIdle: () => void) {
    this.#idleMs = idleMs;
    this.#onIdle = onIdle;
  }

  start(): void {
    this.#lastTouch = performance.now();
    this.#timer.start(this.#idleMs, this.#check);
  }

  touch(): void {
    this.#lastTouch = performance.now();
  }

  cancel(): void {
    this.#timer.cancel();
  }

  readonly #check = (): void => {
    const remaining = this.#lastTouch + this.#idleMs - performance.now();
    // Sub-millisecond remainders are timer-resolution noise, not activity.
    if (remaining >= 1) this.#timer.start(remaining, this.#check);
    else this.#onIdle();
  };
}
