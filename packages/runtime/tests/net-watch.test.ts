import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DisconnectError, watchNetSocket } from '../src/index.js';
import type { SocketWatch } from '../src/index.js';
import { abortOf } from './ws-helpers.js';
import { expectEndedCleanly, expectEndedStuck, serverSessions } from './server-sessions.js';

const WATCHED_EVENTS = ['close', 'error', 'end', 'timeout'] as const;

interface TcpServer {
  server: Server;
  /** Connects a client and resolves with both ends. */
  pair(): Promise<{ client: Socket; accepted: Socket }>;
  close(): Promise<void>;
}

const servers: TcpServer[] = [];
const watches: SocketWatch[] = [];

afterEach(async () => {
  for (const watch of watches.splice(0)) watch.dispose();
  for (const server of servers.splice(0)) await server.close();
});

async function startTcpServer(options: { allowHalfOpen?: boolean } = {}): Promise<TcpServer> {
  const server = createServer({ allowHalfOpen: options.allowHalfOpen ?? false });
  const accepted: Socket[] = [];
  const waiting: Array<(socket: Socket) => void> = [];
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    // The watch under test absorbs errors once attached; this covers the time before it.
    socket.on('error', () => undefined);
    const taker = waiting.shift();
    if (taker) taker(socket);
    else accepted.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const tcp: TcpServer = {
    server,
    async pair() {
      const next = accepted.shift();
      const acceptedSocket = next ? Promise.resolve(next) : new Promise<Socket>((resolve) => waiting.push(resolve));
      const client = connect(port, '127.0.0.1');
      sockets.add(client);
      client.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        client.once('connect', resolve);
        client.once('error', reject);
      });
      return { client, accepted: await acceptedSocket };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(tcp);
  return tcp;
}

function watch(socket: Socket, options?: Parameters<typeof watchNetSocket>[1]): SocketWatch {
  const created = watchNetSocket(socket, options);
  watches.push(created);
  return created;
}

async function disconnectOf(signal: AbortSignal): Promise<DisconnectError> {
  const reason = await abortOf(signal);
  expect(reason).toBeInstanceOf(DisconnectError);
  return reason as DisconnectError;
}

function listenerTotal(socket: Socket): number {
  return WATCHED_EVENTS.reduce((sum, event) => sum + socket.listenerCount(event), 0);
}

function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

