import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/no-race-with-long-lived-promise.js';
import { asTyped, commonJsLanguageOptions, lintWithEspree, typedRuleTester, untypedRuleTester } from '../rule-tester.js';

type MessageIds = 'raceWithLongLivedPromise' | 'useSleepUntilShutdown';
type Invalid = InvalidTestCase<MessageIds, []>;

const IMPORT = "import { sleepUntilShutdown } from '@ghostguard/runtime';\n";
const SLEEP = 'const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n';
const SHUTDOWN = 'const shutdown = new Promise((resolve) => process.once("SIGTERM", resolve));\n';

function report(promise: string, where: string): { messageId: 'raceWithLongLivedPromise'; data: { promise: string; where: string } } {
  return { messageId: 'raceWithLongLivedPromise', data: { promise, where } };
}

const valid: (ValidTestCase<[]> | string)[] = [
  // Not repeated: the function is not called in a loop, a timeout runs once, a `once` listener.
  `async function f(shutdown) {\n  await Promise.race([work(), shutdown]);\n}`,
  `${SHUTDOWN}function tick() {\n  return Promise.race([work(), shutdown]);\n}\ntick();`,
  `${SHUTDOWN}setTimeout(async () => {\n  await Promise.race([work(), shutdown]);\n}, 1000);`,
  `${SHUTDOWN}ws.once('message', async () => {\n  await Promise.race([work(), shutdown]);\n});`,
  `async function f(req, ready) {\n  req.on('finish', () => Promise.race([ready, later()]));\n  ws.on('close', async () => { await Promise.race([ready, flush()]); });\n}`,
  `${SHUTDOWN}target.addEventListener('message', async () => {\n  await Promise.race([work(), shutdown]);\n}, { once: true });`,
  // Every element is created on each run.
  `async function f() {\n  while (more()) await Promise.race([work(), new Promise((r) => setTimeout(r, 100))]);\n}`,
  `async function f(conns) {\n  for (const conn of conns) await Promise.race([conn.closed, work()]);\n}`,
  `wss.on('connection', (ws) => {\n  const closed = new Promise((r) => ws.once('close', r));\n  return Promise.race([serve(ws), closed]);\n});`,
  // Reassigned in the loop: a new promise each time.
  `async function f(start) {\n  let current = start();\n  while (true) {\n    await Promise.race([current, timeout()]);\n    current = next();\n  }\n}`,
  `class Poller {\n  async run() {\n    while (true) {\n      this.current = fetchNext();\n      await Promise.race([this.current, timeout()]);\n    }\n  }\n}`,
  // Already settled, not a promise, or a deadline that settles by itself.
  `const ready = Promise.resolve();\nasync function f() {\n  while (more()) await Promise.race([ready, work()]);\n}`,
  `const limit = 5;\nasync function f() {\n  while (more()) await Promise.race([limit, work()]);\n}`,
  `async function f(jobs) {\n  const deadline = new Promise((r) => setTimeout(r, 5000));\n  for (const job of jobs) await Promise.race([run(job), deadline]);\n}`,
  // `this` of a function listener is the emitter of that event, not one long-lived object.
  `emitter.on('data', function () {\n  return Promise.race([work(), this.closed]);\n});`,
  // Unknown shapes and other combinators.
  `${SHUTDOWN}async function f(promises) {\n  while (more()) await Promise.race(promises);\n}`,
  `${SHUTDOWN}async function f() {\n  while (more()) await Promise.all([work(), shutdown]);\n}`,
  `${SHUTDOWN}async function f() {\n  while (more()) await Promise.race([work(), undeclaredGlobal]);\n}`,
  `${SHUTDOWN}async function f() {\n  while (more()) await Promise.race([work(), getShutdown()]);\n}`,
  `import Promise from 'bluebird';\n${SHUTDOWN}async function f() {\n  while (more()) await Promise.race([work(), shutdown]);\n}`,
  `async function f(p) {\n  const value = await p;\n  while (more()) await Promise.race([value, work()]);\n}`,
  `async function f(conns) {\n  const closed = conns[0].closed;\n  for (let i = 0; i < 3; i++) await Promise.race([conns[i].closed, work()]);\n}`,
  `class Holder {\n  field = Promise.race([work(), shutdown]);\n}\nconst shutdown = new Promise(() => {});`,
  // A method called once, on another object, or from a static method.
  `class Poller {\n  closed = new Promise(() => {});\n  async tick() {\n    await Promise.race([pause(1), this.closed]);\n  }\n  async run(other) {\n    await this.tick();\n    while (true) await other.tick();\n  }\n  static async loop(p) {\n    while (true) await p.tick();\n  }\n}`,
  // The `for` initialiser and the iterable run once.
  `${SHUTDOWN}async function f() {\n  for (const x of await Promise.race([list(), shutdown])) use(x);\n}`,
];

