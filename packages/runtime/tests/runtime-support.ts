/** Test helpers shared by the core runtime tests (not the adapter tests). */
import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, expect } from 'vitest';
import { createAsyncMetrics, type AsyncMetrics, type Logger } from '../src/index.js';

export interface LogEntry {
  level: 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

export function captureLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const logger: Logger = {
    warn: (obj, msg) => entries.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    error: (obj, msg) => entries.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
  };
  return { logger, entries };
}

export const silentLogger: Logger = { warn() {}, error() {} };

/** Metrics on a fresh registry, so tests never share series or the default registry. */
export function freshMetrics(logger: Logger = silentLogger): { registry: Registry; metrics: AsyncMetrics } {
  const registry = new Registry();
  return { registry, metrics: createAsyncMetrics(registry, { logger }) };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A body that honours its signal: pending until aborted, then rejects with the abort reason. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A body that ignores its signal and never settles: the hung upload / webhook of the original bug. */
export function hangsForever(): Promise<never> {
  return new Promise<never>(() => {});
}

export function abortListenerCount(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

export function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

/**
 * Waits (bounded) until the process has no more active timers than `before`. The runner's own
 * RPC timers come and go while a test awaits, so an exact count right after an await can be off
 * by one on a busy machine; a leaked runtime timer (minutes to hours long) never goes away.
 */
export async function expectTimersBackTo(before: number): Promise<void> {
  await expect.poll(activeTimeouts, { timeout: 2_000, interval: 20 }).toBeLessThanOrEqual(before);
}

/** Lets pending microtasks and one event-loop turn run. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

let gcFunction: (() => void) | undefined;

/** Full garbage collection without needing `--expose-gc` on the test runner. */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
}

export function heapAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

export async function seriesOf(registry: Registry, name: string): Promise<Array<{ labels: Record<string, string | number>; value: number }>> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return [];
  const data = await metric.get();
  return data.values.map(({ labels, value }) => ({ labels: labels as Record<string, string | number>, value }));
}

/** Sum of the values whose labels match `labels` (histograms: use the `_count` metric name). */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string>, metricName = name): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return 0;
  const data = await metric.get();
  return data.values
    .filter((entry) => (entry as { metricName?: string }).metricName === undefined || (entry as { metricName?: string }).metricName === metricName)
    .filter((entry) => Object.entries(labels).every(([key, value]) => entry.labels[key] === value))
    .reduce((sum, entry) => sum + entry.value, 0);
}

/**
 * Records every `unhandledRejection` while the enclosing `describe` runs (registered in
 * beforeEach, removed in afterEach): tests assert the list stays empty.
 */
export function recordUnhandledRejections(): unknown[] {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });
  return unhandled;
}
