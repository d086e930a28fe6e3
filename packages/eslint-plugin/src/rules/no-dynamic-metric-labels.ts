import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { createRule } from '../utils/create-rule.js';
import { declaredTypeOf, memberName, typeMembers } from '../utils/declared-types.js';
import { calledFunction, returnedExpressions } from '../utils/local-functions.js';
import { lastName, resolveVariable, skipTypeWrappers, staticKeyName, staticPropertyName } from '../utils/module-bindings.js';
import { createImportedMetricResolver, importsProjectMetric } from '../utils/imported-metrics.js';
import { createPromClientTracker, mayUsePromClient, type LabelInput } from '../utils/prom-client.js';
import {
  createStaticValueEvaluator,
  isBoundedType,
  isIdLikeName,
  splitIdentifierWords,
  type StaticValue,
} from '../utils/static-value.js';
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
    if (!mayUsePromClient(context, factories, { inferFromUsage: true }) && !importsProjectMetric(context)) return {};
    const sourceCode = context.sourceCode;
    const types = getTypeServices(context);
    const evaluator = createStaticValueEvaluator(context, options);
    // Metric names may carry a deployment prefix (`${prefix}requests_total`): one value per process.
    const nameEvaluator = createStaticValueEvaluator(context, { ...options, isAllowedName: isPrefixName });
    const tracker = createPromClientTracker(context, {
      additionalMetricFactories: factories,
      resolveLiteral: (node) => evaluator.resolveLiteral(node),
      inferFromUsage: true,
      resolveImportedMetric: createImportedMetricResolver(context),
    });
    const allowedNames = new Set(options.allowedNames ?? []);
    // One report per call and value: a label object shared by several calls is reported at each call.
    const reported = new Set<string>();

    /** Where labels enter: the call or construction, so that a multi-line call is reported where it starts. */
    function report(site: TSESTree.Node, messageId: MessageIds, data: Record<string, string>): void {
      const key = `${site.range[0]}:${site.range[1]}:${messageId}:${JSON.stringify(data)}`;
      if (reported.has(key)) return;
      reported.add(key);
      context.report({ node: site, messageId, data });
    }

    function reportUnknown(site: TSESTree.Node, node: TSESTree.Node, subject: Subject): void {
      if (!options.reportUnknown) return;
      const raw = sourceCode.getText(node).replace(/\s+/g, ' ');
      report(site, 'unknownValue', { subject, text: raw.length > 40 ? `${raw.slice(0, 37)}...` : raw });
    }

    /**
     * `{ [routeKey]: route }`: a label name held in a variable named for what it is (`…Key`,
     * `…Label`, `…Name`) is the name of a label, not an id, unless it is built from one.
     */
    function isLabelKeyVariable(node: TSESTree.Node, subject: Subject, result: StaticValue): boolean {
      if (subject !== 'label name' || result.kind !== 'dynamic' || result.reason !== 'id-like') return false;
      const name = lastName(node);
      return name !== undefined && isLabelKeyName(name);
    }

    /** `label` names the label a value goes to, when known, so the message says which one. */
    function checkValue(site: TSESTree.Node, node: TSESTree.Node, subject: Subject, label?: string): void {
      const result = (subject === 'metric name' ? nameEvaluator : evaluator).evaluate(node);
      if (result.kind === 'static' || isLabelKeyVariable(node, subject, result)) return;
      const messageId = DYNAMIC_MESSAGE[subject];
      if (result.kind === 'dynamic' && messageId) {
        report(site, messageId, { reason: label === undefined ? result.detail : `label \`${label}\`: ${result.detail}` });
      } else {
        reportUnknown(site, node, subject);
      }
    }

    function checkLabelSet(site: TSESTree.Node, node: TSESTree.Node, depth = 0): void {
      if (depth > MAX_DEPTH) return;
      const inner = skipTypeWrappers(node);
      if (inner.type === AST_NODE_TYPES.ConditionalExpression) {
        checkLabelSet(site, inner.consequent, depth + 1);
        checkLabelSet(site, inner.alternate, depth + 1);
        return;
      }
      if (inner.type === AST_NODE_TYPES.LogicalExpression) {
        checkLabelSet(site, inner.left, depth + 1);
        checkLabelSet(site, inner.right, depth + 1);
        return;
      }
      const literal = evaluator.resolveLiteral(node);
      if (literal.type === AST_NODE_TYPES.ObjectExpression) {
        checkObjectLiteral(site, literal, depth);
        checkLabelWrites(site, node, depth);
        return;
      }
      if (isNullish(literal)) return;
      if (literal.type === AST_NODE_TYPES.CallExpression && checkBuiltLabelSet(site, literal, depth)) return;
      if (checkDeclaredLabelSet(site, node)) return;
      // `this.baseLabels`, a `let`: what the file assigns to it.
      if (literal.type === AST_NODE_TYPES.MemberExpression || literal.type === AST_NODE_TYPES.Identifier) {
        const written = tracker.valuesOf(literal);
        if (written.length > 0) {
          for (const value of written) checkLabelSet(site, value, depth + 1);
          return;
        }
      }
      checkTypedLabelSet(site, node);
    }

    function checkObjectLiteral(site: TSESTree.Node, literal: TSESTree.ObjectExpression, depth: number): void {
      for (const property of literal.properties) {
        if (property.type === AST_NODE_TYPES.SpreadElement) {
          checkLabelSet(site, property.argument, depth + 1);
          continue;
        }
        if (property.computed) checkValue(site, property.key, 'label name');
        checkValue(site, property.value, 'label value', property.computed ? undefined : staticKeyName(property));
      }
    }

    /**
     * A label object filled in after it is written: `labels.route = …`, `labels[key] = …`,
     * `Object.assign(labels, extra)` anywhere in the file.
     */
    function checkLabelWrites(site: TSESTree.Node, node: TSESTree.Node, depth: number): void {
      const inner = skipTypeWrappers(node);
      if (inner.type !== AST_NODE_TYPES.Identifier) return;
      const variable = resolveVariable(sourceCode, inner);
      for (const reference of variable?.references ?? []) {
        const parent = reference.identifier.parent;
        if (
          parent?.type === AST_NODE_TYPES.CallExpression &&
          parent.arguments[0] === reference.identifier &&
          sourceCode.getText(parent.callee) === 'Object.assign'
        ) {
          for (const source of parent.arguments.slice(1)) {
            if (source.type !== AST_NODE_TYPES.SpreadElement) checkLabelSet(site, source, depth + 1);
          }
          continue;
        }
        if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== reference.identifier) continue;
        const assignment = parent.parent;
        if (assignment.type !== AST_NODE_TYPES.AssignmentExpression || assignment.left !== parent) continue;
        const label = staticPropertyName(parent);
        if (label === undefined && parent.computed) checkValue(site, parent.property, 'label name');
        checkValue(site, assignment.right, 'label value', label);
      }
    }

    /**
     * A label object made by a call: a function of this file is followed to what it returns
     * (`getLabels(appId)` → `{ app_id: appId }`); a function out of sight is judged by what it is
     * given (`errorLabels(event.message)`: the labels are made from an error message).
     */
    function checkBuiltLabelSet(site: TSESTree.Node, call: TSESTree.CallExpression, depth: number): boolean {
      const fn = calledFunction(sourceCode, call.callee);
      if (fn) {
        for (const returned of returnedExpressions(sourceCode, fn)) checkLabelSet(site, returned, depth + 1);
        return true;
      }
      for (const argument of call.arguments) {
        if (argument.type === AST_NODE_TYPES.SpreadElement) continue;
        const result = evaluator.evaluate(argument);
        if (result.kind !== 'dynamic') continue;
        const callee = sourceCode.getText(call.callee);
        report(site, 'dynamicLabelValue', { reason: `the labels are built by \`${callee}(…)\` from ${result.detail}` });
        return true;
      }
      return false;
    }

    /**
     * A label object whose declared type is written in this file (`labels: { userId: string }`, an
     * interface): an id-like label typed as a plain string or number is unbounded.
     */
    function checkDeclaredLabelSet(site: TSESTree.Node, node: TSESTree.Node): boolean {
      const declared = declaredTypeOf(sourceCode, node);
      if (!declared) return false;
      const members = typeMembers(sourceCode, declared);
      for (const member of members) {
        const name = memberName(member);
        if (name === undefined || allowedNames.has(name) || !isIdLikeName(name)) continue;
        const type = member.type === AST_NODE_TYPES.TSPropertySignature ? member.typeAnnotation?.typeAnnotation : undefined;
        if (!type || !isOpenPrimitiveType(type)) continue;
        report(site, 'dynamicLabelValue', {
          reason: `label \`${name}\` is declared as \`${sourceCode.getText(type)}\` and looks like an id`,
        });
        return true;
      }
      return members.length > 0;
    }

    /** A label object we cannot see written: its type says which labels and values it holds. */
    function checkTypedLabelSet(site: TSESTree.Node, node: TSESTree.Node): void {
      if (!types) {
        reportUnknown(site, node, 'label set');
        return;
      }
      const type = types.typeOf(node);
      if (!isObjectType(type, types.checker) || types.checker.getIndexInfosOfType(type).length > 0) {
        reportUnknown(site, node, 'label set');
        return;
      }
      let hasUnknown = false;
      for (const property of type.getProperties()) {
        const name = property.getName();
        const valueType = types.checker.getTypeOfSymbol(property);
        if (allowedNames.has(name) || isBoundedType(valueType, types.checker)) continue;
        if (isIdLikeName(name)) {
          report(site, 'dynamicLabelValue', { reason: `label \`${name}\` looks like an id` });
          return;
        }
        hasUnknown = true;
      }
      if (hasUnknown) reportUnknown(site, node, 'label set');
    }

    function isLabelObject(node: TSESTree.Node): boolean {
      const literal = evaluator.resolveLiteral(node);
      if (literal.type === AST_NODE_TYPES.ObjectExpression) return true;
      if (literal.type === AST_NODE_TYPES.CallExpression) {
        const fn = calledFunction(sourceCode, literal.callee);
        if (fn && returnedExpressions(sourceCode, fn).some((r) => evaluator.resolveLiteral(r).type === AST_NODE_TYPES.ObjectExpression)) {
          return true;
        }
        // `errorLabels(…)`, `getTags(…)`: a function out of sight that says it makes labels.
        const callee = lastName(literal.callee);
        if (callee !== undefined && LABEL_SET_WORDS.has(splitIdentifierWords(callee).at(-1) ?? '')) return true;
      }
      const declared = declaredTypeOf(sourceCode, node);
      if (declared && typeMembers(sourceCode, declared).length > 0) return true;
      return types !== undefined && isObjectType(types.typeOf(node), types.checker);
    }

    function checkLabelNames(site: TSESTree.Node, node: TSESTree.Node, depth = 0): void {
      if (depth > MAX_DEPTH) return;
      const literal = evaluator.resolveLiteral(node);
      if (literal.type === AST_NODE_TYPES.ArrayExpression) {
        for (const element of literal.elements) {
          if (!element) continue;
          if (element.type === AST_NODE_TYPES.SpreadElement) checkLabelNames(site, element.argument, depth + 1);
          else checkValue(site, element, 'label name');
        }
        checkLabelNameWrites(site, node, depth);
        return;
      }
      const built = runtimeBuiltList(literal);
      if (built) {
        report(site, 'dynamicLabelName', { reason: `the label names come from \`${shortText(built)}\`, built at runtime` });
        return;
      }
      const elementType = types?.typeOf(node).getNumberIndexType();
      if (types && elementType && isBoundedType(elementType, types.checker)) return;
      checkValue(site, node, 'label-name list');
    }

    /** `names.push(…)`, `names.push.apply(names, extra)`, `names.unshift(…)` on a label-name array. */
    function checkLabelNameWrites(site: TSESTree.Node, node: TSESTree.Node, depth: number): void {
      const inner = skipTypeWrappers(node);
      if (inner.type !== AST_NODE_TYPES.Identifier) return;
      for (const reference of resolveVariable(sourceCode, inner)?.references ?? []) {
        const member = reference.identifier.parent;
        if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== reference.identifier) continue;
        const method = staticPropertyName(member);
        if (method !== 'push' && method !== 'unshift') continue;
        const next = member.parent;
        if (next.type === AST_NODE_TYPES.CallExpression && next.callee === member) {
          for (const argument of next.arguments) {
            if (argument.type === AST_NODE_TYPES.SpreadElement) checkLabelNames(site, argument.argument, depth + 1);
            else checkValue(site, argument, 'label name');
          }
          continue;
        }
        // `names.push.apply(names, list)`
        const call = next.parent;
        if (next.type === AST_NODE_TYPES.MemberExpression && staticPropertyName(next) === 'apply' && call?.type === AST_NODE_TYPES.CallExpression) {
          const list = call.arguments[1];
          if (list && list.type !== AST_NODE_TYPES.SpreadElement) checkLabelNames(site, list, depth + 1);
        }
      }
    }

    /**
     * A list made at runtime from data: `Object.keys(options.labels)`, `rows.map(…)`, `Array.from(set)`.
     * Lists made from a literal of this file (`Object.keys(LABELS)`, `KINDS.map(…)`) are not.
     */
    function runtimeBuiltList(node: TSESTree.Node): TSESTree.Node | undefined {
      const inner = skipTypeWrappers(node);
      if (inner.type !== AST_NODE_TYPES.CallExpression || inner.callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
      const method = staticPropertyName(inner.callee);
      const objectText = sourceCode.getText(inner.callee.object);
      const [first] = inner.arguments;
      let source: TSESTree.Node | undefined;
      if ((objectText === 'Object' && method !== undefined && OBJECT_LISTS.has(method)) || (objectText === 'Array' && method === 'from')) {
        source = first && first.type !== AST_NODE_TYPES.SpreadElement ? first : undefined;
      } else if (method !== undefined && LIST_METHODS.has(method)) {
        source = inner.callee.object;
      }
      if (!source) return undefined;
      const literal = evaluator.resolveLiteral(source);
      const isLiteral = literal.type === AST_NODE_TYPES.ObjectExpression || literal.type === AST_NODE_TYPES.ArrayExpression;
      return isLiteral || evaluator.evaluate(source).kind === 'static' ? undefined : inner;
    }

    function shortText(node: TSESTree.Node): string {
      const raw = sourceCode.getText(node).replace(/\s+/g, ' ');
      return raw.length > 40 ? `${raw.slice(0, 37)}...` : raw;
    }

    function checkConfig(site: TSESTree.Node, config: TSESTree.Node): void {
      const { name, labelNames, unreadable } = tracker.readConfig(config);
      if (name) checkValue(site, name, 'metric name');
      if (labelNames) checkLabelNames(site, labelNames);
      for (const node of unreadable) reportUnknown(site, node, 'metric config');
    }

    function checkInput(site: TSESTree.Node, input: LabelInput): void {
      switch (input.kind) {
        case 'labelSet':
          checkLabelSet(site, input.node);
          return;
        case 'labelValue':
          checkValue(site, input.node, 'label value');
          return;
        case 'labelSetOrValue':
          if (isLabelObject(input.node)) checkLabelSet(site, input.node);
          else checkValue(site, input.node, 'label value');
          return;
        case 'labelSetOrAmount':
          if (isLabelObject(input.node)) checkLabelSet(site, input.node);
          return;
      }
    }

    return {
      NewExpression(node) {
        const metric = tracker.constructedMetric(node);
        if (metric?.kind === 'metric' && metric.config) checkConfig(node, metric.config);
      },
      CallExpression(node) {
        const metric = tracker.constructedMetric(node);
        if (metric?.kind === 'metric' && metric.config) checkConfig(node, metric.config);
        for (const input of tracker.labelInputs(node)) checkInput(node, input);
      },
    };
  },
});

