import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import rule, { type MessageIds, type Options as RuleOptions } from '../../src/rules/no-leaked-abort-listener.js';
import { commonJsLanguageOptions, lintWithEspree, typedRuleTester, untypedRuleTester } from '../rule-tester.js';

type Options = [RuleOptions];

const leaked = (repetition: 'call' | 'loop iteration', signal = 'signal') =>
  ({ messageId: 'leakedListener', data: { signal, repetition } }) as const;

/** A per-call sleep helper: the listener stays on the caller's long-lived signal after every sleep. */
const SLEEP_HELPER = `function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}`;

const valid: (string | ValidTestCase<Options>)[] = [
  // Removed on the non-abort path (finally, resolve path, a later cleanup method).
  `async function run(signal, work) {
  const onAbort = () => work.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try { await work.done; } finally { signal.removeEventListener('abort', onAbort); }
}`,
  `function sleep(ms, signal) {
  return new Promise((resolve) => {
    const onAbort = () => { clearTimeout(timer); resolve(); };
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}`,
  `class Job {
  constructor(signal) { this.signal = signal; }
  start() { this.signal.addEventListener('abort', this.onAbort); }
  stop() { this.signal.removeEventListener('abort', this.onAbort); }
  onAbort() {}
}`,
  // A caller-supplied listener removed by a sibling function's parameter of the same name.
  `export function watch(signal, listener) { signal.addEventListener('abort', listener); }
export function unwatch(signal, listener) { signal.removeEventListener('abort', listener); }`,
  // Removed by its own `signal` option, or options nobody can read.
  `function run(signal, cleanup) { signal.addEventListener('abort', () => {}, { signal: cleanup.signal }); }`,
  `function run(signal) { const { signal: until } = new AbortController(); signal.addEventListener('abort', () => {}, { once: true, signal: until }); }`,
  `function run(signal, options) { signal.addEventListener('abort', () => {}, options); }`,
  `function run(signal, options) { signal.addEventListener('abort', () => {}, { ...options }); }`,
  // A signal created in the same run: one listener per signal, which dies with it.
  `async function run() {
  const controller = new AbortController();
  controller.signal.addEventListener('abort', () => console.log('aborted'));
  await work(controller.signal);
}`,
  `async function fetchWithTimeout(url) {
  const signal = AbortSignal.timeout(1000);
  signal.addEventListener('abort', () => console.log('timed out'));
  return fetch(url, { signal });
}`,
  `async function runSession(ws) {
  const watch = watchWebSocket(ws);
  watch.signal.addEventListener('abort', () => ws.terminate(), { once: true });
  await serve(ws, watch.signal);
}`,
  `for (const item of items) {
  const controller = new AbortController();
  controller.signal.addEventListener('abort', () => item.cancel());
}`,
  // A reassigned variable holds a new signal each time.
  `let controller = new AbortController();
function restart() {
  controller = new AbortController();
  controller.signal.addEventListener('abort', () => {});
}`,
  // Runs once: module top level, a task body handed to an unknown call, a constructor.
  `const controller = new AbortController();
controller.signal.addEventListener('abort', () => process.exit(0));`,
  `createNamedTask('upload', async (signal) => { signal.addEventListener('abort', () => upload.cancel()); await upload.done; }, { tasks });`,
  `class Connection {
  constructor() {
    this.controller = new AbortController();
    this.controller.signal.addEventListener('abort', () => this.close());
  }
}`,
  `class Child {
  constructor(signal) { signal.addEventListener('abort', () => this.close()); }
}`,
  // Callbacks that run once, or that the rule cannot know about.
  `(function (signal) { signal.addEventListener('abort', () => {}); })(shutdown.signal);`,
  `new Worker(function (signal) { signal.addEventListener('abort', () => {}); });`,
  `registry[kind]((signal) => { signal.addEventListener('abort', () => {}); });`,
  `const handlers = [(signal) => signal.addEventListener('abort', () => {})];`,
  `async function run() {
  const controller = new AbortController();
  ready.then(() => controller.signal.addEventListener('abort', () => {}));
  setTimeout(() => controller.signal.addEventListener('abort', () => {}), 10);
  process.nextTick(() => controller.signal.addEventListener('abort', () => {}));
  await done;
}`,
  // Where the signal comes from is unknown: an undeclared global, \`this\` outside a class, a reassigned parameter.
  `function run() { signal.addEventListener('abort', () => {}); }`,
  `function run() { this.signal.addEventListener('abort', () => {}); }`,
  `function run(signal) { signal = AbortSignal.timeout(10); signal.addEventListener('abort', () => {}); }`,
  `try { x(); } catch (signal) { for (;;) signal.addEventListener('abort', () => {}); }`,
  // Options that remove it or that the rule cannot read.
  `function run(signal) { signal.addEventListener('abort', () => {}, 'capture'); signal.addEventListener('abort', () => {}, { ['once']: true }); }`,
  // Incomplete calls.
  `import { addAbortListener } from 'node:events';
function watch(signal) { addAbortListener(signal); addAbortListener(...args); }`,
  `function run(signals) { for (;;) AbortSignal.any([...signals, , AbortSignal.timeout(1)]); }`,
  // Not an AbortSignal by name, or not the abort event.
  `function run(xhr) { xhr.addEventListener('abort', () => {}); }`,
  `function run(signal) { signal.addEventListener('change', () => {}); }`,
  `function run(signal) { signal.addEventListener(); signal.addEventListener('abort'); signal.addEventListener('abort', ...handlers); }`,
  // The same function object every time: EventTarget adds it once.
  `function onShutdown() {}
export function watch(signal) { signal.addEventListener('abort', onShutdown); }`,
  `const stop = () => process.exit(1);
for (const signal of signals) shared.signal.addEventListener('abort', stop);`,
  // Once per signal, guarded by a memo keyed by the signal.
  `const linked = new WeakMap();
function link(signal) {
  if (!linked.has(signal)) {
    const controller = new AbortController();
    signal.addEventListener('abort', () => controller.abort(signal.reason));
    linked.set(signal, controller);
  }
  return linked.get(signal);
}`,
  // `onabort` is a single slot: assigning it again replaces the old listener.
  `function run(signal) { signal.onabort = () => {}; }`,
  // APIs that remove their own listener (measured on Node.js 20.20).
  `import { once } from 'node:events';
async function next(emitter, signal) { return once(emitter, 'message', { signal }); }`,
  `import { setTimeout as sleep } from 'node:timers/promises';
async function poll(signal) { while (true) await sleep(1000, undefined, { signal }); }`,
  // addAbortListener whose Disposable is used.
  `import { addAbortListener } from 'node:events';
async function run(signal) {
  const listener = addAbortListener(signal, () => {});
  try { await work(); } finally { listener[Symbol.dispose](); }
}`,
  `import { addAbortListener } from 'node:events';
function watch(signal, fn) { return addAbortListener(signal, fn); }`,
  `import { addAbortListener } from 'node:events';
function watch(signal, fn, disposables) { disposables.push(addAbortListener(signal, fn)); }`,
  `import { addAbortListener } from 'node:events';
async function run(signal) {
  using listener = addAbortListener(signal, () => {});
  await work();
}`,
  // Not node:events' addAbortListener.
  `import { addAbortListener } from './my-events.js';
function watch(signal, fn) { addAbortListener(signal, fn); }`,
  // AbortSignal.any once per signal, or over fresh signals only.
  `function run(signal) { const controller = new AbortController(); const combined = AbortSignal.any([controller.signal, AbortSignal.timeout(10)]); return combined; }`,
  `const any = AbortSignal.any; function run(signal) { return AbortSignal.any(signal); }`,
  `class AbortSignal {} function run(signal) { return AbortSignal.any([signal]); }`,
  {
    code: `function run(signal) { return AbortSignal.any([signal, AbortSignal.timeout(10)]); }`,
    options: [{ checkAbortSignalAny: false }],
  },
];

