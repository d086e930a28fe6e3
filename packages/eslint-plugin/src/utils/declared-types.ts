import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { resolveModuleReference, resolveVariable, skipTypeWrappers, staticKeyName, staticPropertyName, type ModuleReference } from './module-bindings.js';
import { thisOwner } from './local-functions.js';

const { DefinitionType } = TSESLint.Scope;

type SourceCode = Readonly<TSESLint.SourceCode>;

/**
 * Reading type annotations as written, without a type checker: enough to know that
 * `metrics: { requests: Counter<'route'> }` holds a prom-client Counter when the program has no
 * types (untyped linting) or cannot resolve the library (no `node_modules`).
 */

const MAX_DEPTH = 8;

/** Generic containers whose last type argument is what they hold: `Map<K, V>`, `Record<K, V>`, `V[]`. */
const CONTAINERS = new Set(['Map', 'ReadonlyMap', 'WeakMap', 'Record', 'Array', 'ReadonlyArray', 'Set', 'ReadonlySet']);
/** Wrappers that keep the members of their argument. */
const PASS_THROUGH = new Set(['Partial', 'Required', 'Readonly', 'NonNullable']);

/** What a type name denotes: an imported export, or a local interface/type alias. */
export type NamedType =
  | { readonly kind: 'import'; readonly reference: ModuleReference; readonly typeArguments: readonly TSESTree.TypeNode[] }
  | { readonly kind: 'local'; readonly declaration: TSESTree.TSInterfaceDeclaration | TSESTree.TSTypeAliasDeclaration }
  | { readonly kind: 'container'; readonly element: TSESTree.TypeNode | undefined }
  | { readonly kind: 'unknown' };

export function namedType(sourceCode: SourceCode, type: TSESTree.TSTypeReference): NamedType {
  const typeArguments = type.typeArguments?.params ?? [];
  const name = type.typeName;
  if (name.type === AST_NODE_TYPES.TSQualifiedName) {
    if (name.left.type !== AST_NODE_TYPES.Identifier) return { kind: 'unknown' };
    const base = resolveModuleReference(sourceCode, name.left);
    return base ? { kind: 'import', reference: { ...base, path: [...base.path, name.right.name] }, typeArguments } : { kind: 'unknown' };
  }
  if (name.type !== AST_NODE_TYPES.Identifier) return { kind: 'unknown' };
  const variable = resolveVariable(sourceCode, name);
  const def = variable?.defs[0];
  if (def?.type === DefinitionType.Type) {
    const declaration = def.node;
    if (declaration.type === AST_NODE_TYPES.TSInterfaceDeclaration || declaration.type === AST_NODE_TYPES.TSTypeAliasDeclaration) {
      return { kind: 'local', declaration };
    }
    return { kind: 'unknown' };
  }
  if (def?.type === DefinitionType.ImportBinding) {
    const reference = resolveModuleReference(sourceCode, name);
    return reference ? { kind: 'import', reference, typeArguments } : { kind: 'unknown' };
  }
  if (!variable && CONTAINERS.has(name.name)) return { kind: 'container', element: typeArguments.at(-1) };
  return { kind: 'unknown' };
}

/** `T | undefined` → `T`; a type alias → its definition; `Partial<T>` → `T`. */
export function unwrapType(sourceCode: SourceCode, type: TSESTree.TypeNode, depth = 0): TSESTree.TypeNode[] {
  if (depth > MAX_DEPTH) return [];
  switch (type.type) {
    case AST_NODE_TYPES.TSUnionType:
    case AST_NODE_TYPES.TSIntersectionType:
      return type.types.flatMap((member) => unwrapType(sourceCode, member, depth + 1));
    case AST_NODE_TYPES.TSUndefinedKeyword:
    case AST_NODE_TYPES.TSNullKeyword:
      return [];
    case AST_NODE_TYPES.TSTypeOperator:
      return type.typeAnnotation ? unwrapType(sourceCode, type.typeAnnotation, depth + 1) : [];
    case AST_NODE_TYPES.TSTypeReference: {
      const name = type.typeName;
      const argument = type.typeArguments?.params[0];
      if (name.type === AST_NODE_TYPES.Identifier && PASS_THROUGH.has(name.name) && argument && !resolveVariable(sourceCode, name)) {
        return unwrapType(sourceCode, argument, depth + 1);
      }
      const named = namedType(sourceCode, type);
      if (named.kind === 'local' && named.declaration.type === AST_NODE_TYPES.TSTypeAliasDeclaration) {
        return unwrapType(sourceCode, named.declaration.typeAnnotation, depth + 1);
      }
      return [type];
    }
    default:
      return [type];
  }
}