const invalid: Invalid[] = [
  // Loops of every kind, with a parameter, a module constant, `this.x`, an outer object's member.
  {
    code: `async function poll(shutdown) {\n  while (true) {\n    await Promise.race([check(), shutdown]);\n  }\n}`,
    errors: [report('shutdown', 'this loop')],
  },
  {
    code: `${SHUTDOWN}async function consume(stream) {\n  for await (const chunk of stream) {\n    await Promise.race([handle(chunk), shutdown]);\n  }\n}`,
    errors: [report('shutdown', 'this loop')],
  },
  {
    code: `${SHUTDOWN}async function f() {\n  do {\n    await Promise.race([work(), shutdown]);\n  } while (more());\n}`,
    errors: [report('shutdown', 'this loop')],
  },
  {
    code: `class Worker {\n  closed = new Promise((r) => (this.close = r));\n  async run() {\n    for (;;) await Promise.race([this.next(), this.closed]);\n  }\n}`,
    errors: [report('this.closed', 'this loop')],
  },
  {
    code: `async function pump(conn) {\n  while (conn.open) {\n    const item = await Promise.race([conn.queue.take(), conn.closed]);\n    send(item);\n  }\n}`,
    errors: [report('conn.closed', 'this loop')],
  },
  // A callback run in the loop still runs once per iteration.
  {
    code: `${SHUTDOWN}async function f(batches) {\n  for (const batch of batches) {\n    await Promise.all(batch.map((x) => Promise.race([save(x), shutdown])));\n  }\n}`,
    errors: [report('shutdown', 'this loop')],
  },
  // Two long-lived elements: two reports.
  {
    code: `async function f(stopped, closed) {\n  while (true) await Promise.race([work(), stopped, closed]);\n}`,
    errors: [report('stopped', 'this loop'), report('closed', 'this loop')],
  },
  // Repeated callbacks: setInterval, listeners (also by reference), addEventListener.
  {
    code: `${SHUTDOWN}setInterval(async () => {\n  await Promise.race([check(), shutdown]);\n}, 1000);`,
    errors: [report('shutdown', 'this `setInterval` callback')],
  },
  {
    code: `wss.on('connection', (ws) => {\n  const closed = new Promise((r) => ws.once('close', r));\n  ws.on('message', async (data) => {\n    await Promise.race([handle(data), closed]);\n  });\n});`,
    errors: [report('closed', "this 'message' listener")],
  },
  {
    code: `${SHUTDOWN}async function onData(chunk) {\n  await Promise.race([handle(chunk), shutdown]);\n}\nsocket.on('data', onData);`,
    errors: [report('shutdown', "this 'data' listener")],
  },
  {
    code: `${SHUTDOWN}target.addEventListener(type, async () => {\n  await Promise.race([handle(), shutdown]);\n});`,
    errors: [report('shutdown', 'this event listener')],
  },
  {
    code: `${SHUTDOWN}wss.on('connection', async (ws) => {\n  await Promise.race([serve(ws), shutdown]);\n});`,
    errors: [report('shutdown', "this 'connection' listener")],
  },
  {
    code: `${SHUTDOWN}globalThis.setInterval(() => Promise.race([check(), shutdown]), 10);`,
    errors: [report('shutdown', 'this `setInterval` callback')],
  },
  {
    code: `class Service {\n  closed = new Promise(() => {});\n  start() {\n    setInterval(() => Promise.race([this.tick(), this.closed]), 10);\n  }\n}`,
    errors: [report('this.closed', 'this `setInterval` callback')],
  },
  // A named function called in a loop (or by a function called in one).
  {
    code: `${SHUTDOWN}async function waitOrStop(ms) {\n  await Promise.race([pause(ms), shutdown]);\n}\nasync function run() {\n  while (running) await waitOrStop(10);\n}`,
    errors: [report('shutdown', "'waitOrStop' (called in a loop)")],
  },
  {
    code: `${SHUTDOWN}const step = () => Promise.race([work(), shutdown]);\nconst tick = async () => { await step(); };\nsetInterval(() => tick(), 10);`,
    errors: [report('shutdown', "'step' (called in 'tick' (called in a `setInterval` callback))")],
  },
  // An instance method called as `this.method()` from a loop: `this` is the same instance every time.
  {
    code: `class Poller {\n  #closed = new Promise(() => {});\n  async #waitTick() {\n    await Promise.race([pause(1000), this.#closed]);\n  }\n  async run() {\n    while (this.running) await this.#waitTick();\n  }\n}`,
    errors: [report('this.#closed', "'this.#waitTick' (called in a loop)")],
  },
  {
    code: `${SHUTDOWN}class Poller {\n  async tick() {\n    await Promise.race([this.fetch(), shutdown]);\n  }\n  start() {\n    setInterval(() => this.tick(), 1000);\n  }\n}`,
    errors: [report('shutdown', "'this.tick' (called in a `setInterval` callback)")],
  },
  // CommonJS and `timers.setInterval`.
  {
    code: `const { setInterval: every } = require('timers');\nconst stopped = new Promise((r) => process.once('SIGINT', r));\nevery(() => Promise.race([check(), stopped]), 10);`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
    errors: [report('stopped', 'this `setInterval` callback')],
  },
];

