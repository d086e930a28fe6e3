import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import {
  destructuredPath,
  matchesConfiguredName,
  lastName,
  matchesModuleExport,
  resolveModuleReference,
  resolveVariable,
  skipTypeWrappers,
  staticKeyName,
  staticPropertyName,
  type ModuleReference,
} from './module-bindings.js';
import { splitIdentifierWords } from './static-value.js';
import { declaredTypeOf, namedType, propertyType, unwrapType } from './declared-types.js';
import { calledFunction, isNode, returnedExpressions, thisOwner } from './local-functions.js';
import { getTypeServices, type AnyRuleContext } from './type-services.js';

const { DefinitionType } = TSESLint.Scope;

type Variable = TSESLint.Scope.Variable;

export const PROM_CLIENT_MODULE = 'prom-client';

/** The prom-client classes whose instances take labels. */
export const METRIC_CLASSES = ['Counter', 'Gauge', 'Histogram', 'Summary'] as const;
export type MetricClass = (typeof METRIC_CLASSES)[number];

/** What a value is, as far as labels are concerned. */
export type PromClientValue =
  /** A metric: `new Counter(…)`, a configured factory's result, or (typed) any `Counter`/… value. */
  | {
      readonly kind: 'metric';
      /** Unknown for factory results. */
      readonly metricClass?: MetricClass;
      /** The constructor/factory config argument, when written at the construction. */
      readonly config?: TSESTree.Node;
    }
  /** `metric.labels(…)`: its methods take no labels, but its `startTimer()` end function does. */
  | {
      readonly kind: 'child';
      /** The parent metric's class, when known. */
      readonly metricClass?: MetricClass;
    }
  /** The function `startTimer()` returns: `end({ status })` adds labels. */
  | { readonly kind: 'timerEnd' };

/** A place where labels enter a metric, found by {@link PromClientTracker.labelInputs}. */
export type LabelInput =
  /** An object mapping label names to values (`inc({ route }, 1)`, `startTimer({ route })`). */
  | { readonly kind: 'labelSet'; readonly node: TSESTree.Node }
  /** `labels(x)` with one argument: a label object or the single positional value. */
  | { readonly kind: 'labelSetOrValue'; readonly node: TSESTree.Node }
  /** `inc(x)`/`observe(x)` with one argument: a label object or the amount. */
  | { readonly kind: 'labelSetOrAmount'; readonly node: TSESTree.Node }
  /** A positional label value: `labels('GET', route)`. */
  | { readonly kind: 'labelValue'; readonly node: TSESTree.Node };

/** What a metric's config object says about names. */
export interface MetricConfig {
  readonly name?: TSESTree.Node;
  readonly labelNames?: TSESTree.Node;
  /** `enableExemplars: true` (then `inc/observe({ labels, value, exemplarLabels })`). */
  readonly exemplars?: boolean;
  /** Parts of the config that could not be read (a spread of an unknown object, the config itself). */
  readonly unreadable: readonly TSESTree.Node[];
}

/**
 * What an imported binding is, as a module summary can tell: a metric of a known class, a metric
 * of unknown class (`'metric'`), or a collection of metrics (`'metrics'`: its properties, elements
 * and `.get(…)` results are metrics, e.g. an exported `{ requests: new Counter(…) }` or a wrapper
 * class instance with a `get(name)` accessor).
 */
export type MetricKind = MetricClass | 'metric' | 'metrics';

/** Answers for imports of other modules; see {@link PromClientOptions.resolveImportedMetric}. */
export type ImportedMetricResolver = (reference: ModuleReference) => MetricKind | undefined;

export interface PromClientOptions {
  /**
   * Functions whose call returns a prom-client metric: a bare name matches the callee's last
   * name (`createCounter` matches `createCounter(…)` and `metrics.createCounter(…)`); a dotted
   * name matches the whole callee (`metrics.counter`).
   */
  readonly additionalMetricFactories?: readonly string[];
  /** Follows constants to their literal (the static-value evaluator's `resolveLiteral`). */
  readonly resolveLiteral: (node: TSESTree.Node) => TSESTree.Node;
  /**
   * What an imported binding holds, for bindings imported from other modules (never asked about
   * `prom-client` itself). The tracker reads one file only, so a metric created in another module
   * and imported (`import { requests } from './metrics'`) is unknown unless this says otherwise; a
   * cross-module summary plugs in here. The default answers `undefined` ("unknown") for everything.
   * Asked with the full path (`['metrics', 'requests']` for `metrics.requests` of a named import)
   * and, when that is unknown, with the path of the holder (`['metrics']`), where `'metrics'` makes
   * the member a metric.
   */
  readonly resolveImportedMetric?: ImportedMetricResolver;
  /**
   * Also recognise metrics by how the file uses them, where nothing in the file says where they
   * come from: `x.labels(…).inc()` (only a prom-client metric has a `labels()` child with these
   * methods) and `.get(…)`/`[…]` on a holder named like a collection of metrics (`metrics`,
   * `counters`, `gauges`, `histograms`, `summaries`). Off by default: a guess, fit for a rule about
   * label values, which also needs an evidently unbounded value before it reports.
   */
  readonly inferFromUsage?: boolean;
}

