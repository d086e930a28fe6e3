import type { Gauge } from 'prom-client';
import { listenForAbort, noop } from './abort.js';
import { censusNow, elapsed, enrollInCensus, leaveCensus, type CensusMember, type SessionSnapshot, type SessionState, type TaskSnapshot } from './census.js';
import { Drain, DEFAULT_FORCE_TIMEOUT_MS, type DrainReport } from './drain.js';
import { assertOptionalLogger, safeLog, type Logger } from './logger.js';
import { assertOptionalMetrics, defaultAsyncMetrics, type AsyncMetrics } from './metrics.js';
import { Supervisor, type SupervisorExit } from './supervise.js';
import { createNamedTask, startTask, taskAborted, taskStartedAt, type Settlement, type Task, type TaskOwner } from './task.js';
import {
  assertAbortSignal,
  assertFunction,
  assertName,
  assertOptionalFunction,
  assertOptionalTime,
  assertRequiredOptions,
  hasMethods,
  rejectWith,
} from './validate.js';

/** What `setup` uses to start the session's tasks. */
export interface Session {
  /**
   * The shutdown notice: aborts on disconnect (the `signal` option) and at teardown, before the
   * drain's grace period. Polling loops sleep on it: `sleepUntilShutdown(session.signal, ms)`.
   */
  readonly signal: AbortSignal;
  /** A task whose end (either way) ends the session, e.g. the receive loop. */
  lifetime<T>(name: string, body: (signal: AbortSignal) => Promise<T>): Task<T>;
  /** A task that may finish while the session goes on; only its rejection ends the session. */
  finite<T>(name: string, body: (signal: AbortSignal) => Promise<T>): Task<T>;
}

export interface SuperviseSessionOptions {
  label: string;
  /** The connection's signal, e.g. `watchWebSocket(ws).signal`: aborting it is a disconnect. */
  signal: AbortSignal;
  /** Incremented once at the start and decremented once at the end, whatever happens. */
  gauge?: Gauge;
  /** Grace period for tasks to finish after teardown begins. Default 30 000. */
  drainTimeoutMs?: number;
  /** Time granted after aborting the stragglers. Default 5 000. */
  forceTimeoutMs?: number;
  onStuck?: (stuck: Task[]) => void;
  metrics?: AsyncMetrics;
  logger?: Logger;
}

export interface SessionResult {
  exit: SupervisorExit;
  drain: DrainReport;
}

/** How a session is ending, for the census (times from censusNow()). */
interface Ending {
  disconnectedAt?: number;
  teardownAt?: number;
  exitReason?: SupervisorExit['reason'];
  /** Tasks the drain abandoned that have not settled yet; the session stays in the census while any is alive. */
  abandoned?: Array<WeakRef<Task>>;
}

export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
export const SETUP_TASK_NAME = 'setup';

/**
 * One session's state, kept small because a server holds one per live connection. It is its own
 * supervisor (no second object, no `exited` promise, no async frame waiting on it): its tasks
 * report their settlement to it (TaskOwner, no closure per task), one listener on the connection
 * signal both aborts `session.signal` and ends supervision, and the shutdown controller is created
 * only when `session.signal` is first read.
 */
class SupervisedSession extends Supervisor implements Session, TaskOwner, CensusMember {
  readonly #options: SuperviseSessionOptions;
  readonly #connection: AbortSignal;
  readonly #gauge: Gauge | undefined;
  // Dropped at the end: a stuck session outlives its result in the census, and must not hold it.
  #finish: (result: SessionResult) => void;
  #fail: (error: unknown) => void;
  /** Unsettled tasks, each with whether it is finite. */
  readonly #running = new Map<Task, boolean>();
  #shutdown: AbortController | undefined;
  /** Why teardown began when no one had read `signal` yet; the reason is built only if it is read later. */
  #endedBy: SupervisorExit['reason'] | undefined;
  #stopListening: (() => void) | undefined;
  #drain: Drain | undefined;
  #closed = false;
  #ended = false;
  /** For the census: when the session started (whole ms, so it stays a small integer, not a boxed double). */
  readonly #startedAt = censusNow();
  /** For the census: how the session is ending; one field, created at disconnect or teardown. */
  #ending: Ending | undefined;

