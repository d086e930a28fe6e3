import { Counter, Gauge, Histogram, register as defaultRegistry, type Registry } from 'prom-client';
import { censusMembers, censusNow, SESSION_STATES, type CensusMember, type SessionState } from './census.js';
import { LabelGuard } from './label-guard.js';
import { assertOptionalLogger, safeLog, type Logger } from './logger.js';
import { assertOptions, hasMethods } from './validate.js';

export type SupervisorReason = 'disconnect' | 'crash' | 'lifetime_done';

/**
 * The runtime's Prometheus instruments. Every `label` passes the label guard (see
 * `isDynamicLabel`) before it reaches prom-client; recording never throws.
 */
export interface AsyncMetrics {
  readonly registry: Registry;
  /** `async_supervisor_exit_total{label,reason}` += 1 */
  recordSupervisorExit(label: string, reason: SupervisorReason): void;
  /** `async_drain_duration_seconds{label}` observes; `async_drain_timeout_total{label}` += 1 when timed out */
  recordDrain(label: string, durationSeconds: number, timedOut: boolean): void;
  /** `async_gather_duration_seconds{label}` observes; `async_gather_failures_total{label}` += failures */
  recordGather(label: string, durationSeconds: number, failures: number): void;
}

export interface CreateAsyncMetricsOptions {
  /** Receives the label guard's once-per-metric warnings. */
  logger?: Logger;
}

export const METRIC_NAMES = {
  supervisorExit: 'async_supervisor_exit_total',
  drainTimeout: 'async_drain_timeout_total',
  drainDuration: 'async_drain_duration_seconds',
  gatherFailures: 'async_gather_failures_total',
  gatherDuration: 'async_gather_duration_seconds',
  sessions: 'async_sessions',
  oldestDraining: 'async_session_oldest_draining_seconds',
  stuckTasks: 'async_stuck_tasks',
} as const;

const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

// Guard state lives with the metric, not the AsyncMetrics instance, so several instances sharing
// one registry (and so one metric) also share the 100-label budget.
const guards = new WeakMap<object, LabelGuard>();

function guardFor(metric: object, name: string): LabelGuard {
  let guard = guards.get(metric);
  if (guard === undefined) {
    guard = new LabelGuard(name);
    guards.set(metric, guard);
  }
  return guard;
}

interface MetricShape {
  type?: unknown;
  labelNames?: unknown;
}

/** prom-client throws on a second registration of a name, so reuse what the registry holds. */
function getOrCreate<M extends Counter<string> | Gauge<string> | Histogram<string>>(
  registry: Registry,
  name: string,
  type: 'counter' | 'gauge' | 'histogram',
  labelNames: readonly string[],
  create: () => M,
): M {
  const existing = registry.getSingleMetric(name);
  if (existing === undefined) return create();
  const shape = existing as unknown as MetricShape;
  const sameLabels =
    Array.isArray(shape.labelNames) &&
    shape.labelNames.length === labelNames.length &&
    labelNames.every((label) => (shape.labelNames as unknown[]).includes(label));
  if (shape.type !== type || !sameLabels) {
    throw new Error(
      `registry already holds a metric "${name}" that is not a ${type} with labels [${labelNames.join(', ')}]`,
    );
  }
  return existing as unknown as M;
}

class PromAsyncMetrics implements AsyncMetrics {
  readonly registry: Registry;
  readonly #logger: Logger | undefined;
  readonly #supervisorExit: Counter<'label' | 'reason'>;
  readonly #drainTimeout: Counter<'label'>;
  readonly #drainDuration: Histogram<'label'>;
  readonly #gatherFailures: Counter<'label'>;
  readonly #gatherDuration: Histogram<'label'>;
  #failureLogged = false;
  // Label objects reused per guarded label (the guard bounds them to 102 per metric), so recording
  // allocates no label object; prom-client keeps the first object it sees per series anyway.
  readonly #labelObjects = new WeakMap<object, Map<string, { label: string }>>();
  readonly #exitLabelObjects = new Map<string, Partial<Record<SupervisorReason, { label: string; reason: SupervisorReason }>>>();

