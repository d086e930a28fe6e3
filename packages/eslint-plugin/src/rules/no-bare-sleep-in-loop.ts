import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { resolveVariable } from '../utils/module-bindings.js';
import { createAbortSignalFinder, loopLifetimeOf, type AbortSignalInScope } from '../utils/abort-signal.js';
import { createRule } from '../utils/create-rule.js';
import { isLoop, isRepeatedPart, type Loop } from '../utils/loops.js';
import { planRuntimeImport } from '../utils/runtime-import.js';
import { createSleepRecognizer, sleepFunctionsSchema, type BareSleep, type SleepFunctionOption } from '../utils/sleep.js';

export interface Options {
  /** `autofix` applies the rewrite when it is unambiguous; `suggestion` only offers it. */
  fix?: 'autofix' | 'suggestion';
  additionalSleepFunctions?: SleepFunctionOption[];
}

type MessageIds = 'bareInterval' | 'bareIntervalNoSignal' | 'bareSleep' | 'bareSleepNoSignal' | 'useSleepUntilShutdown';

const DEFAULT_OPTIONS: Options = { fix: 'autofix', additionalSleepFunctions: [] };
const SLEEP_UNTIL_SHUTDOWN = 'sleepUntilShutdown';
const { DefinitionType } = TSESLint.Scope;
/** Suggestion texts show the delay; a long expression is elided so the editor menu stays readable. */
const MAX_SHOWN_DELAY = 24;

/** Code in these runs in a different function (or at class-definition time), not in the loop. */
function isFunctionBoundary(node: TSESTree.Node): boolean {
  return (
    node.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionDeclaration ||
    node.type === AST_NODE_TYPES.StaticBlock ||
    node.type === AST_NODE_TYPES.PropertyDefinition ||
    node.type === AST_NODE_TYPES.AccessorProperty
  );
}

/** The innermost loop that re-runs `node` in the same function. */
function enclosingLoop(node: TSESTree.Node): Loop | undefined {
  let child = node;
  for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (isFunctionBoundary(parent)) return undefined;
    if (isLoop(parent) && isRepeatedPart(parent, child)) return parent;
  }
  return undefined;
}

/**
 * The `break` that leaves `loop` from `statement`, or undefined when none can: a plain `break`
 * would leave an intervening `switch` instead, so that case needs the loop's label.
 */
function breakStatementFor(statement: TSESTree.Statement, loop: Loop): string | undefined {
  let crossesSwitch = false;
  for (let node: TSESTree.Node | undefined = statement.parent; node && node !== loop; node = node.parent) {
    if (node.type === AST_NODE_TYPES.SwitchStatement) crossesSwitch = true;
  }
  if (!crossesSwitch) return 'break';
  return loop.parent.type === AST_NODE_TYPES.LabeledStatement ? `break ${loop.parent.label.name}` : undefined;
}

/** `await sleep()` as the whole statement directly in the loop body (or as the body itself). */
function isDirectLoopStatement(statement: TSESTree.ExpressionStatement, loop: Loop): boolean {
  const parent = statement.parent;
  return parent === loop || (parent.type === AST_NODE_TYPES.BlockStatement && parent === loop.body);
}

/**
 * `timers/promises` sleeps with `{ ref: false }` (or options the rule cannot see) let the process
 * exit mid-sleep; `sleepUntilShutdown`'s timer keeps it alive like a plain `setTimeout`, so that
 * rewrite could change what correct code does: only suggested.
 */
