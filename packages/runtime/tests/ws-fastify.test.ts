import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DisconnectError, watchWebSocket } from '../src/index.js';
import type { SocketWatch } from '../src/index.js';
import { abortOf, closeCodeOf, destroyTcp } from './ws-helpers.js';

let app: FastifyInstance;
let url: string;
let watchOptions: Parameters<typeof watchWebSocket>[1];
let nextWatch: Promise<{ watch: SocketWatch; serverSide: WebSocket }>;
const clients: WebSocket[] = [];

beforeEach(async () => {
  app = Fastify();
  await app.register(fastifyWebsocket);
  let deliver: (value: { watch: SocketWatch; serverSide: WebSocket }) => void = () => undefined;
  nextWatch = new Promise((resolve) => (deliver = resolve));
  app.get('/live', { websocket: true }, (socket) => {
    // The socket @fastify/websocket hands to the route is a `ws` WebSocket: no cast needed.
    const watch = watchWebSocket(socket, watchOptions);
    watch.signal.addEventListener('abort', () => watch.dispose(), { once: true });
    deliver({ watch, serverSide: socket });
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  url = `${address.replace('http', 'ws')}/live`;
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await app.close();
});

async function connect(options?: ConstructorParameters<typeof WebSocket>[2]): Promise<WebSocket> {
  const client = new WebSocket(url, options);
  clients.push(client);
  client.on('error', () => undefined);
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  return client;
}

describe('watchWebSocket with @fastify/websocket', () => {
  it('aborts when the client closes', async () => {
    watchOptions = { heartbeatMs: 60_000 };
    const client = await connect();
    const { watch } = await nextWatch;
    client.close(1000);
    const reason = (await abortOf(watch.signal)) as DisconnectError;
    expect(reason.code).toBe('close');
    expect(reason.cause).toMatchObject({ code: 1000 });
  });

  it('aborts when the client TCP connection is destroyed without a close frame', async () => {
    watchOptions = { heartbeatMs: 60_000 };
    const client = await connect();
    const { watch } = await nextWatch;
    destroyTcp(client);
    expect(((await abortOf(watch.signal)) as DisconnectError).cause).toMatchObject({ code: 1006 });
  });

  it('detects a half-open client via the heartbeat and terminates the socket', async () => {
    watchOptions = { heartbeatMs: 150 };
    const client = await connect({ autoPong: false });
    const { watch, serverSide } = await nextWatch;
    const clientClosed = closeCodeOf(client);
    expect(((await abortOf(watch.signal)) as DisconnectError).code).toBe('heartbeat_timeout');
    expect(await clientClosed).toBe(1006);
    expect(serverSide.listenerCount('pong')).toBe(0); // disposed by the route on abort
  });
});
