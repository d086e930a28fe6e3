import { Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sleepUntilShutdown, superviseSession, type SessionResult, type Task } from '../src/index.js';
import { abortListenerCount, captureLogger, deferred, freshMetrics, hangsForever, metricValue, silentLogger, untilAborted } from './runtime-support.js';

function connectionGauge(): Gauge {
  return new Gauge({ name: 'ws_connections', help: 'open connections', registers: [new Registry()] });
}

async function gaugeValue(gauge: Gauge): Promise<number> {
  return (await gauge.get()).values[0]?.value ?? 0;
}

describe('superviseSession', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('increments the gauge during the session and brings it back to 0 after a normal end', async () => {
    const { metrics, registry } = freshMetrics();
    const gauge = connectionGauge();
    const connection = new AbortController();
    const receiveDone = deferred();
    let gaugeDuringSetup = -1;
    const running = superviseSession({ label: 'pusher', signal: connection.signal, gauge, metrics, logger: silentLogger }, async (session) => {
      gaugeDuringSetup = await gaugeValue(gauge);
      session.lifetime('receive', () => receiveDone.promise);
      session.lifetime('heartbeat', async () => {
        while (!(await sleepUntilShutdown(session.signal, 60_000))) { /* ping */ }
      });
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(gaugeDuringSetup).toBe(1);
    receiveDone.resolve();
    const { exit, drain } = await running;
    expect(exit.reason).toBe('lifetime_done');
    expect(exit.task?.name).toBe('receive');
    // Only the heartbeat was still running: it woke on session.signal and finished in the grace period.
    expect(drain).toMatchObject({ completed: 1, cancelled: 0, stuck: [], timedOut: false });
    expect(await gaugeValue(gauge)).toBe(0);
    expect(abortListenerCount(connection.signal)).toBe(0);
    expect(await metricValue(registry, 'async_supervisor_exit_total', { label: 'pusher', reason: 'lifetime_done' })).toBe(1);
  });

  it('on disconnect aborts session.signal at once and gives tasks a grace period before their own abort', async () => {
    const { metrics } = freshMetrics();
    const gauge = connectionGauge();
    const connection = new AbortController();
    const finalFlush = deferred();
    let taskSignal: AbortSignal | undefined;
    let sessionSignal: AbortSignal | undefined;
    const running = superviseSession({ label: 'listen', signal: connection.signal, gauge, metrics, logger: silentLogger }, (session) => {
      sessionSignal = session.signal;
      session.lifetime('process-transcripts', async (signal) => {
        taskSignal = signal;
        await untilAborted(session.signal).catch(() => undefined);
        await finalFlush.promise; // in-flight work after the shutdown notice
      });
    });
    await new Promise((resolve) => setImmediate(resolve));
    connection.abort(new Error('client went away'));
    expect(sessionSignal?.aborted).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(taskSignal?.aborted).toBe(false);
    finalFlush.resolve();
    const result = await running;
    expect(result.exit).toEqual({ reason: 'disconnect' });
    expect(result.drain).toMatchObject({ completed: 1, cancelled: 0, stuck: [] });
    expect(await gaugeValue(gauge)).toBe(0);
  });

  it('a throw in setup is a crash exit; tasks already started are drained and the gauge returns to 0', async () => {
    const { metrics, registry } = freshMetrics();
    const { logger, entries } = captureLogger();
    const gauge = connectionGauge();
    const failure = new Error('unsupported language');
    let started: Task | undefined;
    const result = await superviseSession({ label: 'listen', signal: new AbortController().signal, gauge, metrics, logger }, (session) => {
      started = session.lifetime('heartbeat', () => untilAborted(session.signal));
      throw failure;
    });
    expect(result.exit.reason).toBe('crash');
    expect(result.exit.error).toBe(failure);
    expect(result.exit.task?.name).toBe('setup');
    expect(started?.settled).toBe(true);
    expect(result.drain).toMatchObject({ completed: 1, cancelled: 0, stuck: [] });
    expect(await gaugeValue(gauge)).toBe(0);
    expect(entries).toContainEqual({ level: 'error', obj: { task: 'setup', err: failure }, msg: 'task failed' });
    expect(await metricValue(registry, 'async_supervisor_exit_total', { label: 'listen', reason: 'crash' })).toBe(1);
  });

  it('an async rejection in setup is a crash exit too', async () => {
    const { metrics } = freshMetrics();
    const gauge = connectionGauge();
    const result = await superviseSession({ label: 'listen', signal: new AbortController().signal, gauge, metrics, logger: silentLogger }, async () => {
      await Promise.resolve();
      throw new Error('auth failed');
    });
    expect(result.exit).toMatchObject({ reason: 'crash', error: new Error('auth failed') });
    expect(await gaugeValue(gauge)).toBe(0);
  });

  it('a setup that returns early without lifetime tasks lasts until the signal aborts', async () => {
    const { metrics } = freshMetrics();
    const gauge = connectionGauge();
    const connection = new AbortController();
    let ended = false;
    const running = superviseSession({ label: 'pusher', signal: connection.signal, gauge, metrics, logger: silentLogger }, () => {
      // e.g. `if (!user) return;` after registering message listeners
    }).then((result) => {
      ended = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(ended).toBe(false);
    expect(await gaugeValue(gauge)).toBe(1);
    connection.abort();
    const result = await running;
    expect(result.exit.reason).toBe('disconnect');
    expect(await gaugeValue(gauge)).toBe(0);
  });

  it('with a task that never settles, still ends within drain + force timeouts, reporting it stuck once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { metrics } = freshMetrics();
    const { logger, entries } = captureLogger();
    const gauge = connectionGauge();
    const connection = new AbortController();
    const onStuck = vi.fn();
    let result: SessionResult | undefined;
    void superviseSession({ label: 'pusher', signal: connection.signal, gauge, metrics, logger, drainTimeoutMs: 100, forceTimeoutMs: 50, onStuck }, (session) => {
      session.lifetime('receive', untilAborted);
      session.finite('gcs-upload', hangsForever);
    }).then((value) => {
      result = value;
    });
    await vi.advanceTimersByTimeAsync(0);
    connection.abort();
    await vi.advanceTimersByTimeAsync(149);
    expect(result).toBeUndefined();
    expect(await gaugeValue(gauge)).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(result?.exit.reason).toBe('disconnect');
    expect(result?.drain.stuck.map((task) => task.name)).toEqual(['gcs-upload']);
    // `receive` honoured only its own signal: aborted after the grace period, then settled.
    expect(result?.drain).toMatchObject({ completed: 0, cancelled: 1, timedOut: true });
    expect(onStuck).toHaveBeenCalledTimes(1);
    expect(entries).toContainEqual(expect.objectContaining({ obj: { label: 'pusher', stuck: ['gcs-upload'] } }));
    expect(await gaugeValue(gauge)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a crash in a background task ends the session', async () => {
    const { metrics } = freshMetrics();
    const gauge = connectionGauge();
    const failure = new Error('webhook crashed');
    const result = await superviseSession({ label: 'pusher', signal: new AbortController().signal, gauge, metrics, logger: silentLogger }, (session) => {
      session.lifetime('receive', () => untilAborted(session.signal));
      session.finite('webhook', () => Promise.reject(failure));
    });
    expect(result.exit).toMatchObject({ reason: 'crash', error: failure });
    expect(result.exit.task?.name).toBe('webhook');
    expect(await gaugeValue(gauge)).toBe(0);
  });

  it('does not end when finite tasks finish, and keeps no trace of them', async () => {
    const { metrics } = freshMetrics();
    const connection = new AbortController();
    let finished = 0;
    let exited = false;
    const running = superviseSession({ label: 'pusher', signal: connection.signal, metrics, logger: silentLogger }, async (session) => {
      for (let i = 0; i < 50; i += 1) {
        await session.finite(`sample-${i}`, () => Promise.resolve()).promise;
        finished += 1;
      }
    }).then((result) => {
      exited = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(finished).toBe(50);
    expect(exited).toBe(false);
    connection.abort();
    expect((await running).drain).toMatchObject({ completed: 0, stuck: [] });
  });

  it('refuses tasks started after teardown began: their body never runs', async () => {
    const { metrics } = freshMetrics();
    const { logger, entries } = captureLogger();
    const connection = new AbortController();
    let late: Task | undefined;
    const body = vi.fn(() => Promise.resolve());
    const running = superviseSession({ label: 'pusher', signal: connection.signal, metrics, logger }, (session) => {
      session.lifetime('receive', async () => {
        await untilAborted(session.signal).catch(() => undefined);
        await new Promise((resolve) => setImmediate(resolve));
        late = session.finite('late', body);
      });
    });
    await new Promise((resolve) => setImmediate(resolve));
    connection.abort();
    await running;
    expect(body).not.toHaveBeenCalled();
    expect(late?.signal.aborted).toBe(true);
    await expect(late?.promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(entries).toContainEqual(expect.objectContaining({ level: 'warn', obj: { task: 'late' } }));
  });

  it('starts with an already aborted signal: disconnect at once, gauge back to 0', async () => {
    const { metrics } = freshMetrics();
    const gauge = connectionGauge();
    let setupRuns = 0;
    const result = await superviseSession({ label: 'pusher', signal: AbortSignal.abort(), gauge, metrics, logger: silentLogger }, (session) => {
      setupRuns += 1;
      expect(session.signal.aborted).toBe(true);
      session.lifetime('receive', () => untilAborted(session.signal));
    });
    expect(setupRuns).toBe(1);
    expect(result.exit.reason).toBe('disconnect');
    expect(result.drain).toMatchObject({ stuck: [], timedOut: false });
    expect(await gaugeValue(gauge)).toBe(0);
  });

  it('a synchronous setup is not a task: the drain sees only the tasks it started', async () => {
    const { metrics } = freshMetrics();
    const connection = new AbortController();
    const running = superviseSession({ label: 'pusher', signal: connection.signal, metrics, logger: silentLogger }, (session) => {
      session.lifetime('receive', async () => {
        await untilAborted(session.signal).catch(() => undefined);
        await new Promise((resolve) => setImmediate(resolve)); // a last flush, during the drain
      });
    });
    await new Promise((resolve) => setImmediate(resolve));
    connection.abort();
    const { exit, drain } = await running;
    expect(exit).toEqual({ reason: 'disconnect' });
    expect(drain).toMatchObject({ completed: 1, cancelled: 0, stuck: [], timedOut: false });
  });

  it('an async setup still running at teardown is drained as a task named "setup" and reported stuck if it never ends', async () => {
    const { metrics } = freshMetrics();
    const connection = new AbortController();
    const onStuck = vi.fn();
    const running = superviseSession({ label: 'pusher', signal: connection.signal, metrics, logger: silentLogger, drainTimeoutMs: 1, forceTimeoutMs: 1, onStuck },
      () => hangsForever());
    await new Promise((resolve) => setImmediate(resolve));
    connection.abort();
    const { exit, drain } = await running;
    expect(exit).toEqual({ reason: 'disconnect' });
    expect(drain.stuck.map((task) => task.name)).toEqual(['setup']);
    expect(onStuck).toHaveBeenCalledTimes(1);
  });

  it('an async setup that resolves does not end the session', async () => {
    const { metrics } = freshMetrics();
    const connection = new AbortController();
    let ended = false;
    const running = superviseSession({ label: 'pusher', signal: connection.signal, metrics, logger: silentLogger }, async () => {
      await Promise.resolve();
    }).then((result) => {
      ended = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(ended).toBe(false);
    connection.abort();
    expect((await running).drain).toMatchObject({ completed: 0, cancelled: 0, stuck: [] });
  });

  it('ends on disconnect even when an earlier abort listener stops the event\'s propagation', async () => {
    const { metrics } = freshMetrics();
    const gauge = connectionGauge();
    const connection = new AbortController();
    const blocker = (event: Event): void => event.stopImmediatePropagation();
    connection.signal.addEventListener('abort', blocker, { once: true });
    const running = superviseSession({ label: 'pusher', signal: connection.signal, gauge, metrics, logger: silentLogger }, (session) => {
      session.lifetime('receive', () => untilAborted(session.signal));
    });
    await new Promise((resolve) => setImmediate(resolve));
    connection.abort();
    expect((await running).exit).toEqual({ reason: 'disconnect' });
    expect(await gaugeValue(gauge)).toBe(0);
    expect(abortListenerCount(connection.signal)).toBe(0);
  });

  it('hands setup only the Session members: no supervisor internals reachable from plain JavaScript', async () => {
    const connection = new AbortController();
    let received: object | undefined;
    const running = superviseSession({ label: 'surface', signal: connection.signal, logger: silentLogger }, (session) => {
      received = session;
      session.lifetime('receive', () => untilAborted(session.signal));
    });
    const session = received as Record<string, unknown>;
    const members = new Set<string>();
    for (let proto: object | null = session; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
      for (const key of Object.getOwnPropertyNames(proto)) if (key !== 'constructor') members.add(key);
    }
    expect([...members].sort()).toEqual(['finite', 'lifetime', 'signal']);
    for (const internal of ['start', 'disconnect', 'taskSettled', 'offerSettlement', 'add', 'exited']) expect(session[internal]).toBeUndefined();
    expect(Object.prototype.toString.call(session)).toBe('[object Session]');
    expect(session.signal).toBeInstanceOf(AbortSignal);
    connection.abort();
    expect((await running).exit.reason).toBe('disconnect');
  });

  it('refuses bad input synchronously without touching the gauge', async () => {
    const gauge = connectionGauge();
    const signal = new AbortController().signal;
    expect(() => superviseSession({ label: 'x', signal: undefined as unknown as AbortSignal, gauge }, () => {})).toThrow(/options\.signal/);
    expect(() => superviseSession({ label: 'x', signal, gauge, drainTimeoutMs: Number.NaN }, () => {})).toThrow(RangeError);
    expect(() => superviseSession({ label: 'x', signal, gauge }, undefined as unknown as () => void)).toThrow(/setup/);
    expect(() => superviseSession({ label: 'x', signal, gauge: {} as Gauge }, () => {})).toThrow(/gauge/);
    expect(await gaugeValue(gauge)).toBe(0);
    expect(abortListenerCount(signal)).toBe(0);
  });
});
