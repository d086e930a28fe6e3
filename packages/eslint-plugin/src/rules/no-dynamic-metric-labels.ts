import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { createRule } from '../utils/create-rule.js';
import { createPromClientTracker, mayUsePromClient, type LabelInput } from '../utils/prom-client.js';
import { createStaticValueEvaluator, isBoundedType, isIdLikeName } from '../utils/static-value.js';
import { getTypeServices } from '../utils/type-services.js';

export interface NoDynamicMetricLabelsOptions {
  allowedNames?: string[];
  boundedProperties?: string[];
  additionalMetricFactories?: string[];
  reportUnknown?: boolean;
}

type Options = [NoDynamicMetricLabelsOptions];
type MessageIds = 'dynamicLabelValue' | 'dynamicLabelName' | 'dynamicMetricName' | 'unknownValue';

/** What a checked expression is, in the words diagnostics use. */
type Subject = 'label value' | 'label name' | 'label set' | 'label-name list' | 'metric name' | 'metric config';

const DYNAMIC_MESSAGE: Partial<Record<Subject, MessageIds>> = {
  'label value': 'dynamicLabelValue',
  'label name': 'dynamicLabelName',
  'label-name list': 'dynamicLabelName',
  'metric name': 'dynamicMetricName',
};

const NOT_OBJECT_TYPES = new Set(['string', 'number', 'bigint', 'boolean', 'any', 'unknown', 'never', 'undefined', 'null', 'void']);

const DEFAULT_OPTIONS: NoDynamicMetricLabelsOptions = {
  allowedNames: [],
  boundedProperties: ['method', 'statusCode'],
  additionalMetricFactories: [],
  reportUnknown: false,
};

