/**
 * The README snippet harness: finds the READMEs and their code blocks, turns each block into a
 * module that imports the placeholders it uses, type-checks them with tsc, and drives the
 * handler snippets against real servers. Conventions: readme-snippets.test.ts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { CODE_LANGS, extractSnippets, type Snippet } from './extract.js';

export const repoRoot = path.resolve(import.meta.dirname, '../../../..');
export const placeholdersDir = path.join(import.meta.dirname, 'placeholders');
/** Generated snippet modules (git- and lint-ignored `.tmp/`). */
export const generatedDir = path.join(import.meta.dirname, '.tmp');

/** Every README the harness checks: the root one, each package's and each example's. */
export function readmes(): string[] {
  const inDirs = (dir: string) =>
    readdirSync(path.join(repoRoot, dir), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(repoRoot, dir, d.name, 'README.md')))
      .map((d) => `${dir}/${d.name}/README.md`);
  return ['README.md', ...inDirs('packages'), ...inDirs('examples')];
}

/**
 * The placeholders module of a README: `placeholders/root.ts` for README.md,
 * `placeholders/<package>.ts` for packages/<package>/README.md, `placeholders/example-<name>.ts`
 * for examples/<name>/README.md; `placeholders/common.ts` when that file does not exist.
 */
export function placeholdersFor(readme: string): string {
  const [dir, name] = readme.split('/');
  const base = readme === 'README.md' ? 'root' : dir === 'examples' ? `example-${name}` : (name ?? 'common');
  const file = path.join(placeholdersDir, `${base}.ts`);
  return existsSync(file) ? file : path.join(placeholdersDir, 'common.ts');
}

export type SnippetKind = 'module' | 'config' | 'skipped' | 'not-code';

/** An ESLint flat config file (`// eslint.config.js` on top, or `export default defineConfig(…)`). */
function isConfig(snippet: Snippet): boolean {
  if (!['js', 'javascript', 'mjs'].includes(snippet.lang)) return false;
  return /^\s*\/\/\s*eslint\.config\.[cm]?js/u.test(snippet.code) || /export default (defineConfig|tseslint\.config)\(/u.test(snippet.code);
}

export function kindOf(snippet: Snippet): SnippetKind {
  if (!CODE_LANGS.has(snippet.lang)) return 'not-code';
  if (snippet.skip !== undefined) return 'skipped';
  return isConfig(snippet) ? 'config' : 'module';
}

export function snippetId(snippet: Snippet): string {
  return `${snippet.readme}:${snippet.line}`;
}

export function allSnippets(): Snippet[] {
  return readmes().flatMap((readme) => extractSnippets(path.join(repoRoot, readme), readme));
}

// ---------------------------------------------------------------- names in code

function parse(code: string, fileName = 'snippet.ts'): ts.SourceFile {
  return ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** Every identifier in `code` (over-inclusive: property names too; harmless for imports). */
export function identifiersIn(code: string): Set<string> {
  const found = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) found.add(node.text);
    node.forEachChild(visit);
  };
  visit(parse(code));
  return found;
}

function bindingNames(name: ts.BindingName, into: string[]): void {
  if (ts.isIdentifier(name)) into.push(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(element.name, into);
}

/** Names the snippet declares at top level: `imports` (any import binding) and `values` (its own consts, functions, classes). */
export function topLevelNames(code: string): { imports: string[]; values: string[]; types: string[]; exported: string[] } {
  const imports: string[] = [];
  const values: string[] = [];
  const types: string[] = [];
  const exported: string[] = [];
  for (const statement of parse(code).statements) {
    const before = values.length;
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) imports.push(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) imports.push(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) imports.push(element.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bindingNames(declaration.name, values);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) {
      values.push(statement.name.text);
    } else if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && statement.name) {
      types.push(statement.name.text);
    }
    // `export class X` is exported by the snippet itself; the generated footer must not repeat it.
    if (ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) exported.push(...values.slice(before));
  }
  return { imports, values, types, exported };
}

/** The names a placeholders module exports, split into values and type-only names (follows `export *` of local modules). */
export function exportsOf(file: string, seen = new Set<string>()): { values: Set<string>; types: Set<string> } {
  const values = new Set<string>();
  const types = new Set<string>();
  if (seen.has(file)) return { values, types };
  seen.add(file);
  const source = parse(readFileSync(file, 'utf8'), file);
  const exported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (!clause && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text.startsWith('.')) {
        const inner = exportsOf(path.resolve(path.dirname(file), statement.moduleSpecifier.text.replace(/\.js$/u, '.ts')), seen);
        inner.values.forEach((v) => values.add(v));
        inner.types.forEach((t) => types.add(t));
      } else if (clause && ts.isNamedExports(clause)) {
        for (const element of clause.elements) (statement.isTypeOnly || element.isTypeOnly ? types : values).add(element.name.text);
      }
    } else if (ts.isVariableStatement(statement) && exported(statement)) {
      const names: string[] = [];
      for (const declaration of statement.declarationList.declarations) bindingNames(declaration.name, names);
      names.forEach((n) => values.add(n));
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name && exported(statement)) {
      values.add(statement.name.text);
    } else if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && exported(statement)) {
      types.add(statement.name.text);
    }
  }
  // A local value export shadows a star-exported type of the same name, and vice versa.
  for (const v of values) types.delete(v);
  return { values, types };
}

