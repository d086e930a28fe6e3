import { AST_NODE_TYPES, AST_TOKEN_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../utils/create-rule.js';
import {
  isEffectivelyConst,
  isGlobalReference,
  matchesModuleExport,
  resolveModuleReference,
  resolveVariable,
  skipTypeWrappers,
  staticKeyName,
  staticPropertyName,
} from '../utils/module-bindings.js';
import { RUNTIME_MODULE } from '../utils/runtime-import.js';
import {
  additionalHandlersSchema,
  createWsHandlerDetector,
  dottedPath,
  isFunctionNode,
  type CustomHandlerPattern,
  type FunctionNode,
  type WsHandler,
} from '../utils/ws-handler.js';

type Options = [{ additionalHandlers?: CustomHandlerPattern[]; drainFunctions?: string[] }];
type MessageIds = 'missingDrain' | 'drainOutsideFinally' | 'drainBeforeSupervise' | 'suggestMoveIntoFinally';
type Variable = TSESLint.Scope.Variable;
const { DefinitionType } = TSESLint.Scope;

type RuntimeFunction = 'createNamedTask' | 'drainTasks' | 'superviseTasks';
const RUNTIME_FUNCTIONS: readonly RuntimeFunction[] = ['createNamedTask', 'drainTasks', 'superviseTasks'];

/**
 * A task set the connection owns: a variable declared inside the handler holding a fresh
 * `new Set()`, or a `new Set()` property reached through a handler-local object literal
 * (`const conn = { tasks: new Set() }` → `conn.tasks`).
 */
interface OwnedTaskSet {
  readonly variable: Variable;
  /** Property path from the variable to the set; `[]` for the variable itself. */
  readonly path: readonly string[];
  /** Source text used in messages, e.g. `tasks` or `conn.tasks`. */
  readonly text: string;
  readonly firstSpawn: TSESTree.CallExpression;
  readonly handler: WsHandler;
}

/** A `drainTasks(...)` or `superviseTasks(...)` call and the iterable it is given. */
interface SetCall {
  readonly call: TSESTree.CallExpression;
  readonly argument: TSESTree.Node;
}

function enclosingFunction(node: TSESTree.Node): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionNode(current)) return current;
  }
  return undefined;
}

/** Inside the `finally` block of a `try` of its own function (not of a function it is nested in). */
function isInFinally(node: TSESTree.Node): boolean {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (isFunctionNode(parent)) return false;
    if (parent.type === AST_NODE_TYPES.TryStatement && parent.finalizer === child) return true;
  }
  return false;
}

/** `new Set(…)` with the global `Set`. */
function isNewGlobalSet(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): boolean {
  const inner = skipTypeWrappers(node);
  return (
    inner.type === AST_NODE_TYPES.NewExpression &&
    inner.callee.type === AST_NODE_TYPES.Identifier &&
    inner.callee.name === 'Set' &&
    isGlobalReference(sourceCode, inner, 'Set')
  );
}

