import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { getTypeServices, type TypeServices } from '../utils/type-services.js';
import { createRule } from '../utils/create-rule.js';
import { skipTypeWrappers, staticPropertyName } from '../utils/module-bindings.js';
import { asPromiseMethodCall, handlesRejection, isFunctionNode } from '../utils/promise.js';
import { promiseCombinatorOf, promiseCombinatorWithTypes } from '../utils/promise-combinator.js';
import { gatherWithLoggingRewrite } from '../utils/thunks.js';

type MessageIds = 'discarded' | 'unchecked' | 'suggestGatherWithLogging';
type Options = [];
type Variable = TSESLint.Scope.Variable;

const DEFAULT_LABEL = 'gather';
/** Properties that tell a failure from a success: reading one is "checking" the result. */
const FAILURE_PROPERTIES = new Set(['status', 'reason']);
/** Array methods whose callback receives each result as its first parameter. */
const ELEMENT_CALLBACK_METHODS = new Set(['forEach', 'map', 'flatMap', 'filter', 'find', 'findLast', 'findIndex', 'findLastIndex', 'some', 'every']);
/** Array methods returning (some of) the same results, as an array. */
const SAME_ELEMENTS_METHODS = new Set(['filter', 'slice', 'toSorted', 'toReversed', 'sort', 'reverse']);
/** Array methods returning one of the results. */
const ONE_ELEMENT_METHODS = new Set(['find', 'findLast', 'at', 'pop', 'shift']);
/** Aliases (`const a = results; const b = a`) and nested callbacks followed before giving up. */
const MAX_DEPTH = 8;
/** `TypeFlags.Any | TypeFlags.Unknown`, as numbers so the plugin does not load `typescript` at run time. */
const ANY_OR_UNKNOWN = 1 | 2;
const SETTLED_RESULT_TYPES = new Set(['PromiseFulfilledResult', 'PromiseRejectedResult', 'PromiseSettledResult']);

/**
 * How the results are used. `observed` covers both a real check (`status`, `reason`) and any use
 * the rule cannot follow (passed to a function, returned, stored on an object): the results might
 * be checked there, so nothing is reported.
 */
type Verdict = 'observed' | 'unchecked' | 'discarded';

/** The verdict of several uses: one use that observes is enough; any other use makes it `unchecked`; no use at all is `discarded`. */
function combine(verdicts: Iterable<Verdict>): Verdict {
  let result: Verdict = 'discarded';
  for (const verdict of verdicts) {
    if (verdict === 'observed') return 'observed';
    if (verdict === 'unchecked') result = 'unchecked';
  }
  return result;
}

/** Climbs through `x!`, `x as T`, `x?.y` wrappers around the value `node` produces. */
function outermost(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (
    current.parent &&
    (current.parent.type === AST_NODE_TYPES.ChainExpression ||
      current.parent.type === AST_NODE_TYPES.TSNonNullExpression ||
      current.parent.type === AST_NODE_TYPES.TSAsExpression ||
      current.parent.type === AST_NODE_TYPES.TSSatisfiesExpression ||
      current.parent.type === AST_NODE_TYPES.TSTypeAssertion)
  ) {
    current = current.parent;
  }
  return current;
}

function isVoid(node: TSESTree.Node): boolean {
  return node.type === AST_NODE_TYPES.UnaryExpression && node.operator === 'void';
}

/** `items.map(...)`-style call on `receiver`: the method name when `receiver` is its object. */
function methodCalledOn(receiver: TSESTree.Node): { name: string; call: TSESTree.CallExpression } | undefined {
  const member = receiver.parent;
  if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== receiver) return undefined;
  const name = staticPropertyName(member);
  const call = outermost(member).parent;
  if (name === undefined || call?.type !== AST_NODE_TYPES.CallExpression || outermost(member) !== call.callee) return undefined;
  return { name, call };
}

/** Whether evaluating `node` starts work whose failure only this `allSettled` could see. */
function startsUnobservedWork(node: TSESTree.Node): boolean {
  const value = skipTypeWrappers(node);
  if (value.type === AST_NODE_TYPES.NewExpression) return true;
  if (value.type !== AST_NODE_TYPES.CallExpression) return false;
  if (handlesRejection(value)) return false;
  const callee = skipTypeWrappers(value.callee);
  // `Promise.resolve(x)` wraps a value; it starts nothing.
  const wrapsValue =
    callee.type === AST_NODE_TYPES.MemberExpression &&
    callee.object.type === AST_NODE_TYPES.Identifier &&
    callee.object.name === 'Promise' &&
    staticPropertyName(callee) === 'resolve';
  return !wrapsValue;
}