/** The exact `await Promise.race([sleep(ms), shutdown])` pattern with an AbortSignal in scope. */
const suggestionCases: Invalid[] = [
  {
    code: `${SLEEP}async function poll(signal, shutdown) {\n  while (!signal.aborted) {\n    await Promise.race([sleep(1000), shutdown]);\n    await tick();\n  }\n}`,
    errors: [
      {
        ...report('shutdown', 'this loop'),
        suggestions: [
          {
            messageId: 'useSleepUntilShutdown',
            data: { signal: 'signal', delay: '1000', promise: 'shutdown' },
            output: `${IMPORT}${SLEEP}async function poll(signal, shutdown) {\n  while (!signal.aborted) {\n    await sleepUntilShutdown(signal, 1000);\n    await tick();\n  }\n}`,
          },
        ],
      },
    ],
  },
  // Either order, timers/promises, an existing runtime import, no semicolons.
  {
    code: `import { setTimeout as wait } from 'node:timers/promises'\nimport { drainTasks } from '@ghostguard/runtime'\nconst controller = new AbortController()\nexport async function loop(closed) {\n  for (;;) {\n    await Promise.race([closed, wait(intervalMs)])\n  }\n}`,
    errors: [
      {
        ...report('closed', 'this loop'),
        suggestions: [
          {
            messageId: 'useSleepUntilShutdown',
            data: { signal: 'controller.signal', delay: 'intervalMs', promise: 'closed' },
            output: `import { setTimeout as wait } from 'node:timers/promises'\nimport { drainTasks, sleepUntilShutdown } from '@ghostguard/runtime'\nconst controller = new AbortController()\nexport async function loop(closed) {\n  for (;;) {\n    await sleepUntilShutdown(controller.signal, intervalMs)\n  }\n}`,
          },
        ],
      },
    ],
  },
  // Two signals in scope: one suggestion each.
  {
    code: `${SLEEP}async function poll(signal, shutdownSignal, shutdown) {\n  while (true) await Promise.race([sleep(50), shutdown]);\n}`,
    errors: [
      {
        ...report('shutdown', 'this loop'),
        suggestions: [
          { messageId: 'useSleepUntilShutdown', output: `${IMPORT}${SLEEP}async function poll(signal, shutdownSignal, shutdown) {\n  while (true) await sleepUntilShutdown(signal, 50);\n}` },
          { messageId: 'useSleepUntilShutdown', output: `${IMPORT}${SLEEP}async function poll(signal, shutdownSignal, shutdown) {\n  while (true) await sleepUntilShutdown(shutdownSignal, 50);\n}` },
        ],
      },
    ],
  },
  // CommonJS: a `require` is added.
  {
    code: `const { setTimeout: wait } = require('timers/promises');\nasync function poll(signal, shutdown) {\n  while (true) {\n    await Promise.race([wait(100), shutdown]);\n  }\n}\nmodule.exports = { poll };`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
    errors: [
      {
        ...report('shutdown', 'this loop'),
        suggestions: [
          {
            messageId: 'useSleepUntilShutdown',
            output: `const { setTimeout: wait } = require('timers/promises');\nconst { sleepUntilShutdown } = require('@ghostguard/runtime');\nasync function poll(signal, shutdown) {\n  while (true) {\n    await sleepUntilShutdown(signal, 100);\n  }\n}\nmodule.exports = { poll };`,
          },
        ],
      },
    ],
  },
  // Not exact: no signal, a value used, three elements, not a sleep, a name clash.
  { code: `${SLEEP}async function poll(shutdown) {\n  while (true) await Promise.race([sleep(50), shutdown]);\n}`, errors: [{ ...report('shutdown', 'this loop'), suggestions: [] }] },
  { code: `${SLEEP}async function poll(signal, shutdown) {\n  while (true) {\n    const stop = await Promise.race([sleep(50).then(() => false), shutdown]);\n    if (stop) break;\n  }\n}`, errors: [{ ...report('shutdown', 'this loop'), suggestions: [] }] },
  { code: `${SLEEP}async function poll(signal, shutdown) {\n  while (true) await Promise.race([sleep(50), shutdown, other()]);\n}`, errors: [{ ...report('shutdown', 'this loop'), suggestions: [] }] },
  { code: `async function poll(signal, shutdown) {\n  while (true) await Promise.race([work(), shutdown]);\n}`, errors: [{ ...report('shutdown', 'this loop'), suggestions: [] }] },
  { code: `${SLEEP}const sleepUntilShutdown = 1;\nasync function poll(signal, shutdown) {\n  while (true) await Promise.race([sleep(50), shutdown]);\n}`, errors: [{ ...report('shutdown', 'this loop'), suggestions: [] }] },
];

