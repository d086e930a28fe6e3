/**
 * The bug class itself: what the old pattern leaks, and proof the primitives leave nothing behind
 * (abort listeners, timers, heap) however many times they run on one long-lived signal.
 */
import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createNamedTask, drainTasks, sleepUntilShutdown, superviseSession } from '../src/index.js';
import { abortListenerCount, activeTimeouts, collectGarbage, expectTimersBackTo, freshMetrics, heapAfterGc, silentLogger, untilAborted } from './runtime-support.js';

/** Stands in for I/O that never answers (a stuck upload): the event loop holds its resolver forever. */
const pendingIo = new Set<() => void>();
function stuckUpload(): Promise<void> {
  return new Promise((resolve) => pendingIo.add(resolve));
}

function connectionGauge(): Gauge {
  return new Gauge({ name: 'ws_connections', help: 'open connections', registers: [new Registry()] });
}

async function gaugeValue(gauge: Gauge): Promise<number> {
  return (await gauge.get()).values[0]?.value ?? 0;
}

async function settleTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('the ghost-connection bug', () => {
  it('the old Promise.all pattern never reaches finally with a hung task; superviseSession does', async () => {
    const oldGauge = connectionGauge();
    const oldConnection = new AbortController();
    let oldFinallyRan = false;
    let oldPayload: WeakRef<object> | undefined;
    void (async () => {
      const buffers = { audio: new Uint8Array(1_000_000) }; // what a ghost connection holds (~15 MB in production)
      oldPayload = new WeakRef(buffers);
      oldGauge.inc();
      try {
        await Promise.all([
          untilAborted(oldConnection.signal).catch(() => buffers.audio.length), // receive loop ends on disconnect
          stuckUpload(),
        ]);
      } finally {
        oldFinallyRan = true;
        oldGauge.dec();
      }
    })();

    const newGauge = connectionGauge();
    const newConnection = new AbortController();
    let newPayload: WeakRef<object> | undefined;
    const { metrics } = freshMetrics();
    const session = superviseSession(
      { label: 'pusher', signal: newConnection.signal, gauge: newGauge, drainTimeoutMs: 20, forceTimeoutMs: 20, metrics, logger: silentLogger },
      (s) => {
        const buffers = { audio: new Uint8Array(1_000_000) };
        newPayload = new WeakRef(buffers);
        s.lifetime('receive', () => untilAborted(s.signal).catch(() => buffers.audio.length));
        s.finite('upload', () => stuckUpload());
      },
    );

    await settleTurns(2);
    oldConnection.abort();
    newConnection.abort();
    const { drain } = await session;
    await settleTurns(5);

    expect(oldFinallyRan).toBe(false);
    expect(await gaugeValue(oldGauge)).toBe(1); // the ghost
    expect(await gaugeValue(newGauge)).toBe(0);
    expect(drain.stuck.map((task) => task.name)).toEqual(['upload']);

    collectGarbage();
    expect(oldPayload?.deref()).toBeDefined(); // still reachable through the pending Promise.all
    expect(newPayload?.deref()).toBeUndefined(); // released although the upload is still stuck
    for (const resolve of pendingIo) resolve();
    pendingIo.clear();
  });
});

describe('no leftovers on a long-lived signal', () => {
  it('leaves no abort listener and a flat heap after 100 000 sleeps and 10 000 drains on one root signal', async () => {
    const root = new AbortController();
    const { metrics } = freshMetrics();
    let peakListeners = 0;
    const sleepBatches = async (batches: number): Promise<void> => {
      for (let batch = 0; batch < batches; batch += 1) {
        const sleeps = Array.from({ length: 10_000 }, () => sleepUntilShutdown(root.signal, 1));
        peakListeners = Math.max(peakListeners, abortListenerCount(root.signal));
        const results = await Promise.all(sleeps);
        expect(results.every((woke) => !woke)).toBe(true);
      }
    };
    await sleepBatches(1); // warm-up, so the measurement sees steady state
    const heapBefore = heapAfterGc();
    await sleepBatches(10);
    expect(heapAfterGc() - heapBefore).toBeLessThan(1024 * 1024);
    expect(peakListeners).toBe(1); // one shared listener while sleeps wait
    expect(abortListenerCount(root.signal)).toBe(0);

    for (let i = 0; i < 10_000; i += 1) {
      const task = createNamedTask('poller', (signal) => untilAborted(signal), { signal: root.signal, logger: silentLogger });
      if (i === 0) expect(abortListenerCount(root.signal)).toBe(1);
      const report = await drainTasks([task], { label: 'root', timeoutMs: 1_000, metrics, logger: silentLogger });
      expect(report.cancelled).toBe(1);
    }
    expect(abortListenerCount(root.signal)).toBe(0);
  });

  it('leaves no active timer after drains and aborted sleeps', async () => {
    const { metrics } = freshMetrics();
    const timersBefore = activeTimeouts();
    for (let i = 0; i < 200; i += 1) {
      const shutdown = new AbortController();
      const sleeping = sleepUntilShutdown(shutdown.signal, 3_600_000);
      const task = createNamedTask('worker', (signal) => untilAborted(signal), { logger: silentLogger });
      const draining = drainTasks([task], { label: 'timers', timeoutMs: 3_600_000, cancel: i % 2 === 0, forceTimeoutMs: 3_600_000, metrics, logger: silentLogger });
      if (i % 2 === 1) task.abort(); // a cancel: false drain whose task finishes on its own
      shutdown.abort();
      await sleeping;
      await draining;
    }
    await expectTimersBackTo(timersBefore);
  });

  it('keeps supervision flat however many finite tasks come and go, and sessions torn down leave nothing', async () => {
    const { metrics } = freshMetrics();
    const root = new AbortController();
    const runFiniteTasks = async (count: number): Promise<void> => {
      const connection = new AbortController();
      const session = superviseSession({ label: 'flat', signal: connection.signal, metrics, logger: silentLogger }, async (s) => {
        for (let i = 0; i < count; i += 1) await s.finite('sample', () => Promise.resolve(i)).promise;
      });
      await settleTurns(1);
      connection.abort();
      await session;
    };
    const runSessions = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i += 1) {
        const connection = new AbortController();
        const forward = (): void => connection.abort();
        root.signal.addEventListener('abort', forward, { once: true });
        const session = superviseSession({ label: 'flat', signal: connection.signal, drainTimeoutMs: 1_000, metrics, logger: silentLogger }, (s) => {
          s.lifetime('receive', () => untilAborted(s.signal));
          s.finite('heartbeat', async () => {
            while (!(await sleepUntilShutdown(s.signal, 60_000))) { /* ping */ }
          });
        });
        connection.abort();
        await session;
        root.signal.removeEventListener('abort', forward);
      }
    };
    await runFiniteTasks(1_000);
    await runSessions(200);
    const before = heapAfterGc();
    await runFiniteTasks(20_000);
    await runSessions(2_000);
    const growth = heapAfterGc() - before;
    // A leak of even 100 bytes per finite task or 1 KB per session would exceed this.
    expect(growth).toBeLessThan(1.5 * 1024 * 1024);
    expect(abortListenerCount(root.signal)).toBe(0);
  });
});
