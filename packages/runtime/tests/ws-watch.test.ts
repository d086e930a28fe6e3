import type { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DisconnectError, watchWebSocket } from '../src/index.js';
import type { SocketWatch, WatchableWebSocket } from '../src/index.js';
import { abortOf, closeCodeOf, destroyTcp, freezeTcp, listenerTotal, nthEvent, startWsServer } from './ws-helpers.js';
import type { TestWsServer } from './ws-helpers.js';

// A real `ws` server socket must satisfy the structural type without a cast.
const acceptsWsSockets = (ws: WebSocket): WatchableWebSocket => ws;

let server: TestWsServer;
const watches: SocketWatch[] = [];

beforeEach(async () => {
  server = await startWsServer();
});
afterEach(async () => {
  for (const watch of watches.splice(0)) watch.dispose();
  await server.close();
});

/** Connects a client and watches the server side of that connection. */
async function watchedConnection(
  options: Parameters<typeof watchWebSocket>[1],
  clientOptions?: Parameters<TestWsServer['connect']>[0],
): Promise<{ client: WebSocket; serverSide: WebSocket; watch: SocketWatch }> {
  const accepted = server.nextConnection();
  const client = await server.connect(clientOptions);
  const serverSide = await accepted;
  const watch = watchWebSocket(acceptsWsSockets(serverSide), options);
  watches.push(watch);
  return { client, serverSide, watch };
}

async function disconnectCodeOf(signal: AbortSignal): Promise<DisconnectError> {
  const reason = await abortOf(signal);
  expect(reason).toBeInstanceOf(DisconnectError);
  return reason as DisconnectError;
}

describe('watchWebSocket on a real ws server', () => {
  it('aborts on a clean close from the client, with its close code and reason', async () => {
    const { client, watch } = await watchedConnection({ heartbeatMs: 60_000 });
    client.close(4000, 'bye');
    const reason = await disconnectCodeOf(watch.signal);
    expect(reason.code).toBe('close');
    expect(reason.cause).toEqual({ code: 4000, reason: 'bye' });
  });

  it('aborts when the client TCP connection is destroyed without a close frame', async () => {
    const { client, watch } = await watchedConnection({ heartbeatMs: 60_000 });
    destroyTcp(client);
    const reason = await disconnectCodeOf(watch.signal);
    expect(reason.code).toBe('close');
    expect(reason.cause).toMatchObject({ code: 1006 });
  });

  it('detects a half-open peer that stops answering pings (autoPong: false) and terminates the socket', async () => {
    const { client, serverSide, watch } = await watchedConnection(
      { heartbeatMs: 150, receiveTimeoutMs: 60_000 },
      { autoPong: false },
    );
    const terminate = vi.spyOn(serverSide, 'terminate');
    const clientClosed = closeCodeOf(client);
    const reason = await disconnectCodeOf(watch.signal);
    expect(reason.code).toBe('heartbeat_timeout');
    expect(terminate).toHaveBeenCalledTimes(1);
    // terminate() sends no close frame: the client sees an abnormal closure.
    expect(await clientClosed).toBe(1006);
  });

  it('detects a peer whose TCP connection went silent (no FIN, nothing read) via the heartbeat', async () => {
    const { client, serverSide, watch } = await watchedConnection({ heartbeatMs: 150, receiveTimeoutMs: 60_000 });
    const terminate = vi.spyOn(serverSide, 'terminate');
    freezeTcp(client);
    const reason = await disconnectCodeOf(watch.signal);
    expect(reason.code).toBe('heartbeat_timeout');
    expect(terminate).toHaveBeenCalledTimes(1);
  });

  it('stays open across heartbeats while the peer answers pings', async () => {
    const { serverSide, watch } = await watchedConnection({ heartbeatMs: 200, receiveTimeoutMs: 60_000 });
    await nthEvent(serverSide, 'pong', 3);
    expect(watch.signal.aborted).toBe(false);
  });

  it('aborts with receive_timeout when the client sends nothing, and the client is cut off', async () => {
    const { client, watch } = await watchedConnection({ heartbeatMs: Infinity, receiveTimeoutMs: 150 });
    const clientClosed = closeCodeOf(client);
    const reason = await disconnectCodeOf(watch.signal);
    expect(reason.code).toBe('receive_timeout');
    expect(await clientClosed).toBe(1006);
  });

  it('keeps a chatty client alive past its receive timeout, then times it out once it goes quiet', async () => {
    const { client, serverSide, watch } = await watchedConnection({ heartbeatMs: Infinity, receiveTimeoutMs: 400 });
    const received = nthEvent(serverSide, 'message', 20);
    const chatter = setInterval(() => client.send('tick'), 25);
    try {
      await received; // ≈ 500 ms of traffic, longer than the receive timeout
      expect(watch.signal.aborted).toBe(false);
    } finally {
      clearInterval(chatter);
    }
    expect((await disconnectCodeOf(watch.signal)).code).toBe('receive_timeout');
  });

  it('aborts at once for a socket that has already closed', async () => {
    const accepted = server.nextConnection();
    const client = await server.connect();
    const serverSide = await accepted;
    const closed = closeCodeOf(serverSide);
    client.close();
    await closed;
    const before = listenerTotal(serverSide);
    const watch = watchWebSocket(serverSide);
    expect(watch.signal.aborted).toBe(true);
    expect((watch.signal.reason as DisconnectError).code).toBe('close');
    expect(listenerTotal(serverSide)).toBe(before);
  });

  it('works on the client side too: a client detects a server that stopped reading', async () => {
    const accepted = server.nextConnection();
    const client = await server.connect();
    const serverSide = await accepted;
    const watch = watchWebSocket(client, { heartbeatMs: 150 });
    watches.push(watch);
    const clientClosed = closeCodeOf(client);
    freezeTcp(serverSide);
    const reason = await disconnectCodeOf(watch.signal);
    expect(reason.code).toBe('heartbeat_timeout');
    expect(await clientClosed).toBe(1006); // terminated, no close handshake with the frozen server
  });

  it('dispose removes every listener it added, before and after the abort', async () => {
    const first = await watchedConnection({ heartbeatMs: 100 });
    const baseline = listenerTotal(first.serverSide) - 4;
    first.watch.dispose();
    expect(listenerTotal(first.serverSide)).toBe(baseline);

    const second = await watchedConnection({ heartbeatMs: 100 }, { autoPong: false });
    await abortOf(second.watch.signal);
    second.watch.dispose();
    expect(listenerTotal(second.serverSide)).toBe(baseline);
  });
});
