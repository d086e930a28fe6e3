import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import rule, { type Options as RuleOptions } from '../../src/rules/no-bare-sleep-in-loop.js';
import { commonJsLanguageOptions, typedRuleTester, untypedRuleTester } from '../rule-tester.js';

type MessageIds = 'bareInterval' | 'bareIntervalNoSignal' | 'bareSleep' | 'bareSleepNoSignal' | 'useSleepUntilShutdown';
type Options = [RuleOptions];

const IMPORT = "import { sleepUntilShutdown } from '@ghostguard/runtime';\n";

/** A polling function with one `signal` parameter around `body`. */
function poller(body: string): string {
  return `async function poll(signal) {\n  while (true) {\n    ${body}\n    await tick();\n  }\n}\n`;
}

/** The expected autofix of {@link poller}: the import on top and the guarded sleep. */
function fixedPoller(delay: string, preamble = ''): string {
  return `${IMPORT}${preamble}${poller(`if (await sleepUntilShutdown(signal, ${delay})) break;`)}`;
}

/** Each spelling of a bare sleep, preceded by what it needs, with the delay the fix copies. */
const spellings: { name: string; preamble: string; sleep: string; delay: string }[] = [
  { name: 'new Promise(r => setTimeout(r, ms))', preamble: '', sleep: 'await new Promise(r => setTimeout(r, 1000));', delay: '1000' },
  { name: 'resolve => setTimeout(resolve, ms)', preamble: '', sleep: 'await new Promise((resolve) => setTimeout(resolve, intervalMs));', delay: 'intervalMs' },
  { name: 'block body', preamble: '', sleep: 'await new Promise((res) => { setTimeout(res, 5_000); });', delay: '5_000' },
  { name: 'arrow callback', preamble: '', sleep: 'await new Promise((r) => setTimeout(() => r(), 250));', delay: '250' },
  { name: 'block callback with value', preamble: '', sleep: "await new Promise((resolve, _reject) => { return setTimeout(() => { resolve('done'); }, 250); });", delay: '250' },
  { name: 'function executor', preamble: '', sleep: 'await new Promise(function (r) { setTimeout(r, config.pollMs) });', delay: 'config.pollMs' },
  { name: 'globalThis.setTimeout', preamble: '', sleep: 'await new Promise((r) => globalThis.setTimeout(r, 100));', delay: '100' },
  { name: 'setTimeout with a value', preamble: '', sleep: "await new Promise((r) => setTimeout(r, 100, 'tick'));", delay: '100' },
  { name: 'typed Promise', preamble: '', sleep: 'await new Promise<void>((r) => setTimeout(r, 100));', delay: '100' },
  { name: 'callback setTimeout from node:timers', preamble: "import { setTimeout as later } from 'node:timers';\n", sleep: 'await new Promise((r) => later(r, 100));', delay: '100' },
  { name: 'timers/promises setTimeout', preamble: "import { setTimeout } from 'timers/promises';\n", sleep: 'await setTimeout(1000);', delay: '1000' },
  { name: 'node:timers/promises alias', preamble: "import { setTimeout as wait } from 'node:timers/promises';\n", sleep: 'await wait(ms);', delay: 'ms' },
  { name: 'namespace import', preamble: "import * as timers from 'node:timers/promises';\n", sleep: 'await timers.setTimeout(1000, undefined, { ref: true });', delay: '1000' },
  { name: 'default import', preamble: "import timers from 'timers/promises';\n", sleep: 'await timers.setTimeout(1000);', delay: '1000' },
  { name: 'scheduler.wait', preamble: "import { scheduler } from 'node:timers/promises';\n", sleep: 'await scheduler.wait(1000);', delay: '1000' },
  { name: 'timers.promises', preamble: "import { promises as timerPromises } from 'node:timers';\n", sleep: 'await timerPromises.setTimeout(1000);', delay: '1000' },
  { name: 'arrow wrapper', preamble: 'const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n', sleep: 'await sleep(1000);', delay: '1000' },
  { name: 'function wrapper', preamble: 'function sleep(ms) {\n  return new Promise((resolve) => setTimeout(resolve, ms));\n}\n', sleep: 'await sleep(1000);', delay: '1000' },
  { name: 'async wrapper around timers/promises', preamble: "import { setTimeout } from 'timers/promises';\nexport async function wait(ms) {\n  await setTimeout(ms);\n}\n", sleep: 'await wait(2000);', delay: '2000' },
  { name: 'wrapper with a fixed delay', preamble: 'const pause = () => new Promise((r) => setTimeout(r, 500));\n', sleep: 'await pause();', delay: '500' },
  { name: 'wrapper of a wrapper', preamble: 'const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\nconst backoff = (ms) => sleep(ms);\n', sleep: 'await backoff(3000);', delay: '3000' },
  { name: 'wrapper with a default delay', preamble: 'const sleep = (ms = 1000) => new Promise((r) => setTimeout(r, ms));\n', sleep: 'await sleep();', delay: '1000' },
  { name: 'promisify(setTimeout)', preamble: "import { promisify } from 'node:util';\nconst sleep = promisify(setTimeout);\n", sleep: 'await sleep(1000);', delay: '1000' },
  { name: 'delay package', preamble: "import delay from 'delay';\n", sleep: 'await delay(1000);', delay: '1000' },
  { name: 'delay without signal', preamble: "import delay from 'delay';\n", sleep: "await delay(1000, { value: 'x' });", delay: '1000' },
  { name: 'sleep-promise', preamble: "import sleep from 'sleep-promise';\n", sleep: 'await sleep(1000);', delay: '1000' },
  { name: 'yoctodelay', preamble: "import delay from 'yoctodelay';\n", sleep: 'await delay(1000);', delay: '1000' },
  { name: 'es-toolkit delay', preamble: "import { delay } from 'es-toolkit';\n", sleep: 'await delay(1000);', delay: '1000' },
  { name: 'radash sleep', preamble: "import { sleep } from 'radash';\n", sleep: 'await sleep(1000);', delay: '1000' },
  { name: 'bluebird delay', preamble: "import Bluebird from 'bluebird';\n", sleep: 'await Bluebird.delay(1000);', delay: '1000' },
];

