import { noop, onAbort } from './abort.js';
import { assertOptionalLogger, safeLog, type Logger } from './logger.js';
import { assertOptionalMetrics, record, type AsyncMetrics } from './metrics.js';
import { startTimer } from './timer.js';
import {
  assertName,
  assertOptionalAbortSignal,
  assertOptionalPositiveTime,
  assertPositiveInteger,
  assertRequiredOptions,
  isFunction,
  rejectWith,
  toArrayOf,
} from './validate.js';

export type GatherResult<T> = { ok: true; index: number; value: T } | { ok: false; index: number; error: unknown };

export type Thunk<T> = (signal: AbortSignal) => Promise<T>;

interface GatherCommonOptions {
  label: string;
  /** Per item: aborts that item's signal and records it as failed with a `TimeoutError`. */
  timeoutMs?: number;
  logger?: Logger;
  metrics?: AsyncMetrics;
  /** Aborting it aborts running items and fails every unsettled or unstarted item at once. */
  signal?: AbortSignal;
}

export interface GatherWithLoggingOptions extends GatherCommonOptions {
  /** How many items run at once; a positive integer or `Infinity` (default). `1` serialises. */
  maxConcurrency?: number;
}

export interface GatherChunkedOptions extends GatherCommonOptions {
  /** Items per chunk; chunk N+1 starts only after every item of chunk N settled. */
  chunkSize: number;
}

/** Shared state of one gather call: where failures go and who to abort on shutdown. */
class GatherRun<T> {
  readonly results: GatherResult<T>[];
  failures = 0;
  notStarted = 0;
  readonly #running = new Set<(reason: unknown) => void>();
  readonly #options: GatherCommonOptions;
  #stopWatchingSignal = noop;

  constructor(count: number, options: GatherCommonOptions) {
    this.results = new Array<GatherResult<T>>(count);
    this.#options = options;
    const { signal } = options;
    // One listener per gather, not per item, however many items run.
    if (signal && !signal.aborted) {
      this.#stopWatchingSignal = onAbort(signal, () => {
        for (const fail of [...this.#running]) fail(signal.reason);
      });
    }
  }

  get aborted(): boolean {
    return this.#options.signal?.aborted ?? false;
  }

  /**
   * Runs one item to a result. Its own promise is watched with a single reaction; a timeout or
   * shutdown settles the result at once, so an item that ignores its signal cannot hold the gather
   * (it is abandoned: its slot is released and its late outcome ignored).
   */
  runItem(thunk: Thunk<T>, index: number): Promise<void> {
    if (this.aborted) {
      this.notStarted += 1;
      this.#record({ ok: false, index, error: this.#options.signal?.reason });
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const controller = new AbortController();
      let settled = false;
      const finish = (result: GatherResult<T>): void => {
        if (settled) return;
        settled = true;
        cancelTimer();
        this.#running.delete(fail);
        this.#record(result);
        if (!result.ok) this.#logFailure(result);
        resolve();
      };
      const fail = (reason: unknown): void => {
        controller.abort(reason);
        finish({ ok: false, index, error: reason });
      };
      const { timeoutMs } = this.#options;
      const cancelTimer = timeoutMs === undefined ? noop : startTimer(timeoutMs, () =>
        fail(new DOMException(`gather item ${index} timed out after ${timeoutMs} ms`, 'TimeoutError')));
      this.#running.add(fail);
      let outcome: Promise<T>;
      try {
        outcome = Promise.resolve(thunk(controller.signal));
      } catch (error) {
        outcome = rejectWith(error);
      }
      outcome.then(
        (value) => finish({ ok: true, index, value }),
        (error: unknown) => finish({ ok: false, index, error }),
      );
    });
  }

  finish(started: number): GatherResult<T>[] {
    this.#stopWatchingSignal();
    const { label, logger, metrics } = this.#options;
    if (this.notStarted > 0) {
      safeLog(logger, 'warn', { label, count: this.notStarted }, `${this.notStarted} gather item(s) not started: signal aborted`);
    }
    const durationSeconds = (performance.now() - started) / 1000;
    record(metrics, logger, (target) => target.recordGather(label, durationSeconds, this.failures));
    return this.results;
  }

  #record(result: GatherResult<T>): void {
    this.results[result.index] = result;
    if (!result.ok) this.failures += 1;
  }

  #logFailure(result: GatherResult<T> & { ok: false }): void {
    safeLog(this.#options.logger, 'warn', { label: this.#options.label, index: result.index, err: result.error }, 'gather item failed');
  }
}

