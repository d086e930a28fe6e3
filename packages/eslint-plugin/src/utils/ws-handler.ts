import { AST_NODE_TYPES, ASTUtils, type TSESTree } from '@typescript-eslint/utils';
import type { JSONSchema4 } from '@typescript-eslint/utils/json-schema';
import { type ServerKind } from './runtime-helpers.js';
import { getTypeServices, type AnyRuleContext } from './type-services.js';

/**
 * Recognises connection-lifetime handlers: the functions a WebSocket (or raw socket) server calls
 * once per connection and that therefore live as long as the connection does. Code awaiting
 * something unbounded inside them keeps a disconnected client alive as a "ghost".
 *
 * Detection is syntactic and same-file: a handler is a function written inline at a registration
 * site, or a function declaration / `const` function / class member whose name is passed there
 * (`wss.on('connection', onConnection)`, `this.onConnection.bind(this)`); a function or method named
 * like a connection handler whose first parameter is a socket (registered from another module);
 * a function registered or returned inside a handler; the methods of a same-file class constructed
 * inside a handler. Type information, when present, only removes false positives (a client
 * socket's `'connect'` event) and names the server.
 */

export type FunctionNode =
  | TSESTree.ArrowFunctionExpression
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression;

export type WsHandlerKind =
  /** `X.on/once/addListener('connection' | 'connect', fn)`: ws, socket.io, net, tls. */
  | 'connection-listener'
  /** `@fastify/websocket`: `get(path, { websocket: true }, fn)` or `route({ websocket: true, handler | wsHandler })`. */
  | 'fastify-websocket'
  /** express-ws (and look-alikes): `app.ws(path, ...middleware, fn)` / `router.ws(...)`. */
  | 'express-ws'
  /** uWebSockets.js `app.ws(pattern, { open, message, close, ... })`. */
  | 'uwebsockets'
  /** NestJS `handleConnection` / `handleDisconnect` / `@SubscribeMessage` in a `@WebSocketGateway` class. */
  | 'nestjs-gateway'
  /** Bun `serve({ websocket: { open, message, close } })`, `Bun.serve(...)` or `export default { fetch, websocket }`. */
  | 'bun-websocket'
  /** Deno `const { socket } = Deno.upgradeWebSocket(req)`: `socket.onmessage = fn`, `socket.addEventListener('message', fn)`. */
  | 'deno-upgrade'
  /** Hono (and its Deno/Bun/Node adapters) `upgradeWebSocket(c => ({ onOpen, onMessage, onClose, onError }))`. */
  | 'hono-upgrade'
  /** A function named like a handler (`onClose`, `handleMessage`) whose first parameter is a socket; registered in another module. */
  | 'named-handler'
  /** A method of a same-file class whose instance a handler constructs with its socket (`new Connection(ws)`). */
  | 'connection-object'
  /** A pattern from the `additionalHandlers` option. */
  | 'custom';

export interface WsHandler {
  readonly kind: WsHandlerKind;
  /** Short human description for diagnostics, e.g. "`'connection'` listener". */
  readonly description: string;
  readonly node: FunctionNode;
  /** The server library, when the registration, an import or a type says which. */
  readonly server?: ServerKind;
  /** The name the handler gives its socket (its first parameter), when it looks like one. */
  readonly socketName?: string;
}

/** Where a node runs within a connection's lifetime: in `handler`, or in functions it calls (`via`, outermost first). */
export interface LifetimeContext {
  readonly handler: WsHandler;
  /** Names of the same-file functions called on the way from the handler to the node; empty when lexically inside. */
  readonly via: readonly string[];
}

/** A user-configured registration call whose function arguments are connection handlers. */
export interface CustomHandlerPattern {
  /** Called function or method name: `onConnection` matches `onConnection(fn)` and `hub.onConnection(fn)`. */
  readonly method: string;
  /** Receiver the method must be called on, as a dotted path (`io`, `this.server`); any receiver when omitted. */
  readonly object?: string;
  /** First argument must be this string; the next argument is the handler. */
  readonly event?: string;
  /** Handlers are these properties of an object-literal argument instead of function arguments. */
  readonly properties?: readonly string[];
}

export interface WsHandlerOptions {
  readonly additionalHandlers?: readonly CustomHandlerPattern[];
}

/** JSON schema for `additionalHandlers`, shared by every rule that scopes itself to handlers. */
export const additionalHandlersSchema: JSONSchema4 = {
  type: 'array',
  description:
    'Extra registration calls whose callbacks are connection-lifetime handlers, e.g. `{ "object": "hub", "method": "onClient" }`.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['method'],
    properties: {
      method: {
        type: 'string',
        minLength: 1,
        description: 'Called function or method name (`onClient` matches `onClient(fn)` and `x.onClient(fn)`).',
      },
      object: {
        type: 'string',
        minLength: 1,
        description: 'Receiver the method must be called on, as a dotted path (`hub`, `this.server`). Any receiver when omitted.',
      },
      event: {
        type: 'string',
        minLength: 1,
        description: 'The first argument must be this string literal; the function after it is the handler.',
      },
      properties: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        uniqueItems: true,
        description: 'Handlers are these properties of an object-literal argument (like uWebSockets.js behaviours).',
      },
    },
  },
};

export interface WsHandlerDetector {
  /** The handler `fn` is registered as in this file, or null. Memoised. */
  classify(fn: FunctionNode): WsHandler | null;
  /**
   * The innermost handler that lexically encloses `node`. Every function nested in a handler counts
   * as inside it: callbacks registered there (`ws.on('message', ...)`, timers) run during, and
   * usually for the whole of, the connection's lifetime.
   */
  enclosingHandler(node: TSESTree.Node): WsHandler | null;
  /**
   * {@link enclosingHandler}, or else a handler that reaches `node` through at most `maxCallDepth`
   * calls of functions and methods declared in this file (`this.cleanup(ws)` in a close handler).
   */
  lifetimeContext(node: TSESTree.Node, maxCallDepth: number): LifetimeContext | null;
}


