import { AST_NODE_TYPES, ASTUtils, type TSESTree } from '@typescript-eslint/utils';
import type { JSONSchema4 } from '@typescript-eslint/utils/json-schema';
import { getTypeServices, type AnyRuleContext } from './type-services.js';

/**
 * Recognises connection-lifetime handlers: the functions a WebSocket (or raw socket) server calls
 * once per connection and that therefore live as long as the connection does. Code awaiting
 * something unbounded inside them keeps a disconnected client alive as a "ghost".
 *
 * Detection is syntactic and same-file: a handler is a function written inline at a registration
 * site, or a function declaration / `const` function / class member whose name is passed there
 * (`wss.on('connection', onConnection)`, `this.onConnection.bind(this)`). Type information, when
 * present, only removes false positives (a client socket's `'connect'` event).
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
  /** A pattern from the `additionalHandlers` option. */
  | 'custom';

export interface WsHandler {
  readonly kind: WsHandlerKind;
  /** Short human description for diagnostics, e.g. "`'connection'` listener". */
  readonly description: string;
  readonly node: FunctionNode;
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

  function handler(kind: WsHandlerKind, description: string, fn: FunctionNode): WsHandler {
    return { kind, description, node: fn };
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
      return handler('connection-listener', `\`'${first}'\` listener`, fn);
    }
    if (
      parts.object &&
      index === 1 &&
      parts.name === 'addEventListener' &&
      first !== undefined &&
      DENO_SOCKET_EVENTS.has(first) &&
      isDenoUpgradedSocket(parts.object)
    ) {
      return handler('deno-upgrade', `Deno socket \`'${first}'\` listener`, fn);
    }
    if (parts.object && index >= 1 && parts.name === 'ws' && first !== undefined) {
      return handler('express-ws', 'express-ws route handler', fn);
    }
    if (parts.object && index === 2 && FASTIFY_ROUTE_METHODS.has(parts.name) && hasWebsocketTrue(objectLiteralOf(call.arguments[1]))) {
      return handler('fastify-websocket', '@fastify/websocket handler', fn);
    }
    for (const pattern of customPatterns) {
      if (pattern.properties || !matchesCustom(pattern, parts)) continue;
      if (pattern.event === undefined || (index >= 1 && first === pattern.event)) {
        return handler('custom', `\`${pattern.method}\` handler`, fn);
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
        return index === 1 && parts?.name === 'ws' && parts.object !== undefined && staticString(call.arguments[0]) !== undefined;
      });
      if (isUws) return handler('uwebsockets', `uWebSockets.js \`${key}\` handler`, fn);
    }
    if (BUN_HANDLER_KEYS.has(key)) {
      const server = parentObjectOf(object, 'websocket');
      if (server && isBunServer(server)) return handler('bun-websocket', `Bun \`websocket.${key}\` handler`, fn);
    }
    if (HONO_HANDLER_KEYS.has(key) && isHonoEvents(object)) return handler('hono-upgrade', `\`upgradeWebSocket\` \`${key}\` handler`, fn);
    if ((key === 'handler' || key === 'wsHandler') && hasWebsocketTrue(object)) {
      // With both, `handler` serves plain HTTP and `wsHandler` the socket.
      const isSocketHandler = key === 'wsHandler' || findProperty(object, 'wsHandler') === undefined;
      const isRoute = callsReceiving(object).some(({ call }) => {
        const parts = calleeParts(call);
        return parts?.object !== undefined && FASTIFY_ROUTE_METHODS.has(parts.name);
      });
      if (isSocketHandler && isRoute) return handler('fastify-websocket', '@fastify/websocket handler', fn);
    }
    for (const pattern of customPatterns) {
      if (!pattern.properties?.includes(key)) continue;
      const matches = callsReceiving(object).some(({ call }) => {
        const parts = calleeParts(call);
        return parts !== undefined && matchesCustom(pattern, parts);
      });
      if (matches) return handler('custom', `\`${pattern.method}\` \`${key}\` handler`, fn);
    }
    return null;
  }

  /** What registering the value at `slot` makes of `fn`. */
  function classifySlot(slot: TSESTree.Node, fn: FunctionNode): WsHandler | null {
    const outer = outermostSameValue(slot);
    const parent = outer.parent;
    if (parent?.type === AST_NODE_TYPES.CallExpression) {
      const index = parent.arguments.indexOf(outer as TSESTree.CallExpressionArgument);
      return index >= 0 ? classifyArgument(parent, index, fn) : null;
    }
    if (
      parent?.type === AST_NODE_TYPES.AssignmentExpression &&
      parent.operator === '=' &&
      parent.right === outer &&
      parent.left.type === AST_NODE_TYPES.MemberExpression
    ) {
      const property = propertyKeyName(parent.left.property, parent.left.computed);
      const isSocketEvent = property?.startsWith('on') === true && DENO_SOCKET_EVENTS.has(property.slice(2));
      return isSocketEvent && isDenoUpgradedSocket(parent.left.object) ? handler('deno-upgrade', `Deno socket \`${property}\` handler`, fn) : null;
    }
    if (parent?.type === AST_NODE_TYPES.Property && parent.value === outer && parent.parent.type === AST_NODE_TYPES.ObjectExpression) {
      const key = propertyKeyName(parent.key, parent.computed);
      return key === undefined ? null : classifyProperty(parent.parent, key, fn);
    }
    return null;
  }

  function classifyGatewayMember(member: TSESTree.MethodDefinition | TSESTree.PropertyDefinition, fn: FunctionNode): WsHandler | null {
    if (member.static || member.parent.type !== AST_NODE_TYPES.ClassBody) return null;
    const classNode = member.parent.parent;
    if (!isDecoratedWith(classNode.decorators, 'WebSocketGateway')) return null;
    const name = propertyKeyName(member.key, member.computed);
    if (name !== undefined && NEST_LIFECYCLE_METHODS.has(name)) return handler('nestjs-gateway', `NestJS gateway \`${name}\``, fn);
    if (isDecoratedWith(member.decorators, 'SubscribeMessage')) return handler('nestjs-gateway', 'NestJS `@SubscribeMessage` handler', fn);
    return null;
  }

  /** Every `this.name` in the class body, references and calls alike. */
  function thisMemberUses(member: TSESTree.MethodDefinition | TSESTree.PropertyDefinition): TSESTree.Node[] {
    const name = propertyKeyName(member.key, member.computed);
    if (name === undefined || member.static) return [];
    const found: TSESTree.Node[] = [];
    const visit = (node: TSESTree.Node): void => {
      if (
        node.type === AST_NODE_TYPES.MemberExpression &&
        node.object.type === AST_NODE_TYPES.ThisExpression &&
        propertyKeyName(node.property, node.computed) === name
      ) {
        found.push(node);
      }
      for (const key of sourceCode.visitorKeys[node.type] ?? []) {
        const child = (node as unknown as Record<string, unknown>)[key];
        for (const value of Array.isArray(child) ? child : [child]) {
          // A nested class has its own `this`.
          if (isNode(value) && value.type !== AST_NODE_TYPES.ClassBody) visit(value);
        }
      }
    };
    for (const element of member.parent.body) visit(element);
    return found;
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
    return null;
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

  return { classify, enclosingHandler };
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
