/**
 * Rules that see other modules of the project through module summaries, linting code placed in
 * the fixture project `tests/fixtures/summaries` (the imported modules are read from disk there).
 */
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import sleepRule from '../../src/rules/no-bare-sleep-in-loop.js';
import detachedRule from '../../src/rules/no-detached-task.js';
import metricRule from '../../src/rules/no-dynamic-metric-labels.js';
import { commonJsLanguageOptions, fixturesDir, untypedRuleTester } from '../rule-tester.js';

const project = path.join(fixturesDir, 'summaries');
const tsFile = path.join(project, 'consumer.ts');
const jsFile = path.join(project, 'consumer.js');
const cjsFile = path.join(project, 'consumer.cjs');
const aliasedFile = path.join(project, 'aliased', 'src', 'consumer.ts');
const repositoryRoot = path.resolve(fixturesDir, '../../../..');

const RUNTIME = "import { sleepUntilShutdown } from '@ghostguard/runtime';\n";

/** A loop without any signal in scope around `sleep`. */
const loop = (imports: string, sleep: string): string => `${imports}\nasync function poll() {\n  for (;;) {\n    ${sleep}\n  }\n}\n`;

untypedRuleTester.run('no-bare-sleep-in-loop (imported sleeps)', sleepRule, {
  valid: [
    // Named like a helper, but the module shows it returns a number.
    { filename: tsFile, code: loop("import { delay } from './esm/timing.js';", 'await delay(10);') },
    // Passes a signal to a helper that takes one.
    { filename: tsFile, code: loop("import { snooze } from './esm/timing.js';", 'await snooze(10, signal);') },
    // Not a sleep helper's name, and its module is missing: unknown, so not reported.
    { filename: tsFile, code: loop("import { settle } from './missing.js';", 'await settle(10);') },
    // A sleep helper's name but not a duration argument.
    { filename: tsFile, code: loop("import { wait } from 'some-package';", 'await wait(() => ready);') },
    { filename: tsFile, code: loop("import { wait } from 'some-package';", "await wait('ready', 10);") },
    // Not in a loop.
    { filename: tsFile, code: "import { sleep } from './esm/timing.js';\nasync function once() { await sleep(10); }" },
    // Not awaited in the loop (stored for later).
    { filename: tsFile, code: loop("import { sleep } from './esm/timing.js';", 'pending.push(sleep(10));') },
    // `nap` with an explicit zero is a yield, not a sleep.
    { filename: tsFile, code: loop("import { nap } from './esm/timing.js';", 'await nap(0);') },
  ],
  invalid: [
    {
      name: 'ESM named import',
      filename: tsFile,
      code: loop("import { sleep } from './esm/timing.js';", 'await sleep(1000);'),
      errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'sleep' } }],
    },
    {
      name: 'through an index file and a default re-export',
      filename: tsFile,
      code: loop("import { pause } from './esm';", 'await pause(interval);'),
      errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'pause' } }],
    },
    {
      name: 'namespace import, do…while',
      filename: tsFile,
      code: "import * as timing from './esm/timing.js';\nasync function poll() {\n  do {\n    await timing.nap();\n  } while (busy());\n}\n",
      errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'timing.nap' } }],
    },
    {
      name: 'retry loop with a backoff helper that logs first',
      filename: tsFile,
      code: "import { backoff } from './esm/timing.js';\nasync function send() {\n  for (let attempt = 0; ; attempt++) {\n    try { return await post(); } catch { await backoff(attempt, 2 ** attempt * 100); }\n  }\n}\n",
      errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'backoff' } }],
    },
    {
      name: 'while (tries-- > 0) with a helper that could take a signal but gets none',
      filename: tsFile,
      code: "import { snooze } from './esm/timing.js';\nasync function connect() {\n  let tries = 5;\n  while (tries-- > 0) {\n    await snooze(500);\n  }\n}\n",
      errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'snooze' } }],
    },
    {
      name: 'drain loop in a stop() method',
      filename: tsFile,
      code: "import { sleep } from './esm/timing.js';\nclass Poller {\n  busy = false;\n  async stop() {\n    while (this.busy) {\n      await sleep(10);\n    }\n  }\n}\n",
      errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'sleep' } }],
    },
    {
      name: 'with a signal in scope, an exact helper is rewritten',
      filename: tsFile,
      code: "import { sleep } from './esm/timing.js';\nasync function poll(signal: AbortSignal) {\n  while (true) {\n    await sleep(1000);\n  }\n}\n",
      output: `import { sleep } from './esm/timing.js';\n${RUNTIME}async function poll(signal: AbortSignal) {\n  while (true) {\n    if (await sleepUntilShutdown(signal, 1000)) break;\n  }\n}\n`,
      errors: [{ messageId: 'bareSleep', data: { sleep: 'sleep' } }],
    },
    {
      name: 'with a signal in scope, a helper doing more than sleeping is reported without a rewrite',
      filename: tsFile,
      code: "import { backoff } from './esm/timing.js';\nasync function poll(signal: AbortSignal) {\n  while (true) {\n    await backoff(1, 1000);\n  }\n}\n",
      errors: [{ messageId: 'bareSleep', data: { sleep: 'backoff' } }],
    },
    {
      name: 'CommonJS: destructured require of exports.x',
      filename: cjsFile,
      languageOptions: commonJsLanguageOptions,
      code: loop("const { sleep } = require('./cjs/exports-dot');", 'await sleep(100);'),
      errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'sleep' } }],
    },
    {
      name: 'CommonJS: module.exports = { wait } with wait = promisify(setTimeout)',
      filename: cjsFile,
      languageOptions: commonJsLanguageOptions,
      code: loop("const helpers = require('./cjs/object.js');", 'await helpers.wait(100);'),
      errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'helpers.wait' } }],
    },
    {
      name: 'CommonJS: module.exports = function, imported as default',
      filename: jsFile,
      code: loop("import hold from './cjs/whole.js';", 'await hold(100);'),
      errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'hold' } }],
    },
    {
      name: 'tsconfig paths alias',
      filename: aliasedFile,
      code: loop("import rest from '@lib/sleep';", 'await rest(100);'),
      errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'rest' } }],
    },
    {
      name: 'package without source on disk: recognised by name',
      filename: tsFile,
      code: loop("import { delay } from '@acme/async-utils';", 'await delay(250);'),
      errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'delay' } }],
    },
    {
      name: 'missing relative module: recognised by name',
      filename: tsFile,
      code: loop("import { sleep } from './gone.js';", 'await sleep(250);'),
      errors: [{ messageId: 'bareSleepNoSignal', data: { sleep: 'sleep' } }],
    },
  ],
});

