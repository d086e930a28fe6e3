import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { describe, expect, it } from 'vitest';
import { disconnectSignalSource } from '../../src/utils/runtime-helpers.js';
import { createWsHandlerDetector, type WsHandlerOptions } from '../../src/utils/ws-handler.js';
import { probe } from './probe.js';

/** For each `probe(0)` in `code`: `kind: description` of the handler around it, or null. */
function handlersAround(code: string, options?: WsHandlerOptions): (string | null)[] {
  return probe(code, (context, node) => {
    const found = createWsHandlerDetector(context, options).enclosingHandler(node);
    return found && `${found.kind}: ${found.description}`;
  });
}

describe('createWsHandlerDetector().enclosingHandler', () => {
  it('recognises every built-in framework shape', () => {
    expect(
      handlersAround(`
        wss.on('connection', (ws) => { probe(0); });
        server.once('connect', function (socket) { probe(0); });
        fastify.get('/ws', { websocket: true }, (socket) => { probe(0); });
        fastify.route({ url: '/ws', websocket: true, handler: () => {}, wsHandler: (socket) => { probe(0); } });
        app.ws('/*', { message: (ws, msg) => { probe(0); } });
        app.ws('/echo', (ws, req) => { probe(0); });
        @WebSocketGateway() class Gateway { handleDisconnect() { probe(0); } }
        Bun.serve({ fetch, websocket: { open(ws) { probe(0); } } });
        app.get('/ws', upgradeWebSocket((c) => ({ onClose: () => { probe(0); } })));
        const { socket } = Deno.upgradeWebSocket(req);
        socket.onopen = () => { probe(0); };
      `),
    ).toEqual([
      "connection-listener: `'connection'` listener",
      "connection-listener: `'connect'` listener",
      'fastify-websocket: @fastify/websocket handler',
      'fastify-websocket: @fastify/websocket handler',
      'uwebsockets: uWebSockets.js `message` handler',
      'express-ws: express-ws route handler',
      'nestjs-gateway: NestJS gateway `handleDisconnect`',
      'bun-websocket: Bun `websocket.open` handler',
      'hono-upgrade: `upgradeWebSocket` `onClose` handler',
      'deno-upgrade: Deno socket `onopen` handler',
    ]);
  });

  it('counts nested functions and returns null outside handlers', () => {
    expect(
      handlersAround(`
        probe(0);
        function helper() { probe(0); }
        wss.on('connection', (ws) => {
          ws.on('message', async () => { setTimeout(() => { probe(0); }); });
        });
        wss.on('close', () => { probe(0); });
      `),
    ).toEqual([null, null, "connection-listener: `'connection'` listener", null]);
  });

  it('resolves same-file references, bind, type assertions and forwarders', () => {
    expect(
      handlersAround(`
        io.on('connection', onConnection);
        function onConnection(socket) { probe(0); }
        const onOpen = ((ws) => { probe(0); }) as Handler;
        app.ws('/*', { open: onOpen });
        class Hub {
          start() { this.wss.on('connection', this.accept.bind(this)); }
          accept(ws) { probe(0); }
          listen() { this.io.on('connection', (s) => this.greet(s)); }
          greet = (s) => { probe(0); };
        }
      `),
    ).toEqual([
      "connection-listener: `'connection'` listener",
      'uwebsockets: uWebSockets.js `open` handler',
      "connection-listener: `'connection'` listener",
      "connection-listener: `'connection'` listener",
    ]);
  });

  it('adds option patterns', () => {
    expect(
      handlersAround(
        `
          hub.onClient(() => { probe(0); });
          other.onClient(() => { probe(0); });
          bus.subscribe('session', () => { probe(0); });
          bus.subscribe('metrics', () => { probe(0); });
          server.websocket({ onOpen() { probe(0); }, onRequest() { probe(0); } });
        `,
        {
          additionalHandlers: [
            { object: 'hub', method: 'onClient' },
            { method: 'subscribe', event: 'session' },
            { method: 'websocket', properties: ['onOpen'] },
          ],
        },
      ),
    ).toEqual(['custom: `onClient` handler', null, 'custom: `subscribe` handler', null, 'custom: `websocket` `onOpen` handler', null]);
  });
});