  constructor(options: SuperviseSessionOptions, finish: (result: SessionResult) => void, fail: (error: unknown) => void) {
    super(options);
    this.#options = options;
    this.#connection = options.signal;
    this.#gauge = options.gauge;
    this.#finish = finish;
    this.#fail = fail;
  }

  get signal(): AbortSignal {
    if (this.#shutdown === undefined) {
      this.#shutdown = new AbortController();
      if (this.#connection.aborted) this.#shutdown.abort(this.#connection.reason);
      else if (this.#endedBy !== undefined) this.#shutdown.abort(this.#teardownReason(this.#endedBy));
    }
    return this.#shutdown.signal;
  }

  lifetime<T>(name: string, body: (signal: AbortSignal) => Promise<T>): Task<T> {
    return this.#spawn(name, body, false);
  }

  finite<T>(name: string, body: (signal: AbortSignal) => Promise<T>): Task<T> {
    return this.#spawn(name, body, true);
  }

  /**
   * Counts the connection in the gauge, starts listening for the disconnect and runs `setup`. The
   * gauge goes back down in #end(), which every path reaches exactly once.
   */
  start(setup: (session: Session) => void | Promise<void>): void {
    enrollInCensus(this);
    // The census gauges live on the metrics' registry: make sure the default one has them while this session runs.
    if (this.#options.metrics === undefined) defaultAsyncMetrics(this.#options.logger);
    this.#gauge?.inc();
    try {
      if (this.#connection.aborted) {
        this.#ending = { disconnectedAt: this.#startedAt };
        this.disconnect();
      }
      else this.#stopListening = listenForAbort(this.#connection, () => this.#disconnected());
      if (!this.#ended) this.#runSetup(setup);
    } catch (error) {
      this.#end(undefined, error);
    }
  }

  taskSettled(task: Task, settlement: Settlement): void {
    if (this.#ending?.abandoned !== undefined) return this.#abandonedSettled(task);
    const finite = this.#running.get(task) ?? true;
    this.offerSettlement(task, settlement, finite);
    // Once teardown began, #running is the drain's pending map: the drain removes and counts it.
    if (this.#drain === undefined) this.#running.delete(task);
    else this.#drain.settled(task, settlement);
  }

  protected override exitDecided(exit: SupervisorExit): void {
    const ending = (this.#ending ??= {});
    ending.teardownAt = censusNow();
    ending.exitReason = exit.reason;
    // A microtask later, as if awaited: work settling in the same tick as the exit is not drained.
    queueMicrotask(() => {
      try {
        this.#teardown(exit);
      } catch (error) {
        this.#end(undefined, error);
      }
    });
  }

  /**
   * Runs `setup` inline: a synchronous setup needs no task of its own. A returned promise is
   * tracked as a finite task named "setup" (so the drain waits for it); a synchronous throw becomes
   * a "setup" task that has already failed, i.e. a crash exit with that task and the error.
   */
  #runSetup(setup: (session: Session) => void | Promise<void>): void {
    let returned: unknown;
    try {
      returned = setup(new SessionHandle(this));
    } catch (error) {
      this.#spawn(SETUP_TASK_NAME, () => rejectWith<void>(error), true);
      return;
    }
    if (isThenable(returned)) this.#spawn(SETUP_TASK_NAME, () => returned as Promise<void>, true);
  }

  /** Aborts `session.signal` and drains what is still running; from now on new tasks are refused. */
  #teardown(exit: SupervisorExit): void {
    // The drain could not see tasks started from now on, so they would leak: refuse them.
    this.#closed = true;
    if (this.#shutdown === undefined) this.#endedBy = exit.reason;
    // On disconnect the connection's reason was already forwarded; build a reason only when needed
    // (constructing a DOMException is one of the costliest steps of a teardown).
    else if (!this.#shutdown.signal.aborted) this.#shutdown.abort(this.#teardownReason(exit.reason));
    const options = this.#options;
    const drainOptions = {
      label: options.label,
      timeoutMs: options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS,
      cancel: false,
      forceTimeoutMs: options.forceTimeoutMs ?? DEFAULT_FORCE_TIMEOUT_MS,
      onStuck: options.onStuck,
      metrics: options.metrics,
      logger: options.logger,
    };
    this.#drain = new Drain(this.#running, drainOptions, (drain) => this.#end({ exit, drain }));
    this.#drain.start();
  }

  /** The `finally` of the session: removes the connection listener, decrements the gauge, settles the result. */
  #end(result: SessionResult | undefined, error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    const finish = this.#finish;
    const fail = this.#fail;
    this.#finish = noop;
    this.#fail = noop;
    const stuck = result?.drain.stuck;
    if (stuck !== undefined && stuck.length > 0) this.#keepAbandoned(stuck);
    else leaveCensus(this);
    this.#drain = undefined;
    this.#stopListening?.();
    this.#stopListening = undefined;
    try {
      this.#gauge?.dec();
    } catch (decError) {
      fail(decError);
      return;
    }
    if (result === undefined) fail(error);
    else finish(result);
  }

  #disconnected(): void {
    (this.#ending ??= {}).disconnectedAt = censusNow();
    this.#stopListening = undefined;
    if (this.#shutdown !== undefined && !this.#shutdown.signal.aborted) this.#shutdown.abort(this.#connection.reason);
    this.disconnect();
  }

  // ---- census ----

  get censusLabel(): string {
    return this.#options.label;
  }

  get censusStartedAt(): number {
    return this.#startedAt;
  }

  get censusMetrics(): AsyncMetrics | undefined {
    return this.#options.metrics;
  }

  censusState(): SessionState {
    if (this.#ending?.abandoned !== undefined) return 'stuck';
    if (!this.done) return 'running';
    return this.#drain?.abortedAll === true ? 'aborted-and-waiting' : 'draining';
  }

  censusTeardownAt(): number | undefined {
    return this.#ending?.teardownAt;
  }

  censusTasks(visit: (name: string) => void): void {
    const abandoned = this.#ending?.abandoned;
    if (abandoned === undefined) {
      for (const task of this.#running.keys()) visit(task.name);
      return;
    }
    for (const ref of abandoned) {
      const task = ref.deref();
      if (task !== undefined) visit(task.name);
    }
  }

  censusSnapshot(now: number): SessionSnapshot {
    const tasks: TaskSnapshot[] = [];
    const add = (task: Task, finite: boolean): void => {
      tasks.push({ name: task.name, kind: finite ? 'finite' : 'lifetime', ageMs: elapsed(now, taskStartedAt(task) ?? this.#startedAt) ?? 0, aborted: taskAborted(task) });
    };
    const ending = this.#ending;
    const abandoned = ending?.abandoned;
    if (abandoned === undefined) {
      for (const [task, finite] of this.#running) add(task, finite);
    } else {
      for (const ref of abandoned) {
        const task = ref.deref();
        // The kind is no longer known once the drain let go of the task; only lifetime tasks end a session.
        if (task !== undefined) add(task, true);
      }
    }
    tasks.sort((a, b) => b.ageMs - a.ageMs);
    return {
      label: this.#options.label,
      state: this.censusState(),
      ageMs: elapsed(now, this.#startedAt) ?? 0,
      sinceDisconnectMs: elapsed(now, ending?.disconnectedAt),
      sinceTeardownMs: elapsed(now, ending?.teardownAt),
      exitReason: ending?.exitReason ?? null,
      tasks,
    };
  }

  /**
   * The drain gave up on `stuck`: the session has ended, but stays in the census as `stuck` until
   * each of them settles (taskSettled) or is garbage-collected. Weak references: a hung task that
   * nothing else holds must stay collectable, the census must not be what keeps a ghost alive.
   */
  #keepAbandoned(stuck: readonly Task[]): void {
    (this.#ending ??= {}).abandoned = stuck.map((task) => {
      abandonedCollected.register(task, this, task);
      return new WeakRef(task);
    });
  }

  #abandonedSettled(task: Task): void {
    abandonedCollected.unregister(task);
    this.abandonedGone(task);
  }

  /** An abandoned task settled or was collected: leave the census once none is left. */
  abandonedGone(task?: Task): void {
    const ending = this.#ending;
    if (ending?.abandoned === undefined) return;
    const left = ending.abandoned.filter((ref) => {
      const alive = ref.deref();
      return alive !== undefined && alive !== task;
    });
    ending.abandoned = left;
    if (left.length === 0) leaveCensus(this);
  }

  #teardownReason(reason: SupervisorExit['reason']): DOMException {
    return new DOMException(`session "${this.#options.label}" ended: ${reason}`, 'AbortError');
  }

  #spawn<T>(name: string, body: (signal: AbortSignal) => Promise<T>, finite: boolean): Task<T> {
    assertName(name, 'name');
    assertFunction(body, 'body');
    if (this.#closed) return this.#refuse<T>(name);
    // Not linked to `signal`: a task's own signal is the hard cancel, aborted by the drain only
    // once the grace period is over, so in-flight work can finish after a disconnect.
    const task = startTask(name, body, { owner: this, logger: this.#options.logger });
    // A body that settled synchronously still reports through taskSettled, a microtask later.
    this.#running.set(task, finite);
    return task;
  }

  /** A task that never runs its body: already aborted, its promise rejects with the abort reason. */
  #refuse<T>(name: string): Task<T> {
    const logger = this.#options.logger;
    safeLog(logger, 'warn', { task: name }, 'task started after session teardown began; not run');
    const closed = new AbortController();
    closed.abort(new DOMException(`session closed before task "${name}" started`, 'AbortError'));
    return createNamedTask<T>(name, (signal) => rejectWith<T>(signal.reason), { signal: closed.signal, logger });
  }
}

/** Removes a stuck session from the census when its last abandoned task is garbage-collected. */
const abandonedCollected = new FinalizationRegistry<SupervisedSession>((session) => session.abandonedGone());

/**
 * What `setup` receives: only the `Session` members. The session object itself also carries the
 * supervisor's and the drain's bookkeeping methods, which plain JavaScript could otherwise call
 * (or a debugger print) through the argument; this handle is one small object per session.
 */
class SessionHandle implements Session {
  readonly #session: SupervisedSession;

  constructor(session: SupervisedSession) {
    this.#session = session;
  }

  get signal(): AbortSignal {
    return this.#session.signal;
  }

  lifetime<T>(name: string, body: (signal: AbortSignal) => Promise<T>): Task<T> {
    return this.#session.lifetime(name, body);
  }

  finite<T>(name: string, body: (signal: AbortSignal) => Promise<T>): Task<T> {
    return this.#session.finite(name, body);
  }

  get [Symbol.toStringTag](): string {
    return 'Session';
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Runs one connection's tasks as a unit. It increments `gauge`, runs `setup(session)` (a
 * returned promise is a finite task named "setup"), supervises every task the session starts
 * until the first exit (disconnect, crash, or a lifetime task ending), then aborts
 * `session.signal` and drains with `cancel: false`, and decrements `gauge` in a `finally`. It
 * never rejects:
 * - `setup` throwing (or rejecting) is a `crash` exit with a task named "setup" and its error,
 *   and the tasks it had already started are drained;
 * - a `setup` that starts no lifetime task leaves the session running until the signal aborts or
 *   a task crashes (handlers that only register event listeners work this way);
 * - a task that ignores its aborted signal ends up in `drain.stuck` and `onStuck`, and never
 *   holds the session open beyond `drainTimeoutMs + forceTimeoutMs`.
 */
export function superviseSession(
  options: SuperviseSessionOptions,
  setup: (session: Session) => void | Promise<void>,
): Promise<SessionResult> {
  assertRequiredOptions(options, 'options');
  assertName(options.label, 'options.label');
  assertAbortSignal(options.signal, 'options.signal');
  const { gauge } = options;
  if (gauge !== undefined && !hasMethods(gauge, ['inc', 'dec'])) {
    throw new TypeError('`options.gauge` must be a prom-client Gauge');
  }
  assertOptionalTime(options.drainTimeoutMs, 'options.drainTimeoutMs');
  assertOptionalTime(options.forceTimeoutMs, 'options.forceTimeoutMs');
  assertOptionalFunction(options.onStuck, 'options.onStuck');
  assertOptionalMetrics(options.metrics, 'options.metrics');
  assertOptionalLogger(options.logger, 'options.logger');
  assertFunction(setup, 'setup');
  return runSession(options, setup);
}

/** The session is a promise's executor state rather than an async function: no frame waits on it while it runs. */
function runSession(options: SuperviseSessionOptions, setup: (session: Session) => void | Promise<void>): Promise<SessionResult> {
  return new Promise((resolve, reject) => {
    new SupervisedSession(options, resolve, reject).start(setup);
  });
}
