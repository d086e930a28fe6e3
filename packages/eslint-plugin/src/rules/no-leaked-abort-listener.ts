import { AST_NODE_TYPES, AST_TOKEN_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { instanceClassAt, SIGNAL_NAME } from '../utils/abort-signal.js';
import { getTypeServices } from '../utils/type-services.js';
import { createRule } from '../utils/create-rule.js';
import { isLoop } from '../utils/loops.js';
import {
  isEffectivelyConst,
  isGlobalReference,
  matchesModuleExport,
  resolveModuleReference,
  resolveVariable,
  skipTypeWrappers,
  staticPropertyName,
} from '../utils/module-bindings.js';
import { planModuleImport } from '../utils/runtime-import.js';

type Variable = TSESLint.Scope.Variable;
type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;

export interface Options {
  /** Also report `AbortSignal.any([...])` over a long-lived signal where it runs repeatedly. */
  checkAbortSignalAny?: boolean;
}

export type MessageIds = 'leakedListener' | 'droppedDisposable' | 'abortSignalAny' | 'useAddAbortListener';

const DEFAULT_OPTIONS: Options = { checkAbortSignalAny: true };
const ADD_ABORT_LISTENER = 'addAbortListener';
const DISPOSABLE_NAME = 'abortListener';
/** Why the registration runs more than once per signal; shown in the message. */
type Repetition = 'loop iteration' | 'call';

/** Callbacks that run once per call of the function that passes them (not repeatedly). */
const ONCE_CALLBACK_METHODS = new Set(['then', 'catch', 'finally', 'once', 'prependOnceListener']);
const ONCE_CALLBACK_GLOBALS = new Set(['setTimeout', 'setImmediate', 'queueMicrotask']);
/** Callbacks run again and again: event listeners, intervals, iteration helpers. */
const REPEATED_CALLBACK_METHODS = new Set([
  'on',
  'addListener',
  'prependListener',
  'addEventListener',
  'forEach',
  'map',
  'flatMap',
  'filter',
  'reduce',
  'some',
  'every',
  'find',
  'findIndex',
]);

function isFunctionNode(node: TSESTree.Node): node is FunctionNode {
  return (
    node.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionDeclaration
  );
}

/** The parts of a loop that run on every iteration (not `for` init, not the `for…of` iterable). */
function isRepeatedPart(loop: TSESTree.Node, child: TSESTree.Node): boolean {
  switch (loop.type) {
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
      return child === loop.body || child === loop.test;
    case AST_NODE_TYPES.ForStatement:
      return child === loop.body || child === loop.test || child === loop.update;
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
      return child === loop.body || child === loop.left;
    default:
      return false;
  }
}

/** The name of the function or method a call invokes: `on` for `ws.on(…)`, `setTimeout` for `setTimeout(…)`. */
function calleeName(call: TSESTree.CallExpression | TSESTree.NewExpression): string | undefined {
  const callee = skipTypeWrappers(call.callee);
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  return callee.type === AST_NODE_TYPES.MemberExpression ? staticPropertyName(callee) : undefined;
}

/**
 * How often a function runs relative to the function it is written in: `repeated` for named
 * helpers, methods and listeners, `once` for promise executors, `.then` callbacks, timeouts and
 * IIFEs, and `unknown` for a callback handed to any other call.
 */
function callPattern(fn: FunctionNode): 'repeated' | 'once' | 'unknown' {
  if (fn.type === AST_NODE_TYPES.FunctionDeclaration) return 'repeated';
  const parent = fn.parent;
  switch (parent.type) {
    case AST_NODE_TYPES.VariableDeclarator:
    case AST_NODE_TYPES.MethodDefinition:
    case AST_NODE_TYPES.PropertyDefinition:
    case AST_NODE_TYPES.Property:
    case AST_NODE_TYPES.AssignmentExpression:
    case AST_NODE_TYPES.ExportDefaultDeclaration:
      return parent.type === AST_NODE_TYPES.MethodDefinition && parent.kind === 'constructor' ? 'once' : 'repeated';
    case AST_NODE_TYPES.NewExpression:
    case AST_NODE_TYPES.CallExpression: {
      if (parent.callee === fn) return 'once';
      const name = calleeName(parent);
      if (name === undefined) return 'unknown';
      if (parent.type === AST_NODE_TYPES.NewExpression) return name === 'Promise' ? 'once' : 'unknown';
      const isMethod = skipTypeWrappers(parent.callee).type === AST_NODE_TYPES.MemberExpression;
      if (ONCE_CALLBACK_METHODS.has(name) || (!isMethod && ONCE_CALLBACK_GLOBALS.has(name)) || name === 'nextTick') {
        return 'once';
      }
      if (REPEATED_CALLBACK_METHODS.has(name) || name === 'setInterval') return 'repeated';
      return 'unknown';
    }
    default:
      return 'unknown';
  }
}

/** `x`, `x.y.z`, `this.x`: the identifier or `this` the expression starts from. */
function rootOf(expression: TSESTree.Node): TSESTree.Identifier | TSESTree.ThisExpression | undefined {
  const node = skipTypeWrappers(expression);
  if (node.type === AST_NODE_TYPES.Identifier || node.type === AST_NODE_TYPES.ThisExpression) return node;
  return node.type === AST_NODE_TYPES.MemberExpression ? rootOf(node.object) : undefined;
}

/** The last name in `signal`, `controller.signal`, `this.#abortSignal`. */
function lastName(expression: TSESTree.Node): string | undefined {
  const node = skipTypeWrappers(expression);
  if (node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (node.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  return node.property.type === AST_NODE_TYPES.PrivateIdentifier ? node.property.name : staticPropertyName(node);
}

function isParameterNeverReassigned(variable: Variable): boolean {
  return variable.references.every((ref) => !ref.isWrite());
}

/** The whitespace a line starts with. */
function leadingWhitespace(sourceCode: Readonly<TSESLint.SourceCode>, line: number): string {
  return /^[ \t]*/u.exec(sourceCode.lines[line - 1] ?? '')?.[0] ?? '';
}

/** The indentation before a node that starts its line; undefined when something precedes it. */
function lineIndent(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): string | undefined {
  const line = sourceCode.lines[node.loc.start.line - 1] ?? '';
  const before = line.slice(0, node.loc.start.column);
  return /^[ \t]*$/u.test(before) ? before : undefined;
}

function isAstNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

interface Candidate {
  readonly report: TSESLint.ReportDescriptor<MessageIds>;
  /** The listener's identity for matching a `removeEventListener`; undefined when it can never be removed. */
  readonly listener: Variable | string | undefined;
}

export default createRule<[Options], MessageIds>({
  name: 'no-leaked-abort-listener',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow abort listeners that are never removed from a long-lived AbortSignal',
      recommended: 'strict',
      requiresTypeChecking: false,
    },
    hasSuggestions: true,
    messages: {
      leakedListener:
        "This abort listener is never removed from '{{signal}}': every {{repetition}} adds another one, and each keeps its closure alive until the signal aborts ('{ once: true }' removes it only after an abort). Remove it in a 'finally' with 'removeEventListener', or use 'addAbortListener' from node:events and dispose it.",
      droppedDisposable:
        "The Disposable returned by 'addAbortListener' is dropped: every {{repetition}} leaves one more listener on '{{signal}}' until it aborts. Keep it and call '[Symbol.dispose]()' in a 'finally' (or declare it with 'using').",
      abortSignalAny:
        "'AbortSignal.any' over the long-lived '{{signal}}' on every {{repetition}}: on Node.js 20 each call leaves an entry on '{{signal}}' that is never freed, even after the combined signal is gone. Combine the signals once, outside, or listen with 'addAbortListener' and dispose it.",
      useAddAbortListener:
        "Use 'addAbortListener({{signal}}, …)' and dispose it in a 'finally' around the rest of the block.",
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkAbortSignalAny: {
            type: 'boolean',
            description:
              'Also report `AbortSignal.any([...])` over a long-lived signal in a loop or a repeatedly called function (leaks on Node.js 20). Default `true`.',
          },
        },
      },
    ],
    defaultOptions: [DEFAULT_OPTIONS],
  },
  defaultOptions: [DEFAULT_OPTIONS],
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    // Every form this rule reports spells "abort" somewhere ('abort', AbortSignal, addAbortListener).
    if (!/abort/iu.test(sourceCode.text)) return {};
    const mentionsAddAbortListener = sourceCode.text.includes(ADD_ABORT_LISTENER);
    const types = getTypeServices(context);
    const candidates: Candidate[] = [];
    const removedVariables = new Set<Variable>();
    const removedTexts = new Set<string>();

    function normalizedText(node: TSESTree.Node): string {
      return sourceCode.getText(skipTypeWrappers(node)).replace(/\s+/gu, '');
    }

    /** Identity of a listener argument; undefined for an inline function, which nothing can remove. */
    function listenerIdentity(listener: TSESTree.Node): Variable | string | undefined {
      const node = skipTypeWrappers(listener);
      if (isFunctionNode(node) || node.type === AST_NODE_TYPES.CallExpression) return undefined;
      if (node.type === AST_NODE_TYPES.Identifier) return resolveVariable(sourceCode, node) ?? node.name;
      return normalizedText(node);
    }

    /**
     * A module-level function or constant: the same object on every call, which EventTarget adds
     * only once (measured: 1 listener after 1 000 additions).
     */
    function isSameObjectEveryTime(listener: TSESTree.Node): boolean {
      const node = skipTypeWrappers(listener);
      const variable = node.type === AST_NODE_TYPES.Identifier ? resolveVariable(sourceCode, node) : undefined;
      if (!variable || !isEffectivelyConst(variable)) return false;
      const scopeType = variable.scope.variableScope.type;
      return scopeType === TSESLint.Scope.ScopeType.module || scopeType === TSESLint.Scope.ScopeType.global;
    }

    /**
     * `if (!seen.has(signal)) { signal.addEventListener(…); seen.set(signal, …) }`: a memo keyed by
     * the signal lets each signal get the listener once.
     */
    function isGuardedPerSignal(site: TSESTree.Node, signal: TSESTree.Node): boolean {
      const signalText = normalizedText(signal);
      for (let child = site, parent = site.parent; parent; child = parent, parent = parent.parent) {
        if (parent.type !== AST_NODE_TYPES.IfStatement || parent.consequent !== child) continue;
        const test = skipTypeWrappers(parent.test);
        if (test.type !== AST_NODE_TYPES.UnaryExpression || test.operator !== '!') continue;
        const call = skipTypeWrappers(test.argument);
        if (
          call.type === AST_NODE_TYPES.CallExpression &&
          call.callee.type === AST_NODE_TYPES.MemberExpression &&
          staticPropertyName(call.callee) === 'has' &&
          call.arguments[0] !== undefined &&
          normalizedText(call.arguments[0]) === signalText
        ) {
          return true;
        }
      }
      return false;
    }

    /** Is `expression` an AbortSignal? The checker decides when it knows the type; else the name does. */
    function isAbortSignal(expression: TSESTree.Node): boolean {
      if (types) {
        const tsNode = types.toTsNode(skipTypeWrappers(expression));
        const type = types.checker.getNonNullableType(types.checker.getTypeAtLocation(tsNode));
        // TypeFlags.Any | TypeFlags.Unknown: nothing known (plain JS), fall back to the name.
        if (!(type.getFlags() & (1 | 2))) {
          const parts = type.isUnion() ? type.types : [type];
          return parts.every((part) => (part.getSymbol() ?? part.aliasSymbol)?.getName() === 'AbortSignal');
        }
      }
      const name = lastName(expression);
      if (name !== undefined && SIGNAL_NAME.test(name)) return true;
      const node = skipTypeWrappers(expression);
      if (node.type !== AST_NODE_TYPES.Identifier) return false;
      const def = resolveVariable(sourceCode, node)?.defs[0];
      // `(s: AbortSignal) => …`
      const annotation = def?.name.type === AST_NODE_TYPES.Identifier ? def.name.typeAnnotation?.typeAnnotation : undefined;
      if (
        annotation?.type === AST_NODE_TYPES.TSTypeReference &&
        annotation.typeName.type === AST_NODE_TYPES.Identifier &&
        annotation.typeName.name === 'AbortSignal'
      ) {
        return true;
      }
      // `const s = controller.signal`
      const init = def?.type === TSESLint.Scope.DefinitionType.Variable && def.node.id === def.name ? def.node.init : null;
      return init ? lastName(init) === 'signal' && skipTypeWrappers(init).type === AST_NODE_TYPES.MemberExpression : false;
    }

    /**
     * Walks from `site` up to `boundary` (exclusive) and tells whether the code at `site` runs more
     * than once per evaluation of `boundary`'s scope: a loop around it, or a function in between
     * that is called repeatedly.
     */
    function repetitionBetween(site: TSESTree.Node, boundary: TSESTree.Node): Repetition | undefined {
      let found: Repetition | undefined;
      for (let child = site, parent = site.parent; parent && child !== boundary; child = parent, parent = parent.parent) {
        if (parent === boundary) break;
        if (isLoop(parent) && isRepeatedPart(parent, child)) return 'loop iteration';
        if (isFunctionNode(parent) && callPattern(parent) === 'repeated') found ??= 'call';
      }
      return found;
    }

    /**
     * Whether the code at `site` adds to `signal` more than once per signal, and why. Undefined
     * when it runs once per signal, or when that is not known: a signal created in the same
     * function run (`new AbortController()`, a call) gets one listener per signal, which dies with it.
     */
    function repetitionFor(signal: TSESTree.Node, site: TSESTree.Node, depth = 0): Repetition | undefined {
      const root = rootOf(signal);
      if (!root || depth > 8) return undefined;
      if (root.type === AST_NODE_TYPES.ThisExpression) {
        const classBody = instanceClassAt(site);
        if (!classBody) return undefined;
        return repetitionBetween(site, classBody);
      }
      const variable = resolveVariable(sourceCode, root);
      const def = variable?.defs[0];
      if (!variable || !def || variable.defs.length > 1) return undefined;
      const scopeBlock = variable.scope.variableScope.block;
      if (def.type === TSESLint.Scope.DefinitionType.Parameter) {
        if (!isParameterNeverReassigned(variable) || !isFunctionNode(def.node)) return undefined;
        // The signal comes from the caller: a helper called repeatedly gets the same one each time.
        const inside = repetitionBetween(site, def.node);
        if (inside) return inside;
        return callPattern(def.node) === 'repeated' ? 'call' : undefined;
      }
      if (!isEffectivelyConst(variable)) return undefined;
      if (def.type === TSESLint.Scope.DefinitionType.ImportBinding) return repetitionBetween(site, scopeBlock);
      if (def.type !== TSESLint.Scope.DefinitionType.Variable) return undefined;
      const declarator = def.node;
      const inside = repetitionBetween(site, declarator.parent.parent ?? scopeBlock);
      if (inside) return inside;
      // `const { signal } = options` / `const signal = this.signal`: as long-lived as its source.
      // Anything else (`new AbortController()`, a call) is a fresh value each time the declaration runs.
      const init = declarator.init && skipTypeWrappers(declarator.init);
      const isAlias =
        init?.type === AST_NODE_TYPES.Identifier || init?.type === AST_NODE_TYPES.MemberExpression || init?.type === AST_NODE_TYPES.ThisExpression;
      return isAlias ? repetitionFor(init, declarator, depth + 1) : undefined;
    }

    /** An options argument that cannot remove the listener by itself (no `signal` option). */
    function optionsKeepListener(optionsArg: TSESTree.Node | undefined): boolean {
      if (!optionsArg) return true;
      const node = skipTypeWrappers(optionsArg);
      if (node.type === AST_NODE_TYPES.Literal) return typeof node.value === 'boolean';
      if (node.type !== AST_NODE_TYPES.ObjectExpression) return false;
      return node.properties.every(
        (p) => p.type === AST_NODE_TYPES.Property && !p.computed && staticKeyOf(p) !== undefined && staticKeyOf(p) !== 'signal',
      );
    }

    function staticKeyOf(property: TSESTree.Property): string | undefined {
      return property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : undefined;
    }

    /** `{ once: true }` or nothing: options `addAbortListener` already implies. */
    function optionsDroppable(optionsArg: TSESTree.Node | undefined): boolean {
      if (!optionsArg) return true;
      const node = skipTypeWrappers(optionsArg);
      return (
        node.type === AST_NODE_TYPES.ObjectExpression &&
        node.properties.every((p) => p.type === AST_NODE_TYPES.Property && staticKeyOf(p) === 'once' && !p.computed)
      );
    }

    /** Whether `node` (not counting nested functions) matches `test`. */
    function containsHere(node: TSESTree.Node, test: (node: TSESTree.Node) => boolean): boolean {
      if (test(node)) return true;
      if (isFunctionNode(node) || node.type === AST_NODE_TYPES.ClassBody) return false;
      for (const key of sourceCode.visitorKeys[node.type] ?? []) {
        const child = (node as unknown as Record<string, unknown>)[key];
        const children = Array.isArray(child) ? child : [child];
        if (children.some((c) => isAstNode(c) && containsHere(c, test))) return true;
      }
      return false;
    }

    function unusedDisposableName(): string | undefined {
      const names = new Set(sourceCode.ast.tokens.filter((t) => t.type === AST_TOKEN_TYPES.Identifier).map((t) => t.value));
      for (let i = 0; i < 10; i++) {
        const name = i === 0 ? DISPOSABLE_NAME : `${DISPOSABLE_NAME}${i + 1}`;
        if (!names.has(name)) return name;
      }
      return undefined;
    }

    /**
     * Rewrites `statement` (the registration) as `const abortListener = addAbortListener(signal,
     * listener);` and wraps the rest of its block in `try { … } finally { abortListener[Symbol.dispose](); }`.
     * Only where that keeps the listener exactly as long as it is needed: in an async function
     * whose remaining statements await their work and return nothing unawaited, and whose
     * declarations are not used before the registration.
     */
    function disposalSuggestion(
      statement: TSESTree.Node,
      signal: TSESTree.Node,
      listener: TSESTree.Node,
    ): TSESLint.SuggestionReportDescriptor<MessageIds>[] {
      const block = statement.parent;
      if (statement.type !== AST_NODE_TYPES.ExpressionStatement || block?.type !== AST_NODE_TYPES.BlockStatement) return [];
      let fn: TSESTree.Node | undefined = block;
      while (fn && !isFunctionNode(fn)) fn = fn.parent;
      if (!fn || !isFunctionNode(fn) || !fn.async || fn.generator) return [];
      const rest = block.body.slice(block.body.indexOf(statement) + 1);
      const first = rest[0];
      const last = rest[rest.length - 1];
      if (!first || !last) return [];
      const awaits = (n: TSESTree.Node): boolean =>
        n.type === AST_NODE_TYPES.AwaitExpression || (n.type === AST_NODE_TYPES.ForOfStatement && n.await);
      const returnsUnawaited = (n: TSESTree.Node): boolean =>
        n.type === AST_NODE_TYPES.ReturnStatement && n.argument !== null && n.argument.type !== AST_NODE_TYPES.AwaitExpression;
      if (!rest.some((s) => containsHere(s, awaits)) || rest.some((s) => containsHere(s, returnsUnawaited))) return [];
      const restStart = first.range[0];
      const usedBefore = rest
        .flatMap((s) => sourceCode.getDeclaredVariables(s))
        .some((v) => v.references.some((ref) => ref.identifier.range[0] < restStart));
      if (usedBefore) return [];

      const indent = lineIndent(sourceCode, statement);
      const name = unusedDisposableName();
      const plan = planModuleImport(sourceCode, 'node:events', [ADD_ABORT_LISTENER]);
      const ref = plan?.refs[ADD_ABORT_LISTENER];
      if (indent === undefined || !name || !plan || !ref) return [];
      const blockIndent = leadingWhitespace(sourceCode, block.loc.start.line);
      const unit = indent.length > blockIndent.length ? indent.slice(blockIndent.length) : '  ';
      // A comment on the registration's own line stays with it; later comments move into the `try`.
      const sameLine = sourceCode.getCommentsAfter(statement).filter((c) => c.loc.start.line === statement.loc.end.line);
      const trailingEnd = sameLine[sameLine.length - 1]?.range[1] ?? statement.range[1];
      const trailing = sourceCode.text.slice(statement.range[1], trailingEnd);
      const textStart = sourceCode.getCommentsBefore(first).find((c) => c.range[0] >= trailingEnd)?.range[0] ?? restStart;
      const restText = sourceCode.text.slice(textStart, last.range[1]);
      const multilineTemplate = sourceCode.ast.tokens.some(
        (t) => t.type === AST_TOKEN_TYPES.Template && t.range[0] >= textStart && t.range[1] <= last.range[1] && t.value.includes('\n'),
      );
      const body = multilineTemplate ? restText : restText.split('\n').join(`\n${unit}`).replace(new RegExp(`\n${unit}(?=\n|$)`, 'gu'), '\n');
      const semi = sourceCode.getLastToken(statement)?.value === ';' ? ';' : '';
      const signalText = sourceCode.getText(signal);
      const text =
        `const ${name} = ${ref}(${signalText}, ${sourceCode.getText(listener)})${semi}${trailing}\n` +
        `${indent}try {\n${indent}${unit}${body}\n${indent}} finally {\n` +
        `${indent}${unit}${name}[Symbol.dispose]()${semi}\n${indent}}`;
      return [
        {
          messageId: 'useAddAbortListener',
          data: { signal: signalText },
          fix: (fixer) => [fixer.replaceTextRange([statement.range[0], last.range[1]], text), ...plan.fixes(fixer)],
        },
      ];
    }

    function checkAddEventListener(call: TSESTree.CallExpression, callee: TSESTree.MemberExpression): void {
      const [, listener, optionsArg, ...extra] = call.arguments;
      if (!listener || extra.length > 0 || listener.type === AST_NODE_TYPES.SpreadElement) return;
      if (optionsArg?.type === AST_NODE_TYPES.SpreadElement || !optionsKeepListener(optionsArg)) return;
      if (!isAbortSignal(callee.object)) return;
      if (isSameObjectEveryTime(listener) || isGuardedPerSignal(call, callee.object)) return;
      const repetition = repetitionFor(callee.object, call);
      if (!repetition) return;
      const signalText = sourceCode.getText(callee.object);
      // `signal?.addEventListener(…)`: `addAbortListener(undefined, …)` would throw.
      const inChain = call.parent.type === AST_NODE_TYPES.ChainExpression;
      const suggest = !inChain && optionsDroppable(optionsArg) ? disposalSuggestion(call.parent, callee.object, listener) : [];
      candidates.push({
        listener: listenerIdentity(listener),
        report: { node: call, messageId: 'leakedListener', data: { signal: signalText, repetition }, suggest },
      });
    }

    /** A Disposable nobody can dispose: dropped, or held in a variable that is never read. */
    function isDisposableDropped(call: TSESTree.CallExpression): boolean {
      const parent = call.parent;
      if (parent.type === AST_NODE_TYPES.ExpressionStatement) return true;
      if (parent.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'void') return true;
      if (parent.type !== AST_NODE_TYPES.VariableDeclarator || parent.id.type !== AST_NODE_TYPES.Identifier) return false;
      if (parent.parent.kind === 'using' || parent.parent.kind === 'await using') return false;
      const variable = sourceCode.getDeclaredVariables(parent)[0];
      return variable !== undefined && variable.references.every((ref) => !ref.isRead());
    }

    function checkAddAbortListener(call: TSESTree.CallExpression): void {
      const [signal, listener] = call.arguments;
      if (!signal || !listener || signal.type === AST_NODE_TYPES.SpreadElement || !isDisposableDropped(call)) return;
      const repetition = repetitionFor(signal, call);
      if (!repetition) return;
      const statement = call.parent;
      const suggest =
        statement.type === AST_NODE_TYPES.ExpressionStatement && listener.type !== AST_NODE_TYPES.SpreadElement
          ? disposalSuggestion(statement, signal, listener)
          : [];
      context.report({
        node: call,
        messageId: 'droppedDisposable',
        data: { signal: sourceCode.getText(signal), repetition },
        suggest,
      });
    }

    function checkAbortSignalAny(call: TSESTree.CallExpression): void {
      const list = call.arguments[0] && skipTypeWrappers(call.arguments[0]);
      if (list?.type !== AST_NODE_TYPES.ArrayExpression) return;
      for (const element of list.elements) {
        if (!element || element.type === AST_NODE_TYPES.SpreadElement || !isAbortSignal(element)) continue;
        const repetition = repetitionFor(element, call);
        if (!repetition) continue;
        context.report({ node: call, messageId: 'abortSignalAny', data: { signal: sourceCode.getText(element), repetition } });
        return;
      }
    }

    /**
     * A listener handed in by the caller (`watch(signal, fn)`) may be removed by a sibling function
     * with its own parameter (`unwatch(signal, fn)`): for parameters the name is enough.
     */
    function isRemoved(listener: Variable | string | undefined): boolean {
      if (listener === undefined) return false;
      if (typeof listener === 'string') return removedTexts.has(listener);
      const isParameter = listener.defs[0]?.type === TSESLint.Scope.DefinitionType.Parameter;
      return removedVariables.has(listener) || (isParameter && removedTexts.has(listener.name));
    }

    function isAddAbortListener(callee: TSESTree.Node): boolean {
      return matchesModuleExport(resolveModuleReference(sourceCode, callee), { module: 'events', path: [ADD_ABORT_LISTENER] });
    }

    function isGlobalAbortSignalAny(callee: TSESTree.Node): boolean {
      const node = skipTypeWrappers(callee);
      return (
        node.type === AST_NODE_TYPES.MemberExpression &&
        staticPropertyName(node) === 'any' &&
        node.object.type === AST_NODE_TYPES.Identifier &&
        node.object.name === 'AbortSignal' &&
        isGlobalReference(sourceCode, node.object, 'AbortSignal')
      );
    }

    function isAbortEvent(node: TSESTree.Node | undefined): boolean {
      return node?.type === AST_NODE_TYPES.Literal && node.value === 'abort';
    }

    return {
      CallExpression(call) {
        const callee = skipTypeWrappers(call.callee);
        if (callee.type === AST_NODE_TYPES.MemberExpression) {
          const method = staticPropertyName(callee);
          if (method === 'addEventListener' && isAbortEvent(call.arguments[0])) {
            checkAddEventListener(call, callee);
            return;
          }
          if (method === 'removeEventListener' && isAbortEvent(call.arguments[0]) && call.arguments[1]) {
            const identity = listenerIdentity(call.arguments[1]);
            if (typeof identity === 'string') removedTexts.add(identity);
            else if (identity) {
              removedVariables.add(identity);
              removedTexts.add(identity.name);
            }
            return;
          }
          if (options.checkAbortSignalAny !== false && method === 'any' && isGlobalAbortSignalAny(callee)) {
            checkAbortSignalAny(call);
            return;
          }
        }
        if (mentionsAddAbortListener && isAddAbortListener(callee)) checkAddAbortListener(call);
      },
      'Program:exit'() {
        for (const { listener, report } of candidates) {
          if (!isRemoved(listener)) context.report(report);
        }
      },
    };
  },
});
