import { AST_NODE_TYPES, AST_TOKEN_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { createRule } from '../utils/create-rule.js';
import { createGaugeCallRecognizer, type GaugeCall } from '../utils/gauge-calls.js';
import { skipTypeWrappers } from '../utils/module-bindings.js';
import { mayUsePromClient } from '../utils/prom-client.js';
import { firstExit, isTypeOnlyStatement, type StatementExit } from '../utils/statement-exits.js';
import {
  additionalHandlersSchema,
  createWsHandlerDetector,
  isFunctionNode,
  type CustomHandlerPattern,
  type WsHandler,
} from '../utils/ws-handler.js';

export interface RequirePairedGaugeOptions {
  additionalHandlers?: CustomHandlerPattern[];
  gauges?: string[];
}

export type Options = [RequirePairedGaugeOptions];
export type MessageIds =
  | 'exitBeforeTry'
  | 'incBeforeTry'
  | 'incNotFirstInTry'
  | 'unpairedInc'
  | 'mismatchedDec'
  | 'decOutsideFinally'
  | 'moveIncIntoTry';
type SourceCode = Readonly<TSESLint.SourceCode>;

/** The `try` whose `finally` decrements an incremented gauge. */
interface Pairing {
  readonly tryStatement: TSESTree.TryStatement;
  /** Unconditional `dec()` calls on the same gauge in its `finally`. */
  readonly decs: readonly GaugeCall[];
  /** The `inc()` statement sits before the `try` in the same statement list (rather than inside its block). */
  readonly before: boolean;
}

type StatementList = readonly TSESTree.Node[];

const DEFAULT_OPTIONS: RequirePairedGaugeOptions = { additionalHandlers: [], gauges: [] };
const MAX_SHOWN = 40;

/** The statement list `statement` belongs to, if it belongs to one. */
function statementListOf(statement: TSESTree.Node): StatementList | undefined {
  const parent = statement.parent;
  switch (parent?.type) {
    case AST_NODE_TYPES.BlockStatement:
    case AST_NODE_TYPES.Program:
    case AST_NODE_TYPES.StaticBlock:
      return parent.body;
    case AST_NODE_TYPES.SwitchCase:
      return parent.consequent;
    default:
      return undefined;
  }
}

/** `gauge.inc();` as a statement of its own: the only shape that can be placed first in a `try`. */
function callStatement(call: TSESTree.CallExpression): TSESTree.ExpressionStatement | undefined {
  let outer: TSESTree.Node = call;
  while (outer.parent && skipTypeWrappers(outer.parent) === call) outer = outer.parent;
  return outer.parent?.type === AST_NODE_TYPES.ExpressionStatement ? outer.parent : undefined;
}

function isComment(token: TSESTree.Token): boolean {
  return token.type === AST_TOKEN_TYPES.Line || token.type === AST_TOKEN_TYPES.Block;
}

/** `text` cut to a readable length for a diagnostic. */
function shown(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 3)}...` : text;
}

function indentOf(sourceCode: SourceCode, line: number): string {
  return /^\s*/.exec(sourceCode.lines[line - 1] ?? '')?.[0] ?? '';
}

export default createRule<Options, MessageIds>({
  name: 'require-paired-gauge',
  meta: {
    type: 'problem',
    docs: {
      description:
        "Require a prom-client Gauge's `inc()` in a WebSocket handler to be the first statement of a `try` whose `finally` calls the matching `dec()`",
      recommended: 'strict',
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    messages: {
      exitBeforeTry:
        '`{{gauge}}.inc()` runs before the `try` whose `finally` decrements it, and the `{{exit}}` on line {{line}} leaves before that `try` starts: the gauge then counts a ghost connection forever. Make the `inc()` the first statement inside the `try`, or let `superviseSession({ gauge })` from @ghostguard/runtime own the gauge.',
      incBeforeTry:
        '`{{gauge}}.inc()` runs before the `try` whose `finally` decrements it: anything that throws in between leaves the gauge incremented for good. Make the `inc()` the first statement inside the `try`, or let `superviseSession({ gauge })` from @ghostguard/runtime own the gauge.',
      incNotFirstInTry:
        '`{{gauge}}.inc()` is not the first statement of the `try` whose `finally` decrements it: when the code before it throws or returns, the `finally` decrements a gauge that was never incremented. Make the `inc()` the first statement inside the `try`, or let `superviseSession({ gauge })` from @ghostguard/runtime own the gauge.',
      unpairedInc:
        '`{{gauge}}.inc()` in a connection handler ({{handler}}) has no matching `dec()` that runs on every path. Make it the first statement of a `try` whose `finally` always calls `{{gauge}}.dec(…)` with the same labels, or let `superviseSession({ gauge })` from @ghostguard/runtime own the gauge.',
      mismatchedDec:
        'This `{{gauge}}.dec()` does not undo the `inc()` on line {{line}}: {{difference}}. Decrement the series that was incremented (same labels, same amount), or the gauge drifts by one per connection.',
      decOutsideFinally:
        '`{{gauge}}.dec()` outside a `finally` in a connection handler ({{handler}}): it is skipped when the handler throws, returns early or hangs, and the gauge then counts a ghost connection. Decrement in the `finally` of the `try` that starts with the `inc()`, or let `superviseSession({ gauge })` from @ghostguard/runtime own the gauge.',
      moveIncIntoTry: 'Move `{{gauge}}.inc()` into the `try`, as its first statement.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          additionalHandlers: additionalHandlersSchema,
          gauges: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description:
              'Receivers to treat as prom-client Gauges even when the file does not show it (a gauge imported from another module, untyped): `metrics.connections` matches that exact receiver, `connections` any receiver whose last name it is.',
          },
        },
      },
    ],
    defaultOptions: [DEFAULT_OPTIONS],
  },
  defaultOptions: [DEFAULT_OPTIONS],
  create(context, [options]) {
    const gauges = options.gauges ?? [];
    if (gauges.length === 0 && !mayUsePromClient(context)) return {};
    const sourceCode = context.sourceCode;
    const detector = createWsHandlerDetector(context, { additionalHandlers: options.additionalHandlers ?? [] });
    const recognizer = createGaugeCallRecognizer(context, { gauges });
    const reportedDecs = new Set<TSESTree.Node>();

    function gaugeCallStatement(statement: TSESTree.Node, method: GaugeCall['method']): GaugeCall | undefined {
      if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
      const found = recognizer.gaugeCall(skipTypeWrappers(statement.expression));
      return found?.method === method ? found : undefined;
    }

    /**
     * The `dec()` calls in a `finally` that run whenever the `finally` does: its own statements
     * (and plain blocks in it) up to the first one that can return, throw or jump away.
     */
    function unconditionalDecs(finalizer: TSESTree.BlockStatement, gauge: string): GaugeCall[] {
      const found: GaugeCall[] = [];
      const collect = (statements: StatementList): boolean => {
        for (const statement of statements) {
          if (statement.type === AST_NODE_TYPES.BlockStatement) {
            if (!collect(statement.body)) return false;
            continue;
          }
          const dec = gaugeCallStatement(statement, 'dec');
          if (dec) {
            if (dec.gauge === gauge) found.push(dec);
            continue;
          }
          if (firstExit(statement, sourceCode.visitorKeys, { suspensions: false })) return false;
        }
        return true;
      };
      collect(finalizer.body);
      return found;
    }

    /** The nearest `try` around `inc` (inside its block, same function) whose `finally` decrements the gauge. */
    function enclosingPairing(inc: GaugeCall): Pairing | undefined {
      let child: TSESTree.Node = inc.call;
      for (let current: TSESTree.Node | undefined = child.parent; current && !isFunctionNode(current); child = current, current = current.parent) {
        if (current.type !== AST_NODE_TYPES.TryStatement || current.block !== child || !current.finalizer) continue;
        const decs = unconditionalDecs(current.finalizer, inc.gauge);
        if (decs.length > 0) return { tryStatement: current, decs, before: false };
      }
      return undefined;
    }

    /** A later `try` in the same statement list whose `finally` decrements the gauge. */
    function followingPairing(inc: GaugeCall, statement: TSESTree.ExpressionStatement | undefined): Pairing | undefined {
      const list = statement && statementListOf(statement);
      if (!statement || !list) return undefined;
      for (const sibling of list.slice(list.indexOf(statement) + 1)) {
        if (sibling.type !== AST_NODE_TYPES.TryStatement || !sibling.finalizer) continue;
        const decs = unconditionalDecs(sibling.finalizer, inc.gauge);
        if (decs.length > 0) return { tryStatement: sibling, decs, before: true };
      }
      return undefined;
    }

    /** Statements that cannot throw or change anything the `inc()` reads: other gauge increments, `;`, type declarations. */
    function isInert(statement: TSESTree.Node): boolean {
      return (
        statement.type === AST_NODE_TYPES.EmptyStatement || isTypeOnlyStatement(statement) || gaugeCallStatement(statement, 'inc') !== undefined
      );
    }

    /** `statement` is first in the `try` block: only inert statements precede it, through plain blocks and inner `try` blocks. */
    function isFirstInTry(statement: TSESTree.Node | undefined, tryStatement: TSESTree.TryStatement): boolean {
      let node = statement;
      while (node) {
        const list = statementListOf(node);
        const parent = node.parent;
        if (!list || parent?.type !== AST_NODE_TYPES.BlockStatement) return false;
        if (!list.slice(0, list.indexOf(node)).every(isInert)) return false;
        if (parent === tryStatement.block) return true;
        const container = parent.parent;
        if (container.type === AST_NODE_TYPES.BlockStatement || (container.type === AST_NODE_TYPES.TryStatement && container.block === parent)) {
          node = container.type === AST_NODE_TYPES.BlockStatement ? parent : container;
          continue;
        }
        return false;
      }
      return false;
    }

    /** Moves `gauge.inc();` to the start of the `try` block; only offered when nothing but inert statements lie between. */
    function moveIntoTrySuggestion(
      inc: GaugeCall,
      statement: TSESTree.ExpressionStatement,
      between: StatementList,
      tryStatement: TSESTree.TryStatement,
    ): TSESLint.SuggestionReportDescriptor<MessageIds>[] {
      if (!between.every(isInert)) return [];
      const previous = sourceCode.getTokenBefore(statement, { includeComments: true });
      const next = sourceCode.getTokenAfter(statement, { includeComments: true });
      // A comment after the statement on its line belongs to it; moving the code alone would strand it.
      const trailingComment = next && isComment(next) && next.loc.start.line === statement.loc.end.line;
      if (trailingComment) return [];
      const block = tryStatement.block;
      // A name the `try` block declares would capture the moved call's references (`connections`
      // shadowed inside: the moved `inc()` would hit its temporal dead zone and throw).
      const declared = new Set(sourceCode.scopeManager?.acquire(block)?.variables.map((v) => v.name) ?? []);
      if (sourceCode.getTokens(statement).some((t) => t.type === AST_TOKEN_TYPES.Identifier && declared.has(t.value))) return [];
      const openBrace = sourceCode.getFirstToken(block);
      if (!openBrace) return [];
      const text = sourceCode.getText(statement);
      const terminated = text.endsWith(';') ? text : `${text};`;
      const firstInBlock = sourceCode.getTokenAfter(openBrace, { includeComments: true });
      const onOwnLine = firstInBlock !== null && firstInBlock !== undefined && firstInBlock.loc.start.line > openBrace.loc.end.line;
      const insertion = onOwnLine ? `\n${indentOf(sourceCode, firstInBlock.loc.start.line)}${terminated}` : ` ${terminated}`;
      const removeFrom = previous ? previous.range[1] : statement.range[0];
      return [
        {
          messageId: 'moveIncIntoTry',
          data: { gauge: shown(inc.receiverText) },
          fix: (fixer) => [fixer.removeRange([removeFrom, statement.range[1]]), fixer.insertTextAfter(openBrace, insertion)],
        },
      ];
    }

    function reportPlacement(inc: GaugeCall, statement: TSESTree.ExpressionStatement | undefined, pairing: Pairing): void {
      const gauge = shown(inc.receiverText);
      if (!pairing.before) {
        if (!isFirstInTry(statement, pairing.tryStatement)) context.report({ node: inc.call, messageId: 'incNotFirstInTry', data: { gauge } });
        return;
      }
      if (!statement) return;
      const list = statementListOf(statement) ?? [];
      const between = list.slice(list.indexOf(statement) + 1, list.indexOf(pairing.tryStatement));
      const exit = between.reduce<StatementExit | undefined>(
        (found, node) => found ?? firstExit(node, sourceCode.visitorKeys, { suspensions: true }),
        undefined,
      );
      if (exit) {
        context.report({
          node: inc.call,
          messageId: 'exitBeforeTry',
          data: { gauge, exit: exit.kind, line: String(exit.node.loc.start.line) },
        });
        return;
      }
      context.report({
        node: inc.call,
        messageId: 'incBeforeTry',
        data: { gauge },
        suggest: moveIntoTrySuggestion(inc, statement, between, pairing.tryStatement),
      });
    }

    /** Reported on the `dec()` when none of the `finally`'s decrements undoes this increment. */
    function reportMismatch(inc: GaugeCall, decs: readonly GaugeCall[]): void {
      const verdicts = decs.map((dec) => recognizer.compare(inc, dec));
      if (verdicts.some((verdict) => verdict === 'same' || verdict === 'unknown')) return;
      const dec = decs[0]!;
      if (reportedDecs.has(dec.call)) return;
      reportedDecs.add(dec.call);
      context.report({
        node: dec.call,
        messageId: 'mismatchedDec',
        data: {
          gauge: shown(dec.receiverText),
          line: String(inc.call.loc.start.line),
          difference: verdicts[0] === 'different-amount' ? 'it decrements by a different amount' : 'its labels differ',
        },
      });
    }

    function checkInc(inc: GaugeCall, handler: WsHandler): void {
      const statement = callStatement(inc.call);
      const pairing = enclosingPairing(inc) ?? followingPairing(inc, statement);
      if (!pairing) {
        context.report({ node: inc.call, messageId: 'unpairedInc', data: { gauge: shown(inc.receiverText), handler: handler.description } });
        return;
      }
      reportPlacement(inc, statement, pairing);
      reportMismatch(inc, pairing.decs);
    }

    /** Inside a `finally` block of the same function, or in a promise `.finally(…)` callback. */
    function isInFinally(node: TSESTree.Node): boolean {
      let child: TSESTree.Node = node;
      for (let current = node.parent; current; child = current, current = current.parent) {
        if (current.type === AST_NODE_TYPES.TryStatement && current.finalizer === child) return true;
        if (isFunctionNode(current)) return isPromiseFinallyCallback(current);
      }
      return false;
    }

    function checkDec(dec: GaugeCall, handler: WsHandler): void {
      if (isInFinally(dec.call)) return;
      context.report({ node: dec.call, messageId: 'decOutsideFinally', data: { gauge: shown(dec.receiverText), handler: handler.description } });
    }

    return {
      CallExpression(node) {
        const found = recognizer.gaugeCall(node);
        if (!found) return;
        const handler = detector.enclosingHandler(node);
        if (!handler) return;
        if (found.method === 'inc') checkInc(found, handler);
        else checkDec(found, handler);
      },
    };
  },
});

/** `promise.finally(() => gauge.dec())`: the callback runs however the promise settles. */
function isPromiseFinallyCallback(fn: TSESTree.Node): boolean {
  const call = fn.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[0] !== fn) return false;
  const callee = skipTypeWrappers(call.callee);
  return (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    !callee.computed &&
    callee.property.type === AST_NODE_TYPES.Identifier &&
    callee.property.name === 'finally'
  );
}
