import fs from 'node:fs';
import { RuleTester, type InvalidTestCase, type ValidTestCase } from '@typescript-eslint/rule-tester';
import { ESLint, Linter } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import plugin from '../../src/index.js';
import rule, { type NoDynamicMetricLabelsOptions } from '../../src/rules/no-dynamic-metric-labels.js';
import { createPromClientProject } from '../prom-client-project.js';
import { commonJsLanguageOptions, typedRuleTester, untypedRuleTester } from '../rule-tester.js';

type MessageIds = 'dynamicLabelValue' | 'dynamicLabelName' | 'dynamicMetricName' | 'unknownValue';
type Options = [NoDynamicMetricLabelsOptions];
type Valid = ValidTestCase<Options>;
type Invalid = InvalidTestCase<MessageIds, Options>;

/** Four metrics, one per class, named-imported from prom-client. */
const ESM = `import { Counter, Gauge, Histogram, Summary } from 'prom-client';
const counter = new Counter({ name: 'requests_total', help: 'Requests', labelNames: ['route', 'status'] });
const gauge = new Gauge({ name: 'connections', help: 'Open connections', labelNames: ['route'] });
const histogram = new Histogram({ name: 'duration_seconds', help: 'Duration', labelNames: ['route'] });
const summary = new Summary({ name: 'size_bytes', help: 'Size', labelNames: ['route'] });
`;

const value = (reason: string) => ({ messageId: 'dynamicLabelValue' as const, data: { reason } });
/** A dynamic value given to a named label: the message names the label. */
const labelValue = (label: string, reason: string) => value(`label \`${label}\`: ${reason}`);
const labelName = (reason: string) => ({ messageId: 'dynamicLabelName' as const, data: { reason } });
const metricName = (reason: string) => ({ messageId: 'dynamicMetricName' as const, data: { reason } });
const unknown = (subject: string, text: string) => ({ messageId: 'unknownValue' as const, data: { subject, text } });
const strict: Options = [{ reportUnknown: true }];

const valid: Valid[] = [
  // -- static forms --------------------------------------------------------------------------
  {
    name: 'literals and template literals without expressions',
    code: `${ESM}counter.inc({ route: '/users', status: \`ok\` }); gauge.set({ route: 404 }, 1);`,
  },
  {
    name: 'const bindings of static values, also through chains',
    code: `${ESM}const BASE = '/api'; const ROUTE = BASE + '/users'; const FULL = \`\${ROUTE}/list\`;
counter.inc({ route: ROUTE, status: FULL });`,
  },
  {
    name: 'enum members, also indexed by a runtime key',
    code: `${ESM}enum Status { Ok = 'ok', Failed = 'failed' }
function f(key: string) { counter.inc({ route: Status.Ok, status: Status[key as keyof typeof Status] }); }`,
  },
  {
    name: 'members of as const and Object.freeze objects, also indexed by a runtime key',
    code: `${ESM}const ROUTES = { users: '/users', items: '/items' } as const;
const STATUS = Object.freeze({ ok: 'ok', failed: 'failed' });
const LEVELS = ['low', 'high'] as const;
function f(key: 'users' | 'items', i: number) {
  counter.inc({ route: ROUTES.users, status: STATUS.ok });
  gauge.inc({ route: ROUTES[key] });
  histogram.observe({ route: LEVELS[i] }, 1);
}`,
  },
  {
    name: 'conditional and logical expressions of static values',
    code: `${ESM}function f(ok: boolean, mode?: string) {
  counter.inc({ route: ok ? '/a' : '/b', status: (ok && 'ok') || 'failed' });
  gauge.inc({ route: ok ? (mode ? 'x' : 'y') : 'z' });
}`,
  },
  {
    name: 'a let whose every assignment is static',
    code: `${ESM}function f(ok: boolean) { let status = 'ok'; if (!ok) status = 'failed'; counter.inc({ route: '/a', status }); }`,
  },
  {
    name: 'booleans, comparisons, typeof and conversions of static values',
    code: `${ESM}function f(n: number, x: unknown) {
  counter.inc({ route: String(n > 5), status: typeof x });
  gauge.inc({ route: String(!x) });
  summary.observe({ route: '/A'.toLowerCase() }, 1);
}`,
  },
  {
    name: 'bounded request properties by default: req.method, res.statusCode',
    code: `${ESM}function handle(req, res) { counter.inc({ route: req.method, status: res.statusCode }); }`,
  },
  {
    name: 'route templates on the request are bounded by the code',
    code: `${ESM}function handle(req, request, c) {
  counter.inc({ route: req.route.path, status: request.routeOptions.url });
  gauge.inc({ route: c.req.routePath });
  histogram.observe({ route: req.baseUrl + req.route.path }, 1);
}`,
  },
  {
    name: 'error codes and names are bounded (only messages are not)',
    code: `${ESM}try { run(); } catch (err) { counter.inc({ route: err.code, status: err.name }); }`,
  },
  {
    name: 'destructured bounded properties',
    code: `${ESM}function handle(req) { const { method } = req; counter.inc({ route: method }); }`,
  },
  {
    name: 'unknown values are not reported without reportUnknown',
    code: `${ESM}import { routeOf } from './routes.js';
function f(route: string, labels: Record<string, string>) {
  counter.inc({ route, status: routeOf() });
  gauge.inc(labels);
  counter.labels(route, 'ok').inc();
}`,
  },
  // -- calls that are not label entry points ---------------------------------------------------
  {
    name: 'remove, reset and get may use any value',
    code: `${ESM}function f(userId: string) { counter.remove(userId); counter.remove({ route: userId }); counter.reset(); void counter.get(); }`,
  },
  {
    name: 'amounts are not labels',
    code: `${ESM}function f(userId: number, n: number) { counter.inc(); counter.inc(n); gauge.set(userId); histogram.observe(Date.now()); }`,
  },
  {
    name: 'methods of a labels() child take no labels',
    code: `${ESM}function f(n: number) { const child = counter.labels('/a', 'ok'); child.inc(n); gauge.labels({ route: '/a' }).set(n); }`,
  },
  {
    name: 'exemplar labels (Counter.inc / Histogram.observe with { labels, value, exemplarLabels })',
    code: `${ESM}function f(traceId: string) {
  counter.inc({ labels: { route: '/a' }, value: 1, exemplarLabels: { traceId } });
  histogram.observe({ value: 0.2, exemplarLabels: { traceId } });
}`,
  },
  {
    name: 'exemplar labels of startTimer and of its end function',
    code: `${ESM}function f(traceId: string) { const end = histogram.startTimer({ route: '/a' }, { traceId }); end({ route: '/a' }, { traceId }); }`,
  },
  // -- not prom-client ---------------------------------------------------------------------------
  {
    name: 'a Counter from another module',
    code: `import { Counter } from 'other-metrics';
const c = new Counter({ name: 'x' }); function f(userId: string) { c.inc({ user: userId }); }`,
  },
  {
    name: 'a local Counter class shadowing the import name',
    code: `import 'prom-client';
class Counter { inc(_labels: object) {} }
const c = new Counter(); function f(userId: string) { c.inc({ user: userId }); }`,
  },
  {
    name: 'a file that never mentions prom-client',
    code: `function f(metric, userId) { metric.inc({ user: userId }); metric.labels(userId); }`,
  },
  {
    name: 'an unknown metric object is not guessed at',
    code: `import { register } from 'prom-client';
function f(userId: string) { register.getSingleMetric('x'); someMetric.inc({ user: userId }); }`,
  },
  // -- options -----------------------------------------------------------------------------------
  {
    name: 'allowedNames accepts identifiers, property names and sanitiser functions',
    code: `${ESM}function f(tenantId: string, org, req) {
  counter.inc({ route: tenantId, status: org.tenantId });
  gauge.inc({ route: normalizeRoute(req.path) });
}`,
    options: [{ allowedNames: ['tenantId', 'normalizeRoute'] }],
  },
  {
    name: 'boundedProperties accepts more bounded properties',
    code: `${ESM}function f(ctx) { counter.inc({ route: ctx.status, status: ctx.request.method }); }`,
    options: [{ boundedProperties: ['status', 'method'] }],
  },
  {
    name: 'reportUnknown accepts everything it can prove static',
    code: `${ESM}enum Kind { A = 'a' } const K = { a: 'x' } as const;
counter.inc({ route: Kind.A, status: K.a }); counter.labels('a', \`b\`).inc();`,
    options: strict,
  },
];

