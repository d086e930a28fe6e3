import { ASTUtils, AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import {
  destructuredPath,
  isEffectivelyConst,
  isGlobalReference,
  resolveModuleReference,
  resolveVariable,
  skipTypeWrappers,
  staticKeyName,
  staticPropertyName,
} from './module-bindings.js';
import { declaredTypeOf, unwrapType } from './declared-types.js';
import { getTypeServices, type AnyRuleContext } from './type-services.js';

const { DefinitionType } = TSESLint.Scope;

type Variable = TSESLint.Scope.Variable;

/** Why a value is known to vary without bound at runtime. */
export type DynamicReason =
  | 'template-literal'
  | 'concatenation'
  | 'id-like'
  | 'request-data'
  | 'error-message'
  | 'unique-value';

/**
 * What an expression can be at runtime, as far as one file tells:
 * - `static`: one of a fixed, small set of values (literals, constants, enums, literal unions);
 * - `dynamic`: evidently unbounded; `detail` says why in words fit for a diagnostic;
 * - `unknown`: could be either (a parameter, an import, a call we cannot see into).
 */
export type StaticValue =
  | { readonly kind: 'static' }
  | { readonly kind: 'dynamic'; readonly reason: DynamicReason; readonly detail: string; readonly node: TSESTree.Node }
  | { readonly kind: 'unknown'; readonly node: TSESTree.Node };

export interface StaticValueOptions {
  /** Identifiers, property names and called function names accepted as static whatever they hold. */
  readonly allowedNames?: readonly string[];
  /** Property names whose values are known to be bounded (`req.method`, `res.statusCode`). */
  readonly boundedProperties?: readonly string[];
  /** More names accepted as static, by rule: e.g. `prefix`/`namespace` in metric names. */
  readonly isAllowedName?: (name: string) => boolean;
}

export interface StaticValueEvaluator {
  evaluate(node: TSESTree.Node): StaticValue;
  /**
   * Follows `const` bindings, `as const`/`satisfies`/`!` and `Object.freeze(...)` to the expression
   * a value is written as (e.g. the object literal behind `LABELS`); the node itself otherwise.
   */
  resolveLiteral(node: TSESTree.Node): TSESTree.Node;
  /** True when type information says the value is a literal or a union of literals. */
  hasBoundedType(node: TSESTree.Node): boolean;
}

const STATIC: StaticValue = { kind: 'static' };

// ---------------------------------------------------------------------------------------------
// Name heuristics
// ---------------------------------------------------------------------------------------------

/**
 * Last words of names that identify one user, session, request or resource: their values are
 * unbounded. Matching whole words (see {@link splitIdentifierWords}) keeps `valid`, `skip` or
 * `paid` from matching `id`/`ip`.
 */
const ID_WORDS = new Set([
  'id', 'ids', 'uid', 'uuid', 'guid',
  'email', 'emails', 'mail',
  'ip', 'ips', 'ipv4', 'ipv6', 'addr', 'address',
  'token', 'jwt', 'nonce',
  'url', 'urls', 'uri', 'href', 'path', 'pathname',
  'username', 'phone', 'timestamp', 'identifier',
  // Names of things there are as many of as users make: one series each.
  'user', 'key', 'host', 'topic', 'channel', 'room', 'session', 'feed', 'pair', 'symbol',
]);

/**
 * Words that make a following `name` unbounded: `userName`, `channel_name`, `roomName`, `hostName`.
 * A bare `name` (a queue, endpoint, transport or metric type named in code or config) is not.
 */
const NAMED_ENTITY_WORDS = new Set([
  'user', 'channel', 'room', 'topic', 'host', 'feed', 'pair', 'symbol', 'session', 'file', 'client',
  'customer', 'account', 'device', 'peer', 'job', 'display', 'first', 'last', 'full', 'nick',
]);

/** First words of functions that map a value onto a fixed set: `normalizePath(req)`, `sanitizeRoute(url)`. */
const SANITISER_WORDS = new Set([
  'normalize', 'normalise', 'sanitize', 'sanitise', 'mask', 'redact', 'bucket', 'classify', 'categorize',
  'categorise', 'group', 'template',
]);

/**
 * Splits an identifier into lower-case words at camelCase humps, acronyms, `_`, `-` and `$`:
 * `clientIP` → `client ip`, `USER_ID` → `user id`, `userIDs` → `user ids`, `ipv4Addr` → `ipv4 addr`.
 */
export function splitIdentifierWords(name: string): string[] {
  const pluralAcronyms = name.replace(/([A-Z]{2,})s(?![a-z])/g, (_, acronym: string) => `${acronym}S`);
  return (pluralAcronyms.match(/[A-Z]+\d*(?![a-z])|[A-Z]?[a-z]+\d*|\d+/g) ?? []).map((w) => w.toLowerCase());
}

/**
 * True when a name says its value identifies something: its last word is one of `id`, `uid`,
 * `uuid`, `email`, `ip`, `token`, `url`, `path`, … (`userId`, `session_id`, `clientIp`,
 * `socket.id`, `accessToken`), or it is `userName`/`user_name`.
 */
export function isIdLikeName(name: string): boolean {
  if (isConstantName(name)) return false;
  const words = splitIdentifierWords(name);
  const last = words.at(-1);
  if (last === undefined) return false;
  return ID_WORDS.has(last) || ((last === 'name' || last === 'names') && NAMED_ENTITY_WORDS.has(words.at(-2) ?? ''));
}

/** `WARMUP_REQUEST_ID`, `DEFAULT_HOST`: SCREAMING_SNAKE_CASE names a constant, whatever its words say. */
export function isConstantName(name: string): boolean {
  return /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(name);
}

/** A function that maps its input onto a fixed set by its name: `normalizePath`, `sanitizeUrl`, `toRouteTemplate`. */
export function isSanitiserName(name: string): boolean {
  const words = splitIdentifierWords(name);
  return words.length > 1 && SANITISER_WORDS.has(words[0] ?? '');
}

/** `req`, `request`, `incomingRequest`, `httpReq`, and Koa's `ctx`. */
function isRequestName(name: string): boolean {
  if (name === 'ctx') return true;
  const last = splitIdentifierWords(name).at(-1);
  return last === 'req' || last === 'request';
}

/** Request fields that carry client-chosen data (Express, Fastify, Koa, Hono, Node `http`). */
const REQUEST_DATA_FIELDS = new Set([
  'headers', 'header', 'rawHeaders', 'query', 'querystring', 'params', 'body', 'files', 'file',
  'url', 'originalUrl', 'href', 'path', 'search', 'searchParams', 'cookies', 'signedCookies',
  'ip', 'ips', 'hostname', 'host', 'subdomains', 'socket', 'connection',
]);

/** Request accessor methods that return client-chosen data: `req.get('x')`, `c.req.param('id')`. */
const REQUEST_DATA_METHODS = new Set(['get', 'header', 'headers', 'param', 'query', 'queries', 'cookie', 'json', 'text']);

/** Route templates are bounded by the code's routes even though they live on the request. */
const ROUTE_TEMPLATE_PATHS: readonly (readonly string[])[] = [
  ['route', 'path'],
  ['routeOptions', 'url'],
  ['routerPath'],
  ['routePath'],
  ['baseUrl'],
  ['_matchedRoute'],
];

const ERROR_WORDS = new Set(['err', 'error', 'exception', 'exc']);

/** Pure string/number derivations: bounded input gives bounded output, unbounded stays unbounded. */
const DERIVING_METHODS = new Set([
  'toString', 'toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'trim',
  'trimStart', 'trimEnd', 'normalize', 'slice', 'substring', 'substr', 'padStart', 'padEnd',
  'toFixed', 'toPrecision', 'valueOf', 'concat', 'replace', 'replaceAll', 'at', 'charAt', 'split',
]);

/** Methods returning a boolean: two values at most. */
const BOOLEAN_METHODS = new Set(['startsWith', 'endsWith', 'includes', 'has', 'test', 'some', 'every', 'isArray']);

/** Global conversion functions whose result is as bounded as their first argument. */
const CONVERTING_FUNCTIONS = new Set(['String', 'Number', 'parseInt', 'parseFloat', 'encodeURIComponent', 'encodeURI']);

/** Packages whose every export makes a fresh unique value. */
const UNIQUE_VALUE_MODULES = new Set(['uuid', 'nanoid', 'ulid', 'cuid', '@paralleldrive/cuid2', 'hyperid']);

/** Function names that produce a fresh unique value wherever they come from. */
const UNIQUE_VALUE_FUNCTIONS = /^(?:randomUUID|randomBytes|uuid(?:v\d)?|nanoid|ulid|cuid|hrtime)$/;

/** `new Date()` formatted or counted: a timestamp. */
const DATE_SERIALISERS = new Set([
  'getTime', 'valueOf', 'toISOString', 'toJSON', 'toString', 'toUTCString', 'toLocaleString',
  'toLocaleDateString', 'toLocaleTimeString', 'toDateString', 'toTimeString',
]);

// ---------------------------------------------------------------------------------------------
// Evaluator
// ---------------------------------------------------------------------------------------------

/** Guards alias chains (`const a = b; const b = …`) and absurd nesting. */
const MAX_RESOLVE_DEPTH = 8;

/** A literal type or a union of them (`'GET' | 'POST'`, an enum, `boolean`, `1 | 2`). */
export function isBoundedType(type: ts.Type, checker: ts.TypeChecker, depth = 0): boolean {
  if (depth > MAX_RESOLVE_DEPTH) return false;
  if (isTypeParameter(type)) {
    const constraint = checker.getBaseConstraintOfType(type);
    return constraint !== undefined && constraint !== type && isBoundedType(constraint, checker, depth + 1);
  }
  if (type.isUnion()) return type.types.every((member) => isBoundedType(member, checker, depth + 1));
  if (type.isLiteral()) return true;
  // true/false/undefined/null are intrinsic types without a public flag test that avoids
  // importing TypeScript at runtime; their printed names are stable.
  const printed = checker.typeToString(type);
  return printed === 'true' || printed === 'false' || printed === 'undefined' || printed === 'null';
}

/** Not `type.isTypeParameter()`: its type guard narrows the other branch to `never`. */
function isTypeParameter(type: ts.Type): boolean {
  return type.isTypeParameter();
}

function isErrorType(type: ts.Type, checker: ts.TypeChecker, depth = 0): boolean {
  if (depth > MAX_RESOLVE_DEPTH) return false;
  if (type.isUnion()) return type.types.length > 0 && type.types.every((t) => isErrorType(t, checker, depth + 1));
  if (type.getSymbol()?.getName() === 'Error') return true;
  return (type.getBaseTypes?.() ?? []).some((base) => isErrorType(base, checker, depth + 1));
}

/** Flattens `a.b['c'].d` into its root expression and property names (undefined = computed). */
interface AccessChain {
  readonly root: TSESTree.Node;
  readonly names: readonly (string | undefined)[];
}

export function createStaticValueEvaluator(context: AnyRuleContext, options: StaticValueOptions = {}): StaticValueEvaluator {
  const sourceCode = context.sourceCode;
  const types = getTypeServices(context);
  const allowedNameSet = new Set(options.allowedNames ?? []);
  const allowedNames = { has: (name: string) => allowedNameSet.has(name) || (options.isAllowedName?.(name) ?? false) };
  const boundedProperties = new Set(options.boundedProperties ?? []);
  const cache = new Map<TSESTree.Node, StaticValue>();
  const inProgress = new Set<TSESTree.Node>();

  const text = (node: TSESTree.Node): string => {
    const raw = sourceCode.getText(node).replace(/\s+/g, ' ');
    return raw.length > 40 ? `${raw.slice(0, 37)}...` : raw;
  };
  const unknown = (node: TSESTree.Node): StaticValue => ({ kind: 'unknown', node });
  const dynamic = (reason: DynamicReason, node: TSESTree.Node, detail: string): StaticValue => ({
    kind: 'dynamic',
    reason,
    node,
    detail,
  });
  const idLike = (node: TSESTree.Node): StaticValue => dynamic('id-like', node, `\`${text(node)}\` looks like an id`);
  const requestData = (node: TSESTree.Node): StaticValue =>
    dynamic('request-data', node, `\`${text(node)}\` is request data`);
  const errorMessage = (node: TSESTree.Node): StaticValue =>
    dynamic('error-message', node, `\`${text(node)}\` is an error message`);
  const uniqueValue = (node: TSESTree.Node): StaticValue =>
    dynamic('unique-value', node, `\`${text(node)}\` is a timestamp or random value`);

  function hasBoundedType(node: TSESTree.Node): boolean {
    if (!types) return false;
    return isBoundedType(types.typeOf(node), types.checker);
  }

  function hasErrorType(node: TSESTree.Node): boolean {
    return types !== undefined && isErrorType(types.typeOf(node), types.checker);
  }

  function hasStringType(node: TSESTree.Node): boolean {
    if (!types) return false;
    const type = types.typeOf(node);
    const parts = type.isUnion() ? type.types : [type];
    return parts.some((part) => part.isStringLiteral() || types.checker.typeToString(part) === 'string');
  }

  function evaluate(node: TSESTree.Node): StaticValue {
    const cached = cache.get(node);
    if (cached) return cached;
    if (inProgress.has(node)) return unknown(node);
    inProgress.add(node);
    try {
      const result = evaluateUncached(node);
      cache.set(node, result);
      return result;
    } finally {
      inProgress.delete(node);
    }
  }

  function evaluateUncached(original: TSESTree.Node): StaticValue {
    const node = skipTypeWrappers(original);
    if (isUniqueValueCall(node)) return uniqueValue(node);
    if (isFoldable(node)) return STATIC;
    switch (node.type) {
      case AST_NODE_TYPES.Literal:
        return STATIC;
      case AST_NODE_TYPES.TemplateLiteral:
        return evaluateParts(node, node.expressions, 'template-literal');
      case AST_NODE_TYPES.BinaryExpression:
        return evaluateBinary(node);
      case AST_NODE_TYPES.ConditionalExpression:
        return combine([node.consequent, node.alternate]);
      case AST_NODE_TYPES.LogicalExpression:
        return combine([node.left, node.right]);
      case AST_NODE_TYPES.UnaryExpression:
        return node.operator === '-' || node.operator === '+' || node.operator === '~'
          ? evaluate(node.argument)
          : STATIC; // `!x`, `typeof x`, `void x`, `delete x`: a handful of values at most.
      case AST_NODE_TYPES.SequenceExpression:
        return node.expressions.length > 0 ? evaluate(node.expressions[node.expressions.length - 1]!) : unknown(node);
      case AST_NODE_TYPES.AssignmentExpression:
        return node.operator === '=' ? evaluate(node.right) : unknown(node);
      case AST_NODE_TYPES.Identifier:
        return evaluateIdentifier(node);
      case AST_NODE_TYPES.MemberExpression:
        return evaluateMember(node);
      case AST_NODE_TYPES.CallExpression:
        return evaluateCall(node);
      default:
        return hasBoundedType(node) ? STATIC : unknown(node);
    }
  }

  /** eslint-utils' constant folding (`const` chains, frozen objects, string methods…). */
  function isFoldable(node: TSESTree.Node): boolean {
    if (node.type === AST_NODE_TYPES.MemberExpression && isMutatedObject(accessChain(node).root)) return false;
    const folded = ASTUtils.getStaticValue(node, sourceCode.getScope(node));
    return folded !== null && (folded.value === null || typeof folded.value !== 'object' || isFoldableObject(node));
  }

  /** Objects/arrays only count when used as a whole value (rare in label positions). */
  function isFoldableObject(node: TSESTree.Node): boolean {
    return node.type === AST_NODE_TYPES.ObjectExpression || node.type === AST_NODE_TYPES.ArrayExpression;
  }

  /** The first dynamic part wins (it names the real cause); otherwise unknown parts stay unknown. */
  function combine(parts: readonly TSESTree.Node[]): StaticValue {
    let firstUnknown: StaticValue | undefined;
    for (const part of parts) {
      const result = evaluate(part);
      if (result.kind === 'dynamic') return result;
      if (result.kind === 'unknown') firstUnknown ??= result;
    }
    return firstUnknown ?? STATIC;
  }

  /** Template literal or string concatenation: a runtime part makes the whole string unbounded. */
  function evaluateParts(whole: TSESTree.Node, parts: readonly TSESTree.Node[], reason: DynamicReason): StaticValue {
    const result = combine(parts);
    if (result.kind !== 'unknown') return result;
    if (hasBoundedType(whole)) return STATIC;
    const how = reason === 'template-literal' ? 'interpolated into a template literal' : 'concatenated into a string';
    return dynamic(reason, result.node, `\`${text(result.node)}\` is ${how}`);
  }

  function evaluateBinary(node: TSESTree.BinaryExpression): StaticValue {
    switch (node.operator) {
      case '+': {
        const parts = [node.left, node.right];
        return parts.some(isStringy) ? evaluateParts(node, parts, 'concatenation') : combine(parts);
      }
      case '==': case '!=': case '===': case '!==': case '<': case '<=': case '>': case '>=':
      case 'in': case 'instanceof':
        return STATIC; // a boolean
      default:
        return combine([node.left, node.right]);
    }
  }

  function isStringy(node: TSESTree.Node): boolean {
    const inner = skipTypeWrappers(node);
    if (inner.type === AST_NODE_TYPES.TemplateLiteral) return true;
    if (inner.type === AST_NODE_TYPES.BinaryExpression && inner.operator === '+') {
      return isStringy(inner.left) || isStringy(inner.right);
    }
    const folded = ASTUtils.getStaticValue(inner, sourceCode.getScope(inner));
    if (folded) return typeof folded.value === 'string';
    return hasStringType(inner);
  }

  // -- identifiers ------------------------------------------------------------------------------

  function evaluateIdentifier(node: TSESTree.Identifier): StaticValue {
    if (allowedNames.has(node.name)) return STATIC;
    const variable = resolveVariable(sourceCode, node);
    if (!variable && (node.name === 'undefined' || node.name === 'NaN' || node.name === 'Infinity')) return STATIC;
    if (variable) {
      const resolved = evaluateVariable(variable, node);
      if (resolved.kind !== 'unknown') return resolved;
    }
    if (isErrorValue(node, variable)) return errorMessage(node);
    if (hasBoundedType(node) || hasBoundedAnnotation(node)) return STATIC;
    if (isIdLikeName(node.name)) return idLike(node);
    return unknown(node);
  }

  function evaluateVariable(variable: Variable, useSite: TSESTree.Identifier): StaticValue {
    const [def, ...otherDefs] = variable.defs;
    if (!def || otherDefs.length > 0 || def.type !== DefinitionType.Variable) return unknown(useSite);
    const declarator = def.node;
    const loop = def.parent.parent;
    if (loop?.type === AST_NODE_TYPES.ForOfStatement || loop?.type === AST_NODE_TYPES.ForInStatement) {
      return declarator.id.type === AST_NODE_TYPES.Identifier && isEffectivelyConst(variable)
        ? evaluateLoopVariable(loop, useSite)
        : unknown(useSite);
    }
    if (declarator.id.type === AST_NODE_TYPES.Identifier) {
      const writes = writtenValues(variable);
      return writes ? combineAt(writes, useSite) : unknown(useSite);
    }
    // `const { method } = req`: the value of `req.method`.
    if (!declarator.init || !isEffectivelyConst(variable) || def.name.type !== AST_NODE_TYPES.Identifier) {
      return unknown(useSite);
    }
    const path = destructuredPath(declarator.id, def.name);
    if (!path) return unknown(useSite);
    const fromSource = evaluateChain({ root: declarator.init, names: path }, useSite);
    const fallback = def.name.parent.type === AST_NODE_TYPES.AssignmentPattern ? def.name.parent.right : undefined;
    if (!fallback || fromSource.kind === 'dynamic') return fromSource;
    const fallbackValue = evaluate(fallback);
    return fallbackValue.kind === 'static' ? fromSource : fallbackValue;
  }

  /**
   * `for (const kind of KINDS)`: an element of a literal array (static when all are);
   * `for (const key in OBJ)`: a key of a literal object. Iterating request data is request data.
   */
  function evaluateLoopVariable(loop: TSESTree.ForOfStatement | TSESTree.ForInStatement, useSite: TSESTree.Identifier): StaticValue {
    const iterated = resolveLiteral(loop.right);
    if (loop.type === AST_NODE_TYPES.ForOfStatement && iterated.type === AST_NODE_TYPES.ArrayExpression) {
      const elements = literalMembers(iterated, undefined);
      if (elements) return combineAt(elements, useSite);
    }
    if (loop.type === AST_NODE_TYPES.ForInStatement && iterated.type === AST_NODE_TYPES.ObjectExpression) {
      const hasOnlyStaticKeys = iterated.properties.every(
        (p) => p.type === AST_NODE_TYPES.Property && staticKeyName(p) !== undefined,
      );
      if (hasOnlyStaticKeys) return STATIC;
    }
    const source = evaluate(loop.right);
    return source.kind === 'dynamic' ? source : unknown(useSite);
  }

  /** Like {@link combine}, but unknown results point at the use site, not the declaration. */
  function combineAt(parts: readonly TSESTree.Node[], useSite: TSESTree.Node): StaticValue {
    const result = combine(parts);
    return result.kind === 'unknown' ? unknown(useSite) : result;
  }

  /**
   * Every value a simple variable is ever given in this file (its initialiser and each plain
   * `x = …`), or undefined when some write cannot be seen (`x++`, destructuring, `for…of`).
   */
  function writtenValues(variable: Variable): TSESTree.Node[] | undefined {
    const values: TSESTree.Node[] = [];
    for (const reference of variable.references) {
      if (!reference.isWrite()) continue;
      const parent = reference.identifier.parent;
      const isPlainWrite =
        (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id === reference.identifier) ||
        (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === reference.identifier && parent.operator === '=');
      if (!isPlainWrite || !reference.writeExpr) return undefined;
      values.push(reference.writeExpr);
    }
    // `let x;` without initialiser also holds `undefined` until assigned.
    return values.length > 0 ? values : undefined;
  }

  function isErrorValue(node: TSESTree.Node, variable?: Variable | null): boolean {
    if (variable?.defs[0]?.type === DefinitionType.CatchClause) return true;
    const name = nameOf(node);
    if (name !== undefined && ERROR_WORDS.has(splitIdentifierWords(name).at(-1) ?? '')) return true;
    return hasErrorAnnotation(node) || hasErrorType(node);
  }

  /**
   * Without types: a declared type written as literals (`kind: 'a' | 'b'`, a local alias of such a
   * union, a local enum, `boolean`) bounds the value whatever its name says.
   */
  function hasBoundedAnnotation(node: TSESTree.Node): boolean {
    const declared = declaredTypeOf(sourceCode, node);
    return declared !== undefined && isBoundedAnnotation(declared);
  }

  function isBoundedAnnotation(type: TSESTree.TypeNode): boolean {
    const parts = unwrapType(sourceCode, type);
    return parts.length > 0 && parts.every((part) => {
      switch (part.type) {
        case AST_NODE_TYPES.TSLiteralType:
          return part.literal.type !== AST_NODE_TYPES.TemplateLiteral || part.literal.expressions.length === 0;
        case AST_NODE_TYPES.TSBooleanKeyword:
          return true;
        case AST_NODE_TYPES.TSTypeReference: {
          const name = part.typeName.type === AST_NODE_TYPES.TSQualifiedName ? part.typeName.left : part.typeName;
          if (name.type !== AST_NODE_TYPES.Identifier) return false;
          return resolveVariable(sourceCode, name)?.defs.some((def) => def.type === DefinitionType.TSEnumName) ?? false;
        }
        default:
          return false;
      }
    });
  }

  /** `(event: WebSocket.ErrorEvent)`, `(failure: HttpError)`: an error by its declared type's name. */
  function hasErrorAnnotation(node: TSESTree.Node): boolean {
    const declared = declaredTypeOf(sourceCode, node);
    if (declared?.type !== AST_NODE_TYPES.TSTypeReference) return false;
    const typeName = declared.typeName.type === AST_NODE_TYPES.TSQualifiedName ? declared.typeName.right : declared.typeName;
    if (typeName.type !== AST_NODE_TYPES.Identifier) return false;
    return splitIdentifierWords(typeName.name).some((word) => ERROR_WORDS.has(word));
  }

  /** For `.message`: also the customary `e`/`ex` names. */
  function isErrorObject(node: TSESTree.Node): boolean {
    const inner = skipTypeWrappers(node);
    if (inner.type === AST_NODE_TYPES.Identifier) {
      if (inner.name === 'e' || inner.name === 'ex') return true;
      return isErrorValue(inner, resolveVariable(sourceCode, inner));
    }
    return isErrorValue(inner);
  }

  // -- member access ----------------------------------------------------------------------------

  function evaluateMember(node: TSESTree.MemberExpression): StaticValue {
    // `url.split('?')[0]`, `name.trim().length`: a part of a derived string is as bounded as the string.
    const object = skipTypeWrappers(node.object);
    if (object.type === AST_NODE_TYPES.CallExpression && object.callee.type === AST_NODE_TYPES.MemberExpression) {
      const method = staticPropertyName(object.callee);
      if (method !== undefined && DERIVING_METHODS.has(method)) {
        const whole = evaluate(object);
        if (whole.kind !== 'unknown') return whole;
      }
    }
    return evaluateChain(expandAliases(accessChain(node)), node);
  }

  /**
   * Rewrites a chain rooted at a constant alias to the aliased expression, so the request or
   * error it came from stays visible: `const { query } = req; query.page` → `req.query.page`,
   * `const user = req.user; user.id` → `req.user.id`.
   */
  function expandAliases(chain: AccessChain, depth = 0): AccessChain {
    const root = chain.root;
    if (depth > MAX_RESOLVE_DEPTH || root.type !== AST_NODE_TYPES.Identifier) return chain;
    const variable = resolveVariable(sourceCode, root);
    const def = variable?.defs[0];
    if (!variable || def?.type !== DefinitionType.Variable || !def.node.init || !isEffectivelyConst(variable)) return chain;
    if (def.name.type !== AST_NODE_TYPES.Identifier) return chain;
    const init = skipTypeWrappers(def.node.init);
    const path = def.node.id.type === AST_NODE_TYPES.Identifier ? [] : destructuredPath(def.node.id, def.name);
    if (!path) return chain;
    if (init.type === AST_NODE_TYPES.MemberExpression) {
      const inner = accessChain(init);
      return expandAliases({ root: inner.root, names: [...inner.names, ...path, ...chain.names] }, depth + 1);
    }
    if (init.type === AST_NODE_TYPES.Identifier && path.length > 0) {
      return expandAliases({ root: init, names: [...path, ...chain.names] }, depth + 1);
    }
    return chain;
  }

  function accessChain(node: TSESTree.MemberExpression): AccessChain {
    const names: (string | undefined)[] = [];
    let current: TSESTree.Node = node;
    while (current.type === AST_NODE_TYPES.MemberExpression) {
      names.unshift(memberName(current));
      current = skipTypeWrappers(current.object);
    }
    return { root: current, names };
  }

  function memberName(member: TSESTree.MemberExpression): string | undefined {
    if (member.property.type === AST_NODE_TYPES.PrivateIdentifier) return `#${member.property.name}`;
    const name = staticPropertyName(member);
    if (name !== undefined || !member.computed) return name;
    const folded = ASTUtils.getStaticValue(member.property, sourceCode.getScope(member.property));
    return folded && (typeof folded.value === 'string' || typeof folded.value === 'number') ? String(folded.value) : undefined;
  }

  /** `node` is the expression being evaluated (the member, or the identifier bound by destructuring). */
  function evaluateChain(chain: AccessChain, node: TSESTree.Node): StaticValue {
    const { root, names } = chain;
    const last = names.at(-1);
    if (last !== undefined && (allowedNames.has(last) || boundedProperties.has(last))) return STATIC;
    const chainNames = [nameOf(root), ...names];
    if (isRouteTemplate(chainNames)) return STATIC;
    const literal = evaluateLiteralMember(root, names);
    if (literal) return literal;
    if (isRequestData(chainNames)) return requestData(node);
    const object = node.type === AST_NODE_TYPES.MemberExpression ? node.object : names.length === 1 ? root : undefined;
    if ((last === 'message' || last === 'stack') && object && isErrorObject(object)) return errorMessage(node);
    if (hasBoundedType(node) || (node.type === AST_NODE_TYPES.MemberExpression && hasBoundedAnnotation(node))) return STATIC;
    if (last !== undefined && isIdLikeName(last)) return idLike(node);
    return unknown(node);
  }

  /**
   * Members of enums and of constant object/array literals: `Status.Ok`, `LABELS.route`,
   * `ROUTES[i]` (any element of a literal whose elements are all static is static).
   */
  function evaluateLiteralMember(root: TSESTree.Node, names: readonly (string | undefined)[]): StaticValue | undefined {
    const rootNode = skipTypeWrappers(root);
    if (rootNode.type === AST_NODE_TYPES.Identifier) {
      const variable = resolveVariable(sourceCode, rootNode);
      if (variable?.defs.some((def) => def.type === DefinitionType.TSEnumName)) return STATIC;
      if (!variable || hasPropertyWrites(variable)) return undefined;
    }
    let values: TSESTree.Node[] = [resolveLiteral(rootNode)];
    if (values[0] === rootNode && rootNode.type !== AST_NODE_TYPES.ObjectExpression && rootNode.type !== AST_NODE_TYPES.ArrayExpression) {
      return undefined;
    }
    for (const name of names) {
      const next: TSESTree.Node[] = [];
      for (const value of values) {
        const members = literalMembers(value, name);
        if (!members) return undefined;
        next.push(...members.map(resolveLiteral));
      }
      values = next;
    }
    const result = combine(values);
    return result.kind === 'unknown' ? undefined : result;
  }

  /** The property values of an object/array literal that `name` may select; undefined if unsure. */
  function literalMembers(value: TSESTree.Node, name: string | undefined): TSESTree.Node[] | undefined {
    if (value.type === AST_NODE_TYPES.ObjectExpression) {
      const members: TSESTree.Node[] = [];
      for (const property of value.properties) {
        if (property.type !== AST_NODE_TYPES.Property) return undefined; // a spread hides keys
        const key = staticKeyName(property);
        if (key === undefined) return undefined;
        if (name === undefined || key === name) members.push(property.value);
      }
      if (name !== undefined) return members.length > 0 ? members.slice(-1) : undefined;
      return members;
    }
    if (value.type === AST_NODE_TYPES.ArrayExpression) {
      if (value.elements.some((e) => e === null || e.type === AST_NODE_TYPES.SpreadElement)) return undefined;
      const elements = value.elements as TSESTree.Expression[];
      if (name === undefined) return elements;
      const index = Number(name);
      const element = Number.isInteger(index) ? elements[index] : undefined;
      return element ? [element] : undefined;
    }
    return undefined;
  }

  /** eslint-utils does not see `Object.assign(X, …)` as a mutation of `X`. */
  function isMutatedObject(root: TSESTree.Node): boolean {
    if (root.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = resolveVariable(sourceCode, root);
    return variable !== undefined && hasPropertyWrites(variable);
  }

  /** `X.a = …`, `X.a++`, `delete X.a`, `Object.assign(X, …)`: the literal no longer tells the value. */
  function hasPropertyWrites(variable: Variable): boolean {
    return variable.references.some((reference) => {
      let node: TSESTree.Node = reference.identifier;
      const parent = node.parent;
      if (
        parent?.type === AST_NODE_TYPES.CallExpression &&
        parent.arguments[0] === node &&
        sourceCode.getText(parent.callee) === 'Object.assign'
      ) {
        return true;
      }
      if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== node) return false;
      while (node.parent?.type === AST_NODE_TYPES.MemberExpression && node.parent.object === node) node = node.parent;
      const top = node.parent;
      return (
        (top?.type === AST_NODE_TYPES.AssignmentExpression && top.left === node) ||
        (top?.type === AST_NODE_TYPES.UpdateExpression && top.argument === node) ||
        (top?.type === AST_NODE_TYPES.UnaryExpression && top.operator === 'delete')
      );
    });
  }

  function resolveLiteral(node: TSESTree.Node, depth = 0): TSESTree.Node {
    const inner = skipTypeWrappers(node);
    if (depth > MAX_RESOLVE_DEPTH) return inner;
    if (inner.type === AST_NODE_TYPES.Identifier) {
      const variable = resolveVariable(sourceCode, inner);
      const def = variable?.defs[0];
      if (
        variable && def?.type === DefinitionType.Variable && isEffectivelyConst(variable) &&
        def.node.id.type === AST_NODE_TYPES.Identifier && def.node.init
      ) {
        return resolveLiteral(def.node.init, depth + 1);
      }
      return inner;
    }
    if (
      inner.type === AST_NODE_TYPES.CallExpression &&
      inner.arguments.length === 1 &&
      inner.arguments[0]!.type !== AST_NODE_TYPES.SpreadElement &&
      sourceCode.getText(inner.callee) === 'Object.freeze' &&
      isGlobalReference(sourceCode, inner, 'Object')
    ) {
      return resolveLiteral(inner.arguments[0]!, depth + 1);
    }
    return inner;
  }

  /** `req.route.path`, `request.routeOptions.url`, `ctx._matchedRoute`, `c.req.routePath`. */
  function isRouteTemplate(chainNames: readonly (string | undefined)[]): boolean {
    return chainNames.some((name, i) => {
      if (name === undefined || !isRequestName(name)) return false;
      const rest = chainNames.slice(i + 1);
      return ROUTE_TEMPLATE_PATHS.some(
        (template) => template.length === rest.length && template.every((part, j) => part === rest[j]),
      );
    });
  }

  /** `req.query…`, `request.headers…`, `ctx.request.body…`, `c.req.param…`. */
  function isRequestData(chainNames: readonly (string | undefined)[]): boolean {
    return chainNames.some((name, i) => {
      const field = chainNames[i + 1];
      return name !== undefined && field !== undefined && isRequestName(name) && REQUEST_DATA_FIELDS.has(field);
    });
  }

  // -- calls ------------------------------------------------------------------------------------

  function evaluateCall(node: TSESTree.CallExpression): StaticValue {
    const callee = skipTypeWrappers(node.callee);
    const calleeName = nameOf(callee);
    // A sanitiser the user vouches for (`normalizeRoute(req.path)`) or whose name says it is one.
    if (calleeName !== undefined && (allowedNames.has(calleeName) || isSanitiserName(calleeName))) return STATIC;
    const [firstArgument] = node.arguments;
    if (callee.type === AST_NODE_TYPES.Identifier) {
      if (callee.name === 'Boolean' && isGlobalReference(sourceCode, callee, 'Boolean')) return STATIC;
      if (CONVERTING_FUNCTIONS.has(callee.name) && isGlobalReference(sourceCode, callee, callee.name) && firstArgument) {
        if (callee.name === 'String' && isErrorValue(firstArgument, errorVariable(firstArgument))) return errorMessage(node);
        return evaluate(firstArgument);
      }
    }
    if (callee.type === AST_NODE_TYPES.MemberExpression) {
      const method = staticPropertyName(callee);
      const chain = accessChain(callee);
      if (method !== undefined && REQUEST_DATA_METHODS.has(method) && chain.names.length >= 1) {
        const objectNames = [nameOf(chain.root), ...chain.names.slice(0, -1)];
        if (isRequestName(objectNames.at(-1) ?? '')) return requestData(node);
      }
      if (method === 'stringify' && sourceCode.getText(callee.object) === 'JSON' && firstArgument) return evaluate(firstArgument);
      if (method !== undefined && BOOLEAN_METHODS.has(method)) return STATIC;
      if (method !== undefined && DERIVING_METHODS.has(method)) {
        if (method === 'toString' && isErrorValue(callee.object, errorVariable(callee.object))) return errorMessage(node);
        const receiver = evaluate(callee.object);
        if (receiver.kind === 'dynamic') return receiver;
        const args = combine(node.arguments);
        if (receiver.kind === 'static' && args.kind === 'static') return STATIC;
        if (args.kind === 'dynamic') return args;
      }
    }
    if (hasBoundedType(node)) return STATIC;
    if (calleeName !== undefined && isIdLikeName(calleeName)) return idLike(node);
    return unknown(node);
  }

  function errorVariable(node: TSESTree.Node): Variable | undefined {
    const inner = skipTypeWrappers(node);
    return inner.type === AST_NODE_TYPES.Identifier ? resolveVariable(sourceCode, inner) : undefined;
  }

  /** `Date.now()`, `Math.random()`, `crypto.randomUUID()`, `uuidv4()`, `new Date().toISOString()`, `Date()`. */
  function isUniqueValueCall(node: TSESTree.Node): boolean {
    if (isNewDate(node)) return true;
    if (node.type !== AST_NODE_TYPES.CallExpression) return false;
    const callee = skipTypeWrappers(node.callee);
    if (callee.type === AST_NODE_TYPES.Identifier && callee.name === 'Date') return isGlobalReference(sourceCode, callee, 'Date');
    const name = nameOf(callee);
    if (name === undefined) return false;
    if (callee.type === AST_NODE_TYPES.MemberExpression) {
      const objectText = sourceCode.getText(callee.object);
      if (name === 'now' && (objectText === 'Date' || objectText === 'performance')) return true;
      if (name === 'random' && objectText === 'Math') return true;
      if (DATE_SERIALISERS.has(name) && isNewDate(skipTypeWrappers(callee.object))) return true;
      if (name === 'bigint' && objectText === 'process.hrtime') return true;
    }
    if (UNIQUE_VALUE_FUNCTIONS.test(name)) return true;
    const reference = resolveModuleReference(sourceCode, callee);
    return reference !== undefined && UNIQUE_VALUE_MODULES.has(reference.module);
  }

  function isNewDate(node: TSESTree.Node): boolean {
    return (
      node.type === AST_NODE_TYPES.NewExpression &&
      node.callee.type === AST_NODE_TYPES.Identifier &&
      node.callee.name === 'Date' &&
      isGlobalReference(sourceCode, node, 'Date')
    );
  }

  return { evaluate, resolveLiteral: (node) => resolveLiteral(node), hasBoundedType };
}

/** The name an expression goes by: `userId` → `userId`, `socket.id` → `id`, `getId()` → `getId`. */
function nameOf(node: TSESTree.Node): string | undefined {
  const inner = skipTypeWrappers(node);
  switch (inner.type) {
    case AST_NODE_TYPES.Identifier:
      return inner.name;
    case AST_NODE_TYPES.MemberExpression:
      return inner.property.type === AST_NODE_TYPES.PrivateIdentifier ? inner.property.name : staticPropertyName(inner);
    case AST_NODE_TYPES.CallExpression:
      return nameOf(inner.callee);
    default:
      return undefined;
  }
}