/** What a mapper returns: the body of `x => f(x)` or the `return` of a one-statement block. */
function mapperStarts(mapper: TSESTree.Node): boolean {
  const fn = skipTypeWrappers(mapper);
  if (!isFunctionNode(fn)) return fn.type === AST_NODE_TYPES.Identifier || fn.type === AST_NODE_TYPES.MemberExpression;
  if (fn.async) return true;
  const body = fn.body;
  if (!body) return false;
  if (body.type !== AST_NODE_TYPES.BlockStatement) return startsUnobservedWork(body);
  return body.body.some((s) => s.type === AST_NODE_TYPES.ReturnStatement && !!s.argument && startsUnobservedWork(s.argument));
}

export default createRule<Options, MessageIds>({
  name: 'no-unchecked-settled-results',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow discarding the results of `Promise.allSettled` or using them without checking for rejections',
      recommended: 'strict',
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    messages: {
      discarded:
        'The results of `Promise.allSettled` are discarded: every rejection among them is silently swallowed. Check each `status`/`reason`, or run the work with `gatherWithLogging` from @ghostguard/runtime, which logs and counts each failure.',
      unchecked:
        "The results of `Promise.allSettled` are used without checking `status` or `reason`: rejections are silently swallowed (a rejected result's `value` is `undefined`). Check `status === 'rejected'`, or use `gatherWithLogging` from @ghostguard/runtime.",
      suggestGatherWithLogging:
        "Run the work with `gatherWithLogging` (label '{{label}}'): logs and counts each failure, never rejects, takes `timeoutMs`/`maxConcurrency`.",
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const sourceCode = context.sourceCode;
    const types = getTypeServices(context);

    function variableOf(identifier: TSESTree.Identifier): Variable | undefined {
      const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
      return variable && variable.defs.length === 1 ? variable : undefined;
    }

    /** The reads of a binding, or undefined when it is assigned again (then its value is unknown). */
    function readsOf(identifier: TSESTree.Identifier): TSESTree.Identifier[] | undefined {
      const variable = variableOf(identifier);
      if (!variable || variable.references.some((ref) => ref.isWrite() && !ref.init)) return undefined;
      return variable.references.filter((ref) => ref.isRead()).map((ref) => ref.identifier as TSESTree.Identifier);
    }

    /** Does the argument start promises whose only observer is this call? */
    function startsUnobservedPromises(argument: TSESTree.Node | undefined, depth = 0): boolean {
      if (!argument || depth > MAX_DEPTH) return false;
      const value = skipTypeWrappers(argument);
      if (value.type === AST_NODE_TYPES.ArrayExpression) {
        return value.elements.some((element) =>
          element?.type === AST_NODE_TYPES.SpreadElement ? startsUnobservedPromises(element.argument, depth + 1) : !!element && startsUnobservedWork(element),
        );
      }
      if (value.type === AST_NODE_TYPES.CallExpression) {
        const callee = skipTypeWrappers(value.callee);
        const method = callee.type === AST_NODE_TYPES.MemberExpression ? staticPropertyName(callee) : undefined;
        const [mapper] = value.arguments;
        return (method === 'map' || method === 'flatMap') && !!mapper && mapperStarts(mapper);
      }
      if (value.type !== AST_NODE_TYPES.Identifier) return false;
      // `const jobs = items.map(start)` / `const jobs = []; … jobs.push(start())`, read nowhere else.
      const variable = variableOf(value);
      const def = variable?.defs[0];
      if (!variable || def?.node.type !== AST_NODE_TYPES.VariableDeclarator || def.node.id !== def.name) return false;
      const others = variable.references.filter((ref) => ref.identifier !== value && !ref.init);
      const pushes = others.map((ref) => methodCalledOn(ref.identifier));
      if (pushes.some((push) => push?.name !== 'push')) return false;
      return (
        startsUnobservedPromises(def.node.init ?? undefined, depth + 1) ||
        pushes.some((push) => push?.call.arguments.some((a) => a.type !== AST_NODE_TYPES.SpreadElement && startsUnobservedWork(a)))
      );
    }

    /** How one result (a `PromiseSettledResult`) is used at `node`. */
    function resultUse(node: TSESTree.Node, depth: number): Verdict {
      const value = outermost(node);
      const parent = value.parent;
      if (!parent || depth > MAX_DEPTH) return 'observed';
      switch (parent.type) {
        case AST_NODE_TYPES.MemberExpression: {
          if (parent.object !== value) return 'observed';
          const name = staticPropertyName(parent);
          if (name === 'value') return 'unchecked';
          return 'observed';
        }
        case AST_NODE_TYPES.BinaryExpression:
          // `'reason' in result`
          return 'observed';
        case AST_NODE_TYPES.VariableDeclarator:
          return parent.init === value ? resultBindingUse(parent.id, depth + 1) : 'observed';
        case AST_NODE_TYPES.ExpressionStatement:
          return 'discarded';
        default:
          return 'observed';
      }
    }

    /** How a binding that holds one result (`r` in `for (const r of results)`) is used. */
    function resultBindingUse(pattern: TSESTree.Node | undefined, depth: number): Verdict {
      if (!pattern) return 'discarded';
      switch (pattern.type) {
        case AST_NODE_TYPES.Identifier: {
          const reads = readsOf(pattern);
          return reads ? combine(reads.map((read) => resultUse(read, depth))) : 'observed';
        }
        case AST_NODE_TYPES.AssignmentPattern:
          return resultBindingUse(pattern.left, depth);
        case AST_NODE_TYPES.ObjectPattern: {
          const checks = pattern.properties.some((p) => {
            if (p.type === AST_NODE_TYPES.RestElement || p.computed) return true;
            const key = p.key.type === AST_NODE_TYPES.Identifier ? p.key.name : String((p.key as TSESTree.Literal).value);
            return FAILURE_PROPERTIES.has(key);
          });
          return checks ? 'observed' : 'unchecked';
        }
        default:
          return 'observed';
      }
    }

    /** The parameter a callback of `call` receives each result in, or `null` when the callback is not inline. */
    function elementParameter(call: TSESTree.CallExpression, index: number): TSESTree.Parameter | undefined | null {
      const callback = call.arguments[0] && skipTypeWrappers(call.arguments[0]);
      if (!callback || !isFunctionNode(callback)) return null;
      return callback.params[index];
    }

    /** How the results array is used where `node` evaluates to it. */
    function resultsUse(node: TSESTree.Node, depth: number): Verdict {
      const value = outermost(node);
      const parent = value.parent;
      if (!parent || depth > MAX_DEPTH) return 'observed';
      switch (parent.type) {
        case AST_NODE_TYPES.ExpressionStatement:
          return 'discarded';
        case AST_NODE_TYPES.UnaryExpression:
          return isVoid(parent) ? 'discarded' : 'observed';
        case AST_NODE_TYPES.VariableDeclarator:
          return parent.init === value ? resultsBindingUse(parent.id, depth + 1) : 'observed';
        case AST_NODE_TYPES.ForOfStatement: {
          if (parent.right !== value || parent.left.type !== AST_NODE_TYPES.VariableDeclaration) return 'observed';
          return resultBindingUse(parent.left.declarations[0]?.id, depth + 1);
        }
        case AST_NODE_TYPES.MemberExpression:
          return parent.object === value ? memberUse(parent, depth) : 'observed';
        default:
          return 'observed';
      }
    }

    /** `results.length`, `results[0]`, `results.forEach(...)`, `results.filter(...)…`. */
    function memberUse(member: TSESTree.MemberExpression, depth: number): Verdict {
      const name = staticPropertyName(member);
      // `results[0]`, `results[i]`: one result.
      if (member.computed && name === undefined) return resultUse(member, depth + 1);
      if (name === 'length') return 'unchecked';
      const called = name === undefined ? undefined : methodCalledOn(member.object);
      if (!called || name === undefined) return 'observed';
      const verdicts: Verdict[] = [];
      if (ELEMENT_CALLBACK_METHODS.has(name) || name === 'reduce' || name === 'reduceRight') {
        const parameter = elementParameter(called.call, name.startsWith('reduce') ? 1 : 0);
        if (parameter === null) return 'observed';
        verdicts.push(resultBindingUse(parameter, depth + 1));
      }
      if (SAME_ELEMENTS_METHODS.has(name)) verdicts.push(resultsUse(called.call, depth + 1));
      if (ONE_ELEMENT_METHODS.has(name)) verdicts.push(resultUse(called.call, depth + 1));
      // Any other method (`entries`, `push`, …) is not followed.
      return verdicts.length > 0 ? combine(verdicts) : 'observed';
    }

    /** A binding that holds the whole results array. */
    function resultsBindingUse(pattern: TSESTree.Node, depth: number): Verdict {
      if (pattern.type === AST_NODE_TYPES.Identifier) {
        const reads = readsOf(pattern);
        return reads ? combine(reads.map((read) => resultsUse(read, depth))) : 'observed';
      }
      if (pattern.type !== AST_NODE_TYPES.ArrayPattern) return 'observed';
      // `const [first, second] = await Promise.allSettled(...)`
      return combine(
        pattern.elements.map((element) =>
          element?.type === AST_NODE_TYPES.RestElement
            ? resultsBindingUse(element.argument, depth + 1)
            : element
              ? resultBindingUse(element, depth + 1)
              : 'discarded',
        ),
      );
    }

    /** How the promise of the results (the call itself, not awaited) is used. */
    function promiseUse(node: TSESTree.Node, depth: number): Verdict {
      const value = outermost(node);
      const parent = value.parent;
      if (!parent || depth > MAX_DEPTH) return 'observed';
      switch (parent.type) {
        case AST_NODE_TYPES.AwaitExpression:
          return resultsUse(parent, depth + 1);
        case AST_NODE_TYPES.ExpressionStatement:
          return 'discarded';
        case AST_NODE_TYPES.UnaryExpression:
          return isVoid(parent) ? 'discarded' : 'observed';
        case AST_NODE_TYPES.VariableDeclarator: {
          if (parent.init !== value || parent.id.type !== AST_NODE_TYPES.Identifier) return 'observed';
          const reads = readsOf(parent.id);
          return reads ? combine(reads.map((read) => promiseUse(read, depth + 1))) : 'observed';
        }
        case AST_NODE_TYPES.MemberExpression: {
          const link = parent.object === value ? asPromiseMethodCall(outermost(parent).parent ?? parent) : undefined;
          if (!link) return 'observed';
          // `.catch`/`.finally` pass the results on; `.then(cb)` hands them to `cb`.
          if (link.method !== 'then') return promiseUse(link.call, depth + 1);
          const parameter = elementParameter(link.call, 0);
          if (parameter === null) return 'observed';
          return parameter ? resultsBindingUse(parameter, depth + 1) : 'discarded';
        }
        default:
          return 'observed';
      }
    }

    /** With types: the call really yields `PromiseSettledResult`s (not some polyfill's shape). */
    function yieldsSettledResults(call: TSESTree.CallExpression, services: TypeServices): boolean {
      const checker = services.checker;
      const type = checker.getTypeAtLocation(services.toTsNode(call));
      if (type.getFlags() & ANY_OR_UNKNOWN) return true;
      const awaited = checker.getAwaitedType(type);
      if (!awaited || awaited.getFlags() & ANY_OR_UNKNOWN) return true;
      if (!checker.isArrayType(awaited) && !checker.isTupleType(awaited)) return false;
      const elements = checker.getTypeArguments(awaited as ts.TypeReference);
      return elements.every((element) => {
        const parts = element.isUnion() ? element.types : [element];
        return parts.every((part) => SETTLED_RESULT_TYPES.has((part.aliasSymbol ?? part.getSymbol())?.getName() ?? ''));
      });
    }

    function isAllSettled(call: TSESTree.CallExpression): boolean {
      const combinator = types ? promiseCombinatorWithTypes(sourceCode, call, types) : promiseCombinatorOf(sourceCode, call);
      return combinator === 'allSettled' && (!types || yieldsSettledResults(call, types));
    }

    /** `await Promise.allSettled([a(), b()]);` → `await gatherWithLogging([() => a(), () => b()], …);` */
    function suggestions(call: TSESTree.CallExpression): TSESLint.SuggestionReportDescriptor<MessageIds>[] {
      const awaited = outermost(call).parent;
      const isAwaitedStatement = !call.optional && awaited?.type === AST_NODE_TYPES.AwaitExpression && awaited.parent.type === AST_NODE_TYPES.ExpressionStatement;
      const rewrite = isAwaitedStatement ? gatherWithLoggingRewrite(sourceCode, call, DEFAULT_LABEL) : undefined;
      return rewrite ? [{ messageId: 'suggestGatherWithLogging', data: { label: rewrite.label }, fix: rewrite.fix }] : [];
    }

    return {
      CallExpression(call) {
        if (!isAllSettled(call)) return;
        const verdict = promiseUse(call, 0);
        if (verdict === 'observed') return;
        // Discarding results of promises observed elsewhere (`tasks.map((t) => t.promise)`) is a
        // plain "wait until all settled" barrier, not a swallowed failure.
        if (verdict === 'discarded' && !startsUnobservedPromises(call.arguments[0])) return;
        context.report({ node: call, messageId: verdict, suggest: verdict === 'discarded' ? suggestions(call) : [] });
      },
    };
  },
});