const invalid: Invalid[] = [
  // -- dynamic value forms -----------------------------------------------------------------------
  {
    name: 'template literal with a runtime part',
    code: `${ESM}function f(x) { counter.inc({ route: \`/users/\${x}\` }); }`,
    errors: [labelValue('route', '`x` is interpolated into a template literal')],
  },
  {
    name: 'template literal interpolating an id names the id',
    code: `${ESM}function f(userId) { counter.inc({ route: \`/users/\${userId}\` }); }`,
    errors: [labelValue('route', '`userId` looks like an id')],
  },
  {
    name: 'concatenation with a runtime part',
    code: `${ESM}function f(x) { counter.inc({ route: '/users/' + x }); }`,
    errors: [labelValue('route', '`x` is concatenated into a string')],
  },
  {
    name: 'const bound to a dynamic value',
    code: `${ESM}function f(x) { const route = \`/u/\${x}\`; counter.inc({ route }); }`,
    errors: [labelValue('route', '`x` is interpolated into a template literal')],
  },
  {
    name: 'id-like identifiers: camelCase, snake_case, acronyms, suffixes',
    code: `${ESM}function f(id, uid, userId, user_id, sessionId, clientIP, email, token, url, path, accessToken) {
  counter.inc({ a: id, b: uid, c: userId, d: user_id, e: sessionId, f: clientIP, g: email, h: token, i: url, j: path, k: accessToken });
}`,
    errors: ['id', 'uid', 'userId', 'user_id', 'sessionId', 'clientIP', 'email', 'token', 'url', 'path', 'accessToken'].map(
      (name, i) => labelValue('abcdefghijk'[i]!, `\`${name}\` looks like an id`),
    ),
  },
  {
    name: 'id-like properties: socket.id, user.email, this.userId',
    code: `${ESM}function f(socket, user) { counter.inc({ a: socket.id, b: user.email, c: user.profile.ipAddress }); }`,
    errors: [
      labelValue('a', '`socket.id` looks like an id'),
      labelValue('b', '`user.email` looks like an id'),
      labelValue('c', '`user.profile.ipAddress` looks like an id'),
    ],
  },
  {
    name: 'id-like call results',
    code: `${ESM}function f(user) { counter.inc({ route: user.getId() }); }`,
    errors: [labelValue('route', '`user.getId()` looks like an id')],
  },
  {
    name: 'request data: Express, Fastify, Koa, Hono',
    code: `${ESM}function handle(req, request, ctx, c) {
  counter.inc({ a: req.query.page, b: req.headers['user-agent'], c: req.params.name, d: req.body.kind, e: req.originalUrl });
  gauge.inc({ route: request.headers.host });
  histogram.observe({ route: ctx.request.query.sort }, 1);
  summary.observe({ route: req.get('referer') }, 1);
  summary.observe({ route: c.req.param('name') }, 1);
}`,
    errors: [
      labelValue('a', '`req.query.page` is request data'),
      labelValue('b', "`req.headers['user-agent']` is request data"),
      labelValue('c', '`req.params.name` is request data'),
      labelValue('d', '`req.body.kind` is request data'),
      labelValue('e', '`req.originalUrl` is request data'),
      labelValue('route', '`request.headers.host` is request data'),
      labelValue('route', '`ctx.request.query.sort` is request data'),
      labelValue('route', "`req.get('referer')` is request data"),
      labelValue('route', "`c.req.param('name')` is request data"),
    ],
  },
  {
    name: 'request data through destructuring and string methods',
    code: `${ESM}function handle(req) { const { query } = req; counter.inc({ route: query.page.toLowerCase() }); }`,
    errors: [labelValue('route', '`query.page` is request data')],
  },
  {
    name: 'error messages: .message, .stack, String(err), err.toString(), interpolated',
    code: `${ESM}async function f() {
  try { await run(); } catch (e) {
    counter.inc({ a: e.message, b: e.stack, c: String(e), d: e.toString() });
  }
  run().catch((error) => gauge.inc({ route: error.message }));
  run().catch((err) => gauge.inc({ route: \`failed: \${err}\` }));
}`,
    errors: [
      labelValue('a', '`e.message` is an error message'),
      labelValue('b', '`e.stack` is an error message'),
      labelValue('c', '`String(e)` is an error message'),
      labelValue('d', '`e.toString()` is an error message'),
      labelValue('route', '`error.message` is an error message'),
      labelValue('route', '`err` is an error message'),
    ],
  },
  {
    name: 'timestamps and random values',
    code: `${ESM}import { v4 } from 'uuid';
counter.inc({ a: Date.now(), b: new Date().toISOString(), c: Math.random(), d: crypto.randomUUID(), e: v4(), f: String(performance.now()) });`,
    errors: [
      labelValue('a', '`Date.now()` is a timestamp or random value'),
      labelValue('b', '`new Date().toISOString()` is a timestamp or random value'),
      labelValue('c', '`Math.random()` is a timestamp or random value'),
      labelValue('d', '`crypto.randomUUID()` is a timestamp or random value'),
      labelValue('e', '`v4()` is a timestamp or random value'),
      labelValue('f', '`performance.now()` is a timestamp or random value'),
    ],
  },
  {
    name: 'a dynamic branch of a conditional or logical expression',
    code: `${ESM}function f(ok, userId) { counter.inc({ a: ok ? 'none' : userId, b: userId ?? 'anonymous' }); }`,
    errors: [labelValue('a', '`userId` looks like an id'), labelValue('b', '`userId` looks like an id')],
  },
  {
    name: 'a let assigned a dynamic value somewhere',
    code: `${ESM}function f(req) { let route = '/'; if (req) route = req.url; counter.inc({ route }); }`,
    errors: [labelValue('route', '`req.url` is request data')],
  },
  {
    name: 'a member of a mutated object literal is not trusted; its id-like name is',
    code: `${ESM}const LABELS = { userId: 'none' }; function f(id) { LABELS.userId = id; counter.inc({ route: LABELS.userId }); }`,
    errors: [labelValue('route', '`LABELS.userId` looks like an id')],
  },
  // -- every entry point -------------------------------------------------------------------------
  {
    name: 'labels(): positional values and an object',
    code: `${ESM}function f(userId, req) { counter.labels('/a', userId).inc(); gauge.labels({ route: req.path }).set(1); counter.labels(userId).inc(); }`,
    errors: [value('`userId` looks like an id'), labelValue('route', '`req.path` is request data'), value('`userId` looks like an id')],
  },
  {
    name: 'inc/dec/set/observe with a label object',
    code: `${ESM}function f(userId) {
  counter.inc({ route: userId });
  counter.inc({ route: userId }, 2);
  gauge.dec({ route: userId });
  gauge.set({ route: userId }, 3);
  histogram.observe({ route: userId }, 0.5);
  summary.observe({ route: userId }, 10);
}`,
    errors: Array.from({ length: 6 }, () => labelValue('route', '`userId` looks like an id')),
  },
  {
    name: 'setToCurrentTime and zero',
    code: `${ESM}function f(userId) { gauge.setToCurrentTime({ route: userId }); histogram.zero({ route: userId }); }`,
    errors: [labelValue('route', '`userId` looks like an id'), labelValue('route', '`userId` looks like an id')],
  },
  {
    name: 'startTimer labels and the end function: stored, called directly, stored on this',
    code: `${ESM}function f(userId, req) {
  const end = histogram.startTimer({ route: userId });
  end({ route: req.url });
  gauge.startTimer()({ route: userId });
  const childEnd = summary.labels('/a').startTimer();
  childEnd({ route: userId });
}
class Job { start() { this.end = histogram.startTimer(); } finish(userId) { this.end({ route: userId }); } }`,
    errors: [
      labelValue('route', '`userId` looks like an id'),
      labelValue('route', '`req.url` is request data'),
      labelValue('route', '`userId` looks like an id'),
      labelValue('route', '`userId` looks like an id'),
      labelValue('route', '`userId` looks like an id'),
    ],
  },
  {
    name: 'the labels part of the exemplar form',
    code: `${ESM}function f(userId, traceId) {
  counter.inc({ labels: { route: userId }, value: 1, exemplarLabels: { traceId } });
  histogram.observe({ labels: { route: userId }, value: 0.1, exemplarLabels: { traceId } });
}`,
    errors: [labelValue('route', '`userId` looks like an id'), labelValue('route', '`userId` looks like an id')],
  },
  {
    name: 'with enableExemplars: true the single-object form is always the exemplar form',
    code: `import { Counter } from 'prom-client';
const c = new Counter({ name: 'c', help: 'h', labelNames: ['route'], enableExemplars: true });
function f(userId) { c.inc({ labels: { route: userId } }); }`,
    errors: [labelValue('route', '`userId` looks like an id')],
  },
  {
    name: 'a Gauge has no exemplar form: { labels } is a label called labels',
    code: `${ESM}function f(userId) { gauge.inc({ labels: userId }); }`,
    errors: [labelValue('labels', '`userId` looks like an id')],
  },
  {
    name: 'label objects held in constants and spread: reported at each call',
    code: `${ESM}function f(userId) {
  const labels = { route: userId };
  counter.inc(labels);
  gauge.inc(labels, 2);
  histogram.observe({ ...labels, status: 'ok' }, 1);
}`,
    errors: Array.from({ length: 3 }, () => labelValue('route', '`userId` looks like an id')),
  },
  {
    name: 'computed label names',
    code: `${ESM}function f(key, userId) { counter.inc({ [\`user_\${key}\`]: 1, [userId]: 1 }); }`,
    errors: [labelName('`key` looks like an id'), labelName('`userId` looks like an id')],
  },
  // -- metric config -----------------------------------------------------------------------------
  {
    name: 'dynamic metric name and label names in the constructor',
    code: `import { Counter } from 'prom-client';
function make(tenant, userId, extra) {
  return new Counter({ name: \`requests_\${tenant}_total\`, help: 'h', labelNames: ['route', userId, \`x_\${extra}\`] });
}`,
    errors: [
      metricName('`tenant` is interpolated into a template literal'),
      labelName('`userId` looks like an id'),
      labelName('`extra` is interpolated into a template literal'),
    ],
  },
  {
    name: 'config and labelNames held in constants, with spreads',
    code: `import { Histogram } from 'prom-client';
const PREFIX = 'app';
function make(kind) {
  const names = ['route', kind + '_id'];
  const base = { help: 'h', labelNames: [...names] };
  return new Histogram({ ...base, name: PREFIX + '_' + Date.now() });
}`,
    errors: [metricName('`Date.now()` is a timestamp or random value'), labelName('`kind` is concatenated into a string')],
  },
  // -- import styles and metric holders ----------------------------------------------------------
  {
    name: 'default import, namespace import and aliased named import',
    code: `import client from 'prom-client';
import * as prom from 'prom-client';
import { Gauge as PromGauge } from 'prom-client';
const a = new client.Counter({ name: 'a', help: 'h' });
const b = new prom.Histogram({ name: 'b', help: 'h' });
const c = new PromGauge({ name: 'c', help: 'h' });
function f(userId) { a.inc({ user: userId }); b.observe({ user: userId }, 1); c.set({ user: userId }, 1); }`,
    errors: Array.from({ length: 3 }, () => labelValue('user', '`userId` looks like an id')),
  },
  {
    name: 'class fields, this.x assignments, static fields and private fields',
    code: `import { Counter, Gauge } from 'prom-client';
class Metrics {
  requests = new Counter({ name: 'r', help: 'h' });
  static shared = new Counter({ name: 's', help: 'h' });
  #secret = new Counter({ name: 'p', help: 'h' });
  constructor() { this.open = new Gauge({ name: 'o', help: 'h' }); }
  track(userId) {
    this.requests.inc({ user: userId });
    this.open.inc({ user: userId });
    this.#secret.inc({ user: userId });
    Metrics.shared.inc({ user: userId });
    [1].forEach(() => this.requests.inc({ user: userId }));
  }
  static track(userId) { this.shared.inc({ user: userId }); }
}`,
    errors: Array.from({ length: 6 }, () => labelValue('user', '`userId` looks like an id')),
  },
  {
    name: 'object properties and late assignments',
    code: `import { Counter } from 'prom-client';
const metrics = { requests: new Counter({ name: 'r', help: 'h' }), nested: { errors: new Counter({ name: 'e', help: 'h' }) } };
metrics.late = new Counter({ name: 'l', help: 'h' });
let later;
later = new Counter({ name: 'x', help: 'h' });
function f(userId) {
  metrics.requests.inc({ user: userId });
  metrics.nested.errors.inc({ user: userId });
  metrics.late.inc({ user: userId });
  later.inc({ user: userId });
}`,
    errors: Array.from({ length: 4 }, () => labelValue('user', '`userId` looks like an id')),
  },
  {
    name: 'metrics destructured from an object literal',
    code: `import { Counter } from 'prom-client';
const metrics = { requests: new Counter({ name: 'r', help: 'h' }), nested: { errors: new Counter({ name: 'e', help: 'h' }) } };
const { requests, nested: { errors: failures } } = metrics;
function f(userId) { requests.inc({ user: userId }); failures.inc({ user: userId }); }`,
    errors: [labelValue('user', '`userId` looks like an id'), labelValue('user', '`userId` looks like an id')],
  },
  {
    name: 'get-or-create and aliases',
    code: `import { Counter, register } from 'prom-client';
const c = register.getSingleMetric('c') ?? new Counter({ name: 'c', help: 'h' });
const alias = c;
function f(userId) { alias.inc({ user: userId }); (c as Counter).inc({ user: userId }); }`,
    errors: [labelValue('user', '`userId` looks like an id'), labelValue('user', '`userId` looks like an id')],
  },
  {
    name: 'additionalMetricFactories: bare and dotted names, config checked',
    code: `const a = createCounter({ name: 'a', help: 'h' });
const b = metrics.counter({ name: \`b_\${Date.now()}\`, help: 'h' });
function f(userId) { a.inc({ user: userId }); b.inc({ user: userId }); }`,
    options: [{ additionalMetricFactories: ['createCounter', 'metrics.counter'] }],
    errors: [
      metricName('`Date.now()` is a timestamp or random value'),
      labelValue('user', '`userId` looks like an id'),
      labelValue('user', '`userId` looks like an id'),
    ],
  },
  // -- options -----------------------------------------------------------------------------------
  {
    name: 'allowedNames does not excuse other ids',
    code: `${ESM}function f(tenantId, userId) { counter.inc({ route: tenantId, status: userId }); }`,
    options: [{ allowedNames: ['tenantId'] }],
    errors: [labelValue('status', '`userId` looks like an id')],
  },
  {
    name: 'boundedProperties replaces the default list',
    code: `${ESM}function f(req) { counter.inc({ route: req.method, status: req.url }); }`,
    options: [{ boundedProperties: ['status'] }],
    errors: [labelValue('status', '`req.url` is request data')],
  },
  {
    name: 'reportUnknown: values, label sets, label-name lists and configs of unknown provenance',
    code: `import { Counter } from 'prom-client';
import { route } from './routes.js';
function make(names, config, labels, kind) {
  const c = new Counter({ name: 'c', help: 'h', labelNames: names });
  const d = new Counter(config);
  c.inc({ route, kind });
  d.inc(labels, 1);
  c.labels(kind).inc();
}`,
    options: strict,
    errors: [
      unknown('label-name list', 'names'),
      unknown('metric config', 'config'),
      unknown('label value', 'route'),
      unknown('label value', 'kind'),
      unknown('label set', 'labels'),
      unknown('label value', 'kind'),
    ],
  },
];

