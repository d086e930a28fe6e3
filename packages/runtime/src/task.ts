import { noop, onAbort } from './abort.js';
import { censusNow } from './census.js';
import { assertOptionalLogger, safeLog, type Logger } from './logger.js';
import { assertFunction, assertName, assertOptionalAbortSignal, assertOptions, rejectWith } from './validate.js';

/** A started unit of background work with a name, an abort signal and a promise that never goes unhandled. */
export interface Task<T = unknown> {
  readonly name: string;
  /** Settles with the body; reactions attached to it run after the task has left its set. Never an unhandledRejection by itself. */
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
 * The one party told first, synchronously, when a task it created settles (a session). An object
 * with a method rather than a closure per task: a session with many tasks allocates nothing per
 * task for its bookkeeping.
 */
export interface TaskOwner {
  taskSettled(task: Task, settlement: Settlement): void;
}

/**
 * Cancellation is not a failure worth an error log: the task's own abort reason, or any
 * `AbortError` (e.g. from work that listened to a session's shutdown signal).
 */
function isCancellation(reason: unknown, task: NamedTask<unknown>): boolean {
  if (task.aborted && reason === task.signal.reason) return true;
  return reason instanceof Error && reason.name === 'AbortError';
}

function invoke<T>(body: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
  try {
    return Promise.resolve(body(signal));
  } catch (error) {
    return rejectWith(error);
  }
}

interface TaskLinks {
  tasks?: Set<Task> | undefined;
  parent?: AbortSignal | undefined;
  owner?: TaskOwner | undefined;
  logger?: Logger | undefined;
}

/**
 * Per task: one AbortController (its signal is created when first read, which the body's call
 * does), the body's own promise as `promise`, and one reaction on it. Bookkeeping links are plain
 * fields instead of closures, and observers take one slot before they need a Set.
 */
class NamedTask<T> implements Task<T> {
  readonly name: string;
  /** censusNow() when the task was created, for the census (`inspectSessions`). */
  readonly startedAt: number;
  // Assigned in start(), before the task is handed to anyone.
  promise!: Promise<T>;
  #controller: AbortController | undefined;
  // abort() is the only way to abort the controller, so this mirrors its signal without reading it.
  #aborted = false;
  #settlement: Settlement | undefined;
  /** Told when the task settles: the set it is removed from, or its owner. */
  #holder: Set<Task> | TaskOwner | undefined;
  #logger: Logger | undefined;
  #unlink: () => void = noop;
  // Observers are removable, unlike promise reactions: a supervisor or drain that stops caring
  // about a still-running task leaves nothing attached to it. One takes the field, more a Set.
  #observers: Observer | Set<Observer> | undefined;

  constructor(name: string, links: TaskLinks) {
    this.name = name;
    this.startedAt = censusNow();
    this.#holder = links.owner ?? links.tasks;
    this.#logger = links.logger;
    const parent = links.parent;
    if (parent?.aborted) this.abort(parent.reason);
    else if (parent) this.#unlink = onAbort(parent, () => this.abort(parent.reason));
    links.tasks?.add(this);
  }

  get signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }

  get settled(): boolean {
    return this.#settlement !== undefined;
  }

  /** Whether abort() ran (directly or through the parent), without creating the signal. */
  get aborted(): boolean {
    return this.#aborted;
  }

  abort(reason?: unknown): void {
    this.#aborted = true;
    (this.#controller ??= new AbortController()).abort(reason);
  }

  /**
   * Runs the body and watches its promise with one reaction, attached before anyone else can see
   * the task, so every reaction on `promise` runs after the task left its set. That reaction also
   * handles a rejection, so `promise` never surfaces as an unhandledRejection.
   */
  start(body: (signal: AbortSignal) => Promise<T>): void {
    const promise = invoke(body, this.signal);
    this.promise = promise;
    promise.then(
      (value) => {
        this.#settle({ status: 'fulfilled', value, abortedFirst: this.aborted });
      },
      (reason: unknown) => {
        this.#settle({ status: 'rejected', reason, abortedFirst: this.aborted });
        if (!isCancellation(reason, this)) safeLog(this.#logger, 'error', { task: this.name, err: reason }, 'task failed');
      },
    );
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
    const current = this.#observers;
    if (current === undefined) this.#observers = observer;
    else if (current instanceof Set) current.add(observer);
    else this.#observers = new Set([current, observer]);
    return () => {
      const observers = this.#observers;
      if (observers === observer) this.#observers = undefined;
      else if (observers instanceof Set) observers.delete(observer);
    };
  }

  #settle(settlement: Settlement): void {
    this.#settlement = settlement;
    this.#unlink();
    this.#unlink = noop;
    const holder = this.#holder;
    this.#holder = undefined;
    if (holder instanceof Set) {
      holder.delete(this);
    } else if (holder !== undefined) {
      try {
        holder.taskSettled(this, settlement);
      } catch {
        // Owners are internal bookkeeping; a failing one must not change how the task settles.
      }
    }
    const observers = this.#observers;
    this.#observers = undefined;
    if (observers instanceof Set) {
      // A copy: an observer may unsubscribe another while we iterate.
      for (const observer of [...observers]) notify(observer, settlement);
    } else if (observers !== undefined) {
      notify(observers, settlement);
    }
  }
}

function notify(observer: Observer, settlement: Settlement): void {
  try {
    observer(settlement);
  } catch {
    // Observers are internal bookkeeping; one failing must not change how the task settles.
  }
}

/** When `task` was created (censusNow()), or undefined for a Task not made by this package. */
export function taskStartedAt(task: Task): number | undefined {
  return task instanceof NamedTask ? task.startedAt : undefined;
}

/** Whether `task`'s signal was aborted, without creating the signal of a task that never read it. */
export function taskAborted(task: Task): boolean {
  return task instanceof NamedTask ? task.aborted : task.signal.aborted;
}

/** Creates and starts a task after its arguments were checked; shared by createNamedTask and sessions. */
export function startTask<T>(name: string, body: (signal: AbortSignal) => Promise<T>, links: TaskLinks): Task<T> {
  const task = new NamedTask<T>(name, links);
  task.start(body);
  return task;
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
  return startTask(name, body, { tasks, parent, logger });
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