describe('watchNetSocket on a real net server', () => {
  it('aborts with end when the peer half-closes a socket that does not allow half-open, and destroys it', async () => {
    const { client, accepted } = await (await startTcpServer()).pair();
    const watched = watch(accepted);
    client.end();
    expect((await disconnectOf(watched.signal)).code).toBe('end');
    expect(accepted.destroyed).toBe(true);
    await closed(client);
  });

  it('aborts with error (ECONNRESET) when the peer resets the connection', async () => {
    const { client, accepted } = await (await startTcpServer()).pair();
    const watched = watch(accepted);
    client.resetAndDestroy();
    const reason = await disconnectOf(watched.signal);
    expect(reason.code).toBe('error');
    expect((reason.cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
  });

  it('aborts with close when the server side destroys the socket itself', async () => {
    const { accepted } = await (await startTcpServer()).pair();
    const watched = watch(accepted);
    accepted.destroy();
    const reason = await disconnectOf(watched.signal);
    expect(reason.code).toBe('close');
    expect(reason.cause).toEqual({ hadError: false });
  });

  it('with allowHalfOpen, keeps the session through the peer’s FIN so the reply can be sent, and aborts at close', async () => {
    const { client, accepted } = await (await startTcpServer({ allowHalfOpen: true })).pair();
    const watched = watch(accepted);
    accepted.resume(); // 'end' comes once the request was read
    const peerEnded = new Promise<void>((resolve) => accepted.once('end', resolve));
    const reply = new Promise<string>((resolve) => {
      let text = '';
      client.on('data', (chunk: Buffer) => (text += chunk.toString()));
      client.on('end', () => resolve(text));
    });
    client.end('request');
    await peerEnded;
    expect(watched.signal.aborted).toBe(false);
    accepted.end('reply after the peer’s FIN');
    expect(await reply).toBe('reply after the peer’s FIN');
    expect((await disconnectOf(watched.signal)).code).toBe('close');
  });

  it('with idleTimeoutMs, destroys a silent connection and aborts with idle_timeout', async () => {
    const { client, accepted } = await (await startTcpServer()).pair();
    const watched = watch(accepted, { idleTimeoutMs: 100 });
    expect(accepted.timeout).toBe(100);
    expect((await disconnectOf(watched.signal)).code).toBe('idle_timeout');
    expect(accepted.destroyed).toBe(true);
    await closed(client);
  });

  it('with idleTimeoutMs, keeps a connection that keeps talking', async () => {
    const { client, accepted } = await (await startTcpServer()).pair();
    const watched = watch(accepted, { idleTimeoutMs: 400 });
    let received = 0;
    const twenty = new Promise<void>((resolve) =>
      accepted.on('data', () => {
        if (++received >= 20) resolve();
      }),
    );
    const chatter = setInterval(() => client.write('x'), 25);
    try {
      await twenty; // ≈ 500 ms of traffic, longer than the idle timeout
      expect(watched.signal.aborted).toBe(false);
    } finally {
      clearInterval(chatter);
    }
    expect((await disconnectOf(watched.signal)).code).toBe('idle_timeout');
  });

  it('aborts at once for a socket that is already destroyed, attaching nothing', async () => {
    const { accepted } = await (await startTcpServer()).pair();
    accepted.destroy();
    const before = listenerTotal(accepted);
    const watched = watch(accepted);
    expect(watched.signal.aborted).toBe(true);
    expect((watched.signal.reason as DisconnectError).code).toBe('close');
    expect(listenerTotal(accepted)).toBe(before);
  });

  it('aborts at once with end for a socket whose peer had already half-closed', async () => {
    const { client, accepted } = await (await startTcpServer()).pair();
    accepted.resume();
    const ended = new Promise<void>((resolve) => accepted.once('end', resolve));
    client.end();
    await ended;
    const watched = watch(accepted);
    expect((watched.signal.reason as DisconnectError).code).toBe('end');
    expect(accepted.destroyed).toBe(true);
  });

  it('dispose removes every listener and the idle timeout it set, and does not abort', async () => {
    const { client, accepted } = await (await startTcpServer()).pair();
    const before = listenerTotal(accepted);
    const watched = watchNetSocket(accepted, { idleTimeoutMs: 60_000 });
    expect(listenerTotal(accepted)).toBe(before + 4);
    expect(accepted.timeout).toBe(60_000);
    watched.dispose();
    watched.dispose();
    expect(listenerTotal(accepted)).toBe(before);
    expect(accepted.timeout).toBe(0); // setTimeout(0): no timer armed
    client.end();
    await closed(accepted);
    expect(watched.signal.aborted).toBe(false);
  });

  it('after an abort, leaves no idle timeout armed and dispose still removes its listeners', async () => {
    const { client, accepted } = await (await startTcpServer()).pair();
    const before = listenerTotal(accepted);
    const watched = watchNetSocket(accepted, { idleTimeoutMs: 60_000 });
    client.end();
    await disconnectOf(watched.signal);
    expect(accepted.timeout).toBe(0); // setTimeout(0): no timer armed
    watched.dispose();
    expect(listenerTotal(accepted)).toBe(before);
  });

  it('refuses what is not a net.Socket and unusable timeouts', async () => {
    expect(() => watchNetSocket({} as Socket)).toThrow(TypeError);
    expect(() => watchNetSocket(null as unknown as Socket)).toThrow(TypeError);
    const { accepted } = await (await startTcpServer()).pair();
    expect(() => watchNetSocket(accepted, { idleTimeoutMs: Number.NaN })).toThrow(RangeError);
    expect(() => watchNetSocket(accepted, { idleTimeoutMs: 0 })).toThrow(/greater than 0/);
    expect(() => watchNetSocket(accepted, { idleTimeoutMs: 2 ** 31 })).toThrow(/at most 2147483647/);
    expect(() => watchNetSocket(accepted, { idleTimeoutMs: '5' as unknown as number })).toThrow(TypeError);
    const before = listenerTotal(accepted);
    expect(() => watchNetSocket(accepted, 5 as never)).toThrow(TypeError);
    expect(listenerTotal(accepted)).toBe(before);
    expect(accepted.timeout).toBeUndefined();
  });
});

describe('superviseSession + watchNetSocket: the gauge returns to 0', () => {
  async function servedPair(options: { hung?: boolean } = {}) {
    const sessions = serverSessions('net_test');
    const { client, accepted } = await (await startTcpServer()).pair();
    const baseline = listenerTotal(accepted);
    const watched = watch(accepted, { idleTimeoutMs: 60_000 });
    const result = sessions
      .serve(watched.signal, { ...options, onStuck: () => accepted.destroy() })
      .finally(() => watched.dispose());
    await sessions.expectGauge(1);
    return { sessions, client, accepted, result, baseline };
  }

  it('after a clean close (the client ends the connection)', async () => {
    const { sessions, client, accepted, result, baseline } = await servedPair();
    client.end();
    await expectEndedCleanly(await result, sessions);
    expect(listenerTotal(accepted)).toBe(baseline);
    expect(accepted.timeout).toBe(0); // setTimeout(0): no timer armed
  });

  it('after an abrupt TCP reset of the client', async () => {
    const { sessions, client, accepted, result, baseline } = await servedPair();
    client.resetAndDestroy();
    await expectEndedCleanly(await result, sessions);
    expect(listenerTotal(accepted)).toBe(baseline);
  });

  it('with a hung task that ignores its signal, reporting it to onStuck', async () => {
    const { sessions, client, result } = await servedPair({ hung: true });
    try {
      client.destroy();
      await expectEndedStuck(await result, sessions);
    } finally {
      sessions.release();
    }
  });
});
