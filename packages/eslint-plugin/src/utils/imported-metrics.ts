import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { getModuleSummaries, type ExportSummary, type ModuleSummaries } from './module-summaries.js';
import type { ModuleReference } from './module-bindings.js';
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

/** Metric methods that take labels; a file calling none of them cannot misuse an imported metric. */
const LABELLED_CALL = /\.(?:inc|dec|set|observe|startTimer|labels|remove)\s*\(/u;

/**
 * Whether the file imports a prom-client metric from another project module and may pass it
 * labels: the cheap text test first, then the summaries of the file's relative imports only.
 */
export function importsProjectMetric(context: AnyRuleContext): boolean {
  const sourceCode = context.sourceCode;
  if (!LABELLED_CALL.test(sourceCode.text)) return false;
  const resolve = createImportedMetricResolver(context);
  return importedSpecifiers(sourceCode.ast).some((specifier) => resolve(moduleObject(specifier)) !== undefined);
}

function moduleObject(module: string): ModuleReference {
  return { module, path: [], via: 'import' };
}

/** Relative specifiers of top-level `import … from` and `require(…)` in variable declarations. */
function importedSpecifiers(program: TSESTree.Program): string[] {
  const specifiers: string[] = [];
  for (const statement of program.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
      specifiers.push(statement.source.value);
    } else if (statement.type === AST_NODE_TYPES.VariableDeclaration) {
      for (const declarator of statement.declarations) {
        const init = declarator.init;
        if (
          init?.type === AST_NODE_TYPES.CallExpression &&
          init.callee.type === AST_NODE_TYPES.Identifier &&
          init.callee.name === 'require' &&
          init.arguments[0]?.type === AST_NODE_TYPES.Literal &&
          typeof init.arguments[0].value === 'string'
        ) {
          specifiers.push(init.arguments[0].value);
        }
      }
    }
  }
  return specifiers.filter((specifier) => specifier.startsWith('.'));
}