/** Untyped and typed runs see the same verdicts for code without type annotations that matter. */
function runBoth(cases: { valid: Valid[]; invalid: Invalid[] }): void {
  const testers: [string, RuleTester][] = [
    ['untyped', untypedRuleTester],
    ['typed', typedRuleTester],
  ];
  for (const [kind, tester] of testers) {
    tester.run(`no-dynamic-metric-labels (${kind})`, rule, {
      valid: cases.valid.map((c) => ({ ...c, name: `${kind}: ${c.name ?? c.code}` })),
      invalid: cases.invalid.map((c) => ({ ...c, name: `${kind}: ${c.name ?? c.code}` })),
    });
  }
}

runBoth({ valid, invalid });

// -- Shapes of real code: where metrics are held, how labels are built -----------------------------

const realValid: Valid[] = [
  {
    name: 'metric names with a deployment prefix or namespace',
    code: `import { Gauge, Counter } from 'prom-client';
function setup(config) {
  let prefix = config.metrics.prefix;
  const a = new Gauge({ name: \`\${prefix}open_sockets\`, help: 'h' });
  const b = new Counter({ name: \`\${config.metricsNamespace}_started_total\`, help: 'h' });
  const c = new Counter({ name: config.namePrefix + 'errors_total', help: 'h' });
}`,
  },
  {
    name: 'bare names are bounded: a queue, an endpoint, a transport, a function',
    code: `${ESM}class Worker {
  name = 'mailer';
  tick(queue, endpointName, functionName) {
    counter.inc({ route: queue.name, status: endpointName });
    gauge.set({ route: this.name }, 1);
    histogram.observe({ route: functionName }, 1);
  }
}`,
  },
  {
    name: 'the process host name is one value per process',
    code: `${ESM}import os from 'node:os';
counter.inc({ route: os.hostname(), status: 'up' });`,
  },
  {
    name: 'SCREAMING_CASE constants, whatever their words',
    code: `${ESM}import { FALLBACK_TENANT_ID } from './defaults.js';
counter.inc({ route: FALLBACK_TENANT_ID, status: 'n/a' });`,
  },
  {
    name: 'values passed through a function named as a sanitiser',
    code: `${ESM}function handle(req) { counter.inc({ route: normalizeUrl(req.originalUrl), status: sanitizePath(req.path) }); }`,
  },
  {
    name: 'a label object filled in later with bounded values',
    code: `${ESM}function handle(req, res) {
  const labels = {};
  const end = histogram.startTimer(labels);
  labels.route = req.method;
  labels.status = String(res.statusCode);
  end();
}`,
  },
  {
    name: 'label names listed from a literal of the file',
    code: `import { Counter } from 'prom-client';
const DIMENSIONS = { region: 'eu', tier: 'gold' };
const KINDS = ['a', 'b'];
const c = new Counter({ name: 'c', help: 'h', labelNames: Object.keys(DIMENSIONS) });
const d = new Counter({ name: 'd', help: 'h', labelNames: [...KINDS.map((k) => k)] });
const names = ['status'];
names.push('method');
const e = new Counter({ name: 'e', help: 'h', labelNames: names });`,
  },
  {
    name: 'label names held in variables named for a label',
    code: `${ESM}function f(routeKey, statusLabel, route) { counter.inc({ [routeKey]: route, [statusLabel]: 'ok' }); }`,
  },
  {
    name: 'a parameter annotated with a local literal union, whatever its name',
    code: `${ESM}type Region = 'eu' | 'us';
enum Tier { Gold, Silver }
function f(hostKey: Region, sessionTier: Tier, userFlag: boolean) { counter.inc({ route: hostKey, status: sessionTier }); gauge.inc({ route: userFlag }); }`,
  },
  {
    name: 'a label object type declared with literal values only',
    code: `${ESM}interface OrderLabels { channel_id: 'web' | 'app'; route: string }
function f(labels: OrderLabels) { counter.labels(labels).inc(); }`,
  },
  {
    name: 'no metric: labels() without a child call, get() on a holder not named for metrics',
    code: `import 'prom-client';
function f(i18n, cache, userId) { i18n.labels(userId); cache.get('a').inc({ user: userId }); }`,
  },
  {
    name: 'an injected client class without prom-client config, another package, a class of the file',
    code: `import { Counter as OtherCounter } from 'other-metrics';
class Gauge { set(_l: object, _v: number) {} }
function f(lib, userId) {
  new lib.Counter({ name: 'c' }).inc({ user: userId });
  new OtherCounter({ name: 'o', help: 'h' }).inc({ user: userId });
  new Gauge().set({ user: userId }, 1);
}`,
  },
  {
    name: 'label values iterated from an object of the program, unnamed',
    code: `${ESM}function report(stats) { for (const [metric, value] of Object.entries(stats)) gauge.set({ route: metric }, value); }`,
  },
];