export interface PromClientTracker {
  /** The metric a `new …`/factory call constructs, or undefined when it is not a metric. */
  constructedMetric(node: TSESTree.NewExpression | TSESTree.CallExpression): PromClientValue | undefined;
  /** What `node` holds: a metric, a `labels()` child, a timer end function, or undefined. */
  classify(node: TSESTree.Node): PromClientValue | undefined;
  /** The label inputs of a call on a metric, child or timer end function; empty for any other call. */
  labelInputs(call: TSESTree.CallExpression): LabelInput[];
  /** Reads `name`, `labelNames` and `enableExemplars` from a metric's config argument. */
  readConfig(config: TSESTree.Node): MetricConfig;
  /**
   * The expressions a variable or property is given in this file (initialiser and assignments;
   * class fields and `this.x = …`; properties of the object literal it is bound to).
   */
  valuesOf(node: TSESTree.Identifier | TSESTree.MemberExpression): TSESTree.Node[];
}

/** Methods that take a label object as their first argument when given one. */
const LABEL_SET_METHODS = new Set(['setToCurrentTime', 'startTimer', 'zero']);
/** Methods whose only argument may be a label object or the amount. */
const AMOUNT_METHODS = new Set(['inc', 'dec', 'set', 'observe']);
/** prom-client's exemplar call form `inc/observe({ labels, value, exemplarLabels })`. */
const EXEMPLAR_KEYS = new Set(['labels', 'value', 'exemplarLabels']);

const MAX_DEPTH = 8;

/** Methods of a `labels()` child: `x.labels(…).inc()` proves `x` is a metric. */
const CHILD_METHODS = new Set(['inc', 'dec', 'set', 'observe', 'startTimer', 'setToCurrentTime', 'zero', 'reset', 'remove']);
/** Last words of names that hold several metrics: `metrics.get('x')`, `this.counters[name]`. */
const COLLECTION_WORDS = new Set(['metrics', 'counters', 'gauges', 'histograms', 'summaries', 'meters', 'instruments']);
/** prom-client's config keys; `{ name, help }` together are its signature. */
const CONFIG_SIGNATURE = ['name', 'help'] as const;

function isMetricClass(name: string | undefined): name is MetricClass {
  return (METRIC_CLASSES as readonly string[]).includes(name ?? '');
}

/** Fully qualified names of prom-client declarations: `"prom-client".Counter` or `"…/node_modules/prom-client/index".Counter`. */
const PROM_CLIENT_QUALIFIED = /(?:^|["/])prom-client(?:\/[^"]*)?"\.(.+)$/;

interface ClassMembers {
  readonly instance: Map<string, TSESTree.Node[]>;
  readonly static: Map<string, TSESTree.Node[]>;
}

