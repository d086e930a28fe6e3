import { AST_NODE_TYPES, AST_TOKEN_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

export const RUNTIME_MODULE = '@ghostguard/runtime';

type SourceCode = Readonly<TSESLint.SourceCode>;
const { ScopeType } = TSESLint.Scope;
type Statement = TSESTree.ProgramStatement;

/** How the file refers to each requested runtime export after the fix. */
export interface RuntimeImportPlan {
  /** Local expression for each requested export, e.g. `sleepUntilShutdown` or `gg.sleepUntilShutdown`. */
  readonly refs: Readonly<Record<string, string>>;
  /** Builds the fixes that add what is missing; empty when the file already imports everything. */
  fixes(fixer: TSESLint.RuleFixer): TSESLint.RuleFix[];
}

interface Style {
  quote: string;
  semi: string;
}

/**
 * Comments that target the line below them. A new line must not slip in between such a
 * comment and the statement it was written for.
 */
const NEXT_LINE_DIRECTIVE =
  /^\s*(?:eslint-disable-next-line\b|@ts-ignore\b|@ts-expect-error\b|prettier-ignore\b|biome-ignore\b|deno-lint-ignore\s|istanbul\s+ignore\b|c8\s+ignore\b|v8\s+ignore\b)/u;

/** Tokens that continue an expression across a newline when there is no semicolon (ASI hazards). */
const CONTINUATION_START = /^[([`+\-/*,.]/u;

/** `node:events` and `events` name the same built-in module; other specifiers must match exactly. */
function sameModule(specifier: string, module: string): boolean {
  const bare = (s: string): string => (s.startsWith('node:') ? s.slice('node:'.length) : s);
  return specifier === module || (module.startsWith('node:') && bare(specifier) === bare(module));
}

function isModuleSource(node: TSESTree.Node | null | undefined, module: string): node is TSESTree.StringLiteral {
  return node?.type === AST_NODE_TYPES.Literal && typeof node.value === 'string' && sameModule(node.value, module);
}

function isRequireCall(node: TSESTree.Node | null | undefined): node is TSESTree.CallExpression {
  return (
    node?.type === AST_NODE_TYPES.CallExpression &&
    node.callee.type === AST_NODE_TYPES.Identifier &&
    node.callee.name === 'require' &&
    node.arguments.length === 1 &&
    node.arguments[0]?.type === AST_NODE_TYPES.Literal &&
    typeof node.arguments[0].value === 'string'
  );
}

/** `require('x')`, also as the head of `require('x').y` / `require('x')()`. */
function startsWithRequire(node: TSESTree.Node | null | undefined): boolean {
  if (node?.type === AST_NODE_TYPES.MemberExpression) return startsWithRequire(node.object);
  if (node?.type !== AST_NODE_TYPES.CallExpression) return false;
  const callee = node.callee;
  return isRequireCall(node) || startsWithRequire(callee);
}

function isRequireDeclaration(statement: Statement): statement is TSESTree.VariableDeclaration {
  return (
    statement.type === AST_NODE_TYPES.VariableDeclaration &&
    statement.declarations.some((d) => startsWithRequire(d.init))
  );
}

function isDirective(statement: Statement): boolean {
  return statement.type === AST_NODE_TYPES.ExpressionStatement && statement.directive !== undefined;
}

function isModuleSyntax(statement: Statement): boolean {
  switch (statement.type) {
    case AST_NODE_TYPES.ImportDeclaration:
    case AST_NODE_TYPES.ExportAllDeclaration:
    case AST_NODE_TYPES.ExportNamedDeclaration:
    case AST_NODE_TYPES.ExportDefaultDeclaration:
    case AST_NODE_TYPES.TSImportEqualsDeclaration:
    case AST_NODE_TYPES.TSExportAssignment:
      return true;
    default:
      return false;
  }
}

/**
 * CommonJS when the parser says so (`sourceType: 'commonjs'`, i.e. `.cjs` under flat config), or
 * when a file without `import`/`export` uses `require`, `module` or `exports` (a `.js` file in
 * a CommonJS package is parsed as a module by default, yet an `import` would break it).
 */
export function isCommonJs(sourceCode: SourceCode): boolean {
  const program = sourceCode.ast;
  // typescript-eslint reports `.cjs` as 'script'; espree says 'commonjs'.
  if (program.sourceType !== 'module') return true;
  if (program.body.some(isModuleSyntax)) return false;
  if (program.body.some(isRequireDeclaration)) return true;
  const through = sourceCode.scopeManager?.globalScope?.through ?? [];
  return through.some((ref) => ['require', 'module', 'exports'].includes(ref.identifier.name));
}

/** Every name declared anywhere in the file, plus the globals it uses without declaring. */
function namesInUse(sourceCode: SourceCode): Set<string> {
  const names = new Set<string>();
  const manager = sourceCode.scopeManager;
  if (!manager) return names;
  for (const scope of manager.scopes) for (const variable of scope.variables) names.add(variable.name);
  for (const ref of manager.globalScope?.through ?? []) names.add(ref.identifier.name);
  return names;
}

/**
 * Names declared outside the file's top-level scopes. A reused local that one of these shadows
 * might not mean the runtime export at the fix site, so the plan gives up instead of guessing.
 */
function nestedNames(sourceCode: SourceCode): Set<string> {
  const names = new Set<string>();
  const manager = sourceCode.scopeManager;
  if (!manager) return names;
  for (const scope of manager.scopes) {
    const topLevel =
      scope.type === ScopeType.global ||
      scope.type === ScopeType.module ||
      // espree's CommonJS wrapper scope (`sourceType: 'commonjs'`)
      (scope.type === ScopeType.function && scope.block.type === AST_NODE_TYPES.Program);
    if (!topLevel) for (const variable of scope.variables) names.add(variable.name);
  }
  return names;
}

function importedName(specifier: TSESTree.ImportSpecifier): string {
  return specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
}

/** Value imports of the runtime (`import type` cannot be used at run time). */
function runtimeImports(program: TSESTree.Program, module: string): TSESTree.ImportDeclaration[] {
  return program.body.filter(
    (s): s is TSESTree.ImportDeclaration =>
      s.type === AST_NODE_TYPES.ImportDeclaration && s.importKind !== 'type' && isModuleSource(s.source, module),
  );
}

/** `import rt = require('@ghostguard/runtime')` in TypeScript. */
function runtimeImportEquals(program: TSESTree.Program, module: string): TSESTree.TSImportEqualsDeclaration | undefined {
  return program.body.find(
    (s): s is TSESTree.TSImportEqualsDeclaration =>
      s.type === AST_NODE_TYPES.TSImportEqualsDeclaration &&
      s.importKind !== 'type' &&
      s.moduleReference.type === AST_NODE_TYPES.TSExternalModuleReference &&
      isModuleSource(s.moduleReference.expression, module),
  );
}

/** Top-level `const x = require('@ghostguard/runtime')` / `const { … } = require(…)`. */
function runtimeRequires(program: TSESTree.Program, module: string): TSESTree.VariableDeclarator[] {
  const found: TSESTree.VariableDeclarator[] = [];
  for (const s of program.body) {
    if (s.type !== AST_NODE_TYPES.VariableDeclaration) continue;
    for (const d of s.declarations) {
      if (isRequireCall(d.init) && isModuleSource(d.init.arguments[0], module)) found.push(d);
    }
  }
  return found;
}

function refFromImport(declaration: TSESTree.ImportDeclaration, name: string): string | undefined {
  for (const s of declaration.specifiers) {
    if (s.type === AST_NODE_TYPES.ImportNamespaceSpecifier) return `${s.local.name}.${name}`;
    if (s.type === AST_NODE_TYPES.ImportSpecifier && s.importKind !== 'type' && importedName(s) === name) {
      return s.local.name;
    }
  }
  return undefined;
}

function refFromRequire(declarator: TSESTree.VariableDeclarator, name: string): string | undefined {
  if (declarator.id.type === AST_NODE_TYPES.Identifier) return `${declarator.id.name}.${name}`;
  if (declarator.id.type !== AST_NODE_TYPES.ObjectPattern) return undefined;
  for (const p of declarator.id.properties) {
    if (
      p.type === AST_NODE_TYPES.Property &&
      !p.computed &&
      ((p.key.type === AST_NODE_TYPES.Identifier && p.key.name === name) ||
        (p.key.type === AST_NODE_TYPES.Literal && p.key.value === name)) &&
      p.value.type === AST_NODE_TYPES.Identifier
    ) {
      return p.value.name;
    }
  }
  return undefined;
}

/** Statements after which a semicolon is optional; their last token reveals the file's style. */
function endsWithOptionalSemicolon(statement: Statement): boolean {
  switch (statement.type) {
    case AST_NODE_TYPES.ImportDeclaration:
    case AST_NODE_TYPES.VariableDeclaration:
    case AST_NODE_TYPES.ExpressionStatement:
    case AST_NODE_TYPES.ExportAllDeclaration:
    case AST_NODE_TYPES.TSImportEqualsDeclaration:
    case AST_NODE_TYPES.TSTypeAliasDeclaration:
    case AST_NODE_TYPES.TSExportAssignment:
      return true;
    case AST_NODE_TYPES.ExportNamedDeclaration:
      return statement.declaration === null || statement.declaration.type === AST_NODE_TYPES.VariableDeclaration;
    default:
      return false;
  }
}

/** Follows the file's own habits so the inserted line looks hand-written. */
function detectStyle(sourceCode: SourceCode): Style {
  const program = sourceCode.ast;
  const moduleSource = program.body
    .map((s) =>
      s.type === AST_NODE_TYPES.ImportDeclaration
        ? s.source
        : isRequireDeclaration(s)
          ? s.declarations.map((d) => d.init).find(isRequireCall)?.arguments[0]
          : undefined,
    )
    .find((source) => source !== undefined);
  const quoted =
    moduleSource && 'raw' in moduleSource
      ? moduleSource.raw
      : sourceCode.ast.tokens.find((t) => t.type === AST_TOKEN_TYPES.String)?.value;
  const quote = quoted?.startsWith('"') ? '"' : "'";

  // Skip the directive prologue: `'use strict'` is often written without a semicolon anyway.
  const sample = program.body.find((s) => !isDirective(s) && endsWithOptionalSemicolon(s));
  const semi = sample && sourceCode.getLastToken(sample)?.value !== ';' ? '' : ';';
  return { quote, semi };
}

/** A semicolon-free line that the next line would continue (`require(…)\n(foo)()`) needs one after all. */
function needsSemicolon(style: Style, line: string, next: TSESTree.Token | null): string {
  if (style.semi || !line.endsWith(')') || !next) return style.semi;
  return CONTINUATION_START.test(next.value) ? ';' : '';
}

/**
 * Where a new import/require line goes. ESM: after the last import (imports are hoisted, so
 * position does not matter to the code). CommonJS: after the leading run of `require`
 * declarations, so the new `const` is initialised before any top-level code can use it.
 * Either way after the directive prologue (`'use strict'`, `'use client'`).
 */
function insertionAnchor(program: TSESTree.Program, commonJs: boolean): Statement | undefined {
  let anchor: Statement | undefined;
  if (!commonJs) {
    for (const s of program.body) if (s.type === AST_NODE_TYPES.ImportDeclaration) anchor = s;
    if (anchor) return anchor;
  }
  for (const s of program.body) {
    if (isDirective(s) || (commonJs && isRequireDeclaration(s))) anchor = s;
    else break;
  }
  return anchor;
}

function isComment(token: TSESTree.Token | TSESTree.Comment): token is TSESTree.Comment {
  return token.type === AST_TOKEN_TYPES.Line || token.type === AST_TOKEN_TYPES.Block;
}

/** Inserts `line` on its own line after `anchor`, past comments trailing on the anchor's line. */
function insertAfter(sourceCode: SourceCode, fixer: TSESLint.RuleFixer, anchor: Statement, line: string, style: Style) {
  const last = sourceCode.getLastToken(anchor);
  const beforeLast = last && sourceCode.getTokenBefore(last, { includeComments: true });
  if (last?.value === ';' && beforeLast && last.loc.start.line > beforeLast.loc.end.line) {
    // Semicolon-free style guarding the next line (`require('a')\n;(…)()`): the `;` stays with that line.
    return fixer.insertTextAfterRange([beforeLast.range[1], beforeLast.range[1]], `\n${line}`);
  }
  let end = anchor.range[1];
  let next = sourceCode.getTokenAfter(anchor, { includeComments: true });
  // `import a from 'a'; // eslint-disable-line x` must keep its comment on its own line.
  while (next && isComment(next) && next.loc.start.line === anchor.loc.end.line) {
    end = next.range[1];
    next = sourceCode.getTokenAfter(next, { includeComments: true });
  }
  const nextCode = next && isComment(next) ? sourceCode.getTokenAfter(next) : next;
  return fixer.insertTextAfterRange([end, end], `\n${line}${needsSemicolon(style, line, nextCode)}`);
}

/** Inserts `line` before the first statement, but above the `eslint-disable-next-line`-style comments aimed at it. */
function insertAtTop(sourceCode: SourceCode, fixer: TSESLint.RuleFixer, line: string, style: Style) {
  const first = sourceCode.ast.body[0];
  if (!first) return fixer.insertTextAfterRange([0, 0], `${line}${style.semi}\n`);
  let start = first.range[0];
  let startLine = first.loc.start.line;
  const comments = sourceCode.getCommentsBefore(first);
  for (let i = comments.length - 1; i >= 0; i--) {
    const comment = comments[i];
    if (!comment || comment.loc.end.line !== startLine - 1 || !NEXT_LINE_DIRECTIVE.test(comment.value)) break;
    start = comment.range[0];
    startLine = comment.loc.start.line;
  }
  return fixer.insertTextBeforeRange([start, start], `${line}${needsSemicolon(style, line, sourceCode.getFirstToken(first))}\n`);
}

/** Adds `missing` to an existing `import … from '@ghostguard/runtime'`, or returns null when it cannot. */
function extendImport(
  sourceCode: SourceCode,
  fixer: TSESLint.RuleFixer,
  declaration: TSESTree.ImportDeclaration,
  missing: string,
): TSESLint.RuleFix | null {
  const specifiers = declaration.specifiers;
  const lastNamed = specifiers.findLast((s) => s.type === AST_NODE_TYPES.ImportSpecifier);
  if (lastNamed) return fixer.insertTextAfter(lastNamed, `, ${missing}`);
  if (specifiers.some((s) => s.type === AST_NODE_TYPES.ImportNamespaceSpecifier)) return null;
  const defaultSpecifier = specifiers.find((s) => s.type === AST_NODE_TYPES.ImportDefaultSpecifier);
  if (defaultSpecifier) {
    // `import rt from …` or `import rt, {} from …`
    const afterDefault = sourceCode.getTokenAfter(defaultSpecifier);
    const braces = afterDefault?.value === ',' ? sourceCode.getTokenAfter(afterDefault) : null;
    if (braces?.value === '{') {
      const close = sourceCode.getTokenAfter(braces);
      if (close?.value === '}') return fixer.replaceTextRange([braces.range[0], close.range[1]], `{ ${missing} }`);
    }
    return fixer.insertTextAfter(defaultSpecifier, `, { ${missing} }`);
  }
  // `import {} from …` or the side-effect form `import '…'` (kept: it still runs the module).
  const open = sourceCode.getTokenAfter(sourceCode.getFirstToken(declaration) ?? declaration);
  if (open?.value === '{') {
    const close = sourceCode.getTokenAfter(open);
    if (close?.value === '}') return fixer.replaceTextRange([open.range[0], close.range[1]], `{ ${missing} }`);
    return null;
  }
  return fixer.insertTextBefore(declaration.source, `{ ${missing} } from `);
}

/** Adds `missing` to `const { … } = require('@ghostguard/runtime')`, or returns null when it cannot. */
function extendRequire(
  fixer: TSESLint.RuleFixer,
  declarator: TSESTree.VariableDeclarator,
  missing: string,
): TSESLint.RuleFix | null {
  if (declarator.id.type !== AST_NODE_TYPES.ObjectPattern) return null;
  const props = declarator.id.properties;
  const last = props[props.length - 1];
  if (!last) return fixer.replaceText(declarator.id, `{ ${missing} }`);
  // Before a rest element, which must stay last.
  if (last.type === AST_NODE_TYPES.RestElement) return fixer.insertTextBefore(last, `${missing}, `);
  return fixer.insertTextAfter(last, `, ${missing}`);
}

/**
 * Plans how to make `names` from `@ghostguard/runtime` available at module scope: reuse an
 * existing import or `require` (also aliased or namespace forms), extend it, or add a new one
 * in the file's quote and semicolon style. Returns `null` when it cannot be done safely — a
 * name is already used for something else, or a reused local is shadowed somewhere — so the
 * caller reports without a fix instead of producing code that does not compile or means
 * something else.
 */
export function planRuntimeImport(sourceCode: SourceCode, names: readonly string[]): RuntimeImportPlan | null {
  return planModuleImport(sourceCode, RUNTIME_MODULE, names);
}

/**
 * {@link planRuntimeImport} for any module, e.g. `node:events` (which also reuses an existing
 * `import … from 'events'`). A new import or `require` names `module` as given.
 */
export function planModuleImport(sourceCode: SourceCode, module: string, names: readonly string[]): RuntimeImportPlan | null {
  const program = sourceCode.ast;
  const commonJs = isCommonJs(sourceCode);
  const imports = commonJs ? [] : runtimeImports(program, module);
  const importEquals = commonJs ? undefined : runtimeImportEquals(program, module);
  const requires = commonJs ? runtimeRequires(program, module) : [];

  const refs: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of new Set(names)) {
    const ref =
      imports.map((d) => refFromImport(d, name)).find(Boolean) ??
      (importEquals ? `${importEquals.id.name}.${name}` : undefined) ??
      requires.map((d) => refFromRequire(d, name)).find(Boolean);
    if (ref) refs[name] = ref;
    else missing.push(name);
  }

  const shadowed = nestedNames(sourceCode);
  if (Object.values(refs).some((ref) => shadowed.has(ref.split('.')[0] ?? ref))) return null;
  if (missing.length === 0) return { refs, fixes: () => [] };

  const inUse = namesInUse(sourceCode);
  if (missing.some((name) => inUse.has(name))) return null;
  for (const name of missing) refs[name] = name;

  const style = detectStyle(sourceCode);
  const list = missing.join(', ');
  const q = style.quote;

  const fixes = (fixer: TSESLint.RuleFixer): TSESLint.RuleFix[] => {
    for (const declaration of imports) {
      const fix = extendImport(sourceCode, fixer, declaration, list);
      if (fix) return [fix];
    }
    for (const declarator of requires) {
      const fix = extendRequire(fixer, declarator, list);
      if (fix) return [fix];
    }
    const line = commonJs
      ? `const { ${list} } = require(${q}${module}${q})`
      : `import { ${list} } from ${q}${module}${q}`;
    const anchor = insertionAnchor(program, commonJs);
    return [anchor ? insertAfter(sourceCode, fixer, anchor, line, style) : insertAtTop(sourceCode, fixer, line, style)];
  };
  return { refs, fixes };
}

/** The quote character the file uses for strings (the same one the inserted import uses). */
export function preferredQuote(sourceCode: SourceCode): string {
  return detectStyle(sourceCode).quote;
}
