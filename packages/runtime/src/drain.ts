import { assertOptionalLogger, safeLog, type Logger } from './logger.js';
import { assertOptionalMetrics, record, type AsyncMetrics } from './metrics.js';
import { observeSettlement, type Settlement, type Task } from './task.js';
import { startTimer } from './timer.js';
import {
  assertName,
  assertOptionalFunction,
  assertOptionalTime,
  assertRequiredOptions,
  assertTime,
  toTaskArray,
} from './validate.js';

export interface DrainReport {
  /** Tasks that settled before their signal was aborted. */
  completed: number;
  /** Tasks that settled after their signal was aborted. */
  cancelled: number;
  /** Tasks still unsettled at the end: they ignored their aborted signal and were abandoned. */
  stuck: Task[];
  /** Some task was still unsettled when `timeoutMs` ran out. */
  timedOut: boolean;
  durationMs: number;
}

export interface DrainTasksOptions {
  label: string;
  timeoutMs: number;
  /** Default `true`: abort every unsettled task first. `false`: give them `timeoutMs` to finish. */
  cancel?: boolean;
  /** Time granted after aborting the stragglers of a `cancel: false` (or zero-timeout) drain. Default 5000. */
  forceTimeoutMs?: number;
  /** Called once with the stuck tasks, when there are any (e.g. to `terminate()` the socket). */
  onStuck?: (stuck: Task[]) => void;
  metrics?: AsyncMetrics;
  logger?: Logger;
}

export const DEFAULT_FORCE_TIMEOUT_MS = 5_000;

/**
 * One drain: the unsettled tasks, and the steps of the drain as callbacks rather than an async
 * function, so a drain whose tasks settle promptly allocates no promise, frame or closure per step.
 * drainTasks observes each task (one removable observer each); a session, which already hears about
 * its own tasks' settlements, hands over its map of running tasks and reports them via settled().
 */
export class Drain {
  #completed = 0;
  #cancelled = 0;
  #timedOut = false;
  /** Unsettled tasks; a value that is a function stops observing that task. */
  readonly #pending: Map<Task, unknown>;
  readonly #options: DrainTasksOptions;
  readonly #started: number;
  #done: ((report: DrainReport) => void) | undefined;
  /** What the current wait leads to, and the timer bounding it. */
  #afterWait: 'force' | 'finish' | undefined;
  #cancelTimer: (() => void) | undefined;
  #abortedAll = false;

  constructor(pending: Map<Task, unknown>, options: DrainTasksOptions, done: (report: DrainReport) => void, started = performance.now()) {
    this.#pending = pending;
    this.#options = options;
    this.#done = done;
    this.#started = started;
  }

