import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/no-promise-all-in-ws-handler.js';
import { commonJsLanguageOptions, typedRuleTester, untypedRuleTester } from '../rule-tester.js';

type MessageIds = 'combinatorInHandler' | 'suggestGatherWithLogging' | 'suggestSuperviseSession';
type Options = [{ additionalHandlers?: { method: string; object?: string; event?: string; properties?: string[] }[]; callDepth?: number }];

const ANY_SERVER =
  'a disconnect signal for your server (`watchWebSocket`, `watchSocketIo`, `watchNetSocket` or `createDisconnectSignals`)';

const WS = 'the signal from `watchWebSocket(ws)`';
const FASTIFY = 'the signal from `watchWebSocket(socket)`';
const SOCKET_IO = 'the signal from `watchSocketIo(socket)`';
const NET = 'the signal from `watchNetSocket(socket)`';
const DISCONNECT_SIGNALS = 'the signal from `createDisconnectSignals`';

/** Message data: the handler's description, where the signal comes from, and the calls followed to get there. */
function at(method: string, usage: string, handler: string, signal = ANY_SERVER, via = ''): Record<string, string> {
  return { method, usage, handler, via, signal };
}

const valid: (ValidTestCase<Options> | string)[] = [
  // Bounded fan-out outside any handler.
  `
async function loadAll(urls) {
  await Promise.all(urls.map((url) => fetch(url)));
}
`,
  // A shadowed Promise (bluebird) is not the global one.
  `
import Promise from 'bluebird';
wss.on('connection', async (ws) => {
  await Promise.all([a(), b()]);
});
`,
  `
wss.on('connection', async (ws) => {
  const Promise = getPromiseLibrary();
  await Promise.all([a(), b()]);
});
`,
  // Started and dropped, or handed on: not awaited by the handler (no-detached-task's business).
  `
wss.on('connection', (ws) => {
  Promise.all([a(), b()]);
  void Promise.all([a(), b()]);
  withTimeout(Promise.all([a(), b()]), 1000);
  const pending = Promise.all([a(), b()]);
  track(pending);
});
`,
  // Not a connection event.
  `
ws.on('message', async (data) => {
  await Promise.all([a(data), b(data)]);
});
`,
  `
wss.on('listening', async () => {
  await Promise.all([a(), b()]);
});
`,
  `
emitter.on(eventName, async () => {
  await Promise.all([a(), b()]);
});
`,
  `
on('connection', async () => {
  await Promise.all([a(), b()]);
});
`,
  // Other Promise statics.
  `
wss.on('connection', async (ws) => {
  await Promise.resolve(1);
  await Promise.allKeys([a()]);
  await Promise[method]([a()]);
});
`,
  // Call following stops after `callDepth` calls (0: lexical only).
  {
    code: `
async function handle(ws) {
  await Promise.all([a(ws), b(ws)]);
}
wss.on('connection', (ws) => {
  log(ws);
  handle(ws);
});
`,
    options: [{ callDepth: 0 }],
  },
  // Mutually forwarding functions that are never registered terminate and report nothing.
  `
async function ping(ws) { return pong(ws); }
async function pong(ws) { await Promise.all([ping(ws)]); }
`,
  // Deno: sockets that did not come from Deno.upgradeWebSocket(req), and the request handler itself.
  `
const { socket } = connect(url);
socket.onmessage = async () => { await Promise.all([a()]); };
const { socket: other } = upgradeWebSocket((c) => ({}));
other.addEventListener('message', async () => { await Promise.all([a()]); });
Deno.serve(async (req) => {
  const { socket, response } = Deno.upgradeWebSocket(req);
  await Promise.all([a()]);
  socket.onmessage += async () => { await Promise.all([a()]); };
  socket.addEventListener('upgrade', async () => { await Promise.all([a()]); });
  return response;
});
`,
  // Fastify routes that are not WebSocket routes, and the HTTP half of a dual route.
  `
fastify.get('/items', { websocket: false }, async (req) => {
  return Promise.all([a(), b()]);
});
fastify.get('/plain', async (req) => Promise.all([a(), b()]));
fastify.route({
  method: 'GET',
  url: '/ws',
  websocket: true,
  handler: async (req, reply) => Promise.all([a(), b()]),
  wsHandler: (socket) => {},
});
`,
  // uWebSockets.js `upgrade` runs before the connection exists.
  `
app.ws('/*', {
  upgrade: async (res, req, context) => {
    await Promise.all([a(), b()]);
  },
});
`,
  // NestJS: not a gateway, not a handler method, static.
  `
class EventsService {
  async handleConnection(client) {
    await Promise.all([a(), b()]);
  }
}
@WebSocketGateway()
class EventsGateway {
  async refresh() {
    await Promise.all([a(), b()]);
  }
  static async handleConnection() {
    await Promise.all([a(), b()]);
  }
}
`,
  // Bun: `fetch` is HTTP; a `websocket` object outside serve().
  `
Bun.serve({
  fetch: async (req, server) => {
    await Promise.all([a(), b()]);
  },
  websocket: { message() {} },
});
configure({ websocket: { open: async () => { await Promise.all([a(), b()]); } } });
`,
  // Hono: the upgrade factory runs per request, before the socket opens.
  `
app.get('/ws', upgradeWebSocket(async (c) => {
  await Promise.all([a(), b()]);
  return { onMessage() {} };
}));
`,
  // A custom pattern only matches its receiver and event.
  {
    code: `
other.onClient(async (client) => {
  await Promise.all([a(), b()]);
});
hub.subscribe('metrics', async () => {
  await Promise.all([a(), b()]);
});
`,
    options: [
      {
        additionalHandlers: [
          { object: 'hub', method: 'onClient' },
          { method: 'subscribe', event: 'session' },
        ],
      },
    ],
  },
  // Bounded gathers: a race with a deadline or the connection's end, every member given a signal or a timeout.
  `
wss.on('connection', async (ws) => {
  const signal = abortOnClose(ws);
  await Promise.race([loadState(ws), timeout(5000)]);
  await Promise.race([work(), new Promise((_, reject) => setTimeout(() => reject(new Error('slow')), 1000))]);
  await Promise.any([pump(ws), closed]);
  await Promise.race([pump(ws), once(signal, 'abort')]);
  await Promise.all([fetch(a, { signal }), fetch(b, { signal: controller.signal })]);
  await Promise.all(urls.map((u) => fetch(u, { signal: AbortSignal.timeout(2000) }).then((r) => r.json())));
  await Promise.allSettled(ids.map(async (id) => {
    const row = await load(id, signal);
    return row;
  }));
  await Promise.all([withTimeout(a(), 1000), b().timeout(500), c({ timeoutMs: 500 }), d(ws, { timeout: 1000 })]);
});
`,
  // Outside connection lifetimes: startup, shutdown, HTTP routes, helpers no handler calls.
  `
import { WebSocketServer } from 'ws';
const wss = new WebSocketServer({ port: 0 });
async function main() {
  await Promise.all([db.connect(), cache.connect()]);
  wss.on('connection', (ws) => ws.send('hi'));
}
async function shutdown() {
  await Promise.all([...wss.clients].map((ws) => closeSocket(ws)));
}
app.get('/rooms', async (req, res) => {
  res.json(await Promise.all(rooms.map((room) => room.summary())));
});
async function broadcast(ws, message) {
  await Promise.all(peers.map((peer) => peer.send(message)));
}
`,
  // Named like a handler but its first parameter is not a socket; a socket parameter in a function not named like one.
  `
class Consumer {
  async onMessage(payload) { await Promise.all(payload.items.map(store)); }
  async onConnect(client) { await Promise.all([client.query('a'), client.query('b')]); }
}
async function handleData(socket, chunk) { await Promise.all([parse(chunk), log(socket)]); }
`,
  // A class instantiated outside any handler, or without arguments, is not a per-connection object.
  `
class Registry {
  async refresh() { await Promise.all([a(), b()]); }
}
const registry = new Registry(config);
wss.on('connection', (ws) => {
  const cache = new Registry();
  ws.send('ok');
});
`,
  // NestJS: afterInit runs once; handleConnection of a class that implements something else.
  `
class EventsGateway implements OnGatewayInit {
  async afterInit(server) { await Promise.all([a(), b()]); }
}
class Jobs implements OnModuleInit {
  async handleConnection(client) { await Promise.all([a(), b()]); }
}
`,
  // A function only referenced (not called or registered) by a handler's neighbour at top level.
  `
async function flushAll() { await Promise.all(queues.map((q) => q.flush())); }
setInterval(flushAll, 1000);
wss.on('connection', (ws) => { ws.send('ready'); });
`,
  // Three calls away is past the default depth of two.
  `
wss.on('connection', (ws) => {
  log(ws);
  first(ws);
});
function first(ws) { return second(ws); }
function second(ws) { return third(ws); }
async function third(ws) {
  await Promise.all([a(ws), b(ws)]);
}
`,
];