const invalid: InvalidTestCase<MessageIds, Options>[] = [
  // A per-call helper with the signal as a parameter.
  { code: SLEEP_HELPER, errors: [leaked('call')] },
  {
    code: `const wait = (ms, { signal }) => new Promise((resolve) => {
  setTimeout(resolve, ms);
  signal.addEventListener('abort', resolve);
});`,
    errors: [leaked('call')],
  },
  {
    code: `export default function (options) { options.signal.addEventListener('abort', () => {}); }`,
    errors: [leaked('call', 'options.signal')],
  },
  {
    code: `export default (signal) => signal.addEventListener('abort', () => {});`,
    errors: [leaked('call')],
  },
  {
    code: `function run(options) { const signal = options.signal; signal.addEventListener('abort', () => {}); }`,
    errors: [leaked('call')],
  },
  {
    code: `function run(options) { const { signal } = options; signal.addEventListener('abort', () => {}); }`,
    errors: [leaked('call')],
  },
  // In a loop, on a signal from outside the loop.
  {
    code: `async function run(signal, jobs) {
  for (const job of jobs) {
    signal.addEventListener('abort', () => job.cancel(), { once: true });
    job.start();
  }
}`,
    errors: [leaked('loop iteration')],
  },
  {
    code: `const controller = new AbortController();
while (true) {
  controller.signal.addEventListener('abort', () => {});
}`,
    errors: [leaked('loop iteration', 'controller.signal')],
  },
  {
    code: `createNamedTask('poll', async (signal) => {
  for (;;) {
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
  }
});`,
    errors: [leaked('loop iteration')],
  },
  // Listeners and repeatedly called callbacks on an outer signal.
  {
    code: `const shutdown = new AbortController();
server.on('connection', (socket) => {
  shutdown.signal.addEventListener('abort', () => socket.destroy());
});`,
    errors: [leaked('call', 'shutdown.signal')],
  },
  {
    code: `async function run(ws) {
  const controller = new AbortController();
  ws.on('message', () => { controller.signal.addEventListener('abort', () => ws.close()); });
  await done(controller.signal);
}`,
    errors: [leaked('call', 'controller.signal')],
  },
  {
    code: `function run(signal, items) { items.forEach((item) => signal.addEventListener('abort', () => item.stop())); }`,
    errors: [leaked('call')],
  },
  {
    code: `const timer = setInterval(() => abortSignal.addEventListener('abort', () => {}), 1000);
const abortSignal = AbortSignal.timeout(5000);`,
    errors: [leaked('call', 'abortSignal')],
  },
  {
    code: `import { signal } from './shutdown.js';
export function handle(req) { signal.addEventListener('abort', () => req.destroy()); }`,
    errors: [leaked('call')],
  },
  // Methods on the instance's signal.
  {
    code: `class Poller {
  #signal;
  constructor(signal) { this.#signal = signal; }
  tick() { this.#signal.addEventListener('abort', () => this.stop(), { once: true }); }
  handler = () => { this.signal.addEventListener('abort', () => {}); };
}`,
    errors: [leaked('call', 'this.#signal'), leaked('call', 'this.signal')],
  },
  {
    code: `const helpers = { wait(signal) { signal.addEventListener('abort', () => {}); } };
module.exports.wait = function (signal) { signal?.addEventListener('abort', () => {}); };`,
    errors: [leaked('call'), leaked('call')],
  },
  // A named listener never removed, a bound listener, a removal of another listener.
  {
    code: `function run(signal) {
  const onAbort = () => {};
  signal.addEventListener('abort', onAbort);
  signal.removeEventListener('abort', somethingElse);
  signal.removeEventListener('close', onAbort);
}`,
    errors: [leaked('call')],
  },
  {
    code: `class Job {
  start(signal) { signal.addEventListener('abort', this.onAbort.bind(this)); }
  stop(signal) { signal.removeEventListener('abort', this.onAbort.bind(this)); }
  onAbort() {}
}`,
    errors: [leaked('call')],
  },
  {
    code: `function run(signal) { signal.addEventListener('abort', handler, true); }`,
    errors: [leaked('call')],
  },
  // A memo keyed by something else does not guard the signal.
  {
    code: `function link(signal, key) {
  if (!seen.has(key)) signal.addEventListener('abort', () => {});
  else if (!seen.has(signal)) {} else signal.addEventListener('abort', () => {});
  if (seen.has(signal)) signal.addEventListener('abort', () => {});
}`,
    errors: [leaked('call'), leaked('call'), leaked('call')],
  },
  // Only parameters match by name: a local of the same name elsewhere is another function.
  {
    code: `function a(signal) { const onAbort = () => {}; signal.addEventListener('abort', onAbort); }
function b(signal, onAbort) { signal.removeEventListener('abort', onAbort); }`,
    errors: [leaked('call')],
  },
  {
    code: `let onAbort = () => {};
export function watch(signal) { onAbort = () => {}; signal.addEventListener('abort', onAbort); }`,
    errors: [leaked('call')],
  },
  // addAbortListener with its Disposable dropped.
  {
    code: `import { addAbortListener } from 'node:events';
function watch(signal, fn) { addAbortListener(signal, fn); }`,
    errors: [{ messageId: 'droppedDisposable', data: { signal: 'signal', repetition: 'call' } }],
  },
  {
    code: `import events from 'events';
function watch(signal, fn) { const unused = events.addAbortListener(signal, fn); void events.addAbortListener(signal, fn); }`,
    errors: [
      { messageId: 'droppedDisposable', data: { signal: 'signal', repetition: 'call' } },
      { messageId: 'droppedDisposable', data: { signal: 'signal', repetition: 'call' } },
    ],
  },
  // AbortSignal.any over a long-lived signal, repeatedly.
  {
    code: `async function fetchEach(urls, signal) {
  for (const url of urls) await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(5000)]) });
}`,
    errors: [{ messageId: 'abortSignalAny', data: { signal: 'signal', repetition: 'loop iteration' } }],
  },
  {
    code: `function withTimeout(signal, ms) { return AbortSignal.any([AbortSignal.timeout(ms), signal]); }`,
    errors: [{ messageId: 'abortSignalAny', data: { signal: 'signal', repetition: 'call' } }],
  },
];

