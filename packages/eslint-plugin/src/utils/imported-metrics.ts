import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { getModuleSummaries, type ExportSummary, type ModuleSummaries } from './module-summaries.js';
import { PROM_CLIENT_MODULE, type ImportedMetricResolver, type MetricKind } from './prom-client.js';
import { resolveModuleReference } from './module-bindings.js';
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
 * `metrics.requests.labels(…)`. Only top-level bindings that receive such a call are resolved
 * (`resolveModuleReference` follows imports, `require` and destructuring), so a file whose `.set(`
 * calls are on local maps parses nothing.
 */
export function importsProjectMetric(context: AnyRuleContext): boolean {
  const sourceCode = context.sourceCode;
  if (!LABELLED_CALL_TEXT.test(sourceCode.text)) return false;
  let resolve: ImportedMetricResolver | undefined;
  for (const scope of sourceCode.scopeManager?.scopes ?? []) {
    if (scope.block.type !== AST_NODE_TYPES.Program) continue;
    for (const variable of scope.variables) {
      for (const reference of variable.references) {
        const member = labelledCallMember(reference.identifier);
        if (member === undefined) continue;
        const module = resolveModuleReference(sourceCode, reference.identifier);
        if (!module || module.module === PROM_CLIENT_MODULE) continue;
        resolve ??= createImportedMetricResolver(context);
        const paths = member === null ? [module.path] : [module.path, [...module.path, member]];
        if (paths.some((path) => resolve?.({ ...module, path }) !== undefined)) return true;
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