const requireSpellings: { preamble: string; sleep: string }[] = [
  { preamble: "const { setTimeout: sleep } = require('node:timers/promises');\n", sleep: 'await sleep(1000);' },
  { preamble: "const timers = require('timers/promises');\n", sleep: 'await timers.scheduler.wait(1000);' },
  { preamble: "const delay = require('delay');\n", sleep: 'await delay(1000);' },
  { preamble: "const sleep = require('await-sleep');\n", sleep: 'await sleep(1000);' },
  { preamble: "const sleep = require('timers-ext/promise/sleep');\n", sleep: 'await sleep(1000);' },
  { preamble: "const { delay } = require('es-toolkit/promise');\n", sleep: 'await delay(1000);' },
];

const REQUIRE = "const { sleepUntilShutdown } = require('@ghostguard/runtime');";

const invalid: InvalidTestCase<MessageIds, Options>[] = [
  ...spellings.map(({ preamble, sleep, delay }) => ({
    code: `${preamble}${poller(sleep)}`,
    output: preamble.startsWith('import')
      ? insertAfterImports(`${preamble}${poller(`if (await sleepUntilShutdown(signal, ${delay})) break;`)}`)
      : fixedPoller(delay, preamble),
    errors: [{ messageId: 'bareSleep' as const }],
  })),
  ...requireSpellings.map(({ preamble, sleep }) => ({
    code: `${preamble}${poller(sleep)}`,
    output: `${preamble.trimEnd()}\n${REQUIRE}\n${poller('if (await sleepUntilShutdown(signal, 1000)) break;')}`,
    languageOptions: commonJsLanguageOptions,
    filename: 'common.cjs',
    errors: [{ messageId: 'bareSleep' as const }],
  })),
];

/** Imports stay first: the runtime import goes after the file's last `import`. */
function insertAfterImports(code: string): string {
  const lines = code.split('\n');
  const lastImport = lines.findLastIndex((line) => line.startsWith('import '));
  lines.splice(lastImport + 1, 0, IMPORT.trimEnd());
  return lines.join('\n');
}

const SLEEP = 'const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n';
const FIXED_SLEEP = `${IMPORT}${SLEEP}`;

