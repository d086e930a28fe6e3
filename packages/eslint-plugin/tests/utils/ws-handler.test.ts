import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { describe, expect, it } from 'vitest';
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