const useAddAbortListener = (output: string, signal = 'signal') =>
  [{ messageId: 'useAddAbortListener', data: { signal }, output }] as const;

/** Exact suggestion outputs: the registration becomes a Disposable, the rest of the block a `try`. */
const suggestions: InvalidTestCase<MessageIds, Options>[] = [
  {
    code: `async function upload(signal, file) {
  const onAbort = () => file.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  await file.send();
  log('sent');
}`,
    errors: [
      {
        ...leaked('call'),
        suggestions: useAddAbortListener(`import { addAbortListener } from 'node:events';
async function upload(signal, file) {
  const onAbort = () => file.cancel();
  const abortListener = addAbortListener(signal, onAbort);
  try {
    await file.send();
    log('sent');
  } finally {
    abortListener[Symbol.dispose]();
  }
}`),
      },
    ],
  },
  // Extends an existing node:events import; keeps a same-line comment with the registration, a
  // multi-line template literal stops the re-indentation (it would change the string); no semicolons.
  {
    code: `import { once } from 'node:events';
async function run(signal, jobs) {
  for (const job of jobs) {
    signal.addEventListener('abort', () => job.cancel()) // cancel on shutdown
    // then run it
    const result = await job.run()
    report(\`done:
\${result}\`)
  }
}`,
    errors: [
      {
        ...leaked('loop iteration'),
        suggestions: useAddAbortListener(`import { once, addAbortListener } from 'node:events';
async function run(signal, jobs) {
  for (const job of jobs) {
    const abortListener = addAbortListener(signal, () => job.cancel()) // cancel on shutdown
    try {
      // then run it
    const result = await job.run()
    report(\`done:
\${result}\`)
    } finally {
      abortListener[Symbol.dispose]()
    }
  }
}`),
      },
    ],
  },
  // A dropped addAbortListener Disposable, tab indentation, the existing import reused.
  {
    code: `import { addAbortListener } from 'node:events';
export async function watch(signal, fn) {
\taddAbortListener(signal, fn);
\tawait work();
}`,
    errors: [
      {
        messageId: 'droppedDisposable',
        data: { signal: 'signal', repetition: 'call' },
        suggestions: useAddAbortListener(`import { addAbortListener } from 'node:events';
export async function watch(signal, fn) {
\tconst abortListener = addAbortListener(signal, fn);
\ttry {
\t\tawait work();
\t} finally {
\t\tabortListener[Symbol.dispose]();
\t}
}`),
      },
    ],
  },
  // A default import of 'events' is extended with the named export.
  {
    code: `import events from 'events';
class Worker {
  async step(input) {
    this.signal.addEventListener('abort', this.onAbort);
    const out = await this.process(input);
    return await this.store(out);
  }
}`,
    errors: [
      {
        ...leaked('call', 'this.signal'),
        suggestions: useAddAbortListener(
          `import events, { addAbortListener } from 'events';
class Worker {
  async step(input) {
    const abortListener = addAbortListener(this.signal, this.onAbort);
    try {
      const out = await this.process(input);
      return await this.store(out);
    } finally {
      abortListener[Symbol.dispose]();
    }
  }
}`,
          'this.signal',
        ),
      },
    ],
  },
];

