import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { createAbortSignalFinder, instanceClassAt } from '../utils/abort-signal.js';
import { getTypeServices } from '../utils/type-services.js';
import { createRule } from '../utils/create-rule.js';
import { isLoop, isRepeatedPart } from '../utils/loops.js';
import { isGlobalReference, matchesModuleExport, resolveModuleReference, skipTypeWrappers, staticKeyName, staticPropertyName } from '../utils/module-bindings.js';
import { createPromiseRecognizer } from '../utils/promise.js';
import { promiseCombinatorWithTypes } from '../utils/promise-combinator.js';
import { planRuntimeImport } from '../utils/runtime-import.js';
import { createSleepRecognizer } from '../utils/sleep.js';
import { isFunctionNode, staticString, type FunctionNode } from '../utils/ws-handler.js';

type MessageIds = 'raceWithLongLivedPromise' | 'useSleepUntilShutdown';
type Options = [];
type Variable = TSESLint.Scope.Variable;
const { DefinitionType } = TSESLint.Scope;

/** Emitter methods whose listener runs on every event (not `once`). */
const LISTENER_METHODS = new Set(['on', 'addListener', 'prependListener', 'addEventListener']);
/** Events an emitter fires once in its life: their listeners do not repeat. */
const ONE_SHOT_EVENTS = new Set(['close', 'end', 'finish', 'exit', 'ready', 'listening', 'open', 'disconnect']);
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'global', 'self']);
const SLEEP_UNTIL_SHUTDOWN = 'sleepUntilShutdown';
/** How many callers deep "a function called in a loop" is followed. */
const MAX_CALLER_DEPTH = 2;
/** Messages quote the promise; a long expression is elided. */
const MAX_SHOWN = 32;

/** Where a race runs again and again, and the node whose outside counts as "long-lived". */
interface RepeatedRegion {
  readonly node: TSESTree.Node;
  readonly where: string;
  /** A method called as `this.method()`: its own `this` is the same instance on every run. */
  readonly sameThis?: boolean;
}

function abbreviate(text: string): string {
  const oneLine = text.replace(/\s+/gu, ' ');
  return oneLine.length <= MAX_SHOWN ? oneLine : `${oneLine.slice(0, MAX_SHOWN - 1)}…`;
}

function contains(outer: TSESTree.Node, inner: TSESTree.Node): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

/** The call that receives `node` as an argument (through type wrappers), and at which index. */
function argumentPosition(node: TSESTree.Node): { call: TSESTree.CallExpression | TSESTree.NewExpression; index: number } | undefined {
  let value = node;
  while (value.parent && (value.parent.type === AST_NODE_TYPES.TSAsExpression || value.parent.type === AST_NODE_TYPES.TSNonNullExpression)) {
    value = value.parent;
  }
  const call = value.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression && call?.type !== AST_NODE_TYPES.NewExpression) return undefined;
  const index = call.arguments.indexOf(value as TSESTree.CallExpressionArgument);
  return index < 0 ? undefined : { call, index };
}

/** `addEventListener(type, fn, { once: true })`: runs once, like `.once()`. */
function isOnceOption(options: TSESTree.CallExpressionArgument | undefined): boolean {
  if (options?.type !== AST_NODE_TYPES.ObjectExpression) return false;
  return options.properties.some(
    (p) =>
      p.type === AST_NODE_TYPES.Property &&
      !p.computed &&
      p.key.type === AST_NODE_TYPES.Identifier &&
      p.key.name === 'once' &&
      p.value.type === AST_NODE_TYPES.Literal &&
      p.value.value === true,
  );
}

/** Functions whose `this` is their own (not an arrow's lexical one). */
function bindsThis(node: TSESTree.Node): boolean {
  return node.type === AST_NODE_TYPES.FunctionExpression || node.type === AST_NODE_TYPES.FunctionDeclaration;
}

/** Whether evaluating `node` certainly does not yield a promise that is still pending. */
function isSettledOrNotAPromise(node: TSESTree.Node): boolean {
  const value = skipTypeWrappers(node);
  switch (value.type) {
    case AST_NODE_TYPES.Literal:
    case AST_NODE_TYPES.TemplateLiteral:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.ObjectExpression:
    case AST_NODE_TYPES.ArrowFunctionExpression:
    case AST_NODE_TYPES.FunctionExpression:
    case AST_NODE_TYPES.ClassExpression:
    case AST_NODE_TYPES.AwaitExpression:
    case AST_NODE_TYPES.BinaryExpression:
    case AST_NODE_TYPES.UnaryExpression:
      return true;
    case AST_NODE_TYPES.CallExpression: {
      const callee = skipTypeWrappers(value.callee);
      const name = callee.type === AST_NODE_TYPES.MemberExpression ? staticPropertyName(callee) : undefined;
      return (
        callee.type === AST_NODE_TYPES.MemberExpression &&
        callee.object.type === AST_NODE_TYPES.Identifier &&
        callee.object.name === 'Promise' &&
        (name === 'resolve' || name === 'reject')
      );
    }
    default:
      return false;
  }
}

