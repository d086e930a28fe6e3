import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { isBoundedGather } from '../utils/bounded-gather.js';
import { createRule } from '../utils/create-rule.js';
import { promiseCombinatorOf, type PromiseCombinator } from '../utils/promise-combinator.js';
import { disconnectSignalSource } from '../utils/runtime-helpers.js';
import { planRuntimeImport } from '../utils/runtime-import.js';
import {
  callElements,
  enclosingFunctionName,
  firstStringQuote,
  gatherWithLoggingRewrite,
  receiverName,
  staticLabel,
} from '../utils/thunks.js';
import {
  additionalHandlersSchema,
  createWsHandlerDetector,
  isFunctionNode,
  isTypeWrapper,
  propertyKeyName,
  type CustomHandlerPattern,
  type LifetimeContext,
} from '../utils/ws-handler.js';

type Options = [{ additionalHandlers?: CustomHandlerPattern[]; callDepth?: number }];
type MessageIds = 'combinatorInHandler' | 'suggestGatherWithLogging' | 'suggestSuperviseSession';
type Usage = 'awaited' | 'returned' | 'chained';
type Suggestion = TSESLint.SuggestionReportDescriptor<MessageIds>;

const CHAIN_METHODS = new Set(['then', 'catch', 'finally']);
const DEFAULT_LABEL = 'ws-handler';
const DEFAULT_CALL_DEPTH = 2;

/** Climbs through wrappers that hand the same promise on: `?.`, type assertions, `a ? p : q`, `a || p`. */
function outermostPromiseExpression(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (let parent = current.parent; parent; parent = current.parent) {
    const passesThrough =
      parent.type === AST_NODE_TYPES.ChainExpression ||
      (isTypeWrapper(parent) && parent.expression === current) ||
      (parent.type === AST_NODE_TYPES.ConditionalExpression && parent.test !== current) ||
      parent.type === AST_NODE_TYPES.LogicalExpression;
    if (!passesThrough) break;
    current = parent;
  }
  return current;
}