/**
 * no-detached-task's messages and suggestions belong to that rule's own tests; here only which
 * lines are reported matters, so these run through ESLint's Linter instead of RuleTester.
 */
function detachedLines(code: string, filename: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: repositoryRoot });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts', '**/*.js', '**/*.cjs'],
        languageOptions: { parser: tsParser, sourceType: filename.endsWith('.cjs') ? 'commonjs' : 'module' },
        plugins: { ghostguard: { rules: { 'no-detached-task': detachedRule as never } } },
        rules: { 'ghostguard/no-detached-task': 'error' },
      },
    ],
    { filename },
  );
  return messages.map((m) => `${m.line}:${m.messageId ?? m.message}`);
}

describe('no-detached-task (imported promises)', () => {
  it('reports dropped promises of imported functions and of methods of imported classes', () => {
    expect(detachedLines("import { load } from './esm/timing.js';\nexport async function f() {\n  load('a');\n}", tsFile)).toEqual(['3:detached']);
    expect(detachedLines("import { reload } from './esm';\nexport function f() {\n  reload('a');\n}", tsFile)).toEqual(['3:detached']);
    expect(detachedLines("import { Store } from './classes/store.js';\nexport function f(store: Store) {\n  store.save('k');\n}", tsFile)).toEqual([
      '3:detached',
    ]);
    expect(detachedLines("import { store } from './classes/store.js';\nexport function f() {\n  store.load('k');\n}", tsFile)).toEqual(['3:detached']);
    const handler = [
      "import { Store, Server } from './classes/store.js';",
      'class Handler {',
      '  private store = new Store();',
      '  constructor(private server: Server) {}',
      '  handle() {',
      "    this.store.load('k');",
      "    this.server.queue.add('job');",
      '    this.server.queue.length();',
      "    this.server.backup.save('k');",
      '  }',
      '}',
    ].join('\n');
    expect(detachedLines(handler, tsFile)).toEqual(['6:detached', '7:detached', '9:detached']);
    const threads = [
      "import { Worker } from 'node:worker_threads';",
      "import type { Store } from './classes/store.js';",
      'class Pool {',
      '  worker: Worker | undefined;',
      '  store?: Store | null;',
      '  stop() {',
      '    this.worker?.terminate();',
      "    this.store?.load('k');",
      '    this.worker?.postMessage(1);',
      '  }',
      '}',
    ].join('\n');
    expect(detachedLines(threads, tsFile)).toEqual(['7:detached', '8:detached']);
    expect(detachedLines("const { fetchAll } = require('./cjs/exports-dot');\nfunction f() {\n  fetchAll();\n}\nf();", cjsFile)).toEqual([
      '3:detached',
    ]);
  });

  it('leaves imported functions alone when the module shows no promise or cannot be read', () => {
    expect(detachedLines("import { count } from './esm/timing.js';\nexport function f() { count(); }", tsFile)).toEqual([]);
    expect(detachedLines("import { Store } from './classes/store.js';\nexport function f(store: Store) { store.size(); }", tsFile)).toEqual([]);
    expect(detachedLines("import { Server } from './classes/store.js';\nexport function f(server: Server) { server.queue.length(); }", tsFile)).toEqual([]);
    expect(detachedLines("import { load } from './missing.js';\nexport function f() { load('a'); }", tsFile)).toEqual([]);
    expect(detachedLines("import { load } from './esm/timing.js';\nexport async function f() { await load('a'); }", tsFile)).toEqual([]);
  });
});

