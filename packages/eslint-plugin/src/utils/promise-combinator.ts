import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { propertyKeyName } from './ws-handler.js';

export type PromiseCombinator = 'all' | 'allSettled' | 'race' | 'any';

const COMBINATORS = new Set<string>(['all', 'allSettled', 'race', 'any']);

type SourceCode = Readonly<TSESLint.SourceCode>;

/** True when `name` at `node` is the built-in global, not a local/imported binding of that name. */
export function isGlobalBinding(sourceCode: SourceCode, node: TSESTree.Node, name: string): boolean {
  const variable = ASTUtils.findVariable(sourceCode.getScope(node), name);
  // Unresolved, or a lib/implicit global (no declaration in this file).
  return variable === null || variable.defs.length === 0;
}

/** `Promise`, `globalThis.Promise`, with both names resolving to the real globals. */
function isGlobalPromise(sourceCode: SourceCode, node: TSESTree.Node): boolean {
  if (node.type === AST_NODE_TYPES.Identifier) return node.name === 'Promise' && isGlobalBinding(sourceCode, node, 'Promise');
  return (
    node.type === AST_NODE_TYPES.MemberExpression &&
    propertyKeyName(node.property, node.computed) === 'Promise' &&
    node.object.type === AST_NODE_TYPES.Identifier &&
    node.object.name === 'globalThis' &&
    isGlobalBinding(sourceCode, node.object, 'globalThis')
  );
}

/**
 * Which `Promise` combinator `call` invokes: `Promise.all(...)`, `Promise['race'](...)`,
 * `Promise.any?.(...)`, `globalThis.Promise.allSettled(...)`. Undefined for anything else,
 * including a shadowed `Promise` (e.g. `import Promise from 'bluebird'`).
 */
export function promiseCombinatorOf(sourceCode: SourceCode, call: TSESTree.CallExpression): PromiseCombinator | undefined {
  const callee = call.callee;
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const name = propertyKeyName(callee.property, callee.computed);
  if (name === undefined || !COMBINATORS.has(name)) return undefined;
  return isGlobalPromise(sourceCode, callee.object) ? (name as PromiseCombinator) : undefined;
}

/** The parts of `TypeServices` (type-services.ts) that {@link promiseCombinatorWithTypes} reads. */
interface CombinatorTypes {
  readonly checker: ts.TypeChecker;
  toTsNode(node: TSESTree.Node): ts.Node;
}

/**
 * {@link promiseCombinatorOf}, plus, with type information, a receiver whose type is the global
 * `PromiseConstructor` under another name (`const P = Promise; P.race(...)`).
 */
export function promiseCombinatorWithTypes(
  sourceCode: SourceCode,
  call: TSESTree.CallExpression,
  types: CombinatorTypes | undefined,
): PromiseCombinator | undefined {
  const syntactic = promiseCombinatorOf(sourceCode, call);
  if (syntactic || !types) return syntactic;
  const callee = call.callee;
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const name = propertyKeyName(callee.property, callee.computed);
  if (name === undefined || !COMBINATORS.has(name)) return undefined;
  const type = types.checker.getTypeAtLocation(types.toTsNode(callee.object));
  return type.getSymbol()?.getName() === 'PromiseConstructor' ? (name as PromiseCombinator) : undefined;
}