/** Type information rules out non-thenables and sees `Promise` under another name. */
const typedValid: ValidTestCase<[]>[] = [
  { code: `declare const limit: number;\nexport async function f() {\n  while (Math.random() > 0.5) await Promise.race([Promise.resolve(1), limit]);\n}` },
  { code: `declare const stop: { closed: boolean };\nexport async function f() {\n  while (Math.random() > 0.5) await Promise.race([Promise.resolve(1), stop.closed]);\n}` },
];

const typedInvalid: Invalid[] = [
  {
    code: `declare const shutdown: Promise<void>;\nconst P = Promise;\nexport async function f() {\n  while (Math.random() > 0.5) await P.race([Promise.resolve(1), shutdown]);\n}`,
    errors: [report('shutdown', 'this loop')],
  },
  {
    code: `const shutdown = new Promise((r) => process.once('SIGTERM', r));\nexport function f() {\n  setInterval(() => void Promise.race([Promise.resolve(1), shutdown]), 10);\n}`,
    filename: 'module.mjs',
    errors: [report('shutdown', 'this `setInterval` callback')],
  },
  {
    code: `const shutdown = new Promise((r) => process.once('SIGTERM', r));\nasync function f() {\n  for (;;) await Promise.race([Promise.resolve(1), shutdown]);\n}\nf();`,
    filename: 'script.js',
    errors: [report('shutdown', 'this loop')],
  },
];

describe('no-race-with-long-lived-promise', () => {
  untypedRuleTester.run('without type information', rule, {
    valid,
    invalid: [
      ...invalid,
      ...suggestionCases,
      // Without types a plain `number` constant declared elsewhere is not known to be a number.
      { code: `declare const limit: number;\nexport async function f() {\n  while (more()) await Promise.race([work(), limit]);\n}`, errors: [report('limit', 'this loop')] },
    ],
  });
  typedRuleTester.run('with type information', rule, {
    valid: [...typedValid, ...asTyped(valid.map((c) => (typeof c === 'string' ? { code: c } : c)))],
    invalid: [...typedInvalid, ...asTyped([...invalid, ...suggestionCases])],
  });
});

describe('without @typescript-eslint/parser', () => {
  it('reports in plain .js and .cjs parsed by espree', () => {
    const code = 'async function poll(signal, shutdown) {\n  while (true) await Promise.race([work(), shutdown]);\n}\n';
    expect(lintWithEspree('no-race-with-long-lived-promise', rule, code, 'module').map((m) => m.messageId)).toEqual(['raceWithLongLivedPromise']);
    expect(lintWithEspree('no-race-with-long-lived-promise', rule, code, 'commonjs').map((m) => m.messageId)).toEqual(['raceWithLongLivedPromise']);
  });
});

describe('options schema', () => {
  it('rejects any option (the rule has none)', () => {
    const linter = new Linter({ configType: 'flat' });
    const lint = (options: unknown[]) =>
      linter.verify('x;', [
        {
          plugins: { ghostguard: { rules: { 'no-race-with-long-lived-promise': rule as never } } },
          rules: { 'ghostguard/no-race-with-long-lived-promise': ['error', ...options] as never },
        },
      ]);
    expect(() => lint([])).not.toThrow();
    expect(() => lint([{ loops: false }])).toThrow(/should NOT have more than 0 items/);
  });
});
