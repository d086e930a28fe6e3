import type { AsyncMetrics, SupervisorReason } from './metrics.js';
import { assertOptions, assertPositiveInteger } from './validate.js';

/**
 * Where a live session is in its life:
 * - `running`: supervising its tasks, no exit yet;
 * - `draining`: the exit is decided and `session.signal` aborted; its tasks are in their grace
 *   period (`drainTimeoutMs`) and may still finish on their own;
 * - `aborted-and-waiting`: the grace period is over, the stragglers' own signals are aborted and
 *   the session waits at most `forceTimeoutMs` for them;
 * - `stuck`: the drain gave up: the session has ended (its gauge is back down, its result
 *   resolved) but tasks it abandoned have still not settled. These are the ghosts: work that
 *   ignored its abort and still holds whatever it closed over. The entry leaves the census as
 *   soon as the last of those tasks settles or is garbage-collected.
 */
export type SessionState = 'running' | 'draining' | 'aborted-and-waiting' | 'stuck';

export const SESSION_STATES: readonly SessionState[] = Object.freeze(['running', 'draining', 'aborted-and-waiting', 'stuck']);

export interface TaskSnapshot {
  name: string;
  kind: 'lifetime' | 'finite';
  /** Milliseconds since the task started. */
  ageMs: number;
  /** Whether the task's own signal (the hard cancel) has been aborted. */
  aborted: boolean;
}

export interface SessionSnapshot {
  label: string;
  state: SessionState;
  /** Milliseconds since `superviseSession` was called. */
  ageMs: number;
  /** Milliseconds since the connection's signal aborted, or null while it has not. */
  sinceDisconnectMs: number | null;
  /** Milliseconds since the exit was decided and teardown began, or null while running. */
  sinceTeardownMs: number | null;
  /** Why the session is ending, or null while running. */
  exitReason: SupervisorReason | null;
  /** Its unsettled tasks (for a `stuck` session: the abandoned ones), oldest first. */
  tasks: TaskSnapshot[];
}

export interface SessionCensus {
  /** When the snapshot was taken (ISO 8601). */
  takenAt: string;
  /** Sessions matched, whatever `limit` says. */
  total: number;
  byState: Record<SessionState, number>;
  /** Age of the oldest matched session, or null when there is none. */
  oldestAgeMs: number | null;
  /** Longest time since teardown began among `draining` and `aborted-and-waiting` sessions, or null. */
  oldestDrainingMs: number | null;
  /** Unsettled tasks of the matched sessions (of a `stuck` one: its abandoned tasks) counted by name, most frequent first. */
  tasksByName: Array<{ name: string; count: number }>;
  /** The matched sessions, oldest first, at most `limit` of them. */
  sessions: SessionSnapshot[];
}

export interface InspectSessionsOptions {
  /** Only sessions with this label. */
  label?: string;
  /** Only sessions in these states. */
  states?: readonly SessionState[];
  /** At most this many sessions in `sessions` (the oldest); counts still cover every match. Default: all. */
  limit?: number;
}

/** What a session shows the census; implemented by the session itself, so enrolling allocates nothing. */
export interface CensusMember {
  readonly censusLabel: string;
  /** censusNow() when the session started. */
  readonly censusStartedAt: number;
  /** The metrics the session records to (undefined: the default instance); its registry reports it. */
  readonly censusMetrics: AsyncMetrics | undefined;
  censusState(): SessionState;
  /** `performance.now()` when teardown began, if it has. */
  censusTeardownAt(): number | undefined;
  /** Calls `visit` with the name of each task the census lists for this session. */
  censusTasks(visit: (name: string) => void): void;
  censusSnapshot(now: number): SessionSnapshot;
}

/**
 * The live sessions. A session adds itself when it starts and removes itself in its `finally`
 * (or, if the drain abandoned tasks, when the last of them settles or is collected): nothing
 * else is kept, and nothing per session is computed until someone inspects.
 */
const members = new Set<CensusMember>();

export function enrollInCensus(member: CensusMember): void {
  members.add(member);
}

export function leaveCensus(member: CensusMember): void {
  members.delete(member);
}

/** The live sessions, for the metrics' scrape-time collection. */
export function censusMembers(): ReadonlySet<CensusMember> {
  return members;
}

/**
 * The census clock: `performance.now()` in whole milliseconds. An integer below 2³⁰ is stored
 * unboxed in an object field, so a timestamp costs a session or task no extra heap object (a
 * fractional double would be a separate 16-byte box); after 12 days of uptime it is boxed, still correct.
 */
export function censusNow(): number {
  return Math.floor(performance.now());
}

/** Whole milliseconds between `from` and `now`; null when `from` is undefined. */
export function elapsed(now: number, from: number | undefined): number | null {
  return from === undefined ? null : Math.max(0, now - from);
}

/**
 * A snapshot of every live session started by `superviseSession` in this process, and of its
 * unsettled tasks: label, state, age, time since disconnect, and per task its name, age and
 * whether its signal is aborted. Plain JSON-serialisable data, safe to return from a debug
 * endpoint. Its cost is proportional to the live sessions and tasks, and only paid when called;
 * counting allocates nothing per session, and only the `limit` sessions listed become snapshots.
 */
export function inspectSessions(options?: InspectSessionsOptions): SessionCensus {
  assertOptions(options, 'options');
  const label = options?.label;
  if (label !== undefined && typeof label !== 'string') throw new TypeError('`options.label` must be a string');
  const states = options?.states;
  if (states !== undefined && (!Array.isArray(states) || !(states as unknown[]).every((state) => SESSION_STATES.includes(state as SessionState)))) {
    throw new TypeError(`\`options.states\` must be an array of ${SESSION_STATES.map((state) => `"${state}"`).join(', ')}`);
  }
  if (options?.limit !== undefined) assertPositiveInteger(options.limit, 'options.limit', true);
  const limit = options?.limit ?? Infinity;

  const now = censusNow();
  const byState: Record<SessionState, number> = { running: 0, draining: 0, 'aborted-and-waiting': 0, stuck: 0 };
  const taskCounts = new Map<string, number>();
  const countTask = (name: string): void => {
    taskCounts.set(name, (taskCounts.get(name) ?? 0) + 1);
  };
  const matched: CensusMember[] = [];
  let oldestDrainingMs: number | null = null;
  // Counting allocates nothing per session; only the listed sessions are turned into snapshots.
  for (const member of members) {
    if (label !== undefined && member.censusLabel !== label) continue;
    const state = member.censusState();
    if (states !== undefined && !states.includes(state)) continue;
    byState[state] += 1;
    const teardownAt = member.censusTeardownAt();
    if ((state === 'draining' || state === 'aborted-and-waiting') && teardownAt !== undefined) {
      oldestDrainingMs = Math.max(oldestDrainingMs ?? 0, elapsed(now, teardownAt) ?? 0);
    }
    member.censusTasks(countTask);
    matched.push(member);
  }
  matched.sort((a, b) => a.censusStartedAt - b.censusStartedAt);
  const listed = matched.length > limit ? matched.slice(0, limit) : matched;
  const oldest = matched[0];
  return {
    takenAt: new Date().toISOString(),
    total: matched.length,
    byState,
    oldestAgeMs: oldest === undefined ? null : elapsed(now, oldest.censusStartedAt),
    oldestDrainingMs,
    tasksByName: [...taskCounts].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1)),
    sessions: listed.map((member) => member.censusSnapshot(now)),
  };
}