describe('createWsHandlerDetector().classify', () => {
  it('returns the classified function itself, and the same answer when asked twice', () => {
    const results = probe(
      `
        const handler = async (ws) => {};
        wss.on('connection', handler);
        probe(handler);
      `,
      (context, node) => {
        if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
        const init = context.sourceCode.getScope(node).set.get('handler')?.defs[0]?.node;
        if (init?.type !== AST_NODE_TYPES.VariableDeclarator || init.init?.type !== AST_NODE_TYPES.ArrowFunctionExpression) return undefined;
        const detector = createWsHandlerDetector(context);
        const first = detector.classify(init.init);
        return { kind: first?.kind, isSameNode: first?.node === init.init, isMemoised: detector.classify(init.init) === first };
      },
    );
    expect(results).toEqual([{ kind: 'connection-listener', isSameNode: true, isMemoised: true }]);
  });
});

/** For each `probe(0)`: `kind/server/socketName` of the handler around it, or null. */
function serversAround(code: string): (string | null)[] {
  return probe(code, (context, node) => {
    const found = createWsHandlerDetector(context).enclosingHandler(node);
    return found && `${found.kind}/${found.server ?? '?'}/${found.socketName ?? '?'}`;
  });
}

describe('createWsHandlerDetector(): shapes of handlers registered elsewhere', () => {
  it('recognises functions named like handlers whose first parameter is a socket', () => {
    expect(
      handlersAround(`
        exports.handleMessage = async (socket, message) => { probe(0); };
        class Hub { onClose(ws: WebSocket, code: number) { probe(0); } }
        const _onConnect = (parseWebsocket) => { probe(0); };
        export function onSocketDisconnect(clientSocket) { probe(0); }
        function onMessage(data) { probe(0); }
        class Db { onConnect(client) { probe(0); } }
        function handleUpload(socket) { probe(0); }
      `),
    ).toEqual([
      'named-handler: `handleMessage`, named as a connection handler',
      'named-handler: `onClose`, named as a connection handler',
      'named-handler: `_onConnect`, named as a connection handler',
      'named-handler: `onSocketDisconnect`, named as a connection handler',
      null,
      null,
      null,
    ]);
  });

  it('counts functions registered or returned inside a handler, and objects it creates per connection', () => {
    expect(
      handlersAround(`
        io.on('connection', (socket) => {
          socket.on('disconnect', onLeave);
          return release;
        });
        function onLeave() { probe(0); }
        function release() { probe(0); }
        function unrelated() { probe(0); }
        wss.on('connection', (ws) => { new Peer(ws).start(); });
        class Peer { start() { probe(0); } static create() { probe(0); } }
        new Peer(config);
        class Other { run() { probe(0); } }
        const other = new Other(config);
      `),
    ).toEqual([
      "connection-listener: `'connection'` listener",
      "connection-listener: `'connection'` listener",
      null,
      "connection-object: `Peer` object created per connection in `'connection'` listener",
      null,
      null,
    ]);
  });

  it('recognises NestJS lifecycle interfaces and @SubscribeMessage without @WebSocketGateway', () => {
    expect(
      handlersAround(`
        class A implements OnGatewayConnection { handleConnection(client) { probe(0); } handleDisconnect(client) { probe(0); } }
        class B implements nest.OnGatewayDisconnect { handleDisconnect(client) { probe(0); } }
        class C { @SubscribeMessage('x') onX(client, body) { probe(0); } }
      `),
    ).toEqual(['nestjs-gateway: NestJS gateway `handleConnection`', null, 'nestjs-gateway: NestJS gateway `handleDisconnect`', 'nestjs-gateway: NestJS `@SubscribeMessage` handler']);
  });

  it('accepts computed route patterns for uWebSockets.js and express-ws', () => {
    expect(
      handlersAround(`
        app.ws(this.url('/app/:id'), { open: (ws) => { probe(0); } });
        router.ws(\`\${prefix}/feed\`, (ws) => { probe(0); });
        app.ws({ open: () => { probe(0); } });
      `),
    ).toEqual(['uwebsockets: uWebSockets.js `open` handler', 'express-ws: express-ws route handler', null]);
  });
});