  /** Adds `tasks` (each once) to the drain, each with a removable settle observer. */
  observe(tasks: readonly Task[]): void {
    for (const task of tasks) {
      if (!this.#pending.has(task)) this.#pending.set(task, observeSettlement(task, (settlement) => this.settled(task, settlement)));
    }
  }

  /**
   * A task settled. Returns false if it was not (or no longer) part of the drain. When it was
   * the last one the drain is waiting for, the drain goes on at once.
   */
  settled(task: Task, settlement: Settlement): boolean {
    if (!this.#pending.delete(task)) return false;
    if (settlement.abortedFirst) this.#cancelled += 1;
    else this.#completed += 1;
    if (this.#pending.size === 0 && this.#afterWait !== undefined) this.#wake();
    return true;
  }

  /** Whether the unsettled tasks' signals were aborted (the grace period, if any, is over). */
  get abortedAll(): boolean {
    return this.#abortedAll;
  }

  start(): void {
    const { timeoutMs, cancel = true } = this.#options;
    if (this.#pending.size === 0) return this.#finish();
    if (cancel) this.#abortAll();
    this.#wait(timeoutMs, 'force');
  }

  #force(): void {
    if (this.#pending.size === 0) return this.#finish();
    this.#timedOut = true;
    const { timeoutMs, cancel = true, forceTimeoutMs = DEFAULT_FORCE_TIMEOUT_MS } = this.#options;
    if (cancel && timeoutMs > 0) return this.#finish();
    this.#abortAll();
    this.#wait(forceTimeoutMs, 'finish');
  }

  /** Goes on with `next` when every task settled or after `ms`, whichever is first; the timer never outlives the wait. */
  #wait(ms: number, next: 'force' | 'finish'): void {
    if (this.#pending.size === 0 || ms <= 0) {
      if (next === 'force') this.#force();
      else this.#finish();
      return;
    }
    this.#afterWait = next;
    this.#cancelTimer = startTimer(ms, () => this.#wake());
  }

  #wake(): void {
    const next = this.#afterWait;
    this.#afterWait = undefined;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    if (next === 'force') this.#force();
    else if (next === 'finish') this.#finish();
  }

  #abortAll(): void {
    this.#abortedAll = true;
    for (const task of [...this.#pending.keys()]) {
      try {
        task.abort();
      } catch {
        // A foreign Task whose abort throws is still waited for and, if need be, reported stuck.
      }
    }
  }

  #finish(): void {
    const done = this.#done;
    if (done === undefined) return;
    this.#done = undefined;
    const { label, onStuck, logger } = this.#options;
    // Stop observing what is left: abandoned tasks keep no reference to this drain.
    const stuck = [...this.#pending.keys()];
    if (this.#pending.size > 0) {
      for (const stop of this.#pending.values()) if (typeof stop === 'function') (stop as () => void)();
      // Only when needed: Map#clear allocates a fresh table.
      this.#pending.clear();
    }
    if (stuck.length > 0) reportStuck(label, stuck, onStuck, logger);
    const durationMs = performance.now() - this.#started;
    const timedOut = this.#timedOut;
    recordDrain(this.#options.metrics, logger, label, durationMs / 1000, timedOut);
    done({ completed: this.#completed, cancelled: this.#cancelled, stuck, timedOut, durationMs });
  }
}

/**
 * Ends a set of tasks within a bounded time and reports how each one ended.
 * - `cancel: true` (default): abort every unsettled task, then wait at most `timeoutMs`.
 * - `cancel: false`: wait at most `timeoutMs` for tasks to finish on their own, then abort the
 *   stragglers and wait at most `forceTimeoutMs` (default 5000) more.
 * - `timeoutMs <= 0`: do not wait first; abort at once and wait at most `forceTimeoutMs`.
 * It always resolves within `timeoutMs + forceTimeoutMs` (plus scheduling slack) and never
 * rejects. Tasks that ignore their aborted signal are returned in `stuck`, logged by name and
 * handed once to `onStuck`. `tasks` is read once, at the call.
 */
export function drainTasks(tasks: Iterable<Task>, options: DrainTasksOptions): Promise<DrainReport> {
  const snapshot = toTaskArray(tasks, 'tasks');
  assertRequiredOptions(options, 'options');
  assertName(options.label, 'options.label');
  assertTime(options.timeoutMs, 'options.timeoutMs');
  if (options.cancel !== undefined && typeof options.cancel !== 'boolean') throw new TypeError('`options.cancel` must be a boolean');
  assertOptionalTime(options.forceTimeoutMs, 'options.forceTimeoutMs');
  assertOptionalFunction(options.onStuck, 'options.onStuck');
  assertOptionalMetrics(options.metrics, 'options.metrics');
  assertOptionalLogger(options.logger, 'options.logger');
  return observeAndDrain(snapshot, options);
}

function observeAndDrain(tasks: readonly Task[], options: DrainTasksOptions): Promise<DrainReport> {
  const started = performance.now();
  return new Promise((resolve) => {
    const drain = new Drain(new Map(), options, resolve, started);
    drain.observe(tasks);
    // Tasks already settled are observed a microtask later; let those reports arrive first so a
    // finished task is never aborted and miscounted as cancelled.
    queueMicrotask(() => drain.start());
  });
}

function reportStuck(label: string, stuck: Task[], onStuck: DrainTasksOptions['onStuck'], logger: Logger | undefined): void {
  safeLog(logger, 'error', { label, stuck: stuck.map((task) => task.name) },
    `${stuck.length} task(s) ignored their abort signal and were abandoned`);
  if (onStuck === undefined) return;
  try {
    onStuck(stuck);
  } catch (error) {
    safeLog(logger, 'error', { label, err: error }, 'onStuck threw');
  }
}

function recordDrain(metrics: AsyncMetrics | undefined, logger: Logger | undefined, label: string, seconds: number, timedOut: boolean): void {
  record(metrics, logger, (target) => target.recordDrain(label, seconds, timedOut));
}
