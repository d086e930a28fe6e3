import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { isGlobalReference, resolveVariable, skipTypeWrappers, staticPropertyName } from './module-bindings.js';
import { getTypeServices, type AnyRuleContext } from './type-services.js';
import type { Loop } from './loops.js';

type Variable = TSESLint.Scope.Variable;
const { DefinitionType } = TSESLint.Scope;

/** An AbortSignal the code at some position can use. */
export interface AbortSignalInScope {
  /** Expression that evaluates to the signal there: `signal`, `controller.signal`, `this.signal`. */
  readonly text: string;
  /** Where it comes from: what `loopLifetimeOf` needs to decide whether it outlives a loop. */
  readonly origin: SignalOrigin;
}

export interface SignalOrigin {
  /** A parameter, a variable, an instance field (`this.x`), or a superviseSession `session`. */
  readonly kind: 'parameter' | 'variable' | 'member' | 'session';
  /** The names that say what it is: the variable, the controller it was read from, the field. */
  readonly names: readonly string[];
  /** Other expressions for the same signal (`controller.signal` for `const { signal } = controller`). */
  readonly aliases: readonly string[];
  /** The declaring names (of the signal and of its controller). */
  readonly declarations: readonly TSESTree.Node[];
  /** Assigned again after its declaration, itself or its controller. */
  readonly reassigned: boolean;
  /** Made by `AbortSignal.timeout()` (a deadline, not a lifetime). */
  readonly deadline: boolean;
  /** For a parameter: the function that declares it. */
  readonly owner?: TSESTree.Node;
}

export interface AbortSignalFinder {
  /**
   * Every distinct AbortSignal visible at `node`, innermost scope first. A signal and the
   * controller it was read from (`const { signal } = controller`) count once.
   */
  signalsAt(node: TSESTree.Node): AbortSignalInScope[];
}

type Classification =
  | { readonly kind: 'signal'; readonly controller?: Variable }
  | { readonly kind: 'controller' }
  | undefined;

/** `signal`, `abortSignal`, `shutdownSignal` — not `SIGNAL`, `signals` or `isSignal`-like booleans' types. */
export const SIGNAL_NAME = /^(?:signal|[a-z][A-Za-z0-9]*Signal)$/u;

/** `AbortSignal.timeout(ms)`: a deadline. */
function isTimeoutCall(value: TSESTree.Node): boolean {
  const node = skipTypeWrappers(value);
  return (
    node.type === AST_NODE_TYPES.CallExpression &&
    node.callee.type === AST_NODE_TYPES.MemberExpression &&
    node.callee.object.type === AST_NODE_TYPES.Identifier &&
    node.callee.object.name === 'AbortSignal' &&
    staticPropertyName(node.callee) === 'timeout'
  );
}

/** Initialisers that certainly do not produce an AbortSignal, whatever the variable is called. */
function isObviouslyNotASignal(node: TSESTree.Node): boolean {
  switch (node.type) {
    case AST_NODE_TYPES.Literal:
    case AST_NODE_TYPES.TemplateLiteral:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.ObjectExpression:
    case AST_NODE_TYPES.ArrowFunctionExpression:
    case AST_NODE_TYPES.FunctionExpression:
    case AST_NODE_TYPES.ClassExpression:
    case AST_NODE_TYPES.BinaryExpression:
    case AST_NODE_TYPES.UnaryExpression:
    case AST_NODE_TYPES.UpdateExpression:
    case AST_NODE_TYPES.NewExpression:
      return true;
    case AST_NODE_TYPES.Identifier:
      return node.name === 'undefined';
    default:
      return false;
  }
}

/** Is the function or loop scope at `node` running before `identifier` is declared there? */
function declaredLater(variable: Variable, identifier: TSESTree.Identifier, at: TSESTree.Node, atScope: TSESLint.Scope.Scope): boolean {
  return variable.scope.variableScope === atScope.variableScope && identifier.range[0] > at.range[0];
}

/**
 * The class whose instance `this` is at `node`: the method (or field initialiser) around it,
 * seen through arrow functions, which keep `this`. Static members have no instance.
 */
