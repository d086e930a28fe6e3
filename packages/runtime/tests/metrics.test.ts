import { Counter, Registry, register as defaultRegistry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createAsyncMetrics,
  drainTasks,
  DYNAMIC_LABEL,
  gatherWithLogging,
  superviseTasks,
  isDynamicLabel,
  OVERFLOW_LABEL,
} from '../src/index.js';
import { captureLogger, heapAfterGc, metricValue, seriesOf, silentLogger } from './runtime-support.js';

const NAMES = {
  async_supervisor_exit_total: 'counter',
  async_drain_timeout_total: 'counter',
  async_drain_duration_seconds: 'histogram',
  async_gather_failures_total: 'counter',
  async_gather_duration_seconds: 'histogram',
  async_sessions: 'gauge',
  async_session_oldest_draining_seconds: 'gauge',
  async_stuck_tasks: 'gauge',
};

describe('createAsyncMetrics', () => {
  afterEach(() => {
    defaultRegistry.clear();
  });

  it('registers the eight metrics (five recorded, three census gauges) with their types on the given registry', async () => {
    const registry = new Registry();
    createAsyncMetrics(registry, { logger: silentLogger });
    const json = await registry.getMetricsAsJSON();
    expect(Object.fromEntries(json.map((metric) => [metric.name, metric.type]))).toEqual(NAMES);
  });

  it('shares the metrics between two instances on one registry without throwing', async () => {
    const registry = new Registry();
    const first = createAsyncMetrics(registry, { logger: silentLogger });
    const second = createAsyncMetrics(registry, { logger: silentLogger });
    first.recordSupervisorExit('pusher', 'crash');
    second.recordSupervisorExit('pusher', 'crash');
    expect(await metricValue(registry, 'async_supervisor_exit_total', { label: 'pusher', reason: 'crash' })).toBe(2);
    expect(registry.getMetricsAsArray()).toHaveLength(8);
  });

  it('refuses a registry whose metric of the same name has another type', () => {
    const registry = new Registry();
    new Counter({ name: 'async_drain_duration_seconds', help: 'not ours', labelNames: ['label'], registers: [registry] });
    expect(() => createAsyncMetrics(registry, { logger: silentLogger })).toThrow(/async_drain_duration_seconds/);
  });

  it('refuses something that is not a registry', () => {
    expect(() => createAsyncMetrics({} as Registry)).toThrow(TypeError);
  });

  it('records drains and gathers in seconds', async () => {
    const registry = new Registry();
    const metrics = createAsyncMetrics(registry, { logger: silentLogger });
    metrics.recordDrain('pusher', 0.25, true);
    metrics.recordGather('webhooks', 1.5, 3);
    expect(await metricValue(registry, 'async_drain_timeout_total', { label: 'pusher' })).toBe(1);
    expect(await metricValue(registry, 'async_drain_duration_seconds', { label: 'pusher' }, 'async_drain_duration_seconds_sum')).toBe(0.25);
    expect(await metricValue(registry, 'async_gather_failures_total', { label: 'webhooks' })).toBe(3);
    expect(await metricValue(registry, 'async_gather_duration_seconds', { label: 'webhooks' }, 'async_gather_duration_seconds_sum')).toBe(1.5);
  });

  it('without a metrics option, registers nothing until used, then uses prom-client’s default registry (rebuilt after clear)', async () => {
    defaultRegistry.clear();
    expect(defaultRegistry.getSingleMetric('async_drain_duration_seconds')).toBeUndefined();
    await drainTasks([], { label: 'default-registry', timeoutMs: 10, logger: silentLogger });
    expect(await metricValue(defaultRegistry, 'async_drain_duration_seconds', { label: 'default-registry' }, 'async_drain_duration_seconds_count')).toBe(1);
    defaultRegistry.clear();
    await drainTasks([], { label: 'default-registry', timeoutMs: 10, logger: silentLogger });
    expect(await metricValue(defaultRegistry, 'async_drain_duration_seconds', { label: 'default-registry' }, 'async_drain_duration_seconds_count')).toBe(1);
  });
});

describe('recording never breaks the observed code', () => {
  it('survives a hand-written AsyncMetrics that throws, logging it', async () => {
    const { logger, entries } = captureLogger();
    const broken = {
      registry: new Registry(),
      recordSupervisorExit() {
        throw new Error('exporter down');
      },
      recordDrain() {
        throw new Error('exporter down');
      },
      recordGather() {
        throw new Error('exporter down');
      },
    };
    const connection = new AbortController();
    const exiting = superviseTasks([], { label: 'x', signal: connection.signal, metrics: broken, logger });
    connection.abort();
    await expect(exiting).resolves.toEqual({ reason: 'disconnect' });
    await expect(drainTasks([], { label: 'x', timeoutMs: 1, metrics: broken, logger })).resolves.toMatchObject({ completed: 0 });
    await expect(gatherWithLogging([() => Promise.resolve(1)], { label: 'x', metrics: broken, logger })).resolves.toHaveLength(1);
    expect(entries.filter((entry) => entry.msg === 'ghostguard metrics could not be recorded')).toHaveLength(3);
  });
});