const realInvalid: Invalid[] = [
  {
    name: 'metrics in a class field typed by a local interface (namespace import)',
    code: `import * as prom from 'prom-client';
interface ShopMetrics { orders?: prom.Counter<'buyer'>; basket: prom.Gauge<'buyer'> }
class Shop {
  protected stats: ShopMetrics = {} as ShopMetrics;
  order(customerId: string) { this.stats.orders.inc({ buyer: customerId }); this.stats.basket.set({ buyer: customerId }, 2); }
}`,
    errors: Array.from({ length: 2 }, () => labelValue('buyer', '`customerId` looks like an id')),
  },
  {
    name: 'metrics from a factory of the file that takes an injected client',
    code: `import 'prom-client';
const buildMetrics = (client, region) => ({
  hits: new client.Counter({ name: \`hits_\${region}\`, help: 'Hits', labelNames: ['visitor'] }),
});
class Site {
  declare metrics: ReturnType<typeof buildMetrics>;
  static create(client, region) { const site = new Site(); site.metrics = buildMetrics(client, region); return site; }
  visit(visitorId) { this.metrics.hits.inc({ visitor: visitorId }); }
}
const shared = buildMetrics(null, 'eu');
function f(visitorId) { shared.hits.inc({ visitor: visitorId }); }`,
    errors: [
      metricName('`region` is interpolated into a template literal'),
      labelValue('visitor', '`visitorId` looks like an id'),
      labelValue('visitor', '`visitorId` looks like an id'),
    ],
  },
  {
    name: 'metrics in Maps and looked up by a runtime key',
    code: `import { Counter, Gauge } from 'prom-client';
const depth = new Map<string, Gauge>();
const meters = new Map();
meters.set('hits', new Counter({ name: 'hits', help: 'h' }));
const all = { a: new Counter({ name: 'a', help: 'h' }), b: new Counter({ name: 'b', help: 'h' }) };
function f(queue: string, workerId, req, kind: 'a' | 'b', sessionKey) {
  depth.get(queue)!.set({ worker: workerId }, 1);
  meters.get('hits').inc({ host: req.hostname });
  all[kind].inc({ session: sessionKey });
}`,
    errors: [
      labelValue('worker', '`workerId` looks like an id'),
      labelValue('host', '`req.hostname` is request data'),
      labelValue('session', '`sessionKey` looks like an id'),
    ],
  },
  {
    name: 'register.getSingleMetric()',
    code: `import { register, Counter } from 'prom-client';
function f(roomName: string) { (register.getSingleMetric('joins') as Counter).inc({ room: roomName }); }`,
    errors: [labelValue('room', '`roomName` looks like an id')],
  },
  {
    name: 'labels from a method of the class, with a spread of shared labels',
    code: `import { Gauge } from 'prom-client';
class Hub {
  private base = { region: 'eu' };
  private open = new Gauge({ name: 'open', help: 'h', labelNames: ['tenant', 'region'] });
  private tags(tenantId: string) { return { tenant: tenantId, ...this.base }; }
  connect(tenantId: string) { this.open.inc(this.tags(tenantId)); }
  disconnect(tenantId: string) { this.open.dec(this.tags(tenantId), 1); }
}`,
    errors: Array.from({ length: 2 }, () => labelValue('tenant', '`tenantId` looks like an id')),
  },
  {
    name: 'a label object filled in later, by property writes and Object.assign',
    code: `${ESM}function labelsFor(accountId: string, extra) {
  const labels = {} as Record<string, string>;
  labels.route = 'POST';
  labels.status = accountId;
  return labels;
}
function f(accountId: string, req) {
  counter.labels(labelsFor(accountId, null)).inc();
  const more = { route: '/a' };
  Object.assign(more, { status: req.query.tab });
  counter.inc(more);
}`,
    errors: [labelValue('status', '`accountId` looks like an id'), labelValue('status', '`req.query.tab` is request data')],
  },
  {
    name: 'spread of labels held on this',
    code: `import { Counter } from 'prom-client';
class Link {
  sent = new Counter({ name: 'sent', help: 'h' });
  constructor(peerAddress: string) { this.peerLabels = { peer: peerAddress }; }
  send() { this.sent.inc({ ...this.peerLabels, kind: 'data' }); }
}`,
    errors: [labelValue('peer', '`peerAddress` looks like an id')],
  },
  {
    name: 'a label object parameter whose declared type has an id-like string label',
    code: `${ESM}interface VisitLabels { visitor_id: string; page: 'home' | 'cart' }
type Wrapped = Partial<VisitLabels>;
function record(l: VisitLabels, w: Wrapped) { counter.labels(l).inc(); gauge.inc(w); }`,
    errors: Array.from({ length: 2 }, () => value('label `visitor_id` is declared as `string` and looks like an id')),
  },
  {
    name: 'metrics recognised by use: labels(…) followed by a child call, get() on a metrics holder',
    code: `import { registry } from './registry.js';
function f(clientIp: string, targetUrl: string, stats) {
  registry.get('hits').labels({ client: clientIp }).inc();
  stats.labels(targetUrl).observe(1);
  registry.metrics.get('closed').inc({ url: targetUrl });
}`,
    errors: [
      labelValue('client', '`clientIp` looks like an id'),
      value('`targetUrl` looks like an id'),
      labelValue('url', '`targetUrl` looks like an id'),
    ],
  },
  {
    name: 'a metric of a class field assigned in the constructor, read by multi-line chains',
    code: `import { Histogram } from 'prom-client';
class Api {
  constructor() { this.latency = new Histogram({ name: 'latency', help: 'h', labelNames: ['endpoint'] }); }
  call() {
    const end = this
      .latency
      .startTimer();
    end({ endpoint: this.currentUrl.split('?')[0].trim() });
  }
}`,
    errors: [labelValue('endpoint', '`this.currentUrl` looks like an id')],
  },
  {
    name: 'a label factory out of sight, given an error message',
    code: `${ESM}import { errorLabels } from './labels.js';
const handlers = {
  error: (event: WebSocket.ErrorEvent) => { counter.labels(errorLabels(event.message)).inc(); },
};`,
    errors: [value('the labels are built by `errorLabels(…)` from `event.message` is an error message')],
  },
  {
    name: 'label names built at runtime: spread of Object.keys, push.apply, map over options',
    code: `import { Summary, Histogram, Counter } from 'prom-client';
function setup(opts, rows) {
  const custom = Object.keys(opts.customLabels ?? {});
  const a = new Histogram({ name: 'a', help: 'h', labelNames: ['route', ...custom] });
  const names = ['status'];
  names.push.apply(names, Object.keys(opts.extra));
  const b = new Summary({ name: 'b', help: 'h', labelNames: names });
  const c = new Counter({ name: 'c', help: 'h', labelNames: rows.map((row) => row.column) });
}`,
    errors: [
      labelName('the label names come from `Object.keys(opts.customLabels ?? {})`, built at runtime'),
      labelName('the label names come from `Object.keys(opts.extra)`, built at runtime'),
      labelName('the label names come from `rows.map((row) => row.column)`, built at runtime'),
    ],
  },
  {
    name: 'metric names from an identifier, directly and through a variable',
    code: `import { Counter, Gauge } from 'prom-client';
function setup(networkIdentifier: string) {
  const metricName = \`provider_calls_\${networkIdentifier}\`;
  const a = new Counter({ name: metricName, help: 'h' });
  const b = new Gauge({ name: \`balance_\${networkIdentifier}\`, help: 'h' });
}`,
    errors: Array.from({ length: 2 }, () => metricName('`networkIdentifier` looks like an id')),
  },
  {
    name: 'names that say a value is one of many: topic, channel, key, symbol, pair, feed, host, user names',
    code: `${ESM}function f(topic, channelName, cacheKey, symbol, tradingPair, feed, host, user) {
  counter.inc({ a: topic, b: channelName, c: cacheKey, d: symbol, e: tradingPair, f: feed, g: host, h: user });
}`,
    errors: ['topic', 'channelName', 'cacheKey', 'symbol', 'tradingPair', 'feed', 'host', 'user'].map((name, i) =>
      labelValue('abcdefgh'[i]!, `\`${name}\` looks like an id`),
    ),
  },
  {
    name: 'positional label values read from the request',
    code: `${ESM}function handle(req) { counter.labels(req.params.room, 'ok').inc(); }`,
    errors: [value('`req.params.room` is request data')],
  },
];

