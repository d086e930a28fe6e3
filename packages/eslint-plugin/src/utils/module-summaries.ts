/**
 * Module summaries: what the exports of another file of the same project are, read from disk
 * without type information, so that rules linting one file can tell that `sleep` imported from
 * `./util` sleeps or that `queue.add()` of a class defined elsewhere returns a promise.
 *
 * - Scope: relative imports (`./x`, `../x`, `.`), and bare specifiers that resolve through
 *   `node_modules` to a directory inside the project root (workspace packages). Never anything
 *   outside the project root (see {@link projectRootOf}).
 * - Each module is read and parsed once per process (espree for JavaScript, typescript-estree `parse`
 *   for TypeScript; no types, no scope
 *   analysis) and cached by path, modification time and size; the cache is bounded in modules and
 *   bytes. A missing, unreadable, huge or unparsable module is "unknown", never an error.
 * - An export's summary depends only on files on disk: answers computed while a dependency cycle
 *   was being resolved are not cached (see `Resolution`), so a file's result never depends on the
 *   order in which files are linted, under `--cache` or `--concurrency` alike (state is per process).
 */
import { statSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AST_NODE_TYPES, AST_TOKEN_TYPES, type TSESTree } from '@typescript-eslint/utils';
import type { AnyRuleContext } from './type-services.js';
import { skipTypeWrappers } from './module-bindings.js';
import { alwaysExits } from './statement-exits.js';
import localRequire from './local-require.cjs';

// ------------------------------------------------------------------------------------------------
// Public shapes
// ------------------------------------------------------------------------------------------------

/** A function that resolves after a timer: which argument is the delay. */
export interface SleepShape {
  /** Index of the parameter that is the delay in milliseconds. */
  readonly delayParam: number;
  /** The delay parameter has a (non-zero) default, so a call without it still sleeps. */
  readonly delayHasDefault: boolean;
  /** Index of a parameter that can carry an AbortSignal (`signal`, `abortController`, `{ signal }`). */
  readonly signalParam?: number;
  /** The whole body is the sleep (`(ms) => new Promise(r => setTimeout(r, ms))`): a call can be replaced. */
  readonly exact: boolean;
}

export type MetricType = 'Counter' | 'Gauge' | 'Histogram' | 'Summary';

export type ExportSummary =
  | {
      readonly kind: 'function';
      /** Async, `Promise<…>`-annotated, `@returns {Promise}`, or every path returns a promise. */
      readonly returnsPromise: boolean;
      readonly sleep?: SleepShape;
    }
  | {
      readonly kind: 'class';
      /** Instance methods and function-valued fields. */
      readonly instance: ReadonlyMap<string, ExportSummary>;
      readonly statics: ReadonlyMap<string, ExportSummary>;
    }
  | {
      /** `module.exports = { … }`, a module namespace, or an instance (`export default new Queue()`). */
      readonly kind: 'object';
      readonly members: ReadonlyMap<string, ExportSummary>;
    }
  | {
      /** A prom-client metric created at module level (`export const hits = new Counter({ … })`). */
      readonly kind: 'metric';
      readonly metricType: MetricType;
      /** `name` when it is a string literal. */
      readonly name?: string;
      /** `labelNames` when it is an array of string literals. */
      readonly labelNames?: readonly string[];
    }
  | {
      /**
       * An instance of a class or interface declared in a module (a field typed `store: Store`, a
       * value `new Store()`): its members come from {@link ModuleSummaries.membersOf}.
       */
      readonly kind: 'instance';
      readonly file: string;
      /** The class's or interface's top-level name in `file`. */
      readonly local: string;
    }
  | { readonly kind: 'other' };

/** Counters for benchmarks and tests (per process). */
export interface SummaryCounters {
  /** Module lookups answered from the cache (the file was unchanged on disk). */
  cacheHits: number;
  /** Files read and parsed for summaries. */
  filesParsed: number;
  /** Files that could not be read or parsed, or were too large (each counted once per version). */
  filesUnknown: number;
  /** Export summaries computed (cache misses at export level). */
  exportsComputed: number;
}

/** What a rule asks: the summary of the export at `path` (as in `ModuleReference`) of `specifier`. */
export interface ModuleSummaries {
  /**
   * The summary of `specifier`'s export at `exportPath` as imported from the file being linted:
   * `['sleep']` for `import { sleep }` / `require('./x').sleep`, `['default']` for a default import,
   * `[]` for a namespace import or a whole `require`. Undefined when unknown (not resolvable on
   * disk inside the project root, unreadable, unparsable, or not found in the module).
   */
  exportOf(specifier: string, exportPath: readonly string[]): ExportSummary | undefined;
  /** Whether `specifier` is one summaries may look at (relative or a workspace package on disk). */
  isLocalSpecifier(specifier: string): boolean;
  /**
   * The members a value described by `summary` has: an object's properties, a class's static
   * members, and for an `instance`, its class's (or interface's) instance members.
   */
  membersOf(summary: ExportSummary | undefined): ReadonlyMap<string, ExportSummary> | undefined;
  /** The instance members of objects created by the class `summary` describes (`new C()`). */
  instanceMembersOf(summary: ExportSummary | undefined): ReadonlyMap<string, ExportSummary> | undefined;
}

// ------------------------------------------------------------------------------------------------
// Limits
// ------------------------------------------------------------------------------------------------

/** Files larger than this are not parsed (generated bundles, vendored code). */
export const MAX_SUMMARY_FILE_BYTES = 512 * 1024;
const MAX_CACHED_MODULES = 2000;
const MAX_CACHED_BYTES = 48 * 1024 * 1024;
/** Functions longer than this (in characters) are not examined for a sleep: helpers are short. */
const MAX_SLEEP_HELPER_CHARS = 1200;
/** How many modules/aliases one question may cross (re-export chains, alias chains). */
const MAX_DEPTH = 12;

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.d.ts'];
/** `./x.js` written for `./x.ts` (TypeScript's NodeNext style). */
const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