function mayUnrefTimer(sourceCode: Readonly<TSESLint.SourceCode>, sleep: BareSleep): boolean {
  const unrefs = (options: TSESTree.ObjectExpression): boolean =>
    options.properties.some(
      (p) =>
        p.type === AST_NODE_TYPES.SpreadElement ||
        (!p.computed &&
          p.key.type === AST_NODE_TYPES.Identifier &&
          p.key.name === 'ref' &&
          !(p.value.type === AST_NODE_TYPES.Literal && p.value.value === true)),
    );
  return sleep.node.arguments.slice(1).some((argument) => {
    if (argument.type === AST_NODE_TYPES.ObjectExpression) return unrefs(argument);
    if (argument.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = resolveVariable(sourceCode, argument);
    if (!variable) return false; // `undefined` and other globals
    const def = variable.defs[0];
    // A parameter or an uninitialised variable: options the rule cannot see.
    if (def?.type !== DefinitionType.Variable || !def.node.init) return def?.type === DefinitionType.Parameter || def?.type === DefinitionType.Variable;
    return def.node.init.type === AST_NODE_TYPES.ObjectExpression && unrefs(def.node.init);
  });
}

function abbreviate(text: string): string {
  const oneLine = text.replace(/\s+/gu, ' ');
  return oneLine.length <= MAX_SHOWN_DELAY ? oneLine : `${oneLine.slice(0, MAX_SHOWN_DELAY - 1)}…`;
}

export default createRule<[Options], MessageIds>({
  name: 'no-bare-sleep-in-loop',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow awaiting a timer sleep in a loop that cannot be cut short by shutdown',
      recommended: 'recommended',
      requiresTypeChecking: false,
    },
    fixable: 'code',
    hasSuggestions: true,
    messages: {
      bareSleep:
        "'{{sleep}}' in a loop cannot observe shutdown: after an abort the loop still waits out the whole delay. Use 'if (await sleepUntilShutdown(signal, ms)) break;' from @ghostguard/runtime.",
      bareSleepNoSignal:
        "'{{sleep}}' in a loop cannot observe shutdown: after an abort the loop still waits out the whole delay. No AbortSignal is in scope: pass one into this function and use 'if (await sleepUntilShutdown(signal, ms)) break;' from @ghostguard/runtime.",
      bareInterval:
        "'{{sleep}}' without a signal cannot observe shutdown: the loop waits out every tick after an abort. Pass '{ signal }' as its options, or loop with 'if (await sleepUntilShutdown(signal, ms)) break;'.",
      bareIntervalNoSignal:
        "'{{sleep}}' without a signal cannot observe shutdown: the loop waits out every tick after an abort. No AbortSignal is in scope: pass one into this function and give it to '{{sleep}}' as '{ signal }'.",
      useSleepUntilShutdown: "Replace with 'if (await sleepUntilShutdown({{signal}}, {{delay}})) {{exit}};'.",
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          fix: {
            type: 'string',
            enum: ['autofix', 'suggestion'],
            description:
              '`autofix` (default) rewrites the sleep when one AbortSignal in scope is provably the loop\'s lifetime and the sleep is a statement directly in the loop body; `suggestion` only offers the rewrite.',
          },
          additionalSleepFunctions: sleepFunctionsSchema,
        },
      },
    ],
    defaultOptions: [DEFAULT_OPTIONS],
  },
  defaultOptions: [DEFAULT_OPTIONS],
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    const sleeps = createSleepRecognizer(context, options.additionalSleepFunctions ?? []);
    const signals = createAbortSignalFinder(context);

    function rewrite(
      statement: TSESTree.ExpressionStatement,
      sleep: BareSleep,
      signal: AbortSignalInScope,
      exit: string,
    ): TSESLint.ReportFixFunction | undefined {
      // Null when the name is taken or shadowed anywhere: then no rewrite at all.
      const plan = planRuntimeImport(sourceCode, [SLEEP_UNTIL_SHUTDOWN]);
      const ref = plan?.refs[SLEEP_UNTIL_SHUTDOWN];
      if (!plan || !ref || sleep.delayText === undefined) return undefined;
      const semicolon = sourceCode.getLastToken(statement)?.value === ';' ? ';' : '';
      const guard = `if (await ${ref}(${signal.text}, ${sleep.delayText})) ${exit}${semicolon}`;
      // `if (a) await sleep(); else b();`: a bare inner `if` would capture the `else`.
      const parent = statement.parent;
      const capturesElse = parent.type === AST_NODE_TYPES.IfStatement && parent.consequent === statement && parent.alternate;
      const text = capturesElse ? `{ ${guard}${semicolon ? '' : ';'} }` : guard;
      return (fixer) => [fixer.replaceText(statement, text), ...plan.fixes(fixer)];
    }

    return {
      // `for await (const tick of setInterval(ms))` polls like a sleep loop; there is no statement
      // to rewrite, so it is reported only.
      'ForOfStatement[await=true]'(node: TSESTree.ForOfStatement) {
        const interval = sleeps.bareIntervalOf(node.right);
        if (!interval) return;
        const messageId = signals.signalsAt(node).length > 0 ? 'bareInterval' : 'bareIntervalNoSignal';
        context.report({ node: node.right, messageId, data: { sleep: interval.name } });
      },
      AwaitExpression(node) {
        const loop = enclosingLoop(node);
        if (!loop) return;
        const sleep = sleeps.bareSleepOf(node.argument);
        if (!sleep) return;

        const candidates = signals.signalsAt(node);
        const data = { sleep: sleep.name };
        if (candidates.length === 0) {
          context.report({ node, messageId: 'bareSleepNoSignal', data });
          return;
        }
        const statement = node.parent.type === AST_NODE_TYPES.ExpressionStatement ? node.parent : undefined;
        const exit = statement && breakStatementFor(statement, loop);
        if (!statement || !exit || sleep.delayText === undefined) {
          context.report({ node, messageId: 'bareSleep', data });
          return;
        }

        // An autofix must not change what correct code does: only with the signal that is provably
        // the loop's lifetime (see loopLifetimeOf). In doubt, each candidate becomes a suggestion.
        const autofix = options.fix !== 'suggestion' && isDirectLoopStatement(statement, loop) && !mayUnrefTimer(sourceCode, sleep);
        const lifetime = autofix ? loopLifetimeOf(sourceCode, candidates, loop) : undefined;
        const fix = lifetime ? rewrite(statement, sleep, lifetime.signal, lifetime.exit ?? exit) : undefined;
        if (fix) {
          context.report({ node, messageId: 'bareSleep', data, fix });
          return;
        }
        const suggest = candidates.flatMap((signal): TSESLint.SuggestionReportDescriptor<MessageIds>[] => {
          const suggestionFix = rewrite(statement, sleep, signal, exit);
          if (!suggestionFix) return [];
          const delay = abbreviate(sleep.delayText ?? '');
          return [{ messageId: 'useSleepUntilShutdown', data: { signal: signal.text, delay, exit }, fix: suggestionFix }];
        });
        context.report({ node, messageId: 'bareSleep', data, suggest });
      },
    };
  },
});
