import { assertOptionalLogger, safeLog, type Logger } from './logger.js';
import { assertOptionalMetrics, record, type AsyncMetrics } from './metrics.js';
import { noop } from './abort.js';
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
 * The unsettled tasks of one drain. drainTasks observes each task (one removable observer each);
 * a session, which already hears about its own tasks' settlements, reports them via settled().
 */
export class PendingTasks {
  completed = 0;
  cancelled = 0;
  readonly #observers = new Map<Task, () => void>();
  #onEmpty: (() => void) | undefined;

  constructor(tasks: Iterable<Task>, observe: boolean) {
    for (const task of tasks) {
      if (this.#observers.has(task)) continue;
      this.#observers.set(task, observe ? observeSettlement(task, (settlement) => this.settled(task, settlement)) : noop);
    }
  }

  settled(task: Task, settlement: Settlement): void {
    if (!this.#observers.delete(task)) return;
    if (settlement.abortedFirst) this.cancelled += 1;
    else this.completed += 1;
    if (this.#observers.size === 0) this.#onEmpty?.();
  }

  get tasks(): Task[] {
    return [...this.#observers.keys()];
  }

  get size(): number {
    return this.#observers.size;
  }

  /** Resolves when every task settled or after `ms`, whichever is first; the timer never outlives it. */
  settleWithin(ms: number): Promise<void> {
    if (this.size === 0 || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const cancelTimer = startTimer(ms, () => {
        this.#onEmpty = undefined;
        resolve();
      });
      this.#onEmpty = () => {
        this.#onEmpty = undefined;
        cancelTimer();
        resolve();
      };
    });
  }

  abortAll(): void {
    for (const task of this.tasks) {
      try {
        task.abort();
      } catch {
        // A foreign Task whose abort throws is still waited for and, if need be, reported stuck.
      }
    }
  }

  /** Stops observing what is left: abandoned tasks keep no reference to this drain. */
  release(): void {
    for (const stop of this.#observers.values()) stop();
    this.#observers.clear();
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

async function observeAndDrain(tasks: readonly Task[], options: DrainTasksOptions): Promise<DrainReport> {
  const started = performance.now();
  const pending = new PendingTasks(tasks, true);
  // Tasks already settled are observed a microtask later; let those reports arrive first so a
  // finished task is never aborted and miscounted as cancelled.
  await Promise.resolve();
  return drainPending(pending, options, started);
}

/** The drain itself, over tasks whose settlements reach `pending`; `started` is when the drain began. */
export async function drainPending(pending: PendingTasks, options: DrainTasksOptions, started = performance.now()): Promise<DrainReport> {
  const { label, timeoutMs, cancel = true, forceTimeoutMs = DEFAULT_FORCE_TIMEOUT_MS, onStuck, logger } = options;

  let timedOut = false;
  if (pending.size > 0) {
    if (cancel) pending.abortAll();
    if (timeoutMs > 0) await pending.settleWithin(timeoutMs);
    if (pending.size > 0) {
      timedOut = true;
      if (!cancel || timeoutMs <= 0) {
        pending.abortAll();
        await pending.settleWithin(forceTimeoutMs);
      }
    }
  }

  const stuck = pending.tasks;
  pending.release();
  if (stuck.length > 0) reportStuck(label, stuck, onStuck, logger);
  const durationMs = performance.now() - started;
  record(options.metrics, logger, (metrics) => metrics.recordDrain(label, durationMs / 1000, timedOut));
  return { completed: pending.completed, cancelled: pending.cancelled, stuck, timedOut, durationMs };
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
