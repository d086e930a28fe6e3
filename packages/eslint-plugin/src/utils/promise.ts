import { AST_NODE_TYPES, AST_TOKEN_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { getModuleSummaries, isFunctionNode, type ExportSummary, type FunctionNode, type ModuleSummaries } from './module-summaries.js';
import {
  isBuiltinModule,
  isEffectivelyConst,
  isGlobalReference,
  resolveModuleReference,
  resolveVariable,
  skipTypeWrappers,
  staticKeyName,
  staticPropertyName,
  type ModuleReference,
} from './module-bindings.js';
import { getTypeServices, type AnyRuleContext } from './type-services.js';
import { alwaysExits } from './statement-exits.js';

const { DefinitionType } = TSESLint.Scope;

// Declared with the module summaries, which read functions the same way; the rules import them from here.
export { isFunctionNode, type FunctionNode };


/** `then`, `catch` and `finally`: calling one of these on a promise yields a new promise. */
export type PromiseMethod = 'then' | 'catch' | 'finally';

/** A `.then/.catch/.finally(...)` call and the receiver it was called on. */
export interface PromiseMethodCall {
  readonly method: PromiseMethod;
  readonly call: TSESTree.CallExpression;
  readonly receiver: TSESTree.Expression;
}

/** Static `Promise.*` methods that return a promise. */
const PROMISE_STATICS = new Set(['all', 'allSettled', 'any', 'race', 'reject', 'resolve', 'try']);

/**
 * `fs/promises` exports that return a promise. Not `watch`/`glob` (async iterators) nor
 * `constants`.
 */
const FS_PROMISE_FUNCTIONS = new Set([
  'access', 'appendFile', 'chmod', 'chown', 'copyFile', 'cp', 'lchmod', 'lchown', 'link', 'lstat', 'lutimes',
  'mkdir', 'mkdtemp', 'open', 'opendir', 'readFile', 'readdir', 'readlink', 'realpath', 'rename', 'rm', 'rmdir',
  'stat', 'statfs', 'symlink', 'truncate', 'unlink', 'utimes', 'writeFile',
]);

/** `timers/promises` functions that return a promise (`setInterval` returns an async iterator), and `scheduler.*`. */
const TIMERS_PROMISE_FUNCTIONS = new Set(['setTimeout', 'setImmediate', 'wait', 'yield']);

/** A string naming one of the modules whose exports `isWellKnownPromiseApi` knows. */
const PROMISE_MODULE_SPECIFIER = /['"`](?:node:)?(?:fs|fs\/promises|timers\/promises)['"`]/;

/** Methods of Node.js classes that return a promise (instances held in typed fields or `new C()`). */
const BUILTIN_PROMISE_METHODS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  worker_threads: { Worker: ['terminate'] },
  'fs/promises': { FileHandle: ['close', 'read', 'write', 'readFile', 'writeFile', 'stat', 'sync', 'truncate', 'appendFile'] },
  'readline/promises': { Interface: ['question'] },
};
const PROMISE_METHOD_SUMMARY: ExportSummary = { kind: 'function', returnsPromise: true };

/** The promise-returning members of a Node.js class instance, as summaries. */
function builtinInstanceMembers(reference: ModuleReference): ReadonlyMap<string, ExportSummary> | undefined {
  const className = reference.path.length === 1 ? reference.path[0] : undefined;
  const methods = className === undefined ? undefined : BUILTIN_PROMISE_METHODS[reference.module]?.[className];
  return methods && new Map(methods.map((name) => [name, PROMISE_METHOD_SUMMARY]));
}

/** Guards recursion through aliases, `this.x()` chains and mutually recursive functions. */
const MAX_DEPTH = 8;

/**
 * `then(onFulfilled)`, `catch(handler)`, `finally(fn)` called on any receiver, by name: without
 * types that is the only evidence, and non-promise `then` methods are rare enough to accept.
 */
export function asPromiseMethodCall(node: TSESTree.Node): PromiseMethodCall | undefined {
  const call = skipTypeWrappers(node);
  if (call.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const callee = skipTypeWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const method = staticPropertyName(callee);
  if (method !== 'then' && method !== 'catch' && method !== 'finally') return undefined;
  return { method, call, receiver: callee.object };
}

/** An argument that really handles something: not missing, `undefined`, `null` or `void 0`. */
function isRealHandler(argument: TSESTree.CallExpressionArgument | undefined): boolean {
  if (!argument || argument.type === AST_NODE_TYPES.SpreadElement) return false;
  const value = skipTypeWrappers(argument);
  if (value.type === AST_NODE_TYPES.Identifier && value.name === 'undefined') return false;
  if (value.type === AST_NODE_TYPES.Literal && value.value === null) return false;
  return !(value.type === AST_NODE_TYPES.UnaryExpression && value.operator === 'void');
}

/**
 * Whether a rejection of the promise chain ending in `node` is handled: the last link is
 * `.catch(handler)` or `.then(onFulfilled, onRejected)`, or a `.finally()` on such a chain
 * (`finally` passes its receiver's outcome through).
 */
export function handlesRejection(node: TSESTree.Node): boolean {
  const link = asPromiseMethodCall(node);
  if (!link) return false;
  switch (link.method) {
    case 'catch':
      return isRealHandler(link.call.arguments[0]);
    case 'then':
      return isRealHandler(link.call.arguments[1]);
    case 'finally':
      return handlesRejection(link.receiver);
  }
}

/** The expression a `.then/.catch/.finally` chain starts from: `load().then(a).catch(b)` → `load()`. */
export function promiseChainRoot(node: TSESTree.Node): TSESTree.Node {
  let current = skipTypeWrappers(node);
  for (let link = asPromiseMethodCall(current); link; link = asPromiseMethodCall(current)) {
    current = skipTypeWrappers(link.receiver);
  }
  return current;
}

/** `Promise<T>`, `PromiseLike<T>`, or a union containing one of them. */
function isPromiseTypeAnnotation(type: TSESTree.TypeNode): boolean {
  if (type.type === AST_NODE_TYPES.TSUnionType) return type.types.some(isPromiseTypeAnnotation);
  return (
    type.type === AST_NODE_TYPES.TSTypeReference &&
    type.typeName.type === AST_NODE_TYPES.Identifier &&
    (type.typeName.name === 'Promise' || type.typeName.name === 'PromiseLike')
  );
}

/** `@returns {Promise<…>}` in the JSDoc of a `.js` function. */
const JSDOC_RETURNS_PROMISE = /@returns?\s*\{\s*(?:Promise|PromiseLike)\b/;

/** The statement or property a function's JSDoc comment is attached to. */
function jsDocOwner(fn: FunctionNode): TSESTree.Node {
  let owner: TSESTree.Node = fn;
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator) owner = parent.parent;
  else if (
    parent?.type === AST_NODE_TYPES.Property ||
    parent?.type === AST_NODE_TYPES.MethodDefinition ||
    parent?.type === AST_NODE_TYPES.PropertyDefinition
  ) {
    owner = parent;
  }
  const exported = owner.parent;
  if (exported?.type === AST_NODE_TYPES.ExportNamedDeclaration || exported?.type === AST_NODE_TYPES.ExportDefaultDeclaration) {
    owner = exported;
  }
  return owner;
}

/** Checker-backed questions; absent when the file is linted without type information. */
interface TypeQuestions {
  readonly checker: ts.TypeChecker;
  typeOf(node: TSESTree.Node): ts.Type;
  tsNode(node: TSESTree.Node): ts.Node;
}

// `ts.TypeFlags.Any | ts.TypeFlags.Unknown`, spelled as numbers so the plugin does not load
// `typescript` at runtime (users linting plain JavaScript may not have it installed).
const ANY_OR_UNKNOWN_FLAGS = 1 | 2;

/**
 * The variable still holds what its declaration put there: `isEffectivelyConst`, plus function
 * and class declarations that are never assigned to.
 */
function holdsDeclaredValue(variable: TSESLint.Scope.Variable): boolean {
  // Overloads declare one function several times.
  const isDeclaration = variable.defs.every((def) => def.type === DefinitionType.FunctionName) ||
    (variable.defs.length === 1 && variable.defs[0]?.type === DefinitionType.ClassName);
  if (variable.defs.length > 0 && isDeclaration) return variable.references.every((ref) => !ref.isWrite());
  return isEffectivelyConst(variable);
}

function typeParts(type: ts.Type): readonly ts.Type[] {
  return type.isUnion() ? type.types : [type];
}

/** What `this` is at some point of the code, when the file shows it. */
export interface ThisBinding {
  /** The class body (instance or static side) or object literal whose members `this` has. */
  readonly owner: TSESTree.ClassBody | TSESTree.ObjectExpression;
  /** `this` is the class itself (static methods and blocks, static field initialisers). */
  readonly isStatic: boolean;
}

/**
 * The class or object literal `this` refers to at `node`: arrows are transparent; a method, a
 * field initialiser or a static block binds it; any other function makes it unknown.
 */
export function thisBinding(node: TSESTree.Node): ThisBinding | undefined {
  for (let current = node.parent; current; current = current.parent) {
    switch (current.type) {
      case AST_NODE_TYPES.ArrowFunctionExpression:
        continue;
      case AST_NODE_TYPES.FunctionExpression: {
        const holder = current.parent;
        if (holder?.type === AST_NODE_TYPES.MethodDefinition) return { owner: holder.parent, isStatic: holder.static };
        if (holder?.type === AST_NODE_TYPES.Property && holder.parent.type === AST_NODE_TYPES.ObjectExpression) {
          return { owner: holder.parent, isStatic: false };
        }
        return undefined;
      }
      case AST_NODE_TYPES.PropertyDefinition:
        return { owner: current.parent, isStatic: current.static };
      case AST_NODE_TYPES.StaticBlock:
        return { owner: current.parent, isStatic: true };
      case AST_NODE_TYPES.FunctionDeclaration:
      case AST_NODE_TYPES.Program:
        return undefined;
      default:
        continue;
    }
  }
  return undefined;
}

/**
 * Answers "does this expression start a promise?" for one file. Create one per `create()` call:
 * it caches per-function answers and must not outlive the file.
 */
export interface PromiseRecognizer {
  /** Whether the file is linted with type information. */
  readonly hasTypes: boolean;
  /**
   * Without types: whether evaluating the expression yields a promise, as far as the file shows
   * (calls of same-file async/promise-returning functions and methods, `new Promise`, `Promise.*`,
   * `.then/.catch/.finally`, `fetch`, `fs/promises`, `timers/promises`, `import()`).
   */
  isPromiseSyntactically(node: TSESTree.Node): boolean;
  /**
   * With types: `true` when the type is (or a union containing) a thenable, `false` when the
   * type is known and not thenable, `undefined` without types or for `any`/`unknown`.
   */
  isThenableTyped(node: TSESTree.Node): boolean | undefined;
  /** Types when they are conclusive, otherwise the syntactic answer. */
  isPromise(node: TSESTree.Node): boolean;
  /** Whether calling the function value `node` (a function or a reference to one) yields a promise. */
  isPromiseReturningFunction(node: TSESTree.Node): boolean;
  /** The same-file function that `callee` refers to, if it can be resolved. */
  resolveFunction(callee: TSESTree.Node): FunctionNode | undefined;
  /** `fetch`, `fs/promises` and `fs.promises` functions, `timers/promises` timers, `scheduler.wait/yield`. */
  isWellKnownPromiseApi(callee: TSESTree.Node): boolean;
}

export function createPromiseRecognizer(context: AnyRuleContext): PromiseRecognizer {
  const sourceCode = context.sourceCode;
  const services = getTypeServices(context);
  const types: TypeQuestions | undefined = services
    ? { checker: services.checker, typeOf: services.typeOf, tsNode: services.toTsNode }
    : undefined;
  const returnsPromiseCache = new Map<FunctionNode, boolean>();
  let moduleSummaries: ModuleSummaries | undefined;
  /** Built on first use: most calls are answered within the file. */
  const summaries = (): ModuleSummaries => (moduleSummaries ??= getModuleSummaries(context));

  function isThenableType(type: ts.Type, at: ts.Node): boolean {
    if (!types) return false;
    return typeParts(type).some((part) => {
      const then = part.getProperty('then');
      if (!then) return false;
      const thenType = types.checker.getTypeOfSymbolAtLocation(then, at);
      return typeParts(thenType).some((t) => t.getCallSignatures().length > 0);
    });
  }

  function isThenableTyped(node: TSESTree.Node): boolean | undefined {
    if (!types) return undefined;
    const type = types.typeOf(node);
    if (typeParts(type).some((part) => (part.flags & ANY_OR_UNKNOWN_FLAGS) !== 0)) return undefined;
    return isThenableType(type, types.tsNode(node));
  }

  function functionTypeReturnsThenable(node: TSESTree.Node): boolean | undefined {
    if (!types) return undefined;
    const type = types.typeOf(node);
    if ((type.flags & ANY_OR_UNKNOWN_FLAGS) !== 0) return undefined;
    const signatures = typeParts(type).flatMap((part) => part.getCallSignatures());
    if (signatures.length === 0) return undefined;
    const at = types.tsNode(node);
    return signatures.some((signature) => isThenableType(signature.getReturnType(), at));
  }

  let mentionsPromiseModulesCache: boolean | undefined;
  /** Cheap per-file pre-check that spares a scope walk for every call in files that import none of them. */
  function mentionsPromiseModules(): boolean {
    mentionsPromiseModulesCache ??= PROMISE_MODULE_SPECIFIER.test(sourceCode.text);
    return mentionsPromiseModulesCache;
  }

  function isWellKnownReference(reference: ModuleReference | undefined): boolean {
    if (!reference) return false;
    const [first, second] = reference.path;
    switch (reference.module) {
      case 'fs/promises':
        return reference.path.length === 1 && first !== undefined && FS_PROMISE_FUNCTIONS.has(first);
      case 'fs':
        return reference.path.length === 2 && first === 'promises' && second !== undefined && FS_PROMISE_FUNCTIONS.has(second);
      case 'timers/promises':
        if (reference.path.length === 1) return first === 'setTimeout' || first === 'setImmediate';
        return reference.path.length === 2 && first === 'scheduler' && (second === 'wait' || second === 'yield');
      default:
        return false;
    }
  }

  function isWellKnownPromiseApi(callee: TSESTree.Node): boolean {
    const node = skipTypeWrappers(callee);
    if (node.type === AST_NODE_TYPES.Identifier && node.name === 'fetch') {
      return isGlobalReference(sourceCode, node, 'fetch');
    }
    if (
      node.type === AST_NODE_TYPES.MemberExpression &&
      staticPropertyName(node) === 'fetch' &&
      node.object.type === AST_NODE_TYPES.Identifier &&
      (node.object.name === 'globalThis' || node.object.name === 'window' || node.object.name === 'self') &&
      isGlobalReference(sourceCode, node.object, node.object.name)
    ) {
      return true;
    }
    if (node.type === AST_NODE_TYPES.MemberExpression) {
      const name = staticPropertyName(node);
      if (name === undefined || !(FS_PROMISE_FUNCTIONS.has(name) || TIMERS_PROMISE_FUNCTIONS.has(name))) return false;
    } else if (node.type !== AST_NODE_TYPES.Identifier) {
      return false;
    }
    return mentionsPromiseModules() && isWellKnownReference(resolveModuleReference(sourceCode, node));
  }

  /** `Promise.all(...)` and friends, with the global `Promise`. */
  function isPromiseStaticCall(callee: TSESTree.Node): boolean {
    if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
    const name = staticPropertyName(callee);
    return (
      name !== undefined &&
      PROMISE_STATICS.has(name) &&
      callee.object.type === AST_NODE_TYPES.Identifier &&
      callee.object.name === 'Promise' &&
      isGlobalReference(sourceCode, callee.object, 'Promise')
    );
  }

  function memberFunction(
    owner: TSESTree.ClassBody | TSESTree.ObjectExpression,
    name: string,
    isPrivate: boolean,
    isStatic: boolean,
    depth: number,
  ): FunctionNode | undefined {
    if (owner.type === AST_NODE_TYPES.ObjectExpression) {
      for (const property of owner.properties) {
        if (property.type !== AST_NODE_TYPES.Property || property.kind !== 'init' || isPrivate || staticKeyName(property) !== name) continue;
        return functionOf(property.value, depth + 1);
      }
      return undefined;
    }
    for (const member of owner.body) {
      if (
        member.type !== AST_NODE_TYPES.MethodDefinition &&
        member.type !== AST_NODE_TYPES.PropertyDefinition &&
        member.type !== AST_NODE_TYPES.TSAbstractMethodDefinition
      ) {
        continue;
      }
      if (member.static !== isStatic || (member.key.type === AST_NODE_TYPES.PrivateIdentifier) !== isPrivate) continue;
      const key = member.key.type === AST_NODE_TYPES.PrivateIdentifier ? member.key.name : staticKeyName(member as TSESTree.MethodDefinition);
      if (key !== name) continue;
      if (member.type === AST_NODE_TYPES.PropertyDefinition) return member.value ? functionOf(member.value, depth + 1) : undefined;
      if (member.kind === 'method') return member.value;
    }
    // Inherited from a class declared in this file.
    const classNode = owner.parent;
    const superClass = classNode.superClass;
    if (superClass?.type === AST_NODE_TYPES.Identifier && depth < MAX_DEPTH) {
      const superBody = classBodyOf(superClass, depth + 1);
      if (superBody) return memberFunction(superBody, name, isPrivate, isStatic, depth + 1);
    }
    return undefined;
  }

  /** The body of the class an identifier names, if declared in this file. */
  function classBodyOf(identifier: TSESTree.Identifier, depth: number): TSESTree.ClassBody | undefined {
    const variable = resolveVariable(sourceCode, identifier);
    if (!variable || !holdsDeclaredValue(variable) || depth > MAX_DEPTH) return undefined;
    const def = variable.defs[0];
    if (def?.type === DefinitionType.ClassName) return def.node.body;
    if (def?.type === DefinitionType.Variable && def.node.init?.type === AST_NODE_TYPES.ClassExpression) return def.node.init.body;
    return undefined;
  }

  /** What `object` in `object.method()` is, as far as members go. */
  function membersOf(
    object: TSESTree.Node,
    depth: number,
  ): { owner: TSESTree.ClassBody | TSESTree.ObjectExpression; isStatic: boolean } | undefined {
    const node = skipTypeWrappers(object);
    if (node.type === AST_NODE_TYPES.ThisExpression) return thisBinding(node);
    if (node.type === AST_NODE_TYPES.ObjectExpression) return { owner: node, isStatic: false };
    if (node.type === AST_NODE_TYPES.MemberExpression && depth <= MAX_DEPTH) {
      // `this.store.load()` where the class holds a `Store` declared in this file.
      const classRef = instanceClassOf(node, depth + 1);
      const body = classRef && classBodyOf(classRef, depth + 1);
      return body && { owner: body, isStatic: false };
    }
    if (node.type !== AST_NODE_TYPES.Identifier || depth > MAX_DEPTH) return undefined;
    const variable = resolveVariable(sourceCode, node);
    if (!variable || !holdsDeclaredValue(variable)) return undefined;
    const def = variable.defs[0];
    if (def?.type === DefinitionType.ClassName) return { owner: def.node.body, isStatic: true };
    if (def?.type !== DefinitionType.Variable || def.node.id.type !== AST_NODE_TYPES.Identifier || !def.node.init) return undefined;
    const init = skipTypeWrappers(def.node.init);
    if (init.type === AST_NODE_TYPES.ObjectExpression) return { owner: init, isStatic: false };
    if (init.type === AST_NODE_TYPES.ClassExpression) return { owner: init.body, isStatic: true };
    if (init.type === AST_NODE_TYPES.NewExpression && init.callee.type === AST_NODE_TYPES.Identifier) {
      const body = classBodyOf(init.callee, depth + 1);
      return body && { owner: body, isStatic: false };
    }
    return undefined;
  }

  /** `exports.name = fn` / `module.exports.name = fn` / `module.exports = { name }` at top level. */
  function commonJsExport(name: string, depth: number): FunctionNode | undefined {
    for (const statement of sourceCode.ast.body) {
      if (statement.type !== AST_NODE_TYPES.ExpressionStatement) continue;
      const expression = statement.expression;
      if (expression.type !== AST_NODE_TYPES.AssignmentExpression || expression.operator !== '=') continue;
      const target = expression.left;
      if (target.type !== AST_NODE_TYPES.MemberExpression) continue;
      if (isExportsObject(target.object) && staticPropertyName(target) === name) return functionOf(expression.right, depth + 1);
      if (isExportsObject(target) && expression.right.type === AST_NODE_TYPES.ObjectExpression) {
        const found = memberFunction(expression.right, name, false, false, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** `exports` or `module.exports`, the CommonJS globals. */
  function isExportsObject(node: TSESTree.Node): boolean {
    if (node.type === AST_NODE_TYPES.Identifier) return node.name === 'exports' && isGlobalReference(sourceCode, node, 'exports');
    return (
      node.type === AST_NODE_TYPES.MemberExpression &&
      staticPropertyName(node) === 'exports' &&
      node.object.type === AST_NODE_TYPES.Identifier &&
      node.object.name === 'module' &&
      isGlobalReference(sourceCode, node.object, 'module')
    );
  }

  function functionOf(value: TSESTree.Node, depth: number): FunctionNode | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = skipTypeWrappers(value);
    if (isFunctionNode(node)) return node;
    if (node.type === AST_NODE_TYPES.Identifier) {
      const variable = resolveVariable(sourceCode, node);
      if (!variable || !holdsDeclaredValue(variable)) return undefined;
      const def = variable.defs[0];
      if (def?.type === DefinitionType.FunctionName) return def.node;
      if (def?.type === DefinitionType.Variable && def.node.id.type === AST_NODE_TYPES.Identifier && def.node.init) {
        return functionOf(def.node.init, depth + 1);
      }
      return undefined;
    }
    if (node.type === AST_NODE_TYPES.MemberExpression) {
      const name = node.property.type === AST_NODE_TYPES.PrivateIdentifier ? node.property.name : staticPropertyName(node);
      if (name === undefined) return undefined;
      if (isExportsObject(node.object)) return commonJsExport(name, depth + 1);
      const members = membersOf(node.object, depth + 1);
      const isPrivate = node.property.type === AST_NODE_TYPES.PrivateIdentifier;
      return members && memberFunction(members.owner, name, isPrivate, members.isStatic, depth + 1);
    }
    return undefined;
  }

  /** What the return statements of `fn` itself (not of nested functions) return; `null` for a bare `return`. */
  function ownReturnArguments(fn: FunctionNode): (TSESTree.Expression | null)[] {
    const found: (TSESTree.Expression | null)[] = [];
    const visit = (node: TSESTree.Node): void => {
      if (node.type === AST_NODE_TYPES.ReturnStatement) {
        found.push(node.argument);
        return;
      }
      if (isFunctionNode(node) || node.type === AST_NODE_TYPES.ClassBody) return;
      const keys = sourceCode.visitorKeys[node.type] ?? [];
      for (const key of keys) {
        const child = (node as unknown as Record<string, unknown>)[key];
        if (Array.isArray(child)) {
          for (const item of child) if (isNode(item)) visit(item);
        } else if (isNode(child)) {
          visit(child);
        }
      }
    };
    if (fn.body?.type === AST_NODE_TYPES.BlockStatement) for (const statement of fn.body.body) visit(statement);
    return found;
  }

  function functionReturnsPromise(fn: FunctionNode, depth: number): boolean {
    if (fn.generator) return false;
    if (fn.async) return true;
    if (fn.returnType) return isPromiseTypeAnnotation(fn.returnType.typeAnnotation);
    const cached = returnsPromiseCache.get(fn);
    if (cached !== undefined) return cached;
    // Recursive functions: assume no while the answer is being computed.
    returnsPromiseCache.set(fn, false);
    let result = hasJsDocPromiseReturn(fn);
    if (!result && fn.body) {
      result =
        fn.body.type === AST_NODE_TYPES.BlockStatement
          ? alwaysReturnsPromise(fn, fn.body, depth)
          : isPromiseSyntacticallyAt(fn.body, depth + 1);
    }
    returnsPromiseCache.set(fn, result);
    return result;
  }

  /**
   * Inferred from the body, a function returns a promise only when every path does: each
   * `return` yields one and the body cannot fall off its end. Dual APIs such as
   * `function f(cb) { if (!cb) return new Promise(…); … }` return nothing when given a callback.
   */
  function alwaysReturnsPromise(fn: FunctionNode, body: TSESTree.BlockStatement, depth: number): boolean {
    if (!alwaysExits(body)) return false;
    const returned = ownReturnArguments(fn);
    return returned.length > 0 && returned.every((argument) => argument !== null && isPromiseSyntacticallyAt(argument, depth + 1));
  }

  function hasJsDocPromiseReturn(fn: FunctionNode): boolean {
    const comments = sourceCode.getCommentsBefore(jsDocOwner(fn));
    const last = comments[comments.length - 1];
    return last?.type === AST_TOKEN_TYPES.Block && last.value.startsWith('*') && JSDOC_RETURNS_PROMISE.test(last.value);
  }

  function calleeReturnsPromise(callee: TSESTree.Node, depth: number): boolean {
    const node = skipTypeWrappers(callee);
    if (isPromiseStaticCall(node) || isWellKnownPromiseApi(node)) return true;
    const fn = functionOf(node, depth + 1);
    if (fn !== undefined) return functionReturnsPromise(fn, depth + 1);
    const imported = importedFunction(node, depth + 1);
    return imported?.kind === 'function' && imported.returnsPromise;
  }

  /**
   * The summary of a function defined in another module of the project: an imported function
   * (`import { load } from './store'`, `require('./store').load`), or a method of an instance of
   * an imported class (`new Store().load`, `this.store.load` with a field holding a `Store`).
   */
  function importedFunction(callee: TSESTree.Node, depth: number): ExportSummary | undefined {
    const reference = resolveModuleReference(sourceCode, callee);
    if (reference) return isBuiltinModule(reference.module) ? undefined : summaries().exportOf(reference.module, reference.path);
    if (callee.type !== AST_NODE_TYPES.MemberExpression || depth > MAX_DEPTH) return undefined;
    const name = staticPropertyName(callee);
    return name === undefined ? undefined : importedMembersOf(callee.object, depth + 1)?.get(name);
  }

  /**
   * The members of a value known from another module: an imported object, an instance of an
   * imported class (`new Store()`, a parameter or field typed `Store`), or a member of one of
   * those (`this.server.queue` where the imported `Server` class declares `queue: Queue`).
   */
  function importedMembersOf(object: TSESTree.Node, depth: number): ReadonlyMap<string, ExportSummary> | undefined {
    const node = skipTypeWrappers(object);
    if (depth > MAX_DEPTH) return undefined;
    const reference = resolveModuleReference(sourceCode, node);
    if (reference) return isBuiltinModule(reference.module) ? undefined : summaries().membersOf(summaries().exportOf(reference.module, reference.path));
    const classRef = instanceClassOf(node, depth + 1);
    if (classRef) {
      const classReference = resolveModuleReference(sourceCode, classRef);
      if (classReference && isBuiltinModule(classReference.module)) return builtinInstanceMembers(classReference);
      if (!classReference) return undefined;
      return summaries().instanceMembersOf(summaries().exportOf(classReference.module, classReference.path));
    }
    if (node.type !== AST_NODE_TYPES.MemberExpression) return undefined;
    const name = staticPropertyName(node);
    const base = name === undefined ? undefined : importedMembersOf(node.object, depth + 1);
    return base && name !== undefined ? summaries().membersOf(base.get(name)) : undefined;
  }

  /**
   * The class (an identifier naming it) whose instance `object` holds: a `const` initialised with
   * `new C(…)`, or `this.field` where the class declares `field = new C(…)`, `field: C`, a
   * constructor parameter property `private field: C`, or only ever assigns `this.field = new C(…)`.
   */
  function instanceClassOf(object: TSESTree.Node, depth: number): TSESTree.Identifier | undefined {
    const node = skipTypeWrappers(object);
    if (node.type === AST_NODE_TYPES.Identifier) {
      const variable = resolveVariable(sourceCode, node);
      const only = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      // `function handle(store: Store)`: the annotation says what the parameter holds.
      if (only?.type === DefinitionType.Parameter && only.name.type === AST_NODE_TYPES.Identifier && variable?.references.every((r) => !r.isWrite())) {
        return annotatedClass(only.name.typeAnnotation);
      }
      const def = variable && holdsDeclaredValue(variable) ? variable.defs[0] : undefined;
      if (def?.type !== DefinitionType.Variable || def.node.id.type !== AST_NODE_TYPES.Identifier) return undefined;
      return annotatedClass(def.node.id.typeAnnotation) ?? (def.node.init ? constructedClass(def.node.init) : undefined);
    }
    if (node.type !== AST_NODE_TYPES.MemberExpression || skipTypeWrappers(node.object).type !== AST_NODE_TYPES.ThisExpression || depth > MAX_DEPTH) {
      return undefined;
    }
    const name = node.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${node.property.name}` : staticPropertyName(node);
    const binding = thisBinding(node);
    if (name === undefined || !binding || binding.isStatic || binding.owner.type !== AST_NODE_TYPES.ClassBody) return undefined;
    return fieldClass(binding.owner, name);
  }

  /** `new C(…)` → `C`. */
  function constructedClass(value: TSESTree.Node): TSESTree.Identifier | undefined {
    const node = skipTypeWrappers(value);
    return node.type === AST_NODE_TYPES.NewExpression && node.callee.type === AST_NODE_TYPES.Identifier ? node.callee : undefined;
  }

  /** `C` of a `C`, `C | undefined` or `C | null` type annotation. */
  function annotatedClass(annotation: TSESTree.TSTypeAnnotation | undefined): TSESTree.Identifier | undefined {
    let type = annotation?.typeAnnotation;
    if (type?.type === AST_NODE_TYPES.TSUnionType) {
      const named = type.types.filter((t) => t.type !== AST_NODE_TYPES.TSUndefinedKeyword && t.type !== AST_NODE_TYPES.TSNullKeyword);
      type = named.length === 1 ? named[0] : undefined;
    }
    return type?.type === AST_NODE_TYPES.TSTypeReference && type.typeName.type === AST_NODE_TYPES.Identifier ? type.typeName : undefined;
  }

  const fieldClassCache = new Map<string, TSESTree.Identifier | null>();
  function fieldClass(body: TSESTree.ClassBody, name: string): TSESTree.Identifier | undefined {
    const key = `${body.range[0]}:${name}`;
    const cached = fieldClassCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const found = findFieldClass(body, name);
    fieldClassCache.set(key, found ?? null);
    return found;
  }

  function findFieldClass(body: TSESTree.ClassBody, name: string): TSESTree.Identifier | undefined {
    const candidates: (TSESTree.Identifier | undefined)[] = [];
    for (const member of body.body) {
      if (member.type === AST_NODE_TYPES.PropertyDefinition && !member.static) {
        const key = member.key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${member.key.name}` : staticKeyName(member);
        if (key !== name) continue;
        const typed = annotatedClass(member.typeAnnotation);
        if (typed) return typed;
        if (member.value) candidates.push(constructedClass(member.value));
      }
      if (member.type === AST_NODE_TYPES.MethodDefinition && member.kind === 'constructor') {
        for (const param of member.value.params) {
          if (param.type !== AST_NODE_TYPES.TSParameterProperty) continue;
          const inner = param.parameter.type === AST_NODE_TYPES.AssignmentPattern ? param.parameter.left : param.parameter;
          if (inner.type === AST_NODE_TYPES.Identifier && inner.name === name) return annotatedClass(inner.typeAnnotation);
        }
      }
    }
    // `this.name = …` anywhere in the class's own methods.
    const visit = (node: TSESTree.Node): void => {
      if (node.type === AST_NODE_TYPES.ClassBody && node !== body) return;
      if (
        node.type === AST_NODE_TYPES.AssignmentExpression &&
        node.left.type === AST_NODE_TYPES.MemberExpression &&
        node.left.object.type === AST_NODE_TYPES.ThisExpression &&
        (node.left.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${node.left.property.name}` : staticPropertyName(node.left)) === name
      ) {
        candidates.push(node.operator === '=' ? constructedClass(node.right) : undefined);
      }
      for (const key of sourceCode.visitorKeys[node.type] ?? []) {
        const child = (node as unknown as Record<string, unknown>)[key];
        if (Array.isArray(child)) {
          for (const item of child) if (isNode(item)) visit(item);
        } else if (isNode(child)) {
          visit(child);
        }
      }
    };
    visit(body);
    const [first] = candidates;
    // Every assignment must construct the same class.
    return first && candidates.every((c) => c !== undefined && c.name === first.name) ? first : undefined;
  }

  function isPromiseSyntacticallyAt(expression: TSESTree.Node, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    const node = skipTypeWrappers(expression);
    switch (node.type) {
      case AST_NODE_TYPES.NewExpression:
        return (
          node.callee.type === AST_NODE_TYPES.Identifier &&
          node.callee.name === 'Promise' &&
          isGlobalReference(sourceCode, node.callee, 'Promise')
        );
      case AST_NODE_TYPES.ImportExpression:
        return true;
      case AST_NODE_TYPES.CallExpression:
        return asPromiseMethodCall(node) !== undefined || calleeReturnsPromise(node.callee, depth);
      case AST_NODE_TYPES.ConditionalExpression:
        return isPromiseSyntacticallyAt(node.consequent, depth + 1) || isPromiseSyntacticallyAt(node.alternate, depth + 1);
      case AST_NODE_TYPES.LogicalExpression:
        return isPromiseSyntacticallyAt(node.left, depth + 1) || isPromiseSyntacticallyAt(node.right, depth + 1);
      case AST_NODE_TYPES.SequenceExpression: {
        const last = node.expressions[node.expressions.length - 1];
        return last !== undefined && isPromiseSyntacticallyAt(last, depth + 1);
      }
      default:
        return false;
    }
  }

  return {
    hasTypes: types !== undefined,
    isPromiseSyntactically: (node) => isPromiseSyntacticallyAt(node, 0),
    isThenableTyped,
    isPromise: (node) => isThenableTyped(node) ?? isPromiseSyntacticallyAt(node, 0),
    isPromiseReturningFunction(node) {
      const typed = functionTypeReturnsThenable(node);
      if (typed !== undefined) return typed;
      const fn = functionOf(node, 0);
      return fn !== undefined && functionReturnsPromise(fn, 0);
    },
    resolveFunction: (callee) => functionOf(callee, 0),
    isWellKnownPromiseApi,
  };
}


function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
