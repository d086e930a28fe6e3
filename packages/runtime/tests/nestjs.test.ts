/**
 * NestJS gateways on the real framework (@nestjs/core + platform-express, with @nestjs/platform-ws
 * or @nestjs/platform-socket.io). Decorators are applied as plain calls (`WebSocketGateway()(Class)`),
 * which is exactly what the `@` syntax compiles to under `experimentalDecorators`, so the test needs
 * no decorator transform; the gateway has no constructor parameters, so no decorator metadata.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WebSocketGateway } from '@nestjs/websockets';
import type { OnGatewayConnection, OnGatewayDisconnect } from '@nestjs/websockets';
import { WsAdapter } from '@nestjs/platform-ws';
import type { Socket as IoSocket } from 'socket.io';
import { io as ioClient } from 'socket.io-client';
import type { Socket as IoClientSocket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createDisconnectSignals, DisconnectError, watchSocketIo, watchWebSocket } from '../src/index.js';
import type { SessionResult } from '../src/index.js';
import { destroyTcp } from './ws-helpers.js';
import { expectEndedCleanly, expectEndedStuck, serverSessions } from './server-sessions.js';
import type { ServerSessions } from './server-sessions.js';

type Platform = 'ws' | 'socket.io';
/** `registry`: handleConnection/handleDisconnect drive createDisconnectSignals; `watch`: the socket's own watcher. */
type Mode = 'registry' | 'watch';

interface NestServer {
  port: number;
  sessions: ServerSessions;
  results: Array<Promise<SessionResult>>;
  signals: AbortSignal[];
  /** The clients handleConnection received. */
  connections: unknown[];
  /** The arguments handleDisconnect received. */
  disconnects: Array<{ client: unknown; reason: unknown }>;
  close(): Promise<void>;
}

const apps: NestServer[] = [];
const cleanups: Array<() => void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  for (const app of apps.splice(0)) await app.close();
});

async function startNest(platform: Platform, mode: Mode, options: { hung?: boolean } = {}): Promise<NestServer> {
  const sessions = serverSessions('nest_test');
  const results: Array<Promise<SessionResult>> = [];
  const used: AbortSignal[] = [];
  const connections: unknown[] = [];
  const disconnects: NestServer['disconnects'] = [];
  const registry = createDisconnectSignals<WebSocket | IoSocket>();

  class LiveGateway implements OnGatewayConnection<WebSocket | IoSocket>, OnGatewayDisconnect<WebSocket | IoSocket> {
    handleConnection(client: WebSocket | IoSocket): void {
      connections.push(client);
      // platform-ws hands over sockets of its own copy of `ws`, so `instanceof` would not tell.
      const terminate = (): void => {
        if (platform === 'ws') (client as WebSocket).terminate();
        else (client as IoSocket).disconnect(true);
      };
      if (mode === 'registry') {
        const signal = registry.open(client);
        used.push(signal);
        results.push(sessions.serve(signal, { ...options, onStuck: terminate }));
        return;
      }
      const watch =
        platform === 'ws'
          ? watchWebSocket(client as WebSocket, { heartbeatMs: 60_000, receiveTimeoutMs: 60_000 })
          : watchSocketIo(client as IoSocket);
      used.push(watch.signal);
      results.push(sessions.serve(watch.signal, { ...options, onStuck: terminate }).finally(() => watch.dispose()));
    }

    handleDisconnect(client: WebSocket | IoSocket, reason?: unknown): void {
      disconnects.push({ client, reason });
      registry.close(client, { reason });
    }
  }
  WebSocketGateway()(LiveGateway);
  class AppModule {}
  Module({ providers: [LiveGateway] })(AppModule);

  const app: INestApplication = await NestFactory.create(AppModule, { logger: false });
  if (platform === 'ws') app.useWebSocketAdapter(new WsAdapter(app));
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const nest: NestServer = {
    port,
    sessions,
    results,
    signals: used,
    connections,
    disconnects,
    async close() {
      sessions.release();
      await app.close();
    },
  };
  apps.push(nest);
  return nest;
}

/** A connected client of either platform, with the two ways it can leave. */
interface Client {
  closeCleanly(): void;
  destroyTcp(): void;
}

async function connect(platform: Platform, port: number): Promise<Client> {
  if (platform === 'ws') {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    ws.on('error', () => undefined);
    cleanups.push(() => ws.terminate());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return { closeCleanly: () => ws.close(1000, 'bye'), destroyTcp: () => destroyTcp(ws) };
  }
  const socket: IoClientSocket = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true });
  cleanups.push(() => socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return {
    closeCleanly: () => socket.disconnect(),
    destroyTcp: () => {
      const engine = socket.io.engine as unknown as { transport: { ws: { _socket: { destroy(): void } } } };
      engine.transport.ws._socket.destroy();
    },
  };
}

async function openSession(platform: Platform, mode: Mode, options: { hung?: boolean } = {}) {
  const nest = await startNest(platform, mode, options);
  const client = await connect(platform, nest.port);
  await nest.sessions.expectGauge(1);
  const result = nest.results[0];
  if (!result) throw new Error('handleConnection did not start a session');
  return { nest, client, result };
}

const cases: Array<[Platform, Mode]> = [
  ['ws', 'registry'],
  ['ws', 'watch'],
  ['socket.io', 'registry'],
  ['socket.io', 'watch'],
];

describe.each(cases)('NestJS gateway on platform %s with %s: the gauge returns to 0', (platform, mode) => {
  it('after a clean close', async () => {
    const { nest, client, result } = await openSession(platform, mode);
    client.closeCleanly();
    await expectEndedCleanly(await result, nest.sessions);
  });

  it('after an abrupt TCP destroy of the client', async () => {
    const { nest, client, result } = await openSession(platform, mode);
    client.destroyTcp();
    await expectEndedCleanly(await result, nest.sessions);
  });

  it('with a hung task that ignores its signal, reporting it to onStuck', async () => {
    const { nest, client, result } = await openSession(platform, mode, { hung: true });
    client.closeCleanly();
    await expectEndedStuck(await result, nest.sessions);
  });
});

describe('NestJS handleDisconnect', () => {
  it('on platform-ws gets the ws socket handleConnection got, and the close code as reason', async () => {
    const { nest, client, result } = await openSession('ws', 'registry');
    client.closeCleanly();
    await result;
    await expect.poll(() => nest.disconnects.length).toBe(1);
    const disconnected = nest.disconnects[0]?.client;
    expect(disconnected).toBe(nest.connections[0]);
    expect((disconnected as WebSocket).readyState).toBe(WebSocket.CLOSED);
    expect(nest.disconnects[0]?.reason).toBe(1000);
    expect((nest.signals[0]?.reason as DisconnectError).cause).toEqual({ reason: 1000 });
  });

  it('on platform-socket.io gets socket.io’s reason string', async () => {
    const { nest, client, result } = await openSession('socket.io', 'registry');
    client.destroyTcp();
    await result;
    expect(nest.disconnects[0]?.reason).toBe('transport close');
  });
});