/** The value at `path` inside nested object literals, or undefined when it is not written there. */
function objectLiteralValue(node: TSESTree.Node, path: readonly string[]): TSESTree.Node | undefined {
  let current = skipTypeWrappers(node);
  for (const key of path) {
    if (current.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
    const property = current.properties.find(
      (p): p is TSESTree.Property => p.type === AST_NODE_TYPES.Property && staticKeyName(p) === key,
    );
    if (!property) return undefined;
    current = skipTypeWrappers(property.value);
  }
  return current;
}

/** `a.b.c` → the identifier `a` and `['b', 'c']`; undefined for anything but static member chains on an identifier. */
function memberChain(node: TSESTree.Node): { root: TSESTree.Identifier; path: string[] } | undefined {
  const inner = skipTypeWrappers(node);
  if (inner.type === AST_NODE_TYPES.Identifier) return { root: inner, path: [] };
  if (inner.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const name = staticPropertyName(inner);
  const base = name === undefined ? undefined : memberChain(inner.object);
  return base && name !== undefined ? { root: base.root, path: [...base.path, name] } : undefined;
}

/** Leading whitespace of the line `node` starts on. */
function lineIndent(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): string {
  return /^\s*/u.exec(sourceCode.lines[node.loc.start.line - 1] ?? '')?.[0] ?? '';
}

/** A `return`/`throw`/`break`/`continue` in `node`'s own function: code appended after it may never run. */
function containsJump(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): boolean {
  switch (node.type) {
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.ThrowStatement:
    case AST_NODE_TYPES.BreakStatement:
    case AST_NODE_TYPES.ContinueStatement:
      return true;
    default:
      if (isFunctionNode(node) || node.type === AST_NODE_TYPES.ClassBody) return false;
  }
  for (const key of sourceCode.visitorKeys[node.type] ?? []) {
    const child = (node as unknown as Record<string, unknown>)[key];
    for (const value of Array.isArray(child) ? child : [child]) {
      if (isNode(value) && containsJump(sourceCode, value)) return true;
    }
  }
  return false;
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

export default createRule<Options, MessageIds>({
  name: 'require-drain-in-finally',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Require tasks a WebSocket handler starts into its own task set to be drained with `drainTasks` in a `finally`, after `superviseTasks`',
      recommended: 'strict',
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    defaultOptions: [{ additionalHandlers: [], drainFunctions: [] }],
    messages: {
      missingDrain:
        'Tasks started into `{{set}}` in this connection handler ({{handler}}) are never drained: when the connection ends they keep running and keep the connection reachable. Supervise them with `superviseTasks` in a `try` and call `drainTasks({{set}}, …)` in its `finally`, or start them with `superviseSession`.',
      drainOutsideFinally:
        '`{{drain}}({{set}}, …)` is not in a `finally`: a throw, an early return or a hung `await` before it skips the drain and the tasks outlive the connection. Call it in the `finally` of the `try` that runs `superviseTasks`.',
      drainBeforeSupervise:
        '`{{drain}}({{set}}, …)` runs before `superviseTasks` supervises `{{set}}`: it tears the tasks down before anything watched them (or supervises tasks that were already drained). Supervise in the `try`, drain in its `finally`.',
      suggestMoveIntoFinally: 'Move this drain into the `finally` of the `try` just before it, so it runs however the `try` ends.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          additionalHandlers: additionalHandlersSchema,
          drainFunctions: {
            type: 'array',
            description:
              "Your own functions that drain the task set passed as their first argument, like `drainTasks` (a plain name matches a function or method of that name; a dotted name, e.g. `conn.teardown`, that exact callee). They are held to the same rules as `drainTasks`.",
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
          },
        },
      },
    ],
  },
  defaultOptions: [{ additionalHandlers: [], drainFunctions: [] }],
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    // Nothing to check in a file that never names the runtime; keeps `strict` cheap.
    if (!sourceCode.text.includes(RUNTIME_MODULE)) return {};
    const detector = createWsHandlerDetector(context, { additionalHandlers: options.additionalHandlers });
    const drainFunctions = new Set(options.drainFunctions ?? []);
    const ownedSets: OwnedTaskSet[] = [];
    const drains: SetCall[] = [];
    const supervisions: SetCall[] = [];
    /** `start:end` of every `tasks` value given to `createNamedTask`. */
    const spawnedInto = new Set<string>();

    function runtimeFunction(call: TSESTree.CallExpression): RuntimeFunction | undefined {
      const callee = skipTypeWrappers(call.callee);
      if (callee.type !== AST_NODE_TYPES.Identifier && callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
      const reference = resolveModuleReference(sourceCode, callee);
      if (reference?.module === RUNTIME_MODULE) {
        return RUNTIME_FUNCTIONS.find((name) => matchesModuleExport(reference, { module: RUNTIME_MODULE, path: [name] }));
      }
      return isConfiguredDrain(callee) ? 'drainTasks' : undefined;
    }

    function isConfiguredDrain(callee: TSESTree.Identifier | TSESTree.MemberExpression): boolean {
      if (drainFunctions.size === 0) return false;
      const name = callee.type === AST_NODE_TYPES.Identifier ? callee.name : staticPropertyName(callee);
      const dotted = dottedPath(callee);
      return (name !== undefined && drainFunctions.has(name)) || (dotted !== undefined && drainFunctions.has(dotted));
    }

    /** The `tasks` value of `createNamedTask`'s options: an object literal or a `const` naming one. */
    function tasksOption(call: TSESTree.CallExpression): TSESTree.Node | undefined {
      const argument = call.arguments[2];
      if (!argument) return undefined;
      let options = skipTypeWrappers(argument);
      if (options.type === AST_NODE_TYPES.Identifier) {
        const variable = resolveVariable(sourceCode, options);
        const def = variable?.defs[0];
        if (!variable || !isEffectivelyConst(variable) || def?.type !== DefinitionType.Variable) return undefined;
        if (def.node.id.type !== AST_NODE_TYPES.Identifier || !def.node.init) return undefined;
        options = skipTypeWrappers(def.node.init);
      }
      return objectLiteralValue(options, ['tasks']);
    }

    /** The handler-owned set `value` denotes, or undefined (a server-wide set, a parameter, anything unknown). */
    function ownedSet(value: TSESTree.Node, handler: WsHandler): Omit<OwnedTaskSet, 'firstSpawn' | 'handler'> | undefined {
      const chain = memberChain(value);
      if (!chain) return undefined;
      const variable = resolveVariable(sourceCode, chain.root);
      const def = variable?.defs[0];
      if (!variable || !isEffectivelyConst(variable) || def?.type !== DefinitionType.Variable || !def.node.init) return undefined;
      if (def.node.id.type !== AST_NODE_TYPES.Identifier) return undefined;
      // Declared inside the handler: created per connection, so this connection must drain it.
      const [start, end] = handler.node.range;
      if (def.node.range[0] < start || def.node.range[1] > end) return undefined;
      const setValue = objectLiteralValue(def.node.init, chain.path);
      if (!setValue || !isNewGlobalSet(sourceCode, setValue)) return undefined;
      return { variable, path: chain.path, text: [chain.root.name, ...chain.path].join('.') };
    }

    function recordSpawn(call: TSESTree.CallExpression): void {
      const value = tasksOption(call);
      if (value) spawnedInto.add(value.range.join(':'));
      const handler = value && detector.enclosingHandler(call);
      const set = value && handler ? ownedSet(value, handler) : undefined;
      if (!set || !handler) return;
      const known = ownedSets.some((s) => s.variable === set.variable && s.path.join('.') === set.path.join('.'));
      if (!known) ownedSets.push({ ...set, firstSpawn: call, handler });
    }

    /** `node` (a drain's or supervisor's argument) reads `set`: `tasks`, `[...tasks]`, `conn.tasks`. */
    function mentions(node: TSESTree.Node, set: OwnedTaskSet): boolean {
      if (node.type === AST_NODE_TYPES.Identifier && resolveVariable(sourceCode, node) === set.variable) {
        let current: TSESTree.Node = node;
        for (const key of set.path) {
          const parent: TSESTree.Node | undefined = current.parent;
          if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== current || staticPropertyName(parent) !== key) {
            return false;
          }
          current = parent;
        }
        return true;
      }
      for (const key of sourceCode.visitorKeys[node.type] ?? []) {
        const child = (node as unknown as Record<string, unknown>)[key];
        for (const value of Array.isArray(child) ? child : [child]) {
          if (isNode(value) && mentions(value, set)) return true;
        }
      }
      return false;
    }

    /**
     * Moves the statement holding `drainTasks(…)` that directly follows a `try` into that `try`'s
     * `finally` (created after the `catch` when there is none). Only offered when the move cannot
     * change what the statement's names refer to, drop a comment, land after a jump in the
     * `finally`, or merge with the statement before it (no semicolon).
     */
    function moveIntoFinallySuggestion(drain: TSESTree.CallExpression): TSESLint.ReportSuggestionArray<MessageIds> {
      // The whole statement moves (`await drainTasks(…)`, `void drainTasks(…).then(report)`).
      let holder: TSESTree.Node | undefined = drain.parent;
      while (holder && holder.type !== AST_NODE_TYPES.ExpressionStatement && !isFunctionNode(holder)) holder = holder.parent;
      if (holder?.type !== AST_NODE_TYPES.ExpressionStatement) return [];
      const block = holder.parent;
      if (block.type !== AST_NODE_TYPES.BlockStatement) return [];
      const index = block.body.indexOf(holder);
      const previous = block.body[index - 1];
      if (previous?.type !== AST_NODE_TYPES.TryStatement) return [];
      const tryStatement = previous;
      const finalizer = tryStatement.finalizer;
      if (finalizer && containsJump(sourceCode, finalizer)) return [];
      // Names the finally block declares would capture the moved statement's references.
      if (finalizer && finalizerDeclaresNameUsedBy(finalizer, holder)) return [];

      const lastInside = finalizer ? finalizer.body.at(-1) : undefined;
      // Semicolon-free code: `dispose()` then `(await drainTasks(…))…` on the next line would parse as one call.
      if (lastInside && sourceCode.getLastToken(lastInside)?.value !== ';' && /^[([`+\-/]/u.test(sourceCode.getText(holder))) return [];
      const replaceFrom = finalizer ? (lastInside?.range[1] ?? finalizer.range[0] + 1) : tryStatement.range[1];
      const hasComment = sourceCode.getAllComments().some((c) => c.range[0] >= replaceFrom && c.range[1] <= holder.range[0]);
      if (hasComment) return [];

      const indent = lineIndent(sourceCode, tryStatement);
      const unit = indentUnit(tryStatement, indent);
      const text = reindent(sourceCode.getText(holder), unit);
      const replacement = finalizer
        ? `\n${indent}${unit}${text}\n${indent}}`
        : ` finally {\n${indent}${unit}${text}\n${indent}}`;
      return [
        {
          messageId: 'suggestMoveIntoFinally',
          fix: (fixer) => fixer.replaceTextRange([replaceFrom, holder.range[1]], replacement),
        },
      ];
    }

    function finalizerDeclaresNameUsedBy(finalizer: TSESTree.BlockStatement, statement: TSESTree.Node): boolean {
      const scope = sourceCode.scopeManager?.acquire(finalizer);
      if (!scope) return false;
      const declared = new Set(scope.variables.map((v) => v.name));
      return sourceCode.getTokens(statement).some((token) => token.type === AST_TOKEN_TYPES.Identifier && declared.has(token.value));
    }

    /** The file's indentation step, read from the first statement of the `try` block. */
    function indentUnit(tryStatement: TSESTree.TryStatement, indent: string): string {
      const first = tryStatement.block.body[0];
      const inner = first ? lineIndent(sourceCode, first) : '';
      if (first && inner.startsWith(indent) && inner.length > indent.length) return inner.slice(indent.length);
      return indent.includes('\t') ? '\t' : '  ';
    }

    /** Indents the continuation lines of a moved statement one step deeper (not inside template literals). */
    function reindent(text: string, unit: string): string {
      return text.includes('`') ? text : text.replaceAll('\n', `\n${unit}`);
    }

    type DrainVerdict = 'inFinally' | 'outsideFinally' | 'beforeSupervise';

    function judgeDrain(drain: SetCall, set: OwnedTaskSet): DrainVerdict {
      const fn = enclosingFunction(drain.call);
      // Source order says "runs before" only within one function.
      const sameFunction = supervisions.filter((s) => mentions(s.argument, set) && enclosingFunction(s.call) === fn);
      const supervisedBefore = sameFunction.some((s) => s.call.range[1] <= drain.call.range[0]);
      const supervisedAfter = sameFunction.some((s) => s.call.range[0] >= drain.call.range[1]);
      if (supervisedAfter && !supervisedBefore) return 'beforeSupervise';
      return isInFinally(drain.call) ? 'inFinally' : 'outsideFinally';
    }

    /** Where a read of `set.variable` uses the set (or the object holding it); undefined when it reads another property. */
    function setUsage(identifier: TSESTree.Identifier, set: OwnedTaskSet): TSESTree.Node | undefined {
      let current: TSESTree.Node = identifier;
      for (const key of set.path) {
        const parent: TSESTree.Node | undefined = current.parent;
        if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== current) return current;
        if (staticPropertyName(parent) !== key) return undefined;
        current = parent;
      }
      return current;
    }

    function isFollowedUse(node: TSESTree.Node): boolean {
      const inside = (outer: TSESTree.Node): boolean => outer.range[0] <= node.range[0] && node.range[1] <= outer.range[1];
      if (drains.some((d) => inside(d.argument)) || supervisions.some((s) => inside(s.argument))) return true;
      if (spawnedInto.has(node.range.join(':'))) return true;
      const parent = node.parent;
      // `tasks.size`, `tasks.add(task)`, `for (const task of tasks)`: reads that cannot drain it elsewhere.
      if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === node) return true;
      return parent?.type === AST_NODE_TYPES.ForOfStatement && parent.right === node;
    }

    /**
     * The set (or the object holding it) is handed to a helper, stored, returned or aliased:
     * it may be drained where this file cannot follow, so a missing drain is not reported.
     */
    function escapes(set: OwnedTaskSet): boolean {
      return set.variable.references.some((reference) => {
        if (!reference.isRead() || reference.identifier.type !== AST_NODE_TYPES.Identifier) return false;
        const usage = setUsage(reference.identifier, set);
        return usage !== undefined && !isFollowedUse(usage);
      });
    }

    /** `drainTasks`, `rt.drainTasks`, `drain` (an alias): the callee as written, for messages. */
    function calleeText(call: TSESTree.CallExpression): string {
      return sourceCode.getText(skipTypeWrappers(call.callee));
    }

    function checkSet(set: OwnedTaskSet, reported: Set<TSESTree.CallExpression>): void {
      const setDrains = drains.filter((d) => mentions(d.argument, set));
      if (setDrains.length === 0) {
        if (!escapes(set)) {
          context.report({ node: set.firstSpawn, messageId: 'missingDrain', data: { set: set.text, handler: set.handler.description } });
        }
        return;
      }
      const verdicts = setDrains.map((drain) => ({ drain, verdict: judgeDrain(drain, set) }));
      // An extra drain outside `finally` is harmless once one in a `finally` covers every path.
      const drainedInFinally = verdicts.some((v) => v.verdict === 'inFinally');
      for (const { drain, verdict } of verdicts) {
        // A drain of several owned sets at once is reported once.
        if (reported.has(drain.call)) continue;
        if (verdict === 'beforeSupervise') {
          context.report({ node: drain.call, messageId: 'drainBeforeSupervise', data: { set: set.text, drain: calleeText(drain.call) } });
        } else if (verdict === 'outsideFinally' && !drainedInFinally) {
          context.report({
            node: drain.call,
            messageId: 'drainOutsideFinally',
            data: { set: set.text, drain: calleeText(drain.call) },
            suggest: moveIntoFinallySuggestion(drain.call),
          });
        } else {
          continue;
        }
        reported.add(drain.call);
      }
    }

    return {
      CallExpression(node) {
        const fn = runtimeFunction(node);
        if (fn === 'createNamedTask') recordSpawn(node);
        else if (fn && node.arguments[0]) (fn === 'drainTasks' ? drains : supervisions).push({ call: node, argument: node.arguments[0] });
      },
      'Program:exit'() {
        const reported = new Set<TSESTree.CallExpression>();
        for (const set of ownedSets) checkSet(set, reported);
      },
    };
  },
});