/** The declared members of an object type: interface (with what it extends locally) or type literal. */
export function typeMembers(sourceCode: SourceCode, type: TSESTree.TypeNode, depth = 0): TSESTree.TypeElement[] {
  if (depth > MAX_DEPTH) return [];
  const members: TSESTree.TypeElement[] = [];
  for (const part of unwrapType(sourceCode, type, depth + 1)) {
    if (part.type === AST_NODE_TYPES.TSTypeLiteral) members.push(...part.members);
    if (part.type !== AST_NODE_TYPES.TSTypeReference) continue;
    const named = namedType(sourceCode, part);
    if (named.kind !== 'local' || named.declaration.type !== AST_NODE_TYPES.TSInterfaceDeclaration) continue;
    members.push(...named.declaration.body.body);
    for (const heritage of named.declaration.extends) {
      if (heritage.expression.type !== AST_NODE_TYPES.Identifier) continue;
      const base = { type: AST_NODE_TYPES.TSTypeReference, typeName: heritage.expression, parent: heritage } as unknown as TSESTree.TSTypeReference;
      members.push(...typeMembers(sourceCode, base, depth + 1));
    }
  }
  return members;
}

/** The name of a property signature, when written literally. */
export function memberName(member: TSESTree.TypeElement): string | undefined {
  if (member.type !== AST_NODE_TYPES.TSPropertySignature) return undefined;
  const key = member.key;
  if (!member.computed && key.type === AST_NODE_TYPES.Identifier) return key.name;
  if (key.type === AST_NODE_TYPES.Literal && (typeof key.value === 'string' || typeof key.value === 'number')) return String(key.value);
  return undefined;
}

/**
 * The declared type of property `name` of an object of type `type` (undefined `name`: any
 * property, i.e. an index signature or a container's element).
 */
export function propertyType(sourceCode: SourceCode, type: TSESTree.TypeNode, name: string | undefined, depth = 0): TSESTree.TypeNode | undefined {
  if (depth > MAX_DEPTH) return undefined;
  for (const part of unwrapType(sourceCode, type, depth + 1)) {
    if (part.type === AST_NODE_TYPES.TSArrayType && name === undefined) return part.elementType;
    if (part.type === AST_NODE_TYPES.TSTypeReference) {
      const named = namedType(sourceCode, part);
      if (named.kind === 'container' && name === undefined && named.element) return named.element;
    }
    for (const member of typeMembers(sourceCode, part, depth + 1)) {
      if (member.type === AST_NODE_TYPES.TSIndexSignature && name === undefined) return member.typeAnnotation?.typeAnnotation;
      if (member.type === AST_NODE_TYPES.TSPropertySignature && name !== undefined && memberName(member) === name) {
        return member.typeAnnotation?.typeAnnotation;
      }
    }
  }
  return undefined;
}

/**
 * The type annotation written for what an expression holds: an annotated variable or parameter,
 * a class field or parameter property (`this.x`), or a member of a value of annotated object type
 * (`this.metrics.requests`, `registry[name]`).
 */
export function declaredTypeOf(sourceCode: SourceCode, expression: TSESTree.Node, depth = 0): TSESTree.TypeNode | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = skipTypeWrappers(expression);
  if (node.type === AST_NODE_TYPES.Identifier) {
    const def = resolveVariable(sourceCode, node)?.defs[0];
    if (!def) return undefined;
    if ((def.type === DefinitionType.Variable || def.type === DefinitionType.Parameter) && def.name.type === AST_NODE_TYPES.Identifier) {
      return def.name.typeAnnotation?.typeAnnotation;
    }
    return undefined;
  }
  if (node.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const name = node.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${node.property.name}` : staticPropertyName(node);
  const object = skipTypeWrappers(node.object);
  if (object.type === AST_NODE_TYPES.ThisExpression && name !== undefined) {
    const owner = thisOwner(object);
    return owner ? classFieldType(owner.classNode, name, owner.isStatic) : undefined;
  }
  const objectType = declaredTypeOf(sourceCode, object, depth + 1);
  return objectType && propertyType(sourceCode, objectType, node.computed && name === undefined ? undefined : name, depth + 1);
}

function classFieldType(classNode: TSESTree.ClassDeclaration | TSESTree.ClassExpression, name: string, isStatic: boolean): TSESTree.TypeNode | undefined {
  for (const element of classNode.body.body) {
    if (element.type === AST_NODE_TYPES.PropertyDefinition && element.static === isStatic) {
      const key = element.key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${element.key.name}` : staticKeyName(element);
      if (key === name) return element.typeAnnotation?.typeAnnotation;
    }
    if (!isStatic && element.type === AST_NODE_TYPES.MethodDefinition && element.kind === 'constructor') {
      for (const param of element.value.params) {
        if (param.type !== AST_NODE_TYPES.TSParameterProperty) continue;
        const inner = param.parameter.type === AST_NODE_TYPES.AssignmentPattern ? param.parameter.left : param.parameter;
        if (inner.type === AST_NODE_TYPES.Identifier && inner.name === name) return inner.typeAnnotation?.typeAnnotation;
      }
    }
  }
  return undefined;
}
