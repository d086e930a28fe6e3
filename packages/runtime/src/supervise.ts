import { noop, onAbort } from './abort.js';
import { assertOptionalMetrics, record, type AsyncMetrics, type SupervisorReason } from './metrics.js';
import { assertOptionalLogger, type Logger } from './logger.js';
import { observeSettlement, type Settlement, type Task } from './task.js';
import { assertName, assertOptionalAbortSignal, assertRequiredOptions, toTaskArray } from './validate.js';

export type { SupervisorReason } from './metrics.js';

export interface SupervisorExit {
  reason: SupervisorReason;
  task?: Task;
  error?: unknown;
}

export interface SuperviseTasksOptions {
  /** Static metric label, e.g. the handler name. */
  label: string;
  /** Aborting it ends supervision with `disconnect`. */
  signal?: AbortSignal;
  /** Tasks whose normal completion does not end supervision (their rejection still does). */
  finite?: Iterable<Task>;
  metrics?: AsyncMetrics;
  /** Receives a warning if metrics cannot be recorded. */
  logger?: Logger;
}

const PRIORITY: Record<SupervisorReason, number> = { disconnect: 0, crash: 1, lifetime_done: 2 };

/**
 * Turns, for "first of". A turn is one macrotask (a timer, an I/O callback, an immediate) with the
 * microtasks it causes. Node has no hook for "the microtask queue is empty", but it drains the
 * `nextTick` queue only after a whole microtask checkpoint: a tick that queues a microtask that
 * queues a tick runs after every microtask the macrotask caused (including the supervisor's own
 * settle reactions), and before the next macrotask. One such chain per turn in which an exit
 * event happened, shared by every supervisor; nothing per task.
 */
let turn = 0;
let turnOpen = false;

function closeTurn(): void {
  turnOpen = false;
  turn += 1;
}

function closeTurnLater(): void {
  queueMicrotask(() => process.nextTick(closeTurn));
}

function currentTurn(): number {
  if (!turnOpen) {
    turnOpen = true;
    process.nextTick(closeTurnLater);
  }
  return turn;
}

/** What a supervisor needs from its caller's options. */
export interface SupervisorSettings {
  label: string;
  metrics?: AsyncMetrics | undefined;
  logger?: Logger | undefined;
}

/**
 * Watches tasks, possibly added over time, until the first exit condition. Each task gets one
 * removable settle observer, so memory is proportional to the tasks still running, never to how
 * long supervision has lasted or how many finite tasks came and went.
 *
 * First of, by the order events happened: an event observed in a later turn (macrotask, see
 * currentTurn) than the pending candidate never replaces it; it decides the candidate at once.
 * Within one turn the events are simultaneous and the highest priority wins (disconnect > crash >
 * lifetime_done; ties go to the first observed). Without a later event, the decision is taken at
 * the event loop's next check phase (`setImmediate`). A disconnect with no candidate pending
 * decides at once. Counting turns rather than waiting for `setImmediate` matters after a long
 * synchronous stretch: Node runs the timers that fell due meanwhile before the check phase, and a
 * disconnect from such a timer happened after the task settled, whatever its priority.
 *
 * A subclass (the session) reports its own tasks through offerSettlement() and disconnect() and
 * overrides exitDecided(); `exited` is only created for callers that read it.
 */
export class Supervisor {
  readonly #settings: SupervisorSettings;
  // Only for tasks watched through add(); a session reports its own tasks' settlements directly.
  #watched: Map<Task, () => void> | undefined;
  #candidate: SupervisorExit | undefined;
  /** The turn in which the candidate was observed. */
  #candidateTurn = 0;
  #decision: ReturnType<typeof setImmediate> | undefined;
  #stopWatchingSignal = noop;
  #exit: SupervisorExit | undefined;
  #exited: Promise<SupervisorExit> | undefined;
  #resolve: ((exit: SupervisorExit) => void) | undefined;

  /** Without `signal`, the owner reports a disconnect by calling disconnect(). */
  constructor(settings: SupervisorSettings, signal?: AbortSignal) {
    this.#settings = settings;
    if (signal?.aborted) this.disconnect();
    else if (signal) this.#stopWatchingSignal = onAbort(signal, () => this.disconnect());
  }