/** Every loop kind, with the sleep in each part that runs on every iteration. */
const loops: InvalidTestCase<MessageIds, Options>[] = [
  {
    code: `${SLEEP}async function f(signal) {\n  do {\n    await sleep(100);\n  } while (more());\n}`,
    output: `${FIXED_SLEEP}async function f(signal) {\n  do {\n    if (await sleepUntilShutdown(signal, 100)) break;\n  } while (more());\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `${SLEEP}async function f(signal) {\n  for (let i = 0; i < 10; i++) {\n    await sleep(100);\n  }\n}`,
    output: `${FIXED_SLEEP}async function f(signal) {\n  for (let i = 0; i < 10; i++) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `${SLEEP}async function f(signal, jobs) {\n  for (const key in jobs) {\n    await sleep(100);\n  }\n}`,
    output: `${FIXED_SLEEP}async function f(signal, jobs) {\n  for (const key in jobs) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `${SLEEP}async function f(signal, jobs) {\n  for (const job of jobs) {\n    await run(job);\n    await sleep(100);\n  }\n}`,
    output: `${FIXED_SLEEP}async function f(signal, jobs) {\n  for (const job of jobs) {\n    await run(job);\n    if (await sleepUntilShutdown(signal, 100)) break;\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `${SLEEP}async function f(signal, stream) {\n  for await (const chunk of stream) {\n    await sleep(100);\n  }\n}`,
    output: `${FIXED_SLEEP}async function f(signal, stream) {\n  for await (const chunk of stream) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // A loop body without braces is the statement itself.
  {
    code: `${SLEEP}async function f(signal) {\n  while (await poll()) await sleep(100);\n}`,
    output: `${FIXED_SLEEP}async function f(signal) {\n  while (await poll()) if (await sleepUntilShutdown(signal, 100)) break;\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // Labelled loop: the statement is directly in its body, so a plain `break` leaves it.
  {
    code: `${SLEEP}async function f(signal) {\n  outer: for (;;) {\n    await sleep(100);\n  }\n}`,
    output: `${FIXED_SLEEP}async function f(signal) {\n  outer: for (;;) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // Parts that re-run each iteration but are not statements: reported, no rewrite.
  {
    code: `${SLEEP}async function f(signal) {\n  while (await sleep(100)) {}\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `${SLEEP}async function f(signal) {\n  for (let i = 0; i < 3; i++, await sleep(100)) {}\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // `for await` over a timers/promises interval: reported, nothing to rewrite.
  {
    code: `import { setInterval } from 'node:timers/promises';\nasync function f(signal) {\n  for await (const tick of setInterval(1000)) {\n    await poll();\n  }\n}`,
    errors: [{ messageId: 'bareInterval', data: { sleep: 'setInterval' } }],
  },
  {
    code: `const timers = require('timers');\nasync function f() {\n  for await (const tick of timers.promises.setInterval(1000, null, { ref: false })) {}\n}`,
    languageOptions: commonJsLanguageOptions,
    filename: 'common.cjs',
    errors: [{ messageId: 'bareIntervalNoSignal', data: { sleep: 'timers.promises.setInterval' } }],
  },
  // Top-level await in a module.
  {
    code: `${SLEEP}while (true) {\n  await sleep(100);\n}`,
    errors: [{ messageId: 'bareSleepNoSignal' }],
  },
  // The sleep belongs to the inner loop; `break` leaves the inner loop.
  {
    code: `${SLEEP}async function f(signal, rows) {\n  while (true) {\n    for (const row of rows) {\n      await sleep(10);\n    }\n  }\n}`,
    output: `${FIXED_SLEEP}async function f(signal, rows) {\n  while (true) {\n    for (const row of rows) {\n      if (await sleepUntilShutdown(signal, 10)) break;\n    }\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // A function declared inside the loop has its own loop-free body... but its loop counts. The
  // signal belongs to the enclosing function, not the callback that loops: suggested.
  {
    code: `${SLEEP}async function f(signal) {\n  for (;;) {\n    items.forEach(async () => {\n      while (busy()) await sleep(10);\n    });\n    break;\n  }\n}`,
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [{ messageId: 'useSleepUntilShutdown', data: { signal: 'signal', delay: '10', exit: 'break' }, output: `${FIXED_SLEEP}async function f(signal) {\n  for (;;) {\n    items.forEach(async () => {\n      while (busy()) if (await sleepUntilShutdown(signal, 10)) break;\n    });\n    break;\n  }\n}` }],
      },
    ],
  },
];

/** Where the sleep sits decides between autofix, suggestion and a plain report. */
const positions: InvalidTestCase<MessageIds, Options>[] = [
  // Nested in an `if`: same rewrite, offered as a suggestion.
  {
    code: `${SLEEP}async function f(signal) {\n  while (true) {\n    if (idle()) {\n      await sleep(1000);\n    }\n  }\n}`,
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [
          {
            messageId: 'useSleepUntilShutdown',
            data: { signal: 'signal', delay: '1000', exit: 'break' },
            output: `${FIXED_SLEEP}async function f(signal) {\n  while (true) {\n    if (idle()) {\n      if (await sleepUntilShutdown(signal, 1000)) break;\n    }\n  }\n}`,
          },
        ],
      },
    ],
  },
  // `if (…) await sleep(); else …`: braces keep the `else` where it was.
  {
    code: `${SLEEP}async function f(signal) {\n  while (true) {\n    if (idle()) await sleep(1000); else work();\n  }\n}`,
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [
          {
            messageId: 'useSleepUntilShutdown',
            output: `${FIXED_SLEEP}async function f(signal) {\n  while (true) {\n    if (idle()) { if (await sleepUntilShutdown(signal, 1000)) break; } else work();\n  }\n}`,
          },
        ],
      },
    ],
  },
  // Inside `switch`, a plain `break` would leave the switch: the loop's label is used.
  {
    code: `${SLEEP}async function f(signal) {\n  poll: while (true) {\n    switch (state()) {\n      case 'idle':\n        await sleep(1000);\n        break;\n    }\n  }\n}`,
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [
          {
            messageId: 'useSleepUntilShutdown',
            data: { signal: 'signal', delay: '1000', exit: 'break poll' },
            output: `${FIXED_SLEEP}async function f(signal) {\n  poll: while (true) {\n    switch (state()) {\n      case 'idle':\n        if (await sleepUntilShutdown(signal, 1000)) break poll;\n        break;\n    }\n  }\n}`,
          },
        ],
      },
    ],
  },
  // …and without a label nothing can leave the loop from there.
  {
    code: `${SLEEP}async function f(signal) {\n  while (true) {\n    switch (state()) {\n      case 'idle':\n        await sleep(1000);\n    }\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // Not a statement: the value is used, so only a report.
  {
    code: `${SLEEP}async function f(signal) {\n  while (true) {\n    const result = await sleep(1000);\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `${SLEEP}async function f(signal) {\n  while (true) {\n    ready() || await sleep(1000);\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // No semicolon style: none is added.
  {
    code: `const sleep = (ms) => new Promise((r) => setTimeout(r, ms))\nasync function f(signal) {\n  while (true) {\n    await sleep(100)\n  }\n}`,
    output: `import { sleepUntilShutdown } from '@ghostguard/runtime'\nconst sleep = (ms) => new Promise((r) => setTimeout(r, ms))\nasync function f(signal) {\n  while (true) {\n    if (await sleepUntilShutdown(signal, 100)) break\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // The delay is copied verbatim, whatever its shape.
  {
    code: `${SLEEP}async function f(signal, opts) {\n  while (true) {\n    await sleep(opts.backoff * 2 ** attempt);\n  }\n}`,
    output: `${FIXED_SLEEP}async function f(signal, opts) {\n  while (true) {\n    if (await sleepUntilShutdown(signal, opts.backoff * 2 ** attempt)) break;\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // A long delay is elided in the suggestion's message, never in its output.
  {
    code: `${SLEEP}async function f(signal) {\n  while (true) {\n    if (idle()) await sleep(computeBackoffDelay(attempt, config));\n  }\n}`,
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [
          {
            messageId: 'useSleepUntilShutdown',
            data: { signal: 'signal', delay: 'computeBackoffDelay(att…', exit: 'break' },
            output: `${FIXED_SLEEP}async function f(signal) {\n  while (true) {\n    if (idle()) if (await sleepUntilShutdown(signal, computeBackoffDelay(attempt, config))) break;\n  }\n}`,
          },
        ],
      },
    ],
  },
  // Delays that cannot be copied safely: reported without a rewrite.
  {
    code: `${SLEEP}async function f(signal, args) {\n  while (true) {\n    await sleep(...args);\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `async function f(signal) {\n  while (true) {\n    await new Promise((r) => setTimeout(r, 100, compute()));\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `async function f(signal) {\n  while (true) {\n    await new Promise((r) => setTimeout(() => r(compute()), 100));\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `const jitter = (ms) => new Promise((r) => setTimeout(r, ms * Math.random()));\nasync function f(signal) {\n  while (true) {\n    await jitter(100);\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `const pause = () => new Promise((r) => setTimeout(r, 500));\nasync function f(signal) {\n  while (true) {\n    await pause(log('pausing'));\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
];

/** Which AbortSignal the rewrite uses, and what happens when there is none or several. */
const signalsCases: InvalidTestCase<MessageIds, Options>[] = [
  {
    code: `${SLEEP}async function f() {\n  while (true) {\n    await sleep(100);\n  }\n}`,
    errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'sleep' } }],
  },
  // Declared after the loop: not usable there.
  {
    code: `${SLEEP}async function f() {\n  while (true) {\n    await sleep(100);\n  }\n  const signal = getSignal();\n}`,
    errors: [{ messageId: 'bareSleepNoSignal' }],
  },
  // Optional parameters and undefined defaults may be undefined: not offered.
  {
    code: `${SLEEP}async function f(signal?: AbortSignal, abortSignal = undefined) {\n  while (true) {\n    await sleep(100);\n  }\n}`,
    errors: [{ messageId: 'bareSleepNoSignal' }],
  },
  // Named like a signal but clearly something else.
  {
    code: `${SLEEP}async function f(exitSignal: string) {\n  const killSignal = 'SIGTERM';\n  let stopSignal;\n  while (true) {\n    await sleep(100);\n  }\n}`,
    errors: [{ messageId: 'bareSleepNoSignal' }],
  },
  // `controller.signal` of a controller in scope. It lives in another function (module scope) and
  // nothing says it is the loop's lifetime: suggested, not fixed.
  {
    code: `${SLEEP}const controller = new AbortController();\nasync function f() {\n  while (true) {\n    await sleep(100);\n  }\n}`,
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [{ messageId: 'useSleepUntilShutdown', data: { signal: 'controller.signal', delay: '100', exit: 'break' }, output: `${FIXED_SLEEP}const controller = new AbortController();\nasync function f() {\n  while (true) {\n    if (await sleepUntilShutdown(controller.signal, 100)) break;\n  }\n}` }],
      },
    ],
  },
  // A signal read from that controller is the same signal: still exactly one, still only suggested.
  {
    code: `${SLEEP}const controller = new AbortController();\nconst { signal } = controller;\nasync function f() {\n  while (true) {\n    await sleep(100);\n  }\n}`,
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [{ messageId: 'useSleepUntilShutdown', data: { signal: 'signal', delay: '100', exit: 'break' }, output: `${FIXED_SLEEP}const controller = new AbortController();\nconst { signal } = controller;\nasync function f() {\n  while (true) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n  }\n}` }],
      },
    ],
  },
  {
    code: `${SLEEP}async function f() {\n  const ac = new AbortController();\n  const stop = ac.signal;\n  while (true) {\n    await sleep(100);\n  }\n}`,
    output: `${FIXED_SLEEP}async function f() {\n  const ac = new AbortController();\n  const stop = ac.signal;\n  while (true) {\n    if (await sleepUntilShutdown(stop, 100)) break;\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // `…Signal` names, AbortSignal annotations, destructured options, AbortSignal factories.
  {
    code: `${SLEEP}async function f({ shutdownSignal }) {\n  while (true) {\n    await sleep(100);\n  }\n}`,
    output: `${FIXED_SLEEP}async function f({ shutdownSignal }) {\n  while (true) {\n    if (await sleepUntilShutdown(shutdownSignal, 100)) break;\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `${SLEEP}async function f(stop: AbortSignal) {\n  while (true) {\n    await sleep(100);\n  }\n}`,
    output: `${FIXED_SLEEP}async function f(stop: AbortSignal) {\n  while (true) {\n    if (await sleepUntilShutdown(stop, 100)) break;\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `${SLEEP}async function f(ctl: AbortController) {\n  while (true) {\n    await sleep(100);\n  }\n}`,
    output: `${FIXED_SLEEP}async function f(ctl: AbortController) {\n  while (true) {\n    if (await sleepUntilShutdown(ctl.signal, 100)) break;\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `${SLEEP}async function f() {\n  const deadline = AbortSignal.timeout(60_000);\n  while (true) {\n    await sleep(100);\n  }\n}`,
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [{ messageId: 'useSleepUntilShutdown', data: { signal: 'deadline', delay: '100', exit: 'break' }, output: `${FIXED_SLEEP}async function f() {\n  const deadline = AbortSignal.timeout(60_000);\n  while (true) {\n    if (await sleepUntilShutdown(deadline, 100)) break;\n  }\n}` }],
      },
    ],
  },
  // An inner `signal` shadows the outer one: one signal.
  {
    code: `${SLEEP}const signal = getShutdownSignal();\nasync function f(signal) {\n  while (true) {\n    await sleep(100);\n  }\n}`,
    output: `${FIXED_SLEEP}const signal = getShutdownSignal();\nasync function f(signal) {\n  while (true) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // Inside instance methods (and arrow functions in them): fields and parameter properties as `this.x`.
  {
    code: `${SLEEP}class Poller {\n  constructor(private readonly signal: AbortSignal) {}\n  async run() {\n    while (true) {\n      await sleep(100);\n    }\n  }\n}`,
    output: `${FIXED_SLEEP}class Poller {\n  constructor(private readonly signal: AbortSignal) {}\n  async run() {\n    while (true) {\n      if (await sleepUntilShutdown(this.signal, 100)) break;\n    }\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `${SLEEP}class Poller {\n  #controller = new AbortController();\n  readonly signal = this.#controller.signal;\n  start() {\n    void (async () => {\n      for (;;) await sleep(100);\n    })();\n  }\n}`,
    output: `${FIXED_SLEEP}class Poller {\n  #controller = new AbortController();\n  readonly signal = this.#controller.signal;\n  start() {\n    void (async () => {\n      for (;;) if (await sleepUntilShutdown(this.signal, 100)) break;\n    })();\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // Static methods and nested `function`s have no instance `this`; optional fields may be undefined.
  {
    code: `${SLEEP}class Poller {\n  signal = getSignal();\n  static async run() {\n    while (true) await sleep(100);\n  }\n  run() {\n    return async function () {\n      while (true) await sleep(100);\n    };\n  }\n}\nclass Other {\n  shutdownSignal?: AbortSignal;\n  async run() {\n    while (true) await sleep(100);\n  }\n}`,
    errors: [{ messageId: 'bareSleepNoSignal' }, { messageId: 'bareSleepNoSignal' }, { messageId: 'bareSleepNoSignal' }],
  },
  // Two signals: no autofix, one suggestion per signal, innermost first.
  {
    code: `${SLEEP}const shutdownSignal = getShutdownSignal();\nasync function f(signal) {\n  while (true) {\n    await sleep(100);\n  }\n}`,
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [
          {
            messageId: 'useSleepUntilShutdown',
            data: { signal: 'signal', delay: '100', exit: 'break' },
            output: `${FIXED_SLEEP}const shutdownSignal = getShutdownSignal();\nasync function f(signal) {\n  while (true) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n  }\n}`,
          },
          {
            messageId: 'useSleepUntilShutdown',
            data: { signal: 'shutdownSignal', delay: '100', exit: 'break' },
            output: `${FIXED_SLEEP}const shutdownSignal = getShutdownSignal();\nasync function f(signal) {\n  while (true) {\n    if (await sleepUntilShutdown(shutdownSignal, 100)) break;\n  }\n}`,
          },
        ],
      },
    ],
  },
  // Option `fix: 'suggestion'`: even the unambiguous case is only suggested.
  {
    code: `${SLEEP}async function f(signal) {\n  while (true) {\n    await sleep(100);\n  }\n}`,
    options: [{ fix: 'suggestion' }],
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [
          {
            messageId: 'useSleepUntilShutdown',
            output: `${FIXED_SLEEP}async function f(signal) {\n  while (true) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n  }\n}`,
          },
        ],
      },
    ],
  },
];

/** Methods and function-valued fields of the class, called as `this.x(...)`. */
const classWrappers: InvalidTestCase<MessageIds, Options>[] = [
  {
    code: `class Poller {\n  constructor(signal) { this.signal = signal; }\n  sleep(ms) {\n    return new Promise((r) => setTimeout(r, ms));\n  }\n  async run(signal) {\n    while (true) {\n      await this.sleep(1000);\n    }\n  }\n}`,
    output: `${IMPORT}class Poller {\n  constructor(signal) { this.signal = signal; }\n  sleep(ms) {\n    return new Promise((r) => setTimeout(r, ms));\n  }\n  async run(signal) {\n    while (true) {\n      if (await sleepUntilShutdown(signal, 1000)) break;\n    }\n  }\n}`,
    errors: [{ messageId: 'bareSleep', data: { sleep: 'this.sleep' } }],
  },
  {
    code: `import { setTimeout } from 'node:timers/promises';\nclass Poller {\n  #pause = async (ms: number) => { await setTimeout(ms); };\n  async run() {\n    for (;;) await this.#pause(500);\n  }\n}`,
    errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'this.#pause' } }],
  },
];

/** How the import of `sleepUntilShutdown` is added, extended or reused. */
const imports: InvalidTestCase<MessageIds, Options>[] = [
  {
    code: `import { createNamedTask } from '@ghostguard/runtime';\nimport delay from 'delay';\nasync function f(signal) {\n  while (true) await delay(100);\n}`,
    output: `import { createNamedTask, sleepUntilShutdown } from '@ghostguard/runtime';\nimport delay from 'delay';\nasync function f(signal) {\n  while (true) if (await sleepUntilShutdown(signal, 100)) break;\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `import { sleepUntilShutdown as sus } from '@ghostguard/runtime';\nimport delay from 'delay';\nasync function f(signal) {\n  while (true) await delay(100);\n}`,
    output: `import { sleepUntilShutdown as sus } from '@ghostguard/runtime';\nimport delay from 'delay';\nasync function f(signal) {\n  while (true) if (await sus(signal, 100)) break;\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `import * as gg from '@ghostguard/runtime';\nimport delay from 'delay';\nasync function f(signal) {\n  while (true) await delay(100);\n}`,
    output: `import * as gg from '@ghostguard/runtime';\nimport delay from 'delay';\nasync function f(signal) {\n  while (true) if (await gg.sleepUntilShutdown(signal, 100)) break;\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `import delay from "delay";\nasync function f(signal) {\n  while (true) await delay(100);\n}`,
    output: `import delay from "delay";\nimport { sleepUntilShutdown } from "@ghostguard/runtime";\nasync function f(signal) {\n  while (true) if (await sleepUntilShutdown(signal, 100)) break;\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // The name is taken at module level: no rewrite rather than a clash.
  {
    code: `import delay from 'delay';\nconst sleepUntilShutdown = 1;\nasync function f(signal) {\n  while (true) await delay(100);\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // …or shadowed where the sleep is.
  {
    code: `import delay from 'delay';\nasync function f(signal, sleepUntilShutdown) {\n  while (true) await delay(100);\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // CommonJS: `require`, extended or added after the last one.
  {
    code: `'use strict';\nconst { createNamedTask } = require('@ghostguard/runtime');\nconst delay = require('delay');\nasync function f(signal) {\n  while (true) await delay(100);\n}`,
    output: `'use strict';\nconst { createNamedTask, sleepUntilShutdown } = require('@ghostguard/runtime');\nconst delay = require('delay');\nasync function f(signal) {\n  while (true) if (await sleepUntilShutdown(signal, 100)) break;\n}`,
    languageOptions: commonJsLanguageOptions,
    filename: 'common.cjs',
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `const runtime = require('@ghostguard/runtime');\nconst delay = require('delay');\nasync function f(signal) {\n  while (true) await delay(100);\n}`,
    output: `const runtime = require('@ghostguard/runtime');\nconst delay = require('delay');\nasync function f(signal) {\n  while (true) if (await runtime.sleepUntilShutdown(signal, 100)) break;\n}`,
    languageOptions: commonJsLanguageOptions,
    filename: 'common.cjs',
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `'use strict';\nasync function f(signal) {\n  while (true) await new Promise((r) => setTimeout(r, 100));\n}`,
    output: `'use strict';\n${REQUIRE}\nasync function f(signal) {\n  while (true) if (await sleepUntilShutdown(signal, 100)) break;\n}`,
    languageOptions: commonJsLanguageOptions,
    filename: 'common.cjs',
    errors: [{ messageId: 'bareSleep' }],
  },
  // Plain `.js` / `.mjs` modules.
  {
    code: `async function f(signal) {\n  while (true) await new Promise((r) => setTimeout(r, 100));\n}\nexport { f };`,
    output: `${IMPORT}async function f(signal) {\n  while (true) if (await sleepUntilShutdown(signal, 100)) break;\n}\nexport { f };`,
    filename: 'script.js',
    errors: [{ messageId: 'bareSleep' }],
  },
];

/** `additionalSleepFunctions`. */
const configured: InvalidTestCase<MessageIds, Options>[] = [
  {
    code: `async function f(signal) {\n  while (true) {\n    await pause(100);\n    await utils.backoff(200);\n  }\n}`,
    // Both fixes add the import, so they land in two passes.
    output: [
      `${IMPORT}async function f(signal) {\n  while (true) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n    await utils.backoff(200);\n  }\n}`,
      `${IMPORT}async function f(signal) {\n  while (true) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n    if (await sleepUntilShutdown(signal, 200)) break;\n  }\n}`,
    ],
    options: [{ additionalSleepFunctions: ['pause', 'utils.backoff'] }],
    errors: [{ messageId: 'bareSleep', data: { sleep: 'pause' } }, { messageId: 'bareSleep', data: { sleep: 'utils.backoff' } }],
  },
  {
    code: `import { wait } from '@acme/time';\nimport waitFor from 'wait-for';\nasync function f(signal) {\n  while (true) {\n    await wait('poll', 100);\n    await waitFor(200, { unref: true });\n  }\n}`,
    output: [
      `import { wait } from '@acme/time';\nimport waitFor from 'wait-for';\n${IMPORT.trimEnd()}\nasync function f(signal) {\n  while (true) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n    await waitFor(200, { unref: true });\n  }\n}`,
      `import { wait } from '@acme/time';\nimport waitFor from 'wait-for';\n${IMPORT.trimEnd()}\nasync function f(signal) {\n  while (true) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n    if (await sleepUntilShutdown(signal, 200)) break;\n  }\n}`,
    ],
    options: [
      {
        additionalSleepFunctions: [
          { module: '@acme/time', export: 'wait', delayArgument: 1 },
          { module: 'wait-for', optionsArgument: 1 },
        ],
      },
    ],
    errors: [{ messageId: 'bareSleep' }, { messageId: 'bareSleep' }],
  },
];

const valid: (ValidTestCase<Options> | string)[] = [
  // Sleeps that observe a signal.
  `import { setTimeout } from 'node:timers/promises';\nasync function f(signal) {\n  while (true) await setTimeout(1000, undefined, { signal });\n}`,
  `import { scheduler } from 'node:timers/promises';\nasync function f(signal) {\n  while (true) await scheduler.wait(1000, { signal });\n}`,
  `import delay from 'delay';\nasync function f(signal) {\n  while (true) await delay(1000, { signal });\n}`,
  `import { delay } from 'es-toolkit';\nasync function f(controller) {\n  while (true) await delay(1000, { signal: controller.signal });\n}`,
  // Options we cannot see into (untyped): no report rather than a wrong one.
  `import { setTimeout } from 'node:timers/promises';\nasync function f(options) {\n  while (true) await setTimeout(1000, undefined, { ...options });\n}`,
  `import { setTimeout } from 'node:timers/promises';\nasync function f(options) {\n  while (true) await setTimeout(1000, undefined, options);\n}`,
  `import { setTimeout } from 'node:timers/promises';\nasync function f(args) {\n  while (true) await setTimeout(...args);\n}`,
  // The compliant primitive itself.
  `import { sleepUntilShutdown } from '@ghostguard/runtime';\nasync function f(signal) {\n  while (true) {\n    if (await sleepUntilShutdown(signal, 1000)) break;\n  }\n}`,
  // Wrappers that pass a signal on, or do more than sleep.
  `import { setTimeout } from 'node:timers/promises';\nconst sleep = (ms, signal) => setTimeout(ms, undefined, { signal });\nasync function f(signal) {\n  while (true) await sleep(1000, signal);\n}`,
  `const sleep = (ms) => { log(ms); return new Promise((r) => setTimeout(r, ms)); };\nasync function f() {\n  while (true) await sleep(1000);\n}`,
  `let sleep = (ms) => new Promise((r) => setTimeout(r, ms));\nsleep = other;\nasync function f() {\n  while (true) await sleep(1000);\n}`,
  // Scheduling without awaiting.
  `function f() {\n  for (const job of jobs) setTimeout(() => run(job), 1000);\n}`,
  `async function f() {\n  while (true) {\n    new Promise((r) => setTimeout(r, 1000));\n    await work();\n  }\n}`,
  // One-shot delays outside loops, and sleeps in functions defined in a loop.
  `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\nasync function f() {\n  await sleep(1000);\n}`,
  `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\nasync function f() {\n  for (const job of jobs) {\n    schedule(async () => {\n      await sleep(1000);\n    });\n  }\n}`,
  `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\nasync function f() {\n  for (const job of await sleep(1000)) {}\n  for (let i = await sleep(10); i < 3; i++) {}\n}`,
  `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\nasync function f() {\n  while (true) {\n    handlers.push(class {\n      tick = async () => { await sleep(1000); };\n    });\n  }\n}`,
  // Zero delays are yields to the event loop, not poll intervals.
  `async function f() {\n  while (true) await new Promise((r) => setTimeout(r));\n}`,
  `async function f() {\n  while (true) await new Promise((r) => setTimeout(r, 0));\n}`,
  `import { setTimeout } from 'timers/promises';\nasync function f() {\n  while (true) {\n    await setTimeout();\n    await setTimeout(0);\n    await setTimeout(-1);\n  }\n}`,
  `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\nasync function f() {\n  while (true) await sleep();\n}`,
  // Not the global timer or Promise.
  `async function f(setTimeout) {\n  while (true) await new Promise((r) => setTimeout(r, 1000));\n}`,
  `import Promise from 'bluebird';\nasync function f() {\n  while (true) await new Promise((r) => setTimeout(r, 1000));\n}`,
  `import { setTimeout } from 'node:timers/promises';\nasync function f() {\n  while (true) await new Promise((r) => setTimeout(r, 1000));\n}`,
  `async function f() {\n  while (true) await new Promise((r) => setTimeout(other, 1000));\n}`,
  `async function f() {\n  while (true) await new Promise((r) => { setTimeout(r, 1000); other(); });\n}`,
  `async function f() {\n  while (true) await new Promise((r, reject) => setTimeout(reject, 1000));\n}`,
  `import { setInterval } from 'node:timers/promises';\nasync function f() {\n  while (true) await setInterval(1000);\n}`,
  `import { setInterval } from 'node:timers/promises';\nasync function f(signal) {\n  for await (const tick of setInterval(1000, undefined, { signal })) {}\n  for (const x of setInterval(1000)) {}\n  for await (const x of setInterval()) {}\n}`,
  // `this.sleep` that is not the class's plain sleeping method.
  `class A {\n  static sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }\n  async run() { while (true) await this.sleep(1000); }\n}`,
  `class A {\n  get sleep() { return (ms) => new Promise((r) => setTimeout(r, ms)); }\n  async run() { while (true) await this.sleep(1000); }\n}`,
  `class A {\n  sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }\n  run() { return async function () { while (true) await this.sleep(1000); }; }\n}`,
  `class A {\n  sleep(ms) { return this.timer.wait(ms); }\n  async run() { while (true) await this.sleep(1000); }\n}`,
  // Racing a sleep against something else is not a bare sleep.
  `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\nasync function f() {\n  while (true) await Promise.race([sleep(1000), stopped]);\n}`,
  // Unknown names are not guessed.
  `async function f() {\n  while (true) await pause(1000);\n}`,
  `async function f() {\n  while (true) await wait(1000);\n}`,
  // A `require` that is not the global one.
  {
    code: `function load(require) {\n  const { setTimeout } = require('timers/promises');\n  return async () => { while (true) await setTimeout(1000); };\n}`,
    languageOptions: commonJsLanguageOptions,
    filename: 'common.cjs',
  },
];

/** With type information: the checker finds signals by type and sees into option objects. */
const typedInvalid: InvalidTestCase<MessageIds, Options>[] = [
  // Any name, as long as the type is AbortSignal / AbortController.
  {
    code: `${SLEEP}declare function currentShutdown(): AbortSignal;\nexport async function f() {\n  const stop = currentShutdown();\n  while (true) {\n    await sleep(100);\n  }\n}`,
    output: `${FIXED_SLEEP}declare function currentShutdown(): AbortSignal;\nexport async function f() {\n  const stop = currentShutdown();\n  while (true) {\n    if (await sleepUntilShutdown(stop, 100)) break;\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `${SLEEP}declare function makeController(): AbortController;\nexport async function f() {\n  const lifecycle = makeController();\n  while (true) {\n    await sleep(100);\n  }\n}`,
    output: `${FIXED_SLEEP}declare function makeController(): AbortController;\nexport async function f() {\n  const lifecycle = makeController();\n  while (true) {\n    if (await sleepUntilShutdown(lifecycle.signal, 100)) break;\n  }\n}`,
    errors: [{ messageId: 'bareSleep' }],
  },
  // Named `signal` but typed otherwise: not offered.
  {
    code: `${SLEEP}declare function unixSignalName(): string;\nexport async function f() {\n  const signal = unixSignalName();\n  while (true) {\n    await sleep(100);\n  }\n}`,
    errors: [{ messageId: 'bareSleepNoSignal' }],
  },
  // Possibly undefined: not offered.
  {
    code: `${SLEEP}export async function f(options: { signal?: AbortSignal }) {\n  const { signal } = options;\n  while (true) {\n    await sleep(100);\n  }\n}`,
    errors: [{ messageId: 'bareSleepNoSignal' }],
  },
  // An options variable the checker can see has no `signal`. It unrefs the timer, which the
  // rewrite would not: suggested, not fixed.
  {
    code: `import { setTimeout } from 'node:timers/promises';\nexport async function f(signal: AbortSignal) {\n  const options = { ref: false };\n  while (true) {\n    await setTimeout(100, undefined, options);\n  }\n}`,
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [{ messageId: 'useSleepUntilShutdown', data: { signal: 'signal', delay: '100', exit: 'break' }, output: `import { setTimeout } from 'node:timers/promises';\n${IMPORT}export async function f(signal: AbortSignal) {\n  const options = { ref: false };\n  while (true) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n  }\n}` }],
      },
    ],
  },
  // JavaScript files: the checker knows nothing of untyped parameters, names decide.
  {
    code: `async function f(signal) {\n  while (true) await new Promise((r) => setTimeout(r, 100));\n}\nexport { f };`,
    output: `${IMPORT}async function f(signal) {\n  while (true) if (await sleepUntilShutdown(signal, 100)) break;\n}\nexport { f };`,
    filename: 'script.js',
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `import { scheduler } from 'node:timers/promises';\nexport async function f() {\n  const controller = new AbortController();\n  while (true) await scheduler.wait(100);\n}`,
    filename: 'module.mjs',
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [{ messageId: 'useSleepUntilShutdown', data: { signal: 'controller.signal', delay: '100', exit: 'break' }, output: `import { scheduler } from 'node:timers/promises';\n${IMPORT}export async function f() {\n  const controller = new AbortController();\n  while (true) if (await sleepUntilShutdown(controller.signal, 100)) break;\n}` }],
      },
    ],
  },
  {
    code: `'use strict';\nconst { setTimeout: sleep } = require('node:timers/promises');\nasync function f(signal) {\n  while (true) await sleep(100);\n}\nmodule.exports = { f };`,
    output: `'use strict';\nconst { setTimeout: sleep } = require('node:timers/promises');\n${REQUIRE}\nasync function f(signal) {\n  while (true) if (await sleepUntilShutdown(signal, 100)) break;\n}\nmodule.exports = { f };`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
    errors: [{ messageId: 'bareSleep' }],
  },
  {
    code: `${SLEEP}export function Poller({ signal }: { signal: AbortSignal }) {\n  void (async () => {\n    while (true) {\n      await sleep(100);\n    }\n  })();\n  return <div />;\n}`,
    filename: 'react.tsx',
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [{ messageId: 'useSleepUntilShutdown', data: { signal: 'signal', delay: '100', exit: 'break' }, output: `${FIXED_SLEEP}export function Poller({ signal }: { signal: AbortSignal }) {\n  void (async () => {\n    while (true) {\n      if (await sleepUntilShutdown(signal, 100)) break;\n    }\n  })();\n  return <div />;\n}` }],
      },
    ],
  },
];

const typedValid: (ValidTestCase<Options> | string)[] = [
  // Options that the checker can see carry a signal.
  `import { setTimeout } from 'node:timers/promises';\nexport async function f(signal: AbortSignal) {\n  const options = { signal };\n  while (true) await setTimeout(100, undefined, options);\n}`,
  // A setTimeout the program itself declares is not the library timer.
  `export {};\ndeclare global {\n  function setTimeout(callback: () => void, ms: number): void;\n}\nexport async function f() {\n  while (true) await new Promise<void>((r) => setTimeout(r, 100));\n}`,
];

describe('no-bare-sleep-in-loop', () => {
  typedRuleTester.run('with type information', rule, { valid: [...typedValid, ...valid.filter(isTypedFixtureCase)], invalid: typedInvalid });

  untypedRuleTester.run('spellings', rule, { valid: [], invalid });
  untypedRuleTester.run('loops', rule, { valid: [], invalid: loops });
  untypedRuleTester.run('positions', rule, { valid: [], invalid: positions });
  untypedRuleTester.run('signals', rule, { valid: [], invalid: signalsCases });
  untypedRuleTester.run('class wrappers', rule, { valid: [], invalid: classWrappers });
  untypedRuleTester.run('imports', rule, { valid: [], invalid: imports });
  untypedRuleTester.run('additionalSleepFunctions', rule, { valid: [], invalid: configured });
  untypedRuleTester.run('not reported', rule, { valid, invalid: [] });
  // Type information only adds precision: every untyped case behaves the same with it.
  typedRuleTester.run('untyped cases, typed', rule, {
    valid: [],
    invalid: [...invalid, ...loops, ...positions, ...signalsCases, ...classWrappers, ...imports, ...configured],
  });
});

describe('without @typescript-eslint/parser', () => {
  const config = [
    {
      plugins: { ghostguard: { rules: { 'no-bare-sleep-in-loop': rule as never } } },
      rules: { 'ghostguard/no-bare-sleep-in-loop': 'error' as const },
    },
  ];

  it('fixes CommonJS parsed by espree (sourceType commonjs), reusing or adding the require', () => {
    const linter = new Linter({ configType: 'flat' });
    const body = "const delay = require('delay');\nasync function f(signal) {\n  while (true) await delay(100);\n}\n";
    const fixedBody = "const delay = require('delay');\nasync function f(signal) {\n  while (true) if (await sleepUntilShutdown(signal, 100)) break;\n}\n";
    const reuse = "const { sleepUntilShutdown } = require('@ghostguard/runtime');\n";
    expect(linter.verifyAndFix(`${reuse}${body}`, config, 'poll.cjs').output).toBe(`${reuse}${fixedBody}`);
    expect(linter.verifyAndFix(body, config, 'poll.cjs').output).toBe(
      `const delay = require('delay');\n${REQUIRE}\n${fixedBody.slice(body.indexOf('\n') + 1)}`,
    );
  });

  it('reports and fixes plain JavaScript parsed by espree', () => {
    const linter = new Linter({ configType: 'flat' });
    const code = 'async function f(signal) {\n  while (true) await new Promise((r) => setTimeout(r, 100));\n}\nexport { f };\n';
    const result = linter.verifyAndFix(code, config, 'poll.js');
    expect(result.messages).toEqual([]);
    expect(result.output).toBe(
      `${IMPORT}async function f(signal) {\n  while (true) if (await sleepUntilShutdown(signal, 100)) break;\n}\nexport { f };\n`,
    );
  });
});

describe('options schema', () => {
  function lintWith(options: unknown): void {
    const linter = new Linter({ configType: 'flat' });
    linter.verify('while (true) {}', [
      {
        plugins: { ghostguard: { rules: { 'no-bare-sleep-in-loop': rule as never } } },
        rules: { 'ghostguard/no-bare-sleep-in-loop': ['error', options] },
      },
    ]);
  }

  it('accepts the documented options', () => {
    expect(() => lintWith({ fix: 'suggestion', additionalSleepFunctions: ['pause', { module: 'm', export: 'x', delayArgument: 1, optionsArgument: 2 }] })).not.toThrow();
  });

  it('rejects unknown options and bad values, naming them', () => {
    // ESLint names unexpected and missing properties; for a bad value it quotes the value.
    expect(() => lintWith({ autofix: false })).toThrow(/Unexpected property "autofix"/);
    expect(() => lintWith({ fix: 'always' })).toThrow(/"always" should be equal to one of the allowed values/);
    expect(() => lintWith({ additionalSleepFunctions: [{ export: 'x' }] })).toThrow(/required property 'module'/);
    expect(() => lintWith({ additionalSleepFunctions: [{ module: 'm', delayArgument: -1 }] })).toThrow(/-1 should be >= 0/);
    expect(() => lintWith({ additionalSleepFunctions: [{ module: 'm', delay: 1 }] })).toThrow(/Unexpected property "delay"/);
    expect(() => lintWith({ additionalSleepFunctions: 'pause' })).toThrow(/should be array/);
  });
});

/** Valid cases whose file name exists in the typed fixture project (the default `file.ts` does). */
function isTypedFixtureCase(test: ValidTestCase<Options> | string): boolean {
  return typeof test === 'string' || test.filename === undefined || ['file.ts', 'react.tsx', 'script.js', 'module.mjs', 'common.cjs'].includes(test.filename);
}
