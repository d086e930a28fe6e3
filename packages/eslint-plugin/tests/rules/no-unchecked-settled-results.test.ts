import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/no-unchecked-settled-results.js';
import { asTyped, commonJsLanguageOptions, lintWithEspree, typedRuleTester, untypedRuleTester } from '../rule-tester.js';

type MessageIds = 'discarded' | 'unchecked' | 'suggestGatherWithLogging';
type Invalid = InvalidTestCase<MessageIds, []>;

const IMPORT = "import { gatherWithLogging } from '@ghostguard/runtime';\n";

const valid: (ValidTestCase<[]> | string)[] = [
  // Checked: status, reason, `in`, destructured status, filter on status.
  `async function f() {\n  const results = await Promise.allSettled([a(), b()]);\n  for (const r of results) if (r.status === 'rejected') log(r.reason);\n}`,
  `async function f() {\n  const results = await Promise.allSettled([a(), b()]);\n  results.forEach((r) => { if (r.status !== 'fulfilled') fail(); });\n}`,
  `async function f() {\n  const values = (await Promise.allSettled([a(), b()])).filter((r) => r.status === 'fulfilled').map((r) => r.value);\n  use(values);\n}`,
  `async function f() {\n  for (const { status, value } of await Promise.allSettled([a(), b()])) use(status, value);\n}`,
  `async function f() {\n  const [first] = await Promise.allSettled([a()]);\n  if ('reason' in first) log(first.reason);\n}`,
  `async function f() {\n  const results = await Promise.allSettled([a(), b()]);\n  const failed = results.find((r) => r.status === 'rejected');\n  use(failed);\n}`,
  `async function f() {\n  const count = (await Promise.allSettled([a(), b()])).reduce((n, { status }) => n + (status === 'rejected' ? 1 : 0), 0);\n  use(count);\n}`,
  `Promise.allSettled([a(), b()]).then((results) => results.forEach((r) => r.status === 'rejected' && log(r.reason)));`,
  `async function f(xs) {\n  const results = await Promise.allSettled(xs.map((x) => load(x)));\n  for (let i = 0; i < xs.length; i++) if (results[i].status === 'fulfilled') use(results[i].value);\n}`,
  // Uses the rule does not follow.
  `async function f() {\n  const [first] = await Promise.allSettled([a()]);\n  log(first.toString());\n}`,
  `async function f() {\n  for (const { ...result } of await Promise.allSettled([a()])) log(result);\n}`,
  `async function f() {\n  let r;\n  for (r of await Promise.allSettled([a()])) use(r.value);\n}`,
  `async function f() {\n  const results = await Promise.allSettled([a()]);\n  for (const [i, r] of results.entries()) use(i, r.value);\n}`,
  `async function f() {\n  const results = await Promise.allSettled([a()]);\n  table[results] = 1;\n  use(results.custom);\n}`,
  `async function f() {\n  const pending = Promise.allSettled([a()]);\n  schedule(pending.then);\n}`,
  // Handed on: another function may check them (not followed).
  `async function f() {\n  const results = await Promise.allSettled([a(), b()]);\n  report(results);\n}`,
  `async function f() {\n  return Promise.allSettled([a(), b()]);\n}`,
  `async function f() {\n  const results = await Promise.allSettled([a(), b()]);\n  results.forEach(logFailure);\n}`,
  `async function f() {\n  for (const r of await Promise.allSettled([a(), b()])) check(r);\n}`,
  `async function f() {\n  const pending = Promise.allSettled([a(), b()]);\n  track(pending);\n}`,
  `Promise.allSettled([a(), b()]).then(summarise);`,
  `async function f() {\n  let results = await Promise.allSettled([a()]);\n  results = [];\n  use(results.length);\n}`,
  // A barrier over promises observed elsewhere: waiting until they settle swallows nothing.
  `async function close(connections) {\n  await Promise.allSettled([...connections].map((task) => task.promise));\n}`,
  `async function close(tasks) {\n  await Promise.allSettled(tasks);\n}`,
  `async function close() {\n  await Promise.allSettled([this.reader, this.writer]);\n}`,
  `async function close() {\n  await Promise.allSettled([a().catch(log), b().then(ok, log)]);\n}`,
  `async function close() {\n  const jobs = [a(), b()];\n  jobs.forEach((j) => j.catch(log));\n  await Promise.allSettled(jobs);\n}`,
  `await Promise.allSettled([Promise.resolve(1)]);`,
  // Not the global Promise, not allSettled.
  `import Promise from 'bluebird';\nawait Promise.allSettled([a(), b()]);`,
  `await Promise.all([a(), b()]);`,
  `await allSettled([a(), b()]);`,
  { code: `const { allSettled } = require('./p');\nallSettled([a()]);`, languageOptions: commonJsLanguageOptions, filename: 'common.cjs' },
];

