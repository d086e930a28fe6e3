import { MAX_TIMER_DELAY_MS } from '../timer.js';

/**
 * Timer plumbing of the socket watchers.
 *
 * Unlike the core's `startTimer`, every timer here is `unref()`ed: a watchdog only
 * supervises a socket, and whether the process may exit is the socket's business. An
 * open socket keeps the loop alive anyway; a socket the application unref'd (as
 * engine.io-client does with `autoUnref`) must not be kept alive by its watchdog for
 * up to `receiveTimeoutMs`. Delays beyond 2³¹−1 ms are armed in chunks.
 */

/**
 * Defers a verdict to the check phase (`setImmediate`) that follows the event loop's poll
 * phase. A watchdog that finds its deadline passed asks this first: if the process was too
 * busy to run its timers on time, the pong or message that did arrive meanwhile is read
 * before the verdict, so a peer is never blamed for our own event-loop lag.
 */
export class AfterPendingIo {
  #immediate: ReturnType<typeof setImmediate> | undefined;

  run(verdict: () => void): void {
    this.cancel();
    this.#immediate = setImmediate(() => {
      this.#immediate = undefined;
      verdict();
    });
    // Left ref'd on purpose: an unref'd immediate does not stop the poll phase from blocking,
    // so it could wait for unrelated I/O. It holds the loop for one turn at most.
  }

  cancel(): void {
    if (this.#immediate === undefined) return;
    clearImmediate(this.#immediate);
    this.#immediate = undefined;
  }
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
  readonly #verdict = new AfterPendingIo();
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
    this.#verdict.cancel();
  }

  readonly #check = (): void => {
    if (!this.#rearmIfTouched()) this.#verdict.run(() => this.#rearmIfTouched() || this.#onIdle());
  };

  /** Re-arms for the time left since the last touch; false when the socket has been idle long enough. */
  #rearmIfTouched(): boolean {
    const remaining = this.#lastTouch + this.#idleMs - performance.now();
    // Sub-millisecond remainders are timer-resolution noise, not activity.
    if (remaining < 1) return false;
    this.#timer.start(remaining, this.#check);
    return true;
  }
}