export function instanceClassAt(node: TSESTree.Node): TSESTree.ClassBody | undefined {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type === AST_NODE_TYPES.ArrowFunctionExpression) continue;
    if (parent.type === AST_NODE_TYPES.FunctionExpression || parent.type === AST_NODE_TYPES.FunctionDeclaration) {
      const method = parent.parent;
      const isInstanceMethod =
        method?.type === AST_NODE_TYPES.MethodDefinition && method.value === parent && !method.static;
      return isInstanceMethod && method.parent.type === AST_NODE_TYPES.ClassBody ? method.parent : undefined;
    }
    if (parent.type === AST_NODE_TYPES.PropertyDefinition && parent.value === child) {
      return parent.static ? undefined : parent.parent;
    }
    if (parent.type === AST_NODE_TYPES.StaticBlock) return undefined;
  }
  return undefined;
}

/**
 * Finds the AbortSignals a fix could pass to `sleepUntilShutdown`. A candidate is a parameter,
 * variable, or (inside an instance method, seen through arrow functions) an instance field or
 * constructor parameter property used as `this.x`, that is
 * - typed `AbortSignal` (annotation, or the checker with type information), initialised from
 *   `x.signal` / `AbortSignal.timeout|any|abort()`, or named `signal` / `…Signal` (without types);
 * - or an `AbortController` (typed so, or `new AbortController()`), used as `controller.signal`.
 * Optional parameters, `undefined` defaults, `let` without initialiser and names whose
 * initialiser clearly is something else are skipped: a fix must not pass `undefined`.
 * With type information the checker decides for every variable whose type is known.
 */
