import { AST_NODE_TYPES, type JSONSchema, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { instanceClassAt } from './abort-signal.js';
import { getModuleSummaries, type ModuleSummaries } from './module-summaries.js';
import { getTypeServices, type AnyRuleContext } from './type-services.js';
import {
  isBuiltinModule,
  isEffectivelyConst,
  isGlobalReference,
  lastName,
  matchesModuleExport,
  resolveModuleReference,
  resolveVariable,
  skipTypeWrappers,
  staticKeyName,
  staticPropertyName,
  type ModuleExportPattern,
} from './module-bindings.js';

type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;
type Argument = TSESTree.CallExpressionArgument;

/** A sleep function from a package: where its delay and (signal-carrying) options go. */
export interface SleepFunctionSpec {
  /** Module specifier, e.g. `delay` or `@acme/utils`. */
  readonly module: string;
  /** Named export; omit for the default export (or the whole `require()` result). */
  readonly export?: string;
  /** Index of the delay argument (default 0). */
  readonly delayArgument?: number;
  /** Index of an options argument that may carry `signal`; omit when the function takes no signal. */
  readonly optionsArgument?: number;
}

/** `additionalSleepFunctions` items: a callee as written (`pause`, `utils.pause`) or a module export. */
export type SleepFunctionOption = string | SleepFunctionSpec;

export const sleepFunctionsSchema: JSONSchema.JSONSchema4 = {
  type: 'array',
  description:
    'More functions that sleep: a callee as written (`"pause"`, `"utils.pause"`), or `{ module, export?, delayArgument?, optionsArgument? }` for a module export.',
  items: {
    anyOf: [
      { type: 'string', minLength: 1, description: 'A callee as written, e.g. `pause` or `utils.pause`; the delay is its first argument.' },
      {
        type: 'object',
        additionalProperties: false,
        required: ['module'],
        properties: {
          module: { type: 'string', minLength: 1, description: 'Module specifier, e.g. `@acme/utils`.' },
          export: { type: 'string', minLength: 1, description: 'Named export; omit for the default export.' },
          delayArgument: { type: 'integer', minimum: 0, description: 'Index of the delay argument (default 0).' },
          optionsArgument: {
            type: 'integer',
            minimum: 0,
            description: 'Index of an options object whose `signal` property makes the sleep abortable.',
          },
        },
      },
    ],
  },
};

interface KnownSleep extends ModuleExportPattern {
  readonly delayArgument: number;
  readonly optionsArgument?: number;
}

/**
 * Sleep functions from Node.js and from npm packages whose documented purpose is to sleep.
 * `optionsArgument` marks those that accept `{ signal }`; the others can never observe shutdown.
 */
const KNOWN_SLEEPS: readonly KnownSleep[] = [
  { module: 'timers/promises', path: ['setTimeout'], delayArgument: 0, optionsArgument: 2 },
  { module: 'timers/promises', path: ['scheduler', 'wait'], delayArgument: 0, optionsArgument: 1 },
  { module: 'timers', path: ['promises', 'setTimeout'], delayArgument: 0, optionsArgument: 2 },
  { module: 'timers', path: ['promises', 'scheduler', 'wait'], delayArgument: 0, optionsArgument: 1 },
  // sindresorhus/delay: delay(ms, { value, signal }).
  { module: 'delay', path: [], delayArgument: 0, optionsArgument: 1 },
  // es-toolkit and Deno std: delay(ms, { signal }).
  { module: 'es-toolkit', path: ['delay'], delayArgument: 0, optionsArgument: 1 },
  { module: 'es-toolkit/promise', path: ['delay'], delayArgument: 0, optionsArgument: 1 },
  { module: '@std/async', path: ['delay'], delayArgument: 0, optionsArgument: 1 },
  { module: '@std/async/delay', path: ['delay'], delayArgument: 0, optionsArgument: 1 },
  // No signal support at all.
  { module: 'sleep-promise', path: [], delayArgument: 0 },
  { module: 'yoctodelay', path: [], delayArgument: 0 },
  { module: 'await-sleep', path: [], delayArgument: 0 },
  { module: 'timers-ext/promise/sleep', path: [], delayArgument: 0 },
  { module: 'radash', path: ['sleep'], delayArgument: 0 },
  { module: 'bluebird', path: ['delay'], delayArgument: 0 },
];

/** Async iterators that sleep between iterations: `for await (const _ of setInterval(ms))`. */
const KNOWN_INTERVALS: readonly KnownSleep[] = [
  { module: 'timers/promises', path: ['setInterval'], delayArgument: 0, optionsArgument: 2 },
  { module: 'timers', path: ['promises', 'setInterval'], delayArgument: 0, optionsArgument: 2 },
];

const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * Imported functions with one of these names, awaited with one duration argument, are taken for
 * sleeps when their module cannot be read (a package without source on disk, a path alias):
 * `import { sleep } from '@acme/utils'`, `const { delay } = require('./helpers')` when missing.
 */
export const SLEEP_HELPER_NAMES: ReadonlySet<string> = new Set(['sleep', 'delay', 'wait', 'timeout', 'pause']);

/** The callback-style timer, which `new Promise` wraps. */
const CALLBACK_SET_TIMEOUT: readonly ModuleExportPattern[] = [{ module: 'timers', path: ['setTimeout'] }];
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'global', 'self']);