/** Reported, but no place where disposing is certainly right (or no way to add the import). */
const reportOnly: InvalidTestCase<MessageIds, Options>[] = [
  // Not async: the listener may be needed until a returned promise settles.
  { code: SLEEP_HELPER, errors: [{ ...leaked('call'), suggestions: [] }] },
  // Nothing after it, nothing awaited after it, an unawaited promise returned, a generator.
  `async function f(signal) {\n  await x();\n  signal.addEventListener('abort', stop);\n}`,
  `async function f(signal) {\n  signal.addEventListener('abort', stop);\n  start();\n}`,
  `async function f(signal) {\n  signal.addEventListener('abort', stop);\n  await ready();\n  return work();\n}`,
  `async function* f(signal) {\n  signal.addEventListener('abort', stop);\n  await ready();\n}`,
  // A later declaration used before the registration would fall into the `try` block's scope.
  `async function f(signal) {\n  const later = () => value;\n  signal.addEventListener('abort', stop);\n  const value = await get();\n}`,
  // Options addAbortListener has no equivalent for, optional call, not directly in a block.
  `async function f(signal) {\n  signal.addEventListener('abort', stop, { passive: true });\n  await ready();\n}`,
  `async function f(signal) {\n  signal?.addEventListener('abort', stop);\n  await ready();\n}`,
  `async function f(signal) {\n  if (x) signal.addEventListener('abort', stop);\n  await ready();\n}`,
  `async function f(signal) { signal.addEventListener('abort', stop); await ready(); }`,
  // The name addAbortListener is taken by something else.
  `const addAbortListener = 1;\nasync function f(signal) {\n  signal.addEventListener('abort', stop);\n  await ready();\n}`,
  // A dropped Disposable inside an expression.
  `import { addAbortListener } from 'node:events';\nasync function f(signal) {\n  void addAbortListener(signal, stop);\n  await ready();\n}`,
].map((test) =>
  typeof test === 'string'
    ? {
        code: test,
        errors: [
          test.includes('void addAbortListener')
            ? { messageId: 'droppedDisposable' as const, suggestions: [] }
            : { messageId: 'leakedListener' as const, suggestions: [] },
        ],
      }
    : test,
);