const PROMISE_ANNOTATION_NAMES = new Set(['Promise', 'PromiseLike']);
const JSDOC_RETURNS_PROMISE = /@returns?\s*\{\s*(?:Promise|PromiseLike)\b/;
const METRIC_TYPES = new Set<string>(['Counter', 'Gauge', 'Histogram', 'Summary']);
const PROMISE_STATICS = new Set(['all', 'allSettled', 'any', 'race', 'reject', 'resolve', 'try']);
const SIGNAL_PARAM = /signal|abort|controller|cancel/i;

// ------------------------------------------------------------------------------------------------
// Parsing (lazy: plain-JavaScript users may not have `typescript` installed; JavaScript goes to espree)
// ------------------------------------------------------------------------------------------------

type ParseFunction = (code: string, options: Record<string, unknown>) => TSESTree.Program;
let typescriptParse: ParseFunction | null | undefined;
let espreeParse: ParseFunction | null | undefined;

/** typescript-estree, for TypeScript (and JavaScript espree rejects). */
function loadTypeScriptParser(): ParseFunction | null {
  if (typescriptParse !== undefined) return typescriptParse;
  try {
    const require = localRequire;
    typescriptParse = (require('@typescript-eslint/typescript-estree') as { parse: ParseFunction }).parse;
  } catch {
    typescriptParse = null;
  }
  return typescriptParse;
}

/** espree, ESLint's own parser (several times faster than typescript-estree on JavaScript). */
function loadEspree(): ParseFunction | null {
  if (espreeParse !== undefined) return espreeParse;
  try {
    const require = localRequire;
    const fromEslint = createRequire(require.resolve('eslint'));
    espreeParse = (fromEslint('espree') as { parse: ParseFunction }).parse;
  } catch {
    espreeParse = null;
  }
  return espreeParse;
}

function tryParse(parse: ParseFunction | null, text: string, options: Record<string, unknown>): TSESTree.Program | undefined {
  if (!parse) return undefined;
  try {
    return parse(text, options);
  } catch {
    return undefined;
  }
}

function parseModule(file: string, text: string): TSESTree.Program | undefined {
  const isTs = /\.[cm]?tsx?$/.test(file);
  if (!isTs) {
    const espree = loadEspree();
    const options = { ecmaVersion: 'latest', range: true, comment: true, ecmaFeatures: { jsx: true } };
    const program =
      tryParse(espree, text, { ...options, sourceType: 'module' }) ??
      tryParse(espree, text, { ...options, sourceType: 'commonjs' }) ??
      tryParse(espree, text, { ...options, sourceType: 'script' });
    if (program) return program;
  }
  const typescript = loadTypeScriptParser();
  // TypeScript states return types in annotations, so its comments (JSDoc) are not collected; and
  // TypeScript's own JSDoc parsing would only cost time.
  const options = { comment: !isTs, range: true, loc: false, tokens: false, filePath: file, jsDocParsingMode: 'none' };
  const jsx = file.endsWith('.tsx') || !isTs;
  return tryParse(typescript, text, { ...options, jsx }) ?? (jsx && !isTs ? tryParse(typescript, text, { ...options, jsx: false }) : undefined);
}

// ------------------------------------------------------------------------------------------------
// The per-process store
// ------------------------------------------------------------------------------------------------

/** A binding in a module's top level: what a name stands for. */
type Binding =
  | { readonly kind: 'node'; readonly node: TSESTree.Node }
  | { readonly kind: 'import'; readonly specifier: string; readonly path: readonly string[] };

interface ModuleRecord {
  readonly file: string;
  readonly mtimeMs: number;
  readonly size: number;
  /** Undefined when the file could not be parsed. */
  readonly info: ModuleInfo | undefined;
  /** Export summaries by path key, valid for `epoch`. */
  exports: Map<string, ExportSummary | null>;
  epoch: number;
}

interface ModuleInfo {
  readonly program: TSESTree.Program;
  readonly comments: readonly TSESTree.Comment[];
  /** Top-level names. */
  readonly locals: Map<string, Binding>;
  /** ESM exports and `exports.x = …`. */
  readonly named: Map<string, Binding>;
  /** `export * from './x'` specifiers. */
  readonly stars: string[];
  /** `module.exports = value` (the last one). */
  readonly cjsWhole?: TSESTree.Node;
  /** `export default value`. */
  readonly esmDefault?: TSESTree.Node;
  readonly isCommonJs: boolean;
}

const cache = new Map<string, ModuleRecord>();
let cachedBytes = 0;
/** Bumped whenever a cached file changed on disk: export answers may depend on it. */
let epoch = 0;
const counters: SummaryCounters = { cacheHits: 0, filesParsed: 0, filesUnknown: 0, exportsComputed: 0 };

/** Cache counters of this process (a copy). */
export function summaryCounters(): SummaryCounters {
  return { ...counters };
}

/** Empties the cache and counters (tests, benchmarks). */
export function resetModuleSummaries(): void {
  cache.clear();
  aliasesByDirectory.clear();
  cachedBytes = 0;
  epoch += 1;
  counters.cacheHits = 0;
  counters.filesParsed = 0;
  counters.filesUnknown = 0;
  counters.exportsComputed = 0;
}

function evictIfNeeded(): void {
  // Map iteration order is insertion order; hits re-insert, so the first entries are least recently used.
  for (const [file, record] of cache) {
    if (cache.size <= MAX_CACHED_MODULES && cachedBytes <= MAX_CACHED_BYTES) return;
    cache.delete(file);
    cachedBytes -= record.size;
  }
}

/** The record of `file` (an absolute, resolved path), from cache when unchanged on disk. */
function loadRecord(file: string): ModuleRecord | undefined {
  let stats;
  try {
    stats = statSync(file);
  } catch {
    return undefined;
  }
  if (!stats.isFile()) return undefined;
  const cached = cache.get(file);
  if (cached && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) {
    counters.cacheHits += 1;
    cache.delete(file);
    cache.set(file, cached);
    return cached;
  }
  if (cached) {
    cache.delete(file);
    cachedBytes -= cached.size;
    epoch += 1;
  }
  let info: ModuleInfo | undefined;
  if (stats.size <= MAX_SUMMARY_FILE_BYTES) {
    try {
      const text = readFileSync(file, 'utf8');
      const program = parseModule(file, text);
      counters.filesParsed += 1;
      info = program && collectModuleInfo(program);
    } catch {
      info = undefined;
    }
  }
  if (!info) counters.filesUnknown += 1;
  const record: ModuleRecord = { file, mtimeMs: stats.mtimeMs, size: stats.size, info, exports: new Map(), epoch };
  cache.set(file, record);
  cachedBytes += stats.size;
  evictIfNeeded();
  return record;
}

// ------------------------------------------------------------------------------------------------
// Resolution of specifiers to files
// ------------------------------------------------------------------------------------------------

/**
 * The project root summaries may read under: ESLint's working directory when the linted file is
 * inside it (the usual case: `eslint .` from the repository root, editors open the workspace);
 * otherwise the nearest directory above the file that has a `package.json`.
 */
export function projectRootOf(filename: string, cwd: string): string | undefined {
  const file = path.resolve(filename);
  const root = path.resolve(cwd);
  if (isInside(file, root) && root !== path.parse(root).root) return root;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (isFile(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function isInside(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function isRelativeSpecifier(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
}

/** `./x` → `x.ts`, `x.js`, `x/index.ts`…; `./x.js` → `x.ts` first. */
function resolveFileCandidates(base: string): string | undefined {
  const extension = path.extname(base);
  const tsAlternatives = JS_TO_TS[extension];
  if (tsAlternatives) {
    const stem = base.slice(0, -extension.length);
    for (const alternative of tsAlternatives) if (isFile(stem + alternative)) return stem + alternative;
  }
  if (extension && isFile(base)) return base;
  for (const candidate of SOURCE_EXTENSIONS) if (isFile(base + candidate)) return base + candidate;
  if (isDirectory(base)) return resolvePackageDirectory(base) ?? indexOf(base);
  return undefined;
}

function indexOf(dir: string): string | undefined {
  for (const candidate of SOURCE_EXTENSIONS) {
    const file = path.join(dir, `index${candidate}`);
    if (isFile(file)) return file;
  }
  return undefined;
}

/** A directory with a `package.json`: its `source`, `types`, `module` or `main` entry, source preferred. */
function resolvePackageDirectory(dir: string): string | undefined {
  const manifestPath = path.join(dir, 'package.json');
  if (!isFile(manifestPath)) return undefined;
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  for (const field of ['source', 'types', 'typings', 'module', 'main']) {
    const entry = manifest[field];
    if (typeof entry !== 'string') continue;
    const resolved = resolveFileCandidates(path.resolve(dir, entry.replace(/\.d\.ts$/, '')));
    if (resolved) return resolved;
  }
  return indexOf(dir) ?? indexOf(path.join(dir, 'src'));
}

/** `@scope/name/sub` → `['@scope/name', 'sub']`. */
function splitPackageSpecifier(specifier: string): [string, string] | undefined {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  if (parts.length < nameLength || parts.slice(0, nameLength).some((p) => !p)) return undefined;
  return [parts.slice(0, nameLength).join('/'), parts.slice(nameLength).join('/')];
}

/** A bare specifier whose `node_modules` entry is (a link to) a directory inside the project root. */
function resolveWorkspacePackage(fromDir: string, specifier: string, root: string): string | undefined {
  const split = splitPackageSpecifier(specifier);
  if (!split) return undefined;
  const [name, subpath] = split;
  for (let dir = fromDir; isInside(dir, root) || dir === root; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (isDirectory(candidate)) {
      let real: string;
      try {
        real = realpathSync(candidate);
      } catch {
        return undefined;
      }
      // Installed packages (inside node_modules after following links) are not project source.
      if (!isInside(real, root) || real.split(path.sep).includes('node_modules')) return undefined;
      return subpath ? resolveFileCandidates(path.join(real, subpath)) : resolvePackageDirectory(real);
    }
    if (dir === root) break;
  }
  return undefined;
}

/** `compilerOptions.paths` of the nearest `tsconfig.json`/`jsconfig.json`, with the directory they are relative to. */
interface PathAliases {
  readonly base: string;
  readonly paths: readonly (readonly [string, readonly string[]])[];
}

const aliasesByDirectory = new Map<string, PathAliases | null>();

/** Reads a tsconfig (JSON with comments and trailing commas) with TypeScript's own reader. */
function readConfigFile(file: string): Record<string, unknown> | undefined {
  try {
    const require = localRequire;
    const ts = require('typescript') as { parseConfigFileTextToJson(name: string, text: string): { config?: unknown } };
    const { config } = ts.parseConfigFileTextToJson(file, readFileSync(file, 'utf8'));
    return typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function aliasesOfConfig(file: string, root: string, depth = 0): PathAliases | undefined {
  const config = readConfigFile(file);
  if (!config) return undefined;
  const options = (config['compilerOptions'] ?? {}) as Record<string, unknown>;
  const paths = options['paths'];
  if (typeof paths === 'object' && paths !== null) {
    const baseUrl = typeof options['baseUrl'] === 'string' ? options['baseUrl'] : '.';
    const entries = Object.entries(paths as Record<string, unknown>)
      .filter((entry): entry is [string, string[]] => Array.isArray(entry[1]) && entry[1].every((t) => typeof t === 'string'));
    return { base: path.resolve(path.dirname(file), baseUrl), paths: entries };
  }
  // `extends: "./tsconfig.base.json"` inside the project.
  const parent = config['extends'];
  if (typeof parent === 'string' && isRelativeSpecifier(parent) && depth < 3) {
    const parentFile = path.resolve(path.dirname(file), parent.endsWith('.json') ? parent : `${parent}.json`);
    if (isInside(parentFile, root) && isFile(parentFile)) return aliasesOfConfig(parentFile, root, depth + 1);
  }
  return undefined;
}

function pathAliasesFor(fromDir: string, root: string): PathAliases | undefined {
  const cached = aliasesByDirectory.get(fromDir);
  if (cached !== undefined) return cached ?? undefined;
  let found: PathAliases | undefined;
  for (const name of ['tsconfig.json', 'jsconfig.json']) {
    const file = path.join(fromDir, name);
    if (isFile(file)) {
      found = aliasesOfConfig(file, root);
      if (found) break;
    }
  }
  if (!found && fromDir !== root && isInside(fromDir, root)) found = pathAliasesFor(path.dirname(fromDir), root);
  aliasesByDirectory.set(fromDir, found ?? null);
  return found;
}

/** `@util/sleep` through `"paths": { "@util/*": ["./src/util/*"] }`. */
function resolvePathAlias(fromDir: string, specifier: string, root: string): string | undefined {
  const aliases = pathAliasesFor(fromDir, root);
  if (!aliases) return undefined;
  for (const [pattern, targets] of aliases.paths) {
    const star = pattern.indexOf('*');
    let captured: string | undefined;
    if (star < 0) captured = pattern === specifier ? '' : undefined;
    else {
      const prefix = pattern.slice(0, star);
      const suffix = pattern.slice(star + 1);
      if (specifier.startsWith(prefix) && specifier.endsWith(suffix) && specifier.length >= prefix.length + suffix.length) {
        captured = specifier.slice(prefix.length, specifier.length - suffix.length);
      }
    }
    if (captured === undefined) continue;
    for (const target of targets) {
      const file = resolveFileCandidates(path.resolve(aliases.base, target.replace('*', captured)));
      if (file) return file;
    }
  }
  return undefined;
}

function resolveSpecifier(fromFile: string, specifier: string, root: string): string | undefined {
  if (specifier.startsWith('node:')) return undefined;
  const fromDir = path.dirname(fromFile);
  let file: string | undefined;
  if (isRelativeSpecifier(specifier)) file = resolveFileCandidates(path.resolve(fromDir, specifier));
  else if (!path.isAbsolute(specifier)) file = resolvePathAlias(fromDir, specifier, root) ?? resolveWorkspacePackage(fromDir, specifier, root);
  if (!file) return undefined;
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return undefined;
  }
  return isInside(real, root) ? real : undefined;
}

// ------------------------------------------------------------------------------------------------
// Collecting a module's top level
// ------------------------------------------------------------------------------------------------

function stringValue(node: TSESTree.Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') return node.value;
  if (node.type === AST_NODE_TYPES.TemplateLiteral && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}


function propertyName(member: TSESTree.MemberExpression): string | undefined {
  if (!member.computed) return member.property.type === AST_NODE_TYPES.Identifier ? member.property.name : undefined;
  return stringValue(member.property);
}

function keyName(node: { key: TSESTree.Node; computed: boolean }): string | undefined {
  if (!node.computed && node.key.type === AST_NODE_TYPES.Identifier) return node.key.name;
  if (node.key.type === AST_NODE_TYPES.PrivateIdentifier) return `#${node.key.name}`;
  if (node.key.type === AST_NODE_TYPES.Literal && (typeof node.key.value === 'string' || typeof node.key.value === 'number')) {
    return String(node.key.value);
  }
  return undefined;
}

/** `require('x')` → `'x'`. */
function requireSpecifier(node: TSESTree.Node): string | undefined {
  const call = skipTypeWrappers(node);
  if (
    call.type !== AST_NODE_TYPES.CallExpression ||
    call.callee.type !== AST_NODE_TYPES.Identifier ||
    call.callee.name !== 'require' ||
    call.arguments.length !== 1
  ) {
    return undefined;
  }
  return stringValue(call.arguments[0]);
}

/** `require('x').a.b` → `{ specifier: 'x', path: ['a', 'b'] }`. */
function requirePath(node: TSESTree.Node): { specifier: string; path: string[] } | undefined {
  const inner = skipTypeWrappers(node);
  const specifier = requireSpecifier(inner);
  if (specifier !== undefined) return { specifier, path: [] };
  if (inner.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const name = propertyName(inner);
  const base = name === undefined ? undefined : requirePath(inner.object);
  return base && name !== undefined ? { specifier: base.specifier, path: [...base.path, name] } : undefined;
}

/** Every identifier a destructuring pattern binds, with its property path. */
function patternBindings(pattern: TSESTree.Node, prefix: string[], out: [string, string[]][]): void {
  switch (pattern.type) {
    case AST_NODE_TYPES.Identifier:
      out.push([pattern.name, prefix]);
      return;
    case AST_NODE_TYPES.AssignmentPattern:
      patternBindings(pattern.left, prefix, out);
      return;
    case AST_NODE_TYPES.ObjectPattern:
      for (const property of pattern.properties) {
        if (property.type !== AST_NODE_TYPES.Property) continue;
        const key = keyName(property);
        if (key !== undefined) patternBindings(property.value, [...prefix, key], out);
      }
      return;
    default:
      return;
  }
}

function isModuleExports(node: TSESTree.Node): boolean {
  return (
    node.type === AST_NODE_TYPES.MemberExpression &&
    node.object.type === AST_NODE_TYPES.Identifier &&
    node.object.name === 'module' &&
    propertyName(node) === 'exports'
  );
}

function isExportsObject(node: TSESTree.Node): boolean {
  return (node.type === AST_NODE_TYPES.Identifier && node.name === 'exports') || isModuleExports(node);
}

function addDeclaration(locals: Map<string, Binding>, declaration: TSESTree.Node): string[] {
  switch (declaration.type) {
    case AST_NODE_TYPES.FunctionDeclaration:
    case AST_NODE_TYPES.TSDeclareFunction:
    case AST_NODE_TYPES.ClassDeclaration:
    case AST_NODE_TYPES.TSInterfaceDeclaration:
      if (declaration.id) {
        // Overloads: keep the implementation (the declaration with a body comes last).
        locals.set(declaration.id.name, { kind: 'node', node: declaration });
        return [declaration.id.name];
      }
      return [];
    case AST_NODE_TYPES.VariableDeclaration: {
      const names: string[] = [];
      for (const declarator of declaration.declarations) {
        if (!declarator.init) continue;
        if (declarator.id.type === AST_NODE_TYPES.Identifier) {
          const required = requirePath(declarator.init);
          locals.set(
            declarator.id.name,
            required ? { kind: 'import', specifier: required.specifier, path: required.path } : { kind: 'node', node: declarator.init },
          );
          names.push(declarator.id.name);
          continue;
        }
        const required = requirePath(declarator.init);
        if (!required) continue;
        const bound: [string, string[]][] = [];
        patternBindings(declarator.id, [], bound);
        for (const [name, subpath] of bound) {
          locals.set(name, { kind: 'import', specifier: required.specifier, path: [...required.path, ...subpath] });
          names.push(name);
        }
      }
      return names;
    }
    default:
      return [];
  }
}

function collectModuleInfo(program: TSESTree.Program): ModuleInfo {
  const locals = new Map<string, Binding>();
  const named = new Map<string, Binding>();
  const stars: string[] = [];
  let cjsWhole: TSESTree.Node | undefined;
  let esmDefault: TSESTree.Node | undefined;
  let isCommonJs = false;
  /** `export { a as b }` without `from`: resolved against locals after the walk (hoisting). */
  const localExports: [string, string][] = [];

  for (const statement of program.body) {
    switch (statement.type) {
      case AST_NODE_TYPES.ImportDeclaration: {
        // Type-only imports too: a field typed with an imported interface names its members.
        const specifier = statement.source.value;
        for (const s of statement.specifiers) {
          if (s.type === AST_NODE_TYPES.ImportDefaultSpecifier) locals.set(s.local.name, { kind: 'import', specifier, path: ['default'] });
          else if (s.type === AST_NODE_TYPES.ImportNamespaceSpecifier) locals.set(s.local.name, { kind: 'import', specifier, path: [] });
          else {
            const imported = s.imported.type === AST_NODE_TYPES.Identifier ? s.imported.name : s.imported.value;
            locals.set(s.local.name, { kind: 'import', specifier, path: [imported] });
          }
        }
        break;
      }
      case AST_NODE_TYPES.TSImportEqualsDeclaration:
        if (
          statement.moduleReference.type === AST_NODE_TYPES.TSExternalModuleReference &&
          statement.moduleReference.expression.type === AST_NODE_TYPES.Literal
        ) {
          locals.set(statement.id.name, { kind: 'import', specifier: String(statement.moduleReference.expression.value), path: [] });
        }
        break;
      case AST_NODE_TYPES.ExportAllDeclaration:
        if (statement.exportKind === 'type') break;
        if (statement.exported) {
          const exported = statement.exported as TSESTree.Identifier | TSESTree.StringLiteral;
          const name = exported.type === AST_NODE_TYPES.Identifier ? exported.name : exported.value;
          named.set(name, { kind: 'import', specifier: statement.source.value, path: [] });
        } else {
          stars.push(statement.source.value);
        }
        break;
      case AST_NODE_TYPES.ExportNamedDeclaration:
        // `export interface I {}` is a type export, but its members are what typed fields use.
        if (statement.exportKind === 'type' && statement.declaration?.type !== AST_NODE_TYPES.TSInterfaceDeclaration) break;
        if (statement.declaration) {
          for (const name of addDeclaration(locals, statement.declaration)) named.set(name, locals.get(name) as Binding);
          break;
        }
        for (const s of statement.specifiers) {
          const local = s.local.type === AST_NODE_TYPES.Identifier ? s.local.name : s.local.value;
          const exported = s.exported.type === AST_NODE_TYPES.Identifier ? s.exported.name : s.exported.value;
          if (statement.source) named.set(exported, { kind: 'import', specifier: statement.source.value, path: [local] });
          else localExports.push([exported, local]);
        }
        break;
      case AST_NODE_TYPES.ExportDefaultDeclaration:
        esmDefault = statement.declaration;
        if (
          (statement.declaration.type === AST_NODE_TYPES.FunctionDeclaration || statement.declaration.type === AST_NODE_TYPES.ClassDeclaration) &&
          statement.declaration.id
        ) {
          addDeclaration(locals, statement.declaration);
        }
        break;
      case AST_NODE_TYPES.TSExportAssignment:
        cjsWhole = statement.expression;
        isCommonJs = true;
        break;
      case AST_NODE_TYPES.ExpressionStatement: {
        const expression = statement.expression;
        if (expression.type !== AST_NODE_TYPES.AssignmentExpression || expression.operator !== '=') break;
        const assignsExports = collectCommonJsAssignment(expression, named, (whole) => {
          cjsWhole = whole;
        });
        if (assignsExports) isCommonJs = true;
        break;
      }
      default:
        addDeclaration(locals, statement);
    }
  }
  for (const [exported, local] of localExports) {
    named.set(exported, locals.get(local) ?? { kind: 'node', node: program });
  }
  return { program, comments: program.comments ?? [], locals, named, stars, cjsWhole, esmDefault, isCommonJs };
}

/** `exports.x = v`, `module.exports.x = v`, `module.exports = v` (also chained `a = exports.x = v`). */
function collectCommonJsAssignment(
  expression: TSESTree.AssignmentExpression,
  named: Map<string, Binding>,
  setWhole: (value: TSESTree.Node) => void,
): boolean {
  let value: TSESTree.Node = expression.right;
  while (value.type === AST_NODE_TYPES.AssignmentExpression && value.operator === '=') value = value.right;
  let found = false;
  for (let target: TSESTree.Node = expression; target.type === AST_NODE_TYPES.AssignmentExpression; target = target.right) {
    const left = target.left;
    if (isModuleExports(left)) {
      setWhole(value);
      found = true;
    } else if (left.type === AST_NODE_TYPES.MemberExpression && isExportsObject(left.object)) {
      const name = propertyName(left);
      if (name !== undefined) {
        named.set(name, { kind: 'node', node: value });
        found = true;
      }
    }
  }
  return found;
}

// ------------------------------------------------------------------------------------------------
// Answering questions about exports
// ------------------------------------------------------------------------------------------------

/**
 * One top-level question and everything it recursively asks. A question that meets another one
 * still in progress (a cycle) gets "unknown" there; every frame above the one met is then marked
 * tainted and not cached, because its answer depends on where the cycle was entered. Frames at or
 * below it are cached: their answers are the same whichever file asked first.
 */
class Resolution {
  private readonly stack: string[] = [];
  private readonly tainted: boolean[] = [];
  private steps = 0;

  constructor(private readonly root: string) {}

  /** The summary of `record`'s export at `exportPath`. */
  exportOf(record: ModuleRecord, exportPath: readonly string[]): ExportSummary | undefined {
    return this.question(record, `export\0${exportPath.join('\0')}`, (analysis) => analysis.exportAt(exportPath));
  }

  /** The summary of `record`'s top-level name `local` (a class or interface an `instance` points to). */
  localOf(record: ModuleRecord, local: string): ExportSummary | undefined {
    return this.question(record, `local\0${local}`, (analysis) => analysis.localValue(local));
  }

  private question(record: ModuleRecord, question: string, answer: (analysis: ModuleAnalysis) => ExportSummary | undefined): ExportSummary | undefined {
    if (!record.info) return undefined;
    if (record.epoch !== epoch) {
      record.exports = new Map();
      record.epoch = epoch;
    }
    const key = `${record.file}\0${question}`;
    const cached = record.exports.get(question);
    if (cached !== undefined) return cached ?? undefined;
    const index = this.stack.indexOf(key);
    if (index >= 0) {
      for (let i = index + 1; i < this.tainted.length; i += 1) this.tainted[i] = true;
      return undefined;
    }
    if (this.stack.length >= MAX_DEPTH || ++this.steps > 500) {
      // Too deep to answer the same way from every entry point: unknown, not cached.
      this.tainted.fill(true);
      return undefined;
    }
    this.stack.push(key);
    this.tainted.push(false);
    let result: ExportSummary | undefined;
    try {
      counters.exportsComputed += 1;
      result = answer(new ModuleAnalysis(this, record, record.info));
    } finally {
      this.stack.pop();
      const tainted = this.tainted.pop();
      if (!tainted) record.exports.set(question, result ?? null);
    }
    return result;
  }

  /** What an `instance` pointer's class or interface is. */
  classOf(summary: ExportSummary & { kind: 'instance' }): ExportSummary | undefined {
    if (!isInside(summary.file, this.root)) return undefined;
    const record = loadRecord(summary.file);
    return record && this.localOf(record, summary.local);
  }

  membersOf(summary: ExportSummary | undefined): ReadonlyMap<string, ExportSummary> | undefined {
    if (!summary) return undefined;
    if (summary.kind === 'object') return summary.members;
    if (summary.kind === 'class') return summary.statics;
    if (summary.kind === 'instance') return this.instanceMembersOf(this.classOf(summary));
    return undefined;
  }

  instanceMembersOf(summary: ExportSummary | undefined): ReadonlyMap<string, ExportSummary> | undefined {
    if (summary?.kind === 'class') return summary.instance;
    if (summary?.kind === 'instance') return this.instanceMembersOf(this.classOf(summary));
    return undefined;
  }

  /** The summary of `specifier`'s export at `exportPath`, from `fromFile`. */
  importOf(fromFile: string, specifier: string, exportPath: readonly string[]): ExportSummary | undefined {
    const file = resolveSpecifier(fromFile, specifier, this.root);
    const record = file === undefined ? undefined : loadRecord(file);
    return record && this.exportOf(record, exportPath);
  }
}


function typeAnnotationIsPromise(type: TSESTree.TypeNode | undefined): boolean {
  if (!type) return false;
  if (type.type === AST_NODE_TYPES.TSUnionType) return type.types.some(typeAnnotationIsPromise);
  return (
    type.type === AST_NODE_TYPES.TSTypeReference &&
    type.typeName.type === AST_NODE_TYPES.Identifier &&
    PROMISE_ANNOTATION_NAMES.has(type.typeName.name)
  );
}

/** Anything that can be called and has a body (or at least a signature) we can read. */
export type FunctionNode =
  | TSESTree.ArrowFunctionExpression
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression
  | TSESTree.TSDeclareFunction
  | TSESTree.TSEmptyBodyFunctionExpression;

export function isFunctionNode(node: TSESTree.Node): node is FunctionNode {
  return (
    node.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionDeclaration ||
    node.type === AST_NODE_TYPES.FunctionExpression ||
    node.type === AST_NODE_TYPES.TSDeclareFunction ||
    node.type === AST_NODE_TYPES.TSEmptyBodyFunctionExpression
  );
}

function paramName(param: TSESTree.Parameter): string | undefined {
  const inner = param.type === AST_NODE_TYPES.TSParameterProperty ? param.parameter : param;
  const target = inner.type === AST_NODE_TYPES.AssignmentPattern ? inner.left : inner;
  return target.type === AST_NODE_TYPES.Identifier ? target.name : undefined;
}

/** A parameter that can hand the sleep a signal: named like one, or `{ signal }` destructured. */
function isSignalParam(param: TSESTree.Parameter): boolean {
  const name = paramName(param);
  if (name !== undefined) return SIGNAL_PARAM.test(name);
  const inner = param.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
  return (
    inner.type === AST_NODE_TYPES.ObjectPattern &&
    inner.properties.some((p) => p.type === AST_NODE_TYPES.Property && keyName(p) === 'signal')
  );
}


/** Calls `visit` on every node under `root` that runs as part of it (not inside nested functions unless `intoFunctions`). */
function walk(root: TSESTree.Node, visit: (node: TSESTree.Node) => void, intoFunctions: boolean): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as TSESTree.Node;
    visit(node);
    for (const key of Object.keys(node)) {
      if (key === 'parent' || key === 'range' || key === 'loc') continue;
      const value = (node as unknown as Record<string, unknown>)[key];
      const children = Array.isArray(value) ? value : [value];
      for (const child of children) {
        if (typeof child !== 'object' || child === null || typeof (child as { type?: unknown }).type !== 'string') continue;
        const childNode = child as TSESTree.Node;
        if (!intoFunctions && (isFunctionNode(childNode) || childNode.type === AST_NODE_TYPES.ClassBody)) continue;
        stack.push(childNode);
      }
    }
  }
}

/**
 * `new Promise(r => setTimeout(r, ms))` with nothing else in the executor, or a plain call: the
 * call site can be rewritten without losing anything the function does.
 */
function isSimpleTimerPromise(node: TSESTree.Node): boolean {
  if (node.type !== AST_NODE_TYPES.NewExpression) return true;
  const executor = node.arguments[0];
  if (!executor || !isFunctionNode(executor) || !executor.body) return false;
  return executor.body.type !== AST_NODE_TYPES.BlockStatement || executor.body.body.length === 1;
}

/** Questions about one module, within one `Resolution`. */
class ModuleAnalysis {
  private readonly functionCache = new Map<FunctionNode, ExportSummary>();
  private depth = 0;

  constructor(
    private readonly resolution: Resolution,
    private readonly record: ModuleRecord,
    private readonly info: ModuleInfo,
  ) {}

  exportAt(exportPath: readonly string[]): ExportSummary | undefined {
    const [first, ...rest] = exportPath;
    if (first === undefined) return this.namespace();
    let base: ExportSummary | undefined;
    let remaining = rest;
    if (first === 'default') {
      const node = this.info.esmDefault ?? this.info.cjsWhole;
      const [next, ...afterNext] = rest;
      if (node && next !== undefined) {
        // Only the member asked for, not the whole object.
        base = this.memberValue(node, next);
        remaining = afterNext;
      } else if (node) {
        base = this.valueOf(node);
      } else if (next !== undefined && (this.info.isCommonJs || this.info.named.size > 0)) {
        base = this.namedExport(next);
        remaining = afterNext;
      } else if (this.info.isCommonJs || this.info.named.size > 0) {
        base = this.namespace();
      }
    } else {
      base = this.namedExport(first);
    }
    for (const name of remaining) base = this.resolution.membersOf(base)?.get(name);
    return base;
  }

  /** The member `name` of the value of `node`, computing only that member where the syntax allows. */
  private memberValue(node: TSESTree.Node, name: string): ExportSummary | undefined {
    if (this.depth > MAX_DEPTH) return undefined;
    const inner = skipTypeWrappers(node);
    if (inner.type === AST_NODE_TYPES.ObjectExpression) {
      let found: ExportSummary | undefined;
      for (const property of inner.properties) {
        if (property.type === AST_NODE_TYPES.Property && property.kind === 'init' && keyName(property) === name) {
          found = this.valueOf(property.value, property.range[0]);
        }
      }
      return found;
    }
    if (inner.type === AST_NODE_TYPES.Identifier) {
      const binding = this.info.locals.get(inner.name);
      if (binding?.kind === 'import') return this.resolution.importOf(this.record.file, binding.specifier, [...binding.path, name]);
      if (binding) {
        this.depth += 1;
        try {
          return this.memberValue(binding.node, name);
        } finally {
          this.depth -= 1;
        }
      }
      return undefined;
    }
    const required = requirePath(inner);
    if (required) return this.resolution.importOf(this.record.file, required.specifier, [...required.path, name]);
    return this.resolution.membersOf(this.valueOf(inner))?.get(name);
  }

  /** All named exports as one object (namespace import, whole `require`). */
  private namespace(): ExportSummary | undefined {
    if (this.info.cjsWhole) return this.valueOf(this.info.cjsWhole);
    const members = new Map<string, ExportSummary>();
    for (const name of this.info.named.keys()) {
      const summary = this.namedExport(name);
      if (summary) members.set(name, summary);
    }
    return { kind: 'object', members };
  }

  private namedExport(name: string): ExportSummary | undefined {
    const binding = this.info.named.get(name);
    if (binding) return this.bindingValue(binding);
    if (this.info.cjsWhole) return this.memberValue(this.info.cjsWhole, name);
    for (const star of this.info.stars) {
      const found = this.resolution.importOf(this.record.file, star, [name]);
      if (found) return found;
    }
    return undefined;
  }

  private bindingValue(binding: Binding): ExportSummary | undefined {
    if (binding.kind === 'import') return this.resolution.importOf(this.record.file, binding.specifier, binding.path);
    return this.valueOf(binding.node);
  }

  localValue(name: string): ExportSummary | undefined {
    return this.local(name);
  }

  private local(name: string): ExportSummary | undefined {
    const binding = this.info.locals.get(name);
    return binding && this.bindingValue(binding);
  }

  /** What the value of an expression or declaration is. */
  valueOf(node: TSESTree.Node, ownerStart?: number): ExportSummary | undefined {
    if (this.depth > MAX_DEPTH) return undefined;
    this.depth += 1;
    try {
      const inner = skipTypeWrappers(node);
      if (isFunctionNode(inner)) return this.functionSummary(inner, ownerStart);
      return this.valueOfInner(inner);
    } finally {
      this.depth -= 1;
    }
  }

  private valueOfInner(node: TSESTree.Node): ExportSummary | undefined {
    if (isFunctionNode(node)) return this.functionSummary(node);
    switch (node.type) {
      case AST_NODE_TYPES.Identifier:
        return this.local(node.name);
      case AST_NODE_TYPES.ClassDeclaration:
      case AST_NODE_TYPES.ClassExpression:
        return this.classSummary(node);
      case AST_NODE_TYPES.TSInterfaceDeclaration:
        return this.interfaceSummary(node);
      case AST_NODE_TYPES.ObjectExpression:
        return this.objectSummary(node);
      case AST_NODE_TYPES.NewExpression:
        return this.newSummary(node);
      case AST_NODE_TYPES.MemberExpression: {
        const required = requirePath(node);
        if (required) return this.resolution.importOf(this.record.file, required.specifier, required.path);
        const name = propertyName(node);
        return name === undefined ? undefined : this.resolution.membersOf(this.valueOf(node.object))?.get(name);
      }
      case AST_NODE_TYPES.CallExpression: {
        const specifier = requireSpecifier(node);
        if (specifier !== undefined) return this.resolution.importOf(this.record.file, specifier, []);
        if (this.isPromisifiedSetTimeout(node)) {
          return { kind: 'function', returnsPromise: true, sleep: { delayParam: 0, delayHasDefault: false, exact: true } };
        }
        return { kind: 'other' };
      }
      default:
        return { kind: 'other' };
    }
  }

  private objectSummary(node: TSESTree.ObjectExpression): ExportSummary {
    const members = new Map<string, ExportSummary>();
    for (const property of node.properties) {
      if (property.type !== AST_NODE_TYPES.Property || property.kind !== 'init') continue;
      const name = keyName(property);
      const value = name === undefined ? undefined : this.valueOf(property.value, property.range[0]);
      if (name !== undefined && value) members.set(name, value);
    }
    return { kind: 'object', members };
  }

  /** A pointer to the class or interface a type annotation names, for typed fields. */
  private typedInstance(annotation: TSESTree.TSTypeAnnotation | undefined): ExportSummary | undefined {
    const type = annotation?.typeAnnotation;
    if (type?.type !== AST_NODE_TYPES.TSTypeReference || type.typeName.type !== AST_NODE_TYPES.Identifier) return undefined;
    const name = type.typeName.name;
    return this.info.locals.has(name) ? { kind: 'instance', file: this.record.file, local: name } : undefined;
  }

  /** Interfaces: `load(): Promise<T>`, `load: () => Promise<T>`, `store: Store` members. */
  private interfaceSummary(node: TSESTree.TSInterfaceDeclaration): ExportSummary {
    const instance = new Map<string, ExportSummary>();
    for (const heritage of node.extends) {
      const parent = heritage.expression.type === AST_NODE_TYPES.Identifier ? this.local(heritage.expression.name) : undefined;
      if (parent?.kind === 'class') for (const [name, value] of parent.instance) instance.set(name, value);
    }
    for (const member of node.body.body) {
      if (member.type === AST_NODE_TYPES.TSMethodSignature) {
        const name = keyName(member);
        if (name === undefined || member.kind !== 'method') continue;
        instance.set(name, { kind: 'function', returnsPromise: typeAnnotationIsPromise(member.returnType?.typeAnnotation) });
      } else if (member.type === AST_NODE_TYPES.TSPropertySignature) {
        const name = keyName(member);
        const type = member.typeAnnotation?.typeAnnotation;
        if (name === undefined || !type) continue;
        if (type.type === AST_NODE_TYPES.TSFunctionType) {
          instance.set(name, { kind: 'function', returnsPromise: typeAnnotationIsPromise(type.returnType?.typeAnnotation) });
        } else {
          const pointer = this.typedInstance(member.typeAnnotation);
          if (pointer) instance.set(name, pointer);
        }
      }
    }
    return { kind: 'class', instance, statics: new Map() };
  }

  private classSummary(node: TSESTree.ClassDeclaration | TSESTree.ClassExpression): ExportSummary {
    const instance = new Map<string, ExportSummary>();
    const statics = new Map<string, ExportSummary>();
    // Inherited members first, so that overrides replace them.
    if (node.superClass) {
      const parent = this.valueOf(node.superClass);
      if (parent?.kind === 'class') {
        for (const [name, value] of parent.instance) instance.set(name, value);
        for (const [name, value] of parent.statics) statics.set(name, value);
      }
    }
    for (const member of node.body.body) {
      if (member.type !== AST_NODE_TYPES.MethodDefinition && member.type !== AST_NODE_TYPES.PropertyDefinition && member.type !== AST_NODE_TYPES.TSAbstractMethodDefinition) {
        continue;
      }
      const name = keyName(member);
      if (name === undefined) continue;
      if (member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.TSAbstractMethodDefinition) {
        if (member.kind !== 'method') continue;
        (member.static ? statics : instance).set(name, this.functionSummary(member.value, member.range[0]));
      } else if (member.value && isFunctionNode(skipTypeWrappers(member.value))) {
        (member.static ? statics : instance).set(name, this.functionSummary(skipTypeWrappers(member.value) as FunctionNode, member.range[0]));
      } else {
        const pointer = this.typedInstance(member.typeAnnotation) ?? this.constructedInstance(member.value);
        if (pointer) (member.static ? statics : instance).set(name, pointer);
      }
    }
    // Constructor parameter properties: `constructor(private store: Store)`.
    const constructorNode = node.body.body.find(
      (m): m is TSESTree.MethodDefinition => m.type === AST_NODE_TYPES.MethodDefinition && m.kind === 'constructor',
    );
    for (const param of constructorNode?.value.params ?? []) {
      if (param.type !== AST_NODE_TYPES.TSParameterProperty) continue;
      const inner = param.parameter.type === AST_NODE_TYPES.AssignmentPattern ? param.parameter.left : param.parameter;
      if (inner.type !== AST_NODE_TYPES.Identifier) continue;
      const pointer = this.typedInstance(inner.typeAnnotation);
      if (pointer) instance.set(inner.name, pointer);
    }
    return { kind: 'class', instance, statics };
  }

  /** `new C(…)` with a top-level `C`: an instance pointer (resolved only when asked). */
  private constructedInstance(value: TSESTree.Node | null | undefined): ExportSummary | undefined {
    const node = value && skipTypeWrappers(value);
    if (node?.type !== AST_NODE_TYPES.NewExpression || node.callee.type !== AST_NODE_TYPES.Identifier) return undefined;
    return this.info.locals.has(node.callee.name) ? { kind: 'instance', file: this.record.file, local: node.callee.name } : undefined;
  }

  private newSummary(node: TSESTree.NewExpression): ExportSummary {
    const metric = this.metricType(node.callee);
    if (metric) return this.metricSummary(metric, node);
    const constructed = this.valueOf(node.callee);
    const members = this.resolution.instanceMembersOf(constructed);
    return members ? { kind: 'object', members } : { kind: 'other' };
  }

  /** `Counter`, `client.Counter`, `require('prom-client').Counter` from `prom-client`. */
  private metricType(callee: TSESTree.Node): MetricType | undefined {
    const path = this.externalPath(callee);
    if (!path || path.specifier !== 'prom-client') return undefined;
    const names = path.path[0] === 'default' ? path.path.slice(1) : path.path;
    const [name, ...rest] = names;
    return rest.length === 0 && name !== undefined && METRIC_TYPES.has(name) ? (name as MetricType) : undefined;
  }

  /** The module and property path an identifier or member chain denotes through this module's imports. */
  private externalPath(node: TSESTree.Node): { specifier: string; path: readonly string[] } | undefined {
    const inner = skipTypeWrappers(node);
    if (inner.type === AST_NODE_TYPES.Identifier) {
      const binding = this.info.locals.get(inner.name);
      return binding?.kind === 'import' ? { specifier: binding.specifier, path: binding.path } : undefined;
    }
    if (inner.type === AST_NODE_TYPES.MemberExpression) {
      const required = requirePath(inner);
      if (required) return required;
      const name = propertyName(inner);
      const base = name === undefined ? undefined : this.externalPath(inner.object);
      return base && name !== undefined ? { specifier: base.specifier, path: [...base.path, name] } : undefined;
    }
    return undefined;
  }

  private metricSummary(metricType: MetricType, node: TSESTree.NewExpression): ExportSummary {
    const config = node.arguments[0] && skipTypeWrappers(node.arguments[0]);
    let name: string | undefined;
    let labelNames: string[] | undefined;
    if (config?.type === AST_NODE_TYPES.ObjectExpression) {
      for (const property of config.properties) {
        if (property.type !== AST_NODE_TYPES.Property) continue;
        const key = keyName(property);
        if (key === 'name') name = stringValue(property.value);
        if (key === 'labelNames' && property.value.type === AST_NODE_TYPES.ArrayExpression) {
          const values = property.value.elements.map((e) => (e ? stringValue(e) : undefined));
          labelNames = values.every((v): v is string => v !== undefined) ? values : undefined;
        }
      }
    }
    return {
      kind: 'metric',
      metricType,
      ...(name === undefined ? {} : { name }),
      ...(labelNames === undefined ? {} : { labelNames }),
    };
  }

  private isPromisifiedSetTimeout(node: TSESTree.CallExpression): boolean {
    const [argument] = node.arguments;
    if (node.arguments.length !== 1 || !argument || !this.isCallbackSetTimeout(argument)) return false;
    const callee = this.externalPath(node.callee);
    return callee !== undefined && /^(?:node:)?util$/.test(callee.specifier) && callee.path.at(-1) === 'promisify';
  }

  private isCallbackSetTimeout(node: TSESTree.Node): boolean {
    const inner = skipTypeWrappers(node);
    if (inner.type === AST_NODE_TYPES.Identifier) {
      if (inner.name !== 'setTimeout') return false;
      const binding = this.info.locals.get('setTimeout');
      return binding === undefined || (binding.kind === 'import' && /^(?:node:)?timers$/.test(binding.specifier));
    }
    return (
      inner.type === AST_NODE_TYPES.MemberExpression &&
      propertyName(inner) === 'setTimeout' &&
      inner.object.type === AST_NODE_TYPES.Identifier &&
      ['globalThis', 'window', 'global', 'self'].includes(inner.object.name)
    );
  }

  /** `setTimeout` from `timers/promises` (or `timers`.promises): sleeps for its first argument. */
  private isPromiseTimer(node: TSESTree.Node): boolean {
    const reference = this.externalPath(node);
    if (!reference) return false;
    const specifier = reference.specifier.replace(/^node:/, '');
    const pathText = (reference.path[0] === 'default' ? reference.path.slice(1) : reference.path).join('.');
    return (specifier === 'timers/promises' && pathText === 'setTimeout') || (specifier === 'timers' && pathText === 'promises.setTimeout');
  }

  // --------------------------------------------------------------------------------------------
  // Functions
  // --------------------------------------------------------------------------------------------

  /** `ownerStart`: where the JSDoc of the function would end (its class member or property). */
  functionSummary(fn: FunctionNode, ownerStart?: number): ExportSummary {
    const cached = this.functionCache.get(fn);
    if (cached) return cached;
    // Recursion inside the module: assume nothing while computing.
    this.functionCache.set(fn, { kind: 'function', returnsPromise: false });
    // Sleep helpers are small; looking for a timer in long functions would only cost time.
    const sleep = fn.generator || fn.range[1] - fn.range[0] > MAX_SLEEP_HELPER_CHARS ? undefined : this.sleepShape(fn);
    const returnsPromise = !fn.generator && (sleep !== undefined || this.returnsPromise(fn, ownerStart));
    const summary: ExportSummary = { kind: 'function', returnsPromise, ...(sleep ? { sleep } : {}) };
    this.functionCache.set(fn, summary);
    return summary;
  }

  private returnsPromise(fn: FunctionNode, ownerStart?: number): boolean {
    if (fn.async) return true;
    if (fn.returnType) return typeAnnotationIsPromise(fn.returnType.typeAnnotation);
    if (this.hasJsDocPromiseReturn(ownerStart ?? this.ownerStart(fn))) return true;
    if (!fn.body) return false;
    if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return this.isPromiseExpression(fn.body, fn);
    if (!alwaysExits(fn.body)) return false;
    const returned: (TSESTree.Expression | null)[] = [];
    walk(
      fn.body,
      (node) => {
        if (node.type === AST_NODE_TYPES.ReturnStatement) returned.push(node.argument);
      },
      false,
    );
    return returned.length > 0 && returned.every((argument) => argument !== null && this.isPromiseExpression(argument, fn));
  }

  private hasJsDocPromiseReturn(start: number): boolean {
    const text = this.info.comments;
    // The last block comment ending before the owner starts.
    let low = 0;
    let high = text.length - 1;
    let found: TSESTree.Comment | undefined;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const comment = text[mid] as TSESTree.Comment;
      if (comment.range[1] <= start) {
        found = comment;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found !== undefined && found.type === AST_TOKEN_TYPES.Block && found.value.startsWith('*') && start - found.range[1] < 200 && JSDOC_RETURNS_PROMISE.test(found.value);
  }

  /** Where the JSDoc of `fn` would end: before `export const x = …`, the method, or the function. */
  private ownerStart(fn: FunctionNode): number {
    let start = fn.range[0];
    // Without parent pointers, search the top level for the statement containing `fn`.
    for (const statement of this.info.program.body) {
      if (statement.range[0] <= fn.range[0] && fn.range[1] <= statement.range[1]) {
        start = statement.range[0];
        // Nested deeper (a method reached without its member): the function itself.
        if (statement.range[0] !== fn.range[0] && !this.isTopLevelOwnerOf(statement, fn)) start = fn.range[0];
        break;
      }
    }
    return start;
  }

  private isTopLevelOwnerOf(statement: TSESTree.Node, fn: FunctionNode): boolean {
    const declaration =
      statement.type === AST_NODE_TYPES.ExportNamedDeclaration || statement.type === AST_NODE_TYPES.ExportDefaultDeclaration ? statement.declaration : statement;
    if (declaration === fn) return true;
    return (
      declaration?.type === AST_NODE_TYPES.VariableDeclaration &&
      declaration.declarations.some((d) => d.init !== null && skipTypeWrappers(d.init) === fn)
    );
  }

  private isPromiseExpression(expression: TSESTree.Node, fn: FunctionNode): boolean {
    const node = skipTypeWrappers(expression);
    switch (node.type) {
      case AST_NODE_TYPES.NewExpression:
        return node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === 'Promise';
      case AST_NODE_TYPES.ImportExpression:
        return true;
      case AST_NODE_TYPES.AwaitExpression:
        return false;
      case AST_NODE_TYPES.ConditionalExpression:
        return this.isPromiseExpression(node.consequent, fn) || this.isPromiseExpression(node.alternate, fn);
      case AST_NODE_TYPES.LogicalExpression:
        return this.isPromiseExpression(node.left, fn) || this.isPromiseExpression(node.right, fn);
      case AST_NODE_TYPES.CallExpression: {
        const callee = skipTypeWrappers(node.callee);
        if (callee.type === AST_NODE_TYPES.MemberExpression) {
          const name = propertyName(callee);
          if (name === 'then' || name === 'catch' || name === 'finally') return true;
          if (callee.object.type === AST_NODE_TYPES.Identifier && callee.object.name === 'Promise' && name !== undefined) {
            return PROMISE_STATICS.has(name);
          }
        }
        if (this.isPromiseTimer(callee)) return true;
        if (callee.type === AST_NODE_TYPES.Identifier && fn.params.some((p) => paramName(p) === callee.name)) return false;
        const called = this.valueOf(callee);
        return called?.kind === 'function' && called.returnsPromise;
      }
      default:
        return false;
    }
  }

  /** The single expression a function body returns: `=> x`, `{ return x; }`. */
  private soleResult(fn: FunctionNode): TSESTree.Node | undefined {
    if (!fn.body) return undefined;
    if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return fn.body;
    const statements = fn.body.body;
    if (statements.length !== 1) return undefined;
    const [only] = statements;
    if (only?.type === AST_NODE_TYPES.ReturnStatement) return only.argument ?? undefined;
    if (only?.type === AST_NODE_TYPES.ExpressionStatement && fn.async) return only.expression;
    return undefined;
  }

  /**
   * A function that sleeps for one of its parameters: its promise (`new Promise` around a timer,
   * `timers/promises` `setTimeout`, or another sleep function) is returned or awaited, and the
   * timer's delay is a parameter.
   */
  private sleepShape(fn: FunctionNode): SleepShape | undefined {
    if (!fn.body) return undefined;
    const sole = this.soleResult(fn);
    const soleInner = sole && skipTypeWrappers(sole.type === AST_NODE_TYPES.AwaitExpression ? sole.argument : sole);
    let delay: TSESTree.Node | undefined;
    let exact = false;
    if (soleInner) {
      delay = this.timerDelay(soleInner, fn);
      exact = delay !== undefined && isSimpleTimerPromise(soleInner);
    }
    if (!delay) {
      // Looser: the body returns or awaits a `new Promise(...)` whose executor starts a timer.
      walk(
        fn.body,
        (node) => {
          if (delay) return;
          const candidate =
            node.type === AST_NODE_TYPES.ReturnStatement ? node.argument : node.type === AST_NODE_TYPES.AwaitExpression ? node.argument : undefined;
          if (candidate) delay = this.timerDelay(skipTypeWrappers(candidate), fn);
        },
        false,
      );
      if (!delay && fn.body.type === AST_NODE_TYPES.BlockStatement) {
        // `const p = new Promise(...timer...); ...; return p;` (e.g. an abortable wrapper)
        const last = fn.body.body[fn.body.body.length - 1];
        const returned = last?.type === AST_NODE_TYPES.ReturnStatement && last.argument?.type === AST_NODE_TYPES.Identifier ? last.argument.name : undefined;
        for (const statement of fn.body.body) {
          if (statement.type !== AST_NODE_TYPES.VariableDeclaration) continue;
          for (const declarator of statement.declarations) {
            if (declarator.init && !delay && declarator.id.type === AST_NODE_TYPES.Identifier && declarator.id.name === returned) {
              delay = this.timerDelay(skipTypeWrappers(declarator.init), fn);
            }
          }
        }
      }
    }
    if (!delay) return undefined;
    const delayNode = skipTypeWrappers(delay);
    if (delayNode.type !== AST_NODE_TYPES.Identifier) return undefined;
    const delayParam = fn.params.findIndex((p) => paramName(p) === delayNode.name);
    const param = fn.params[delayParam];
    if (!param) return undefined;
    const delayHasDefault =
      param.type === AST_NODE_TYPES.AssignmentPattern &&
      !(param.right.type === AST_NODE_TYPES.Literal && (param.right.value === 0 || param.right.value === null));
    const signalParam = fn.params.findIndex((p, i) => i !== delayParam && isSignalParam(p));
    return { delayParam, delayHasDefault, exact, ...(signalParam >= 0 ? { signalParam } : {}) };
  }

  /** The delay of the timer a promise expression waits for, if it is a sleep. */
  private timerDelay(node: TSESTree.Node, fn: FunctionNode): TSESTree.Node | undefined {
    if (node.type === AST_NODE_TYPES.NewExpression) {
      if (node.callee.type !== AST_NODE_TYPES.Identifier || node.callee.name !== 'Promise') return undefined;
      const executor = node.arguments[0];
      if (!executor || !isFunctionNode(executor) || !executor.body) return undefined;
      let delay: TSESTree.Node | undefined;
      walk(
        executor.body,
        (inner) => {
          if (delay || inner.type !== AST_NODE_TYPES.CallExpression) return;
          if (this.isCallbackSetTimeout(inner.callee)) delay = inner.arguments[1];
          else if (this.isPromiseTimer(inner.callee)) delay = inner.arguments[0];
        },
        false,
      );
      return delay;
    }
    if (node.type !== AST_NODE_TYPES.CallExpression) return undefined;
    // `.then()` on a timer: still resolves after it.
    const callee = skipTypeWrappers(node.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression && propertyName(callee) === 'then') return this.timerDelay(skipTypeWrappers(callee.object), fn);
    if (this.isPromiseTimer(callee)) return node.arguments[0];
    if (callee.type === AST_NODE_TYPES.Identifier && fn.params.some((p) => paramName(p) === callee.name)) return undefined;
    const called = this.valueOf(callee);
    if (called?.kind !== 'function' || !called.sleep) return undefined;
    const argument = node.arguments[called.sleep.delayParam];
    if (called.sleep.signalParam !== undefined && node.arguments[called.sleep.signalParam]) return undefined;
    return argument;
  }
}

// ------------------------------------------------------------------------------------------------
// Entry point for rules
// ------------------------------------------------------------------------------------------------

function guarded<T>(compute: () => T | undefined): T | undefined {
  try {
    return compute();
  } catch {
    return undefined;
  }
}

/**
 * Summaries of the modules the linted file imports. Create inside `create()`; lookups are lazy
 * (nothing is read until a rule asks about an imported name).
 */
export function getModuleSummaries(context: AnyRuleContext): ModuleSummaries {
  const filename = context.physicalFilename || context.filename;
  const absolute = path.isAbsolute(filename);
  const root = absolute ? projectRootOf(filename, context.cwd) : undefined;
  const answers = new Map<string, ExportSummary | null>();
  return {
    isLocalSpecifier(specifier) {
      return root !== undefined && !specifier.startsWith('node:') && (isRelativeSpecifier(specifier) || resolveSpecifier(filename, specifier, root) !== undefined);
    },
    exportOf(specifier, exportPath) {
      if (!root) return undefined;
      const key = `${specifier}\0${exportPath.join('\0')}`;
      const known = answers.get(key);
      if (known !== undefined) return known ?? undefined;
      let result: ExportSummary | undefined;
      try {
        result = new Resolution(root).importOf(filename, specifier, exportPath);
      } catch {
        // Anything unexpected in someone else's file means "unknown", never a crashed lint.
        result = undefined;
      }
      answers.set(key, result ?? null);
      return result;
    },
    membersOf(summary) {
      return root === undefined ? undefined : guarded(() => new Resolution(root).membersOf(summary));
    },
    instanceMembersOf(summary) {
      return root === undefined ? undefined : guarded(() => new Resolution(root).instanceMembersOf(summary));
    },
  };
}