/** A sleep that nothing can cut short. */
export interface BareSleep {
  /** The call or `new Promise(...)` that sleeps. */
  readonly node: TSESTree.CallExpression | TSESTree.NewExpression;
  /** Short name for messages: `setTimeout`, `scheduler.wait`, `sleep`, `new Promise(setTimeout)`. */
  readonly name: string;
  /**
   * Source text of the delay in milliseconds, safe to copy next to the call; undefined when the
   * delay cannot be copied (spread, computed inside a wrapper) or when dropping the call would drop
   * side effects of its other arguments.
   */
  readonly delayText: string | undefined;
}

export interface SleepRecognizer {
  /** The bare sleep that `expression` is (an `await` argument, typically), if any. */
  bareSleepOf(expression: TSESTree.Node): BareSleep | undefined;
  /** `setInterval(ms)` from `timers/promises` without a signal: an async iterator of bare sleeps. */
  bareIntervalOf(expression: TSESTree.Node): BareSleep | undefined;
}

/**
 * Where the delay comes from. `zero` means no delay argument at all: a zero-delay "sleep" is a
 * yield to the event loop, not a poll interval, and is left alone.
 */
type Delay =
  | { readonly kind: 'node'; readonly node: TSESTree.Node }
  | { readonly kind: 'zero' }
  | { readonly kind: 'unknown' };

/** What calling a wrapper does: sleeps for its parameter at `param`, or for a fixed delay. */
type WrapperDelay =
  | { readonly kind: 'param'; readonly index: number; readonly fallback: Delay }
  | { readonly kind: 'fixed'; readonly delay: Delay };

interface Wrapper {
  readonly delay: WrapperDelay;
  /** The delay cannot be copied to the call site (a wrapper in another module that does more than sleep). */
  readonly inexact?: boolean;
}

/** What recognition learns about one sleep before it is turned into a {@link BareSleep}. */
interface SleepMatch {
  readonly node: TSESTree.CallExpression | TSESTree.NewExpression;
  readonly name: string;
  readonly delay: Delay;
  /** The arguments a fix would drop have no side effects. */
  readonly droppable: boolean;
}

/** How many wrappers deep (`pause` → `sleep` → `setTimeout`) recognition follows. */
const MAX_WRAPPER_DEPTH = 4;