export function createAbortSignalFinder(context: AnyRuleContext): AbortSignalFinder {
  const sourceCode = context.sourceCode;
  const types = getTypeServices(context);
  const classifications = new Map<Variable, Classification>();

  function classifyByType(identifier: TSESTree.Identifier | TSESTree.PrivateIdentifier): Classification | 'unknown' {
    if (!types) return 'unknown';
    const type = types.checker.getTypeAtLocation(types.toTsNode(identifier));
    // TypeFlags.Any | TypeFlags.Unknown: the checker knows nothing (plain JS), fall back to syntax.
    if (type.getFlags() & (1 | 2)) return 'unknown';
    const name = type.isUnion() ? undefined : (type.getSymbol() ?? type.aliasSymbol)?.getName();
    if (name === 'AbortSignal') return { kind: 'signal' };
    if (name === 'AbortController') return { kind: 'controller' };
    return undefined;
  }

  function classifyAnnotation(annotation: TSESTree.TypeNode | undefined): Classification | 'unknown' {
    if (!annotation) return 'unknown';
    if (annotation.type !== AST_NODE_TYPES.TSTypeReference || annotation.typeName.type !== AST_NODE_TYPES.Identifier) {
      return undefined;
    }
    if (annotation.typeName.name === 'AbortSignal') return { kind: 'signal' };
    if (annotation.typeName.name === 'AbortController') return { kind: 'controller' };
    return undefined;
  }

  function controllerVariable(node: TSESTree.Node): Variable | undefined {
    const inner = skipTypeWrappers(node);
    if (inner.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = resolveVariable(sourceCode, inner);
    return variable && classify(variable)?.kind === 'controller' ? variable : undefined;
  }

  /** What an initialiser or default value says, regardless of the variable's name. */
  function classifyValue(value: TSESTree.Node): Classification | 'unknown' {
    const node = skipTypeWrappers(value);
    if (
      node.type === AST_NODE_TYPES.NewExpression &&
      node.callee.type === AST_NODE_TYPES.Identifier &&
      node.callee.name === 'AbortController' &&
      isGlobalReference(sourceCode, node.callee, 'AbortController')
    ) {
      return { kind: 'controller' };
    }
    if (node.type === AST_NODE_TYPES.MemberExpression && staticPropertyName(node) === 'signal') {
      const controller = controllerVariable(node.object);
      return controller ? { kind: 'signal', controller } : { kind: 'signal' };
    }
    if (
      node.type === AST_NODE_TYPES.CallExpression &&
      node.callee.type === AST_NODE_TYPES.MemberExpression &&
      node.callee.object.type === AST_NODE_TYPES.Identifier &&
      node.callee.object.name === 'AbortSignal' &&
      ['timeout', 'any', 'abort'].includes(staticPropertyName(node.callee) ?? '') &&
      isGlobalReference(sourceCode, node.callee.object, 'AbortSignal')
    ) {
      return { kind: 'signal' };
    }
    return 'unknown';
  }

  /** `const { signal } = controller` / `({ signal }) => …`: the object it is read from, if a controller. */
  function destructuredFrom(identifier: TSESTree.Identifier, root: TSESTree.Node | null | undefined): Classification | 'unknown' {
    const property = identifier.parent;
    if (property.type !== AST_NODE_TYPES.Property || property.value !== identifier) return 'unknown';
    if (property.parent.type !== AST_NODE_TYPES.ObjectPattern || !root) return 'unknown';
    const key = property.computed ? undefined : property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : undefined;
    if (key !== 'signal') return 'unknown';
    const controller = controllerVariable(root);
    return controller ? { kind: 'signal', controller } : 'unknown';
  }

  /** What is known about one binding (variable, parameter or class member) before classifying it. */
  interface Binding {
    /** The declaring name: identifier, or the key of a class member. */
    readonly name: TSESTree.Identifier | TSESTree.PrivateIdentifier;
    readonly annotation: TSESTree.TypeNode | undefined;
    /** Initialiser or default value. */
    readonly value: TSESTree.Node | null | undefined;
    /** For `const { signal } = controller`: what the destructuring says. */
    readonly destructured: Classification | 'unknown';
  }

  function classifyBinding({ name, annotation, value, destructured }: Binding): Classification {
    if (value && isObviouslyNotASignal(value) && classifyValue(value) === 'unknown') return undefined;
    if (value?.type === AST_NODE_TYPES.Literal && value.value === null) return undefined;

    const fromValue = value ? classifyValue(value) : 'unknown';
    const byType = classifyByType(name);
    if (byType !== 'unknown') {
      // The checker decides what it is; syntax only tells which controller it came from.
      if (byType?.kind !== 'signal') return byType;
      const controller =
        (fromValue !== 'unknown' && fromValue?.kind === 'signal' ? fromValue.controller : undefined) ??
        (destructured !== 'unknown' && destructured?.kind === 'signal' ? destructured.controller : undefined);
      return controller ? { kind: 'signal', controller } : byType;
    }
    const byAnnotation = classifyAnnotation(annotation);
    if (byAnnotation !== 'unknown') return byAnnotation;
    if (fromValue !== 'unknown') return fromValue;
    if (destructured !== 'unknown') return destructured;
    return SIGNAL_NAME.test(name.name) ? { kind: 'signal' } : undefined;
  }

  function classifyUncached(variable: Variable): Classification {
    const [def, ...others] = variable.defs;
    if (!def || others.length > 0 || def.name.type !== AST_NODE_TYPES.Identifier) return undefined;
    const identifier = def.name;
    const annotation = identifier.typeAnnotation?.typeAnnotation;
    if (def.type === DefinitionType.Parameter) {
      if (identifier.optional) return undefined;
      const parent = identifier.parent;
      const value = parent.type === AST_NODE_TYPES.AssignmentPattern && parent.left === identifier ? parent.right : undefined;
      return classifyBinding({ name: identifier, annotation, value, destructured: 'unknown' });
    }
    if (def.type !== DefinitionType.Variable || !def.node.init) return undefined;
    const declarator = def.node;
    return declarator.id === identifier
      ? classifyBinding({ name: identifier, annotation, value: declarator.init, destructured: 'unknown' })
      : classifyBinding({ name: identifier, annotation, value: undefined, destructured: destructuredFrom(identifier, declarator.init) });
  }

  function classify(variable: Variable): Classification {
    if (classifications.has(variable)) return classifications.get(variable);
    // Marks the variable while it is being classified, so `const a = b.signal, b = a` ends.
    classifications.set(variable, undefined);
    const result = classifyUncached(variable);
    classifications.set(variable, result);
    return result;
  }

  /** Instance fields and constructor parameter properties of a class, as bindings. */
  function memberBindings(classBody: TSESTree.ClassBody): Binding[] {
    const bindings: Binding[] = [];
    for (const member of classBody.body) {
      if (
        member.type === AST_NODE_TYPES.PropertyDefinition &&
        !member.static &&
        !member.computed &&
        !member.optional &&
        (member.key.type === AST_NODE_TYPES.Identifier || member.key.type === AST_NODE_TYPES.PrivateIdentifier)
      ) {
        bindings.push({ name: member.key, annotation: member.typeAnnotation?.typeAnnotation, value: member.value, destructured: 'unknown' });
      }
      if (member.type === AST_NODE_TYPES.MethodDefinition && member.kind === 'constructor') {
        for (const param of member.value.params) {
          if (param.type !== AST_NODE_TYPES.TSParameterProperty || param.static) continue;
          const inner = param.parameter;
          const identifier = inner.type === AST_NODE_TYPES.AssignmentPattern ? inner.left : inner;
          if (identifier.type !== AST_NODE_TYPES.Identifier || identifier.optional) continue;
          const value = inner.type === AST_NODE_TYPES.AssignmentPattern ? inner.right : undefined;
          bindings.push({ name: identifier, annotation: identifier.typeAnnotation?.typeAnnotation, value, destructured: 'unknown' });
        }
      }
    }
    return bindings;
  }

  function memberText(name: TSESTree.Identifier | TSESTree.PrivateIdentifier): string {
    return name.type === AST_NODE_TYPES.PrivateIdentifier ? `this.#${name.name}` : `this.${name.name}`;
  }

  /** Written again after its declaration (a parameter or `let` reassigned, e.g. per iteration). */
  function isReassigned(variable: Variable): boolean {
    return variable.references.some((ref) => ref.isWrite() && ref.init !== true);
  }

  /** The initialiser or default value of a variable's single declaration. */
  function declaredValue(variable: Variable): TSESTree.Node | undefined {
    const def = variable.defs[0];
    if (!def || def.name.type !== AST_NODE_TYPES.Identifier) return undefined;
    if (def.type === DefinitionType.Parameter) {
      const parent = def.name.parent;
      return parent.type === AST_NODE_TYPES.AssignmentPattern && parent.left === def.name ? parent.right : undefined;
    }
    return def.type === DefinitionType.Variable && def.node.id === def.name ? (def.node.init ?? undefined) : undefined;
  }

  function variableOrigin(variable: Variable, controller: Variable | undefined): SignalOrigin {
    const def = variable.defs[0];
    const declarations = [variable, controller].flatMap((v) => (v?.defs[0] ? [v.defs[0].name] : []));
    const value = declaredValue(variable);
    return {
      kind: def?.type === DefinitionType.Parameter ? 'parameter' : 'variable',
      names: controller ? [variable.name, controller.name] : [variable.name],
      aliases: controller ? [`${controller.name}.signal`] : [],
      declarations,
      reassigned: isReassigned(variable) || (controller !== undefined && isReassigned(controller)),
      deadline: value !== undefined && isTimeoutCall(value),
      owner: def?.type === DefinitionType.Parameter ? def.node : undefined,
    };
  }

  /** `(session) => …` given to `superviseSession(options, setup)`: `session.signal` is the connection's lifetime. */
  function isSessionParameter(variable: Variable): boolean {
    const def = variable.defs[0];
    if (def?.type !== DefinitionType.Parameter || def.name.type !== AST_NODE_TYPES.Identifier || def.name.parent !== def.node) return false;
    const setup = def.node;
    if (setup.params[0] !== def.name) return false;
    const call = setup.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[1] !== setup) return false;
    const callee = call.callee;
    const name =
      callee.type === AST_NODE_TYPES.Identifier
        ? callee.name
        : callee.type === AST_NODE_TYPES.MemberExpression
          ? staticPropertyName(callee)
          : undefined;
    return name === 'superviseSession';
  }

  function signalsAt(node: TSESTree.Node): AbortSignalInScope[] {
    const atScope = sourceCode.getScope(node);
    const seenNames = new Set<string>();
    /** Keyed by the controller for signals read from one, so each signal is offered once. */
    const byIdentity = new Map<unknown, AbortSignalInScope & { readonly isController: boolean }>();
    const add = (identity: unknown, text: string, isController: boolean, origin: SignalOrigin): void => {
      const existing = byIdentity.get(identity);
      // Prefer a plain signal over the `controller.signal` entry of its controller.
      if (!existing || (existing.isController && !isController)) byIdentity.set(identity, { text, isController, origin });
    };
    for (let scope: TSESLint.Scope.Scope | null = atScope; scope; scope = scope.upper) {
      for (const variable of scope.variables) {
        if (seenNames.has(variable.name)) continue;
        seenNames.add(variable.name);
        const identifier = variable.defs[0]?.name;
        if (identifier?.type !== AST_NODE_TYPES.Identifier || declaredLater(variable, identifier, node, atScope)) continue;
        const classification = classify(variable);
        if (classification?.kind === 'controller') {
          add(variable, `${variable.name}.signal`, true, variableOrigin(variable, undefined));
        } else if (classification) {
          add(classification.controller ?? variable, variable.name, false, variableOrigin(variable, classification.controller));
        } else if (isSessionParameter(variable)) {
          add(variable, `${variable.name}.signal`, false, { ...variableOrigin(variable, undefined), kind: 'session' });
        }
      }
    }
    const classBody = instanceClassAt(node);
    const members = (classBody ? memberBindings(classBody) : []).map((binding) => ({ binding, classification: classifyBinding(binding) }));
    const controllerMembers = new Map(
      members.filter((m) => m.classification?.kind === 'controller').map((m) => [memberText(m.binding.name), m.binding.name]),
    );
    const assigned = classBody ? assignedMembers(classBody) : new Set<string>();
    const memberOrigin = (binding: Binding, controller?: TSESTree.Identifier | TSESTree.PrivateIdentifier): SignalOrigin => ({
      kind: 'member',
      names: controller ? [binding.name.name, controller.name] : [binding.name.name],
      aliases: controller ? [`${memberText(controller)}.signal`] : [],
      declarations: [],
      reassigned: assigned.has(memberText(binding.name)) || (controller !== undefined && assigned.has(memberText(controller))),
      deadline: binding.value !== null && binding.value !== undefined && isTimeoutCall(binding.value),
    });
    for (const { binding, classification } of members) {
      if (classification?.kind === 'controller') {
        add(binding.name, `${memberText(binding.name)}.signal`, true, memberOrigin(binding));
      } else if (classification) {
        // `signal = this.controller.signal` is the controller's signal.
        const value = binding.value && skipTypeWrappers(binding.value);
        const source =
          value?.type === AST_NODE_TYPES.MemberExpression && staticPropertyName(value) === 'signal'
            ? controllerMembers.get(sourceCode.getText(value.object))
            : undefined;
        add(source ?? binding.name, memberText(binding.name), false, memberOrigin(binding, source));
      }
    }
    return [...byIdentity.values()].map(({ text, origin }) => ({ text, origin }));
  }

  /** `this.x` / `this.#x` assigned anywhere in the class outside the constructor (e.g. a fresh controller per call). */
  function assignedMembers(classBody: TSESTree.ClassBody): Set<string> {
    const found = new Set<string>();
    const visit = (node: TSESTree.Node, inConstructor: boolean): void => {
      if (node.type === AST_NODE_TYPES.AssignmentExpression && !inConstructor) {
        const left = node.left;
        if (left.type === AST_NODE_TYPES.MemberExpression && left.object.type === AST_NODE_TYPES.ThisExpression && !left.computed) {
          found.add(memberText(left.property));
        }
      }
      const keys = sourceCode.visitorKeys[node.type] ?? [];
      for (const key of keys) {
        const child = (node as unknown as Record<string, unknown>)[key];
        const children = Array.isArray(child) ? child : [child];
        for (const c of children) {
          if (c && typeof c === 'object' && 'type' in c) {
            const constructorBody = node.type === AST_NODE_TYPES.MethodDefinition && node.kind === 'constructor';
            visit(c as TSESTree.Node, inConstructor || constructorBody);
          }
        }
      }
    };
    visit(classBody, false);
    return found;
  }

  return { signalsAt };
}