export default createRule<Options, MessageIds>({
  name: 'no-dynamic-metric-labels',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow prom-client label values, label names and metric names that are not static (ids, template literals, request data, error messages)',
      recommended: 'recommended',
      requiresTypeChecking: false,
    },
    messages: {
      dynamicLabelValue:
        'Unbounded label value: {{reason}}. Every distinct value creates a new time series; use a fixed set of values and send ids to logs.',
      dynamicLabelName:
        'Dynamic label name: {{reason}}. Label names must be a fixed set declared in `labelNames`; send ids to logs.',
      dynamicMetricName:
        'Dynamic metric name: {{reason}}. Metric names must be fixed strings; put the varying part in a bounded label, and ids in logs.',
      unknownValue:
        'Cannot prove that the {{subject}} `{{text}}` has a bounded set of values. Use literals, constants, enums or literal-union types; send ids to logs.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          allowedNames: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description:
              'Identifiers, property names and function names accepted as static label values (e.g. `tenantId` when tenants are few, or a sanitiser like `normalizeRoute`).',
          },
          boundedProperties: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description:
              'Property names whose values are bounded, e.g. `req.method`, `res.statusCode`. Replaces the default list.',
          },
          additionalMetricFactories: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description:
              'Functions whose call returns a prom-client metric: `createCounter` matches any callee named so, `metrics.counter` the exact callee.',
          },
          reportUnknown: {
            type: 'boolean',
            description: 'Also report values whose boundedness cannot be proven (parameters, imports, calls). On in `strict`.',
          },
        },
      },
    ],
    defaultOptions: [DEFAULT_OPTIONS],
  },
  defaultOptions: [DEFAULT_OPTIONS],
  create(context, [options]) {
    const factories = options.additionalMetricFactories ?? [];
    if (!mayUsePromClient(context, factories)) return {};
    const sourceCode = context.sourceCode;
    const types = getTypeServices(context);
    const evaluator = createStaticValueEvaluator(context, options);
    const tracker = createPromClientTracker(context, {
      additionalMetricFactories: factories,
      resolveLiteral: (node) => evaluator.resolveLiteral(node),
    });
    const allowedNames = new Set(options.allowedNames ?? []);
    // A constant label object used by several calls is reported once, where it is written.
    const reported = new Set<string>();

    function report(node: TSESTree.Node, messageId: MessageIds, data: Record<string, string>): void {
      const key = `${node.range[0]}:${node.range[1]}:${messageId}`;
      if (reported.has(key)) return;
      reported.add(key);
      context.report({ node, messageId, data });
    }

    function reportUnknown(node: TSESTree.Node, subject: Subject): void {
      if (!options.reportUnknown) return;
      const raw = sourceCode.getText(node).replace(/\s+/g, ' ');
      report(node, 'unknownValue', { subject, text: raw.length > 40 ? `${raw.slice(0, 37)}...` : raw });
    }

    function checkValue(node: TSESTree.Node, subject: Subject): void {
      const result = evaluator.evaluate(node);
      if (result.kind === 'static') return;
      const messageId = DYNAMIC_MESSAGE[subject];
      if (result.kind === 'dynamic' && messageId) report(node, messageId, { reason: result.detail });
      else reportUnknown(node, subject);
    }

    function checkLabelSet(node: TSESTree.Node, depth = 0): void {
      const literal = evaluator.resolveLiteral(node);
      if (literal.type === AST_NODE_TYPES.ObjectExpression && depth < 8) {
        for (const property of literal.properties) {
          if (property.type === AST_NODE_TYPES.SpreadElement) {
            checkLabelSet(property.argument, depth + 1);
            continue;
          }
          if (property.computed) checkValue(property.key, 'label name');
          checkValue(property.value, 'label value');
        }
        return;
      }
      if (isNullish(literal)) return;
      checkTypedLabelSet(node);
    }

    /** A label object we cannot see written: its type says which labels and values it holds. */
    function checkTypedLabelSet(node: TSESTree.Node): void {
      if (!types) {
        reportUnknown(node, 'label set');
        return;
      }
      const type = types.typeOf(node);
      if (!isObjectType(type, types.checker) || types.checker.getIndexInfosOfType(type).length > 0) {
        reportUnknown(node, 'label set');
        return;
      }
      let hasUnknown = false;
      for (const property of type.getProperties()) {
        const name = property.getName();
        const valueType = types.checker.getTypeOfSymbol(property);
        if (allowedNames.has(name) || isBoundedType(valueType, types.checker)) continue;
        if (isIdLikeName(name)) {
          report(node, 'dynamicLabelValue', { reason: `label \`${name}\` looks like an id` });
          return;
        }
        hasUnknown = true;
      }
      if (hasUnknown) reportUnknown(node, 'label set');
    }

    function isLabelObject(node: TSESTree.Node): boolean {
      const literal = evaluator.resolveLiteral(node);
      if (literal.type === AST_NODE_TYPES.ObjectExpression) return true;
      return types !== undefined && isObjectType(types.typeOf(node), types.checker);
    }

    function checkLabelNames(node: TSESTree.Node, depth = 0): void {
      const literal = evaluator.resolveLiteral(node);
      if (literal.type === AST_NODE_TYPES.ArrayExpression && depth < 8) {
        for (const element of literal.elements) {
          if (!element) continue;
          if (element.type === AST_NODE_TYPES.SpreadElement) checkLabelNames(element.argument, depth + 1);
          else checkValue(element, 'label name');
        }
        return;
      }
      const elementType = types?.typeOf(node).getNumberIndexType();
      if (types && elementType && isBoundedType(elementType, types.checker)) return;
      checkValue(node, 'label-name list');
    }

    function checkConfig(config: TSESTree.Node): void {
      const { name, labelNames, unreadable } = tracker.readConfig(config);
      if (name) checkValue(name, 'metric name');
      if (labelNames) checkLabelNames(labelNames);
      for (const node of unreadable) reportUnknown(node, 'metric config');
    }

    function checkInput(input: LabelInput): void {
      switch (input.kind) {
        case 'labelSet':
          checkLabelSet(input.node);
          return;
        case 'labelValue':
          checkValue(input.node, 'label value');
          return;
        case 'labelSetOrValue':
          if (isLabelObject(input.node)) checkLabelSet(input.node);
          else checkValue(input.node, 'label value');
          return;
        case 'labelSetOrAmount':
          if (isLabelObject(input.node)) checkLabelSet(input.node);
          return;
      }
    }

    return {
      NewExpression(node) {
        const metric = tracker.constructedMetric(node);
        if (metric?.kind === 'metric' && metric.config) checkConfig(metric.config);
      },
      CallExpression(node) {
        const metric = tracker.constructedMetric(node);
        if (metric?.kind === 'metric' && metric.config) checkConfig(metric.config);
        for (const input of tracker.labelInputs(node)) checkInput(input);
      },
    };
  },
});

function isNullish(node: TSESTree.Node): boolean {
  return (
    (node.type === AST_NODE_TYPES.Literal && node.value === null) ||
    (node.type === AST_NODE_TYPES.Identifier && node.name === 'undefined')
  );
}

/** An object that can hold labels, as opposed to a string/number (a value or an amount). */
function isObjectType(type: ts.Type, checker: ts.TypeChecker): boolean {
  if (type.isUnion()) return type.types.some((member) => isObjectType(member, checker));
  if (type.isLiteral()) return false;
  const printed = checker.typeToString(type);
  if (NOT_OBJECT_TYPES.has(printed) || printed === 'true' || printed === 'false') return false;
  return type.getProperties().length > 0 || checker.getIndexInfosOfType(type).length > 0;
}
