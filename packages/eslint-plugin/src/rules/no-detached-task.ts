import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../utils/create-rule.js';
import { getTypeServices } from '../utils/type-services.js';
import {
  isGlobalReference,
  matchesConfiguredName,
  resolveModuleReference,
  skipTypeWrappers,
  staticKeyName,
  staticPropertyName,
} from '../utils/module-bindings.js';
import {
  createPromiseRecognizer,
  handlesRejection,
  isFunctionNode,
  promiseChainRoot,
  thisBinding,
  type FunctionNode,
} from '../utils/promise.js';
import { planRuntimeImport, preferredQuote } from '../utils/runtime-import.js';

type Options = [{ taskHelpers?: string[]; requireTracking?: boolean }];
type MessageIds = 'detached' | 'untracked' | 'asyncCallback' | 'asyncListener' | 'suggestAwait' | 'suggestNamedTask';

const TASK_HELPER = 'createNamedTask';
/** Runtime helpers that own the lifetime of what they start and whose promise never rejects. */
const DEFAULT_TASK_HELPERS = [TASK_HELPER, 'superviseSession'];
const { DefinitionType } = TSESLint.Scope;
const FALLBACK_TASK_NAME = 'task';
const SCRIPT_FILE = /\.[cm]?jsx?$/;

/** Global functions that call their first argument later and ignore what it returns. */
const GLOBAL_CALLBACK_SINKS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']);
/** Timer methods of any object (`globalThis`, a `timers` import, an injected clock): they ignore what the callback returns. */
const TIMER_METHODS = new Set(['setTimeout', 'setInterval', 'setImmediate']);
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self']);
/**
 * Event-emitter, socket and DOM registration methods: `emitter.on(event, listener)`. Node's
 * `EventEmitter`, socket.io, `ws`, `process` and `EventTarget` all call the listener and drop
 * what it returns (unless the emitter was built with `captureRejections`).
 */
const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);
/**
 * Files whose `.on(…)` listeners are observed: emitters opted into routing listener rejections
 * to `'error'` (`captureRejections`), and bot frameworks whose `bot.on(filter, handler)` is
 * middleware that they await (Telegraf, grammY).
 */
