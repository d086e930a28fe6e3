import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { isGlobalReference, resolveVariable, skipTypeWrappers, staticPropertyName } from './module-bindings.js';
import { getTypeServices, type AnyRuleContext } from './type-services.js';

type Variable = TSESLint.Scope.Variable;
const { DefinitionType } = TSESLint.Scope;

/** An AbortSignal the code at some position can use. */
export interface AbortSignalInScope {
  /** Expression that evaluates to the signal there: `signal`, `controller.signal`, `this.signal`. */
  readonly text: string;
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

  function signalsAt(node: TSESTree.Node): AbortSignalInScope[] {
    const atScope = sourceCode.getScope(node);
    const seenNames = new Set<string>();
    /** Keyed by the controller for signals read from one, so each signal is offered once. */
    const byIdentity = new Map<unknown, AbortSignalInScope & { readonly isController: boolean }>();
    const add = (identity: unknown, text: string, isController: boolean): void => {
      const existing = byIdentity.get(identity);
      // Prefer a plain signal over the `controller.signal` entry of its controller.
      if (!existing || (existing.isController && !isController)) byIdentity.set(identity, { text, isController });
    };
    for (let scope: TSESLint.Scope.Scope | null = atScope; scope; scope = scope.upper) {
      for (const variable of scope.variables) {
        if (seenNames.has(variable.name)) continue;
        seenNames.add(variable.name);
        const identifier = variable.defs[0]?.name;
        if (identifier?.type !== AST_NODE_TYPES.Identifier || declaredLater(variable, identifier, node, atScope)) continue;
        const classification = classify(variable);
        if (classification?.kind === 'controller') add(variable, `${variable.name}.signal`, true);
        else if (classification) add(classification.controller ?? variable, variable.name, false);
      }
    }
    const classBody = instanceClassAt(node);
    const members = (classBody ? memberBindings(classBody) : []).map((binding) => ({ binding, classification: classifyBinding(binding) }));
    const controllerMembers = new Map(
      members.filter((m) => m.classification?.kind === 'controller').map((m) => [memberText(m.binding.name), m.binding.name]),
    );
    for (const { binding, classification } of members) {
      if (classification?.kind === 'controller') {
        add(binding.name, `${memberText(binding.name)}.signal`, true);
      } else if (classification) {
        // `signal = this.controller.signal` is the controller's signal.
        const value = binding.value && skipTypeWrappers(binding.value);
        const source =
          value?.type === AST_NODE_TYPES.MemberExpression && staticPropertyName(value) === 'signal'
            ? controllerMembers.get(sourceCode.getText(value.object))
            : undefined;
        add(source ?? binding.name, memberText(binding.name), false);
      }
    }
    return [...byIdentity.values()].map(({ text }) => ({ text }));
  }

  return { signalsAt };
}