runBoth({ valid: realValid, invalid: realInvalid });

// -- CommonJS and plain JavaScript files ---------------------------------------------------------

const commonJs = { ...commonJsLanguageOptions };

runBoth({
  valid: [
    {
      name: 'require: static labels in a .cjs file',
      filename: 'common.cjs',
      languageOptions: commonJs,
      code: `const { Counter } = require('prom-client');
const c = new Counter({ name: 'c', help: 'h', labelNames: ['route'] });
module.exports = (req) => c.inc({ route: req.method });`,
    },
    {
      name: 'require of another module',
      filename: 'common.cjs',
      languageOptions: commonJs,
      code: `const { Counter } = require('./my-metrics');
const c = new Counter({ name: 'c' }); module.exports = (userId) => c.inc({ user: userId });`,
    },
  ],
  invalid: [
    {
      name: 'require: destructured with alias, whole module, inline member (.cjs)',
      filename: 'common.cjs',
      languageOptions: commonJs,
      code: `const { Counter: PromCounter } = require('prom-client');
const client = require('prom-client');
const a = new PromCounter({ name: 'a', help: 'h' });
const b = new client.Gauge({ name: 'b', help: 'h' });
const c = new (require('prom-client').Summary)({ name: 'c', help: 'h' });
const Histogram = require('prom-client').Histogram;
const d = new Histogram({ name: \`d_\${process.pid}\`, help: 'h' });
module.exports = function track(socket, err) {
  a.inc({ user: socket.id });
  b.set({ user: socket.id }, 1);
  c.observe({ reason: err.message }, 1);
  d.startTimer({ user: socket.id });
};`,
      errors: [
        metricName('`process.pid` is interpolated into a template literal'),
        labelValue('user', '`socket.id` looks like an id'),
        labelValue('user', '`socket.id` looks like an id'),
        labelValue('reason', '`err.message` is an error message'),
        labelValue('user', '`socket.id` looks like an id'),
      ],
    },
    {
      name: 'ESM in a .js file',
      filename: 'script.js',
      code: `import client from 'prom-client';
const c = new client.Counter({ name: 'c', help: 'h' });
export function track(req) { c.inc({ route: req.url }); }`,
      errors: [labelValue('route', '`req.url` is request data')],
    },
    {
      name: 'ESM in a .mjs file',
      filename: 'module.mjs',
      code: `import { Gauge } from 'prom-client';
const g = new Gauge({ name: 'g', help: 'h' });
export const track = (userId) => g.inc({ user: userId });`,
      errors: [labelValue('user', '`userId` looks like an id')],
    },
  ],
});

