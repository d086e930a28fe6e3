import { noop, onAbort } from './abort.js';
import { assertOptionalLogger, safeLog, type Logger } from './logger.js';
import { assertFunction, assertName, assertOptionalAbortSignal, assertOptions, rejectWith } from './validate.js';

/** A started unit of background work with a name, an abort signal and a promise that never goes unhandled. */
export interface Task<T = unknown> {
  readonly name: string;
  /** Settles with the body, after the task has left its set; never an unhandledRejection by itself. */
  readonly promise: Promise<T>;
  /** Aborted by `abort()` or by the parent signal given at creation. */
  readonly signal: AbortSignal;
  readonly settled: boolean;
  abort(reason?: unknown): void;
}

export interface CreateNamedTaskOptions {
  /** The task is added at once and removed when it settles, either way. */
  tasks?: Set<Task>;
  /** Aborting it aborts the task's signal; the link is removed when the task settles. */
  signal?: AbortSignal;
  logger?: Logger;
}

/** How a task ended, and whether its signal had been aborted before it did. */
export type Settlement =
  | { status: 'fulfilled'; value: unknown; abortedFirst: boolean }
  | { status: 'rejected'; reason: unknown; abortedFirst: boolean };

type Observer = (settlement: Settlement) => void;

/**
 * Cancellation is not a failure worth an error log: the task's own abort reason, or any
 * `AbortError` (e.g. from work that listened to a session's shutdown signal).
 */
function isCancellation(reason: unknown, signal: AbortSignal): boolean {
  if (signal.aborted && reason === signal.reason) return true;
  return reason instanceof Error && reason.name === 'AbortError';
}

function invoke<T>(body: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
  try {
    return Promise.resolve(body(signal));
  } catch (error) {
    return rejectWith(error);
  }
}

class NamedTask<T> implements Task<T> {
  readonly name: string;
  readonly promise: Promise<T>;
  readonly #controller = new AbortController();
  #settlement: Settlement | undefined;
  // Observers are removable, unlike promise reactions: a supervisor or drain that stops caring
  // about a still-running task leaves nothing attached to it.
  #observers: Set<Observer> | undefined;
  #start: ((started: Promise<T>) => void) | undefined;

  constructor(name: string, onSettled: () => void, logger: Logger | undefined) {
    this.name = name;
    const started = new Promise<T>((resolve) => {
      this.#start = resolve;
    });
    this.promise = started.then(
      (value) => {
        this.#settle({ status: 'fulfilled', value, abortedFirst: this.signal.aborted }, onSettled);
        return value;
      },
      (reason: unknown) => {
        this.#settle({ status: 'rejected', reason, abortedFirst: this.signal.aborted }, onSettled);
        if (!isCancellation(reason, this.signal)) safeLog(logger, 'error', { task: this.name, err: reason }, 'task failed');
        throw reason;
      },
    );
    // Observed at spawn: whoever holds the task may never await it.
    this.promise.then(noop, noop);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get settled(): boolean {
    return this.#settlement !== undefined;
  }

  abort(reason?: unknown): void {
    this.#controller.abort(reason);
  }

  run(body: (signal: AbortSignal) => Promise<T>): void {
    const start = this.#start;
    this.#start = undefined;
    start?.(invoke(body, this.signal));
  }

  observe(observer: Observer): () => void {
    const settlement = this.#settlement;
    if (settlement !== undefined) {
      // Deliver asynchronously, like a settle that happens later, so callers never re-enter.
      let active = true;
      queueMicrotask(() => {
        if (active) observer(settlement);
      });
      return () => {
        active = false;
      };
    }
    const observers = (this.#observers ??= new Set());
    observers.add(observer);
    return () => {
      observers.delete(observer);
    };
  }

  #settle(settlement: Settlement, onSettled: () => void): void {
    this.#settlement = settlement;
    onSettled();
    // A copy: an observer may unsubscribe another while we iterate.
    const observers = [...(this.#observers ?? [])];
    this.#observers = undefined;
    for (const observer of observers) {
      try {
        observer(settlement);
      } catch {
        // Observers are internal bookkeeping; one failing must not change how the task settles.
      }
    }
  }
}

/**
 * Starts `body` at once with the task's signal and returns the task. The body is a thunk, not a
 * promise, so the task owns its whole lifetime: it is in `options.tasks` before the body runs,
 * leaves it when the body settles (either way), and a rejection is logged with the task's name
 * instead of surfacing as an unhandledRejection. If `options.signal` is already aborted, the body
 * still runs, with an aborted signal.
 */
export function createNamedTask<T>(
  name: string,
  body: (signal: AbortSignal) => Promise<T>,
  options?: CreateNamedTaskOptions,
): Task<T> {
  assertName(name, 'name');
  assertFunction(body, 'body');
  assertOptions(options, 'options');
  const { tasks, signal: parent, logger } = options ?? {};
  if (tasks !== undefined && !(tasks instanceof Set)) throw new TypeError('`options.tasks` must be a Set');
  assertOptionalAbortSignal(parent, 'options.signal');
  assertOptionalLogger(logger, 'options.logger');

  let unlink = noop;
  const task: NamedTask<T> = new NamedTask<T>(
    name,
    () => {
      unlink();
      tasks?.delete(task);
    },
    logger,
  );
  if (parent?.aborted) task.abort(parent.reason);
  else if (parent) unlink = onAbort(parent, () => task.abort(parent.reason));
  tasks?.add(task);
  task.run(body);
  return task;
}

/**
 * Calls `observer` once when `task` settles and returns the function that stops observing. For
 * tasks from createNamedTask the observer is truly detached on unsubscribe; for other Task
 * implementations one reaction stays on their promise, holding only a cleared reference.
 */
export function observeSettlement(task: Task, observer: Observer): () => void {
  if (task instanceof NamedTask) return task.observe(observer);
  let current: Observer | undefined = observer;
  const deliver = (settlement: Settlement): void => {
    const target = current;
    current = undefined;
    target?.(settlement);
  };
  task.promise.then(
    (value) => deliver({ status: 'fulfilled', value, abortedFirst: task.signal.aborted }),
    (reason: unknown) => deliver({ status: 'rejected', reason, abortedFirst: task.signal.aborted }),
  );
  return () => {
    current = undefined;
  };
}
