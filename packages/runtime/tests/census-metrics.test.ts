import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { censusMembers } from '../src/census.js';
import { createAsyncMetrics, DYNAMIC_LABEL, superviseSession, type SessionResult } from '../src/index.js';
import { deferred, freshMetrics, metricValue, nextTurn, seriesOf, silentLogger, untilAborted } from './runtime-support.js';

afterEach(async () => {
  await expect.poll(() => censusMembers().size, { timeout: 2_000, interval: 10 }).toBe(0);
});

describe('census metrics (collected at scrape time)', () => {
  it('counts sessions by label and state, the oldest drain and stuck tasks by name, and falls back to 0', async () => {
    const { registry, metrics } = freshMetrics();
    const connections = [new AbortController(), new AbortController(), new AbortController()];
    const hung = deferred();
    const runs: Array<Promise<SessionResult>> = [];
    // Two running "pusher" sessions, one "listen" session that will end with a stuck webhook.
    for (const [index, connection] of connections.entries()) {
      runs.push(
        superviseSession(
          { label: index === 2 ? 'listen' : 'pusher', signal: connection.signal, metrics, logger: silentLogger, drainTimeoutMs: 0, forceTimeoutMs: 0 },
          (session) => {
            session.lifetime('receive', () => untilAborted(session.signal));
            if (index === 2) session.finite('webhook', () => hung.promise);
          },
        ),
      );
    }
    await nextTurn();
    expect(await metricValue(registry, 'async_sessions', { label: 'pusher', state: 'running' })).toBe(2);
    expect(await metricValue(registry, 'async_sessions', { label: 'listen', state: 'running' })).toBe(1);
    expect(await metricValue(registry, 'async_session_oldest_draining_seconds', { label: 'pusher' })).toBe(0);

    connections[2]?.abort();
    await runs[2];
    expect(await metricValue(registry, 'async_sessions', { label: 'listen', state: 'stuck' })).toBe(1);
    expect(await metricValue(registry, 'async_stuck_tasks', { label: 'listen', task: 'webhook' })).toBe(1);

    hung.resolve();
    for (const connection of connections) connection.abort();
    await Promise.all(runs);
    await nextTurn();
    const sessions = await seriesOf(registry, 'async_sessions');
    expect(sessions.length).toBe(8); // 2 labels × 4 states, all kept
    expect(sessions.every((series) => series.value === 0)).toBe(true);
    expect(await metricValue(registry, 'async_stuck_tasks', { label: 'listen', task: 'webhook' })).toBe(0);
  });

  it('reports how long the oldest session has been draining', async () => {
    const { registry, metrics } = freshMetrics();
    const connection = new AbortController();
    const flush = deferred();
    const running = superviseSession(
      { label: 'pusher', signal: connection.signal, metrics, logger: silentLogger, drainTimeoutMs: 60_000 },
      (session) => {
        session.lifetime('flush', async () => {
          await untilAborted(session.signal).catch(() => undefined);
          await flush.promise;
        });
      },
    );
    await nextTurn();
    connection.abort();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await metricValue(registry, 'async_sessions', { label: 'pusher', state: 'draining' })).toBe(1);
    expect(await metricValue(registry, 'async_session_oldest_draining_seconds', { label: 'pusher' })).toBeGreaterThan(0.01);
    flush.resolve();
    await running;
    expect(await metricValue(registry, 'async_session_oldest_draining_seconds', { label: 'pusher' })).toBe(0);
  });

  it('counts a session only on the registry of its own metrics, once however many instances share it', async () => {
    const { registry, metrics } = freshMetrics();
    createAsyncMetrics(registry, { logger: silentLogger }); // a second instance on the same registry
    const other = freshMetrics();
    const connection = new AbortController();
    const running = superviseSession({ label: 'pusher', signal: connection.signal, metrics, logger: silentLogger }, (session) => {
      session.lifetime('receive', () => untilAborted(session.signal));
    });
    await nextTurn();
    expect(await metricValue(registry, 'async_sessions', { label: 'pusher', state: 'running' })).toBe(1);
    expect(await seriesOf(other.registry, 'async_sessions')).toEqual([]);
    connection.abort();
    await running;
  });

  it('passes session labels and task names through the label guard', async () => {
    const registry = new Registry();
    const metrics = createAsyncMetrics(registry, { logger: silentLogger });
    const connection = new AbortController();
    const hung = deferred();
    const running = superviseSession(
      { label: 'user:12345', signal: connection.signal, metrics, logger: silentLogger, drainTimeoutMs: 0, forceTimeoutMs: 0 },
      (session) => {
        session.lifetime('receive', () => untilAborted(session.signal));
        session.finite('upload-5f3a9c2e7b1d4e6f', () => hung.promise);
      },
    );
    await nextTurn();
    connection.abort();
    await running;
    expect(await metricValue(registry, 'async_sessions', { label: DYNAMIC_LABEL, state: 'stuck' })).toBe(1);
    expect(await metricValue(registry, 'async_stuck_tasks', { label: DYNAMIC_LABEL, task: DYNAMIC_LABEL })).toBe(1);
    hung.resolve();
  });
});