describe('label guard', () => {
  it.each([
    ['pusher', false],
    ['listen_speaker_final', false],
    ['pusher:bg', false],
    ['listen:v2', false],
    ['http/2', false],
    ['user-1234', true],
    ['ws:42', true],
    ['ws:user_42', true],
    ['api/users/17', true],
    ['item/5f3a', true],
    ['550e8400-e29b-41d4-a716-446655440000', true],
    ['conv-507f1f77bcf86cd799439011', true],
    ['x'.repeat(65), true],
    ['x'.repeat(64), false],
  ])('isDynamicLabel(%j) is %s', (label, dynamic) => {
    expect(isDynamicLabel(label)).toBe(dynamic);
  });

  it('records dynamic-looking labels as __dynamic__, logging once per metric', async () => {
    const registry = new Registry();
    const { logger, entries } = captureLogger();
    const metrics = createAsyncMetrics(registry, { logger });
    metrics.recordDrain('pusher:1234', 0.1, true);
    metrics.recordDrain('pusher:5678', 0.1, true);
    metrics.recordGather('conn/abcdef123456', 0.1, 1);
    expect(await seriesOf(registry, 'async_drain_timeout_total')).toEqual([{ labels: { label: DYNAMIC_LABEL }, value: 2 }]);
    expect(await seriesOf(registry, 'async_gather_failures_total')).toEqual([{ labels: { label: DYNAMIC_LABEL }, value: 1 }]);
    const dynamicLogs = entries.filter((entry) => entry.msg?.includes(DYNAMIC_LABEL));
    // One per metric: drain duration, drain timeout, gather duration, gather failures.
    expect(dynamicLogs.map((entry) => entry.obj.metric).sort()).toEqual([
      'async_drain_duration_seconds', 'async_drain_timeout_total', 'async_gather_duration_seconds', 'async_gather_failures_total',
    ]);
  });

  it('sends labels past the 100th distinct one to __overflow__, logging once', async () => {
    const registry = new Registry();
    const { logger, entries } = captureLogger();
    const metrics = createAsyncMetrics(registry, { logger });
    const names = Array.from({ length: 130 }, (_, i) => `handler_${String.fromCharCode(97 + (i % 26))}_${String.fromCharCode(97 + Math.floor(i / 26))}`);
    for (const name of names) metrics.recordSupervisorExit(name, 'disconnect');
    const series = await seriesOf(registry, 'async_supervisor_exit_total');
    expect(series).toHaveLength(101);
    expect(series.find((entry) => entry.labels.label === OVERFLOW_LABEL)?.value).toBe(30);
    expect(entries.filter((entry) => entry.msg?.includes(OVERFLOW_LABEL))).toHaveLength(1);
    // A label admitted before the limit keeps its own series.
    metrics.recordSupervisorExit(names[0] ?? '', 'crash');
    expect(await metricValue(registry, 'async_supervisor_exit_total', { label: names[0] ?? '', reason: 'crash' })).toBe(1);
  });

  it('shares the budget between instances on one registry', async () => {
    const registry = new Registry();
    const first = createAsyncMetrics(registry, { logger: silentLogger });
    const second = createAsyncMetrics(registry, { logger: silentLogger });
    for (let i = 0; i < 100; i += 1) first.recordDrain(`drain_${i.toString(36)}_x`, 0, true);
    second.recordDrain('one_more', 0, true);
    expect(await metricValue(registry, 'async_drain_timeout_total', { label: OVERFLOW_LABEL })).toBe(1);
  });

  it('holds 10 000 hostile labels to at most 102 series per metric with flat memory, never throwing', async () => {
    const registry = new Registry();
    const { logger, entries } = captureLogger();
    const metrics = createAsyncMetrics(registry, { logger });
    const hostile = (i: number): string => {
      switch (i % 5) {
        case 0: return `user:${i}`; // id after a colon
        case 1: return crypto.randomUUID();
        case 2: return `static_name_${'abcdefghij'[i % 10]}${'klmnopqrst'[Math.floor(i / 10) % 10]}${'uvwxyzabcd'[Math.floor(i / 100) % 10]}`;
        case 3: return 'y'.repeat(70 + (i % 50));
        default: return `${i}`.padStart(6, '0');
      }
    };
    const heapBefore = heapAfterGc();
    for (let i = 0; i < 10_000; i += 1) {
      metrics.recordDrain(hostile(i), 0.01, true);
      metrics.recordGather(hostile(i), 0.01, 1);
      metrics.recordSupervisorExit(hostile(i), 'disconnect');
    }
    const heapGrowth = heapAfterGc() - heapBefore;
    for (const name of ['async_drain_timeout_total', 'async_gather_failures_total', 'async_supervisor_exit_total']) {
      const labels = new Set((await seriesOf(registry, name)).map((entry) => entry.labels.label));
      expect(labels.size).toBeLessThanOrEqual(102);
      expect(labels.has(DYNAMIC_LABEL)).toBe(true);
      expect(labels.has(OVERFLOW_LABEL)).toBe(true);
    }
    const histogramLabels = new Set((await seriesOf(registry, 'async_drain_duration_seconds')).map((entry) => entry.labels.label));
    expect(histogramLabels.size).toBeLessThanOrEqual(102);
    // 5 metrics × (dynamic + overflow) warnings, nothing per call.
    expect(entries).toHaveLength(10);
    // 10 000 unbounded series would cost megabytes; the bounded ones stay well under 2 MB.
    expect(heapGrowth).toBeLessThan(2 * 1024 * 1024);
  });

  it('never throws on a non-string label', () => {
    const metrics = createAsyncMetrics(new Registry(), { logger: silentLogger });
    expect(() => metrics.recordDrain(undefined as unknown as string, 0, false)).not.toThrow();
    expect(() => metrics.recordGather({} as unknown as string, 0, 1)).not.toThrow();
  });
});