const commonJs: InvalidTestCase<MessageIds, Options>[] = [
  {
    code: `const { once } = require('events');
const abortListener = 1;
async function run(signal) {
  signal.addEventListener('abort', stop);
  if (await ready()) return await go();
}`,
    languageOptions: commonJsLanguageOptions,
    filename: 'common.cjs',
    errors: [
      {
        ...leaked('call'),
        suggestions: useAddAbortListener(`const { once, addAbortListener } = require('events');
const abortListener = 1;
async function run(signal) {
  const abortListener2 = addAbortListener(signal, stop);
  try {
    if (await ready()) return await go();
  } finally {
    abortListener2[Symbol.dispose]();
  }
}`),
      },
    ],
  },
  {
    code: `'use strict';
exports.run = async function (options) {
  options.signal.addEventListener('abort', () => options.cancel());
  await options.work();
};`,
    languageOptions: commonJsLanguageOptions,
    filename: 'common.cjs',
    errors: [
      {
        ...leaked('call', 'options.signal'),
        suggestions: useAddAbortListener(
          `'use strict';
const { addAbortListener } = require('node:events');
exports.run = async function (options) {
  const abortListener = addAbortListener(options.signal, () => options.cancel());
  try {
    await options.work();
  } finally {
    abortListener[Symbol.dispose]();
  }
};`,
          'options.signal',
        ),
      },
    ],
  },
  {
    code: `const { addAbortListener: onAbort } = require('node:events');
function watch(signal, fn) { onAbort(signal, fn); }`,
    languageOptions: commonJsLanguageOptions,
    filename: 'common.cjs',
    errors: [{ messageId: 'droppedDisposable', data: { signal: 'signal', repetition: 'call' } }],
  },
];