const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const CONNECTION_EVENTS = new Set(['connection', 'connect']);
const FASTIFY_ROUTE_METHODS = new Set(['get', 'all', 'route']);
const UWS_HANDLER_KEYS = new Set(['open', 'message', 'close', 'drain', 'ping', 'pong', 'dropped', 'subscription']);
const BUN_HANDLER_KEYS = new Set(['open', 'message', 'close', 'drain', 'ping', 'pong']);
const HONO_HANDLER_KEYS = new Set(['onOpen', 'onMessage', 'onClose', 'onError']);
const DENO_SOCKET_EVENTS = new Set(['open', 'message', 'close', 'error']);
const NEST_LIFECYCLE_METHODS = new Set(['handleConnection', 'handleDisconnect']);
/** Client sockets emit `'connect'` too; with types we can tell them apart from servers. */
const CLIENT_SOCKET_FILE = /[\\/](?:@types[\\/]node|socket\.io-client)[\\/]/;
/** `onClose`, `handleMessage`, `_onConnect`, `onSocketDisconnect`: names servers give handlers they register elsewhere. */
const HANDLER_NAME =
  /^_{0,2}(?:on|handle)(?:Socket|Ws|WebSocket|Websocket|Client|Peer)?(?:Open|Opened|Connection|Connect|Connected|Close|Closed|Disconnect|Disconnected|Disconnection|Message)$/;
/** Parameter names that hold a socket (not `client` or `conn`: database clients and pools use those too). */
const SOCKET_PARAMETER = /^(?:ws|socket|sock|websocket|webSocket)$|.(?:Socket|Websocket|WebSocket|Ws)$/;
/** Names worth quoting in a message as the socket (a registered handler's `client` is one; a message callback's `data` is not). */
const SOCKET_NAME = /^(?:ws|socket|sock|websocket|webSocket|client|conn|connection|peer)$|.(?:Socket|Websocket|WebSocket|Ws)$/;
/** NestJS lifecycle interfaces and the method each one declares. */
const NEST_GATEWAY_INTERFACES = new Map([
  ['OnGatewayConnection', 'handleConnection'],
  ['OnGatewayDisconnect', 'handleDisconnect'],
]);
/** Members only a socket.io socket has: a handler using them serves socket.io. */
const SOCKET_IO_MEMBERS = new Set(['emit', 'join', 'leave', 'handshake', 'rooms', 'broadcast', 'to', 'nsp']);
const SOCKET_IO_SERVER_NAMES = /^(?:io|ioServer|socketIo|socketIO|nsp|namespace)$/;
const WS_SERVER_NAMES = /^(?:wss|wsServer|webSocketServer|websocketServer|socketServer)$/;

/** The server an import or require of `source` brings in. */
function serverOfPackage(source: string): ServerKind | undefined {
  switch (source) {
    case 'ws':
      return 'ws';
    case 'socket.io':
      return 'socket.io';
    case 'net':
    case 'node:net':
    case 'tls':
    case 'node:tls':
      return 'net';
    case 'uWebSockets.js':
      return 'uwebsockets';
    case '@nestjs/websockets':
    case '@nestjs/platform-socket.io':
    case '@nestjs/platform-ws':
      return 'nestjs';
    case '@fastify/websocket':
    case 'fastify-websocket':
      return 'fastify-websocket';
    case 'express-ws':
      return 'express-ws';
    case 'bun':
      return 'bun';
    default:
      return source === '@hono/node-ws' || /^hono\/(?:ws|bun|deno|cloudflare-workers)$/.test(source) ? 'hono' : undefined;
  }
}

/** The module a `require('x')`, `require('x').y` or `require('x')(app)` initialiser loads. */
function requiredModule(node: TSESTree.Node | null | undefined): string | undefined {
  let current = node;
  while (current?.type === AST_NODE_TYPES.MemberExpression || (current?.type === AST_NODE_TYPES.CallExpression && current.callee.type !== AST_NODE_TYPES.Identifier)) {
    current = current.type === AST_NODE_TYPES.MemberExpression ? current.object : current.callee;
  }
  if (current?.type !== AST_NODE_TYPES.CallExpression || current.callee.type !== AST_NODE_TYPES.Identifier || current.callee.name !== 'require') return undefined;
  return staticString(current.arguments[0]);
}

export function isFunctionNode(node: TSESTree.Node): node is FunctionNode {
  return (
    node.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionDeclaration ||
    node.type === AST_NODE_TYPES.FunctionExpression
  );
}

