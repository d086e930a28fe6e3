import { on } from 'node:events';
import { Gauge, Registry } from 'prom-client';
import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAsyncMetrics, DisconnectError, sleepUntilShutdown, superviseSession, watchWebSocket } from '../src/index.js';
import type { AsyncMetrics, Logger, Session, SessionResult, SuperviseSessionOptions, Task } from '../src/index.js';
import { abortOf, closeCodeOf, destroyTcp, startWsServer } from './ws-helpers.js';
import type { TestWsServer } from './ws-helpers.js';

/** A handler in the shape the package recommends: watch → superviseSession → dispose, close. */
type Setup = (session: Session, ws: WebSocket) => void | Promise<void>;

interface Served {
  result: Promise<SessionResult>;
  watchSignal: AbortSignal;
}

let server: TestWsServer;
let registry: Registry;
let gauge: Gauge;
let metrics: AsyncMetrics;
const logged: Array<{ level: 'warn' | 'error'; obj: object; msg?: string }> = [];
const logger: Logger = {
  warn: (obj, msg) => logged.push({ level: 'warn', obj, msg }),
  error: (obj, msg) => logged.push({ level: 'error', obj, msg }),
};
const cleanups: Array<() => void> = [];

beforeEach(async () => {
  server = await startWsServer();
  registry = new Registry();
  gauge = new Gauge({ name: 'ws_active_connections', help: 'Open WebSocket sessions', registers: [registry] });
  metrics = createAsyncMetrics(registry, { logger });
  logged.length = 0;
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server.close();
});

async function gaugeValue(): Promise<number> {
  return (await gauge.get()).values[0]?.value ?? 0;
}

/** Serves the next connection with superviseSession and returns its outcome. */
function serveNext(
  setup: Setup,
  options: Partial<SuperviseSessionOptions> & { heartbeatMs?: number; receiveTimeoutMs?: number } = {},
): Promise<Served> {
  const { heartbeatMs = 60_000, receiveTimeoutMs = 60_000, ...sessionOptions } = options;
  return server.nextConnection().then((ws) => {
    const watch = watchWebSocket(ws, { heartbeatMs, receiveTimeoutMs });
    const result = (async () => {
      try {
        return await superviseSession(
          { label: 'test_ws', signal: watch.signal, gauge, metrics, logger, ...sessionOptions },
          (session) => setup(session, ws),
        );
      } finally {
        watch.dispose();
        if (ws.readyState === WebSocket.OPEN) ws.close(1011, 'session ended');
      }
    })();
    return { result, watchSignal: watch.signal };
  });
}

/** The receive loop of a typical handler: echoes until the session's shutdown notice. */
async function echoLoop(session: Session, ws: WebSocket): Promise<void> {
  try {
    for await (const [data] of on(ws, 'message', { signal: session.signal })) ws.send(String(data));
  } catch (error) {
    if (!session.signal.aborted) throw error;
  }
}

/** A poller that only ever sleeps through sleepUntilShutdown, so it wakes on disconnect. */
async function heartbeatLoop(session: Session, ws: WebSocket): Promise<void> {
  while (!(await sleepUntilShutdown(session.signal, 25))) {
    if (ws.readyState === WebSocket.OPEN) ws.send('heartbeat');
  }
}

/** A task that never settles and ignores its signal, like a stuck upload; released after the test. */
function hungForever(): () => Promise<void> {
  let release: () => void = () => undefined;
  const hung = new Promise<void>((resolve) => (release = resolve));
  cleanups.push(() => release());
  return () => hung;
}

function typicalSetup(extra?: (session: Session) => void): Setup {
  return (session, ws) => {
    session.lifetime('receive', () => echoLoop(session, ws));
    session.lifetime('heartbeat', () => heartbeatLoop(session, ws));
    extra?.(session);
  };
}