/** Type information decides whether the receiver is an AbortSignal, whatever its name. */
const typedValid: (string | ValidTestCase<Options>)[] = [
  `function run(signal: EventTarget) { signal.addEventListener('abort', () => {}); }`,
  `function run(signal: AbortSignal | EventTarget) { signal.addEventListener('abort', () => {}); }`,
  `function run(signal: { addEventListener(type: string, fn: () => void): void }) { signal.addEventListener('abort', () => {}); }`,
  {
    code: `/** @param {EventTarget} signal */\nfunction run(signal) { signal.addEventListener('abort', () => {}); }`,
    filename: 'script.js',
  },
];

const typedInvalid: InvalidTestCase<MessageIds, Options>[] = [
  {
    code: `function run(source: { token: AbortSignal }) { source.token.addEventListener('abort', () => {}); }`,
    errors: [leaked('call', 'source.token')],
  },
  {
    code: `function run(signal?: AbortSignal) { signal?.addEventListener('abort', () => {}); }`,
    errors: [leaked('call')],
  },
  {
    code: `function run(signal: any) { signal.addEventListener('abort', () => {}); }`,
    errors: [leaked('call')],
  },
  {
    code: `/** @param {AbortSignal} token */\nfunction run(token) { token.addEventListener('abort', () => {}); }`,
    filename: 'script.js',
    errors: [leaked('call', 'token')],
  },
  {
    code: `export function run(token: AbortSignal) { token.addEventListener('abort', () => {}); }`,
    filename: 'react.tsx',
    errors: [leaked('call', 'token')],
  },
  {
    code: `import { addAbortListener } from 'node:events';\nexport function run(signal) { addAbortListener(signal, () => {}); }`,
    filename: 'module.mjs',
    errors: [{ messageId: 'droppedDisposable', data: { signal: 'signal', repetition: 'call' } }],
  },
  {
    code: `const events = require('node:events');\nfunction run(signal) { events.addAbortListener(signal, () => {}); }\nmodule.exports = { run };`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
    errors: [{ messageId: 'droppedDisposable', data: { signal: 'signal', repetition: 'call' } }],
  },
];

/** Without type information the name decides: these are reported only with types, or only without. */
const untypedOnly: { valid: (string | ValidTestCase<Options>)[]; invalid: InvalidTestCase<MessageIds, Options>[] } = {
  valid: [`function run(source) { source.token.addEventListener('abort', () => {}); }`],
  invalid: [
    { code: `function run(signal: EventTarget) { signal.addEventListener('abort', () => {}); }`, errors: [leaked('call')] },
    { code: `function run(s: AbortSignal) { s.addEventListener('abort', () => {}); }`, errors: [leaked('call', 's')] },
    {
      code: `function run(controller) { const s = controller.signal; s.addEventListener('abort', () => {}); }`,
      errors: [leaked('call', 's')],
    },
  ],
};

