import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/no-promise-all-in-ws-handler.js';
import { commonJsLanguageOptions, typedRuleTester, untypedRuleTester } from '../rule-tester.js';

type MessageIds = 'combinatorInHandler' | 'suggestGatherWithLogging' | 'suggestSuperviseSession';
type Options = [{ additionalHandlers?: { method: string; object?: string; event?: string; properties?: string[] }[] }];

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
  // Called from a handler that does more than forward: only lexical nesting and pure forwarders count.
  `
async function handle(ws) {
  await Promise.all([a(ws), b(ws)]);
}
wss.on('connection', (ws) => {
  log(ws);
  handle(ws);
});
`,
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
  // A class method called by a handler that does more than forward.
  `
class Server {
  start() {
    this.wss.on('connection', (ws) => this.track(ws) && this.onConnection(ws));
  }
  async onConnection(ws) {
    await Promise.all([a(ws), b(ws)]);
  }
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
        data: { method: 'all', usage: 'awaited', handler: "`'connection'` listener" },
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
  socket.on('join', () => Promise.race([join(socket), timeout(1000)]).then(ack));
  return Promise.any([a(), b()]);
}
`,
    errors: [
      { messageId: 'combinatorInHandler', data: { method: 'race', usage: 'chained', handler: "`'connection'` listener" }, line: 4, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'any', usage: 'returned', handler: "`'connection'` listener" }, line: 5, suggestions: [] },
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
      { messageId: 'combinatorInHandler', data: { method: 'allSettled', usage: 'chained', handler: "`'connection'` listener" }, line: 3, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'chained', handler: "`'connect'` listener" }, line: 5, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'race', usage: 'awaited', handler: "`'connection'` listener" }, line: 7, suggestions: [] },
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
        data: { method: 'allSettled', usage: 'awaited', handler: '@fastify/websocket handler' },
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
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'returned', handler: '@fastify/websocket handler' }, line: 2, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'returned', handler: '@fastify/websocket handler' }, line: 7, suggestions: [] },
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
      { messageId: 'combinatorInHandler', data: { method: 'race', usage: 'awaited', handler: 'uWebSockets.js `open` handler' }, line: 4, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'chained', handler: 'uWebSockets.js `message` handler' }, line: 7, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'any', usage: 'awaited', handler: 'uWebSockets.js `close` handler' }, line: 10, suggestions: [] },
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
      { messageId: 'combinatorInHandler', data: { method: 'race', usage: 'awaited', handler: 'express-ws route handler' }, line: 4, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'returned', handler: 'express-ws route handler' }, line: 7, suggestions: [] },
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
      { messageId: 'combinatorInHandler', data: { method: 'race', usage: 'awaited', handler: 'NestJS gateway `handleConnection`' }, line: 6, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'chained', handler: 'NestJS gateway `handleDisconnect`' }, line: 9, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'returned', handler: 'NestJS `@SubscribeMessage` handler' }, line: 13, suggestions: [] },
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
      { messageId: 'combinatorInHandler', data: { method: 'race', usage: 'returned', handler: 'Bun `websocket.open` handler' }, line: 6, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'any', usage: 'returned', handler: 'Bun `websocket.message` handler' }, line: 9, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'allSettled', usage: 'returned', handler: 'Bun `websocket.close` handler' }, line: 14, suggestions: [] },
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
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'chained', handler: '`upgradeWebSocket` `onMessage` handler' }, line: 3, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'race', usage: 'returned', handler: '`upgradeWebSocket` `onClose` handler' }, line: 8, suggestions: [] },
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
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'returned', handler: "`'connection'` listener" }, line: 3, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'race', usage: 'returned', handler: "`'connect'` listener" }, line: 6, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'any', usage: 'returned', handler: "`'connection'` listener" }, line: 14, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'allSettled', usage: 'returned', handler: "`'connection'` listener" }, line: 16, suggestions: [] },
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
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'returned', handler: "`'connection'` listener" }, line: 6, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'race', usage: 'returned', handler: "`'connection'` listener" }, line: 9, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'any', usage: 'returned', handler: "`'connection'` listener" }, line: 16, suggestions: [] },
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
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'returned', handler: "`'connection'` listener" }, line: 2, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'race', usage: 'returned', handler: "`'connection'` listener" }, line: 3, suggestions: [] },
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
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'returned', handler: 'Deno socket `onmessage` handler' }, line: 4, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'race', usage: 'chained', handler: "Deno socket `'close'` listener" }, line: 5, suggestions: [] },
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
        data: { method: 'all', usage: 'awaited', handler: "`'connection'` listener" },
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
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'awaited', handler: "`'connection'` listener" }, line: 3, suggestions: [] },
      {
        messageId: 'combinatorInHandler',
        data: { method: 'allSettled', usage: 'awaited', handler: "`'connection'` listener" },
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
      { messageId: 'combinatorInHandler', data: { method: 'race', usage: 'awaited', handler: "`'connection'` listener" }, line: 6, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'any', usage: 'awaited', handler: "`'connection'` listener" }, line: 7, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'awaited', handler: "`'connection'` listener" }, line: 9, suggestions: [] },
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
      { messageId: 'combinatorInHandler', data: { method: 'race', usage: 'awaited', handler: '`onClient` handler' }, line: 3, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'all', usage: 'returned', handler: '`subscribe` handler' }, line: 5, suggestions: [] },
      { messageId: 'combinatorInHandler', data: { method: 'any', usage: 'returned', handler: '`websocket` `onOpen` handler' }, line: 6, suggestions: [] },
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
      "`Promise.all` is awaited inside a connection handler (`'connection'` listener): it can wait forever on a task that hangs after the client has left, and the connection then stays a ghost (its cleanup never runs). Use `superviseSession` (or `superviseTasks` + `drainTasks`) from @ghostguard/runtime for lifetime tasks and `gatherWithLogging` for fan-out.",
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