/** `a.b.c` → `a`; `this.x` → the `this`; undefined for calls and computed keys on the way. */
function memberRoot(node: TSESTree.MemberExpression): TSESTree.Identifier | TSESTree.ThisExpression | undefined {
  let current: TSESTree.Node = node;
  while (current.type === AST_NODE_TYPES.MemberExpression) {
    if (current.computed && staticPropertyName(current) === undefined) return undefined;
    current = skipTypeWrappers(current.object);
  }
  return current.type === AST_NODE_TYPES.Identifier || current.type === AST_NODE_TYPES.ThisExpression ? current : undefined;
}

export default createRule<Options, MessageIds>({
  name: 'no-race-with-long-lived-promise',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow `Promise.race` against a long-lived promise in a loop or a repeatedly-called callback',
      recommended: 'strict',
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    messages: {
      raceWithLongLivedPromise:
        '`Promise.race` against `{{promise}}`, which lives outside {{where}}: every race leaves a reaction on `{{promise}}` that keeps the race and its result in memory until `{{promise}}` settles, so memory grows with every run. Wait with `sleepUntilShutdown(signal, ms)` from @ghostguard/runtime, or subscribe to `{{promise}}` once (a single settle callback) outside {{where}}.',
      useSleepUntilShutdown: "Replace with 'await sleepUntilShutdown({{signal}}, {{delay}})' (wakes when {{signal}} aborts instead of when `{{promise}}` settles).",
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const sourceCode = context.sourceCode;
    const types = getTypeServices(context);
    const promises = createPromiseRecognizer(context);
    const sleeps = createSleepRecognizer(context);
    const signals = createAbortSignalFinder(context);

    function isSetInterval(callee: TSESTree.Node): boolean {
      const node = skipTypeWrappers(callee);
      if (node.type === AST_NODE_TYPES.Identifier && node.name === 'setInterval' && isGlobalReference(sourceCode, node, 'setInterval')) return true;
      if (
        node.type === AST_NODE_TYPES.MemberExpression &&
        staticPropertyName(node) === 'setInterval' &&
        node.object.type === AST_NODE_TYPES.Identifier &&
        GLOBAL_OBJECTS.has(node.object.name) &&
        isGlobalReference(sourceCode, node.object, node.object.name)
      ) {
        return true;
      }
      return matchesModuleExport(resolveModuleReference(sourceCode, node), { module: 'timers', path: ['setInterval'] });
    }

    /** `setInterval(fn)`, `emitter.on('event', fn)`: `fn` (at `node`) runs on every tick or event. */
    function repeatedCallbackAt(node: TSESTree.Node): string | undefined {
      const position = argumentPosition(node);
      if (position?.call.type !== AST_NODE_TYPES.CallExpression) return undefined;
      const { call, index } = position;
      if (index === 0 && isSetInterval(call.callee)) return 'this `setInterval` callback';
      const callee = skipTypeWrappers(call.callee);
      if (index !== 1 || callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
      const method = staticPropertyName(callee);
      if (method === undefined || !LISTENER_METHODS.has(method)) return undefined;
      if (method === 'addEventListener' && isOnceOption(call.arguments[2])) return undefined;
      const event = staticString(call.arguments[0]);
      if (event !== undefined && ONE_SHOT_EVENTS.has(event)) return undefined;
      return event === undefined ? 'this event listener' : `this '${event}' listener`;
    }

    /** The variable a named function is bound to: `function f() {}`, `const f = () => {}`. */
    function functionBinding(fn: FunctionNode): Variable | undefined {
      const name =
        fn.type === AST_NODE_TYPES.FunctionDeclaration
          ? fn.id
          : fn.parent.type === AST_NODE_TYPES.VariableDeclarator && fn.parent.init === fn && fn.parent.id.type === AST_NODE_TYPES.Identifier
            ? fn.parent.id
            : undefined;
      if (!name) return undefined;
      const variable = ASTUtils.findVariable(sourceCode.getScope(name), name);
      return variable?.defs.length === 1 ? variable : undefined;
    }

    /** A named function registered as a repeated callback, or called from a loop or one. */
    function repeatedUse(fn: FunctionNode, depth: number): string | undefined {
      const variable = functionBinding(fn);
      if (!variable) return undefined;
      for (const reference of variable.references) {
        if (!reference.isRead()) continue;
        const identifier = reference.identifier;
        const asCallback = repeatedCallbackAt(identifier);
        if (asCallback) return asCallback;
        const call = identifier.parent;
        if (depth >= MAX_CALLER_DEPTH || call?.type !== AST_NODE_TYPES.CallExpression || call.callee !== identifier) continue;
        const caller = regionOf(call, depth + 1);
        if (caller) return `'${variable.name}' (called in ${caller.where.replace(/^this /u, 'a ')})`;
      }
      return undefined;
    }

    /** Calls `this.name()` on the instance, anywhere in the class of `method`. */
    function thisCallsOf(method: TSESTree.MethodDefinition): TSESTree.CallExpression[] {
      const name = method.key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${method.key.name}` : staticKeyName(method);
      const classBody = method.parent;
      const calls: TSESTree.CallExpression[] = [];
      visit(classBody, (node) => {
        if (node.type !== AST_NODE_TYPES.CallExpression || node.callee.type !== AST_NODE_TYPES.MemberExpression) return;
        const callee = node.callee;
        const calleeName = callee.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${callee.property.name}` : staticPropertyName(callee);
        if (callee.object.type === AST_NODE_TYPES.ThisExpression && calleeName === name && instanceClassAt(node) === classBody) calls.push(node);
      });
      return calls;
    }

    /** An instance method called as `this.method()` from a loop or a repeated callback of its class. */
    function repeatedMethod(fn: FunctionNode, depth: number): string | undefined {
      const method = fn.parent;
      if (depth >= MAX_CALLER_DEPTH || method.type !== AST_NODE_TYPES.MethodDefinition || method.static || method.kind !== 'method' || method.computed) return undefined;
      for (const call of thisCallsOf(method)) {
        const caller = regionOf(call, depth + 1);
        if (caller) return `'${sourceCode.getText(call.callee)}' (called in ${caller.where.replace(/^this /u, 'a ')})`;
      }
      return undefined;
    }

    /** Code in an inline callback (`items.forEach(cb)`, `new Promise(executor)`, an IIFE) runs where it is written. */
    function runsInPlace(fn: FunctionNode): boolean {
      const parent = fn.parent;
      return (
        (parent.type === AST_NODE_TYPES.CallExpression || parent.type === AST_NODE_TYPES.NewExpression) &&
        (parent.callee === fn || parent.arguments.includes(fn as TSESTree.CallExpressionArgument))
      );
    }

    /** The innermost loop or repeatedly-called function around `node`. */
    function regionOf(node: TSESTree.Node, depth: number): RepeatedRegion | undefined {
      let child = node;
      for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
        if (isLoop(parent) && isRepeatedPart(parent, child)) return { node: parent, where: 'this loop' };
        if (isFunctionNode(parent)) {
          const where = repeatedCallbackAt(parent) ?? repeatedUse(parent, depth);
          if (where) return { node: parent, where };
          const methodWhere = repeatedMethod(parent, depth);
          if (methodWhere) return { node: parent, where: methodWhere, sameThis: true };
          if (!runsInPlace(parent)) return undefined;
        }
        if (parent.type === AST_NODE_TYPES.PropertyDefinition || parent.type === AST_NODE_TYPES.StaticBlock) return undefined;
      }
      return undefined;
    }

    /** Whether the variable keeps one value for every run of `region`: declared and only assigned outside it. */
    function isFixedOutside(variable: Variable, region: TSESTree.Node): boolean {
      const def = variable.defs[0];
      if (!def || variable.defs.length > 1 || contains(region, def.name)) return false;
      return variable.references.every((ref) => !ref.isWrite() || !contains(region, ref.identifier));
    }

    /** Calls `onNode` for every node under `root` (the parser's visitor keys, so TS nodes too). */
    function visit(root: TSESTree.Node, onNode: (node: TSESTree.Node) => void): void {
      onNode(root);
      for (const key of sourceCode.visitorKeys[root.type] ?? []) {
        const value = (root as unknown as Record<string, unknown>)[key];
        for (const child of Array.isArray(value) ? value : [value]) {
          if (child && typeof child === 'object' && 'type' in child) visit(child as TSESTree.Node, onNode);
        }
      }
    }

    /** Whether `region` assigns to the member written as `text` (`this.current = …`). */
    function assignsMember(region: TSESTree.Node, text: string): boolean {
      let assigns = false;
      visit(region, (node) => {
        if (node.type === AST_NODE_TYPES.AssignmentExpression && sourceCode.getText(node.left) === text) assigns = true;
      });
      return assigns;
    }

    /** `this` at `race` is the same object on every run of `region`. */
    function thisIsOuter(race: TSESTree.Node, region: RepeatedRegion): boolean {
      for (let current = race.parent; current; current = current.parent) {
        if (current === region.node) return !bindsThis(current) || region.sameThis === true;
        if (bindsThis(current)) return false;
      }
      return true;
    }

    /** An element of the race created before `region` and raced again on every run. */
    function isLongLived(element: TSESTree.Node, race: TSESTree.CallExpression, repeated: RepeatedRegion): boolean {
      const region = repeated.node;
      const value = skipTypeWrappers(element);
      if (value.type === AST_NODE_TYPES.Identifier) {
        const variable = ASTUtils.findVariable(sourceCode.getScope(value), value);
        if (!variable || variable.defs.length === 0 || !isFixedOutside(variable, region)) return false;
        const def = variable.defs[0];
        const init = def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.id === def.name ? def.node.init : undefined;
        if (def?.type === DefinitionType.FunctionName || def?.type === DefinitionType.ClassName) return false;
        // A timer promise (`const deadline = sleep(5000)`) is a deadline: it settles and frees its reactions.
        if (init && (isSettledOrNotAPromise(init) || sleeps.bareSleepOf(init))) return false;
      } else if (value.type === AST_NODE_TYPES.MemberExpression) {
        const root = memberRoot(value);
        if (!root) return false;
        if (root.type === AST_NODE_TYPES.ThisExpression) {
          if (!thisIsOuter(race, repeated)) return false;
        } else {
          const variable = ASTUtils.findVariable(sourceCode.getScope(root), root);
          if (!variable || variable.defs.length === 0 || !isFixedOutside(variable, region)) return false;
        }
        if (assignsMember(region, sourceCode.getText(value))) return false;
      } else {
        return false;
      }
      // Type information rules out values that are not thenables (a race settles on those at once).
      return promises.isThenableTyped(value) !== false;
    }

    /** `await Promise.race([sleep(ms), shutdown]);` with an AbortSignal in scope. */
    function suggestions(race: TSESTree.CallExpression, elements: TSESTree.Node[], longLived: TSESTree.Node, promise: string) {
      const awaited = race.parent;
      const statement = awaited.type === AST_NODE_TYPES.AwaitExpression ? awaited.parent : undefined;
      const other = elements.length === 2 ? elements.find((e) => e !== longLived) : undefined;
      if (statement?.type !== AST_NODE_TYPES.ExpressionStatement || !other) return [];
      const sleep = sleeps.bareSleepOf(other);
      const plan = sleep?.delayText === undefined ? null : planRuntimeImport(sourceCode, [SLEEP_UNTIL_SHUTDOWN]);
      const ref = plan?.refs[SLEEP_UNTIL_SHUTDOWN];
      if (!plan || !ref || sleep?.delayText === undefined) return [];
      const delay = sleep.delayText;
      const semicolon = sourceCode.getLastToken(statement)?.value === ';' ? ';' : '';
      return signals.signalsAt(race).map(
        ({ text }): TSESLint.SuggestionReportDescriptor<MessageIds> => ({
          messageId: 'useSleepUntilShutdown',
          data: { signal: text, delay: abbreviate(delay), promise },
          fix: (fixer) => [fixer.replaceText(statement, `await ${ref}(${text}, ${delay})${semicolon}`), ...plan.fixes(fixer)],
        }),
      );
    }

    return {
      CallExpression(race) {
        if (promiseCombinatorWithTypes(sourceCode, race, types) !== 'race') return;
        const argument = race.arguments[0] && skipTypeWrappers(race.arguments[0]);
        if (argument?.type !== AST_NODE_TYPES.ArrayExpression) return;
        const elements = argument.elements.filter((e): e is TSESTree.Expression => !!e && e.type !== AST_NODE_TYPES.SpreadElement);
        if (elements.length === 0) return;
        const region = regionOf(race, 0);
        if (!region) return;
        for (const element of elements) {
          if (!isLongLived(element, race, region)) continue;
          const promise = abbreviate(sourceCode.getText(element));
          context.report({
            node: element,
            messageId: 'raceWithLongLivedPromise',
            data: { promise, where: region.where },
            suggest: suggestions(race, argument.elements.length === elements.length ? elements : [], element, promise),
          });
        }
      },
    };
  },
});