/** Expressions that can be dropped or duplicated without changing behaviour. */
function isSideEffectFree(node: TSESTree.Node): boolean {
  switch (node.type) {
    case AST_NODE_TYPES.Literal:
    case AST_NODE_TYPES.Identifier:
    case AST_NODE_TYPES.ThisExpression:
      return true;
    case AST_NODE_TYPES.TemplateLiteral:
      return node.expressions.every(isSideEffectFree);
    case AST_NODE_TYPES.UnaryExpression:
      return node.operator !== 'delete' && isSideEffectFree(node.argument);
    case AST_NODE_TYPES.ObjectExpression:
      return node.properties.every(
        (p) => p.type === AST_NODE_TYPES.Property && !p.computed && isSideEffectFree(p.value),
      );
    case AST_NODE_TYPES.ArrayExpression:
      return node.elements.every((e) => e !== null && e.type !== AST_NODE_TYPES.SpreadElement && isSideEffectFree(e));
    default:
      return false;
  }
}

function isZeroOrLess(node: TSESTree.Node): boolean {
  const inner = skipTypeWrappers(node);
  if (inner.type === AST_NODE_TYPES.Literal) return typeof inner.value === 'number' && inner.value <= 0;
  return (
    inner.type === AST_NODE_TYPES.UnaryExpression &&
    inner.operator === '-' &&
    inner.argument.type === AST_NODE_TYPES.Literal &&
    typeof inner.argument.value === 'number'
  );
}

function delayFromArgument(argument: Argument | undefined): Delay {
  if (!argument) return { kind: 'zero' };
  if (argument.type === AST_NODE_TYPES.SpreadElement) return { kind: 'unknown' };
  if (argument.type === AST_NODE_TYPES.Identifier && argument.name === 'undefined') return { kind: 'zero' };
  return isZeroOrLess(argument) ? { kind: 'zero' } : { kind: 'node', node: argument };
}

/** An argument that can be a number of milliseconds: not a function, object, array or string literal. */
function isDurationLike(argument: Argument): boolean {
  const node = skipTypeWrappers(argument);
  switch (node.type) {
    case AST_NODE_TYPES.SpreadElement:
    case AST_NODE_TYPES.ArrowFunctionExpression:
    case AST_NODE_TYPES.FunctionExpression:
    case AST_NODE_TYPES.ObjectExpression:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.TemplateLiteral:
    case AST_NODE_TYPES.ClassExpression:
      return false;
    case AST_NODE_TYPES.Literal:
      return typeof node.value === 'number';
    default:
      return true;
  }
}

function isFunctionNode(node: TSESTree.Node | null | undefined): node is FunctionNode {
  return (
    node?.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node?.type === AST_NODE_TYPES.FunctionExpression ||
    node?.type === AST_NODE_TYPES.FunctionDeclaration
  );
}

/**
 * The one expression a function's body evaluates: `x => EXPR`, `{ return EXPR; }`,
 * `{ EXPR; }` and `{ await EXPR; }`; `await` is looked through. Undefined for anything longer,
 * because other statements might observe a signal or change the delay.
 */
function soleExpression(fn: FunctionNode): TSESTree.Expression | undefined {
  let expression: TSESTree.Expression | undefined;
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) {
    expression = fn.body;
  } else if (fn.body.body.length === 1) {
    const [statement] = fn.body.body;
    if (statement?.type === AST_NODE_TYPES.ReturnStatement) expression = statement.argument ?? undefined;
    if (statement?.type === AST_NODE_TYPES.ExpressionStatement) expression = statement.expression;
  }
  if (!expression) return undefined;
  const inner = skipTypeWrappers(expression);
  return inner.type === AST_NODE_TYPES.AwaitExpression ? inner.argument : (inner as TSESTree.Expression);
}

