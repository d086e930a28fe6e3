import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { isEffectivelyConst, resolveVariable, skipTypeWrappers, staticKeyName, staticPropertyName } from './module-bindings.js';

const { DefinitionType } = TSESLint.Scope;

type SourceCode = Readonly<TSESLint.SourceCode>;

export type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression | TSESTree.FunctionDeclaration;
export type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

export function isFunctionNode(node: TSESTree.Node): node is FunctionNode {
  return (
    node.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionDeclaration
  );
}

export function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** The class (and whether statically) a `this` refers to, looking through arrow functions. */
export function thisOwner(node: TSESTree.ThisExpression): { classNode: ClassNode; isStatic: boolean } | undefined {
  let child: TSESTree.Node = node;
  for (let parent: TSESTree.Node | undefined = node.parent; parent; child = parent, parent = parent.parent) {
    switch (parent.type) {
      case AST_NODE_TYPES.ArrowFunctionExpression:
        continue;
      case AST_NODE_TYPES.FunctionDeclaration:
        return undefined;
      case AST_NODE_TYPES.FunctionExpression:
        if (parent.parent.type === AST_NODE_TYPES.MethodDefinition && parent.parent.value === parent) continue;
        if (parent.parent.type === AST_NODE_TYPES.PropertyDefinition && parent.parent.value === parent) continue;
        return undefined;
      case AST_NODE_TYPES.MethodDefinition:
      case AST_NODE_TYPES.PropertyDefinition:
      case AST_NODE_TYPES.AccessorProperty:
        if (child === parent.key) return undefined;
        return { classNode: parent.parent.parent, isStatic: parent.static };
      case AST_NODE_TYPES.StaticBlock:
        return { classNode: parent.parent.parent, isStatic: true };
      default:
        continue;
    }
  }
  return undefined;
}

/** A method (or a field holding a function) called `name` on one side of a class. */
function classMethod(classNode: ClassNode, name: string, isStatic: boolean): FunctionNode | undefined {
  for (const element of classNode.body.body) {
    if (element.type !== AST_NODE_TYPES.MethodDefinition && element.type !== AST_NODE_TYPES.PropertyDefinition) continue;
    if (element.static !== isStatic) continue;
    const key = element.key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${element.key.name}` : staticKeyName(element);
    if (key !== name) continue;
    if (element.type === AST_NODE_TYPES.MethodDefinition) return element.kind === 'method' && isFunctionNode(element.value) ? element.value : undefined;
    const value = element.value && skipTypeWrappers(element.value);
    return value && isFunctionNode(value) ? value : undefined;
  }
  return undefined;
}

/**
 * The function a call runs when it is declared in this file: `f()` for a function declaration or a
 * constant bound to a function, `this.m()` for a method of the enclosing class, `C.m()` for a static
 * method of class `C`. Undefined for anything else (imports, parameters, reassigned variables).
 */
export function calledFunction(sourceCode: SourceCode, callee: TSESTree.Node): FunctionNode | undefined {
  const node = skipTypeWrappers(callee);
  if (node.type === AST_NODE_TYPES.Identifier) {
    const variable = resolveVariable(sourceCode, node);
    const def = variable?.defs[0];
    if (!variable || !def || !isEffectivelyConst(variable)) return undefined;
    if (def.type === DefinitionType.FunctionName) return isFunctionNode(def.node) ? def.node : undefined;
    if (def.type === DefinitionType.Variable && def.node.id.type === AST_NODE_TYPES.Identifier && def.node.init) {
      const init = skipTypeWrappers(def.node.init);
      return isFunctionNode(init) ? init : undefined;
    }
    return undefined;
  }
  if (node.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const name = node.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${node.property.name}` : staticPropertyName(node);
  if (name === undefined) return undefined;
  const object = skipTypeWrappers(node.object);
  if (object.type === AST_NODE_TYPES.ThisExpression) {
    const owner = thisOwner(object);
    return owner && classMethod(owner.classNode, name, owner.isStatic);
  }
  if (object.type === AST_NODE_TYPES.Identifier) {
    const classDef = resolveVariable(sourceCode, object)?.defs.find((def) => def.type === DefinitionType.ClassName);
    return classDef ? classMethod(classDef.node, name, true) : undefined;
  }
  return undefined;
}

const returnsCache = new WeakMap<FunctionNode, TSESTree.Expression[]>();

/** What `fn` itself returns (not its nested functions): the expression body of an arrow, or each `return x`. */
export function returnedExpressions(sourceCode: SourceCode, fn: FunctionNode): TSESTree.Expression[] {
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return [fn.body];
  // Nodes belong to one parse, so the answer never goes stale; rules ask about the same factory often.
  const cached = returnsCache.get(fn);
  if (cached) return cached;
  const found: TSESTree.Expression[] = [];
  returnsCache.set(fn, found);
  const visit = (node: TSESTree.Node): void => {
    if (node.type === AST_NODE_TYPES.ReturnStatement) {
      if (node.argument) found.push(node.argument);
      return;
    }
    if (isFunctionNode(node) || node.type === AST_NODE_TYPES.ClassBody) return;
    for (const key of sourceCode.visitorKeys[node.type] ?? []) {
      const child = (node as unknown as Record<string, unknown>)[key];
      for (const item of Array.isArray(child) ? child : [child]) if (isNode(item)) visit(item);
    }
  };
  for (const statement of fn.body.body) visit(statement);
  return found;
}
