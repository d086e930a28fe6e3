import { describe, expect, it } from 'vitest';
import {
  createStaticValueEvaluator,
  isIdLikeName,
  splitIdentifierWords,
  type StaticValueOptions,
} from '../../src/utils/static-value.js';
import { probe } from './probe.js';

/** `static`, `unknown`, or `dynamic:<reason>` for each `probe(expr)` in `code`. */
function verdicts(code: string, options: StaticValueOptions = {}, sourceType?: 'module' | 'script'): string[] {
  return probe(
    code,
    (context, node) => {
      const result = createStaticValueEvaluator(context, options).evaluate(node);
      return result.kind === 'dynamic' ? `dynamic:${result.reason}` : result.kind;
    },
    { sourceType },
  );
}

/** The diagnostic wording for each dynamic `probe(expr)`. */
function details(code: string): string[] {
  return probe(code, (context, node) => {
    const result = createStaticValueEvaluator(context).evaluate(node);
    return result.kind === 'dynamic' ? result.detail : result.kind;
  });
}

describe('splitIdentifierWords', () => {
  it('splits camelCase, acronyms, snake_case, kebab and digits', () => {
    expect(splitIdentifierWords('userId')).toEqual(['user', 'id']);
    expect(splitIdentifierWords('USER_ID')).toEqual(['user', 'id']);
    expect(splitIdentifierWords('clientIP')).toEqual(['client', 'ip']);
    expect(splitIdentifierWords('IPAddress')).toEqual(['ip', 'address']);
    expect(splitIdentifierWords('userIDs')).toEqual(['user', 'ids']);
    expect(splitIdentifierWords('ipv4Addr')).toEqual(['ipv4', 'addr']);
    expect(splitIdentifierWords('x-request-id')).toEqual(['x', 'request', 'id']);
    expect(splitIdentifierWords('$id')).toEqual(['id']);
  });
});

describe('isIdLikeName', () => {
  it.each([
    'id', 'uid', 'uuid', 'userId', 'user_id', 'sessionId', 'traceID', 'userIds', 'email', 'userEmail',
    'ip', 'clientIp', 'remoteAddress', 'token', 'accessToken', 'url', 'requestUrl', 'path', 'filePath', 'pathname',
    'userName', 'user_name', 'username', 'timestamp', 'jwt', 'networkIdentifier', 'cacheKey', 'topic', 'channelName',
    'room', 'session', 'user', 'host', 'feed', 'tradingPair', 'symbol', 'displayName',
  ])('%s looks like an id', (name) => {
    expect(isIdLikeName(name)).toBe(true);
  });

  it.each([
    'valid', 'skip', 'paid', 'android', 'grid', 'width', 'route', 'method', 'status', 'kind', 'routeName', 'idle',
    'identity', 'tokenizer', 'pathology', 'urlencoded', 'ids_count', 'emailSent', '', 'name', 'endpointName',
    'functionName', 'queueName', 'hostname', 'keyword', 'topics_count',
  ])('%s does not', (name) => {
    expect(isIdLikeName(name)).toBe(false);
  });

  it.each(['SESSION_ID', 'DEFAULT_TENANT_ID', 'WARMUP_REQUEST_ID'])('the constant %s does not, whatever its words', (name) => {
    expect(isIdLikeName(name)).toBe(false);
  });
});

