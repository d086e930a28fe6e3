import { ASTUtils, AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { getTypeServices, type AnyRuleContext } from './type-services.js';
import { matchesConfiguredName, skipTypeWrappers, staticKeyName, staticPropertyName } from './module-bindings.js';
import { createPromClientTracker, type PromClientValue } from './prom-client.js';
import { createStaticValueEvaluator } from './static-value.js';


export type GaugeMethod = 'inc' | 'dec';

/**
 * Which labels a call addresses, in a form two calls can be compared by: label names mapped to
 * value keys (see {@link GaugeCallRecognizer}), positional `labels('a', 'b')` values when the
 * metric's `labelNames` are not known, or the normalised text of an argument that cannot be read
 * (a label object held in a parameter, or one argument that may be the amount instead).
 */
export type LabelSet =
  | { readonly kind: 'named'; readonly entries: ReadonlyMap<string, string> }
  | { readonly kind: 'positional'; readonly values: readonly string[] }
  | { readonly kind: 'opaque'; readonly text: string };

/** A prom-client Gauge `inc()`/`dec()` call. */
export interface GaugeCall {
  readonly call: TSESTree.CallExpression;
  readonly method: GaugeMethod;
  /** The gauge (or the stored `labels()` child) as normalised source text: calls on the same text hit the same gauge. */
  readonly gauge: string;
  /** What the method is called on, as written (`gauge`, `gauge.labels('ws')`), for messages. */
  readonly receiverText: string;
  readonly labels: LabelSet;
  /** Value key of the amount; `inc()` and `inc(1)` are the same. */
  readonly amount: string;
}

export type SeriesComparison = 'same' | 'different-labels' | 'different-amount' | 'unknown';

export interface GaugeCallOptions {
  /**
   * Receivers treated as gauges even when nothing in the file says so: a dotted name matches the
   * whole receiver (`metrics.connections`), a bare name its last part (`connections`).
   */
  readonly gauges?: readonly string[];
}

export interface GaugeCallRecognizer {
  /** The Gauge `inc()`/`dec()` call `node` is, or undefined. */
  gaugeCall(node: TSESTree.Node): GaugeCall | undefined;
  /**
   * Whether a `dec()` undoes an `inc()`: same labels (label values compared as constant values
   * where they fold, else as normalised source text) and the same amount. `unknown` when the two
   * label forms cannot be compared: positional values against a label object with as many labels,
   * for a metric whose `labelNames` are not written here, or an unreadable label argument against
   * a readable one.
   */
  compare(inc: GaugeCall, dec: GaugeCall): SeriesComparison;
}

const NO_LABELS: LabelSet = { kind: 'named', entries: new Map() };
const DEFAULT_AMOUNT = '=number:1';

/** Recognises prom-client Gauge `inc()`/`dec()` calls; create it inside a rule's `create()`. */
export function createGaugeCallRecognizer(context: AnyRuleContext, options: GaugeCallOptions = {}): GaugeCallRecognizer {
  const sourceCode = context.sourceCode;
  const types = getTypeServices(context);
  const evaluator = createStaticValueEvaluator(context);
  const tracker = createPromClientTracker(context, { resolveLiteral: (node) => evaluator.resolveLiteral(node) });
  const configuredGauges = options.gauges ?? [];

  /** Tokens joined by one space, `?.` read as `.`: formatting and optional chaining do not change the gauge. */
  function normalizedText(node: TSESTree.Node): string {
    return sourceCode
      .getTokens(node)
      .map((token) => (token.value === '?.' ? '.' : token.value))
      .join(' ');
  }

  /** A constant value when the expression folds to a primitive; its normalised text otherwise. */
  function valueKey(node: TSESTree.Node): string {
    const inner = skipTypeWrappers(node);
    const folded = ASTUtils.getStaticValue(inner, sourceCode.getScope(inner));
    const value = folded?.value;
    if (folded && (value === null || (typeof value !== 'object' && typeof value !== 'function'))) {
      return `=${typeof value}:${String(value)}`;
    }
    return `~${normalizedText(inner)}`;
  }

  function isConfiguredGauge(node: TSESTree.Node): boolean {
    if (configuredGauges.length === 0) return false;
    return matchesConfiguredName(configuredGauges, node, normalizedText(node).replaceAll(' ', ''));
  }

  function isGaugeValue(value: PromClientValue | undefined, kind: 'metric' | 'child'): boolean {
    return value?.kind === kind && value.metricClass === 'Gauge';
  }

  function isGauge(node: TSESTree.Node): boolean {
    return isGaugeValue(tracker.classify(node), 'metric') || isConfiguredGauge(node);
  }

  /** A label object, when `node` is (or is a constant bound to) an object literal; opaque otherwise. */
  function labelObject(node: TSESTree.Node): LabelSet {
    const literal = skipTypeWrappers(evaluator.resolveLiteral(node));
    if (isNullish(literal)) return NO_LABELS;
    if (literal.type !== AST_NODE_TYPES.ObjectExpression) return { kind: 'opaque', text: normalizedText(skipTypeWrappers(node)) };
    const entries = new Map<string, string>();
    for (const property of literal.properties) {
      const key = property.type === AST_NODE_TYPES.Property && property.kind === 'init' ? staticKeyName(property) : undefined;
      if (property.type !== AST_NODE_TYPES.Property || key === undefined) return { kind: 'opaque', text: normalizedText(literal) };
      entries.set(key, valueKey(property.value));
    }
    return { kind: 'named', entries };
  }

  /** The metric's `labelNames`, when written as a literal list at its construction. */
  function labelNamesOf(metric: TSESTree.Node): string[] | undefined {
    const value = tracker.classify(metric);
    const config = value?.kind === 'metric' ? value.config : undefined;
    const labelNames = config && tracker.readConfig(config).labelNames;
    const list = labelNames && skipTypeWrappers(evaluator.resolveLiteral(labelNames));
    if (list?.type !== AST_NODE_TYPES.ArrayExpression) return undefined;
    const names = list.elements.map((element) => {
      const folded = element && element.type !== AST_NODE_TYPES.SpreadElement ? ASTUtils.getStaticValue(element, sourceCode.getScope(element)) : null;
      return typeof folded?.value === 'string' ? folded.value : undefined;
    });
    return names.every((name): name is string => name !== undefined) ? names : undefined;
  }

  /** `gauge.labels(…)`: one label object, or positional values (named through `labelNames` when known). */
  function labelsCallSet(metric: TSESTree.Node, args: readonly TSESTree.CallExpressionArgument[]): LabelSet {
    if (args.some((arg) => arg.type === AST_NODE_TYPES.SpreadElement)) {
      return { kind: 'opaque', text: args.map((arg) => normalizedText(arg)).join(' , ') };
    }
    if (args.length === 1) {
      const only = args[0]!;
      const literal = skipTypeWrappers(evaluator.resolveLiteral(only));
      const folded = ASTUtils.getStaticValue(skipTypeWrappers(only), sourceCode.getScope(only));
      if (literal.type === AST_NODE_TYPES.ObjectExpression) return labelObject(only);
      if (typeof folded?.value !== 'string' && !hasStringType(only)) return { kind: 'opaque', text: normalizedText(skipTypeWrappers(only)) };
    }
    const values = args.map((arg) => valueKey(arg));
    const names = labelNamesOf(metric);
    if (names?.length !== values.length) return { kind: 'positional', values };
    return { kind: 'named', entries: new Map(names.map((name, i) => [name, values[i]!])) };
  }

  function hasStringType(node: TSESTree.Node): boolean {
    if (!types) return false;
    const type = types.checker.getTypeAtLocation(types.toTsNode(node));
    const parts = type.isUnion() ? type.types : [type];
    return parts.every((part) => part.isStringLiteral() || types.checker.typeToString(part) === 'string');
  }

  function hasNumberType(node: TSESTree.Node): boolean {
    if (!types) return false;
    const type = types.checker.getTypeAtLocation(types.toTsNode(node));
    const parts = type.isUnion() ? type.types : [type];
    return parts.every((part) => part.isNumberLiteral() || types.checker.typeToString(part) === 'number');
  }

  /** `inc()`, `inc(amount)`, `inc(labels)`, `inc(labels, amount)` on the metric itself. */
  function metricCallSeries(args: readonly TSESTree.CallExpressionArgument[]): { labels: LabelSet; amount: string } {
    const [first, second] = args;
    if (!first) return { labels: NO_LABELS, amount: DEFAULT_AMOUNT };
    if (second) return { labels: labelObject(first), amount: valueKey(second) };
    const literal = skipTypeWrappers(evaluator.resolveLiteral(first));
    if (literal.type === AST_NODE_TYPES.ObjectExpression) return { labels: labelObject(first), amount: DEFAULT_AMOUNT };
    const folded = ASTUtils.getStaticValue(skipTypeWrappers(first), sourceCode.getScope(first));
    if (typeof folded?.value === 'number' || hasNumberType(first)) return { labels: NO_LABELS, amount: valueKey(first) };
    // Labels or amount, we cannot tell: the argument's text stands for both.
    return { labels: { kind: 'opaque', text: normalizedText(skipTypeWrappers(first)) }, amount: DEFAULT_AMOUNT };
  }

  function amountOf(args: readonly TSESTree.CallExpressionArgument[]): string {
    const [first] = args;
    return first ? valueKey(first) : DEFAULT_AMOUNT;
  }

  function gaugeCall(node: TSESTree.Node): GaugeCall | undefined {
    if (node.type !== AST_NODE_TYPES.CallExpression) return undefined;
    const callee = skipTypeWrappers(node.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
    const method = staticPropertyName(callee);
    if (method !== 'inc' && method !== 'dec') return undefined;
    const receiver = skipTypeWrappers(callee.object);
    const receiverText = sourceCode.getText(receiver).replace(/\s+/g, ' ');
    const base = { call: node, method, receiverText } as const;
    if (receiver.type === AST_NODE_TYPES.CallExpression) {
      const labelsCallee = skipTypeWrappers(receiver.callee);
      if (labelsCallee.type === AST_NODE_TYPES.MemberExpression && staticPropertyName(labelsCallee) === 'labels') {
        const metric = skipTypeWrappers(labelsCallee.object);
        if (isGauge(metric)) {
          return { ...base, gauge: normalizedText(metric), labels: labelsCallSet(metric, receiver.arguments), amount: amountOf(node.arguments) };
        }
      }
    }
    if (isGauge(receiver)) return { ...base, gauge: normalizedText(receiver), ...metricCallSeries(node.arguments) };
    if (isGaugeValue(tracker.classify(receiver), 'child')) {
      return { ...base, gauge: normalizedText(receiver), labels: NO_LABELS, amount: amountOf(node.arguments) };
    }
    return undefined;
  }

  function compare(inc: GaugeCall, dec: GaugeCall): SeriesComparison {
    const labels = compareLabels(inc.labels, dec.labels);
    if (labels !== 'same') return labels;
    return inc.amount === dec.amount ? 'same' : 'different-amount';
  }

  return { gaugeCall, compare };
}

function compareLabels(a: LabelSet, b: LabelSet): 'same' | 'different-labels' | 'unknown' {
  const verdict = (same: boolean): 'same' | 'different-labels' => (same ? 'same' : 'different-labels');
  if (a.kind === 'named' && b.kind === 'named') {
    return verdict(a.entries.size === b.entries.size && [...a.entries].every(([name, value]) => b.entries.get(name) === value));
  }
  if (a.kind === 'positional' && b.kind === 'positional') {
    return verdict(a.values.length === b.values.length && a.values.every((value, i) => b.values[i] === value));
  }
  if (a.kind === 'opaque' && b.kind === 'opaque') return verdict(a.text === b.text);
  // Positional values against a label object: a different count of labels is a different series.
  const named = a.kind === 'named' ? a : b.kind === 'named' ? b : undefined;
  const positional = a.kind === 'positional' ? a : b.kind === 'positional' ? b : undefined;
  if (named && positional && named.entries.size !== positional.values.length) return 'different-labels';
  return 'unknown';
}

function isNullish(node: TSESTree.Node): boolean {
  return (
    (node.type === AST_NODE_TYPES.Literal && node.value === null) ||
    (node.type === AST_NODE_TYPES.Identifier && node.name === 'undefined')
  );
}
