import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type { PromiseCombinator } from './promise-combinator.js';
import { dottedPath, isFunctionNode, propertyKeyName } from './ws-handler.js';

/**
 * Gathers that cannot outlive a deadline or the connection: the exception to
 * "no combinator in a handler". Decided by names and shapes, without types:
 * - `race` / `any` with a member that settles on a deadline or on the connection's end
 *   (`timeout(5000)`, `sleep(ms)`, `closed`, `abortPromise(signal)`, `new Promise(r => setTimeout(r, ms))`);
 * - `all` / `allSettled` where every member is bounded itself: a call passed an abort signal or a
 *   timeout option (`fetch(url, { signal })`, `load(id, AbortSignal.timeout(ms))`, `{ timeoutMs }`),
 *   or wrapped in a timeout helper (`withTimeout(p, ms)`, `p.timeout(ms)`). For `items.map(fn)`,
 *   every value the mapper returns or awaits must be.
 */

type SourceCode = Readonly<TSESLint.SourceCode>;

/** A promise named for a deadline or for the connection's end. */
const DEADLINE_NAME = /timeout|deadline|delay|sleep|timer|abort|signal|clos(?:e|ed|ing)|disconnect|cancel|shutdown/i;
/** Helpers that bound the promise they are given. */
const TIMEOUT_WRAPPER = /timeout|deadline/i;
/** Option keys that hand a call its deadline or cancellation. */
const BOUNDING_OPTION = /^(?:signal|abortSignal|timeout|timeoutMs|deadline)$/;
/** An executor that settles on a timer, an abort or a close event. */
const DEADLINE_EXECUTOR = /setTimeout|abort|['"`](?:close|disconnect)['"`]/;

function unwrap(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (current.type === AST_NODE_TYPES.AwaitExpression || current.type === AST_NODE_TYPES.ChainExpression) {
    current = current.type === AST_NODE_TYPES.AwaitExpression ? current.argument : current.expression;
  }
  return current;
}

/** Last name of an identifier/member path or the called function: `timeout` for `utils.timeout(…)`. */
function lastName(node: TSESTree.Node): string | undefined {
  const inner = unwrap(node);
  if (inner.type === AST_NODE_TYPES.CallExpression) return lastName(inner.callee);
  if (inner.type === AST_NODE_TYPES.Identifier) return inner.name;
  if (inner.type === AST_NODE_TYPES.MemberExpression) return propertyKeyName(inner.property, inner.computed);
  return undefined;
}

function isDeadlinePromise(sourceCode: SourceCode, node: TSESTree.Node): boolean {
  const inner = unwrap(node);
  if (inner.type === AST_NODE_TYPES.NewExpression) {
    const executor = inner.arguments[0];
    return lastName(inner.callee) === 'Promise' && executor !== undefined && DEADLINE_EXECUTOR.test(sourceCode.getText(executor));
  }
  const name = lastName(inner);
  return name !== undefined && DEADLINE_NAME.test(name);
}

/** An argument that carries an abort signal or a timeout. */
function isBoundingArgument(node: TSESTree.Node): boolean {
  const inner = unwrap(node);
  if (inner.type === AST_NODE_TYPES.ObjectExpression) {
    return inner.properties.some((p) => p.type === AST_NODE_TYPES.Property && BOUNDING_OPTION.test(propertyKeyName(p.key, p.computed) ?? ''));
  }
  if (inner.type === AST_NODE_TYPES.CallExpression) return dottedPath(inner.callee)?.startsWith('AbortSignal.') === true;
  const name = lastName(inner);
  return name !== undefined && /signal$/i.test(name);
}

/** A call (or a `.then` chain on one) that is given a signal or timeout, or wrapped in a timeout helper. */
function isBoundedMember(node: TSESTree.Node): boolean {
  for (let current = unwrap(node); current.type === AST_NODE_TYPES.CallExpression; ) {
    const name = lastName(current.callee);
    if ((name !== undefined && TIMEOUT_WRAPPER.test(name)) || current.arguments.some(isBoundingArgument)) return true;
    if (current.callee.type !== AST_NODE_TYPES.MemberExpression) return false;
    current = unwrap(current.callee.object);
  }
  return false;
}

/** Promises a mapper returns or awaits, not looking into nested functions. */
function mapperResults(mapper: TSESTree.Node): TSESTree.Node[] | undefined {
  if (!isFunctionNode(mapper)) return undefined;
  if (mapper.body.type !== AST_NODE_TYPES.BlockStatement) return [mapper.body];
  const found: TSESTree.Node[] = [];
  const visit = (node: TSESTree.Node): void => {
    // `return result` after `await load(id, signal)`: the await is the wait, the returned value is not a promise.
    if (node.type === AST_NODE_TYPES.ReturnStatement && node.argument && isPromiseShaped(node.argument)) found.push(node.argument);
    else if (node.type === AST_NODE_TYPES.AwaitExpression) found.push(node.argument);
    for (const value of Object.values(node)) {
      for (const child of Array.isArray(value) ? value : [value]) {
        if (isChildNode(child, node) && !isFunctionNode(child)) visit(child);
      }
    }
  };
  visit(mapper.body);
  return found;
}

function isPromiseShaped(node: TSESTree.Node): boolean {
  return node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.NewExpression || node.type === AST_NODE_TYPES.ChainExpression;
}

function isChildNode(value: unknown, parent: TSESTree.Node): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && (value as { parent?: unknown }).parent === parent && typeof (value as { type?: unknown }).type === 'string';
}

/** The member promises of a combinator's argument: array elements, or what `.map(fn)` produces. Undefined when unknown. */
function members(argument: TSESTree.Node): TSESTree.Node[] | undefined {
  const inner = unwrap(argument);
  if (inner.type === AST_NODE_TYPES.ArrayExpression) {
    if (inner.elements.some((e) => e?.type === AST_NODE_TYPES.SpreadElement)) return undefined;
    return inner.elements.filter((e): e is TSESTree.Expression => e !== null);
  }
  if (inner.type === AST_NODE_TYPES.CallExpression && lastName(inner.callee) === 'map' && inner.arguments[0]) {
    return mapperResults(inner.arguments[0]);
  }
  return undefined;
}

export function isBoundedGather(sourceCode: SourceCode, call: TSESTree.CallExpression, method: PromiseCombinator): boolean {
  const argument = call.arguments[0];
  const list = argument && members(argument);
  if (!list || list.length === 0) return false;
  if (method === 'race' || method === 'any') return list.some((member) => isDeadlinePromise(sourceCode, member) || isBoundedMember(member));
  return list.every(isBoundedMember);
}
