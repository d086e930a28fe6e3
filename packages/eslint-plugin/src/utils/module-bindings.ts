import { builtinModules } from 'node:module';
import { ASTUtils, AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

const { DefinitionType } = TSESLint.Scope;

type SourceCode = Readonly<TSESLint.SourceCode>;
type Variable = TSESLint.Scope.Variable;

/**
 * Where a value comes from: a module and a property path into what that module exports.
 *
 * | code                                                   | module              | path                  |
 * |--------------------------------------------------------|---------------------|-----------------------|
 * | `import { setTimeout as s } from 'node:timers/promises'` → `s` | `timers/promises` | `['setTimeout']`  |
 * | `import * as tp from 'timers/promises'` → `tp.scheduler.wait` | `timers/promises` | `['scheduler', 'wait']` |
 * | `import client from 'prom-client'` → `client.Counter`  | `prom-client`       | `['default', 'Counter']` |
 * | `const { Counter: C } = require('prom-client')` → `C`  | `prom-client`       | `['Counter']`         |
 * | `const delay = require('delay')` → `delay`             | `delay`             | `[]`                  |
 * | `require('fs').promises.readFile`                      | `fs`                | `['promises', 'readFile']` |
 *
 * The `node:` prefix is removed, and for Node.js built-in modules a leading `default` is
 * dropped because their default export *is* the module object (`import fs from 'fs'`).
 * For packages, `['default', …]` (ESM default import) and `[]`/`[…]` (whole `require`) stay
 * distinct: whether they denote the same thing depends on how the package is built, so callers
 * that know the package decide (see {@link matchesModuleExport}).
 */
export interface ModuleReference {
  /** The specifier as written, without a `node:` prefix. */
  readonly module: string;
  /** Property path from the module object; `[]` is the module object itself. */
  readonly path: readonly string[];
  /** `import` (static or dynamic) or `require` (including `import x = require()`). */
  readonly via: 'import' | 'require';
}

const BUILTIN_MODULES = new Set(builtinModules);

/** `node:fs` → `fs`; other specifiers unchanged. */
export function normalizeModuleSpecifier(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice('node:'.length) : specifier;
}

/** `fs`, `fs/promises`, `timers` (without `node:`): Node.js's own modules. */
export function isBuiltinModule(specifier: string): boolean {
  return BUILTIN_MODULES.has(specifier) || BUILTIN_MODULES.has(specifier.split('/')[0] ?? '');
}

function makeReference(specifier: string, path: readonly string[], via: ModuleReference['via']): ModuleReference {
  const module = normalizeModuleSpecifier(specifier);
  const normalizedPath = isBuiltinModule(module) && path[0] === 'default' ? path.slice(1) : path;
  return { module, path: normalizedPath, via };
}

/** Strips wrappers that do not change the value: `x!`, `x as T`, `<T>x`, `x satisfies T`, `a?.b`. */
export function skipTypeWrappers(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSInstantiationExpression:
        current = current.expression;
        break;
      case AST_NODE_TYPES.ChainExpression:
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

/** The property name of `a.b` / `a['b']`, or undefined when computed from a non-literal. */
export function staticPropertyName(member: TSESTree.MemberExpression): string | undefined {
  if (!member.computed) {
    return member.property.type === AST_NODE_TYPES.Identifier ? member.property.name : undefined;
  }
  const property = member.property;
  if (property.type === AST_NODE_TYPES.Literal && typeof property.value === 'string') return property.value;
  if (property.type === AST_NODE_TYPES.TemplateLiteral && property.expressions.length === 0) {
    return property.quasis[0]?.value.cooked ?? undefined;
  }
  return undefined;
}

/** `track` for `track`, `tasks.track` and `this.tasks.track`: what a plain configured name is compared with. */
export function lastName(node: TSESTree.Node): string | undefined {
  const inner = skipTypeWrappers(node);
  if (inner.type === AST_NODE_TYPES.Identifier) return inner.name;
  if (inner.type === AST_NODE_TYPES.MemberExpression) return staticPropertyName(inner);
  return undefined;
}

/**
 * How rule options name functions and objects: a plain name matches the expression's last name
 * (`track` matches `track` and `tasks.track`), a dotted name the whole expression, whose text the
 * caller gives as `dottedText` (e.g. `this.tasks.track`).
 */
export function matchesConfiguredName(names: Iterable<string>, node: TSESTree.Node, dottedText: string | undefined): boolean {
  const last = lastName(node);
  for (const name of names) {
    if (name.includes('.') ? name === dottedText : name === last) return true;
  }
  return false;
}

/** The key of a non-computed (or string-literal computed) object property. */
export function staticKeyName(property: TSESTree.Property | TSESTree.PropertyDefinition | TSESTree.MethodDefinition): string | undefined {
  const key = property.key;
  if (!property.computed && key.type === AST_NODE_TYPES.Identifier) return key.name;
  if (key.type === AST_NODE_TYPES.Literal && (typeof key.value === 'string' || typeof key.value === 'number')) {
    return String(key.value);
  }
  return undefined;
}

/** True when `name` at `node` is the global (not shadowed by any declaration in the file). */
export function isGlobalReference(sourceCode: SourceCode, node: TSESTree.Node, name: string): boolean {
  const variable = ASTUtils.findVariable(sourceCode.getScope(node), name);
  return variable === null || variable.defs.length === 0;
}

/** The variable an identifier refers to, if it is declared in this file. */
export function resolveVariable(sourceCode: SourceCode, identifier: TSESTree.Identifier): Variable | undefined {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  return variable && variable.defs.length > 0 ? variable : undefined;
}

/**
 * True when the variable holds the value of its declaration for its whole life: `const`, an
 * import, or a `let`/`var`/function declaration that is never assigned again.
 */
export function isEffectivelyConst(variable: Variable): boolean {
  const [def, ...otherDefs] = variable.defs;
  if (!def || otherDefs.length > 0) return false;
  if (def.type === DefinitionType.ImportBinding) return true;
  const neverReassigned = variable.references.every((ref) => !ref.isWrite() || ref.init === true);
  if (def.type === DefinitionType.FunctionName) return neverReassigned;
  if (def.type !== DefinitionType.Variable) return false;
  return def.parent.kind === 'const' || neverReassigned;
}

/** `require('m')` with the global `require` → `'m'`. */
function requiredSpecifier(sourceCode: SourceCode, node: TSESTree.Node): string | undefined {
  if (
    node.type !== AST_NODE_TYPES.CallExpression ||
    node.callee.type !== AST_NODE_TYPES.Identifier ||
    node.callee.name !== 'require' ||
    node.arguments.length !== 1
  ) {
    return undefined;
  }
  const [argument] = node.arguments;
  if (argument?.type === AST_NODE_TYPES.Literal && typeof argument.value === 'string') {
    return isGlobalReference(sourceCode, node, 'require') ? argument.value : undefined;
  }
  if (argument?.type === AST_NODE_TYPES.TemplateLiteral && argument.expressions.length === 0) {
    const value = argument.quasis[0]?.value.cooked;
    return value && isGlobalReference(sourceCode, node, 'require') ? value : undefined;
  }
  return undefined;
}

/** `await import('m')` → `'m'`. */
function dynamicImportSpecifier(node: TSESTree.Node): string | undefined {
  if (node.type !== AST_NODE_TYPES.AwaitExpression) return undefined;
  const argument = skipTypeWrappers(node.argument);
  if (argument.type !== AST_NODE_TYPES.ImportExpression) return undefined;
  const source = argument.source;
  return source.type === AST_NODE_TYPES.Literal && typeof source.value === 'string' ? source.value : undefined;
}

/**
 * The property path that leads from a destructuring pattern's root to `target`:
 * `{ promises: { setTimeout: wait } }` and `wait` → `['promises', 'setTimeout']`.
 * Undefined when `target` is not in the pattern or sits behind a computed key, array or rest element.
 */
export function destructuredPath(pattern: TSESTree.Node, target: TSESTree.Identifier): string[] | undefined {
  switch (pattern.type) {
    case AST_NODE_TYPES.Identifier:
      return pattern === target ? [] : undefined;
    case AST_NODE_TYPES.AssignmentPattern:
      return destructuredPath(pattern.left, target);
    case AST_NODE_TYPES.ObjectPattern:
      for (const property of pattern.properties) {
        if (property.type !== AST_NODE_TYPES.Property) continue;
        const inner = destructuredPath(property.value, target);
        if (!inner) continue;
        const key = staticKeyName(property);
        return key === undefined ? undefined : [key, ...inner];
      }
      return undefined;
    default:
      // Array patterns and rest elements do not name a module export.
      return undefined;
  }
}

/** Guards against `const a = b, b = a`-style cycles and absurd alias chains. */
const MAX_ALIAS_DEPTH = 8;

function referenceOfVariable(sourceCode: SourceCode, variable: Variable, depth: number): ModuleReference | undefined {
  if (!isEffectivelyConst(variable)) return undefined;
  const def = variable.defs[0];
  if (!def) return undefined;
  if (def.type === DefinitionType.ImportBinding) {
    const node = def.node;
    if (node.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
      const ref = node.moduleReference;
      if (ref.type !== AST_NODE_TYPES.TSExternalModuleReference || ref.expression.type !== AST_NODE_TYPES.Literal) {
        return undefined;
      }
      return makeReference(String(ref.expression.value), [], 'require');
    }
    const declaration = node.parent;
    if (declaration.type !== AST_NODE_TYPES.ImportDeclaration) return undefined;
    const specifier = declaration.source.value;
    switch (node.type) {
      case AST_NODE_TYPES.ImportDefaultSpecifier:
        return makeReference(specifier, ['default'], 'import');
      case AST_NODE_TYPES.ImportNamespaceSpecifier:
        return makeReference(specifier, [], 'import');
      case AST_NODE_TYPES.ImportSpecifier: {
        const imported = node.imported.type === AST_NODE_TYPES.Identifier ? node.imported.name : node.imported.value;
        return makeReference(specifier, [imported], 'import');
      }
    }
    return undefined;
  }
  if (def.type !== DefinitionType.Variable || !def.node.init || def.name.type !== AST_NODE_TYPES.Identifier) return undefined;
  const path = destructuredPath(def.node.id, def.name);
  if (!path) return undefined;
  const base = referenceOfExpression(sourceCode, def.node.init, depth + 1);
  return base && extendPath(base, path);
}

function extendPath(base: ModuleReference, path: readonly string[]): ModuleReference {
  return makeReference(base.module, [...base.path, ...path], base.via);
}

function referenceOfExpression(sourceCode: SourceCode, expression: TSESTree.Node, depth: number): ModuleReference | undefined {
  if (depth > MAX_ALIAS_DEPTH) return undefined;
  const node = skipTypeWrappers(expression);
  switch (node.type) {
    case AST_NODE_TYPES.Identifier: {
      const variable = resolveVariable(sourceCode, node);
      return variable && referenceOfVariable(sourceCode, variable, depth);
    }
    case AST_NODE_TYPES.MemberExpression: {
      const name = staticPropertyName(node);
      if (name === undefined) return undefined;
      const base = referenceOfExpression(sourceCode, node.object, depth + 1);
      return base && extendPath(base, [name]);
    }
    case AST_NODE_TYPES.CallExpression: {
      const specifier = requiredSpecifier(sourceCode, node);
      return specifier === undefined ? undefined : makeReference(specifier, [], 'require');
    }
    case AST_NODE_TYPES.AwaitExpression: {
      const specifier = dynamicImportSpecifier(node);
      return specifier === undefined ? undefined : makeReference(specifier, [], 'import');
    }
    default:
      return undefined;
  }
}

/**
 * Which module export an expression denotes, following imports (named, aliased, default,
 * namespace), `require` (whole, destructured at any depth, with aliases), `import x = require()`,
 * `await import()`, member access on any of these (`tp.setTimeout`, `require('m').x.y`) and
 * `const` aliases of all of them. Undefined for anything else, including reassigned variables.
 */
export function resolveModuleReference(sourceCode: SourceCode, expression: TSESTree.Node): ModuleReference | undefined {
  return referenceOfExpression(sourceCode, expression, 0);
}

export interface ModuleExportPattern {
  /** Module specifier; a `node:` prefix is ignored on both sides. */
  readonly module: string;
  /** Path inside the module object, e.g. `['setTimeout']` or `['scheduler', 'wait']`. */
  readonly path: readonly string[];
  /**
   * The module object is also its default export (CommonJS packages, Node.js built-ins):
   * then `['default', ...path]` matches too. Defaults to true because most npm packages that
   * are imported with a default import are CommonJS underneath.
   */
  readonly defaultIsModuleObject?: boolean;
}

/** True when `reference` denotes exactly the export described by `pattern`. */
export function matchesModuleExport(reference: ModuleReference | undefined, pattern: ModuleExportPattern): boolean {
  if (!reference || reference.module !== normalizeModuleSpecifier(pattern.module)) return false;
  const samePath = (path: readonly string[]): boolean =>
    path.length === reference.path.length && path.every((part, i) => part === reference.path[i]);
  if (samePath(pattern.path)) return true;
  return (pattern.defaultIsModuleObject ?? true) && samePath(['default', ...pattern.path]);
}
