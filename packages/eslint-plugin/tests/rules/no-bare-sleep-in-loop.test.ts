import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import rule, { type Options as RuleOptions } from '../../src/rules/no-bare-sleep-in-loop.js';
import { commonJsLanguageOptions, typedRuleTester, untypedRuleTester } from '../rule-tester.js';

type MessageIds = 'bareSleep' | 'bareSleepNoSignal' | 'useSleepUntilShutdown';
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
  { name: 'namespace import', preamble: "import * as timers from 'node:timers/promises';\n", sleep: 'await timers.setTimeout(1000, undefined, { ref: false });', delay: '1000' },
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

const valid: (ValidTestCase<Options> | string)[] = [];

describe('no-bare-sleep-in-loop', () => {
  untypedRuleTester.run('no-bare-sleep-in-loop (spellings)', rule, { valid, invalid });
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

void typedRuleTester;
