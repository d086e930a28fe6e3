import { AST_NODE_TYPES, AST_TOKEN_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';

export const RUNTIME_MODULE = '@ghostguard/runtime';

type SourceCode = Readonly<TSESLint.SourceCode>;

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

function isRuntimeSource(node: TSESTree.Node | null | undefined): boolean {
  return node?.type === AST_NODE_TYPES.Literal && node.value === RUNTIME_MODULE;
}

/** `require('@ghostguard/runtime')`. */
function isRuntimeRequire(node: TSESTree.Node | null | undefined): node is TSESTree.CallExpression {
  return (
    node?.type === AST_NODE_TYPES.CallExpression &&
    node.callee.type === AST_NODE_TYPES.Identifier &&
    node.callee.name === 'require' &&
    node.arguments.length === 1 &&
    isRuntimeSource(node.arguments[0])
  );
}

function isRequireDeclaration(statement: TSESTree.ProgramStatement): boolean {
  return (
    statement.type === AST_NODE_TYPES.VariableDeclaration &&
    statement.declarations.some(
      (d) =>
        d.init?.type === AST_NODE_TYPES.CallExpression &&
        d.init.callee.type === AST_NODE_TYPES.Identifier &&
        d.init.callee.name === 'require',
    )
  );
}

/**
 * CommonJS when the parser says so (`sourceType: 'script'`, i.e. `.cjs` under flat config),
 * or when a module has no `import`/`export` but uses top-level `require` declarations.
 */
export function isCommonJs(sourceCode: SourceCode): boolean {
  const program = sourceCode.ast;
  if (program.sourceType === 'script') return true;
  const isModuleSyntax = (s: TSESTree.ProgramStatement): boolean =>
    s.type === AST_NODE_TYPES.ImportDeclaration ||
    s.type === AST_NODE_TYPES.ExportAllDeclaration ||
    s.type === AST_NODE_TYPES.ExportNamedDeclaration ||
    s.type === AST_NODE_TYPES.ExportDefaultDeclaration ||
    s.type === AST_NODE_TYPES.TSImportEqualsDeclaration ||
    s.type === AST_NODE_TYPES.TSExportAssignment;
  return !program.body.some(isModuleSyntax) && program.body.some(isRequireDeclaration);
}

/** Follows the file's own habits so the inserted line looks hand-written. */
function detectStyle(sourceCode: SourceCode, anchor: TSESTree.Node | undefined): Style {
  const firstString = sourceCode.ast.tokens.find((t) => t.type === AST_TOKEN_TYPES.String);
  const quote = firstString?.value.startsWith('"') ? '"' : "'";
  let semi = ';';
  const sample = anchor ?? sourceCode.ast.body[0];
  if (sample) {
    const last = sourceCode.getLastToken(sample);
    if (last && last.value !== ';' && sample.type !== AST_NODE_TYPES.FunctionDeclaration && sample.type !== AST_NODE_TYPES.ClassDeclaration) {
      semi = '';
    }
  }
  return { quote, semi };
}

/** Names bound at module scope (imports, declarations) that a new import would clash with. */
function moduleScopeNames(sourceCode: SourceCode): Set<string> {
  const names = new Set<string>();
  const scope = sourceCode.scopeManager?.globalScope;
  if (!scope) return names;
  for (const v of scope.variables) names.add(v.name);
  for (const child of scope.childScopes) {
    if (child.type === TSESLint.Scope.ScopeType.module) for (const v of child.variables) names.add(v.name);
  }
  return names;
}

function findRuntimeImport(program: TSESTree.Program): TSESTree.ImportDeclaration | undefined {
  return program.body.find(
    (s): s is TSESTree.ImportDeclaration =>
      s.type === AST_NODE_TYPES.ImportDeclaration && s.importKind !== 'type' && isRuntimeSource(s.source),
  );
}

function findRuntimeRequire(program: TSESTree.Program): TSESTree.VariableDeclarator | undefined {
  for (const s of program.body) {
    if (s.type !== AST_NODE_TYPES.VariableDeclaration) continue;
    const found = s.declarations.find((d) => isRuntimeRequire(d.init));
    if (found) return found;
  }
  return undefined;
}

/** Where a new import/require line goes: after the last one of its kind, else at the top. */
function insertionAnchor(program: TSESTree.Program, commonJs: boolean): TSESTree.ProgramStatement | undefined {
  const matches = program.body.filter((s) =>
    commonJs ? isRequireDeclaration(s) : s.type === AST_NODE_TYPES.ImportDeclaration,
  );
  if (matches.length > 0) return matches[matches.length - 1];
  if (commonJs) {
    // Keep `'use strict'` first.
    const directives = program.body.filter(
      (s) => s.type === AST_NODE_TYPES.ExpressionStatement && s.directive !== undefined,
    );
    return directives[directives.length - 1];
  }
  return undefined;
}

function insertLine(
  fixer: TSESLint.RuleFixer,
  program: TSESTree.Program,
  anchor: TSESTree.Node | undefined,
  line: string,
): TSESLint.RuleFix {
  if (anchor) return fixer.insertTextAfter(anchor, `\n${line}`);
  const first = program.body[0];
  // An empty program cannot contain a report, but keep the fixer total anyway.
  return first ? fixer.insertTextBefore(first, `${line}\n`) : fixer.insertTextAfterRange([0, 0], `${line}\n`);
}

/**
 * Plans how to make `names` from `@ghostguard/runtime` available at module scope: reuse an
 * existing import or `require`, extend it, or add a new one in the file's quote and semicolon
 * style. Returns `null` when a name is already taken by something else, so the caller can fall
 * back to a suggestion-free report instead of producing code that does not compile.
 */
export function planRuntimeImport(sourceCode: SourceCode, names: readonly string[]): RuntimeImportPlan | null {
  const program = sourceCode.ast;
  const refs: Record<string, string> = {};
  const missing: string[] = [];
  const commonJs = isCommonJs(sourceCode);
  const existingImport = commonJs ? undefined : findRuntimeImport(program);
  const existingRequire = commonJs ? findRuntimeRequire(program) : undefined;

  for (const name of names) {
    const ref = existingImport
      ? refFromImport(existingImport, name)
      : existingRequire
        ? refFromRequire(existingRequire, name)
        : undefined;
    if (ref) refs[name] = ref;
    else missing.push(name);
  }
  if (missing.length === 0) return { refs, fixes: () => [] };

  const taken = moduleScopeNames(sourceCode);
  if (missing.some((name) => taken.has(name))) return null;
  for (const name of missing) refs[name] = name;

  const anchor = insertionAnchor(program, commonJs);
  const style = detectStyle(sourceCode, anchor);
  const q = style.quote;

  const fixes = (fixer: TSESLint.RuleFixer): TSESLint.RuleFix[] => {
    if (existingImport) {
      const named = existingImport.specifiers.filter(
        (s): s is TSESTree.ImportSpecifier => s.type === AST_NODE_TYPES.ImportSpecifier,
      );
      const lastNamed = named[named.length - 1];
      if (lastNamed) return [fixer.insertTextAfter(lastNamed, `, ${missing.join(', ')}`)];
      if (named.length === 0 && existingImport.specifiers.length === 0) {
        // `import '@ghostguard/runtime'` or `import {} from ...`
        return [fixer.replaceText(existingImport, `import { ${missing.join(', ')} } from ${q}${RUNTIME_MODULE}${q}${style.semi}`)];
      }
      const defaultSpecifier = existingImport.specifiers.find((s) => s.type === AST_NODE_TYPES.ImportDefaultSpecifier);
      if (defaultSpecifier && existingImport.specifiers.length === 1) {
        return [fixer.insertTextAfter(defaultSpecifier, `, { ${missing.join(', ')} }`)];
      }
    }
    if (existingRequire?.id.type === AST_NODE_TYPES.ObjectPattern) {
      const props = existingRequire.id.properties;
      const last = props[props.length - 1];
      if (last && last.type !== AST_NODE_TYPES.RestElement) {
        return [fixer.insertTextAfter(last, `, ${missing.join(', ')}`)];
      }
    }
    const line = commonJs
      ? `const { ${missing.join(', ')} } = require(${q}${RUNTIME_MODULE}${q})${style.semi}`
      : `import { ${missing.join(', ')} } from ${q}${RUNTIME_MODULE}${q}${style.semi}`;
    return [insertLine(fixer, program, anchor, line)];
  };
  return { refs, fixes };
}

function refFromImport(declaration: TSESTree.ImportDeclaration, name: string): string | undefined {
  for (const s of declaration.specifiers) {
    if (s.type === AST_NODE_TYPES.ImportNamespaceSpecifier) return `${s.local.name}.${name}`;
    if (
      s.type === AST_NODE_TYPES.ImportSpecifier &&
      s.importKind !== 'type' &&
      (s.imported.type === AST_NODE_TYPES.Identifier ? s.imported.name : s.imported.value) === name
    ) {
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
      p.key.type === AST_NODE_TYPES.Identifier &&
      p.key.name === name &&
      p.value.type === AST_NODE_TYPES.Identifier
    ) {
      return p.value.name;
    }
  }
  return undefined;
}