describe('createWsHandlerDetector(): which server', () => {
  it('tells the server from the receiver, its initialiser, the imports and socket.io-only members', () => {
    expect(serversAround(`
      io.on('connection', (socket) => { probe(0); });
      io.of('/chat').on('connection', (s) => { probe(0); });
      this.wss.on('connection', (ws) => { probe(0); });
      const server = net.createServer();
      server.on('connection', (conn) => { probe(0); });
      hub.on('connect', (peer) => { probe(0); });
      exports.handleMessage = (socket) => { socket.join('room'); probe(0); };
      exports.handleConnect = (socket) => { probe(0); };
    `)).toEqual([
      'connection-listener/socket.io/socket',
      'connection-listener/socket.io/?',
      'connection-listener/ws/ws',
      'connection-listener/?/conn',
      'connection-listener/?/peer',
      'named-handler/socket.io/socket',
      'named-handler/?/socket',
    ]);
    expect(serversAround(`
      import net from 'node:net';
      const server = net.createServer();
      server.on('connection', (socket) => { probe(0); });
      class H { onOpen(ws: uws.WebSocket) { probe(0); } }
    `)).toEqual(['connection-listener/net/socket', 'named-handler/net/ws']);
    expect(serversAround(`
      import * as uws from 'uWebSockets.js';
      const { Server } = require('socket.io');
      class H { onOpen(ws: uws.WebSocket) { probe(0); } }
      new Server().on('connection', (socket) => { probe(0); });
    `)).toEqual(['named-handler/uwebsockets/ws', 'connection-listener/socket.io/socket']);
  });

  it('names the runtime helper for each server', () => {
    expect(disconnectSignalSource('ws', 'ws')).toBe('the signal from `watchWebSocket(ws)`');
    expect(disconnectSignalSource('fastify-websocket', undefined)).toBe('the signal from `watchWebSocket(socket)`');
    expect(disconnectSignalSource('express-ws', 'client')).toBe('the signal from `watchWebSocket(client)`');
    expect(disconnectSignalSource('socket.io', 'socket')).toBe('the signal from `watchSocketIo(socket)`');
    expect(disconnectSignalSource('net', 'conn')).toBe('the signal from `watchNetSocket(conn)`');
    for (const server of ['nestjs', 'uwebsockets', 'bun', 'hono', 'deno'] as const) {
      expect(disconnectSignalSource(server, 'ws')).toBe('the signal from `createDisconnectSignals`');
    }
    expect(disconnectSignalSource(undefined, 'ws')).toMatch(/^a disconnect signal for your server \(`watchWebSocket`, `watchSocketIo`/);
  });
});

describe('createWsHandlerDetector().lifetimeContext', () => {
  function contexts(code: string, depth = 2): (string | null)[] {
    return probe(code, (context, node) => {
      const found = createWsHandlerDetector(context).lifetimeContext(node, depth);
      return found && [found.handler.kind, ...found.via].join(' > ');
    });
  }

  it('follows same-file calls by binding, `this.method` and `exports.name`, up to the depth', () => {
    expect(
      contexts(`
        wss.on('connection', (ws) => { log(ws); one(ws); probe(0); });
        function one(ws) { probe(0); two(ws); }
        const two = (ws) => { probe(0); three(ws); };
        function three(ws) { probe(0); }
        class S {
          onClose(ws: WebSocket) { log(ws); this.evict(ws); }
          evict(ws) { log(ws); exports.forget(ws); }
        }
        exports.forget = (ws) => { probe(0); };
        function lonely() { probe(0); }
        function recursive(n) { probe(0); return recursive(n - 1); }
      `),
    ).toEqual(['connection-listener', 'connection-listener > one', 'connection-listener > one > two', null, 'named-handler > evict > forget', null, null]);
  });

  it('looks only lexically at depth 0', () => {
    expect(contexts(`wss.on('connection', (ws) => { one(ws); probe(0); }); function one(ws) { probe(0); }`, 0)).toEqual(['connection-listener', null]);
  });
});