describe('createStaticValueEvaluator', () => {
  it('accepts literals, constant chains, enums, frozen and as-const objects, bounded expressions', () => {
    expect(
      verdicts(`
        const A = 'a'; const B = A + '_b'; const T = \`\${B}/x\`;
        enum E { X = 'x', Y = 'y' }
        const O = { a: 'x', b: E.Y } as const; const F = Object.freeze({ a: 'x' }); const L = ['p', 'q'] as const;
        declare const k: string, i: number, ok: boolean, n: number;
        probe('s'); probe(42); probe(\`t\`); probe(T); probe(E.X); probe(E[k as 'X']);
        probe(O.b); probe(O[k as 'a']); probe(F.a); probe(L[i]);
        probe(ok ? 'a' : 'b'); probe(n > 1 && 'a'); probe(n > 1); probe(typeof k); probe(!k); probe(undefined);
        probe(String(n > 1)); probe('A'.toLowerCase()); probe(k.startsWith('x'));
      `),
    ).toEqual(Array.from({ length: 19 }, () => 'static'));
  });

  it('follows let variables only when every write is visible and static', () => {
    expect(
      verdicts(`
        declare const c: boolean, userId: string;
        let a = 'x'; if (c) a = 'y'; probe(a);
        let b = 'x'; if (c) b = userId; probe(b);
        let d = 'x'; d += 'y'; probe(d);
        let e; for (e of []) {} probe(e);
      `),
    ).toEqual(['static', 'dynamic:id-like', 'unknown', 'unknown']);
  });

  it('knows loop variables over literal arrays and objects, and over request data', () => {
    expect(
      verdicts(`
        const KINDS = ['a', 'b'] as const; const MAP = { x: 1, y: 2 };
        function f(req, list, userId) {
          for (const kind of KINDS) probe(kind);
          for (const key in MAP) probe(key);
          for (const v of ['x', userId]) probe(v);
          for (const h of req.headers) probe(h);
          for (const item of list) probe(item);
        }
      `),
    ).toEqual(['static', 'static', 'dynamic:id-like', 'dynamic:request-data', 'unknown']);
  });

  it('does not trust members of an object literal that the file mutates', () => {
    expect(
      verdicts(`
        declare const x: string;
        const M = { route: 'a' }; M.route = x; probe(M.route);
        const N = { route: 'a' }; Object.assign(N, { route: x }); probe(N.route);
        const P = { route: 'a' } as const; probe(P.route);
      `),
    ).toEqual(['unknown', 'unknown', 'static']);
  });

  it('classifies template literals and concatenation with runtime parts', () => {
    expect(
      verdicts(`
        declare const x: string, n: number, m: number, userId: string;
        probe(\`a\${x}\`); probe('a' + x); probe(x + '_total'); probe(\`a\${userId}\`); probe(n + m); probe(\`a\${'b'}\`);
      `),
    ).toEqual([
      'dynamic:template-literal', 'dynamic:concatenation', 'dynamic:concatenation', 'dynamic:id-like', 'unknown', 'static',
    ]);
  });

  it('recognises request data, route templates and bounded properties', () => {
    expect(
      verdicts(
        `
        function h(req, request, ctx, c, res, incomingRequest) {
          probe(req.query.a); probe(req.headers['x']); probe(req.params.id); probe(req.body); probe(req.url);
          probe(request.ip); probe(ctx.request.query); probe(ctx.query.q); probe(c.req.query('q')); probe(req.get('x'));
          probe(incomingRequest.headers.host); probe(req.cookies.sid);
          probe(req.method); probe(res.statusCode); probe(req.route.path); probe(request.routeOptions.url);
          probe(ctx._matchedRoute); probe(req.protocol);
          const { headers } = req; probe(headers['x']);
          const q = req.query; probe(q.page);
        }
      `,
        { boundedProperties: ['method', 'statusCode'] },
      ),
    ).toEqual([
      ...Array.from({ length: 12 }, () => 'dynamic:request-data'),
      'static', 'static', 'static', 'static', 'static', 'unknown',
      'dynamic:request-data', 'dynamic:request-data',
    ]);
  });

  it('recognises error messages but not error codes', () => {
    expect(
      verdicts(`
        try {} catch (problem) { probe(problem.message); probe(String(problem)); probe(problem.toString()); probe(problem); probe(problem.code); }
        function f(err, e, dbError, event) {
          probe(err.message); probe(e.stack); probe(dbError.message); probe(\`\${err}\`); probe(String(e)); probe(event.message);
        }
      `),
    ).toEqual([
      'dynamic:error-message', 'dynamic:error-message', 'dynamic:error-message', 'dynamic:error-message', 'unknown',
      'dynamic:error-message', 'dynamic:error-message', 'dynamic:error-message', 'dynamic:error-message', 'unknown', 'unknown',
    ]);
  });

  it('recognises timestamps and random values', () => {
    expect(
      verdicts(`
        import { v4 } from 'uuid';
        import { nanoid as makeId } from 'nanoid';
        const { randomUUID } = require('node:crypto');
        probe(Date.now()); probe(new Date()); probe(new Date().getTime()); probe(Date()); probe(Math.random());
        probe(performance.now()); probe(randomUUID()); probe(v4()); probe(makeId()); probe(process.hrtime.bigint());
        probe(Math.max(1, 2)); probe(new Date().getDay());
      `),
    ).toEqual([...Array.from({ length: 10 }, () => 'dynamic:unique-value'), 'static', 'unknown']);
  });

  it('honours allowedNames for identifiers, properties and functions', () => {
    expect(
      verdicts(
        `function f(tenantId, org, req) { probe(tenantId); probe(org.tenantId); probe(clean(req.path)); probe(userId); }`,
        { allowedNames: ['tenantId', 'clean'] },
      ),
    ).toEqual(['static', 'static', 'static', 'dynamic:id-like']);
  });

  it('leaves values of unknown provenance unknown', () => {
    expect(
      verdicts(`
        import { route } from './routes.js';
        function f(kind, obj) { probe(route); probe(kind); probe(obj.kind); probe(compute()); probe(this.kind); probe(await kind); }
      `),
    ).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('survives self-referencing and cyclic bindings (a string grown from itself is unbounded)', () => {
    expect(
      verdicts(`
        let s = ''; s = s + 'x'; probe(s);
        var a = b, b = a; probe(a);
      `),
    ).toEqual(['dynamic:concatenation', 'unknown']);
  });

  it('works on CommonJS scripts', () => {
    expect(verdicts(`const ROUTE = '/a'; function f(req) { probe(ROUTE); probe(req.query.x); }`, {}, 'script')).toEqual([
      'static',
      'dynamic:request-data',
    ]);
  });

  it('explains each dynamic value in words fit for a diagnostic', () => {
    expect(
      details(`
        function f(req, x, userId, err) {
          probe(\`/u/\${x}\`); probe('a' + x); probe(userId); probe(req.query.page); probe(err.message); probe(Date.now());
        }
      `),
    ).toEqual([
      '`x` is interpolated into a template literal',
      '`x` is concatenated into a string',
      '`userId` looks like an id',
      '`req.query.page` is request data',
      '`err.message` is an error message',
      '`Date.now()` is a timestamp or random value',
    ]);
  });
});
