import { AST_NODE_TYPES, AST_TOKEN_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { planRuntimeImport } from './runtime-import.js';
import { isFunctionNode, propertyKeyName } from './ws-handler.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** A label the runtime's cardinality guard accepts as static. */
const STATIC_LABEL = /^[A-Za-z_$][\w$-]{0,63}$/;

/** The first candidate that is a usable static metric label, else `fallback`. */
export function staticLabel(fallback: string, ...candidates: (string | undefined)[]): string {
  return candidates.find((c) => c !== undefined && STATIC_LABEL.test(c) && !/\d{4,}/.test(c)) ?? fallback;
}

/** Name of the nearest named function around `node`, for a readable static metric label. */
export function enclosingFunctionName(node: TSESTree.Node): string | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (!isFunctionNode(current)) continue;
    if (current.id) return current.id.name;
    const parent = current.parent;
    if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) return parent.id.name;
    if (
      parent.type === AST_NODE_TYPES.MethodDefinition ||
      parent.type === AST_NODE_TYPES.PropertyDefinition ||
      parent.type === AST_NODE_TYPES.Property
    ) {
      const key = propertyKeyName(parent.key, parent.computed);
      if (key !== undefined) return key.replace(/^#/, '');
    }
  }
  return undefined;
}

/** `items` in `items.map(...)`, `this.webhooks` → `webhooks`. */
export function receiverName(node: TSESTree.Node): string | undefined {
  if (node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (node.type === AST_NODE_TYPES.MemberExpression) return propertyKeyName(node.property, node.computed);
  return undefined;
}

/**
 * The elements of `[a(), b(x)]` when every one is a call that can become the body of a plain
 * `() =>` thunk (an `await`/`yield` inside would not parse there).
 */
export function callElements(sourceCode: SourceCode, array: TSESTree.ArrayExpression): TSESTree.CallExpression[] | undefined {
  const calls = array.elements.filter((e): e is TSESTree.CallExpression => e?.type === AST_NODE_TYPES.CallExpression);
  if (calls.length === 0 || calls.length !== array.elements.length) return undefined;
  const suspends = (call: TSESTree.CallExpression): boolean =>
    sourceCode.getTokens(call).some((t) => t.value === 'await' || t.value === 'yield');
  return calls.some(suspends) ? undefined : calls;
}

/** `items.map((x) => f(x))` with a plain arrow mapper: its thunk form is `items.map((x) => () => f(x))`. */
function arrowMapper(node: TSESTree.Node): { receiver: TSESTree.Node; mapper: TSESTree.ArrowFunctionExpression } | undefined {
  if (node.type !== AST_NODE_TYPES.CallExpression || node.optional || node.arguments.length !== 1) return undefined;
  const callee = node.callee;
  const mapper = node.arguments[0];
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.optional || propertyKeyName(callee.property, callee.computed) !== 'map') return undefined;
  return mapper?.type === AST_NODE_TYPES.ArrowFunctionExpression ? { receiver: callee.object, mapper } : undefined;
}

/** How promises already being started become thunks that the runtime starts itself. */
export interface ThunkConversion {
  /** Edits that turn the promise expressions into thunks, in place. */
  readonly edits: (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix[];
  /** A name for the fan-out, e.g. the mapped collection (`webhooks` in `webhooks.map(...)`). */
  readonly nameHint: string | undefined;
}

/**
 * Converts an argument of `Promise.all`/`allSettled` into thunks, when that is mechanical:
 * `[a(), b()]` → `[() => a(), () => b()]`, `xs.map((x) => f(x))` → `xs.map((x) => () => f(x))`
 * (an `async` mapper moves its `async` to the thunk). Undefined for any other shape.
 */
export function thunkConversion(sourceCode: SourceCode, argument: TSESTree.Node): ThunkConversion | undefined {
  if (argument.type === AST_NODE_TYPES.ArrayExpression) {
    const calls = callElements(sourceCode, argument);
    if (!calls) return undefined;
    return { edits: (fixer) => calls.map((element) => fixer.insertTextBefore(element, '() => ')), nameHint: undefined };
  }
  const mapped = arrowMapper(argument);
  if (!mapped) return undefined;
  const { mapper } = mapped;
  const arrow = sourceCode.getTokenBefore(mapper.body, { filter: (t) => t.value === '=>' });
  const first = sourceCode.getFirstToken(mapper);
  const afterFirst = first && sourceCode.getTokenAfter(first);
  if (!arrow || !first || !afterFirst) return undefined;
  return {
    edits: (fixer) =>
      mapper.async
        ? // The mapper now builds the thunk synchronously; the thunk is the async part.
          [fixer.removeRange([first.range[0], afterFirst.range[0]]), fixer.insertTextAfter(arrow, ' async () =>')]
        : [fixer.insertTextAfter(arrow, ' () =>')],
    nameHint: receiverName(mapped.receiver),
  };
}

/** The quote character of the file's first string literal (single when there is none). */
export function firstStringQuote(sourceCode: SourceCode): string {
  const firstString = sourceCode.ast.tokens.find((t) => t.type === AST_TOKEN_TYPES.String);
  return firstString?.value.startsWith('"') ? '"' : "'";
}

/** A `gatherWithLogging` rewrite of one combinator call, ready for a suggestion. */
export interface GatherRewrite {
  readonly label: string;
  readonly fix: (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix[];
}

/**
 * Rewrites `Promise.all(arg)` / `Promise.allSettled(arg)` (the call's only argument) to
 * `gatherWithLogging(<thunks>, { label: '<label>' })`, adding the runtime import. Undefined
 * when the argument cannot become thunks mechanically or the import would clash. The label is
 * the mapped collection's name, else the enclosing function's, else `fallbackLabel`.
 */
export function gatherWithLoggingRewrite(
  sourceCode: SourceCode,
  call: TSESTree.CallExpression,
  fallbackLabel: string,
): GatherRewrite | undefined {
  const [argument, ...rest] = call.arguments;
  if (!argument || rest.length > 0) return undefined;
  const thunks = thunkConversion(sourceCode, argument);
  const plan = thunks && planRuntimeImport(sourceCode, ['gatherWithLogging']);
  if (!thunks || !plan) return undefined;
  const quote = firstStringQuote(sourceCode);
  const label = staticLabel(fallbackLabel, thunks.nameHint, enclosingFunctionName(call));
  return {
    label,
    fix: (fixer) => [
      fixer.replaceText(call.callee, plan.refs.gatherWithLogging ?? 'gatherWithLogging'),
      ...thunks.edits(fixer),
      fixer.insertTextAfter(argument, `, { label: ${quote}${label}${quote} }`),
      ...plan.fixes(fixer),
    ],
  };
}