export function createPromClientTracker(context: AnyRuleContext, options: PromClientOptions): PromClientTracker {
  const sourceCode = context.sourceCode;
  const types = getTypeServices(context);
  const factories = options.additionalMetricFactories ?? [];
  const classCache = new Map<TSESTree.Node, ClassMembers>();
  const classifyCache = new Map<TSESTree.Node, PromClientValue | undefined>();
  const inProgress = new Set<TSESTree.Node>();
  const collectionCache = new Map<TSESTree.Node, boolean>();
  // Timer end functions only exist where `startTimer` is written; skips a lookup per call elsewhere.
  const mentionsStartTimer = sourceCode.text.includes('startTimer');

  function metricClassOfConstructor(callee: TSESTree.Node, config: TSESTree.Node | undefined): MetricClass | undefined {
    const reference = resolveModuleReference(sourceCode, callee);
    const exported = METRIC_CLASSES.find((name) =>
      matchesModuleExport(reference, { module: PROM_CLIENT_MODULE, path: [name] }),
    );
    if (exported) return exported;
    const imported = reference && importedKind(reference);
    if (imported && imported !== 'metrics') return isMetricClass(imported) ? imported : undefined;
    // Another package's `Counter`, or a class of this file: not prom-client.
    if (reference && !reference.module.startsWith('.')) return undefined;
    const inner = skipTypeWrappers(callee);
    if (inner.type === AST_NODE_TYPES.Identifier && resolveVariable(sourceCode, inner)?.defs.some((def) => def.type === DefinitionType.ClassName)) {
      return undefined;
    }
    // prom-client reached another way (`new this.deps.client.Histogram(…)`, `new metrics.client.Counter(…)`
    // with an injected client): its class names with its `{ name, help }` config.
    const name = callee.type === AST_NODE_TYPES.MemberExpression || callee.type === AST_NODE_TYPES.Identifier ? lastName(callee) : undefined;
    return isMetricClass(name) && config && hasPromClientConfigShape(config) ? name : undefined;
  }

  function hasPromClientConfigShape(config: TSESTree.Node): boolean {
    const object = options.resolveLiteral(config);
    if (object.type !== AST_NODE_TYPES.ObjectExpression) return false;
    const keys = new Set(object.properties.map((p) => (p.type === AST_NODE_TYPES.Property ? staticKeyName(p) : undefined)));
    return CONFIG_SIGNATURE.every((key) => keys.has(key));
  }

  /** What the injected resolver says about an import of another module; undefined for prom-client itself. */
  function importedKind(reference: ModuleReference): MetricKind | undefined {
    if (!options.resolveImportedMetric || reference.module === PROM_CLIENT_MODULE) return undefined;
    return options.resolveImportedMetric(reference);
  }

  function isFactoryCall(call: TSESTree.CallExpression): boolean {
    if (factories.length === 0) return false;
    const callee = skipTypeWrappers(call.callee);
    return matchesConfiguredName(factories, callee, sourceCode.getText(callee));
  }

  function constructedMetric(node: TSESTree.NewExpression | TSESTree.CallExpression): PromClientValue | undefined {
    const [config] = node.arguments;
    const configNode = config && config.type !== AST_NODE_TYPES.SpreadElement ? config : undefined;
    const withConfig = configNode ? { config: configNode } : {};
    if (node.type === AST_NODE_TYPES.NewExpression) {
      const metricClass = metricClassOfConstructor(node.callee, configNode);
      return metricClass ? { kind: 'metric', metricClass, ...withConfig } : undefined;
    }
    return isFactoryCall(node) ? { kind: 'metric', ...withConfig } : undefined;
  }

  function classify(node: TSESTree.Node, depth = 0): PromClientValue | undefined {
    const inner = skipTypeWrappers(node);
    if (classifyCache.has(inner)) return classifyCache.get(inner);
    if (inProgress.has(inner) || depth > MAX_DEPTH) return undefined;
    inProgress.add(inner);
    try {
      const result = classifyUncached(inner, depth) ?? classifyByType(inner);
      classifyCache.set(inner, result);
      return result;
    } finally {
      inProgress.delete(inner);
    }
  }

  function classifyUncached(node: TSESTree.Node, depth: number): PromClientValue | undefined {
    switch (node.type) {
      case AST_NODE_TYPES.NewExpression:
        return constructedMetric(node);
      case AST_NODE_TYPES.CallExpression: {
        const constructed = constructedMetric(node);
        if (constructed) return constructed;
        const callee = skipTypeWrappers(node.callee);
        const method = callee.type === AST_NODE_TYPES.MemberExpression ? staticPropertyName(callee) : undefined;
        if (callee.type === AST_NODE_TYPES.MemberExpression && (method === 'labels' || method === 'startTimer')) {
          const receiver = classify(callee.object, depth + 1) ?? (method === 'labels' ? metricByUsage(node) : undefined);
          if (method === 'labels') return receiver?.kind === 'metric' ? childOf(receiver.metricClass) : undefined;
          return receiver?.kind === 'metric' || receiver?.kind === 'child' ? { kind: 'timerEnd' } : undefined;
        }
        // `register.getSingleMetric('x')`: whatever it finds is a metric (or undefined).
        if (method === 'getSingleMetric') return { kind: 'metric' };
        // `metrics.get('requests')` on a Map or registry of metrics.
        if (callee.type === AST_NODE_TYPES.MemberExpression && method === 'get' && isCollection(callee.object, depth + 1)) {
          return { kind: 'metric' };
        }
        // A factory or accessor of this file: what it returns.
        const fn = calledFunction(sourceCode, callee);
        return fn ? firstClassified(returnedExpressions(sourceCode, fn), depth) : undefined;
      }
      case AST_NODE_TYPES.LogicalExpression:
        // `registry.getSingleMetric(name) ?? new Counter(…)`: the constructed side knows the class and config.
        return classify(node.right, depth + 1) ?? classify(node.left, depth + 1);
      case AST_NODE_TYPES.ConditionalExpression:
        return classify(node.consequent, depth + 1) ?? classify(node.alternate, depth + 1);
      case AST_NODE_TYPES.AssignmentExpression:
        return node.operator === '=' ? classify(node.right, depth + 1) : undefined;
      case AST_NODE_TYPES.Identifier:
      case AST_NODE_TYPES.MemberExpression:
        return firstClassified(valuesOf(node, depth), depth) ?? classifyHolder(node, depth);
      default:
        return undefined;
    }
  }

  function firstClassified(values: readonly TSESTree.Node[], depth: number): PromClientValue | undefined {
    for (const value of values) {
      const result = classify(value, depth + 1);
      if (result) return result;
    }
    return undefined;
  }

  /**
   * A variable or property whose writes say nothing: its declared type (`requests: Counter<'a'>`,
   * `metrics: { [k: string]: Gauge }`), an import the resolver knows, or an element of a collection
   * of metrics (`metrics[name]`, `this.metrics.requests` when `this.metrics` holds metrics).
   */
  function classifyHolder(node: TSESTree.Identifier | TSESTree.MemberExpression, depth: number): PromClientValue | undefined {
    const declared = declaredTypeOf(sourceCode, node);
    const byType = declared && metricOfType(declared);
    if (byType) return byType;
    const reference = resolveModuleReference(sourceCode, node);
    if (reference) {
      const kind = importedKind(reference);
      if (kind && kind !== 'metrics') return isMetricClass(kind) ? { kind: 'metric', metricClass: kind } : { kind: 'metric' };
      if (reference.path.length > 0 && importedKind({ ...reference, path: reference.path.slice(0, -1) }) === 'metrics') {
        return { kind: 'metric' };
      }
    }
    if (node.type === AST_NODE_TYPES.MemberExpression && isCollection(node.object, depth + 1)) return { kind: 'metric' };
    return undefined;
  }

  /** A declared type naming prom-client's `Counter`/… (`prom.Gauge<'a'>`, `Histogram | undefined`) or its child type. */
  function metricOfType(type: TSESTree.TypeNode): PromClientValue | undefined {
    for (const part of unwrapType(sourceCode, type)) {
      if (part.type !== AST_NODE_TYPES.TSTypeReference) continue;
      const named = namedType(sourceCode, part);
      if (named.kind !== 'import') continue;
      const { reference } = named;
      if (reference.module === PROM_CLIENT_MODULE) {
        const path = reference.path[0] === 'default' ? reference.path.slice(1) : reference.path;
        if (path.length === 1 && isMetricClass(path[0])) return { kind: 'metric', metricClass: path[0] };
        if (path.length === 2 && isMetricClass(path[0]) && path[1] === 'Internal') return childOf(path[0]);
        continue;
      }
      const kind = importedKind(reference);
      if (kind && kind !== 'metrics') return isMetricClass(kind) ? { kind: 'metric', metricClass: kind } : { kind: 'metric' };
    }
    return undefined;
  }

  /**
   * True when the members of `node` are metrics: an object or array literal holding one, a `Map`
   * given one with `set`, a declared `Record<string, Counter>`/`Map<string, Gauge>`/`Counter[]`, an
   * import the resolver calls `'metrics'`, or (inferFromUsage) a holder named like one.
   */
  function isCollection(node: TSESTree.Node, depth: number): boolean {
    const inner = skipTypeWrappers(node);
    if (depth > MAX_DEPTH) return false;
    const cached = collectionCache.get(inner);
    if (cached !== undefined) return cached;
    collectionCache.set(inner, false);
    const result = isCollectionUncached(inner, depth);
    collectionCache.set(inner, result);
    return result;
  }

  function isCollectionUncached(node: TSESTree.Node, depth: number): boolean {
    const isReference = node.type === AST_NODE_TYPES.Identifier || node.type === AST_NODE_TYPES.MemberExpression;
    const holders = isReference ? [node, ...valuesOf(node, depth + 1)] : [node];
    for (const holder of holders.flatMap((h) => withReturnedValues(h))) {
      const literal = options.resolveLiteral(holder);
      if (literal.type === AST_NODE_TYPES.ObjectExpression) {
        const values = literal.properties.flatMap((p) => (p.type === AST_NODE_TYPES.Property ? [p.value] : []));
        if (values.some((value) => classify(value, depth + 1)?.kind === 'metric')) return true;
      }
      if (literal.type === AST_NODE_TYPES.ArrayExpression) {
        const elements = literal.elements.filter((e): e is TSESTree.Expression => e !== null && e.type !== AST_NODE_TYPES.SpreadElement);
        if (elements.some((element) => classify(element, depth + 1)?.kind === 'metric')) return true;
      }
      if (literal.type === AST_NODE_TYPES.NewExpression && literal.typeArguments) {
        const held = literal.typeArguments.params.at(-1);
        if (held && metricOfType(held)) return true;
      }
    }
    if (node.type === AST_NODE_TYPES.Identifier) {
      const variable = resolveVariable(sourceCode, node);
      if (variable && mapSetValues(variable).some((value) => classify(value, depth + 1)?.kind === 'metric')) return true;
    }
    if (!isReference) return false;
    const declared = declaredTypeOf(sourceCode, node);
    const element = declared && propertyType(sourceCode, declared, undefined);
    if (element && metricOfType(element)) return true;
    const reference = resolveModuleReference(sourceCode, node);
    if (reference && importedKind(reference) === 'metrics') return true;
    if (!options.inferFromUsage) return false;
    const name = lastName(node);
    return name !== undefined && COLLECTION_WORDS.has(splitIdentifierWords(name).at(-1) ?? '');
  }

  /** `registry.set(name, value)` anywhere in the file: the values a Map variable is given. */
  function mapSetValues(variable: Variable): TSESTree.Node[] {
    return variable.references.flatMap((reference) => {
      const member = reference.identifier.parent;
      if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== reference.identifier) return [];
      const call = member.parent;
      if (staticPropertyName(member) !== 'set' || call.type !== AST_NODE_TYPES.CallExpression || call.callee !== member) return [];
      const value = call.arguments[1];
      return value && value.type !== AST_NODE_TYPES.SpreadElement ? [value] : [];
    });
  }

  /** A holder and, when it is a call of a function of this file, what that function returns. */
  function withReturnedValues(holder: TSESTree.Node): TSESTree.Node[] {
    const inner = skipTypeWrappers(holder);
    if (inner.type !== AST_NODE_TYPES.CallExpression) return [holder];
    const fn = calledFunction(sourceCode, inner.callee);
    return fn ? [holder, ...returnedExpressions(sourceCode, fn)] : [holder];
  }

  /**
   * (inferFromUsage) `x.labels(…).inc()`: only a prom-client metric has a `labels()` whose result
   * takes `inc`/`set`/`observe`/`startTimer`…, so `x` is one even when its origin is out of sight.
   */
  function metricByUsage(labelsCall: TSESTree.CallExpression): PromClientValue | undefined {
    if (!options.inferFromUsage) return undefined;
    let outer: TSESTree.Node = labelsCall;
    while (outer.parent?.type === AST_NODE_TYPES.ChainExpression || outer.parent?.type === AST_NODE_TYPES.TSNonNullExpression) outer = outer.parent;
    const member = outer.parent;
    if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== outer) return undefined;
    const method = staticPropertyName(member);
    const call = member.parent;
    return method !== undefined && CHILD_METHODS.has(method) && call.type === AST_NODE_TYPES.CallExpression && call.callee === member
      ? { kind: 'metric' }
      : undefined;
  }

  /** Typed: a value whose declared type is prom-client's `Counter`/… or a child (`Counter.Internal`). */
  function classifyByType(node: TSESTree.Node): PromClientValue | undefined {
    if (!types || node.type === AST_NODE_TYPES.Literal) return undefined;
    const type = types.typeOf(node);
    const symbol = type.aliasSymbol ?? type.getSymbol();
    if (!symbol) return undefined;
    const match = PROM_CLIENT_QUALIFIED.exec(types.checker.getFullyQualifiedName(symbol));
    const path = match?.[1]?.split('.');
    if (!path) return undefined;
    if (path.length === 1 && isMetricClass(path[0])) return { kind: 'metric', metricClass: path[0] };
    if (path.length === 2 && isMetricClass(path[0]) && path[1] === 'Internal') return childOf(path[0]);
    return undefined;
  }

  /**
   * The expressions a variable or property is given in this file: a variable's initialiser and
   * assignments; `this.x` from class fields and `this.x = …` in the class; `obj.x` from an object
   * literal `obj` is bound to and from `obj.x = …`.
   */
  function valuesOf(node: TSESTree.Identifier | TSESTree.MemberExpression, depth: number): TSESTree.Node[] {
    if (depth > MAX_DEPTH) return [];
    if (node.type === AST_NODE_TYPES.Identifier) {
      const variable = resolveVariable(sourceCode, node);
      return variable ? [...writesOf(variable), ...destructuredValuesOf(variable, depth)] : [];
    }
    const name = staticPropertyName(node) ?? (node.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${node.property.name}` : undefined);
    return name === undefined ? [] : propertyValues(skipTypeWrappers(node.object), name, depth);
  }

  /** `const { requests } = metrics` → the values of `metrics.requests`. */
  function destructuredValuesOf(variable: Variable, depth: number): TSESTree.Node[] {
    const def = variable.defs[0];
    if (def?.type !== DefinitionType.Variable || !def.node.init || def.node.id.type !== AST_NODE_TYPES.ObjectPattern) return [];
    if (def.name.type !== AST_NODE_TYPES.Identifier) return [];
    const path = destructuredPath(def.node.id, def.name);
    if (!path || path.length === 0) return [];
    let holders: TSESTree.Node[] = [skipTypeWrappers(def.node.init)];
    for (const name of path) holders = holders.flatMap((holder) => propertyValues(skipTypeWrappers(holder), name, depth + 1));
    return holders;
  }

  /** The values property `name` of `object` is given in this file. */
  function propertyValues(object: TSESTree.Node, name: string, depth: number): TSESTree.Node[] {
    if (depth > MAX_DEPTH) return [];
    if (object.type === AST_NODE_TYPES.ThisExpression) {
      const owner = thisOwner(object);
      return owner ? (membersOf(owner.classNode)[owner.isStatic ? 'static' : 'instance'].get(name) ?? []) : [];
    }
    const values: TSESTree.Node[] = [];
    if (object.type === AST_NODE_TYPES.Identifier) {
      const variable = resolveVariable(sourceCode, object);
      if (!variable) return [];
      const classDef = variable.defs.find((def) => def.type === DefinitionType.ClassName);
      if (classDef) values.push(...(membersOf(classDef.node).static.get(name) ?? []));
      values.push(...propertyWritesOf(variable, name));
    }
    const holders = object.type === AST_NODE_TYPES.Identifier || object.type === AST_NODE_TYPES.MemberExpression
      ? [object, ...valuesOf(object, depth + 1)]
      : [object];
    for (const holder of holders.flatMap((h) => withReturnedValues(h))) {
      const literal = options.resolveLiteral(holder);
      if (literal.type !== AST_NODE_TYPES.ObjectExpression) continue;
      for (const property of literal.properties) {
        if (property.type === AST_NODE_TYPES.Property && staticKeyName(property) === name) values.push(property.value);
      }
    }
    return values;
  }

  function writesOf(variable: Variable): TSESTree.Node[] {
    return variable.references.flatMap((reference) => {
      const parent = reference.identifier.parent;
      const isPlainWrite =
        (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id === reference.identifier) ||
        (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === reference.identifier);
      return isPlainWrite && reference.writeExpr ? [reference.writeExpr] : [];
    });
  }

  /** `obj.name = value` anywhere in the file. */
  function propertyWritesOf(variable: Variable, name: string): TSESTree.Node[] {
    return variable.references.flatMap((reference) => {
      const member = reference.identifier.parent;
      if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== reference.identifier) return [];
      if (staticPropertyName(member) !== name) return [];
      const assignment = member.parent;
      return assignment.type === AST_NODE_TYPES.AssignmentExpression && assignment.left === member ? [assignment.right] : [];
    });
  }

  /** Class fields and `this.x = …` assignments of a class, per instance/static side. */
  function membersOf(classNode: TSESTree.ClassDeclaration | TSESTree.ClassExpression): ClassMembers {
    const cached = classCache.get(classNode);
    if (cached) return cached;
    const members: ClassMembers = { instance: new Map(), static: new Map() };
    classCache.set(classNode, members);
    const add = (isStatic: boolean, name: string, value: TSESTree.Node): void => {
      const side = isStatic ? members.static : members.instance;
      side.set(name, [...(side.get(name) ?? []), value]);
    };
    for (const element of classNode.body.body) {
      if (element.type === AST_NODE_TYPES.StaticBlock) {
        collectThisWrites(element, true, add);
        continue;
      }
      if (element.type === AST_NODE_TYPES.PropertyDefinition && element.value) {
        const name = element.key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${element.key.name}` : staticKeyName(element);
        if (name !== undefined) add(element.static, name, element.value);
      }
      if (element.type === AST_NODE_TYPES.MethodDefinition || element.type === AST_NODE_TYPES.PropertyDefinition) {
        if (element.value) collectThisWrites(element.value, element.static, add);
      }
    }
    return members;
  }

  /** Walks a class member for `this.x = …`, not entering nested classes or `function`s (own `this`). */
  function collectThisWrites(root: TSESTree.Node, isStatic: boolean, add: (isStatic: boolean, name: string, value: TSESTree.Node) => void): void {
    const visit = (node: TSESTree.Node): void => {
      if (
        node.type === AST_NODE_TYPES.AssignmentExpression &&
        node.left.type === AST_NODE_TYPES.MemberExpression &&
        node.left.object.type === AST_NODE_TYPES.ThisExpression
      ) {
        const property = node.left.property;
        const name = property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${property.name}` : staticPropertyName(node.left);
        if (name !== undefined) add(isStatic, name, node.right);
      }
      for (const key of sourceCode.visitorKeys[node.type] ?? []) {
        const child = (node as unknown as Record<string, unknown>)[key];
        for (const item of Array.isArray(child) ? child : [child]) {
          if (!isNode(item)) continue;
          if (
            item.type === AST_NODE_TYPES.ClassDeclaration ||
            item.type === AST_NODE_TYPES.ClassExpression ||
            item.type === AST_NODE_TYPES.FunctionDeclaration ||
            (item.type === AST_NODE_TYPES.FunctionExpression && node !== root)
          ) {
            continue;
          }
          visit(item);
        }
      }
    };
    visit(root);
  }

  function labelInputs(call: TSESTree.CallExpression): LabelInput[] {
    const args = call.arguments;
    const callee = skipTypeWrappers(call.callee);
    const method = callee.type === AST_NODE_TYPES.MemberExpression ? staticPropertyName(callee) : undefined;
    if (
      callee.type !== AST_NODE_TYPES.MemberExpression ||
      method === undefined ||
      !(method === 'labels' || LABEL_SET_METHODS.has(method) || AMOUNT_METHODS.has(method))
    ) {
      return isTimerEnd(callee) ? firstLabelSet(args) : [];
    }
    const receiver = classify(callee.object) ?? (method === 'labels' ? metricByUsage(call) : undefined);
    if (receiver?.kind !== 'metric') return [];
    if (method === 'labels') {
      if (args.length === 1 && args[0]!.type !== AST_NODE_TYPES.SpreadElement) return [{ kind: 'labelSetOrValue', node: args[0]! }];
      return args.map((node) => ({ kind: 'labelValue', node }));
    }
    if (LABEL_SET_METHODS.has(method)) return firstLabelSet(args);
    // inc/dec/set/observe
    const [first] = args;
    if (!first || first.type === AST_NODE_TYPES.SpreadElement) return [];
    if (args.length >= 2) return [{ kind: 'labelSet', node: first }];
    const exemplarLabels = exemplarCallLabels(receiver, method, first);
    if (exemplarLabels !== undefined) return exemplarLabels ? [{ kind: 'labelSet', node: exemplarLabels }] : [];
    return [{ kind: 'labelSetOrAmount', node: first }];
  }

  /**
   * The function `startTimer()` returned: called directly (`m.startTimer()({ … })`) or through the
   * variable/property it was stored in (`end({ … })`, `this.end({ … })`). Syntactic on purpose:
   * it runs for every call in the file, so it only looks at values that are `startTimer()` calls.
   */
  function isTimerEnd(callee: TSESTree.Node): boolean {
    if (!mentionsStartTimer) return false;
    if (isStartTimerCall(callee)) return classify(callee)?.kind === 'timerEnd';
    if (callee.type !== AST_NODE_TYPES.Identifier && callee.type !== AST_NODE_TYPES.MemberExpression) return false;
    return valuesOf(callee, 0).some((value) => {
      const inner = skipTypeWrappers(value);
      return isStartTimerCall(inner) && classify(inner)?.kind === 'timerEnd';
    });
  }

  function firstLabelSet(args: readonly TSESTree.CallExpressionArgument[]): LabelInput[] {
    const [first] = args;
    return first && first.type !== AST_NODE_TYPES.SpreadElement ? [{ kind: 'labelSet', node: first }] : [];
  }

  /**
   * For the exemplar form `inc/observe({ labels, value, exemplarLabels })`: the `labels` value
   * (null when absent). Undefined when the call is not in that form. Exemplar labels are
   * per-sample and not part of the series, so they are never checked.
   */
  function exemplarCallLabels(
    metric: Extract<PromClientValue, { kind: 'metric' }>,
    method: string,
    argument: TSESTree.Node,
  ): TSESTree.Node | null | undefined {
    const supportsExemplars =
      (method === 'inc' && (metric.metricClass ?? 'Counter') === 'Counter') ||
      (method === 'observe' && (metric.metricClass ?? 'Histogram') === 'Histogram');
    if (!supportsExemplars) return undefined;
    const object = options.resolveLiteral(argument);
    if (object.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
    const keys = object.properties.map((p) => (p.type === AST_NODE_TYPES.Property ? staticKeyName(p) : undefined));
    const enabled = metric.config ? readConfig(metric.config).exemplars : undefined;
    const shaped =
      keys.every((key) => key !== undefined && EXEMPLAR_KEYS.has(key)) &&
      (keys.includes('labels') || keys.includes('exemplarLabels'));
    if (enabled === false || !(enabled === true || shaped)) return undefined;
    const labels = object.properties.find(
      (p): p is TSESTree.Property => p.type === AST_NODE_TYPES.Property && staticKeyName(p) === 'labels',
    );
    return labels ? labels.value : null;
  }

  function readConfig(config: TSESTree.Node): MetricConfig {
    let name: TSESTree.Node | undefined;
    let labelNames: TSESTree.Node | undefined;
    let exemplars: boolean | undefined;
    const unreadable: TSESTree.Node[] = [];
    const read = (node: TSESTree.Node, depth: number): void => {
      const object = options.resolveLiteral(node);
      if (object.type !== AST_NODE_TYPES.ObjectExpression || depth > MAX_DEPTH) {
        unreadable.push(node);
        return;
      }
      for (const property of object.properties) {
        if (property.type === AST_NODE_TYPES.SpreadElement) {
          read(property.argument, depth + 1);
          continue;
        }
        const key = staticKeyName(property);
        if (key === 'name') name = property.value;
        else if (key === 'labelNames') labelNames = property.value;
        else if (key === 'enableExemplars') {
          const value = skipTypeWrappers(property.value);
          exemplars = value.type === AST_NODE_TYPES.Literal && typeof value.value === 'boolean' ? value.value : undefined;
        }
      }
    };
    read(config, 0);
    return { ...(name && { name }), ...(labelNames && { labelNames }), ...(exemplars !== undefined && { exemplars }), unreadable };
  }

  return { constructedMetric, classify: (node) => classify(node), labelInputs, readConfig, valuesOf: (node) => valuesOf(node, 0) };
}

function childOf(metricClass: MetricClass | undefined): PromClientValue {
  return metricClass ? { kind: 'child', metricClass } : { kind: 'child' };
}

function isStartTimerCall(node: TSESTree.Node): node is TSESTree.CallExpression {
  return (
    node.type === AST_NODE_TYPES.CallExpression &&
    node.callee.type === AST_NODE_TYPES.MemberExpression &&
    staticPropertyName(node.callee) === 'startTimer'
  );
}

/**
 * Signs of prom-client use without its name (`inferFromUsage`): a `labels()` call, a registry
 * lookup, a metric class constructed with any receiver (an injected client), or `.get(…)` on a
 * holder named like a collection of metrics.
 */
const USAGE_SIGNS = /\.labels\s*\(|getSingleMetric|\bnew\s+[\w$.]*\b(?:Counter|Gauge|Histogram|Summary)\s*\(|\b(?:metrics|counters|gauges|histograms|summaries)\s*\??\.\s*get\s*\(/i;

/**
 * Cheap pre-check so files that never touch prom-client cost nothing: the file mentions
 * `prom-client` or a configured factory, or (typed) the program contains prom-client's types,
 * through which a metric can reach this file as a typed parameter. With `inferFromUsage`, also
 * a file showing {@link USAGE_SIGNS}.
 */
export function mayUsePromClient(
  context: AnyRuleContext,
  additionalMetricFactories: readonly string[] = [],
  options: { readonly inferFromUsage?: boolean } = {},
): boolean {
  const text = context.sourceCode.text;
  if (text.includes(PROM_CLIENT_MODULE)) return true;
  if (additionalMetricFactories.some((factory) => text.includes(factory.split('.').at(-1) ?? factory))) return true;
  if (options.inferFromUsage && USAGE_SIGNS.test(text)) return true;
  const program = context.sourceCode.parserServices?.program;
  return program ? programIncludesPromClient(program) : false;
}

/**
 * Answers per program, not per file: scanning every source file of the program for each linted
 * file made typed runs quadratic in the project's size. A program object never changes its files
 * (an editor or watch mode builds a new one), so the answer is a pure function of the object.
 */
const promClientInProgram = new WeakMap<ts.Program, boolean>();

function programIncludesPromClient(program: ts.Program): boolean {
  let found = promClientInProgram.get(program);
  if (found === undefined) {
    found = program.getSourceFiles().some((file) => /[\\/]prom-client[\\/]/.test(file.fileName));
    promClientInProgram.set(program, found);
  }
  return found;
}