const invalid: Invalid[] = [
  // Discarded: statement, void, awaited statement, `.then` without a parameter, `.finally`, stored and never read.
  { code: `Promise.allSettled([a(), b()]);`, errors: [{ messageId: 'discarded' }] },
  { code: `void Promise.allSettled([a(), b()]);`, errors: [{ messageId: 'discarded' }] },
  { code: `async function f() {\n  void (await Promise.allSettled([a(), b()]));\n}`, errors: [{ messageId: 'discarded' }] },
  { code: `Promise.allSettled([a(), b()]).then(() => done());`, errors: [{ messageId: 'discarded' }] },
  { code: `Promise.allSettled(items.map(async (item) => save(item))).finally(done);`, errors: [{ messageId: 'discarded' }] },
  { code: `async function f() {\n  const results = await Promise.allSettled([a(), b()]);\n}`, errors: [{ messageId: 'discarded' }] },
  { code: `async function f() {\n  const pending = Promise.allSettled([new Promise(run)]);\n  await pending;\n}`, errors: [{ messageId: 'discarded' }] },
  { code: `async function f() {\n  const jobs = items.map(save);\n  await Promise.allSettled(jobs).catch(log);\n}`, errors: [{ messageId: 'discarded' }] },
  { code: `async function f() {\n  const jobs = [];\n  for (const x of xs) jobs.push(save(x));\n  await Promise.allSettled(jobs);\n}`, errors: [{ messageId: 'discarded' }] },
  { code: `async function f() {\n  await Promise.allSettled([...items.map((x) => { return save(x); })]);\n}`, errors: [{ messageId: 'discarded' }] },
  {
    code: `await globalThis.Promise['allSettled']([a()]);`,
    errors: [{ messageId: 'discarded', suggestions: [{ messageId: 'suggestGatherWithLogging', output: `${IMPORT}await gatherWithLogging([() => a()], { label: 'gather' });` }] }],
  },
  // Used, never checked: `.value` only, `.length`, destructured `value`.
  { code: `async function f() {\n  const results = await Promise.allSettled([a(), b()]);\n  for (const r of results) use(r.value);\n}`, errors: [{ messageId: 'unchecked' }] },
  { code: `async function f() {\n  const results = await Promise.allSettled([a(), b()]);\n  return results.map((r) => r.value);\n}`, errors: [{ messageId: 'unchecked' }] },
  { code: `async function f() {\n  const [x, y] = await Promise.allSettled([a(), b()]);\n  use(x.value, y.value);\n}`, errors: [{ messageId: 'unchecked' }] },
  { code: `async function f() {\n  const [{ value: x }, ...rest] = await Promise.allSettled([a(), b(), c()]);\n  use(x, rest.length);\n}`, errors: [{ messageId: 'unchecked' }] },
  { code: `async function f() {\n  const [first = fallback] = await Promise.allSettled([a()]);\n  use(first.value);\n}`, errors: [{ messageId: 'unchecked' }] },
  { code: `async function f() {\n  const results = await Promise.allSettled([a(), b()]);\n  use(results.find((r) => r.value > 1).value);\n}`, errors: [{ messageId: 'unchecked' }] },
  { code: `async function f() {\n  const results = await Promise.allSettled([a(), b()]);\n  results[0];\n}`, errors: [{ messageId: 'discarded' }] },
  { code: `async function f(xs) {\n  const results = await Promise.allSettled(xs.map((x) => load(x)));\n  for (let i = 0; i < xs.length; i++) use(xs[i], results[i].value);\n}`, errors: [{ messageId: 'unchecked' }] },
  { code: `async function f() {\n  const results = await Promise.allSettled([a(), b()]);\n  log(results.length, results[0].value, results.at(-1).value);\n}`, errors: [{ messageId: 'unchecked' }] },
  { code: `async function f() {\n  const results = await Promise.allSettled([a(), b()]);\n  const all = results.slice(1);\n  all.forEach(({ value }) => use(value));\n}`, errors: [{ messageId: 'unchecked' }] },
  { code: `Promise.allSettled(tasks.map((t) => t.promise)).then((results) => results.forEach((r) => use(r.value)));`, errors: [{ messageId: 'unchecked' }] },
  { code: `async function f() {\n  const sum = (await Promise.allSettled([a(), b()])).reduce((n, r) => n + r.value, 0);\n  use(sum);\n}`, errors: [{ messageId: 'unchecked' }] },
];