  get done(): boolean {
    return this.#exit !== undefined;
  }

  /** Resolves with the exit once it is decided. */
  get exited(): Promise<SupervisorExit> {
    return (this.#exited ??= new Promise((resolve) => {
      if (this.#exit === undefined) this.#resolve = resolve;
      else resolve(this.#exit);
    }));
  }

  /** Supervises one more task; ignored once supervision has ended. */
  add(task: Task, finite: boolean): void {
    if (this.done || this.#watched?.has(task) === true) return;
    const watched = (this.#watched ??= new Map());
    const stop = observeSettlement(task, (settlement) => {
      watched.delete(task);
      this.offerSettlement(task, settlement, finite);
    });
    watched.set(task, stop);
  }

  /** A supervised task settled: a rejection is a crash, a non-finite task's completion is lifetime_done. */
  offerSettlement(task: Task, settlement: Settlement, finite: boolean): void {
    if (this.done) return;
    if (settlement.status === 'rejected') this.#offer({ reason: 'crash', task, error: settlement.reason });
    else if (!finite) this.#offer({ reason: 'lifetime_done', task });
  }

  disconnect(): void {
    this.#offer({ reason: 'disconnect' });
  }

  /** Called once, synchronously, when the exit is decided (after it was counted). */
  protected exitDecided(exit: SupervisorExit): void {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve?.(exit);
  }

  #offer(event: SupervisorExit): void {
    if (this.done) return;
    const candidate = this.#candidate;
    if (candidate === undefined) {
      this.#candidate = event;
      // A disconnect decides at once; the turn is only needed when something else may compete.
      if (event.reason === 'disconnect') return this.#decide();
      this.#candidateTurn = currentTurn();
      this.#decision ??= setImmediate(() => this.#decide());
      return;
    }
    // The candidate happened in an earlier turn: it came first, whatever this event's priority.
    if (currentTurn() !== this.#candidateTurn) return this.#decide();
    if (PRIORITY[event.reason] < PRIORITY[candidate.reason]) this.#candidate = event;
    if (event.reason === 'disconnect') this.#decide();
  }

  #decide(): void {
    const exit = this.#candidate;
    if (this.done || exit === undefined) return;
    this.#exit = exit;
    this.#candidate = undefined;
    if (this.#decision !== undefined) clearImmediate(this.#decision);
    this.#decision = undefined;
    this.#stopWatchingSignal();
    this.#stopWatchingSignal = noop;
    if (this.#watched !== undefined) {
      for (const stop of this.#watched.values()) stop();
      this.#watched = undefined;
    }
    const { label, metrics, logger } = this.#settings;
    record(metrics, logger, (target) => target.recordSupervisorExit(label, exit.reason));
    this.exitDecided(exit);
  }
}

/**
 * Resolves (never rejects) at the first of: `signal` aborted → `disconnect`; a task rejects →
 * `crash` with `task` and `error`; a task not in `finite` resolves → `lifetime_done` with `task`.
 * `tasks` is read once, at the call. It cancels nothing: follow it with `drainTasks`.
 *
 * @example
 * const exit = await superviseTasks([receive, heartbeat, flush], { label: 'pusher', signal, finite: [flush] });
 * await drainTasks(tasks, { label: 'pusher', timeoutMs: 30_000, cancel: false });
 */
export function superviseTasks(tasks: Iterable<Task>, options: SuperviseTasksOptions): Promise<SupervisorExit> {
  const snapshot = toTaskArray(tasks, 'tasks');
  assertRequiredOptions(options, 'options');
  assertName(options.label, 'options.label');
  assertOptionalAbortSignal(options.signal, 'options.signal');
  assertOptionalMetrics(options.metrics, 'options.metrics');
  assertOptionalLogger(options.logger, 'options.logger');
  const finite = new Set(options.finite === undefined ? [] : toTaskArray(options.finite, 'options.finite'));

  const { label, metrics, logger } = options;
  const supervisor = new Supervisor({ label, metrics, logger }, options.signal);
  for (const task of snapshot) supervisor.add(task, finite.has(task));
  // A task listed only in `finite` is still watched for crashes rather than silently ignored.
  for (const task of finite) supervisor.add(task, true);
  return supervisor.exited;
}
