import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

/** How control can leave (or pause in) a piece of code without running what follows it. */
export type ExitKind = 'return' | 'throw' | 'break' | 'continue' | 'await' | 'yield';

export interface StatementExit {
  readonly kind: ExitKind;
  readonly node: TSESTree.Node;
}

export interface ExitSearchOptions {
  /** Also count suspensions (`await`, `yield`, `for await`, `await using`): code after them may never run. */
  readonly suspensions: boolean;
}

type VisitorKeys = TSESLint.SourceCode['visitorKeys'];

/** Code inside these runs later (or never), not as part of the statement that contains it. */
const DEFERRED_SCOPES = new Set<AST_NODE_TYPES>([
  AST_NODE_TYPES.ArrowFunctionExpression,
  AST_NODE_TYPES.FunctionDeclaration,
  AST_NODE_TYPES.FunctionExpression,
  AST_NODE_TYPES.ClassDeclaration,
  AST_NODE_TYPES.ClassExpression,
]);

const LOOPS = new Set<AST_NODE_TYPES>([
  AST_NODE_TYPES.DoWhileStatement,
  AST_NODE_TYPES.ForInStatement,
  AST_NODE_TYPES.ForOfStatement,
  AST_NODE_TYPES.ForStatement,
  AST_NODE_TYPES.WhileStatement,
]);

/** What `break`/`continue` inside the searched code can target without leaving it. */
interface JumpTargets {
  readonly loops: number;
  readonly switches: number;
  readonly labels: ReadonlySet<string>;
}

/**
 * The first place (in source order) where `root` can leave the enclosing statement list early:
 * `return`, `throw`, a `break`/`continue` whose target lies outside `root`, and with
 * `suspensions` also `await`/`yield`. Nested functions and classes are not entered: their code
 * does not run as part of `root`. Calls that may throw are not exits here; callers decide
 * what an ordinary statement is worth.
 */
export function firstExit(root: TSESTree.Node, visitorKeys: VisitorKeys, options: ExitSearchOptions): StatementExit | undefined {
  const visit = (node: TSESTree.Node, targets: JumpTargets): StatementExit | undefined => {
    const own = exitOf(node, targets, options);
    if (own) return own;
    const inner = innerTargets(node, targets);
    for (const key of visitorKeys[node.type] ?? []) {
      const child = (node as unknown as Record<string, unknown>)[key];
      for (const value of Array.isArray(child) ? child : [child]) {
        if (!isNode(value) || DEFERRED_SCOPES.has(value.type) || holdsNoExit(value)) continue;
        const found = visit(value, inner);
        if (found) return found;
      }
    }
    return undefined;
  };
  return visit(root, { loops: 0, switches: 0, labels: new Set() });
}

function exitOf(node: TSESTree.Node, targets: JumpTargets, options: ExitSearchOptions): StatementExit | undefined {
  switch (node.type) {
    case AST_NODE_TYPES.ReturnStatement:
      return { kind: 'return', node };
    case AST_NODE_TYPES.ThrowStatement:
      return { kind: 'throw', node };
    case AST_NODE_TYPES.BreakStatement: {
      const internal = node.label ? targets.labels.has(node.label.name) : targets.loops + targets.switches > 0;
      return internal ? undefined : { kind: 'break', node };
    }
    case AST_NODE_TYPES.ContinueStatement: {
      const internal = node.label ? targets.labels.has(node.label.name) : targets.loops > 0;
      return internal ? undefined : { kind: 'continue', node };
    }
    case AST_NODE_TYPES.AwaitExpression:
      return options.suspensions ? { kind: 'await', node } : undefined;
    case AST_NODE_TYPES.YieldExpression:
      return options.suspensions ? { kind: 'yield', node } : undefined;
    case AST_NODE_TYPES.ForOfStatement:
      return options.suspensions && node.await ? { kind: 'await', node } : undefined;
    case AST_NODE_TYPES.VariableDeclaration:
      return options.suspensions && node.kind === 'await using' ? { kind: 'await', node } : undefined;
    default:
      return undefined;
  }
}

function innerTargets(node: TSESTree.Node, targets: JumpTargets): JumpTargets {
  if (LOOPS.has(node.type)) return { ...targets, loops: targets.loops + 1 };
  if (node.type === AST_NODE_TYPES.SwitchStatement) return { ...targets, switches: targets.switches + 1 };
  if (node.type === AST_NODE_TYPES.LabeledStatement) return { ...targets, labels: new Set([...targets.labels, node.label.name]) };
  return targets;
}

/**
 * TypeScript-only nodes (annotations, type declarations, enums, namespaces) hold no exit of the
 * code around them; the expression wrappers `x as T`, `x!`, `<T>x`, `x satisfies T` do hold code.
 */
function holdsNoExit(node: TSESTree.Node): boolean {
  return node.type.startsWith('TS') && !TYPE_WRAPPERS.has(node.type);
}

const TYPE_WRAPPERS = new Set<AST_NODE_TYPES>([
  AST_NODE_TYPES.TSAsExpression,
  AST_NODE_TYPES.TSNonNullExpression,
  AST_NODE_TYPES.TSSatisfiesExpression,
  AST_NODE_TYPES.TSTypeAssertion,
  AST_NODE_TYPES.TSInstantiationExpression,
]);

/** Statements that exist only for the type checker and compile to nothing. */
export function isTypeOnlyStatement(node: TSESTree.Node): boolean {
  switch (node.type) {
    case AST_NODE_TYPES.TSTypeAliasDeclaration:
    case AST_NODE_TYPES.TSInterfaceDeclaration:
    case AST_NODE_TYPES.TSDeclareFunction:
      return true;
    case AST_NODE_TYPES.VariableDeclaration:
      return node.declare;
    default:
      return false;
  }
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Whether control never reaches the end of `statement` (approximate: returns and throws in tail position). */
export function alwaysExits(statement: TSESTree.Statement): boolean {
  switch (statement.type) {
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.ThrowStatement:
      return true;
    case AST_NODE_TYPES.BlockStatement: {
      const last = statement.body[statement.body.length - 1];
      return last !== undefined && alwaysExits(last);
    }
    case AST_NODE_TYPES.IfStatement:
      return statement.alternate !== null && alwaysExits(statement.consequent) && alwaysExits(statement.alternate);
    case AST_NODE_TYPES.TryStatement:
      if (statement.finalizer && alwaysExits(statement.finalizer)) return true;
      return alwaysExits(statement.block) && (statement.handler === null || alwaysExits(statement.handler.body));
    default:
      return false;
  }
}
