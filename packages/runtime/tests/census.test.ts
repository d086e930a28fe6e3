import { afterEach, describe, expect, it } from 'vitest';
import { censusMembers } from '../src/census.js';
import { inspectSessions, sleepUntilShutdown, superviseSession, type SessionResult } from '../src/index.js';
import { collectGarbage, deferred, freshMetrics, hangsForever, heapAfterGc, nextTurn, silentLogger, untilAborted } from './runtime-support.js';

/** Every test leaves the census empty; a test that fails midway must not poison the next one. */
afterEach(async () => {
  await expect.poll(() => censusMembers().size, { timeout: 2_000, interval: 10 }).toBe(0);
});

describe('inspectSessions', () => {
  it('lists a running session with its tasks, as plain JSON data', async () => {
    const { metrics } = freshMetrics();
    const connection = new AbortController();
    const running = superviseSession({ label: 'pusher', signal: connection.signal, metrics, logger: silentLogger, drainTimeoutMs: 0 }, (session) => {
      session.lifetime('receive', () => untilAborted(session.signal));
      session.finite('upload', (signal) => untilAborted(signal));
    });
    await nextTurn();

    const census = inspectSessions();
    expect(JSON.parse(JSON.stringify(census))).toEqual(census);
    expect(census.total).toBe(1);
    expect(census.byState).toEqual({ running: 1, draining: 0, 'aborted-and-waiting': 0, stuck: 0 });
    expect(census.oldestDrainingMs).toBeNull();
    expect(census.tasksByName).toEqual([{ name: 'receive', count: 1 }, { name: 'upload', count: 1 }]);
    const [session] = census.sessions;
    expect(session).toMatchObject({ label: 'pusher', state: 'running', sinceDisconnectMs: null, sinceTeardownMs: null, exitReason: null });
    expect(session?.ageMs).toBeGreaterThanOrEqual(0);
    expect(session?.tasks.map(({ name, kind, aborted }) => ({ name, kind, aborted })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'receive', kind: 'lifetime', aborted: false },
      { name: 'upload', kind: 'finite', aborted: false },
    ]);

    connection.abort();
    await running;
    expect(inspectSessions().total).toBe(0);
  });

  it('shows a disconnected session draining, then aborted-and-waiting, with its tasks\' signals', async () => {
    const { metrics } = freshMetrics();
    const connection = new AbortController();
    const flush = deferred();
    const running = superviseSession(
      { label: 'listen', signal: connection.signal, metrics, logger: silentLogger, drainTimeoutMs: 60_000, forceTimeoutMs: 60_000 },
      (session) => {
        session.lifetime('flush', async (signal) => {
          await untilAborted(session.signal).catch(() => undefined);
          await Promise.race([flush.promise, untilAborted(signal)]); // in-flight work after the disconnect
        });
      },
    );
    await nextTurn();
    connection.abort();
    await nextTurn();

    let census = inspectSessions();
    expect(census.byState.draining).toBe(1);
    expect(census.sessions[0]).toMatchObject({ state: 'draining', exitReason: 'disconnect' });
    expect(census.sessions[0]?.sinceDisconnectMs).toBeGreaterThanOrEqual(0);
    expect(census.sessions[0]?.sinceTeardownMs).toBeGreaterThanOrEqual(0);
    expect(census.oldestDrainingMs).toBeGreaterThanOrEqual(0);
    expect(census.sessions[0]?.tasks).toMatchObject([{ name: 'flush', aborted: false }]);

    flush.resolve();
    const { drain } = await running;
    expect(drain.completed).toBe(1);
    census = inspectSessions();
    expect(census.total).toBe(0);
  });

  it('reports aborted-and-waiting once the grace period is over', async () => {
    const { metrics } = freshMetrics();
    const connection = new AbortController();
    const release = deferred();
    const running = superviseSession(
      { label: 'listen', signal: connection.signal, metrics, logger: silentLogger, drainTimeoutMs: 0, forceTimeoutMs: 60_000 },
      (session) => {
        // Notices its abort but takes a while to stop: the session waits for it in the force period.
        session.lifetime('upload', async (signal) => {
          await untilAborted(signal).catch(() => undefined);
          await release.promise;
        });
      },
    );
    await nextTurn();
    connection.abort();
    await nextTurn();
    const census = inspectSessions();
    expect(census.sessions[0]).toMatchObject({ state: 'aborted-and-waiting', tasks: [{ name: 'upload', aborted: true }] });
    release.resolve();
    expect((await running).drain.cancelled).toBe(1);
  });

  it('keeps a session whose drain abandoned tasks as stuck until they settle, while its gauge is already down', async () => {
    const { metrics } = freshMetrics();
    const connection = new AbortController();
    const hung = deferred();
    const result: SessionResult = await (async () => {
      const running = superviseSession(
        { label: 'pusher', signal: connection.signal, metrics, logger: silentLogger, drainTimeoutMs: 0, forceTimeoutMs: 0 },
        (session) => {
          session.lifetime('receive', () => untilAborted(session.signal));
          session.finite('webhook', () => hung.promise); // ignores its signal
        },
      );
      await nextTurn();
      connection.abort();
      return running;
    })();
    expect(result.drain.stuck.map((task) => task.name)).toEqual(['webhook']);

    const census = inspectSessions();
    expect(census.byState).toEqual({ running: 0, draining: 0, 'aborted-and-waiting': 0, stuck: 1 });
    expect(census.sessions[0]).toMatchObject({ label: 'pusher', state: 'stuck', exitReason: 'disconnect', tasks: [{ name: 'webhook', aborted: true }] });
    expect(census.tasksByName).toEqual([{ name: 'webhook', count: 1 }]);

    hung.resolve();
    await nextTurn();
    expect(inspectSessions().total).toBe(0);
  });

  it('forgets a stuck session once its abandoned task is garbage-collected, so the census keeps no ghost alive', async () => {
    // In a function of its own: nothing of the session (its result holds the task in `drain.stuck`) stays in scope.
    const stuckCount = async (): Promise<number> => {
      const { metrics } = freshMetrics();
      const connection = new AbortController();
      const running = superviseSession(
        { label: 'pusher', signal: connection.signal, metrics, logger: silentLogger, drainTimeoutMs: 0, forceTimeoutMs: 0 },
        (session) => {
          session.lifetime('receive', () => untilAborted(session.signal));
          session.finite('orphan', () => hangsForever()); // nothing can ever settle it: collectable
        },
      );
      await nextTurn();
      connection.abort();
      return (await running).drain.stuck.length;
    };
    expect(await stuckCount()).toBe(1);
    expect(inspectSessions().byState.stuck).toBe(1);
    await expect
      .poll(async () => {
        collectGarbage();
        await nextTurn();
        return censusMembers().size;
      }, { timeout: 5_000, interval: 20 })
      .toBe(0);
  });

  it('filters by label and state and limits the list to the oldest sessions', async () => {
    const { metrics } = freshMetrics();
    const connections = [new AbortController(), new AbortController(), new AbortController()];
    const labels = ['a', 'b', 'b'];
    const runs = connections.map((connection, index) =>
      superviseSession({ label: labels[index] ?? 'a', signal: connection.signal, metrics, logger: silentLogger }, (session) => {
        session.lifetime('receive', () => untilAborted(session.signal));
      }),
    );
    await nextTurn();
    expect(inspectSessions({ label: 'b' }).total).toBe(2);
    expect(inspectSessions({ states: ['draining'] }).total).toBe(0);
    const limited = inspectSessions({ limit: 1 });
    expect(limited.total).toBe(3);
    expect(limited.sessions).toHaveLength(1);
    expect(limited.sessions[0]?.ageMs).toBe(limited.oldestAgeMs);
    for (const connection of connections) connection.abort();
    await Promise.all(runs);
  });

  it('rejects bad options with a clear error', () => {
    expect(() => inspectSessions({ limit: 0 })).toThrow(RangeError);
    expect(() => inspectSessions({ states: ['gone' as never] })).toThrow(/options\.states/);
    expect(() => inspectSessions({ label: 42 as never })).toThrow(TypeError);
    expect(() => inspectSessions('x' as never)).toThrow(TypeError);
  });

  it('retains nothing after sessions end, on every exit path', async () => {
    const { metrics } = freshMetrics();
    const round = async (count: number): Promise<void> => {
      const runs: Array<Promise<SessionResult>> = [];
      for (let i = 0; i < count; i++) {
        const connection = new AbortController();
        const path = i % 4;
        runs.push(
          superviseSession({ label: 'churn', signal: connection.signal, metrics, logger: silentLogger, drainTimeoutMs: 0, forceTimeoutMs: 0 }, (session) => {
            session.lifetime('receive', async () => {
              if (path === 1) return; // lifetime_done
              if (path === 2) throw new Error('boom'); // crash
              await untilAborted(session.signal);
            });
            session.finite('heartbeat', async () => {
              while (!(await sleepUntilShutdown(session.signal, 60_000))) { /* ping */ }
            });
            if (path === 3) throw new Error('setup failed');
          }),
        );
        if (path === 0) queueMicrotask(() => connection.abort());
      }
      await Promise.all(runs);
    };
    await round(200); // warm-up: JIT, metric series
    const before = heapAfterGc();
    for (let i = 0; i < 5; i++) await round(1_000);
    await nextTurn();
    expect(censusMembers().size).toBe(0);
    expect(inspectSessions().total).toBe(0);
    const after = heapAfterGc();
    // 5 000 sessions; one retained session would be ≥ 1 KB each, i.e. megabytes.
    expect(after - before).toBeLessThan(1024 * 1024);
  });
});
