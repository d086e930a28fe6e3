import type { Gauge } from 'prom-client';
import type { ConnectionState } from './connection.js';

/**
 * Counts work that has started and not finished yet (pollers, upstream calls), the same way in
 * both servers so their figures compare.
 */
export class LiveCount {
  #value = 0;

  get value(): number {
    return this.#value;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.#value++;
    try {
      return await work();
    } finally {
      this.#value--;
    }
  }
}

export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/**
 * A latency sample set in a buffer allocated up front, so measuring allocates nothing per
 * connection and the heap figures stay honest; past its capacity it keeps the latest samples.
 */
export class Latencies {
  readonly #samples: Float64Array;
  #written = 0;

  constructor(capacity: number) {
    this.#samples = new Float64Array(capacity);
  }

  record(latencyMs: number): void {
    this.#samples[this.#written % this.#samples.length] = latencyMs;
    this.#written++;
  }

  /** Drops the samples so far: a new measurement round begins. */
  clear(): void {
    this.#written = 0;
  }

  /** Records the time since the connection's socket closed, if it has. */
  sinceDisconnect(conn: ConnectionState): void {
    if (conn.disconnectedAt !== undefined) this.record(performance.now() - conn.disconnectedAt);
  }

  /**
   * For a poller: call right after its sleep with `performance.now()` as it was when the sleep
   * began. If the connection went away during the sleep, records how late the poller woke. A
   * poller busy (say, in an upload) at the disconnect was not asleep and is not measured.
   */
  afterSleep(conn: ConnectionState, sleepStartedAt: number): void {
    if (conn.disconnectedAt !== undefined && conn.disconnectedAt >= sleepStartedAt) this.sinceDisconnect(conn);
  }

  summary(): LatencySummary {
    const sorted = this.#samples.slice(0, Math.min(this.#written, this.#samples.length)).sort();
    const at = (q: number): number | null => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    return { count: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
  }
}

export interface ServerLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that only counts, so a run with hundreds of hung calls does not flood the demo's output. */
export class CountingLogger implements ServerLogger {
  warnings = 0;
  errors = 0;
  readonly #forward: ServerLogger | undefined;

  constructor(forward?: ServerLogger) {
    this.#forward = forward;
  }

  warn(obj: object, msg?: string): void {
    this.warnings++;
    this.#forward?.warn(obj, msg);
  }

  error(obj: object, msg?: string): void {
    this.errors++;
    this.#forward?.error(obj, msg);
  }
}

/** What a server reports about itself; both servers measure these the same way. */
export interface ServerStats {
  /** Value of the `pusher_active_connections` gauge: what the dashboard believes. */
  gauge: number;
  /** Server-side TCP sockets still open: what is really connected. */
  liveSockets: number;
  /** Connection handlers that have not returned yet. */
  openHandlers: number;
  /** Pollers still running plus upstream calls in flight. */
  liveBackgroundTasks: number;
  /** Upstream calls (uploads and webhooks) in flight. */
  upstreamInFlight: number;
  /** How long pollers asleep at a disconnect took to notice it. */
  pollerWake: LatencySummary;
  /** From the server seeing a disconnect (socket close, missed pong) to the handler's end (gauge decrement); ghosts never get there. */
  handlerEnd: LatencySummary;
  /** Warnings and errors the server logged. */
  loggedWarnings: number;
  loggedErrors: number;
}

/** The measuring instruments both servers carry, read out by `stats()`. */
export class Instruments {
  readonly pollers = new LiveCount();
  readonly upstreamCalls = new LiveCount();
  /** Poller wake-ups after a disconnect. */
  readonly latencies: Latencies;
  /** Disconnect seen to handler end. */
  readonly handlerEnds: Latencies;
  readonly logger: CountingLogger;

  constructor(maxLatencySamples: number, logger?: ServerLogger) {
    this.latencies = new Latencies(maxLatencySamples);
    this.handlerEnds = new Latencies(maxLatencySamples);
    this.logger = new CountingLogger(logger);
  }

  /** Starts a new measurement round: latency samples so far are dropped. */
  resetMeasurements(): void {
    this.latencies.clear();
    this.handlerEnds.clear();
  }

  async stats(gauge: Gauge, liveSockets: number, openHandlers: number): Promise<ServerStats> {
    const { values } = await gauge.get();
    return {
      gauge: values.reduce((sum, sample) => sum + sample.value, 0),
      liveSockets,
      openHandlers,
      liveBackgroundTasks: this.pollers.value + this.upstreamCalls.value,
      upstreamInFlight: this.upstreamCalls.value,
      pollerWake: this.latencies.summary(),
      handlerEnd: this.handlerEnds.summary(),
      loggedWarnings: this.logger.warnings,
      loggedErrors: this.logger.errors,
    };
  }
}