/** Runs `thunks[from..to)` with at most `limit` at once: each worker takes the next index. */
async function runRange<T>(run: GatherRun<T>, thunks: readonly Thunk<T>[], from: number, to: number, limit: number): Promise<void> {
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) {
      const index = next;
      next += 1;
      await run.runItem(thunks[index] as Thunk<T>, index);
    }
  };
  const workers = Math.min(limit, to - from);
  await Promise.all(Array.from({ length: workers }, worker));
}

function validateCommon(thunks: unknown, options: unknown): Thunk<unknown>[] {
  const items = toArrayOf(thunks, 'thunks', isFunction, 'a function (signal) => Promise') as Thunk<unknown>[];
  assertRequiredOptions(options, 'options');
  const common = options as Partial<GatherCommonOptions>;
  assertName(common.label, 'options.label');
  assertOptionalPositiveTime(common.timeoutMs, 'options.timeoutMs');
  assertOptionalLogger(common.logger, 'options.logger');
  assertOptionalMetrics(common.metrics, 'options.metrics');
  assertOptionalAbortSignal(common.signal, 'options.signal');
  return items;
}

/**
 * Runs thunks with bounded concurrency and never rejects: one result per input, in input order,
 * each `{ ok, index, value | error }`. Every failure is logged with `label` and counted. Pass
 * thunks, not promises: a promise has already started, so it could be neither bounded nor aborted.
 *
 * @example
 * const results = await gatherWithLogging(webhooks.map((hook) => (signal) => post(hook, { signal })),
 *   { label: 'webhooks', maxConcurrency: 5, timeoutMs: 10_000 });
 */
export function gatherWithLogging<T>(thunks: Iterable<Thunk<T>>, options: GatherWithLoggingOptions): Promise<GatherResult<T>[]> {
  const items = validateCommon(thunks, options) as Thunk<T>[];
  const limit = options.maxConcurrency ?? Infinity;
  assertPositiveInteger(limit, 'options.maxConcurrency', true);
  return gather(items, options, limit);
}

async function gather<T>(items: Thunk<T>[], options: GatherWithLoggingOptions, limit: number): Promise<GatherResult<T>[]> {
  const started = performance.now();
  const run = new GatherRun<T>(items.length, options);
  await runRange(run, items, 0, items.length, limit);
  return run.finish(started);
}

/**
 * Like `gatherWithLogging` in chunks of `chunkSize`: chunk N+1 starts only after every item of
 * chunk N settled. `index` is global (position in the whole input), not reset per chunk.
 */
export function gatherChunked<T>(thunks: Iterable<Thunk<T>>, options: GatherChunkedOptions): Promise<GatherResult<T>[]> {
  const items = validateCommon(thunks, options) as Thunk<T>[];
  assertPositiveInteger(options.chunkSize, 'options.chunkSize');
  return gatherInChunks(items, options);
}

async function gatherInChunks<T>(items: Thunk<T>[], options: GatherChunkedOptions): Promise<GatherResult<T>[]> {
  const started = performance.now();
  const run = new GatherRun<T>(items.length, options);
  for (let from = 0; from < items.length; from += options.chunkSize) {
    const to = Math.min(from + options.chunkSize, items.length);
    await runRange(run, items, from, to, to - from);
  }
  return run.finish(started);
}