const MAX_DEPTH = 8;

/** Last words of functions that return a label object: `connectionLabels(…)`, `getTags(…)`. */
const LABEL_SET_WORDS = new Set(['labels', 'label', 'tags']);

/** `Object.keys(x)` and friends list what `x` holds at runtime. */
const OBJECT_LISTS = new Set(['keys', 'values', 'entries', 'getOwnPropertyNames']);
/** Array methods whose result is as open as the array they are called on. */
const LIST_METHODS = new Set(['map', 'filter', 'flatMap', 'concat', 'slice']);

/** `prefix`, `metricPrefix`, `namespace`: the deployment's fixed part of a metric name. */
function isPrefixName(name: string): boolean {
  const last = splitIdentifierWords(name).at(-1);
  return last === 'prefix' || last === 'namespace' || last === 'ns';
}

/** `routeKey`, `statusLabel`, `labelName`: a variable holding the name of a label. */
function isLabelKeyName(name: string): boolean {
  const last = splitIdentifierWords(name).at(-1);
  return last === 'key' || last === 'label' || last === 'name';
}

/** `string`, `number`, `any`: a declared type with no bound on its values. */
function isOpenPrimitiveType(type: TSESTree.TypeNode): boolean {
  switch (type.type) {
    case AST_NODE_TYPES.TSStringKeyword:
    case AST_NODE_TYPES.TSNumberKeyword:
    case AST_NODE_TYPES.TSBigIntKeyword:
    case AST_NODE_TYPES.TSAnyKeyword:
    case AST_NODE_TYPES.TSUnknownKeyword:
      return true;
    case AST_NODE_TYPES.TSUnionType:
      return type.types.some(isOpenPrimitiveType);
    default:
      return false;
  }
}

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
