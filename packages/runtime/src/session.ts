import type { Gauge } from 'prom-client';
import { onAbort } from './abort.js';
import { drainTasks, DEFAULT_FORCE_TIMEOUT_MS, type DrainReport } from './drain.js';
import { assertOptionalLogger, safeLog, type Logger } from './logger.js';
import { assertOptionalMetrics, type AsyncMetrics } from './metrics.js';
import { Supervisor, type SupervisorExit } from './supervise.js';
import { createNamedTask, type Task } from './task.js';
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

export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
export const SETUP_TASK_NAME = 'setup';

class SupervisedSession implements Session {
  readonly signal: AbortSignal;
  readonly tasks = new Set<Task>();
  readonly #supervisor: Supervisor;
  readonly #logger: Logger | undefined;
  #closed = false;

  constructor(signal: AbortSignal, supervisor: Supervisor, logger: Logger | undefined) {
    this.signal = signal;
    this.#supervisor = supervisor;
    this.#logger = logger;
  }

  lifetime<T>(name: string, body: (signal: AbortSignal) => Promise<T>): Task<T> {
    return this.#spawn(name, body, false);
  }

  finite<T>(name: string, body: (signal: AbortSignal) => Promise<T>): Task<T> {
    return this.#spawn(name, body, true);
  }

  /** From the drain on, new tasks are refused: the drain could not see them, so they would leak. */
  close(): void {
    this.#closed = true;
  }

  #spawn<T>(name: string, body: (signal: AbortSignal) => Promise<T>, finite: boolean): Task<T> {
    assertName(name, 'name');
    assertFunction(body, 'body');
    if (this.#closed) return this.#refuse<T>(name);
    // Not linked to `signal`: a task's own signal is the hard cancel, aborted by the drain only
    // once the grace period is over, so in-flight work can finish after a disconnect.
    const task = createNamedTask(name, body, { tasks: this.tasks, logger: this.#logger });
    this.#supervisor.add(task, finite);
    return task;
  }

  /** A task that never runs its body: already aborted, its promise rejects with the abort reason. */
  #refuse<T>(name: string): Task<T> {
    safeLog(this.#logger, 'warn', { task: name }, 'task started after session teardown began; not run');
    const closed = new AbortController();
    closed.abort(new DOMException(`session closed before task "${name}" started`, 'AbortError'));
    return createNamedTask<T>(name, (signal) => rejectWith<T>(signal.reason), { signal: closed.signal, logger: this.#logger });
  }
}

/**
 * Runs one connection's tasks as a unit. It increments `gauge`, runs `setup(session)` (itself a
 * finite task named "setup"), supervises every task the session starts until the first exit
 * (disconnect, crash, or a lifetime task ending), then aborts `session.signal` and drains with
 * `cancel: false`, and decrements `gauge` in a `finally`. It never rejects:
 * - `setup` throwing (or rejecting) is a `crash` exit with the setup task and its error, and the
 *   tasks it had already started are drained;
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

async function runSession(options: SuperviseSessionOptions, setup: (session: Session) => void | Promise<void>): Promise<SessionResult> {
  const { label, signal, gauge, metrics, logger } = options;
  const shutdown = new AbortController();
  const stopForwarding = signal.aborted ? undefined : onAbort(signal, () => shutdown.abort(signal.reason));
  if (signal.aborted) shutdown.abort(signal.reason);
  gauge?.inc();
  try {
    const supervisor = new Supervisor(label, signal, metrics, logger);
    const session = new SupervisedSession(shutdown.signal, supervisor, logger);
    session.finite(SETUP_TASK_NAME, async () => setup(session));
    const exit = await supervisor.exited;
    // On disconnect the connection's reason was already forwarded; build a reason only when needed
    // (constructing a DOMException is one of the costliest steps of a teardown).
    if (!shutdown.signal.aborted) shutdown.abort(new DOMException(`session "${label}" ended: ${exit.reason}`, 'AbortError'));
    session.close();
    const drain = await drainTasks(session.tasks, {
      label,
      timeoutMs: options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS,
      cancel: false,
      forceTimeoutMs: options.forceTimeoutMs ?? DEFAULT_FORCE_TIMEOUT_MS,
      onStuck: options.onStuck,
      metrics,
      logger,
    });
    return { exit, drain };
  } finally {
    stopForwarding?.();
    gauge?.dec();
  }
}