/** The mechanical rewrite: an awaited statement over calls or a plain arrow `map`. */
const suggestions: Invalid[] = [
  {
    code: `async function refresh() {\n  await Promise.allSettled([a(), b(x)]);\n}`,
    errors: [
      {
        messageId: 'discarded',
        suggestions: [
          {
            messageId: 'suggestGatherWithLogging',
            data: { label: 'refresh' },
            output: `${IMPORT}async function refresh() {\n  await gatherWithLogging([() => a(), () => b(x)], { label: 'refresh' });\n}`,
          },
        ],
      },
    ],
  },
  {
    code: `import { sleepUntilShutdown } from "@ghostguard/runtime";\nexport const flush = async (hooks) => {\n  await Promise.allSettled(hooks.map(async (hook) => post(hook)));\n};`,
    errors: [
      {
        messageId: 'discarded',
        suggestions: [
          {
            messageId: 'suggestGatherWithLogging',
            data: { label: 'hooks' },
            output: `import { sleepUntilShutdown, gatherWithLogging } from "@ghostguard/runtime";\nexport const flush = async (hooks) => {\n  await gatherWithLogging(hooks.map((hook) => async () => post(hook)), { label: "hooks" });\n};`,
          },
        ],
      },
    ],
  },
  // Top level, no named function: the default label.
  {
    code: `await Promise.allSettled([a()]);`,
    errors: [{ messageId: 'discarded', suggestions: [{ messageId: 'suggestGatherWithLogging', output: `${IMPORT}await gatherWithLogging([() => a()], { label: 'gather' });` }] }],
  },
  // CommonJS: extends the existing require.
  {
    code: `const { drainTasks } = require('@ghostguard/runtime');\nasync function sync() {\n  await Promise.allSettled([a(), b()]);\n}`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
    errors: [
      {
        messageId: 'discarded',
        suggestions: [
          {
            messageId: 'suggestGatherWithLogging',
            output: `const { drainTasks, gatherWithLogging } = require('@ghostguard/runtime');\nasync function sync() {\n  await gatherWithLogging([() => a(), () => b()], { label: 'sync' });\n}`,
          },
        ],
      },
    ],
  },
  {
    code: `'use strict';\nasync function sync() {\n  await Promise.allSettled([a()]);\n}\nmodule.exports = { sync };`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
    errors: [
      {
        messageId: 'discarded',
        suggestions: [
          {
            messageId: 'suggestGatherWithLogging',
            output: `'use strict';\nconst { gatherWithLogging } = require('@ghostguard/runtime');\nasync function sync() {\n  await gatherWithLogging([() => a()], { label: 'sync' });\n}\nmodule.exports = { sync };`,
          },
        ],
      },
    ],
  },
  // No suggestion: not an awaited statement, an element that is not a call, an `await` inside, a name clash.
  { code: `void Promise.allSettled([a()]);`, errors: [{ messageId: 'discarded', suggestions: [] }] },
  { code: `async function f(p) {\n  await Promise.allSettled([a(), new Promise(run)]);\n}`, errors: [{ messageId: 'discarded', suggestions: [] }] },
  { code: `async function f() {\n  await Promise.allSettled([a(await token())]);\n}`, errors: [{ messageId: 'discarded', suggestions: [] }] },
  { code: `const gatherWithLogging = 1;\nasync function f() {\n  await Promise.allSettled([a()]);\n}`, errors: [{ messageId: 'discarded', suggestions: [] }] },
  { code: `async function f() {\n  await Promise.allSettled(items.map(save));\n}`, errors: [{ messageId: 'discarded', suggestions: [] }] },
];

const TYPED_ONLY_OVERLOAD = `declare global {\n  interface PromiseConstructor {\n    allSettled(jobs: Promise<void>[]): Promise<number[]>;\n  }\n}\ndeclare function a(): Promise<void>;\nexport async function f() {\n  await Promise.allSettled([a()]);\n}`;