/** The value of a string literal or an expression-free template literal. */
export function staticString(node: TSESTree.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') return node.value;
  if (node.type === AST_NODE_TYPES.TemplateLiteral && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** Name of a non-computed key or a computed string-literal key. */
export function propertyKeyName(node: TSESTree.Node, computed: boolean): string | undefined {
  if (!computed && node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (!computed && node.type === AST_NODE_TYPES.PrivateIdentifier) return `#${node.name}`;
  return staticString(node);
}

export function isTypeWrapper(
  node: TSESTree.Node,
): node is TSESTree.TSAsExpression | TSESTree.TSNonNullExpression | TSESTree.TSSatisfiesExpression | TSESTree.TSTypeAssertion {
  return (
    node.type === AST_NODE_TYPES.TSAsExpression ||
    node.type === AST_NODE_TYPES.TSNonNullExpression ||
    node.type === AST_NODE_TYPES.TSSatisfiesExpression ||
    node.type === AST_NODE_TYPES.TSTypeAssertion
  );
}

/** Strips type-only wrappers so `fn as Handler` and `fn!` are seen as `fn`. */
function unwrapTypes(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (isTypeWrapper(current)) current = current.expression;
  return current;
}

/**
 * Climbs from a value to the outermost expression that still denotes the same function:
 * through type assertions and `.bind(thisArg)`.
 */
function outermostSameValue(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (!parent) return current;
    if (isTypeWrapper(parent) && parent.expression === current) {
      current = parent;
      continue;
    }
    if (
      parent.type === AST_NODE_TYPES.MemberExpression &&
      parent.object === current &&
      propertyKeyName(parent.property, parent.computed) === 'bind' &&
      parent.parent.type === AST_NODE_TYPES.CallExpression &&
      parent.parent.callee === parent
    ) {
      current = parent.parent;
      continue;
    }
    return current;
  }
}

/** `a.b.c` / `this.server` for identifier/this member chains; undefined for anything else. */
export function dottedPath(node: TSESTree.Node): string | undefined {
  const inner = unwrapTypes(node);
  if (inner.type === AST_NODE_TYPES.Identifier) return inner.name;
  if (inner.type === AST_NODE_TYPES.ThisExpression) return 'this';
  if (inner.type === AST_NODE_TYPES.MemberExpression) {
    const object = dottedPath(inner.object);
    const property = propertyKeyName(inner.property, inner.computed);
    return object !== undefined && property !== undefined ? `${object}.${property}` : undefined;
  }
  return undefined;
}

interface CalleeParts {
  /** Function or method name. */
  name: string;
  /** Receiver node for method calls. */
  object?: TSESTree.Expression;
}

function calleeParts(call: TSESTree.CallExpression): CalleeParts | undefined {
  const callee = unwrapTypes(call.callee);
  if (callee.type === AST_NODE_TYPES.Identifier) return { name: callee.name };
  if (callee.type === AST_NODE_TYPES.MemberExpression) {
    const name = propertyKeyName(callee.property, callee.computed);
    return name === undefined ? undefined : { name, object: callee.object };
  }
  return undefined;
}

function findProperty(object: TSESTree.ObjectExpression, key: string): TSESTree.Property | undefined {
  for (const property of object.properties) {
    if (property.type === AST_NODE_TYPES.Property && propertyKeyName(property.key, property.computed) === key) return property;
  }
  return undefined;
}

function isDecoratedWith(decorators: readonly TSESTree.Decorator[] | undefined, name: string): boolean {
  return (decorators ?? []).some((decorator) => {
    const expression = decorator.expression.type === AST_NODE_TYPES.CallExpression ? decorator.expression.callee : decorator.expression;
    const path = dottedPath(expression);
    return path === name || path?.endsWith(`.${name}`) === true;
  });
}

/** A first argument that can be a route pattern: anything but a function or an object (`'/ws'`, `this.url('/app')`). */
function isPatternArgument(node: TSESTree.Node | undefined): boolean {
  return node !== undefined && !isFunctionNode(node) && node.type !== AST_NODE_TYPES.ObjectExpression && node.type !== AST_NODE_TYPES.SpreadElement;
}

/** `exports` or `module.exports`. */
function isExportsObject(node: TSESTree.Node): boolean {
  const path = dottedPath(node);
  return path === 'exports' || path === 'module.exports';
}

/**
 * The name `fn` is declared or stored under: `function f`, `const f = ...`, `exports.f = ...`,
 * `this.f = ...`, a class member `f() {}` / `f = () => {}`, an object-literal key, a named function expression.
 */
export function declaredName(fn: FunctionNode): string | undefined {
  if (fn.type === AST_NODE_TYPES.FunctionDeclaration) return fn.id?.name;
  const outer = outermostSameValue(fn);
  const parent = outer.parent;
  switch (parent?.type) {
    case AST_NODE_TYPES.VariableDeclarator:
      if (parent.init === outer && parent.id.type === AST_NODE_TYPES.Identifier) return parent.id.name;
      break;
    case AST_NODE_TYPES.AssignmentExpression:
      if (parent.right === outer && parent.left.type === AST_NODE_TYPES.MemberExpression) {
        return propertyKeyName(parent.left.property, parent.left.computed);
      }
      break;
    case AST_NODE_TYPES.MethodDefinition:
    case AST_NODE_TYPES.PropertyDefinition:
    case AST_NODE_TYPES.Property:
      if (parent.value === outer) return propertyKeyName(parent.key, parent.computed);
      break;
    default:
      break;
  }
  return fn.type === AST_NODE_TYPES.FunctionExpression ? fn.id?.name : undefined;
}

/** The identifier of a function's first real parameter (`this` and defaults unwrapped), if it is a plain name. */
export function firstParameter(fn: FunctionNode): TSESTree.Identifier | undefined {
  const first = fn.params.find((p) => !(p.type === AST_NODE_TYPES.Identifier && p.name === 'this'));
  const param = first?.type === AST_NODE_TYPES.AssignmentPattern ? first.left : first;
  return param?.type === AST_NODE_TYPES.Identifier ? param : undefined;
}

/** Calls `visit` on `root` and every node below it; `visit` returning false skips that node's subtree. */
function walk(root: TSESTree.Node, visitorKeys: Readonly<Record<string, readonly string[] | undefined>>, visit: (node: TSESTree.Node) => boolean): void {
  if (!visit(root)) return;
  for (const key of visitorKeys[root.type] ?? []) {
    const child = (root as unknown as Record<string, unknown>)[key];
    for (const value of Array.isArray(child) ? child : [child]) {
      if (isNode(value)) walk(value, visitorKeys, visit);
    }
  }
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function enclosingFunction(node: TSESTree.Node): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionNode(current)) return current;
  }
  return undefined;
}

