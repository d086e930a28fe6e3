import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { Socket as ServerSocket } from 'socket.io';
import { io } from 'socket.io-client';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DisconnectError, watchSocketIo } from '../src/index.js';
import type { SocketWatch, WatchableSocketIo } from '../src/index.js';
import { abortOf } from './ws-helpers.js';

// Both ends of socket.io satisfy the structural type without a cast.
const acceptsServerSockets = (socket: ServerSocket): WatchableSocketIo => socket;
const acceptsClientSockets = (socket: ClientSocket): WatchableSocketIo => socket;

let ioServer: Server;
let url: string;
const clients: ClientSocket[] = [];
const watches: SocketWatch[] = [];

beforeEach(async () => {
  const httpServer = createServer();
  // Fast engine.io heartbeat so a frozen peer turns into a `ping timeout` within a second.
  ioServer = new Server(httpServer, { pingInterval: 150, pingTimeout: 150 });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});
afterEach(async () => {
  for (const watch of watches.splice(0)) watch.dispose();
  for (const client of clients.splice(0)) client.disconnect();
  await ioServer.close();
});

async function connectedPair(): Promise<{ client: ClientSocket; serverSide: ServerSocket }> {
  const accepted = new Promise<ServerSocket>((resolve) => ioServer.once('connection', resolve));
  const client = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });
  return { client, serverSide: await accepted };
}

function watch(socket: WatchableSocketIo, options?: Parameters<typeof watchSocketIo>[1]): SocketWatch {
  const created = watchSocketIo(socket, options);
  watches.push(created);
  return created;
}

async function disconnectOf(signal: AbortSignal): Promise<DisconnectError> {
  const reason = await abortOf(signal);
  expect(reason).toBeInstanceOf(DisconnectError);
  return reason as DisconnectError;
}

/** The TCP socket under the client's websocket transport (engine.io-client on Node uses `ws`). */
function clientTcp(client: ClientSocket): { destroy(): void; pause(): void } {
  const engine = client.io.engine as unknown as { transport: { ws: { _socket: { destroy(): void; pause(): void } } } };
  return engine.transport.ws._socket;
}

describe('watchSocketIo on a real socket.io server', () => {
  it('aborts when the client disconnects, with socket.io’s reason as cause', async () => {
    const { client, serverSide } = await connectedPair();
    const watched = watch(acceptsServerSockets(serverSide));
    client.disconnect();
    const reason = await disconnectOf(watched.signal);
    expect(reason.code).toBe('disconnect');
    expect(reason.cause).toBe('client namespace disconnect');
  });

  it('aborts when the client TCP connection is destroyed', async () => {
    const { client, serverSide } = await connectedPair();
    const watched = watch(serverSide);
    clientTcp(client).destroy();
    expect((await disconnectOf(watched.signal)).cause).toBe('transport close');
  });

  it('aborts through socket.io’s own heartbeat when the peer goes silent', async () => {
    const { client, serverSide } = await connectedPair();
    const watched = watch(serverSide);
    const tcp = clientTcp(client);
    tcp.pause();
    try {
      expect((await disconnectOf(watched.signal)).cause).toBe('ping timeout');
    } finally {
      // The server's close handshake would otherwise wait 30 s for the frozen peer.
      tcp.destroy();
    }
  });

  it('aborts a client-side watch when the server disconnects the socket', async () => {
    const { client, serverSide } = await connectedPair();
    const watched = watch(acceptsClientSockets(client));
    serverSide.disconnect(true);
    expect((await disconnectOf(watched.signal)).cause).toBe('io server disconnect');
  });

  it('with receiveTimeoutMs, disconnects a client that sends no event and aborts with receive_timeout', async () => {
    const { client, serverSide } = await connectedPair();
    const clientDisconnected = new Promise<string>((resolve) => client.once('disconnect', resolve));
    const watched = watch(serverSide, { receiveTimeoutMs: 200 });
    expect((await disconnectOf(watched.signal)).code).toBe('receive_timeout');
    expect(await clientDisconnected).toBe('io server disconnect');
    expect(serverSide.connected).toBe(false);
  });

  it('with receiveTimeoutMs, keeps a client that keeps emitting', async () => {
    const { client, serverSide } = await connectedPair();
    const watched = watch(serverSide, { receiveTimeoutMs: 400 });
    let received = 0;
    const twenty = new Promise<void>((resolve) =>
      serverSide.on('tick', () => {
        if (++received === 20) resolve();
      }),
    );
    const chatter = setInterval(() => client.emit('tick'), 25);
    try {
      await twenty; // ≈ 500 ms of events, longer than the receive timeout
      expect(watched.signal.aborted).toBe(false);
    } finally {
      clearInterval(chatter);
    }
    expect((await disconnectOf(watched.signal)).code).toBe('receive_timeout');
  });

  it('aborts at once for a socket that is already disconnected', async () => {
    const { serverSide } = await connectedPair();
    serverSide.disconnect(true);
    const watched = watch(serverSide);
    expect(watched.signal.aborted).toBe(true);
    expect((watched.signal.reason as DisconnectError).code).toBe('disconnect');
  });

  it('dispose removes the disconnect and catch-all listeners it added', async () => {
    const { serverSide } = await connectedPair();
    const disconnectListeners = serverSide.listenerCount('disconnect');
    const anyListeners = serverSide.listenersAny().length;
    const watched = watchSocketIo(serverSide, { receiveTimeoutMs: 60_000 });
    expect(serverSide.listenerCount('disconnect')).toBe(disconnectListeners + 1);
    expect(serverSide.listenersAny()).toHaveLength(anyListeners + 1);
    watched.dispose();
    expect(serverSide.listenerCount('disconnect')).toBe(disconnectListeners);
    expect(serverSide.listenersAny()).toHaveLength(anyListeners);
    serverSide.disconnect(true);
    expect(watched.signal.aborted).toBe(false);
  });
});