// ---------------------------------------------------------------- generated modules

/** Lines the generator puts before the snippet's first line. */
export const HEADER_LINES = 2;

export interface GeneratedModule {
  readonly snippet: Snippet;
  readonly file: string;
  readonly placeholders: string;
  /** Identifiers the snippet uses (to decide which servers to drive). */
  readonly uses: Set<string>;
}

/**
 * Writes `snippet` as a module: a header comment, one import of every placeholder it uses and
 * does not declare itself, the snippet verbatim, and an `export { … }` of its own top-level values
 * (so the harness can reach a server or gauge the snippet made itself).
 */
export function generateModule(snippet: Snippet): GeneratedModule {
  const placeholders = placeholdersFor(snippet.readme);
  const exported = exportsOf(placeholders);
  const uses = identifiersIn(snippet.code);
  const own = topLevelNames(snippet.code);
  const declared = new Set([...own.imports, ...own.values, ...own.types]);
  const wanted = (name: string) => uses.has(name) && !declared.has(name);
  const specifiers = [
    ...[...exported.values].filter(wanted).sort(),
    ...[...exported.types].filter(wanted).sort().map((t) => `type ${t}`),
  ];
  mkdirSync(generatedDir, { recursive: true });
  const slug = snippet.readme.replace(/README\.md$/u, '').replace(/[^A-Za-z0-9]+/gu, '-').replace(/^-|-$/gu, '') || 'root';
  const ext = ['js', 'javascript', 'mjs', 'jsx'].includes(snippet.lang) ? 'mjs' : 'ts';
  const file = path.join(generatedDir, `${slug}-L${snippet.line}.${ext}`);
  let importPath = path.relative(generatedDir, placeholders).replace(/\\/gu, '/').replace(/\.ts$/u, '.js');
  if (!importPath.startsWith('.')) importPath = `./${importPath}`;
  const header = [
    `// Generated by readme-snippets.test.ts from ${snippetId(snippet)}; edit the README, not this file.`,
    specifiers.length > 0 ? `import { ${specifiers.join(', ')} } from '${importPath}';` : '',
  ];
  const footer = `\nexport { ${own.values.filter((v) => !own.exported.includes(v)).join(', ')} };\n`;
  writeFileSync(file, `${header.join('\n')}\n${snippet.code}\n${footer}`);
  return { snippet, file, placeholders, uses };
}

// ---------------------------------------------------------------- type check

/** Declarations for the packages README snippets use that cannot be installed here (uWebSockets.js, Bun). */
const AMBIENT = path.join(import.meta.dirname, 'ambient/uws-bun.d.ts');

/** What a Nest project's tsconfig sets: the snippets are checked and transformed with it. */
const SNIPPET_OPTIONS = { experimentalDecorators: true, emitDecoratorMetadata: true } as const;

/**
 * A tsconfig.json next to the generated modules, so vitest's transform (oxc, which reads the
 * nearest tsconfig of each file) compiles their decorators as legacy ones: only these files.
 */
export function writeSnippetTsconfig(): void {
  mkdirSync(generatedDir, { recursive: true });
  const tsconfig = { extends: '../../../tsconfig.json', compilerOptions: SNIPPET_OPTIONS, include: ['*.ts', '*.mjs'] };
  writeFileSync(path.join(generatedDir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
}

/** tsc diagnostics of every generated module, as `README.md:123: message`, keyed by file. */
export function typeCheck(modules: readonly GeneratedModule[]): Map<string, string[]> {
  const configPath = path.join(repoRoot, 'packages/runtime/tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  // Nest snippets use legacy decorators, as every Nest project does (see writeSnippetTsconfig).
  const options: ts.CompilerOptions = { ...config?.options, ...SNIPPET_OPTIONS, noEmit: true, allowJs: true, checkJs: true, declaration: false, declarationMap: false, sourceMap: false };
  const program = ts.createProgram([...modules.map((m) => m.file), AMBIENT], options);
  const byFile = new Map<string, string[]>(modules.map((m) => [path.resolve(m.file), []]));
  const placeholderProblems: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const file = diagnostic.file ? path.resolve(diagnostic.file.fileName) : undefined;
    const module = modules.find((m) => path.resolve(m.file) === file);
    if (module && diagnostic.file && diagnostic.start !== undefined) {
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const readmeLine = line - HEADER_LINES + module.snippet.line;
      byFile.get(file!)!.push(`${module.snippet.readme}:${readmeLine}: TS${diagnostic.code}: ${message}`);
    } else {
      placeholderProblems.push(`${file ?? '(global)'}: TS${diagnostic.code}: ${message}`);
    }
  }
  // A broken placeholder breaks every snippet: report it on each.
  if (placeholderProblems.length > 0) for (const list of byFile.values()) list.push(...placeholderProblems);
  return byFile;
}