const invalid: InvalidTestCase<MessageIds, Options>[] = [
  // ws, inline; no `signal` in scope so only the fan-out suggestion; import added after the last import.
  {
    code: `
import { WebSocketServer } from 'ws';
const wss = new WebSocketServer({ port: 0 });
wss.on('connection', async (ws) => {
  await Promise.all([receiveLoop(ws), heartbeat(ws)]);
});
`,
    errors: [
      {
        messageId: 'combinatorInHandler',
        data: at('all', 'awaited', "`'connection'` listener", WS),
        line: 5,
        column: 9,
        endColumn: 20,
        suggestions: [
          {
            messageId: 'suggestGatherWithLogging',
            data: { label: 'ws-handler' },
            output: `
import { WebSocketServer } from 'ws';
import { gatherWithLogging } from '@ghostguard/runtime';
const wss = new WebSocketServer({ port: 0 });
wss.on('connection', async (ws) => {
  await gatherWithLogging([() => receiveLoop(ws), () => heartbeat(ws)], { label: 'ws-handler' });
});
`,
          },
        ],
      },
    ],
  },
  // With a `signal` binding: both suggestions; an existing runtime import is extended.
  {
    code: `
import { watchWebSocket } from '@ghostguard/runtime';
wss.on('connection', async function onConnection(ws) {
  const { signal } = watchWebSocket(ws);
  await Promise.all([receiveLoop(ws, signal), this.heartbeat(ws)]);
});
`,
    errors: [
      {
        messageId: 'combinatorInHandler',
        suggestions: [
          {
            messageId: 'suggestSuperviseSession',
            data: { label: 'onConnection' },
            output: `
import { watchWebSocket, superviseSession } from '@ghostguard/runtime';
wss.on('connection', async function onConnection(ws) {
  const { signal } = watchWebSocket(ws);
  await superviseSession({ label: 'onConnection', signal }, (session) => {
    session.lifetime('receiveLoop', () => receiveLoop(ws, signal));
    session.lifetime('heartbeat', () => this.heartbeat(ws));
  });
});
`,
          },
          {
            messageId: 'suggestGatherWithLogging',
            output: `
import { watchWebSocket, gatherWithLogging } from '@ghostguard/runtime';
wss.on('connection', async function onConnection(ws) {
  const { signal } = watchWebSocket(ws);
  await gatherWithLogging([() => receiveLoop(ws, signal), () => this.heartbeat(ws)], { label: 'onConnection' });
});
`,
          },
        ],
      },
    ],
  },
  // A `signal` declared after the combinator: superviseSession({ signal }) would read it in its
  // temporal dead zone and throw, so only the gatherWithLogging rewrite is offered.
  {
    code: `
wss.on('connection', async function onConnection(ws) {
  await Promise.all([greet(ws), this.heartbeat(ws)]);
  const signal = AbortSignal.timeout(1000);
  await drain(signal);
});
`,
    errors: [
      {
        messageId: 'combinatorInHandler',
        suggestions: [
          {
            messageId: 'suggestGatherWithLogging',
            output: `
import { gatherWithLogging } from '@ghostguard/runtime';
wss.on('connection', async function onConnection(ws) {
  await gatherWithLogging([() => greet(ws), () => this.heartbeat(ws)], { label: 'onConnection' });
  const signal = AbortSignal.timeout(1000);
  await drain(signal);
});
`,
          },
        ],
      },
    ],
  },
  // socket.io with a hoisted function declaration; `return` and `.then` chains have no mechanical rewrite.
  {
    code: `
io.on('connection', onConnection);
async function onConnection(socket) {
  socket.on('join', () => Promise.race([join(socket), rejoin(socket)]).then(ack));
  return Promise.any([a(), b()]);
}
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('race', 'chained', "`'connection'` listener", SOCKET_IO), line: 4, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('any', 'returned', "`'connection'` listener", SOCKET_IO), line: 5, suggestions: [] },
    ],
  },
  // net servers, `once`/`addListener`/`prependListener`, the `connect` event, `.catch`/`.finally`.
  {
    code: `
const net = require('node:net');
net.createServer().once('connection', (socket) => Promise.allSettled([a(socket)]).catch(log));
server.addListener('connect', async (socket) => {
  await Promise.all([a(socket)]).finally(done);
});
server.prependListener(\`connection\`, async (socket) => (await Promise.race([a(), b()])) ?? fallback);
`,
    languageOptions: commonJsLanguageOptions,
    filename: 'common.cjs',
    errors: [
      { messageId: 'combinatorInHandler', data: at('allSettled', 'chained', "`'connection'` listener", NET), line: 3, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('all', 'chained', "`'connect'` listener", NET), line: 5, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('race', 'awaited', "`'connection'` listener", NET), line: 7, suggestions: [] },
    ],
  },
  // @fastify/websocket shorthand route: `.map` with an arrow mapper becomes thunks; label from the array.
  {
    code: `
import websocket from '@fastify/websocket';
fastify.get('/ws', { websocket: true }, async (socket, req) => {
  await Promise.allSettled(jobs.map((job) => run(job, socket)));
});
`,
    errors: [
      {
        messageId: 'combinatorInHandler',
        data: at('allSettled', 'awaited', '@fastify/websocket handler', FASTIFY),
        suggestions: [
          {
            messageId: 'suggestGatherWithLogging',
            data: { label: 'jobs' },
            output: `
import websocket from '@fastify/websocket';
import { gatherWithLogging } from '@ghostguard/runtime';
fastify.get('/ws', { websocket: true }, async (socket, req) => {
  await gatherWithLogging(jobs.map((job) => () => run(job, socket)), { label: 'jobs' });
});
`,
          },
        ],
      },
    ],
  },
  // @fastify/websocket route(): `handler` alone, `wsHandler` beside an HTTP handler, options via a const, named handler.
  {
    code: `
fastify.route({ method: 'GET', url: '/a', websocket: true, handler: async (socket) => Promise.all([a()]) });
fastify.route({ method: 'GET', url: '/b', websocket: true, handler: httpHandler, wsHandler: onSocket });
const wsOptions = { websocket: true };
fastify.get('/c', wsOptions, onSocket);
async function onSocket(socket) {
  return Promise.all([b()]);
}
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'returned', '@fastify/websocket handler', FASTIFY), line: 2, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('all', 'returned', '@fastify/websocket handler', FASTIFY), line: 7, suggestions: [] },
    ],
  },
  // uWebSockets.js: arrow property, method shorthand, a behaviour object held in a const.
  {
    code: `
app.ws('/*', {
  open: async (ws) => {
    await Promise.race([a(ws), b(ws)]);
  },
  message(ws, message) {
    Promise.all([a(message)]).then(() => ws.send('ok'));
  },
});
const behaviour = { close: async (ws) => { await Promise.any([a(ws)]); } };
app.ws('/other', behaviour);
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('race', 'awaited', 'uWebSockets.js `open` handler', DISCONNECT_SIGNALS), line: 4, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('all', 'chained', 'uWebSockets.js `message` handler', DISCONNECT_SIGNALS), line: 7, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('any', 'awaited', 'uWebSockets.js `close` handler', DISCONNECT_SIGNALS), line: 10, suggestions: [] },
    ],
  },
  // express-ws: `app.ws(path, [middleware,] handler)`, also on a router.
  {
    code: `
const expressWs = require('express-ws')(app);
app.ws('/echo', async (ws, req) => {
  await Promise.race([a(ws), b(req)]);
});
router.ws('/feed', authenticate, function (ws, req) {
  return Promise.all([a(ws)]);
});
`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
    errors: [
      { messageId: 'combinatorInHandler', data: at('race', 'awaited', 'express-ws route handler', WS), line: 4, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('all', 'returned', 'express-ws route handler', WS), line: 7, suggestions: [] },
    ],
  },
  // NestJS gateway lifecycle methods and @SubscribeMessage handlers.
  {
    code: `
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
@WebSocketGateway({ cors: true })
export class EventsGateway {
  async handleConnection(client: Socket) {
    await Promise.race([this.auth(client), this.load(client)]);
  }
  handleDisconnect = async (client: Socket) => {
    await Promise.all([this.flush(client)]).then(() => undefined);
  };
  @SubscribeMessage('events')
  async onEvents(client: Socket, data: unknown) {
    return Promise.all([this.save(data)]);
  }
}
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('race', 'awaited', 'NestJS gateway `handleConnection`', DISCONNECT_SIGNALS), line: 6, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('all', 'chained', 'NestJS gateway `handleDisconnect`', DISCONNECT_SIGNALS), line: 9, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('all', 'returned', 'NestJS `@SubscribeMessage` handler', DISCONNECT_SIGNALS), line: 13, suggestions: [] },
    ],
  },
  // Bun: Bun.serve, serve() from 'bun', `export default { fetch, websocket }`.
  {
    code: `
import { serve } from 'bun';
Bun.serve({
  fetch(req, server) { server.upgrade(req); },
  websocket: {
    async open(ws) { return Promise.race([a(ws)]); },
  },
});
serve({ fetch, websocket: { message: async (ws, msg) => Promise.any([a(msg)]) } });
export default {
  fetch,
  websocket: { close: onClose },
};
async function onClose(ws) { return Promise.allSettled([a(ws)]); }
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('race', 'returned', 'Bun `websocket.open` handler', DISCONNECT_SIGNALS), line: 6, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('any', 'returned', 'Bun `websocket.message` handler', DISCONNECT_SIGNALS), line: 9, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('allSettled', 'returned', 'Bun `websocket.close` handler', DISCONNECT_SIGNALS), line: 14, suggestions: [] },
    ],
  },
  // Hono upgradeWebSocket: expression-bodied and block-bodied factories, adapter member call.
  {
    code: `
app.get('/ws', upgradeWebSocket((c) => ({
  onMessage: async (event, ws) => Promise.all([a(event)]).then(ack),
})));
app.get('/ws2', ws.upgradeWebSocket((c) => {
  const room = c.req.param('room');
  return {
    async onClose() { return Promise.race([leave(room)]); },
  };
}));
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'chained', '`upgradeWebSocket` `onMessage` handler', DISCONNECT_SIGNALS), line: 3, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('race', 'returned', '`upgradeWebSocket` `onClose` handler', DISCONNECT_SIGNALS), line: 8, suggestions: [] },
    ],
  },
  // Named references: a const arrow, a const function expression with a type assertion, `this.x`, `this.x.bind(this)`.
  {
    code: `
const onConnection = async (ws: WebSocket) => {
  return Promise.all([a(ws)]);
};
wss.on('connection', onConnection);
const onConnect = async function (socket) { return Promise.race([a(socket)]); } as Handler;
server.on('connect', onConnect!);
class Gateway {
  constructor(private wss: Server, private io: Server) {
    wss.on('connection', this.onWs.bind(this));
    io.on('connection', this.onIo);
  }
  async onWs(ws: WebSocket) {
    return Promise.any([a(ws)]);
  }
  onIo = async (socket: Socket) => Promise.allSettled([a(socket)]);
}
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'returned', "`'connection'` listener", WS), line: 3, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('race', 'returned', "`'connect'` listener"), line: 6, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('any', 'returned', "`'connection'` listener", WS), line: 14, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('allSettled', 'returned', "`'connection'` listener", SOCKET_IO), line: 16, suggestions: [] },
    ],
  },
  // Pure forwarders hand the handler role on: arrow body, `void`/`await`/`return` statements, `this.method(...)`.
  {
    code: `
wss.on('connection', (ws, req) => handle(ws, req));
io.on('connection', async (socket) => { await onSocket(socket); });
server.on('connection', function (socket) { void this.accept(socket); });
async function handle(ws, req) {
  return Promise.all([a(ws)]);
}
async function onSocket(socket) {
  return Promise.race([a(socket)]);
}
class Hub {
  constructor(wss) {
    wss.on('connection', (ws) => { return this.onConnection(ws); });
  }
  async onConnection(ws) {
    return Promise.any([a(ws)]);
  }
}
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'returned', "`'connection'` listener", WS), line: 6, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('race', 'returned', "`'connection'` listener", SOCKET_IO), line: 9, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('any', 'returned', "`'connection'` listener", WS), line: 16, suggestions: [] },
    ],
  },
  // Mutual forwarders: the first lookup meets an unfinished answer, which must not be cached as "no handler".
  {
    code: `
function a(ws) { return b(ws, () => Promise.all([x()])); }
function b(ws) { return a(ws, () => Promise.race([y()])); }
wss.on('connection', a);
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'returned', "`'connection'` listener", WS), line: 2, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('race', 'returned', "`'connection'` listener", WS), line: 3, suggestions: [] },
    ],
  },
  // Deno's native upgrade: `socket.on<event> = fn` and `socket.addEventListener(event, fn)`.
  {
    code: `
Deno.serve((req) => {
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.onmessage = async (event) => Promise.all([a(event)]);
  socket.addEventListener('close', async () => { await Promise.race([b()]).then(done); });
  return response;
});
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'returned', 'Deno socket `onmessage` handler', DISCONNECT_SIGNALS), line: 4, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('race', 'chained', "Deno socket `'close'` listener", DISCONNECT_SIGNALS), line: 5, suggestions: [] },
    ],
  },
  // Nested callbacks inside the handler count; an async mapper moves `async` onto the thunk.
  {
    code: `
wss.on('connection', (ws) => {
  ws.on('message', async (raw) => {
    await Promise.all(subscribers.map(async (s) => { await s.send(raw); }));
  });
});
`,
    errors: [
      {
        messageId: 'combinatorInHandler',
        data: at('all', 'awaited', "`'connection'` listener", WS),
        suggestions: [
          {
            messageId: 'suggestGatherWithLogging',
            data: { label: 'subscribers' },
            output: `
import { gatherWithLogging } from '@ghostguard/runtime';
wss.on('connection', (ws) => {
  ws.on('message', async (raw) => {
    await gatherWithLogging(subscribers.map((s) => async () => { await s.send(raw); }), { label: 'subscribers' });
  });
});
`,
          },
        ],
      },
    ],
  },
  // A combinator nested in a reported combinator's arguments is covered by the outer report.
  {
    code: `
wss.on('connection', async (ws) => {
  const results = await Promise.all(rooms.map((room) => Promise.all(room.members.map(notify))));
});
`,
    errors: [{ messageId: 'combinatorInHandler', line: 3, column: 25, suggestions: [] }],
  },
  // Stored, then awaited; computed access; globalThis.Promise; optional call; TS wrappers; async generator yield.
  {
    code: `
wss.on('connection', async (ws) => {
  const everything = Promise.all([a(), b()]);
  await everything;
  await Promise['allSettled']([a()]);
  await globalThis.Promise.race([a()]);
  await (Promise.any?.([a()]) as Promise<unknown>);
  async function* updates() {
    yield Promise.all([a()]);
  }
});
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'awaited', "`'connection'` listener", WS), line: 3, suggestions: [] },
      {
        messageId: 'combinatorInHandler',
        data: at('allSettled', 'awaited', "`'connection'` listener", WS),
        line: 5,
        suggestions: [
          {
            messageId: 'suggestGatherWithLogging',
            output: `
import { gatherWithLogging } from '@ghostguard/runtime';
wss.on('connection', async (ws) => {
  const everything = Promise.all([a(), b()]);
  await everything;
  await gatherWithLogging([() => a()], { label: 'ws-handler' });
  await globalThis.Promise.race([a()]);
  await (Promise.any?.([a()]) as Promise<unknown>);
  async function* updates() {
    yield Promise.all([a()]);
  }
});
`,
          },
        ],
      },
      { messageId: 'combinatorInHandler', data: at('race', 'awaited', "`'connection'` listener", WS), line: 6, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('any', 'awaited', "`'connection'` listener", WS), line: 7, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('all', 'awaited', "`'connection'` listener", WS), line: 9, suggestions: [] },
    ],
  },
  // Result used, non-call elements, spread, function mapper, identifier mapper, `await` in an element: no mechanical rewrite.
  {
    code: `
wss.on('connection', async (ws) => {
  const [user, room] = await Promise.all([loadUser(ws), loadRoom(ws)]);
  await Promise.all([pending, b()]);
  await Promise.all([...tasks]);
  await Promise.all(items.map(function (item) { return send(item); }));
  await Promise.all(items.map(send));
  await Promise.all(tasks);
  await Promise.all([send(await token()), flush()]);
});
`,
    errors: [3, 4, 5, 6, 7, 8, 9].map((line) => ({ messageId: 'combinatorInHandler' as const, line, suggestions: [] })),
  },
  // Options: receiver-bound method, event-bound method, object-literal properties.
  {
    code: `
hub.onClient(async (client) => {
  await Promise.race([a(client)]);
});
bus.subscribe('session', async (session) => Promise.all([a(session)]));
this.server.websocket({ onOpen: async (peer) => Promise.any([a(peer)]), onRequest: async () => Promise.all([b()]) });
`,
    options: [
      {
        additionalHandlers: [
          { object: 'hub', method: 'onClient' },
          { method: 'subscribe', event: 'session' },
          { object: 'this.server', method: 'websocket', properties: ['onOpen'] },
        ],
      },
    ],
    errors: [
      { messageId: 'combinatorInHandler', data: at('race', 'awaited', '`onClient` handler'), line: 3, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('all', 'returned', '`subscribe` handler'), line: 5, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('any', 'returned', '`websocket` `onOpen` handler'), line: 6, suggestions: [] },
    ],
  },
  // CommonJS: a new `require` goes after the last one, in the file's double quotes and no-semicolon style.
  {
    code: `
"use strict"
const { WebSocketServer } = require("ws")
new WebSocketServer({ port: 0 }).on("connection", async (ws) => {
  await Promise.all(peers.map((peer) => peer.notify(ws)))
})
`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
    errors: [
      {
        messageId: 'combinatorInHandler',
        suggestions: [
          {
            messageId: 'suggestGatherWithLogging',
            output: `
"use strict"
const { WebSocketServer } = require("ws")
const { gatherWithLogging } = require("@ghostguard/runtime")
new WebSocketServer({ port: 0 }).on("connection", async (ws) => {
  await gatherWithLogging(peers.map((peer) => () => peer.notify(ws)), { label: "peers" })
})
`,
          },
        ],
      },
    ],
  },
  // CommonJS with an existing runtime require: it is extended, and both suggestions use it.
  {
    code: `
const { drainTasks } = require('@ghostguard/runtime');
wss.on('connection', async (ws) => {
  const signal = abortOnClose(ws);
  await Promise.all([pump(ws), ping(ws)]);
});
`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
    errors: [
      {
        messageId: 'combinatorInHandler',
        suggestions: [
          {
            messageId: 'suggestSuperviseSession',
            output: `
const { drainTasks, superviseSession } = require('@ghostguard/runtime');
wss.on('connection', async (ws) => {
  const signal = abortOnClose(ws);
  await superviseSession({ label: 'ws-handler', signal }, (session) => {
    session.lifetime('pump', () => pump(ws));
    session.lifetime('ping', () => ping(ws));
  });
});
`,
          },
          {
            messageId: 'suggestGatherWithLogging',
            output: `
const { drainTasks, gatherWithLogging } = require('@ghostguard/runtime');
wss.on('connection', async (ws) => {
  const signal = abortOnClose(ws);
  await gatherWithLogging([() => pump(ws), () => ping(ws)], { label: 'ws-handler' });
});
`,
          },
        ],
      },
    ],
  },
  // A namespace import is reused; a `session` already in use gets a different parameter name; .mjs.
  {
    code: `
import * as gg from '@ghostguard/runtime';
wss.on('connection', async (ws, signal) => {
  await Promise.all([session.pump(ws), gg.watch(ws)]);
});
`,
    filename: 'module.mjs',
    errors: [
      {
        messageId: 'combinatorInHandler',
        suggestions: [
          {
            messageId: 'suggestSuperviseSession',
            output: `
import * as gg from '@ghostguard/runtime';
wss.on('connection', async (ws, signal) => {
  await gg.superviseSession({ label: 'ws-handler', signal }, (ggSession) => {
    ggSession.lifetime('pump', () => session.pump(ws));
    ggSession.lifetime('watch', () => gg.watch(ws));
  });
});
`,
          },
          {
            messageId: 'suggestGatherWithLogging',
            output: `
import * as gg from '@ghostguard/runtime';
wss.on('connection', async (ws, signal) => {
  await gg.gatherWithLogging([() => session.pump(ws), () => gg.watch(ws)], { label: 'ws-handler' });
});
`,
          },
        ],
      },
    ],
  },
  // A clashing local name means no suggestion that would need it; comments keep the supervise rewrite away; .js.
  {
    code: `
function gatherWithLogging() {}
wss.on('connection', async (ws) => {
  const signal = ws.signal;
  await Promise.all([
    pump(ws), // reads frames
    ping(ws),
  ]);
});
`,
    filename: 'script.js',
    errors: [{ messageId: 'combinatorInHandler', line: 5, suggestions: [] }],
  },
  // Handlers registered from another module, known by name and socket parameter: a uWebSockets.js handler
  // class whose close path reaches a gather two calls down.
  {
    code: `
import { WebSocket } from 'uWebSockets.js';
export class Hub {
  onClose(ws: WebSocket, code: number): void {
    if (code !== 4000) this.forget(ws);
  }
  forget(ws: WebSocket): Promise<void> {
    return this.dropSubscriptions(ws).then(() => this.count--);
  }
  dropSubscriptions(ws: WebSocket): Promise<void> {
    return Promise.all(ws.channels.map((c) => this.leave(ws, c))).then(() => undefined);
  }
}
`,
    errors: [
      {
        messageId: 'combinatorInHandler',
        data: at('all', 'chained', '`onClose`, named as a connection handler', DISCONNECT_SIGNALS, ', through its calls to `forget` → `dropSubscriptions`'),
        line: 11,
        suggestions: [],
      },
    ],
  },
  // A CommonJS message-router module: `exports.handleMessage(socket, ...)` dispatches to same-file functions;
  // socket.io members tell the server. A nested awaited gather in a mapper is its own wait.
  {
    code: `
const rooms = require('./rooms');
exports.handleMessage = async (socket, message) => {
  if (socket.rooms.size > 8) return;
  if (message.type === 'JOIN') await onJoin(socket, message);
  else if (message.type === 'HISTORY') await sendHistory(socket, message.from);
};
const onJoin = async (socket, message) => {
  socket.join(message.room);
  const members = rooms.members(message.room);
  const sent = await Promise.all(members.map(async (id) => {
    const [name, color] = await Promise.all([names.get(id), colors.get(id)]);
    socket.emit('member', { id, name, color });
  }));
};
async function sendHistory(socket, from) {
  socket.emit('history', await exports.loadHistory(from));
}
exports.loadHistory = async (from) => {
  const pending = Promise.all([log.read(from), log.authors(from)]);
  return (await pending)[0];
};
exports.roomReport = async (room) => Promise.all(rooms.members(room).map(describe));
`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'awaited', '`handleMessage`, named as a connection handler', SOCKET_IO, ', through its call to `onJoin`'), line: 11, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('all', 'awaited', '`handleMessage`, named as a connection handler', SOCKET_IO, ', through its call to `onJoin`'), line: 12, suggestions: [] },
      {
        messageId: 'combinatorInHandler',
        data: at('all', 'awaited', '`handleMessage`, named as a connection handler', SOCKET_IO, ', through its calls to `sendHistory` → `loadHistory`'),
        line: 20,
        suggestions: [],
      },
    ],
  },
  // Exported and private functions named like handlers, with the server from the file's import.
  {
    code: `
import { WebSocket } from 'ws';
export async function handleConnection(ws) {
  const [name] = await Promise.all([greet(ws), load(ws)]);
}
const _onSocketClose = async (clientSocket: WebSocket) => Promise.allSettled([save(clientSocket)]);
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'awaited', '`handleConnection`, named as a connection handler', WS), line: 4, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('allSettled', 'returned', '`_onSocketClose`, named as a connection handler', 'the signal from `watchWebSocket(clientSocket)`'), line: 6, suggestions: [] },
    ],
  },
  // socket.io per-socket listeners registered by reference, and a close handler calling a cleanup method.
  {
    code: `
import { Server } from 'socket.io';
const io = new Server();
io.on('connection', (socket) => {
  socket.on('disconnect', onLeave);
  socket.on('resync', resync.bind(null, socket));
});
async function onLeave(reason) {
  const done = await Promise.all([presence.remove(this.id), rooms.leaveAll(this.id)]);
}
async function resync(socket) {
  return Promise.race([snapshot(socket), replay(socket)]);
}
class Gateway {
  attach(wss) {
    wss.on('connection', (ws) => {
      const timer = setInterval(() => ws.ping(), 1000);
      ws.on('close', () => {
        clearInterval(timer);
        this.cleanup(ws);
      });
    });
  }
  async cleanup(ws) {
    return await Promise.all([this.store.release(ws), this.metrics.flush()]);
  }
}
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'awaited', "`'connection'` listener", SOCKET_IO), line: 9, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('race', 'returned', "`'connection'` listener", SOCKET_IO), line: 12, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('all', 'awaited', "`'connection'` listener", WS, ', through its call to `cleanup`'), line: 25, suggestions: [] },
    ],
  },
  // A handler calling a same-file function: one level, from a handler that does more than forward.
  {
    code: `
async function handle(ws) {
  const results = await Promise.all([a(ws), b(ws)]);
}
wss.on('connection', (ws) => {
  log(ws);
  handle(ws);
});
class Server {
  start() {
    this.wss.on('connection', (ws) => this.track(ws) && this.serve(ws));
  }
  async serve(ws) {
    await Promise.all([a(ws), b(ws)]).finally(() => ws.close());
  }
}
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'awaited', "`'connection'` listener", WS, ', through its call to `handle`'), line: 3, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('all', 'chained', "`'connection'` listener", WS, ', through its call to `serve`'), line: 14, suggestions: [] },
    ],
  },
  // A per-connection object: a same-file class the handler constructs with its socket.
  {
    code: `
wss.on('connection', (ws, req) => {
  new Session(ws, req).start();
});
class Session {
  constructor(private ws: WebSocket, private req: Request) {}
  async start() {
    this.ws.on('close', () => this.stop());
  }
  async stop() {
    const [flushed] = await Promise.all([this.flush(), this.unsubscribe()]);
  }
}
`,
    errors: [
      {
        messageId: 'combinatorInHandler',
        data: at('all', 'awaited', "`Session` object created per connection in `'connection'` listener", WS),
        line: 11,
        suggestions: [],
      },
    ],
  },
  // A cleanup function a handler returns (custom registration), and NestJS without the decorator.
  {
    code: `
hub.onClient((client) => {
  client.subscribe();
  return dispose;
});
async function dispose() {
  return (await Promise.all([a(), b()])).length;
}
class ChatGateway implements OnGatewayConnection, OnGatewayDisconnect {
  async handleDisconnect(client) {
    const left = await Promise.all([this.rooms.leave(client)]);
  }
}
class Handlers {
  @SubscribeMessage('typing')
  async typing(client, body) {
    return Promise.all([this.notify(body)]);
  }
}
`,
    options: [{ additionalHandlers: [{ object: 'hub', method: 'onClient' }] }],
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'awaited', '`onClient` handler'), line: 7, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('all', 'awaited', 'NestJS gateway `handleDisconnect`', DISCONNECT_SIGNALS), line: 11, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('all', 'returned', 'NestJS `@SubscribeMessage` handler', DISCONNECT_SIGNALS), line: 17, suggestions: [] },
    ],
  },
  // uWebSockets.js and express-ws with a computed route pattern; a race without a deadline member.
  {
    code: `
app.ws(prefix + '/live', {
  close: async (ws) => {
    await Promise.all([forget(ws)]).catch(log);
  },
});
router.ws(routes.feed, (ws) => Promise.race([first(ws), second(ws)]));
`,
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'chained', 'uWebSockets.js `close` handler', DISCONNECT_SIGNALS), line: 4, suggestions: [] },
      { messageId: 'combinatorInHandler', data: at('race', 'returned', 'express-ws route handler', WS), line: 7, suggestions: [] },
    ],
  },
  // callDepth widens how far calls are followed.
  {
    code: `
wss.on('connection', (ws) => {
  log(ws);
  first(ws);
});
function first(ws) { return second(ws); }
function second(ws) { return third(ws); }
async function third(ws) {
  return Promise.all([a(ws), b(ws)]);
}
`,
    options: [{ callDepth: 3 }],
    errors: [
      { messageId: 'combinatorInHandler', data: at('all', 'returned', "`'connection'` listener", WS, ', through its calls to `first` → `second` → `third`'), line: 9, suggestions: [] },
    ],
  },
  // TSX files.
  {
    code: `
const view = <div />;
wss.on('connection', async (ws) => Promise.all([a(ws)]));
`,
    filename: 'react.tsx',
    errors: [{ messageId: 'combinatorInHandler', line: 3, suggestions: [] }],
  },
];

describe('no-promise-all-in-ws-handler', () => {
  untypedRuleTester.run('untyped', rule, { valid, invalid });
  typedRuleTester.run('typed', rule, { valid, invalid });

  // Types tell a client socket's `'connect'` (its own outgoing connection) from a server's.
  const clientSocket = `
import net from 'node:net';
const socket = net.connect(80, 'example.test');
socket.on('connect', async () => {
  await Promise.all([hello(socket)]);
});
declare function hello(socket: net.Socket): Promise<void>;
`;
  typedRuleTester.run('typed: client sockets', rule, {
    valid: [clientSocket],
    invalid: [
      {
        code: `
import net from 'node:net';
net.createServer().on('connection', async (socket) => {
  await Promise.race([hello(socket)]);
});
declare function hello(socket: net.Socket): Promise<void>;
`,
        errors: [{ messageId: 'combinatorInHandler', line: 4, suggestions: [] }],
      },
    ],
  });
  untypedRuleTester.run('untyped: client sockets', rule, {
    valid: [],
    invalid: [
      {
        code: clientSocket,
        errors: [
          {
            messageId: 'combinatorInHandler',
            suggestions: [
              {
                messageId: 'suggestGatherWithLogging',
                output: `
import net from 'node:net';
import { gatherWithLogging } from '@ghostguard/runtime';
const socket = net.connect(80, 'example.test');
socket.on('connect', async () => {
  await gatherWithLogging([() => hello(socket)], { label: 'ws-handler' });
});
declare function hello(socket: net.Socket): Promise<void>;
`,
              },
            ],
          },
        ],
      },
    ],
  });
});

const plugin = { rules: { 'no-promise-all-in-ws-handler': rule as never } };

describe('no-promise-all-in-ws-handler with the default parser (espree)', () => {
  const code = `
const { WebSocketServer } = require('ws');
new WebSocketServer({ port: 0 }).on('connection', async (ws) => {
  await Promise.all([pump(ws), ping(ws)]);
});
`;

  it.each(['module', 'commonjs'] as const)('reports without typescript-eslint parser services (%s)', (sourceType) => {
    const messages = new Linter({ configType: 'flat' }).verify(code, {
      languageOptions: { sourceType },
      plugins: { ghostguard: plugin },
      rules: { 'ghostguard/no-promise-all-in-ws-handler': 'error' },
    });
    expect(messages.map((m) => [m.ruleId, m.line, m.column, m.suggestions?.length])).toEqual([
      ['ghostguard/no-promise-all-in-ws-handler', 4, 9, 1],
    ]);
    expect(messages[0]?.message).toBe(
      "`Promise.all` is awaited inside a connection handler (`'connection'` listener): it can wait forever on a task that hangs after the client has left, and the connection then stays a ghost (its cleanup never runs). Use `superviseSession` (or `superviseTasks` + `drainTasks`) from @ghostguard/runtime for lifetime tasks, with the signal from `watchWebSocket(ws)`, and `gatherWithLogging` with `timeoutMs` for fan-out.",
    );
    expect(messages[0]?.suggestions?.[0]?.desc).toBe(
      "Run the fan-out with `gatherWithLogging` (label 'ws-handler'): logs each failure, never rejects, takes `timeoutMs`/`maxConcurrency`.",
    );
  });
});

describe('no-promise-all-in-ws-handler options schema', () => {
  function lintWith(options: unknown): Linter.LintMessage[] {
    return new Linter({ configType: 'flat' }).verify('wss.on("connection", () => {});', {
      plugins: { ghostguard: plugin },
      rules: { 'ghostguard/no-promise-all-in-ws-handler': ['error', options] },
    });
  }

  it('accepts a well-formed pattern list', () => {
    expect(lintWith({ additionalHandlers: [{ method: 'onClient', object: 'hub', event: 'x', properties: ['open'] }] })).toEqual([]);
  });

  // ESLint prints the offending value (and the property name for missing or unknown keys).
  it.each([
    [{ handlers: [] }, /Unexpected property "handlers"\. Expected properties: "additionalHandlers"/],
    [{ additionalHandlers: [{ object: 'hub' }] }, /required property 'method'/],
    [{ additionalHandlers: [{ method: 'on', extra: true }] }, /Unexpected property "extra"/],
    [{ additionalHandlers: [{ method: '' }] }, /Value "" should NOT be shorter than 1 characters/],
    [{ additionalHandlers: [{ method: 'on', properties: 'open' }] }, /Value "open" should be array/],
    [{ additionalHandlers: 'on' }, /Value "on" should be array/],
  ])('rejects %j', (options, pattern) => {
    expect(() => lintWith(options)).toThrow(pattern);
  });
});