/** ", through its calls to `a` → `b`" when the combinator sits in functions the handler calls. */
function viaText(context: LifetimeContext): string {
  return context.via.length === 0 ? '' : `, through its call${context.via.length > 1 ? 's' : ''} to ${context.via.map((name) => `\`${name}\``).join(' → ')}`;
}

/** Where the disconnect signal comes from for this handler's server. */
function signalText(context: LifetimeContext): string {
  return disconnectSignalSource(context.handler.server, context.handler.socketName);
}

function isAsyncGenerator(node: TSESTree.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionNode(current)) return current.async && current.generator;
  }
  return false;
}

/** Task name for `session.lifetime(name, ...)`: the called function's name. */
function taskName(call: TSESTree.CallExpression, index: number): string {
  return staticLabel(`task-${index + 1}`, receiverName(call.callee));
}

export default createRule<Options, MessageIds>({
  name: 'no-promise-all-in-ws-handler',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow `Promise.all`/`allSettled`/`race`/`any` awaited, returned or chained inside a WebSocket connection handler',
      recommended: 'recommended',
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    messages: {
      combinatorInHandler:
        '`Promise.{{method}}` is {{usage}} inside a connection handler ({{handler}}){{via}}: it can wait forever on a task that hangs after the client has left, and the connection then stays a ghost (its cleanup never runs). Use `superviseSession` (or `superviseTasks` + `drainTasks`) from @ghostguard/runtime for lifetime tasks, with {{signal}}, and `gatherWithLogging` with `timeoutMs` for fan-out.',
      suggestGatherWithLogging:
        "Run the fan-out with `gatherWithLogging` (label '{{label}}'): logs each failure, never rejects, takes `timeoutMs`/`maxConcurrency`.",
      suggestSuperviseSession:
        "Supervise these calls as lifetime tasks with `superviseSession` on `signal` (label '{{label}}'): ends on disconnect or the first exit, then drains.",
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          additionalHandlers: additionalHandlersSchema,
          callDepth: {
            type: 'integer',
            minimum: 0,
            maximum: 4,
            description:
              'How many calls of same-file functions to follow from a handler to the combinator (0: only code lexically inside a handler). Default 2.',
          },
        },
      },
    ],
    defaultOptions: [{ additionalHandlers: [], callDepth: DEFAULT_CALL_DEPTH }],
  },
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    const detector = createWsHandlerDetector(context, { additionalHandlers: options.additionalHandlers ?? [] });
    const callDepth = options.callDepth ?? DEFAULT_CALL_DEPTH;

    function usageOf(node: TSESTree.Node, followBinding: boolean): Usage | undefined {
      const outer = outermostPromiseExpression(node);
      const parent = outer.parent;
      if (!parent) return undefined;
      switch (parent.type) {
        case AST_NODE_TYPES.AwaitExpression:
          return 'awaited';
        case AST_NODE_TYPES.YieldExpression:
          // In an async generator, `yield p` awaits `p`.
          return !parent.delegate && isAsyncGenerator(parent) ? 'awaited' : undefined;
        case AST_NODE_TYPES.ReturnStatement:
          return 'returned';
        case AST_NODE_TYPES.ArrowFunctionExpression:
          return parent.body === outer ? 'returned' : undefined;
        case AST_NODE_TYPES.MemberExpression: {
          const method = propertyKeyName(parent.property, parent.computed);
          const isChained =
            parent.object === outer &&
            method !== undefined &&
            CHAIN_METHODS.has(method) &&
            parent.parent.type === AST_NODE_TYPES.CallExpression &&
            parent.parent.callee === parent;
          return isChained ? 'chained' : undefined;
        }
        case AST_NODE_TYPES.VariableDeclarator: {
          // `const all = Promise.all(...); ... await all;`
          if (!followBinding || parent.init !== outer || parent.id.type !== AST_NODE_TYPES.Identifier) return undefined;
          for (const variable of sourceCode.getDeclaredVariables(parent)) {
            for (const reference of variable.references) {
              const usage = reference.isRead() ? usageOf(reference.identifier, false) : undefined;
              if (usage) return usage;
            }
          }
          return undefined;
        }
        default:
          return undefined;
      }
    }

    /** A reportable combinator call, with where in a connection's lifetime it runs. */
    function reportable(call: TSESTree.CallExpression): { method: PromiseCombinator; usage: Usage; lifetime: LifetimeContext } | undefined {
      const method = promiseCombinatorOf(sourceCode, call);
      if (!method) return undefined;
      const usage = usageOf(call, true);
      if (!usage || isBoundedGather(sourceCode, call, method)) return undefined;
      const lifetime = detector.lifetimeContext(call, callDepth);
      return lifetime ? { method, usage, lifetime } : undefined;
    }

    /**
     * Nested in the arguments of a combinator that is itself reported: one diagnostic is enough. Not when
     * it is awaited inside a callback there (`items.map(async (i) => { await Promise.all(...) })`): that
     * is a wait of its own, with its own fix.
     */
    function isCoveredByOuterReport(call: TSESTree.CallExpression, usage: Usage): boolean {
      let child: TSESTree.Node = call;
      for (let current: TSESTree.Node | undefined = call.parent; current; child = current, current = current.parent) {
        if (usage === 'awaited' && isFunctionNode(current)) return false;
        if (
          current.type === AST_NODE_TYPES.CallExpression &&
          current.arguments.includes(child as TSESTree.CallExpressionArgument) &&
          reportable(current)
        ) {
          return true;
        }
      }
      return false;
    }

    /** `await Promise.all(x);` as a statement: its value is unused, so a never-rejecting helper is a drop-in. */
    function awaitedStatement(call: TSESTree.CallExpression): TSESTree.ExpressionStatement | undefined {
      const parent = call.parent;
      if (call.optional || parent.type !== AST_NODE_TYPES.AwaitExpression) return undefined;
      return parent.parent.type === AST_NODE_TYPES.ExpressionStatement ? parent.parent : undefined;
    }

    function gatherSuggestion(call: TSESTree.CallExpression): Suggestion | undefined {
      const rewrite = gatherWithLoggingRewrite(sourceCode, call, DEFAULT_LABEL);
      return rewrite && { messageId: 'suggestGatherWithLogging', data: { label: rewrite.label }, fix: rewrite.fix };
    }

    function superviseSuggestion(
      call: TSESTree.CallExpression,
      statement: TSESTree.ExpressionStatement,
      argument: TSESTree.Node,
    ): Suggestion | undefined {
      if (argument.type !== AST_NODE_TYPES.ArrayExpression) return undefined;
      const calls = callElements(sourceCode, argument);
      // superviseSession needs the connection's AbortSignal; only a binding literally named `signal` is trusted.
      const signal = findInScopeChain(call, 'signal');
      if (!calls || !signal || signal.defs.length === 0) return undefined;
      // Declared later in the same function: the rewrite would read it in its temporal dead zone.
      const declaredAt = signal.defs[0]?.name;
      if (declaredAt && declaredAt.range[0] > call.range[0] && signal.scope.variableScope === sourceCode.getScope(call).variableScope) return undefined;
      if (sourceCode.getCommentsInside(statement).length > 0) return undefined;
      const argumentTokens = sourceCode.getTokens(argument);
      const session = ['session', 'ggSession'].find((name) => !argumentTokens.some((t) => t.value === name));
      const plan = planRuntimeImport(sourceCode, ['superviseSession']);
      if (!session || !plan) return undefined;

      const quote = firstStringQuote(sourceCode);
      const label = staticLabel(DEFAULT_LABEL, enclosingFunctionName(call));
      const indent = /^\s*/.exec(sourceCode.lines[statement.loc.start.line - 1] ?? '')?.[0] ?? '';
      const step = indent.includes('\t') ? '\t' : '  ';
      const semi = sourceCode.getLastToken(statement)?.value === ';' ? ';' : '';
      const lines = calls.map(
        (task, i) => `${indent}${step}${session}.lifetime(${quote}${taskName(task, i)}${quote}, () => ${sourceCode.getText(task)})${semi}`,
      );
      const ref = plan.refs.superviseSession ?? 'superviseSession';
      const text = `await ${ref}({ label: ${quote}${label}${quote}, signal }, (${session}) => {\n${lines.join('\n')}\n${indent}})${semi}`;
      return {
        messageId: 'suggestSuperviseSession',
        data: { label },
        fix: (fixer) => [fixer.replaceText(statement, text), ...plan.fixes(fixer)],
      };
    }

    function findInScopeChain(node: TSESTree.Node, name: string): TSESLint.Scope.Variable | undefined {
      for (let scope: TSESLint.Scope.Scope | null = sourceCode.getScope(node); scope; scope = scope.upper) {
        const variable = scope.set.get(name);
        if (variable) return variable;
      }
      return undefined;
    }

    function suggestionsFor(call: TSESTree.CallExpression, method: PromiseCombinator): Suggestion[] {
      // race/any settle on the first result: no mechanical equivalent among the helpers.
      if (method !== 'all' && method !== 'allSettled') return [];
      const statement = awaitedStatement(call);
      const argument = call.arguments[0];
      if (!statement || call.arguments.length !== 1 || !argument) return [];
      return [superviseSuggestion(call, statement, argument), gatherSuggestion(call)].filter(
        (s): s is Suggestion => s !== undefined,
      );
    }

    return {
      CallExpression(call) {
        const found = reportable(call);
        if (!found || isCoveredByOuterReport(call, found.usage)) return;
        context.report({
          node: call.callee,
          messageId: 'combinatorInHandler',
          data: {
            method: found.method,
            usage: found.usage,
            handler: found.lifetime.handler.description,
            via: viaText(found.lifetime),
            signal: signalText(found.lifetime),
          },
          suggest: suggestionsFor(call, found.method),
        });
      },
    };
  },
});