  constructor(registry: Registry, logger: Logger | undefined) {
    this.registry = registry;
    this.#logger = logger;
    const registers = [registry];
    this.#supervisorExit = getOrCreate(registry, METRIC_NAMES.supervisorExit, 'counter', ['label', 'reason'], () =>
      new Counter({ name: METRIC_NAMES.supervisorExit, help: 'Supervisor exits by label and reason (disconnect, crash, lifetime_done)', labelNames: ['label', 'reason'], registers }));
    this.#drainTimeout = getOrCreate(registry, METRIC_NAMES.drainTimeout, 'counter', ['label'], () =>
      new Counter({ name: METRIC_NAMES.drainTimeout, help: 'Drains that hit their timeout', labelNames: ['label'], registers }));
    this.#drainDuration = getOrCreate(registry, METRIC_NAMES.drainDuration, 'histogram', ['label'], () =>
      new Histogram({ name: METRIC_NAMES.drainDuration, help: 'Duration of whole drains in seconds', labelNames: ['label'], buckets: DURATION_BUCKETS, registers }));
    this.#gatherFailures = getOrCreate(registry, METRIC_NAMES.gatherFailures, 'counter', ['label'], () =>
      new Counter({ name: METRIC_NAMES.gatherFailures, help: 'Failed items of gathers', labelNames: ['label'], registers }));
    this.#gatherDuration = getOrCreate(registry, METRIC_NAMES.gatherDuration, 'histogram', ['label'], () =>
      new Histogram({ name: METRIC_NAMES.gatherDuration, help: 'Duration of whole gathers in seconds', labelNames: ['label'], buckets: DURATION_BUCKETS, registers }));
    // The census gauges are computed at scrape time from the live sessions (no work per session
    // transition). `aggregator` tells prom-client's AggregatorRegistry how to merge workers.
    getOrCreate(registry, METRIC_NAMES.sessions, 'gauge', ['label', 'state'], () =>
      new Gauge({ name: METRIC_NAMES.sessions, help: 'Live sessions by label and state (running, draining, aborted-and-waiting, stuck)',
        labelNames: ['label', 'state'], registers, aggregator: 'sum', collect: collectSessions(registry, logger) }));
    getOrCreate(registry, METRIC_NAMES.oldestDraining, 'gauge', ['label'], () =>
      new Gauge({ name: METRIC_NAMES.oldestDraining, help: 'Seconds since teardown began of the longest-draining session (draining or aborted-and-waiting), 0 when none',
        labelNames: ['label'], registers, aggregator: 'max', collect: collectOldestDraining(registry, logger) }));
    getOrCreate(registry, METRIC_NAMES.stuckTasks, 'gauge', ['label', 'task'], () =>
      new Gauge({ name: METRIC_NAMES.stuckTasks, help: 'Tasks a drain abandoned (they ignored their abort) that have still not settled, by session label and task name',
        labelNames: ['label', 'task'], registers, aggregator: 'sum', collect: collectStuckTasks(registry, logger) }));
  }

  /** False once the registry was cleared or the metric replaced, so the shared instance can be rebuilt. */
  get isRegistered(): boolean {
    return this.registry.getSingleMetric(METRIC_NAMES.supervisorExit) === (this.#supervisorExit as unknown);
  }

  recordSupervisorExit(label: string, reason: SupervisorReason): void {
    try {
      this.#supervisorExit.inc(this.#exitLabels(label, reason));
    } catch (error) {
      this.#recordFailed(error);
    }
  }

  recordDrain(label: string, durationSeconds: number, timedOut: boolean): void {
    try {
      this.#drainDuration.observe(this.#labels(this.#drainDuration, METRIC_NAMES.drainDuration, label), durationSeconds);
      if (timedOut) this.#drainTimeout.inc(this.#labels(this.#drainTimeout, METRIC_NAMES.drainTimeout, label));
    } catch (error) {
      this.#recordFailed(error);
    }
  }

  recordGather(label: string, durationSeconds: number, failures: number): void {
    try {
      this.#gatherDuration.observe(this.#labels(this.#gatherDuration, METRIC_NAMES.gatherDuration, label), durationSeconds);
      if (failures > 0) this.#gatherFailures.inc(this.#labels(this.#gatherFailures, METRIC_NAMES.gatherFailures, label), failures);
    } catch (error) {
      this.#recordFailed(error);
    }
  }

  /** The label values of one recording: `label` through the metric's guard. */
  #labels(metric: object, name: string, label: string): { label: string } {
    const guarded = this.#guard(metric, name, label);
    let byLabel = this.#labelObjects.get(metric);
    if (byLabel === undefined) {
      byLabel = new Map();
      this.#labelObjects.set(metric, byLabel);
    }
    let labels = byLabel.get(guarded);
    if (labels === undefined) {
      labels = { label: guarded };
      byLabel.set(guarded, labels);
    }
    return labels;
  }

  #exitLabels(label: string, reason: SupervisorReason): { label: string; reason: SupervisorReason } {
    const guarded = this.#guard(this.#supervisorExit, METRIC_NAMES.supervisorExit, label);
    let byReason = this.#exitLabelObjects.get(guarded);
    if (byReason === undefined) {
      byReason = {};
      this.#exitLabelObjects.set(guarded, byReason);
    }
    return (byReason[reason] ??= { label: guarded, reason });
  }

  #guard(metric: object, name: string, label: string): string {
    return guardFor(metric, name).resolve(label, this.#logger);
  }

  // Metrics are observability: a failure to record must never break the code being observed.
  #recordFailed(error: unknown): void {
    if (this.#failureLogged) return;
    this.#failureLogged = true;
    safeLog(this.#logger, 'warn', { err: error }, 'ghostguard metrics could not be recorded');
  }
}