// -- What type information adds ------------------------------------------------------------------

typedRuleTester.run('no-dynamic-metric-labels (typed only)', rule, {
  valid: [
    {
      name: 'typed: unions of literal types are static, even with reportUnknown',
      options: strict,
      code: `${ESM}type Route = '/users' | '/items';
enum Kind { A, B }
function f<T extends 'x' | 'y'>(route: Route, kind: Kind, ok: boolean, code: 200 | 404, t: T, getRoute: () => Route) {
  counter.inc({ route, status: kind });
  gauge.inc({ route: ok });
  histogram.observe({ route: code }, 1);
  summary.observe({ route: t }, 1);
  counter.labels(getRoute(), \`\${route}\`).inc();
}`,
    },
    {
      name: 'typed: a label object whose property types are literal unions',
      options: strict,
      code: `${ESM}function f(labels: { route: '/a' | '/b'; status: 'ok' | 'failed' }) { counter.inc(labels); counter.labels(labels).inc(); }`,
    },
    {
      name: 'typed: an id-looking name with a literal type is static',
      code: `${ESM}function f(userId: 'anonymous' | 'system') { counter.inc({ route: userId }); }`,
    },
    {
      name: 'typed: labelNames of a literal tuple type',
      options: strict,
      code: `import { Counter } from 'prom-client';
function make(names: readonly ('route' | 'status')[]) { return new Counter({ name: 'c', help: 'h', labelNames: names }); }`,
    },
    {
      name: 'typed: a numeric amount held in a variable is not a label object',
      options: strict,
      code: `${ESM}function f(n: number) { counter.inc(n); gauge.set(n); }`,
    },
  ],
  invalid: [
    {
      name: 'typed: a label object type with an id-like label',
      code: `${ESM}function f(labels: { route: '/a'; userId: string }) { counter.inc(labels); }`,
      errors: [value('label `userId` is declared as `string` and looks like an id')],
    },
    {
      name: 'typed: string-typed values stay unknown in strict mode',
      options: strict,
      code: `${ESM}function f(route: string, labels: Record<string, string>) { counter.inc({ route }); gauge.inc(labels); }`,
      errors: [unknown('label value', 'route'), unknown('label set', 'labels')],
    },
    {
      name: 'typed: an Error whatever its name',
      code: `${ESM}function f(problem: Error, failure: TypeError) { counter.inc({ route: problem.message, status: String(failure) }); }`,
      errors: [labelValue('route', '`problem.message` is an error message'), labelValue('status', '`String(failure)` is an error message')],
    },
    {
      name: 'typed: concatenation of string-typed values',
      code: `${ESM}function f(a: string, b: string) { counter.inc({ route: a + b }); }`,
      errors: [labelValue('route', '`a` is concatenated into a string')],
    },
  ],
});