const LISTENERS_OBSERVED = /\bcaptureRejections\b|(?:\bfrom\s*|\brequire\s*\(\s*)['"](?:telegraf|grammy)['"]/;
const CALLBACK_SINK_SELECTOR = [
  'CallExpression[callee.type="Identifier"][callee.name=/^(?:setTimeout|setInterval|setImmediate|queueMicrotask)$/]',
  'CallExpression[callee.type="MemberExpression"][callee.property.name=/^(?:forEach|setTimeout|setInterval|setImmediate|queueMicrotask|nextTick|on|once|addListener|prependListener|prependOnceListener|addEventListener|subscribe)$/]',
].join(', ');

/**
 * uWebSockets.js behaviour handlers: `app.ws(pattern, { open, message, close, … })` calls them and
 * drops what they return.
 */
const UWS_HANDLERS = new Set(['upgrade', 'open', 'message', 'drain', 'close', 'ping', 'pong', 'subscription', 'dropped']);
const UWS_SELECTOR = 'CallExpression[callee.type="MemberExpression"][callee.property.name="ws"][arguments.length>=2]';

/** A call that hands a callback to something that ignores the promise the callback returns. */
interface CallbackSink {
  /** How the message names the caller: `setTimeout`, `forEach`, `socket.on('login')`; built only for a report. */
  readonly name: () => string;
  readonly kind: 'callback' | 'listener';
  /** The arguments that may be the dropped callback. */
  readonly callbacks: readonly TSESTree.CallExpressionArgument[];
  /** Where the report starts: the called name, so the line is the call's even when the callback starts below it. */
  readonly at: TSESTree.Node;
}

/** Expressions that can follow `await` without parentheses. */
const UNARY_OPERAND_TYPES = new Set<AST_NODE_TYPES>([
  AST_NODE_TYPES.CallExpression,
  AST_NODE_TYPES.ChainExpression,
  AST_NODE_TYPES.Identifier,
  AST_NODE_TYPES.ImportExpression,
  AST_NODE_TYPES.MemberExpression,
  AST_NODE_TYPES.NewExpression,
  AST_NODE_TYPES.TaggedTemplateExpression,
  AST_NODE_TYPES.TSNonNullExpression,
]);

export default createRule<Options, MessageIds>({
  name: 'no-detached-task',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow promises that are started and dropped instead of awaited, returned, stored or tracked as a task',
      recommended: 'recommended',
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    defaultOptions: [{ taskHelpers: DEFAULT_TASK_HELPERS, requireTracking: false }],
    messages: {
      detached:
        'This promise is started and dropped: its rejection goes unhandled and nothing waits for it or cancels it when the connection ends. Await it, return it, or start it with createNamedTask.',
      untracked:
        'This promise handles its rejection but is not tracked: it can outlive its connection. Start it with createNamedTask so it is drained with the connection.',
      asyncCallback:
        '{{sink}} ignores the promise this callback returns: a rejection there is an unhandled rejection and nothing waits for the work. Loop with `for…of` and `await`, or run the work as a named task.',
      asyncListener:
        '{{sink}} ignores the promise this listener returns: a rejection there is an unhandled rejection and nothing waits for the work or stops it with the connection. Handle errors with `.catch` inside a plain listener, or run the work as a named task.',
      suggestAwait: 'Await the promise.',
      suggestNamedTask: "Start it as a tracked task: createNamedTask('{{name}}', …).",
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          taskHelpers: {
            type: 'array',
            description:
              'Functions that track the promise they are given or return (calls of them are never reported). A plain name matches a function or method of that name; a dotted name (`tasks.track`) matches that exact callee.',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
          },
          requireTracking: {
            type: 'boolean',
            description:
              'Also report promises whose rejection is handled (`.catch(handler)`, `.then(ok, fail)`) but which are not tracked as a task.',
          },
        },
      },
    ],
  },
  defaultOptions: [{ taskHelpers: DEFAULT_TASK_HELPERS, requireTracking: false }],
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    const promises = createPromiseRecognizer(context);
    const services = getTypeServices(context);
    const taskHelpers = new Set(options.taskHelpers ?? DEFAULT_TASK_HELPERS);
    const requireTracking = options.requireTracking === true;
    const isScript = SCRIPT_FILE.test(context.filename);

    /** `a.b.c` for callees made of identifiers and `this`, else undefined. */
    function dottedName(node: TSESTree.Node): string | undefined {
      const inner = skipTypeWrappers(node);
      if (inner.type === AST_NODE_TYPES.Identifier) return inner.name;
      if (inner.type === AST_NODE_TYPES.ThisExpression) return 'this';
      if (inner.type !== AST_NODE_TYPES.MemberExpression) return undefined;
      const property = staticPropertyName(inner);
      const object = dottedName(inner.object);
      return property !== undefined && object !== undefined ? `${object}.${property}` : undefined;
    }

    function isTaskHelperCall(node: TSESTree.Node): boolean {
      if (node.type !== AST_NODE_TYPES.CallExpression && node.type !== AST_NODE_TYPES.NewExpression) return false;
      return matchesConfiguredName(taskHelpers, node.callee, dottedName(node.callee));
    }

    /** The function whose body `node` runs in (arrows included), or undefined at top level. */
    function enclosingFunction(node: TSESTree.Node): FunctionNode | undefined {
      for (let current = node.parent; current; current = current.parent) {
        if (isFunctionNode(current)) return current;
      }
      return undefined;
    }

    /**
     * Whether `await` may be written at `node`: inside the body of an async function, and not in
     * a class static block or field initializer (their own scope) nor a parameter default.
     */
    function canAwaitAt(node: TSESTree.Node): boolean {
      let child: TSESTree.Node = node;
      for (let current = node.parent; current; child = current, current = current.parent) {
        if (current.type === AST_NODE_TYPES.StaticBlock || current.type === AST_NODE_TYPES.PropertyDefinition) return false;
        if (isFunctionNode(current)) return current.async && child === current.body;
      }
      return false;
    }

    /** A readable name for a function: its own, or the variable, property or method holding it. */
    function functionName(fn: FunctionNode): string | undefined {
      if (fn.id) return fn.id.name;
      const holder = fn.parent;
      if (holder?.type === AST_NODE_TYPES.VariableDeclarator && holder.id.type === AST_NODE_TYPES.Identifier) return holder.id.name;
      if (
        holder?.type === AST_NODE_TYPES.Property ||
        holder?.type === AST_NODE_TYPES.MethodDefinition ||
        holder?.type === AST_NODE_TYPES.PropertyDefinition
      ) {
        if (holder.key.type === AST_NODE_TYPES.PrivateIdentifier) return holder.key.name;
        return staticKeyName(holder);
      }
      return undefined;
    }

    /** `fetchUser()` → fetchUser, `this.flush()` → flush, sql`…` → sql, IIFE → the enclosing function's name. */
    function taskName(started: TSESTree.Node): string {
      const root = promiseChainRoot(started);
      let callee: TSESTree.Node;
      if (root.type === AST_NODE_TYPES.CallExpression) callee = skipTypeWrappers(root.callee);
      else if (root.type === AST_NODE_TYPES.TaggedTemplateExpression) callee = skipTypeWrappers(root.tag);
      else return FALLBACK_TASK_NAME;
      if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
      if (callee.type === AST_NODE_TYPES.MemberExpression) {
        if (callee.property.type === AST_NODE_TYPES.PrivateIdentifier) return callee.property.name;
        return staticPropertyName(callee) ?? FALLBACK_TASK_NAME;
      }
      if (isFunctionNode(callee)) {
        const outer = enclosingFunction(callee);
        return functionName(callee) ?? (outer && functionName(outer)) ?? FALLBACK_TASK_NAME;
      }
      return FALLBACK_TASK_NAME;
    }

    function stringLiteral(value: string): string {
      const quote = preferredQuote(sourceCode);
      const escaped = value.replace(/[\\\n\r\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1)).split(quote).join(`\\${quote}`);
      return `${quote}${escaped}${quote}`;
    }

    /** `Set<…>` as a type annotation. */
    function isSetAnnotation(annotation: TSESTree.TypeNode | undefined): boolean {
      return (
        annotation?.type === AST_NODE_TYPES.TSTypeReference &&
        annotation.typeName.type === AST_NODE_TYPES.Identifier &&
        annotation.typeName.name === 'Set'
      );
    }

    function isNewSet(init: TSESTree.Expression | null | undefined): boolean {
      const value = init && skipTypeWrappers(init);
      return value?.type === AST_NODE_TYPES.NewExpression && value.callee.type === AST_NODE_TYPES.Identifier && value.callee.name === 'Set';
    }

    /** Whether a `tasks` binding visible at `node` is a `Set` that `createNamedTask` can add to. */
    function isTasksBindingASet(node: TSESTree.Node): boolean | undefined {
      const variable = ASTUtils.findVariable(sourceCode.getScope(node), 'tasks');
      const def = variable?.defs[0];
      if (!variable || !def) return undefined;
      if (variable.defs.length > 1) return false;
      if (services) return services.typeOf(def.name).getSymbol()?.getName() === 'Set';
      const annotation = def.name.type === AST_NODE_TYPES.Identifier ? def.name.typeAnnotation?.typeAnnotation : undefined;
      if (annotation) return isSetAnnotation(annotation);
      if (def.type === DefinitionType.Parameter || def.type === DefinitionType.ImportBinding) return true;
      return def.type === DefinitionType.Variable && def.node.id === def.name && isNewSet(def.node.init);
    }

    /** `this.tasks` / `this.#tasks` declared as a `Set` field of the class `this` is at `node`. */
    function classTasksField(node: TSESTree.Node): string | undefined {
      const binding = thisBinding(node);
      if (!binding || binding.isStatic || binding.owner.type !== AST_NODE_TYPES.ClassBody) return undefined;
      for (const member of binding.owner.body) {
        if (member.type !== AST_NODE_TYPES.PropertyDefinition || member.static || member.computed) continue;
        const key = member.key;
        const name = key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${key.name}` : key.type === AST_NODE_TYPES.Identifier ? key.name : undefined;
        if (name !== 'tasks' && name !== '#tasks') continue;
        const isSet = member.typeAnnotation ? isSetAnnotation(member.typeAnnotation.typeAnnotation) : isNewSet(member.value);
        return isSet ? `this.${name}` : undefined;
      }
      return undefined;
    }

    /** The options argument for `createNamedTask`: the task set in scope, if there is one. */
    function taskOptionsText(node: TSESTree.Node): string {
      const binding = isTasksBindingASet(node);
      if (binding !== undefined) return binding ? ', { tasks }' : '';
      const field = classTasksField(node);
      return field ? `, { tasks: ${field} }` : '';
    }

    /** Whether `node` contains an `await` or `yield` of the function it is in (not of a nested one). */
    function suspendsHere(node: TSESTree.Node): boolean {
      if (node.type === AST_NODE_TYPES.AwaitExpression || node.type === AST_NODE_TYPES.YieldExpression) return true;
      if (isFunctionNode(node) || node.type === AST_NODE_TYPES.ClassBody) return false;
      for (const key of sourceCode.visitorKeys[node.type] ?? []) {
        const child = (node as unknown as Record<string, unknown>)[key];
        const children = Array.isArray(child) ? child : [child];
        if (children.some((c) => isAstNode(c) && suspendsHere(c))) return true;
      }
      return false;
    }

    function suggestionsFor(started: TSESTree.Expression, target: TSESTree.Node): TSESLint.SuggestionReportDescriptor<MessageIds>[] {
      const operandText = sourceCode.getText(started);
      const suggestions: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
      if (canAwaitAt(target)) {
        const awaited = UNARY_OPERAND_TYPES.has(started.type) ? operandText : `(${operandText})`;
        suggestions.push({ messageId: 'suggestAwait', fix: (fixer) => fixer.replaceText(target, `await ${awaited}`) });
      }
      // `await`/`yield` cannot move into the task's arrow body.
      const plan = suspendsHere(started) ? null : planRuntimeImport(sourceCode, [TASK_HELPER]);
      const helper = plan?.refs[TASK_HELPER];
      if (plan && helper) {
        const name = taskName(started);
        const options = taskOptionsText(target);
        const body = started.type === AST_NODE_TYPES.ObjectExpression ? `(${operandText})` : operandText;
        const replacement = `${helper}(${stringLiteral(name)}, () => ${body}${options})`;
        suggestions.push({
          messageId: 'suggestNamedTask',
          data: { name },
          fix: (fixer) => [fixer.replaceText(target, replacement), ...plan.fixes(fixer)],
        });
      }
      return suggestions;
    }

    /**
     * In JavaScript, Flow-style annotations such as `async f(): void` give the checker a wrong
     * return type; an `async` function declared in the file returns a promise whatever it says.
     */
    function callsAsyncFunctionInScript(node: TSESTree.Node): boolean {
      if (!isScript || node.type !== AST_NODE_TYPES.CallExpression) return false;
      const fn = promises.resolveFunction(node.callee);
      return fn !== undefined && fn.async && !fn.generator;
    }

    /**
     * `Promise.resolve()` / `Promise.resolve(value)`: already fulfilled, nothing runs and nothing
     * can reject. Not `Promise.resolve(load())` (it adopts `load()`), nor `Promise.reject(…)`
     * (a dropped rejected promise is an unhandled rejection).
     */
    function isSettledPromise(node: TSESTree.Node): boolean {
      if (node.type !== AST_NODE_TYPES.CallExpression || node.arguments.length > 1) return false;
      const callee = skipTypeWrappers(node.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression || staticPropertyName(callee) !== 'resolve') return false;
      const object = skipTypeWrappers(callee.object);
      if (object.type !== AST_NODE_TYPES.Identifier || object.name !== 'Promise' || !isGlobalReference(sourceCode, object, 'Promise')) return false;
      const value = node.arguments[0];
      return value === undefined || (value.type !== AST_NODE_TYPES.SpreadElement && !promises.isPromise(value));
    }

    /**
     * Reports the promise `expression` starts when nothing uses its value. `target` is what a
     * suggestion replaces: the expression itself, or the `void` in front of it.
     */
    function checkStarted(expression: TSESTree.Expression, target: TSESTree.Node): void {
      const node = skipTypeWrappers(expression);
      const typed = promises.isThenableTyped(expression);
      if (typed === false ? !callsAsyncFunctionInScript(node) : typed === undefined && !promises.isPromiseSyntactically(node)) return;
      const root = promiseChainRoot(node);
      // `superviseSession(…).finally(() => watch.dispose())`: the helper tracks the work and
      // never rejects, so a cleanup chained on it is part of the tracked task.
      if (isTaskHelperCall(node) || isTaskHelperCall(root)) return;
      if (node === root && isSettledPromise(node)) return;
      let messageId: MessageIds = 'detached';
      if (handlesRejection(node)) {
        const startsHere =
          root.type === AST_NODE_TYPES.CallExpression ||
          root.type === AST_NODE_TYPES.NewExpression ||
          root.type === AST_NODE_TYPES.ImportExpression;
        if (!requireTracking || !startsHere) return;
        messageId = 'untracked';
      }
      context.report({ node: target, messageId, suggest: suggestionsFor(expression, target) });
    }

    /** Walks the parts of an unused expression whose values are dropped too. */
    function checkDropped(expression: TSESTree.Expression, voidNode?: TSESTree.UnaryExpression): void {
      const node = skipTypeWrappers(expression);
      switch (node.type) {
        case AST_NODE_TYPES.SequenceExpression:
          for (const part of node.expressions) checkDropped(part);
          return;
        case AST_NODE_TYPES.ConditionalExpression:
          checkDropped(node.consequent);
          checkDropped(node.alternate);
          return;
        case AST_NODE_TYPES.LogicalExpression:
          checkDropped(node.left);
          checkDropped(node.right);
          return;
        case AST_NODE_TYPES.CallExpression:
        case AST_NODE_TYPES.NewExpression:
        case AST_NODE_TYPES.ImportExpression:
        case AST_NODE_TYPES.TaggedTemplateExpression:
          checkStarted(expression, voidNode ?? expression);
          return;
        default:
          // `void x` is checked by its own visitor; awaits, assignments and reads drop nothing.
          return;
      }
    }

    /** `setTimeout` as the global or an import of `timers`/`node:timers`. */
    function isTimerFunction(callee: TSESTree.Identifier): boolean {
      if (isGlobalReference(sourceCode, callee, callee.name)) return true;
      const reference = resolveModuleReference(sourceCode, callee);
      return reference?.module === 'timers' && reference.path.length === 1 && reference.path[0] === callee.name;
    }

    let listenersObservedCache: boolean | undefined;
    function listenersObserved(): boolean {
      listenersObservedCache ??= LISTENERS_OBSERVED.test(sourceCode.text);
      return listenersObservedCache;
    }

    /** `emitter.on('message')` for the message; the event only when it is a plain string. */
    function listenerName(call: TSESTree.CallExpression, callee: TSESTree.MemberExpression, method: string): string {
      const event = call.arguments[0];
      const eventText = event?.type === AST_NODE_TYPES.Literal && typeof event.value === 'string' && event.value.length <= 40 ? `'${event.value}'` : '…';
      const owner = dottedName(callee.object);
      return `${owner !== undefined && owner.length <= 40 ? `${owner}.` : '.'}${method}(${eventText})`;
    }

    /**
     * Callers that drop what their callback returns: timers, `queueMicrotask`, `process.nextTick`,
     * `x.forEach`, `x.subscribe` (RxJS, pub/sub clients) and event listeners.
     */
    function callbackSink(call: TSESTree.CallExpression): CallbackSink | undefined {
      const callee = skipTypeWrappers(call.callee);
      const first = call.arguments[0];
      if (callee.type === AST_NODE_TYPES.Identifier) {
        if (!first || !GLOBAL_CALLBACK_SINKS.has(callee.name) || !isTimerFunction(callee)) return undefined;
        return { name: () => callee.name, kind: 'callback', callbacks: [first], at: callee };
      }
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
      const property = staticPropertyName(callee);
      if (property === undefined) return undefined;
      const at = callee.property;
      if (LISTENER_METHODS.has(property)) {
        const listener = call.arguments[1];
        if (!listener || listenersObserved()) return undefined;
        return { name: () => listenerName(call, callee, property), kind: 'listener', callbacks: [listener], at };
      }
      if (!first) return undefined;
      if (property === 'forEach') return { name: () => 'forEach', kind: 'callback', callbacks: [first], at };
      if (property === 'subscribe') return { name: () => 'subscribe', kind: 'listener', callbacks: call.arguments.slice(0, 2), at };
      if (TIMER_METHODS.has(property)) return { name: () => property, kind: 'callback', callbacks: [first], at };
      const object = skipTypeWrappers(callee.object);
      if (object.type !== AST_NODE_TYPES.Identifier || !isGlobalReference(sourceCode, object, object.name)) return undefined;
      if (GLOBAL_OBJECTS.has(object.name) && property === 'queueMicrotask') return { name: () => property, kind: 'callback', callbacks: [first], at };
      return object.name === 'process' && property === 'nextTick' ? { name: () => 'process.nextTick', kind: 'callback', callbacks: [first], at } : undefined;
    }

    /** `fn.bind(this)` is `fn` as far as what it returns goes. */
    function unbound(callback: TSESTree.Node): TSESTree.Node {
      const node = skipTypeWrappers(callback);
      if (node.type !== AST_NODE_TYPES.CallExpression || node.callee.type !== AST_NODE_TYPES.MemberExpression) return node;
      return staticPropertyName(node.callee) === 'bind' ? skipTypeWrappers(node.callee.object) : node;
    }

    /**
     * A plain function whose returned promise already handles its rejection or is tracked
     * (`() => load().catch(log)`): the caller drops a promise that cannot reject.
     */
    function returnsHandledPromise(fn: FunctionNode): boolean {
      if (fn.async || !fn.body) return false;
      let returned: TSESTree.Node | null | undefined;
      if (fn.body.type !== AST_NODE_TYPES.BlockStatement) returned = fn.body;
      else {
        const last = fn.body.body[fn.body.body.length - 1];
        returned = last?.type === AST_NODE_TYPES.ReturnStatement ? last.argument : undefined;
      }
      if (!returned) return false;
      const node = skipTypeWrappers(returned);
      return handlesRejection(node) || isTaskHelperCall(node) || isTaskHelperCall(promiseChainRoot(node));
    }

    /** Whether calling `callback` yields a promise that nobody handles. */
    function isDroppedPromiseCallback(callback: TSESTree.CallExpressionArgument): boolean {
      if (callback.type === AST_NODE_TYPES.SpreadElement) return false;
      const node = unbound(callback);
      if (isFunctionNode(node)) {
        if (node.generator) return false;
        if (node.async) return true;
        if (returnsHandledPromise(node)) return false;
      } else if (node.type !== AST_NODE_TYPES.Identifier && node.type !== AST_NODE_TYPES.MemberExpression) {
        return false;
      }
      return promises.isPromiseReturningFunction(node);
    }

    return {
      ExpressionStatement(node) {
        if (node.directive === undefined) checkDropped(node.expression);
      },
      'UnaryExpression[operator="void"]'(node: TSESTree.UnaryExpression) {
        checkDropped(node.argument, node);
      },
      [UWS_SELECTOR](node: TSESTree.CallExpression) {
        const behaviour = node.arguments[1] && skipTypeWrappers(node.arguments[1]);
        if (behaviour?.type !== AST_NODE_TYPES.ObjectExpression) return;
        for (const property of behaviour.properties) {
          if (property.type !== AST_NODE_TYPES.Property || property.kind !== 'init') continue;
          const key = staticKeyName(property);
          if (key === undefined || !UWS_HANDLERS.has(key) || !isDroppedPromiseCallback(property.value as TSESTree.Expression)) continue;
          context.report({ node: property, messageId: 'asyncListener', data: { sink: `uWebSockets.js \`${key}\`` } });
        }
      },
      // Narrow selectors: this runs on a handful of calls instead of every call in the file.
      [CALLBACK_SINK_SELECTOR](node: TSESTree.CallExpression) {
        const sink = callbackSink(node);
        const callback = sink?.callbacks.find(isDroppedPromiseCallback);
        if (!sink || !callback) return;
        context.report({
          loc: { start: sink.at.loc.start, end: callback.loc.end },
          messageId: sink.kind === 'listener' ? 'asyncListener' : 'asyncCallback',
          data: { sink: sink.name() },
        });
      },
    };
  },
});

function isAstNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