/** The live sessions that record to `registry` (a session without `metrics` records to the default registry). */
function* membersOf(registry: Registry): Generator<CensusMember> {
  for (const member of censusMembers()) {
    if ((member.censusMetrics?.registry ?? defaultRegistry) === registry) yield member;
  }
}

/**
 * Every label seen keeps its series (at 0 when nothing matches now), so a dashboard sees the
 * count fall back to 0 instead of a series vanishing; the label guard bounds how many there are.
 */
function collectSessions(registry: Registry, logger: Logger | undefined): (this: Gauge<'label' | 'state'>) => void {
  const seen = new Set<string>();
  return function collect() {
    const guard = guardFor(this, METRIC_NAMES.sessions);
    const counts = new Map<string, Record<SessionState, number>>();
    for (const label of seen) counts.set(label, { running: 0, draining: 0, 'aborted-and-waiting': 0, stuck: 0 });
    for (const member of membersOf(registry)) {
      const label = guard.resolve(member.censusLabel, logger);
      let byState = counts.get(label);
      if (byState === undefined) {
        byState = { running: 0, draining: 0, 'aborted-and-waiting': 0, stuck: 0 };
        counts.set(label, byState);
        seen.add(label);
      }
      byState[member.censusState()] += 1;
    }
    for (const [label, byState] of counts) {
      for (const state of SESSION_STATES) this.set({ label, state }, byState[state]);
    }
  };
}

function collectOldestDraining(registry: Registry, logger: Logger | undefined): (this: Gauge<'label'>) => void {
  const seen = new Set<string>();
  return function collect() {
    const guard = guardFor(this, METRIC_NAMES.oldestDraining);
    const now = censusNow();
    const oldest = new Map<string, number>();
    for (const label of seen) oldest.set(label, 0);
    for (const member of membersOf(registry)) {
      const label = guard.resolve(member.censusLabel, logger);
      seen.add(label);
      const state = member.censusState();
      const teardownAt = member.censusTeardownAt();
      const seconds = (state === 'draining' || state === 'aborted-and-waiting') && teardownAt !== undefined ? (now - teardownAt) / 1000 : 0;
      oldest.set(label, Math.max(oldest.get(label) ?? 0, seconds));
    }
    for (const [label, seconds] of oldest) this.set({ label }, seconds);
  };
}

