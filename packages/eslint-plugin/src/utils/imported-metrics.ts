import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { getModuleSummaries, type ExportSummary, type ModuleSummaries } from './module-summaries.js';
import type { ImportedMetricResolver, MetricKind } from './prom-client.js';
import type { AnyRuleContext } from './type-services.js';

/**
 * Feeds module summaries to the prom-client tracker: a metric created in another module of the
 * project (`export const requests = new Counter(…)`, `module.exports = { requests }`) and imported
 * here is known by its class; a module object or holder whose members are metrics is a collection.
 */
export function createImportedMetricResolver(context: AnyRuleContext): ImportedMetricResolver {
  const summaries = getModuleSummaries(context);
  return (reference) => {
    if (!summaries.isLocalSpecifier(reference.module)) return undefined;
    return metricKindOf(summaries, summaries.exportOf(reference.module, reference.path));
  };
}

function metricKindOf(summaries: ModuleSummaries, summary: ExportSummary | undefined): MetricKind | undefined {
  if (!summary) return undefined;
  if (summary.kind === 'metric') return summary.metricType;
  return holdsMetrics(summaries, summary) ? 'metrics' : undefined;
}

function holdsMetrics(summaries: ModuleSummaries, summary: ExportSummary): boolean {
  const members = summaries.membersOf(summary);
  if (!members) return false;
  for (const member of members.values()) if (member.kind === 'metric') return true;
  return false;
}

/** Metric methods that take labels (`Map#set` shares a name, so receivers are checked first). */
const LABELLED_METHODS = new Set(['inc', 'dec', 'set', 'observe', 'startTimer', 'labels', 'remove']);
/** A cheap text test that lets most files skip the lookups. */
const LABELLED_CALL_TEXT = /\.\s*(?:inc|dec|set|observe|startTimer|labels|remove)\s*\(/u;

/**
 * Whether the file calls a metric method on a binding imported from another project module that
 * module summaries know as a prom-client metric (or a holder of metrics): `requests.inc(…)`,
 * `metrics.requests.labels(…)`. Only the imported receivers of such calls are looked up, so a file
 * whose `.set(` calls are on local maps parses nothing.
 */
export function importsProjectMetric(context: AnyRuleContext): boolean {
  const sourceCode = context.sourceCode;
  if (!LABELLED_CALL_TEXT.test(sourceCode.text)) return false;
  let resolve: ImportedMetricResolver | undefined;
  for (const binding of importedBindings(sourceCode.ast)) {
    for (const variable of sourceCode.getDeclaredVariables(binding.declaration)) {
      if (variable.name !== binding.local) continue;
      for (const reference of variable.references) {
        const member = labelledCallMember(reference.identifier);
        if (member === undefined) continue;
        resolve ??= createImportedMetricResolver(context);
        const paths = member === null ? [binding.path] : [binding.path, [...binding.path, member]];
        if (paths.some((path) => resolve?.({ module: binding.module, path, via: 'import' }) !== undefined)) return true;
      }
    }
  }
  return false;
}

/**
 * For `x.inc(…)` or `x.a.b.labels(…)` starting at `x`: `null` or the first member (`a`); undefined
 * when the reference is not the receiver of a labelled metric call.
 */
function labelledCallMember(identifier: TSESTree.Node): string | null | undefined {
  let node: TSESTree.Node = identifier;
  let first: string | null = null;
  let depth = 0;
  while (node.parent?.type === AST_NODE_TYPES.MemberExpression && node.parent.object === node) {
    const property = node.parent.property;
    if (node.parent.computed || property.type !== AST_NODE_TYPES.Identifier) return undefined;
    if (depth === 0) first = property.name;
    node = node.parent;
    depth += 1;
  }
  if (depth === 0 || node.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const call = node.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || call.callee !== node) return undefined;
  const method = node.property.type === AST_NODE_TYPES.Identifier ? node.property.name : undefined;
  if (method === undefined || !LABELLED_METHODS.has(method)) return undefined;
  return depth === 1 ? null : first;
}

interface ImportedBinding {
  /** The node whose declared variables include `local`. */
  readonly declaration: TSESTree.Node;
  readonly local: string;
  readonly module: string;
  readonly path: readonly string[];
}

/** Bindings of top-level `import … from './x'` and `const … = require('./x')` of relative modules. */
function importedBindings(program: TSESTree.Program): ImportedBinding[] {
  const bindings: ImportedBinding[] = [];
  for (const statement of program.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
      const module = statement.source.value;
      if (!module.startsWith('.')) continue;
      for (const specifier of statement.specifiers) {
        bindings.push({ declaration: specifier, local: specifier.local.name, module, path: importedPath(specifier) });
      }
    } else if (statement.type === AST_NODE_TYPES.VariableDeclaration) {
      for (const declarator of statement.declarations) {
        const module = requiredModule(declarator.init);
        if (module?.startsWith('.')) bindings.push(...requireBindings(declarator, module));
      }
    }
  }
  return bindings;
}

function importedPath(specifier: TSESTree.ImportClause): string[] {
  if (specifier.type === AST_NODE_TYPES.ImportDefaultSpecifier) return ['default'];
  if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier) return [];
  const imported = specifier.imported;
  return [imported.type === AST_NODE_TYPES.Identifier ? imported.name : imported.value];
}

function requiredModule(init: TSESTree.Expression | null): string | undefined {
  if (
    init?.type === AST_NODE_TYPES.CallExpression &&
    init.callee.type === AST_NODE_TYPES.Identifier &&
    init.callee.name === 'require' &&
    init.arguments[0]?.type === AST_NODE_TYPES.Literal &&
    typeof init.arguments[0].value === 'string'
  ) {
    return init.arguments[0].value;
  }
  return undefined;
}

/** `const m = require(…)` and `const { a, b: c } = require(…)`. */
function requireBindings(declarator: TSESTree.VariableDeclarator, module: string): ImportedBinding[] {
  const id = declarator.id;
  if (id.type === AST_NODE_TYPES.Identifier) return [{ declaration: declarator, local: id.name, module, path: [] }];
  if (id.type !== AST_NODE_TYPES.ObjectPattern) return [];
  const bindings: ImportedBinding[] = [];
  for (const property of id.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
    if (property.key.type !== AST_NODE_TYPES.Identifier || property.value.type !== AST_NODE_TYPES.Identifier) continue;
    bindings.push({ declaration: declarator, local: property.value.name, module, path: [property.key.name] });
  }
  return bindings;
}