/** `a.b` → `b`, `a['b']` → `b`, `a.#b` → `#b`. */
function memberName(member: TSESTree.MemberExpression): string | undefined {
  return member.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${member.property.name}` : staticPropertyName(member);
}

/** The dotted source path of a callee made of identifiers only: `utils.pause`. */
function calleePath(node: TSESTree.Node): string | undefined {
  const callee = skipTypeWrappers(node);
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  if (callee.type === AST_NODE_TYPES.ThisExpression) return 'this';
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const object = calleePath(callee.object);
  const property = memberName(callee);
  return object !== undefined && property !== undefined ? `${object}.${property}` : undefined;
}

/**
 * Recognises timer sleeps that cannot be cut short. Build one per file inside `create()`: it
 * caches what it learns about the file's wrapper functions.
 */
export function createSleepRecognizer(
  context: AnyRuleContext,
  additionalSleepFunctions: readonly SleepFunctionOption[] = [],
): SleepRecognizer {
  const sourceCode = context.sourceCode;
  const types = getTypeServices(context);
  const extraNames = new Set(additionalSleepFunctions.filter((s): s is string => typeof s === 'string'));
  const extraModules: KnownSleep[] = additionalSleepFunctions
    .filter((s): s is SleepFunctionSpec => typeof s !== 'string')
    .map((s) => ({
      module: s.module,
      path: s.export === undefined || s.export === 'default' ? [] : [s.export],
      delayArgument: s.delayArgument ?? 0,
      ...(s.optionsArgument === undefined ? {} : { optionsArgument: s.optionsArgument }),
    }));
  const knownSleeps = [...KNOWN_SLEEPS, ...extraModules];
  /** Wrapper analysis per function node; `null` = not a wrapper (also the in-progress marker). */
  const wrappers = new Map<FunctionNode, Wrapper | null>();
  let moduleSummaries: ModuleSummaries | undefined;
  /** Built on first use: most files never ask about an imported name. */
  const summaries = (): ModuleSummaries => (moduleSummaries ??= getModuleSummaries(context));

  /** With types: the callee's declarations live in a library (lib.dom, @types/node), not user code. */
  function isLibraryFunction(callee: TSESTree.Node): boolean {
    if (!types) return true;
    const name = callee.type === AST_NODE_TYPES.MemberExpression ? callee.property : callee;
    const symbol = types.checker.getSymbolAtLocation(types.toTsNode(name));
    const declarations = symbol?.getDeclarations();
    if (!declarations?.length) return true;
    return declarations.every((d: ts.Declaration) => {
      const file = d.getSourceFile();
      return types.program.isSourceFileDefaultLibrary(file) || types.program.isSourceFileFromExternalLibrary(file) || file.fileName.includes('/node_modules/');
    });
  }

  /** `setTimeout`, `globalThis.setTimeout`, or `setTimeout` from `timers` — the callback timer. */
  function isCallbackSetTimeout(callee: TSESTree.Node): boolean {
    const node = skipTypeWrappers(callee);
    if (node.type === AST_NODE_TYPES.Identifier && node.name === 'setTimeout' && isGlobalReference(sourceCode, node, 'setTimeout')) {
      return isLibraryFunction(node);
    }
    if (
      node.type === AST_NODE_TYPES.MemberExpression &&
      staticPropertyName(node) === 'setTimeout' &&
      node.object.type === AST_NODE_TYPES.Identifier &&
      GLOBAL_OBJECTS.has(node.object.name) &&
      isGlobalReference(sourceCode, node.object, node.object.name)
    ) {
      return isLibraryFunction(node);
    }
    const reference = resolveModuleReference(sourceCode, node);
    return CALLBACK_SET_TIMEOUT.some((pattern) => matchesModuleExport(reference, pattern));
  }

  /** `r` or `() => r(...)` / `function () { r(...); }` where `r` is the executor's resolve. */
  function callsResolve(callback: Argument | undefined, resolveName: string): TSESTree.Node[] | undefined {
    if (!callback) return undefined;
    if (callback.type === AST_NODE_TYPES.Identifier) return callback.name === resolveName ? [] : undefined;
    if (!isFunctionNode(callback) || callback.params.length > 0 || callback.async) return undefined;
    const call = soleExpression(callback);
    if (
      call?.type === AST_NODE_TYPES.CallExpression &&
      call.callee.type === AST_NODE_TYPES.Identifier &&
      call.callee.name === resolveName
    ) {
      return call.arguments;
    }
    return undefined;
  }

  /** `new Promise(r => setTimeout(r, ms))` in its many spellings. */
  function promiseTimeout(node: TSESTree.NewExpression): SleepMatch | undefined {
    const [executor, ...rest] = node.arguments;
    if (
      rest.length > 0 ||
      node.callee.type !== AST_NODE_TYPES.Identifier ||
      node.callee.name !== 'Promise' ||
      !isGlobalReference(sourceCode, node.callee, 'Promise') ||
      !isFunctionNode(executor)
    ) {
      return undefined;
    }
    const resolveParam = executor.params[0];
    if (resolveParam?.type !== AST_NODE_TYPES.Identifier) return undefined;
    const timer = soleExpression(executor);
    if (timer?.type !== AST_NODE_TYPES.CallExpression || !isCallbackSetTimeout(timer.callee)) return undefined;
    const [callback, delayArgument, ...timerExtras] = timer.arguments;
    const resolveArguments = callsResolve(callback, resolveParam.name);
    if (!resolveArguments) return undefined;
    const delay = delayFromArgument(delayArgument);
    if (delay.kind === 'zero') return undefined;
    const droppable = [...resolveArguments, ...timerExtras].every(isSideEffectFree);
    return { node, name: 'new Promise(setTimeout)', delay, droppable };
  }

  /**
   * Whether an options argument lets the sleep observe a signal. Unknown shapes count as
   * "maybe", because a wrong report is worse than a missed one.
   */
  function mayCarrySignal(options: Argument | undefined): boolean {
    if (!options) return false;
    const node = skipTypeWrappers(options);
    if (node.type === AST_NODE_TYPES.Identifier && node.name === 'undefined') return false;
    if (node.type === AST_NODE_TYPES.Literal && node.value === null) return false;
    if (node.type === AST_NODE_TYPES.ObjectExpression) {
      return node.properties.some((p) => p.type === AST_NODE_TYPES.SpreadElement || p.computed || staticKeyName(p) === 'signal');
    }
    if (!types) return true;
    const type = types.checker.getTypeAtLocation(types.toTsNode(node));
    const flags = type.getFlags();
    // any/unknown (TypeFlags.Any | TypeFlags.Unknown) tell us nothing.
    if (flags & (1 | 2)) return true;
    return type.getProperty('signal') !== undefined || type.isUnion();
  }

  /** A call to a known or configured sleep function, with its delay and options positions. */
  function knownSleepCall(call: TSESTree.CallExpression, specs: readonly KnownSleep[], names: ReadonlySet<string>): SleepMatch | undefined {
    const path = calleePath(call.callee);
    let spec: Pick<KnownSleep, 'delayArgument' | 'optionsArgument'> | undefined;
    if (path !== undefined && names.has(path)) {
      spec = { delayArgument: 0 };
    } else {
      const reference = resolveModuleReference(sourceCode, call.callee);
      if (!reference) return undefined;
      spec = specs.find((known) => matchesModuleExport(reference, known));
    }
    if (!spec) return undefined;
    const args = call.arguments;
    const lastMeaningful = Math.max(spec.delayArgument, spec.optionsArgument ?? -1);
    if (args.slice(0, lastMeaningful + 1).some((a) => a.type === AST_NODE_TYPES.SpreadElement)) return undefined;
    if (spec.optionsArgument !== undefined && mayCarrySignal(args[spec.optionsArgument])) return undefined;
    const delay = delayFromArgument(args[spec.delayArgument]);
    if (delay.kind === 'zero') return undefined;
    const droppable = args.every((a, i) => i === spec.delayArgument || isSideEffectFree(a));
    return { node: call, name: path ?? 'sleep', delay, droppable };
  }

  /** `promisify(setTimeout)` from `util`: a function sleeping for its first argument. */
  function isPromisifiedSetTimeout(init: TSESTree.Node): boolean {
    const node = skipTypeWrappers(init);
    if (node.type !== AST_NODE_TYPES.CallExpression || node.arguments.length !== 1 || !node.arguments[0]) return false;
    const reference = resolveModuleReference(sourceCode, node.callee);
    return matchesModuleExport(reference, { module: 'util', path: ['promisify'] }) && isCallbackSetTimeout(node.arguments[0]);
  }

  /**
   * Maps the delay of the sleep inside a wrapper onto the wrapper's parameters. Only a plain
   * parameter or a literal can be copied to the call site; anything else stays unknown.
   */
  function wrapperDelay(fn: FunctionNode, inner: SleepMatch): WrapperDelay {
    const unknown: WrapperDelay = { kind: 'fixed', delay: { kind: 'unknown' } };
    if (inner.delay.kind !== 'node' || !inner.droppable) return unknown;
    const node = skipTypeWrappers(inner.delay.node);
    if (node.type === AST_NODE_TYPES.Literal) return { kind: 'fixed', delay: { kind: 'node', node } };
    if (node.type !== AST_NODE_TYPES.Identifier) return unknown;
    const index = fn.params.findIndex((p) => {
      const name = p.type === AST_NODE_TYPES.AssignmentPattern ? p.left : p;
      return name.type === AST_NODE_TYPES.Identifier && name.name === node.name;
    });
    const param = fn.params[index];
    if (!param) return unknown;
    const fallback: Delay =
      param.type !== AST_NODE_TYPES.AssignmentPattern || isZeroOrLess(param.right)
        ? { kind: 'zero' }
        : param.right.type === AST_NODE_TYPES.Literal
          ? { kind: 'node', node: param.right }
          : { kind: 'unknown' };
    return { kind: 'param', index, fallback };
  }

  /** Analyses a same-file function whose whole body is a bare sleep. */
  function wrapperOf(fn: FunctionNode, depth: number): Wrapper | undefined {
    const cached = wrappers.get(fn);
    if (cached !== undefined) return cached ?? undefined;
    wrappers.set(fn, null);
    const body = soleExpression(fn);
    const inner = body && depth < MAX_WRAPPER_DEPTH ? bareSleep(body, depth + 1) : undefined;
    if (!inner) return undefined;
    const wrapper: Wrapper = { delay: wrapperDelay(fn, inner) };
    wrappers.set(fn, wrapper);
    return wrapper;
  }

  /** `this.sleep` in an instance method: the class's own method or function-valued field. */
  function thisMethod(callee: TSESTree.MemberExpression): FunctionNode | undefined {
    const name = memberName(callee);
    const classBody = instanceClassAt(callee);
    if (name === undefined || !classBody) return undefined;
    const members = classBody.body.filter(
      (m): m is TSESTree.MethodDefinition | TSESTree.PropertyDefinition =>
        (m.type === AST_NODE_TYPES.MethodDefinition || m.type === AST_NODE_TYPES.PropertyDefinition) &&
        !m.static &&
        !m.computed &&
        (m.key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${m.key.name}` : m.key.type === AST_NODE_TYPES.Identifier ? m.key.name : undefined) === name,
    );
    // Overload signatures have no body; a getter/setter pair or duplicates are not a plain method.
    const implementations = members.filter((m) =>
      m.type === AST_NODE_TYPES.MethodDefinition ? m.kind === 'method' && m.value.type === AST_NODE_TYPES.FunctionExpression : true,
    );
    const [only] = implementations;
    if (!only || implementations.length > 1 || members.some((m) => m.type === AST_NODE_TYPES.MethodDefinition && m.kind !== 'method')) {
      return undefined;
    }
    const value = only.value && skipTypeWrappers(only.value);
    return isFunctionNode(value) ? value : undefined;
  }

  /** The function (or promisified timer) a callee is bound to in this file. */
  function wrapperForCallee(callee: TSESTree.Node, depth: number): Wrapper | undefined {
    const node = skipTypeWrappers(callee);
    if (node.type === AST_NODE_TYPES.MemberExpression && node.object.type === AST_NODE_TYPES.ThisExpression) {
      const method = thisMethod(node);
      return method && wrapperOf(method, depth);
    }
    if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = resolveVariable(sourceCode, node);
    if (!variable || !isEffectivelyConst(variable)) return undefined;
    const def = variable.defs[0];
    if (def?.node.type === AST_NODE_TYPES.FunctionDeclaration) return wrapperOf(def.node, depth);
    if (def?.node.type !== AST_NODE_TYPES.VariableDeclarator || def.node.id.type !== AST_NODE_TYPES.Identifier || !def.node.init) {
      return undefined;
    }
    const init = skipTypeWrappers(def.node.init);
    if (isFunctionNode(init)) return wrapperOf(init, depth);
    if (isPromisifiedSetTimeout(init)) {
      return { delay: { kind: 'param', index: 0, fallback: { kind: 'zero' } } };
    }
    return undefined;
  }

  function wrapperCall(call: TSESTree.CallExpression, depth: number): SleepMatch | undefined {
    const wrapper = wrapperForCallee(call.callee, depth);
    return wrapper && wrapperMatch(call, wrapper);
  }

  function wrapperMatch(call: TSESTree.CallExpression, wrapper: Wrapper): SleepMatch | undefined {
    const args = call.arguments;
    let delay: Delay;
    if (wrapper.delay.kind === 'fixed') {
      delay = wrapper.delay.delay;
    } else {
      const spreadBefore = args.slice(0, wrapper.delay.index + 1).some((a) => a.type === AST_NODE_TYPES.SpreadElement);
      const argument = args[wrapper.delay.index];
      delay = spreadBefore ? { kind: 'unknown' } : argument ? delayFromArgument(argument) : wrapper.delay.fallback;
    }
    if (delay.kind === 'zero') return undefined;
    const delayIndex = wrapper.delay.kind === 'param' ? wrapper.delay.index : -1;
    const droppable = !wrapper.inexact && args.every((a, i) => i === delayIndex || isSideEffectFree(a));
    return { node: call, name: calleePath(call.callee) ?? 'sleep', delay, droppable };
  }

  /**
   * A call of a function imported from another module: a sleep when the module's summary says
   * so; when the module cannot be read (a package without source, a path alias), when its name is
   * a sleep helper's and it gets one duration argument.
   */
  function importedSleepCall(call: TSESTree.CallExpression): SleepMatch | undefined {
    const reference = resolveModuleReference(sourceCode, call.callee);
    if (!reference || isBuiltinModule(reference.module)) return undefined;
    const summary = summaries().exportOf(reference.module, reference.path);
    if (summary) {
      const shape = summary.kind === 'function' ? summary.sleep : undefined;
      if (!shape) return undefined;
      const signalArgument = shape.signalParam === undefined ? undefined : call.arguments[shape.signalParam];
      if (signalArgument && delayFromArgument(signalArgument).kind !== 'zero') return undefined;
      const fallback: Delay = shape.delayHasDefault ? { kind: 'unknown' } : { kind: 'zero' };
      return wrapperMatch(call, { delay: { kind: 'param', index: shape.delayParam, fallback }, inexact: !shape.exact });
    }
    const name = lastName(call.callee);
    const [argument, ...rest] = call.arguments;
    if (name === undefined || !SLEEP_HELPER_NAMES.has(name) || !argument || rest.length > 0 || !isDurationLike(argument)) return undefined;
    return wrapperMatch(call, { delay: { kind: 'param', index: 0, fallback: { kind: 'zero' } }, inexact: true });
  }

  function bareSleep(expression: TSESTree.Node, depth: number): SleepMatch | undefined {
    const node = skipTypeWrappers(expression);
    if (node.type === AST_NODE_TYPES.NewExpression) return promiseTimeout(node);
    if (node.type !== AST_NODE_TYPES.CallExpression) return undefined;
    return knownSleepCall(node, knownSleeps, extraNames) ?? wrapperCall(node, depth) ?? importedSleepCall(node);
  }

  function toBareSleep(match: SleepMatch | undefined): BareSleep | undefined {
    if (!match) return undefined;
    const delayText = match.delay.kind === 'node' && match.droppable ? sourceCode.getText(match.delay.node) : undefined;
    return { node: match.node, name: match.name, delayText };
  }

  return {
    bareSleepOf: (expression) => toBareSleep(bareSleep(expression, 0)),
    bareIntervalOf(expression) {
      const node = skipTypeWrappers(expression);
      return node.type === AST_NODE_TYPES.CallExpression ? toBareSleep(knownSleepCall(node, KNOWN_INTERVALS, NO_NAMES)) : undefined;
    },
  };
}