/**
 * Words that name a lifetime (`shutdownSignal`, `this.shutdown.signal`, `stopSignal`, `lifetime`,
 * `session.signal`, `connectionSignal`) and words that name something shorter-lived (`requestSignal`,
 * `timeoutController`), which outweigh them.
 */
const LIFETIME_WORDS = new Set([
  'shutdown', 'lifetime', 'lifecycle', 'life', 'stop', 'stopping', 'session', 'teardown', 'close', 'closing', 'closed',
  'disconnect', 'connection', 'exit', 'terminate', 'quit', 'dispose', 'destroy', 'halt', 'kill', 'running', 'alive',
]);
const SHORT_LIVED_WORDS = new Set(['timeout', 'deadline', 'request', 'req', 'attempt', 'call', 'fetch', 'iteration', 'tick', 'poll', 'retry']);

function words(name: string): string[] {
  return (name.replace(/^#/u, '').match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/gu) ?? []).map((w) => w.toLowerCase());
}

function isLifetimeNamed(origin: SignalOrigin): boolean {
  const all = origin.names.flatMap(words);
  return all.some((w) => LIFETIME_WORDS.has(w)) && !all.some((w) => SHORT_LIVED_WORDS.has(w));
}

export interface LoopLifetime {
  readonly signal: AbortSignalInScope;
  /** `return` when the loop already leaves with `if (signal.aborted) return;`; otherwise the caller's `break`. */
  readonly exit?: 'return';
}

type FunctionLike = TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;

function isFunctionLike(node: TSESTree.Node): node is FunctionLike {
  return (
    node.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionDeclaration ||
    node.type === AST_NODE_TYPES.FunctionExpression
  );
}

function enclosingFunction(node: TSESTree.Node): TSESTree.Node | undefined {
  for (let parent = node.parent; parent; parent = parent.parent) if (isFunctionLike(parent)) return parent;
  return undefined;
}

function normalized(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): string {
  return sourceCode.getText(node).replace(/\s+/gu, '');
}

/**
 * The signals whose `.aborted` already ends `loop`: `while (!s.aborted)` (alone or as an `&&`
 * operand of the test), or `if (s.aborted) break;` / `if (s.aborted) return;` in its body (not in a
 * nested function, nor, for `break`, in a nested loop or switch). Maps normalised text → exit.
 */
function abortedChecks(sourceCode: Readonly<TSESLint.SourceCode>, loop: Loop): Map<string, 'break' | 'return'> {
  const checks = new Map<string, 'break' | 'return'>();
  const abortedObject = (node: TSESTree.Node): TSESTree.Node | undefined => {
    const inner = skipTypeWrappers(node);
    return inner.type === AST_NODE_TYPES.MemberExpression && staticPropertyName(inner) === 'aborted' ? inner.object : undefined;
  };
  const fromTest = (test: TSESTree.Node): void => {
    if (test.type === AST_NODE_TYPES.LogicalExpression && test.operator === '&&') {
      fromTest(test.left);
      fromTest(test.right);
      return;
    }
    const object = test.type === AST_NODE_TYPES.UnaryExpression && test.operator === '!' ? abortedObject(test.argument) : undefined;
    if (object) checks.set(normalized(sourceCode, object), 'break');
  };
  if ('test' in loop && loop.test) fromTest(loop.test);
  const label = loop.parent.type === AST_NODE_TYPES.LabeledStatement ? loop.parent.label.name : undefined;
  const visit = (node: TSESTree.Node, nestedBreakTarget: boolean): void => {
    if (isFunctionLike(node)) return;
    if (node.type === AST_NODE_TYPES.IfStatement && !node.alternate) {
      const object = abortedObject(node.test);
      const consequent =
        node.consequent.type === AST_NODE_TYPES.BlockStatement && node.consequent.body.length === 1 ? node.consequent.body[0] : node.consequent;
      const exit =
        consequent?.type === AST_NODE_TYPES.ReturnStatement && !consequent.argument
          ? 'return'
          : consequent?.type === AST_NODE_TYPES.BreakStatement &&
              (consequent.label ? consequent.label.name === label : !nestedBreakTarget)
            ? 'break'
            : undefined;
      if (object && exit) checks.set(normalized(sourceCode, object), exit);
    }
    const nested = nestedBreakTarget || node.type === AST_NODE_TYPES.SwitchStatement || (node !== loop.body && isLoopNode(node));
    for (const key of sourceCode.visitorKeys[node.type] ?? []) {
      const child = (node as unknown as Record<string, unknown>)[key];
      for (const c of Array.isArray(child) ? child : [child]) {
        if (c && typeof c === 'object' && 'type' in c) visit(c as TSESTree.Node, nested);
      }
    }
  };
  visit(loop.body, false);
  return checks;
}

function isLoopNode(node: TSESTree.Node): boolean {
  return (
    node.type === AST_NODE_TYPES.WhileStatement ||
    node.type === AST_NODE_TYPES.DoWhileStatement ||
    node.type === AST_NODE_TYPES.ForStatement ||
    node.type === AST_NODE_TYPES.ForInStatement ||
    node.type === AST_NODE_TYPES.ForOfStatement
  );
}

/**
 * The signal an autofix may hand to `sleepUntilShutdown` in `loop`, or undefined when that is in
 * doubt (then the rule only suggests). Waking the sleep on an abort must not change what correct
 * code does, so the signal must be the loop's own lifetime:
 * - never one declared inside the loop (a per-iteration or per-request controller) or assigned
 *   again (itself or its controller): it may abort while the loop is meant to go on;
 * - strongest: the loop already ends on its `.aborted` (the fix only ends it sooner);
 * - then: named for a lifetime (`shutdownSignal`, `this.shutdown.signal`, `session.signal`), not
 *   made by `AbortSignal.timeout()` and not named for something shorter (`requestSignal`);
 * - weakest: a parameter of the function that runs
 *   the loop, or a field of the instance whose method runs it. An AbortSignal parameter is by
 *   convention (fetch, timers/promises, events.once, the runtime's task bodies) the cancellation of
 *   that call, and the call contains the whole loop, so its abort means "stop this loop".
 * A signal from an enclosing function with a neutral name (`signal` of a handler around a callback
 * that loops) is a suggestion: nothing says the callback's loop is meant to end with that function.
 * Any of these decides when it is the only signal in scope from outside the loop; with two or more,
 * only the `.aborted` check does (one lifetime-named signal next to a `signal` parameter is a choice
 * between two plausible lifetimes, so both are suggested).
 */
export function loopLifetimeOf(
  sourceCode: Readonly<TSESLint.SourceCode>,
  candidates: readonly AbortSignalInScope[],
  loop: Loop,
): LoopLifetime | undefined {
  const checks = abortedChecks(sourceCode, loop);
  const loopFunction = enclosingFunction(loop);
  const inLoop = (node: TSESTree.Node): boolean => node.range[0] >= loop.range[0] && node.range[1] <= loop.range[1];
  // A signal made inside the loop lives one iteration: never the lifetime, and no rival to one.
  const outside = candidates.filter((signal) => !signal.origin.declarations.some(inLoop));
  const scored = outside.map((signal) => {
    const { origin } = signal;
    if (origin.reassigned) return { signal, score: 0 };
    const exit = [signal.text, ...origin.aliases].map((text) => checks.get(text.replace(/\s+/gu, ''))).find(Boolean);
    if (exit) return { signal, score: 3, exit };
    if (origin.deadline) return { signal, score: 0 };
    if (isLifetimeNamed(origin)) return { signal, score: 2 };
    const own =
      (origin.kind === 'parameter' && origin.owner !== undefined && origin.owner === loopFunction) ||
      (origin.kind === 'member' && loopFunction !== undefined && instanceClassAt(loop) !== undefined);
    const shortLived = origin.names.flatMap(words).some((w) => SHORT_LIVED_WORDS.has(w));
    return { signal, score: own && !shortLived ? 1 : 0 };
  });
  // With rivals, only a loop that already ends on one signal's `.aborted` says which is its lifetime.
  const needed = scored.length === 1 ? 1 : 3;
  const winners = scored.filter((s) => s.score >= needed);
  const [winner] = winners;
  if (winners.length !== 1 || !winner) return undefined;
  return { signal: winner.signal, exit: 'exit' in winner && winner.exit === 'return' ? 'return' : undefined };
}