// The task-name label has its own guard (and 100-name budget), kept apart from the `label` guard.
const taskNameGuards = new WeakMap<object, LabelGuard>();

function collectStuckTasks(registry: Registry, logger: Logger | undefined): (this: Gauge<'label' | 'task'>) => void {
  const seen = new Map<string, { label: string; task: string }>();
  return function collect() {
    const guard = guardFor(this, METRIC_NAMES.stuckTasks);
    let taskGuard = taskNameGuards.get(this);
    if (taskGuard === undefined) {
      taskGuard = new LabelGuard(`${METRIC_NAMES.stuckTasks} (task)`);
      taskNameGuards.set(this, taskGuard);
    }
    const names = taskGuard;
    const counts = new Map<string, number>();
    for (const key of seen.keys()) counts.set(key, 0);
    for (const member of membersOf(registry)) {
      if (member.censusState() !== 'stuck') continue;
      const label = guard.resolve(member.censusLabel, logger);
      member.censusTasks((name) => {
        const task = names.resolve(name, logger);
        const key = `${label}\u0000${task}`;
        if (!seen.has(key)) seen.set(key, { label, task });
        counts.set(key, (counts.get(key) ?? 0) + 1);
      });
    }
    for (const [key, count] of counts) {
      const labels = seen.get(key);
      if (labels !== undefined) this.set(labels, count);
    }
  };
}

/**
 * Creates (or, when `registry` already holds them, reuses) the runtime's metrics on
 * `registry` (default: prom-client's default registry). Calling it twice on one registry returns
 * instances that share the metrics and never throws. It throws only when the registry holds a
 * metric of the same name with another type or label set.
 */
export function createAsyncMetrics(registry?: Registry, options?: CreateAsyncMetricsOptions): AsyncMetrics {
  if (registry !== undefined && (typeof registry !== 'object' || registry === null || typeof registry.getSingleMetric !== 'function')) {
    throw new TypeError('`registry` must be a prom-client Registry');
  }
  assertOptions(options, 'options');
  assertOptionalLogger(options?.logger, 'options.logger');
  return new PromAsyncMetrics(registry ?? defaultRegistry, options?.logger);
}

const noopMetrics: AsyncMetrics = {
  registry: defaultRegistry,
  recordSupervisorExit() {},
  recordDrain() {},
  recordGather() {},
};

let shared: PromAsyncMetrics | undefined;
let sharedFailureLogged = false;

/**
 * The instance used when a function gets no `metrics` option: created on first use (importing the
 * package registers nothing) on prom-client's default registry, and rebuilt if that registry was
 * cleared. If the registry holds conflicting metrics, recording is skipped and logged once.
 */
export function defaultAsyncMetrics(logger?: Logger): AsyncMetrics {
  if (shared?.isRegistered) return shared;
  try {
    shared = new PromAsyncMetrics(defaultRegistry, undefined);
    return shared;
  } catch (error) {
    if (!sharedFailureLogged) {
      sharedFailureLogged = true;
      safeLog(logger, 'warn', { err: error }, 'ghostguard default metrics unavailable; not recording');
    }
    return noopMetrics;
  }
}

/**
 * Records into `metrics` (or the default instance) without ever throwing: recording happens inside
 * abort listeners, timers and settle callbacks, where a throw would be an uncaught exception.
 * Instances from createAsyncMetrics never throw; this also covers hand-written AsyncMetrics.
 */
export function record(metrics: AsyncMetrics | undefined, logger: Logger | undefined, write: (target: AsyncMetrics) => void): void {
  try {
    write(metrics ?? defaultAsyncMetrics(logger));
  } catch (error) {
    safeLog(logger, 'warn', { err: error }, 'ghostguard metrics could not be recorded');
  }
}

export function assertOptionalMetrics(value: unknown, argument: string): asserts value is AsyncMetrics | undefined {
  if (value === undefined) return;
  if (!hasMethods(value, ['recordSupervisorExit', 'recordDrain', 'recordGather'])) {
    throw new TypeError(`\`${argument}\` must be an AsyncMetrics from createAsyncMetrics()`);
  }
}