describe('superviseSession + watchWebSocket on a real ws server', () => {
  it('counts the connection while it is open and returns the gauge to 0 after a normal close', async () => {
    const served = serveNext(typicalSetup());
    const client = await server.connect();
    const { result } = await served;
    expect(await gaugeValue()).toBe(1);
    client.send('ping?');
    await new Promise((resolve) => client.once('message', resolve));
    client.close(1000);
    const { exit, drain } = await result;
    expect(exit.reason).toBe('disconnect');
    expect(drain.stuck).toEqual([]);
    expect(drain.timedOut).toBe(false);
    expect(await gaugeValue()).toBe(0);
  });

  it('returns the gauge to 0 after an abrupt TCP destroy (no close frame)', async () => {
    const served = serveNext(typicalSetup());
    const client = await server.connect();
    const { result, watchSignal } = await served;
    expect(await gaugeValue()).toBe(1);
    destroyTcp(client);
    const { exit } = await result;
    expect(exit.reason).toBe('disconnect');
    expect((watchSignal.reason as DisconnectError).cause).toMatchObject({ code: 1006 });
    expect(await gaugeValue()).toBe(0);
  });

  it('returns the gauge to 0 for a half-open peer found by the heartbeat, and cuts it off', async () => {
    const served = serveNext(typicalSetup(), { heartbeatMs: 100 });
    const client = await server.connect({ autoPong: false });
    const { result, watchSignal } = await served;
    const clientClosed = closeCodeOf(client);
    expect((await result).exit.reason).toBe('disconnect');
    expect((watchSignal.reason as DisconnectError).code).toBe('heartbeat_timeout');
    expect(await clientClosed).toBe(1006);
    expect(await gaugeValue()).toBe(0);
  });

  it('returns the gauge to 0 after a throw in setup, draining what setup had started', async () => {
    const failure = new Error('auth lookup failed');
    const served = serveNext((session, ws) => {
      session.lifetime('heartbeat', () => heartbeatLoop(session, ws));
      throw failure;
    });
    const client = await server.connect();
    const clientClosed = closeCodeOf(client);
    const { exit, drain } = await (await served).result;
    expect(exit.reason).toBe('crash');
    expect(exit.task?.name).toBe('setup');
    expect(exit.error).toBe(failure);
    expect(drain.stuck).toEqual([]);
    expect(await clientClosed).toBe(1011);
    expect(await gaugeValue()).toBe(0);
  });

  it('returns the gauge to 0 with a background task that never settles, reporting it stuck once', async () => {
    const stuckReports: Task[][] = [];
    const served = serveNext(
      typicalSetup((session) => session.finite('upload', hungForever())),
      { drainTimeoutMs: 100, forceTimeoutMs: 100, onStuck: (stuck) => stuckReports.push(stuck) },
    );
    const client = await server.connect();
    const { result } = await served;
    client.close(1000);
    const { exit, drain } = await result;
    expect(exit.reason).toBe('disconnect');
    expect(drain.timedOut).toBe(true);
    expect(drain.stuck.map((task) => task.name)).toEqual(['upload']);
    expect(stuckReports).toHaveLength(1);
    expect(await gaugeValue()).toBe(0);
    expect(logged.some((entry) => JSON.stringify(entry.obj).includes('upload'))).toBe(true);
  });

  it('drains pollers at once on disconnect instead of waiting out the drain timeout', async () => {
    const served = serveNext(typicalSetup(), { drainTimeoutMs: 20_000 });
    const client = await server.connect();
    const { result } = await served;
    client.close(1000);
    const { drain } = await result;
    expect(drain.timedOut).toBe(false);
    expect(drain.completed + drain.cancelled).toBe(2);
    // Generous bound: the 20 s grace period is not waited for (sleepUntilShutdown wakes at once).
    expect(drain.durationMs).toBeLessThan(5_000);
  });

  it('returns the gauge to 0 for 40 concurrent connections ended in mixed ways', async () => {
    const count = 40;
    const serving = Array.from({ length: count }, () => serveNext(typicalSetup(), { heartbeatMs: 150 }));
    const clients: WebSocket[] = [];
    for (let i = 0; i < count; i++) clients.push(await server.connect({ autoPong: i % 4 !== 3 }));
    const served = await Promise.all(serving);
    // On a loaded machine a half-open client connected early can miss its pongs (2 × 150 ms) before
    // the last one connects: every session not yet ended is counted, none more, none less.
    let ended = 0;
    for (const { result } of served) void result.then(() => ended++);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await gaugeValue()).toBe(count - ended);
    clients.forEach((client, i) => {
      if (i % 4 === 0) client.close(1000);
      else if (i % 4 === 1) destroyTcp(client);
      else if (i % 4 === 2) client.terminate();
      // i % 4 === 3: half-open, left to the heartbeat
    });
    const exits = await Promise.all(served.map(({ result }) => result));
    expect(exits.every(({ exit }) => exit.reason === 'disconnect')).toBe(true);
    expect(await gaugeValue()).toBe(0);
  });
});

describe('the old pattern, on the same real server', () => {
  it('leaks: a raw Promise.all handler with a hung task keeps the gauge up after the client left', async () => {
    const hung = hungForever();
    let receiveEnded: () => void = () => undefined;
    const receiveDone = new Promise<void>((resolve) => (receiveEnded = resolve));
    let handlerFinished = false;
    void server.nextConnection().then(async (ws) => {
      gauge.inc();
      try {
        const receive = new Promise<void>((resolve) => ws.once('close', () => resolve()));
        await Promise.all([receive.then(receiveEnded), hung()]);
      } finally {
        gauge.dec(); // never reached while the upload hangs
        handlerFinished = true;
      }
    });
    const client = await server.connect();
    destroyTcp(client);
    await receiveDone; // the client is gone and the receive loop ended...
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handlerFinished).toBe(false);
    expect(await gaugeValue()).toBe(1); // ...but the ghost is still counted
  });

  it('does not leak with superviseSession in the same situation', async () => {
    const served = serveNext(
      (session, ws) => {
        session.lifetime('receive', () => new Promise<void>((resolve) => ws.once('close', () => resolve())));
        session.finite('upload', hungForever());
      },
      { drainTimeoutMs: 50, forceTimeoutMs: 50 },
    );
    const client = await server.connect();
    const { result, watchSignal } = await served;
    destroyTcp(client);
    await abortOf(watchSignal);
    const { drain } = await result;
    expect(drain.stuck.map((task) => task.name)).toEqual(['upload']);
    expect(await gaugeValue()).toBe(0);
  });
});