// -- Metrics recognised by their prom-client type (parameters, imported objects) ------------------

const promClientProject = createPromClientProject('ghostguard-metric-labels-');
afterAll(() => fs.rmSync(promClientProject, { recursive: true, force: true }));

const promClientTypedTester = new RuleTester({
  languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: promClientProject } },
  defaultFilenames: { ts: 'metrics.ts', tsx: 'metrics.tsx' },
});

promClientTypedTester.run('no-dynamic-metric-labels (prom-client types)', rule, {
  valid: [
    {
      name: 'a typed metric parameter with static labels',
      code: `import type { Counter } from 'prom-client';
export function f(c: Counter<'route'>, route: '/a' | '/b') { c.inc({ route }); c.labels(route).inc(); }`,
      options: strict,
    },
    {
      name: 'a class of another package that happens to be called Counter',
      code: `class Counter { inc(_labels: object): void {} }
export function f(c: Counter, userId: string) { c.inc({ user: userId }); }`,
    },
  ],
  invalid: [
    {
      name: 'metrics reaching the file as typed parameters and properties',
      code: `import type { Counter, Gauge, Histogram } from 'prom-client';
declare const registry: { requests: Counter<'user'>; open: Gauge<'user'> };
export function f(h: Histogram<'user'>, userId: string) {
  registry.requests.inc({ user: userId });
  registry.open.set({ user: userId }, 1);
  h.observe({ user: userId }, 1);
  const end = h.labels('x').startTimer();
  end({ user: userId });
}`,
      errors: Array.from({ length: 4 }, () => labelValue('user', '`userId` looks like an id')),
    },
  ],
});