/** Builds a per-file detector; create it inside a rule's `create()` (its cache is per file). */
export function createWsHandlerDetector(context: AnyRuleContext, options: WsHandlerOptions = {}): WsHandlerDetector {
  const sourceCode = context.sourceCode;
  const types = getTypeServices(context);
  const customPatterns = options.additionalHandlers ?? [];
  const cache = new Map<FunctionNode, WsHandler | null>();
  const inProgress = new Set<FunctionNode>();
  let leanedOnUnfinished = false;
  let moduleInfo: { server: ServerKind | undefined; importedFrom: Map<string, ServerKind> } | undefined;
  let exportedCalls: Map<string, TSESTree.Node[]> | undefined;
  const contextCache = new Map<FunctionNode, Map<number, LifetimeContext | null>>();
  const contextInProgress = new Set<FunctionNode>();
  const classIndexes = new Map<TSESTree.ClassBody, Map<string, TSESTree.Node[]>>();

  /** Server packages this module imports or requires at top level: the one family (if only one), and each local name's. */
  function moduleImports(): { server: ServerKind | undefined; importedFrom: Map<string, ServerKind> } {
    if (moduleInfo) return moduleInfo;
    const servers = new Set<ServerKind>();
    const importedFrom = new Map<string, ServerKind>();
    for (const statement of sourceCode.ast.body) {
      if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
        const server = serverOfPackage(statement.source.value);
        if (!server) continue;
        servers.add(server);
        for (const specifier of statement.specifiers) importedFrom.set(specifier.local.name, server);
      } else if (statement.type === AST_NODE_TYPES.VariableDeclaration) {
        for (const declarator of statement.declarations) {
          const source = requiredModule(declarator.init);
          const server = source === undefined ? undefined : serverOfPackage(source);
          if (!server) continue;
          servers.add(server);
          if (declarator.id.type === AST_NODE_TYPES.Identifier) importedFrom.set(declarator.id.name, server);
          if (declarator.id.type !== AST_NODE_TYPES.ObjectPattern) continue;
          for (const property of declarator.id.properties) {
            if (property.type === AST_NODE_TYPES.Property && property.value.type === AST_NODE_TYPES.Identifier) {
              importedFrom.set(property.value.name, server);
            }
          }
        }
      }
    }
    // NestJS gateways import their socket type from socket.io or ws: the platform does not change the advice.
    const server = servers.has('nestjs') ? 'nestjs' : servers.size === 1 ? [...servers][0] : undefined;
    moduleInfo = { server, importedFrom };
    return moduleInfo;
  }

  /** The server a name refers to through its import: `WebSocket` from 'ws', `uws.WebSocket`, `net.createServer`. */
  function importedServer(node: TSESTree.Node | undefined): ServerKind | undefined {
    let current = node;
    for (;;) {
      if (!current) return undefined;
      if (current.type === AST_NODE_TYPES.Identifier) return moduleImports().importedFrom.get(current.name);
      if (current.type === AST_NODE_TYPES.TSQualifiedName) current = current.left;
      else if (current.type === AST_NODE_TYPES.MemberExpression) current = current.object;
      else if (current.type === AST_NODE_TYPES.NewExpression || current.type === AST_NODE_TYPES.CallExpression) current = current.callee;
      else if (current.type === AST_NODE_TYPES.TSTypeReference) current = current.typeName;
      else return undefined;
    }
  }

  /** Which server a `'connection'` listener's receiver is: types, then its initialiser, its name, the module's imports. */
  function listenerServer(receiver: TSESTree.Expression): ServerKind | undefined {
    const typed = typedServer(receiver);
    if (typed) return typed;
    let target: TSESTree.Node = unwrapTypes(receiver);
    // `io.of('/chat').on(...)`, `io.sockets.on(...)`
    if (target.type === AST_NODE_TYPES.CallExpression && calleeParts(target)?.name === 'of') return 'socket.io';
    const path = dottedPath(target);
    const last = path?.split('.').pop();
    if (path?.includes('.sockets') || (last !== undefined && SOCKET_IO_SERVER_NAMES.test(last))) return 'socket.io';
    if (target.type === AST_NODE_TYPES.Identifier) {
      const variable = ASTUtils.findVariable(sourceCode.getScope(target), target);
      const definition = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      if (definition?.node.type === AST_NODE_TYPES.VariableDeclarator && definition.node.init) target = definition.node.init;
    }
    const source = requiredModule(target);
    const fromInit = (source === undefined ? undefined : serverOfPackage(source)) ?? importedServer(target);
    if (fromInit) return fromInit;
    if (last !== undefined && WS_SERVER_NAMES.test(last)) return 'ws';
    return moduleImports().server;
  }

  /** With types: the package that declares the receiver's type. */
  function typedServer(receiver: TSESTree.Expression): ServerKind | undefined {
    if (!types) return undefined;
    const symbol = types.typeOf(receiver).getSymbol();
    for (const declaration of symbol?.getDeclarations() ?? []) {
      const file = declaration.getSourceFile().fileName;
      if (/[\\/]socket\.io[\\/]/.test(file)) return 'socket.io';
      if (/[\\/](?:@types[\\/])?ws[\\/]/.test(file)) return 'ws';
      if (/[\\/]@types[\\/]node[\\/](?:net|tls)\.d\.ts$/.test(file)) return 'net';
    }
    return undefined;
  }

  /**
   * `fn`'s first parameter holds a socket: typed with a server package's type (`ws: WebSocket` from
   * 'uWebSockets.js'), or named like one (`ws`, `socket`, `parseWebsocket`). Undefined when it does not.
   */
  function socketParameter(fn: FunctionNode): { server: ServerKind | undefined } | undefined {
    const param = firstParameter(fn);
    if (!param) return undefined;
    const typeServer = importedServer(param.typeAnnotation?.typeAnnotation);
    if (typeServer) return { server: typeServer };
    if (!SOCKET_PARAMETER.test(param.name)) return undefined;
    return { server: moduleImports().server ?? socketUsageServer(fn, param.name) };
  }

  /** A socket parameter used with socket.io-only members (`socket.join(room)`, `socket.handshake`). */
  function socketUsageServer(fn: FunctionNode, name: string): ServerKind | undefined {
    const variable = sourceCode.getDeclaredVariables(fn).find((v) => v.name === name);
    const usesSocketIo = variable?.references.some((reference) => {
      const parent = reference.identifier.parent;
      if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== reference.identifier) return false;
      const member = propertyKeyName(parent.property, parent.computed);
      return member !== undefined && SOCKET_IO_MEMBERS.has(member);
    });
    return usesSocketIo ? 'socket.io' : undefined;
  }

  /** Reads of the `const`/`let`/function binding that `declaration` introduces. */
  function readReferences(declaration: TSESTree.Node): TSESTree.Identifier[] {
    const identifiers: TSESTree.Identifier[] = [];
    for (const variable of sourceCode.getDeclaredVariables(declaration)) {
      for (const reference of variable.references) {
        if (reference.isRead() && reference.identifier.type === AST_NODE_TYPES.Identifier) identifiers.push(reference.identifier);
      }
    }
    return identifiers;
  }

  /** Every place the value of `node` (inline, or through its same-file binding) is handed over. */
  function valueSlots(node: TSESTree.Node): TSESTree.Node[] {
    if (node.type === AST_NODE_TYPES.FunctionDeclaration) return node.id ? readReferences(node) : [];
    const slots: TSESTree.Node[] = [node];
    const outer = outermostSameValue(node);
    const declarator = outer.parent;
    if (
      declarator?.type === AST_NODE_TYPES.VariableDeclarator &&
      declarator.init === outer &&
      declarator.id.type === AST_NODE_TYPES.Identifier
    ) {
      slots.push(...readReferences(declarator));
    }
    return slots;
  }

  /** Resolves an argument to the object literal it is, or the `const` object literal it names. */
  function objectLiteralOf(node: TSESTree.Node | undefined): TSESTree.ObjectExpression | undefined {
    if (!node) return undefined;
    const inner = unwrapTypes(node);
    if (inner.type === AST_NODE_TYPES.ObjectExpression) return inner;
    if (inner.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = ASTUtils.findVariable(sourceCode.getScope(inner), inner);
    const definition = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (definition?.node.type !== AST_NODE_TYPES.VariableDeclarator || definition.node.init == null) return undefined;
    const init = unwrapTypes(definition.node.init);
    return init.type === AST_NODE_TYPES.ObjectExpression ? init : undefined;
  }

  function hasWebsocketTrue(object: TSESTree.ObjectExpression | undefined): boolean {
    const property = object && findProperty(object, 'websocket');
    return property?.value.type === AST_NODE_TYPES.Literal && property.value.value === true;
  }

  /** `socket` bound by `const { socket } = Deno.upgradeWebSocket(req)`. */
  function isDenoUpgradedSocket(node: TSESTree.Node): boolean {
    const inner = unwrapTypes(node);
    if (inner.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = ASTUtils.findVariable(sourceCode.getScope(inner), inner);
    const declarator = variable?.defs.length === 1 ? variable.defs[0]?.node : undefined;
    if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.id.type !== AST_NODE_TYPES.ObjectPattern) return false;
    const init = declarator.init && unwrapTypes(declarator.init);
    // Hono's `upgradeWebSocket(factory)` takes a function; Deno's takes the request.
    if (init?.type !== AST_NODE_TYPES.CallExpression || calleeParts(init)?.name !== 'upgradeWebSocket') return false;
    const request = init.arguments[0];
    if (!request || isFunctionNode(request)) return false;
    return declarator.id.properties.some(
      (p) =>
        p.type === AST_NODE_TYPES.Property &&
        propertyKeyName(p.key, p.computed) === 'socket' &&
        p.value.type === AST_NODE_TYPES.Identifier &&
        p.value.name === inner.name,
    );
  }

  /** With types: a receiver that is a client socket (its `'connect'` is not a server connection). */
  function isClientSocket(receiver: TSESTree.Expression): boolean {
    if (!types) return false;
    const type = types.typeOf(receiver);
    const symbol = type.getSymbol() ?? type.aliasSymbol;
    if (!symbol || !/^(?:Socket|TLSSocket)$/.test(symbol.getName())) return false;
    return (symbol.getDeclarations() ?? []).some((d) => CLIENT_SOCKET_FILE.test(d.getSourceFile().fileName));
  }

  function matchesCustom(pattern: CustomHandlerPattern, parts: CalleeParts): boolean {
    if (pattern.method !== parts.name) return false;
    if (pattern.object === undefined) return true;
    return parts.object !== undefined && dottedPath(parts.object) === pattern.object;
  }

  function handler(kind: WsHandlerKind, description: string, fn: FunctionNode, server?: ServerKind): WsHandler {
    const parameter = firstParameter(fn)?.name;
    return {
      kind,
      description,
      node: fn,
      ...(server === undefined ? {} : { server }),
      ...(parameter !== undefined && SOCKET_NAME.test(parameter) ? { socketName: parameter } : {}),
    };
  }

  /** `slot` is passed as argument `index` of `call`. */
  function classifyArgument(call: TSESTree.CallExpression, index: number, fn: FunctionNode): WsHandler | null {
    const parts = calleeParts(call);
    if (!parts) return null;
    const first = staticString(call.arguments[0]);
    if (
      parts.object &&
      index === 1 &&
      LISTENER_METHODS.has(parts.name) &&
      first !== undefined &&
      CONNECTION_EVENTS.has(first) &&
      !isClientSocket(parts.object)
    ) {
      return handler('connection-listener', `\`'${first}'\` listener`, fn, listenerServer(parts.object));
    }
    if (
      parts.object &&
      index === 1 &&
      parts.name === 'addEventListener' &&
      first !== undefined &&
      DENO_SOCKET_EVENTS.has(first) &&
      isDenoUpgradedSocket(parts.object)
    ) {
      return handler('deno-upgrade', `Deno socket \`'${first}'\` listener`, fn, 'deno');
    }
    if (parts.object && index >= 1 && parts.name === 'ws' && isPatternArgument(call.arguments[0])) {
      return handler('express-ws', 'express-ws route handler', fn, 'express-ws');
    }
    if (parts.object && index === 2 && FASTIFY_ROUTE_METHODS.has(parts.name) && hasWebsocketTrue(objectLiteralOf(call.arguments[1]))) {
      return handler('fastify-websocket', '@fastify/websocket handler', fn, 'fastify-websocket');
    }
    for (const pattern of customPatterns) {
      if (pattern.properties || !matchesCustom(pattern, parts)) continue;
      if (pattern.event === undefined || (index >= 1 && first === pattern.event)) {
        return handler('custom', `\`${pattern.method}\` handler`, fn, moduleImports().server);
      }
    }
    return null;
  }

  /** The object literal `object` flows into as argument `index` of some call(s). */
  function callsReceiving(object: TSESTree.ObjectExpression): { call: TSESTree.CallExpression; index: number }[] {
    const found: { call: TSESTree.CallExpression; index: number }[] = [];
    for (const slot of valueSlots(object)) {
      const outer = outermostSameValue(slot);
      const parent = outer.parent;
      if (parent?.type !== AST_NODE_TYPES.CallExpression) continue;
      const index = parent.arguments.indexOf(outer as TSESTree.CallExpressionArgument);
      if (index >= 0) found.push({ call: parent, index });
    }
    return found;
  }

  /** `object` is the value of `key` in an object literal, e.g. the `websocket` of a Bun server. */
  function parentObjectOf(object: TSESTree.ObjectExpression, key: string): TSESTree.ObjectExpression | undefined {
    const property = outermostSameValue(object).parent;
    if (property?.type !== AST_NODE_TYPES.Property || propertyKeyName(property.key, property.computed) !== key) return undefined;
    return property.parent.type === AST_NODE_TYPES.ObjectExpression ? property.parent : undefined;
  }

  function isBunServer(server: TSESTree.ObjectExpression): boolean {
    const outer = outermostSameValue(server);
    if (outer.parent?.type === AST_NODE_TYPES.ExportDefaultDeclaration) return findProperty(server, 'fetch') !== undefined;
    return callsReceiving(server).some(({ call, index }) => {
      if (index !== 0) return false;
      const parts = calleeParts(call);
      return parts?.name === 'serve' && (parts.object === undefined || dottedPath(parts.object) === 'Bun');
    });
  }

  /** `object` is what a function passed first to `upgradeWebSocket(...)` returns. */
  function isHonoEvents(object: TSESTree.ObjectExpression): boolean {
    const outer = outermostSameValue(object);
    let factory: FunctionNode | undefined;
    if (outer.parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && outer.parent.body === outer) factory = outer.parent;
    else if (outer.parent?.type === AST_NODE_TYPES.ReturnStatement) factory = enclosingFunction(outer.parent);
    const call = factory?.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[0] !== factory) return false;
    return calleeParts(call)?.name === 'upgradeWebSocket';
  }

  /** `fn` is the value of property `key` of `object`. */
  function classifyProperty(object: TSESTree.ObjectExpression, key: string, fn: FunctionNode): WsHandler | null {
    if (UWS_HANDLER_KEYS.has(key)) {
      const isUws = callsReceiving(object).some(({ call, index }) => {
        const parts = calleeParts(call);
        return index === 1 && parts?.name === 'ws' && parts.object !== undefined && isPatternArgument(call.arguments[0]);
      });
      if (isUws) return handler('uwebsockets', `uWebSockets.js \`${key}\` handler`, fn, 'uwebsockets');
    }
    if (BUN_HANDLER_KEYS.has(key)) {
      const server = parentObjectOf(object, 'websocket');
      if (server && isBunServer(server)) return handler('bun-websocket', `Bun \`websocket.${key}\` handler`, fn, 'bun');
    }
    if (HONO_HANDLER_KEYS.has(key) && isHonoEvents(object)) return handler('hono-upgrade', `\`upgradeWebSocket\` \`${key}\` handler`, fn, 'hono');
    if ((key === 'handler' || key === 'wsHandler') && hasWebsocketTrue(object)) {
      // With both, `handler` serves plain HTTP and `wsHandler` the socket.
      const isSocketHandler = key === 'wsHandler' || findProperty(object, 'wsHandler') === undefined;
      const isRoute = callsReceiving(object).some(({ call }) => {
        const parts = calleeParts(call);
        return parts?.object !== undefined && FASTIFY_ROUTE_METHODS.has(parts.name);
      });
      if (isSocketHandler && isRoute) return handler('fastify-websocket', '@fastify/websocket handler', fn, 'fastify-websocket');
    }
    for (const pattern of customPatterns) {
      if (!pattern.properties?.includes(key)) continue;
      const matches = callsReceiving(object).some(({ call }) => {
        const parts = calleeParts(call);
        return parts !== undefined && matchesCustom(pattern, parts);
      });
      if (matches) return handler('custom', `\`${pattern.method}\` \`${key}\` handler`, fn, moduleImports().server);
    }
    return null;
  }

  /** What registering the value at `slot` makes of `fn`. */
  function classifySlot(slot: TSESTree.Node, fn: FunctionNode): WsHandler | null {
    const outer = outermostSameValue(slot);
    const parent = outer.parent;
    if (parent?.type === AST_NODE_TYPES.CallExpression) {
      const index = parent.arguments.indexOf(outer as TSESTree.CallExpressionArgument);
      const found = index >= 0 ? classifyArgument(parent, index, fn) : null;
      if (found) return found;
    }
    if (
      parent?.type === AST_NODE_TYPES.AssignmentExpression &&
      parent.operator === '=' &&
      parent.right === outer &&
      parent.left.type === AST_NODE_TYPES.MemberExpression
    ) {
      const property = propertyKeyName(parent.left.property, parent.left.computed);
      const isSocketEvent = property?.startsWith('on') === true && DENO_SOCKET_EVENTS.has(property.slice(2));
      if (isSocketEvent && isDenoUpgradedSocket(parent.left.object)) return handler('deno-upgrade', `Deno socket \`${property}\` handler`, fn, 'deno');
    }
    if (parent?.type === AST_NODE_TYPES.Property && parent.value === outer && parent.parent.type === AST_NODE_TYPES.ObjectExpression) {
      const key = propertyKeyName(parent.key, parent.computed);
      const found = key === undefined ? null : classifyProperty(parent.parent, key, fn);
      if (found) return found;
    }
    const owner = registeringHandler(outer);
    // A function written inside the handler is already part of it (enclosingHandler finds the handler itself).
    const isNested = owner !== null && owner.node.range[0] <= fn.range[0] && fn.range[1] <= owner.node.range[1];
    return owner && !isNested ? { ...owner, node: fn } : null;
  }

  /**
   * The handler that registers or returns the function value at `outer` (`socket.on('disconnect', onLeave)`,
   * `ws.onclose = cleanup`, `return teardown` in a handler): that function runs within the same connection.
   */
  function registeringHandler(outer: TSESTree.Node): WsHandler | null {
    const parent = outer.parent;
    switch (parent?.type) {
      case AST_NODE_TYPES.CallExpression:
        return parent.callee === outer ? null : enclosingHandler(parent);
      case AST_NODE_TYPES.NewExpression:
        return parent.callee === outer ? null : enclosingHandler(parent);
      case AST_NODE_TYPES.AssignmentExpression:
        return parent.right === outer ? enclosingHandler(parent) : null;
      case AST_NODE_TYPES.ReturnStatement:
        return enclosingHandler(parent);
      case AST_NODE_TYPES.ArrowFunctionExpression:
        return parent.body === outer ? classify(parent) : null;
      default:
        return null;
    }
  }

  function classifyGatewayMember(member: TSESTree.MethodDefinition | TSESTree.PropertyDefinition, fn: FunctionNode): WsHandler | null {
    if (member.static || member.parent.type !== AST_NODE_TYPES.ClassBody) return null;
    const classNode = member.parent.parent;
    // `@SubscribeMessage` exists only in @nestjs/websockets: the decorator alone says gateway.
    if (isDecoratedWith(member.decorators, 'SubscribeMessage')) return handler('nestjs-gateway', 'NestJS `@SubscribeMessage` handler', fn, 'nestjs');
    const name = propertyKeyName(member.key, member.computed);
    if (name === undefined || !NEST_LIFECYCLE_METHODS.has(name)) return null;
    const implementsLifecycle = (classNode.implements ?? []).some((clause) => {
      const implemented = dottedPath(clause.expression)?.split('.').pop();
      return implemented !== undefined && NEST_GATEWAY_INTERFACES.get(implemented) === name;
    });
    if (!implementsLifecycle && !isDecoratedWith(classNode.decorators, 'WebSocketGateway')) return null;
    return handler('nestjs-gateway', `NestJS gateway \`${name}\``, fn, 'nestjs');
  }

  /** A function named like a connection handler whose first parameter is a socket, e.g. `onClose(ws: WebSocket)`. */
  function namedHandler(fn: FunctionNode): WsHandler | null {
    const name = declaredName(fn);
    if (name === undefined || !HANDLER_NAME.test(name)) return null;
    const socket = socketParameter(fn);
    return socket ? handler('named-handler', `\`${name}\`, named as a connection handler`, fn, socket.server) : null;
  }

  /** Reads of the binding a class introduces (`class C {}` or `const C = class {}`). */
  function classReferences(classNode: TSESTree.ClassDeclaration | TSESTree.ClassExpression): TSESTree.Identifier[] {
    if (classNode.type === AST_NODE_TYPES.ClassDeclaration) return classNode.id ? readReferences(classNode) : [];
    const declarator = classNode.parent;
    return declarator.type === AST_NODE_TYPES.VariableDeclarator && declarator.init === classNode ? readReferences(declarator) : [];
  }

  /** A method of a same-file class that a handler instantiates with arguments (`new Connection(ws)`): it runs per connection. */
  function connectionObjectMember(member: TSESTree.MethodDefinition | TSESTree.PropertyDefinition, fn: FunctionNode): WsHandler | null {
    if (member.static || member.parent.type !== AST_NODE_TYPES.ClassBody) return null;
    const classNode = member.parent.parent;
    for (const reference of classReferences(classNode)) {
      const creation = reference.parent;
      if (creation.type !== AST_NODE_TYPES.NewExpression || creation.callee !== reference || creation.arguments.length === 0) continue;
      const owner = enclosingHandler(creation);
      if (!owner) continue;
      const found = handler('connection-object', `\`${reference.name}\` object created per connection in ${owner.description}`, fn, owner.server);
      return owner.socketName === undefined ? found : { ...found, socketName: owner.socketName };
    }
    return null;
  }

  /** Every `this.name` in the class body, references and calls alike. */
  function thisMemberUses(member: TSESTree.MethodDefinition | TSESTree.PropertyDefinition): TSESTree.Node[] {
    const name = propertyKeyName(member.key, member.computed);
    if (name === undefined || member.static) return [];
    return thisMemberIndex(member.parent).get(name) ?? [];
  }

  /** `this.name` uses in a class body by name, built in one walk per class (methods are asked about often). */
  function thisMemberIndex(body: TSESTree.ClassBody): Map<string, TSESTree.Node[]> {
    const cached = classIndexes.get(body);
    if (cached) return cached;
    const index = new Map<string, TSESTree.Node[]>();
    for (const element of body.body) {
      walk(element, sourceCode.visitorKeys, (node) => {
        if (node.type === AST_NODE_TYPES.MemberExpression && node.object.type === AST_NODE_TYPES.ThisExpression) {
          const key = propertyKeyName(node.property, node.computed);
          if (key !== undefined) addTo(index, key, node);
        }
        // A nested class has its own `this`.
        return node.type !== AST_NODE_TYPES.ClassBody;
      });
    }
    classIndexes.set(body, index);
    return index;
  }

  /**
   * A handler that does nothing but call `fn` (`(ws) => this.onConnection(ws)`, `(ws) => { void handle(ws); }`)
   * hands the connection's lifetime on: `fn` is a handler of the same kind.
   */
  function forwardedHandler(call: TSESTree.CallExpression, fn: FunctionNode): WsHandler | null {
    let outer: TSESTree.Node = call;
    while (
      outer.parent?.type === AST_NODE_TYPES.AwaitExpression ||
      outer.parent?.type === AST_NODE_TYPES.ChainExpression ||
      (outer.parent?.type === AST_NODE_TYPES.UnaryExpression && outer.parent.operator === 'void')
    ) {
      outer = outer.parent;
    }
    const parent = outer.parent;
    let forwarder: TSESTree.Node | undefined;
    if (parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === outer) forwarder = parent;
    else if (
      (parent?.type === AST_NODE_TYPES.ExpressionStatement || parent?.type === AST_NODE_TYPES.ReturnStatement) &&
      parent.parent.type === AST_NODE_TYPES.BlockStatement &&
      parent.parent.body.length === 1
    ) {
      forwarder = parent.parent.parent;
    }
    const found = forwarder && isFunctionNode(forwarder) ? classify(forwarder) : null;
    return found && { ...found, node: fn };
  }

  /** `fn` is referenced at `use`: registered there, or called by a forwarding handler. */
  function classifyUse(use: TSESTree.Node, fn: FunctionNode): WsHandler | null {
    const parent = use.parent;
    if (parent?.type === AST_NODE_TYPES.CallExpression && parent.callee === use) return forwardedHandler(parent, fn);
    return classifySlot(use, fn);
  }

  function classifyUncached(fn: FunctionNode): WsHandler | null {
    const outer = outermostSameValue(fn);
    const member = outer.parent;
    const isClassMember =
      (member?.type === AST_NODE_TYPES.MethodDefinition || member?.type === AST_NODE_TYPES.PropertyDefinition) &&
      member.value === outer;
    if (isClassMember) {
      const gateway = classifyGatewayMember(member, fn);
      if (gateway) return gateway;
    }
    for (const use of isClassMember ? thisMemberUses(member) : valueSlots(fn)) {
      const found = classifyUse(use, fn);
      if (found) return found;
    }
    return namedHandler(fn) ?? (isClassMember ? connectionObjectMember(member, fn) : null);
  }

  function classify(fn: FunctionNode): WsHandler | null {
    const cached = cache.get(fn);
    if (cached !== undefined) return cached;
    // Forwarding cycles (a calls b calls a): answer "not yet known" instead of recursing forever.
    if (inProgress.has(fn)) {
      leanedOnUnfinished = true;
      return null;
    }
    inProgress.add(fn);
    const outerLeaned = leanedOnUnfinished;
    leanedOnUnfinished = false;
    const result = classifyUncached(fn);
    inProgress.delete(fn);
    // A found handler is final; a "no" that relied on an unfinished answer may change later.
    if (result || !leanedOnUnfinished) cache.set(fn, result);
    leanedOnUnfinished ||= outerLeaned;
    return result;
  }

  function enclosingHandler(node: TSESTree.Node): WsHandler | null {
    for (let current = enclosingFunction(node); current; current = enclosingFunction(current)) {
      const found = classify(current);
      if (found) return found;
    }
    return null;
  }

  /** Every `exports.name` / `module.exports.name` in the file, by name (built once, on first need). */
  function exportedMemberUses(name: string): TSESTree.Node[] {
    if (!exportedCalls) {
      const index = new Map<string, TSESTree.Node[]>();
      // `exports` and `module` are free variables of the file: their references are all the scope manager needs.
      const globalScope = sourceCode.scopeManager?.globalScope;
      const references = [
        ...(globalScope?.through ?? []),
        ...['exports', 'module'].flatMap((global) => globalScope?.set.get(global)?.references ?? []),
      ];
      for (const reference of references) {
        let object: TSESTree.Node = reference.identifier;
        if (reference.identifier.name === 'module') object = object.parent ?? object;
        else if (reference.identifier.name !== 'exports') continue;
        const member = object.parent;
        if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== object || !isExportsObject(object)) continue;
        const key = propertyKeyName(member.property, member.computed);
        if (key !== undefined) addTo(index, key, member);
      }
      exportedCalls = index;
    }
    return exportedCalls.get(name) ?? [];
  }

  /** Calls of `fn` in this file: by its binding, as `this.name(...)` in its class, as `exports.name(...)`. */
  function callSites(fn: FunctionNode): TSESTree.CallExpression[] {
    const outer = outermostSameValue(fn);
    const parent = outer.parent;
    let uses: TSESTree.Node[] = [];
    if (fn.type === AST_NODE_TYPES.FunctionDeclaration) uses = fn.id ? readReferences(fn) : [];
    else if ((parent?.type === AST_NODE_TYPES.MethodDefinition || parent?.type === AST_NODE_TYPES.PropertyDefinition) && parent.value === outer) {
      uses = thisMemberUses(parent);
    } else if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === outer) uses = readReferences(parent);
    else if (
      parent?.type === AST_NODE_TYPES.AssignmentExpression &&
      parent.right === outer &&
      parent.left.type === AST_NODE_TYPES.MemberExpression &&
      isExportsObject(parent.left.object)
    ) {
      const name = propertyKeyName(parent.left.property, parent.left.computed);
      uses = name === undefined ? [] : exportedMemberUses(name);
    }
    return uses.flatMap((use) => (use.parent?.type === AST_NODE_TYPES.CallExpression && use.parent.callee === use ? [use.parent] : []));
  }

  /** A handler that calls `fn` (directly, or through at most `depth - 1` more same-file calls). */
  function calledFromHandler(fn: FunctionNode, depth: number): LifetimeContext | null {
    const cached = contextCache.get(fn)?.get(depth);
    if (cached !== undefined) return cached;
    // Recursion (a calls b calls a) adds nothing: the outer lookup already covers that path.
    if (contextInProgress.has(fn)) return null;
    const name = declaredName(fn);
    if (name === undefined) return null;
    contextInProgress.add(fn);
    let result: LifetimeContext | null = null;
    for (const call of callSites(fn)) {
      const caller = lifetimeContext(call, depth - 1);
      if (caller) {
        result = { handler: caller.handler, via: [...caller.via, name] };
        break;
      }
    }
    contextInProgress.delete(fn);
    // An answer computed while an outer lookup was open may have skipped that path; keep only complete ones.
    if (result || contextInProgress.size === 0) {
      const byDepth = contextCache.get(fn) ?? new Map<number, LifetimeContext | null>();
      byDepth.set(depth, result);
      contextCache.set(fn, byDepth);
    }
    return result;
  }

  function lifetimeContext(node: TSESTree.Node, maxCallDepth: number): LifetimeContext | null {
    const direct = enclosingHandler(node);
    if (direct) return { handler: direct, via: [] };
    if (maxCallDepth <= 0) return null;
    for (let current = enclosingFunction(node); current; current = enclosingFunction(current)) {
      const found = calledFromHandler(current, maxCallDepth);
      if (found) return found;
    }
    return null;
  }

  return { classify, enclosingHandler, lifetimeContext };
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