describe('no-leaked-abort-listener', () => {
  untypedRuleTester.run('without type information', rule, { valid, invalid: [...invalid, ...suggestions, ...reportOnly] });
  untypedRuleTester.run('CommonJS', rule, { valid: [], invalid: commonJs });
  untypedRuleTester.run('names decide without types', rule, untypedOnly);
  typedRuleTester.run('with type information', rule, { valid: typedValid, invalid: typedInvalid });
  typedRuleTester.run('the untyped cases, typed', rule, { valid, invalid: [...invalid, ...suggestions, ...commonJs] });
});

describe("with ESLint's default parser (espree)", () => {
  it('reports plain JavaScript, ESM and CommonJS, without crashing', () => {
    const lint = (code: string, sourceType: 'module' | 'commonjs') => lintWithEspree('no-leaked-abort-listener', rule, code, sourceType);
    expect(lint(SLEEP_HELPER, 'module').map((m) => m.messageId)).toEqual(['leakedListener']);
    const cjs = `const { addAbortListener } = require('events');\nfunction watch(signal, fn) { addAbortListener(signal, fn); }`;
    expect(lint(cjs, 'commonjs').map((m) => m.messageId)).toEqual(['droppedDisposable']);
  });
});

describe('options schema', () => {
  function lintWith(options: unknown): void {
    const linter = new Linter({ configType: 'flat' });
    linter.verify('signal.addEventListener("abort", f);', [
      {
        plugins: { ghostguard: { rules: { 'no-leaked-abort-listener': rule as never } } },
        rules: { 'ghostguard/no-leaked-abort-listener': ['error', options] },
      },
    ]);
  }

  it('accepts the documented option', () => {
    expect(() => lintWith({ checkAbortSignalAny: false })).not.toThrow();
    expect(() => lintWith({})).not.toThrow();
  });

  it('rejects unknown options and bad values, naming them', () => {
    expect(() => lintWith({ checkAny: true })).toThrow(/Unexpected property "checkAny"/);
    expect(() => lintWith({ checkAbortSignalAny: 'yes' })).toThrow(/checkAbortSignalAny.*should be boolean|should be boolean/);
  });
});

/**
 * The runtime and the supervised example must be clean; the leaky example server deliberately
 * leaks one abort listener per upstream call on its connection signal, and must be reported.
 */
describe('repository sources', () => {
  const root = path.join(import.meta.dirname, '../../../..');
  const dirs = ['packages/runtime/src', 'packages/runtime/src/adapters', 'examples/ghost-connections/src'];
  const LEAKY = 'examples/ghost-connections/src/leaky-server.ts';
  const files = dirs.flatMap((dir) =>
    readdirSync(path.join(root, dir))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => path.join(dir, name)),
  );
  const cleanFiles = files.filter((file) => file !== LEAKY);

  function lintFile(file: string): Linter.LintMessage[] {
    const linter = new Linter({ configType: 'flat' });
    const messages = linter.verify(readFileSync(path.join(root, file), 'utf8'), [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser },
        linterOptions: { reportUnusedDisableDirectives: 'off' },
        plugins: { ghostguard: { rules: { 'no-leaked-abort-listener': rule as never } } },
        rules: { 'ghostguard/no-leaked-abort-listener': 'error' },
      },
    ], file);
    return messages.filter((m) => m.ruleId === 'ghostguard/no-leaked-abort-listener');
  }

  it('finds the sources', () => {
    expect(files).toContain('packages/runtime/src/abort.ts');
    expect(files).toContain('examples/ghost-connections/src/supervised-server.ts');
    expect(files).toContain(LEAKY);
  });

  it.each(cleanFiles)('%s is not reported', (file) => {
    expect(lintFile(file)).toEqual([]);
  });

  it('the leaky example server is reported once, for the listener its upstream calls leave', () => {
    const messages = lintFile(LEAKY);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.message).toMatch(/abort/u);
  });
});