// -- Option validation -----------------------------------------------------------------------------

describe('no-dynamic-metric-labels options schema', () => {
  const lint = (options: unknown): Linter.LintMessage[] =>
    new Linter({ configType: 'flat' }).verify(`import 'prom-client';`, [
      {
        plugins: { ghostguard: plugin as unknown as ESLint.Plugin },
        rules: { 'ghostguard/no-dynamic-metric-labels': ['error', options] },
      },
    ]);

  it('accepts every documented option', () => {
    expect(
      lint({ allowedNames: ['tenantId'], boundedProperties: ['method'], additionalMetricFactories: ['createCounter'], reportUnknown: true }),
    ).toEqual([]);
  });

  // ESLint prints the rule id and the offending value; only unknown keys are named outright.
  it.each([
    [{ allowedNames: 'tenantId' }, /no-dynamic-metric-labels[^]*Value "tenantId" should be array/],
    [{ boundedProperties: [1] }, /Value 1 should be string/],
    [{ additionalMetricFactories: [''] }, /Value "" should NOT be shorter than 1 characters/],
    [{ allowedNames: ['a', 'a'] }, /should NOT have duplicate items/],
    [{ reportUnknown: 'yes' }, /Value "yes" should be boolean/],
    [{ allowNames: ['x'] }, /Unexpected property "allowNames"/],
  ])('rejects %j', (options, message) => {
    expect(() => lint(options)).toThrow(message);
  });
});