/** Type information confirms `Promise` and the result type; it also sees `Promise` under another name. */
const typedValid: ValidTestCase<[]>[] = [
  // A local class with a static `allSettled` of another shape is not the global combinator.
  {
    code: `declare const P: { allSettled(xs: unknown[]): Promise<number[]> };\nexport async function f() {\n  await P.allSettled([a()]);\n}\ndeclare function a(): Promise<void>;`,
  },
  // The global `Promise`, but the overload chosen does not yield settled results.
  {
    code: TYPED_ONLY_OVERLOAD,
  },
  {
    code: `export async function f(p: Promise<void>[]) {\n  const results: PromiseSettledResult<void>[] = await Promise.allSettled(p);\n  return results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');\n}`,
  },
];

const typedInvalid: Invalid[] = [
  {
    code: `const P = Promise;\nexport async function f() {\n  await P.allSettled([a()]);\n}\ndeclare function a(): Promise<void>;`,
    errors: [{ messageId: 'discarded', suggestions: [{ messageId: 'suggestGatherWithLogging', output: `${IMPORT}const P = Promise;\nexport async function f() {\n  await gatherWithLogging([() => a()], { label: 'f' });\n}\ndeclare function a(): Promise<void>;` }] }],
  },
  {
    code: `export async function f(urls: string[]) {\n  const results = await Promise.allSettled(urls.map((u) => fetch(u)));\n  return results.map((r) => (r as PromiseFulfilledResult<Response>).value);\n}`,
    errors: [{ messageId: 'unchecked' }],
  },
  { code: `Promise.allSettled([a()]);\ndeclare function a(): Promise<void>;`, filename: 'module.mjs', errors: [{ messageId: 'discarded' }] },
  { code: `Promise.allSettled([a()]);\nfunction a() { return Promise.resolve(); }`, filename: 'script.js', errors: [{ messageId: 'discarded' }] },
  {
    code: `const { drainTasks } = require('@ghostguard/runtime');\nasync function f() {\n  await Promise.allSettled([a()]);\n}\nfunction a() { return Promise.resolve(); }`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
    errors: [
      {
        messageId: 'discarded',
        suggestions: [
          {
            messageId: 'suggestGatherWithLogging',
            output: `const { drainTasks, gatherWithLogging } = require('@ghostguard/runtime');\nasync function f() {\n  await gatherWithLogging([() => a()], { label: 'f' });\n}\nfunction a() { return Promise.resolve(); }`,
          },
        ],
      },
    ],
  },
];

describe('no-unchecked-settled-results', () => {
  untypedRuleTester.run('without type information', rule, {
    valid,
    invalid: [
      ...invalid,
      ...suggestions,
      // Without types the overload is invisible: reported like any other discarded call.
      { code: TYPED_ONLY_OVERLOAD, errors: [{ messageId: 'discarded', suggestions: [{ messageId: 'suggestGatherWithLogging', output: `${IMPORT}${TYPED_ONLY_OVERLOAD.replace('await Promise.allSettled([a()])', "await gatherWithLogging([() => a()], { label: 'f' })")}` }] }] },
    ],
  });
  typedRuleTester.run('with type information', rule, {
    valid: [...typedValid, ...asTyped(valid.map((c) => (typeof c === 'string' ? { code: c } : c)))],
    invalid: [...typedInvalid, ...asTyped([...invalid, ...suggestions])],
  });
});

describe('without @typescript-eslint/parser', () => {
  it('reports in plain .js and .cjs parsed by espree', () => {
    const code = 'async function f() {\n  await Promise.allSettled([a()]);\n  const r = await Promise.allSettled([b()]);\n  return r.map((x) => x.value);\n}\n';
    expect(lintWithEspree('no-unchecked-settled-results', rule, code, 'module').map((m) => m.messageId)).toEqual(['discarded', 'unchecked']);
    expect(lintWithEspree('no-unchecked-settled-results', rule, code, 'commonjs').map((m) => m.messageId)).toEqual(['discarded', 'unchecked']);
  });
});

describe('options schema', () => {
  it('rejects any option (the rule has none)', () => {
    const linter = new Linter({ configType: 'flat' });
    const lint = (options: unknown[]) =>
      linter.verify('x;', [
        {
          plugins: { ghostguard: { rules: { 'no-unchecked-settled-results': rule as never } } },
          rules: { 'ghostguard/no-unchecked-settled-results': ['error', ...options] as never },
        },
      ]);
    expect(() => lint([])).not.toThrow();
    expect(() => lint([{ labels: true }])).toThrow(/should NOT have more than 0 items/);
  });
});