untypedRuleTester.run('no-dynamic-metric-labels (metrics imported from another module)', metricRule, {
  valid: [
    // A fixed label set on an imported counter.
    {
      filename: jsFile,
      code: "const { requests } = require('./classes/metrics.js');\nfunction done(res) { requests.inc({ route: 'login', status: String(res.statusCode) }); }",
      languageOptions: commonJsLanguageOptions,
    },
    // The imported module holds no metric: nothing to check.
    {
      filename: tsFile,
      code: "import { sleep } from './esm/timing.js';\nfunction done(req) { sleep.inc({ user: req.params.userId }); }",
    },
    // A module that does not exist is unknown, never a report.
    { filename: tsFile, code: "import { requests } from './missing.js';\nfunction done(req) { requests.inc({ user: req.params.userId }); }" },
  ],
  invalid: [
    {
      name: 'CommonJS destructured require of an exported Counter',
      filename: jsFile,
      code: "const { requests } = require('./classes/metrics.js');\nfunction done(req) { requests.inc({ route: req.params.userId }); }",
      languageOptions: commonJsLanguageOptions,
      errors: [{ messageId: 'dynamicLabelValue' }],
    },
    {
      name: 'ESM named import of an exported Counter, labels in a variable',
      filename: tsFile,
      code: "import { requests } from './classes/metrics.js';\nexport function done(req: { params: { userId: string } }) {\n  const labels = { route: req.params.userId };\n  requests.inc(labels);\n}",
      errors: [{ messageId: 'dynamicLabelValue' }],
    },
    {
      name: 'ESM namespace import of the metrics module',
      filename: tsFile,
      code: "import * as metrics from './classes/metrics.js';\nexport function done(userId: string) { metrics.requests.labels(userId, 'ok').inc(); }",
      errors: [{ messageId: 'dynamicLabelValue' }],
    },
  ],
});
