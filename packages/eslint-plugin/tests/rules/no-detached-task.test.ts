import parser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/no-detached-task.js';
import { commonJsLanguageOptions, typedRuleTester, untypedRuleTester } from '../rule-tester.js';

const IMPORT = "import { createNamedTask } from '@ghostguard/runtime';\n";
const REQUIRE = "const { createNamedTask } = require('@ghostguard/runtime');\n";

untypedRuleTester.run('no-detached-task (without types)', rule, {
  valid: [
    // Awaited, returned, stored, passed on.
    { code: 'async function load() {}\nasync function main() { await load(); }' },
    { code: 'async function load() {}\nfunction main() { return load(); }' },
    { code: 'async function load() {}\nconst pending = load();' },
    { code: 'async function load() {}\nlet pending;\npending = load();' },
    { code: 'async function load() {}\nconst state = {};\nstate.pending ??= load();' },
    { code: 'async function load() {}\nqueue.push(load());' },
    { code: 'async function load() {}\nconst run = () => load();' },
    { code: 'async function* stream() {}\nstream();' },
    { code: "await fetch('/x');" },
    { code: "const response = fetch('/x');" },
    { code: "for await (const chunk of fetch('/x')) {}" },
    // Task helpers track what they start.
    { code: "import { createNamedTask } from '@ghostguard/runtime';\ncreateNamedTask('load', () => fetch('/x'));" },
    { code: "import * as gg from '@ghostguard/runtime';\ngg.createNamedTask('load', () => fetch('/x'));" },
    { code: "track(fetch('/x'));", options: [{ taskHelpers: ['track'] }] },
    { code: "this.tasks.track(fetch('/x'));", options: [{ taskHelpers: ['this.tasks.track'] }] },
    { code: "tasks.track(fetch('/x'));", options: [{ taskHelpers: ['track'] }] },
    // Rejection handled.
    { code: 'p.catch(() => {});' },
    { code: "fetch('/x').catch((error) => log(error));" },
    { code: 'p.then(() => 1, () => 2);' },
    { code: "fetch('/x').then(ok, fail).finally(done);" },
    { code: 'p.catch(report).finally(() => 2);' },
    { code: 'p.catch(() => {});', options: [{ requireTracking: true }] },
    { code: 'stored.then(ok, fail);', options: [{ requireTracking: true }] },
    { code: "createNamedTask('x', body).promise.catch(log);", options: [{ requireTracking: true }] },
    // Not known to be promises without types.
    { code: 'load();' },
    { code: "import { load } from './api.js';\nload();" },
    { code: 'function load() { return 1; }\nload();' },
    { code: 'function load() { if (x) return; log(); }\nload();' },
    // Inferred from the body, only functions whose every path returns a promise count.
    { code: "function load() { if (cached) return cached; return fetch('/x'); }\nload();" },
    { code: "function load() { if (ready) return fetch('/x'); }\nload();" },
    { code: "function load() { if (ready) return fetch('/x'); return; }\nload();" },
    { code: "function isexe(path: string, cb?: () => void) {\n  if (!cb) return new Promise((resolve) => isexe(path, resolve));\n  check(path, cb);\n}\nisexe('x', () => {});" },
    { code: "function load() { try { return fetch('/x'); } catch { log(); } }\nload();" },
    { code: 'const fetch = (url: string) => url;\nfetch("/x");' },
    { code: 'function f(fetch: (u: string) => void) { fetch("/x"); }' },
    { code: 'class Promise {}\nnew Promise();' },
    { code: "import { watch } from 'fs/promises';\nwatch('.');" },
    { code: "import { setInterval } from 'timers/promises';\nsetInterval(10);" },
    { code: "import { readFile } from 'fs';\nreadFile('x', cb);" },
    { code: 'let load = async () => {};\nload = () => 1;\nload();' },
    { code: 'class A { async flush() {} static run() { this.flush(); } }' },
    { code: 'class A { static async flush() {} run() { this.flush(); } }' },
    { code: 'class A { async flush() {} run() { function inner() { this.flush(); } } }' },
    { code: 'const api = { async get() {} };\napi.post();' },
    { code: 'const api = { get load() { return async () => {}; } };\napi.load();' },
    { code: 'obj[key]();' },
    { code: 'useEffect(() => void load(), []);' },
    { code: "'use strict';" },
    // Chains on a task helper's promise are part of the tracked task.
    { code: "import { superviseSession } from '@ghostguard/runtime';\nvoid superviseSession({ label: 'ws', signal }, setup).finally(() => watch.dispose());" },
    { code: 'superviseSession(options, setup).then(log, log);', options: [{ requireTracking: true }] },
    { code: 'async function createNamedTask() {}\ncreateNamedTask();' },
    { code: 'cond && log();' },
    { code: 'x ? a() : b();' },
    { code: 'void 0;' },
    // Callbacks whose return value is used, or that are not async.
    { code: 'items.forEach((item) => log(item));' },
    { code: 'items.map(async (item) => save(item));' },
    { code: 'setTimeout(() => log(), 10);' },
    { code: 'new Promise((resolve) => setTimeout(resolve, 10)).then(ok, fail);' },
    { code: 'function setTimeout(fn: () => unknown) { fn(); }\nsetTimeout(async () => {});' },
    { code: 'items.forEach(async function* (item) { yield item; });' },
    { code: 'setTimeout(...args);' },
    // Listeners that are plain functions, or whose promise already handles its rejection.
    { code: "socket.on('login', (data) => { check(data).catch(log); });" },
    { code: "async function check(data: unknown) {}\nsocket.on('login', (data) => check(data).catch(log));" },
    { code: "async function check(data: unknown) {}\nsocket.on('login', function (data) { return check(data).then(ok, fail); });" },
    { code: "async function load() {}\nsetTimeout(() => load().catch(log), 10);" },
    { code: "import { createNamedTask } from '@ghostguard/runtime';\nprocess.on('SIGTERM', () => createNamedTask('stop', () => server.close()));" },
    { code: "emitter.on('data', handler);" },
    { code: "emitter.on('data', this.handle);" },
    { code: "emitter.on('data', async function* () {});" },
    { code: "emitter.on('data');" },
    { code: "emitter.on('data', ...listeners);" },
    // uWebSockets.js behaviours: plain handlers, handlers outside a behaviour object.
    { code: "app.ws('/*', { open: (ws) => { join(ws).catch(log); }, idleTimeout: 60 });" },
    { code: "app.ws('/*', behaviour);\napp.ws({ open: async () => {} });\napp.ws('/*', { onOpen: async () => {} });" },
    // Emitters that route listener rejections to 'error'.
    { code: "import { EventEmitter } from 'node:events';\nconst bus = new EventEmitter({ captureRejections: true });\nbus.on('job', async () => { await run(); });" },
    { code: "import { Telegraf } from 'telegraf';\nconst bot = new Telegraf(token);\nbot.on('message', async (ctx) => { await ctx.reply('hi'); });" },
    { code: "const { Bot } = require('grammy');\nconst bot = new Bot(token);\nbot.on('message', async (ctx) => { await ctx.reply('hi'); });" },
    // Frameworks that await what their handlers return: not listener registrations.
    { code: "app.get('/users', async (req, res) => { res.json(await load()); });" },
    { code: "fastify.addHook('onRequest', async (request) => { await auth(request); });" },
    { code: "app.use(async (ctx, next) => { await next(); });" },
    { code: "router.on('GET', '/health', async (req, res) => { res.end(); });" },
    { code: "io.on('connection', (socket) => { socket.emit('hello'); });" },
    // Already settled: nothing runs, nothing can reject.
    { code: 'Promise.resolve();' },
    { code: 'Promise.resolve(42);' },
    { code: 'void Promise.resolve(cached);' },
    // Callees known to return nothing.
    { code: "function report(message: string) { console.log(message); }\nreport('x');" },
    { code: 'class Pool { private active = true; stop() { this.active = false; } close() { this.stop(); } }' },
    { code: "const api = { send(message: string) { socket.write(message); } };\napi.send('x');" },
    // Stored and handled later in the same function.
    { code: 'async function load() {}\nasync function main() {\n  const pending = load();\n  prepare();\n  await pending;\n}' },
    { code: 'async function load() {}\nfunction main() {\n  const pending = load();\n  prepare();\n  pending.catch(log);\n}' },
    { code: 'async function load() {}\nasync function main() {\n  const pending = load();\n  await Promise.all([pending, prepare()]);\n}' },
  ],
  invalid: [
    // Same-file functions: declarations, arrows, function expressions, annotations, JSDoc.
    {
      code: 'async function load() {}\nload();',
      errors: [
        {
          messageId: 'detached',
          line: 2,
          column: 1,
          suggestions: [
            { messageId: 'suggestNamedTask', data: { name: 'load' }, output: `${IMPORT}async function load() {}\ncreateNamedTask('load', () => load());` },
          ],
        },
      ],
    },
    {
      code: 'const load = async () => {};\nasync function main() {\n  load();\n}',
      errors: [
        {
          messageId: 'detached',
          line: 3,
          suggestions: [
            { messageId: 'suggestAwait', output: 'const load = async () => {};\nasync function main() {\n  await load();\n}' },
            {
              messageId: 'suggestNamedTask',
              data: { name: 'load' },
              output: `${IMPORT}const load = async () => {};\nasync function main() {\n  createNamedTask('load', () => load());\n}`,
            },
          ],
        },
      ],
    },
    {
      code: 'const load = function () { return new Promise((resolve) => resolve(1)); };\nload();',
      errors: [
        {
          messageId: 'detached',
          suggestions: [
            {
              messageId: 'suggestNamedTask',
              data: { name: 'load' },
              output: `${IMPORT}const load = function () { return new Promise((resolve) => resolve(1)); };\ncreateNamedTask('load', () => load());`,
            },
          ],
        },
      ],
    },
    {
      code: 'const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));\nwait(5);',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'wait' }, output: `${IMPORT}const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));\ncreateNamedTask('wait', () => wait(5));` }] }],
    },
    {
      code: 'function load(): Promise<void> { return source(); }\nload();',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'load' }, output: `${IMPORT}function load(): Promise<void> { return source(); }\ncreateNamedTask('load', () => load());` }] }],
    },
    {
      code: 'function load(): PromiseLike<void> | undefined { return source(); }\nload();',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'load' }, output: `${IMPORT}function load(): PromiseLike<void> | undefined { return source(); }\ncreateNamedTask('load', () => load());` }] }],
    },
    {
      code: 'function load(): Promise<void>;\nfunction load(x?: number) { return source(x); }\nload();',
      errors: [{ messageId: 'detached', line: 3, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'load' }, output: `${IMPORT}function load(): Promise<void>;\nfunction load(x?: number) { return source(x); }\ncreateNamedTask('load', () => load());` }] }],
    },
    {
      code: "import { source } from './source.js';\n/** @returns {Promise<void>} */\nfunction load() { return source(); }\nload();",
      filename: 'script.js',
      errors: [{ messageId: 'detached', line: 4, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'load' }, output: "import { source } from './source.js';\nimport { createNamedTask } from '@ghostguard/runtime';\n/** @returns {Promise<void>} */\nfunction load() { return source(); }\ncreateNamedTask('load', () => load());" }] }],
    },
    {
      // A function whose every path returns a promise returns a promise too.
      code: "function load(id: string) {\n  if (!id) throw new Error('id');\n  try {\n    return fetch(id).then((r) => r.json());\n  } catch (error) {\n    return Promise.reject(error);\n  }\n}\nload('a');",
      errors: [{ messageId: 'detached', line: 9, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'load' }, output: `${IMPORT}function load(id: string) {\n  if (!id) throw new Error('id');\n  try {\n    return fetch(id).then((r) => r.json());\n  } catch (error) {\n    return Promise.reject(error);\n  }\n}\ncreateNamedTask('load', () => load('a'));` }] }],
    },
    {
      code: "function pick(fast: boolean) {\n  if (fast) return fetch('/a');\n  else return fetch('/b');\n}\npick(true);",
      errors: [{ messageId: 'detached', line: 5, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'pick' }, output: `${IMPORT}function pick(fast: boolean) {\n  if (fast) return fetch('/a');\n  else return fetch('/b');\n}\ncreateNamedTask('pick', () => pick(true));` }] }],
    },
    {
      code: 'function ping() { return pong(); }\nfunction pong() { return ping(); }\nasync function start() {}\nconst begin = start;\nbegin();',
      errors: [{ messageId: 'detached', line: 5, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'begin' }, output: `${IMPORT}function ping() { return pong(); }\nfunction pong() { return ping(); }\nasync function start() {}\nconst begin = start;\ncreateNamedTask('begin', () => begin());` }] }],
    },
    // Exported declarations used in the same file.
    {
      code: 'export async function sync() {}\nexport function start() { sync(); }',
      errors: [{ messageId: 'detached', line: 2, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'sync' }, output: `${IMPORT}export async function sync() {}\nexport function start() { createNamedTask('sync', () => sync()); }` }] }],
    },
    // Methods: this.method(), private, class fields, static, inherited, object literals, instances.
    {
      code: 'class Session {\n  async flush() {}\n  close() {\n    this.flush();\n  }\n}',
      errors: [{ messageId: 'detached', line: 4, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'flush' }, output: `${IMPORT}class Session {\n  async flush() {}\n  close() {\n    createNamedTask('flush', () => this.flush());\n  }\n}` }] }],
    },
    {
      code: 'class Session {\n  async #flush() {}\n  async close() {\n    this.#flush();\n  }\n}',
      errors: [
        {
          messageId: 'detached',
          line: 4,
          suggestions: [
            { messageId: 'suggestAwait', output: 'class Session {\n  async #flush() {}\n  async close() {\n    await this.#flush();\n  }\n}' },
            { messageId: 'suggestNamedTask', data: { name: 'flush' }, output: `${IMPORT}class Session {\n  async #flush() {}\n  async close() {\n    createNamedTask('flush', () => this.#flush());\n  }\n}` },
          ],
        },
      ],
    },
    {
      code: 'class Session {\n  flush = async () => {};\n  close = () => {\n    this.flush?.();\n  };\n}',
      errors: [{ messageId: 'detached', line: 4, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'flush' }, output: `${IMPORT}class Session {\n  flush = async () => {};\n  close = () => {\n    createNamedTask('flush', () => this.flush?.());\n  };\n}` }] }],
    },
    {
      code: 'class Pool {\n  static async warm() {}\n  static {\n    this.warm();\n  }\n}\nPool.warm();',
      errors: [
        { messageId: 'detached', line: 4, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'warm' }, output: `${IMPORT}class Pool {\n  static async warm() {}\n  static {\n    createNamedTask('warm', () => this.warm());\n  }\n}\nPool.warm();` }] },
        { messageId: 'detached', line: 7, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'warm' }, output: `${IMPORT}class Pool {\n  static async warm() {}\n  static {\n    this.warm();\n  }\n}\ncreateNamedTask('warm', () => Pool.warm());` }] },
      ],
    },
    {
      code: 'class Base { async flush(): Promise<void> {} }\nclass Session extends Base { close() { this.flush(); } }',
      errors: [{ messageId: 'detached', line: 2, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'flush' }, output: `${IMPORT}class Base { async flush(): Promise<void> {} }\nclass Session extends Base { close() { createNamedTask('flush', () => this.flush()); } }` }] }],
    },
    {
      code: 'abstract class Store { abstract save(): Promise<void>; close() { this.save(); } }',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'save' }, output: `${IMPORT}abstract class Store { abstract save(): Promise<void>; close() { createNamedTask('save', () => this.save()); } }` }] }],
    },
    {
      code: 'const api = {\n  async get() {},\n  refresh() { this.get(); },\n};\napi.get();',
      errors: [
        { messageId: 'detached', line: 3, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'get' }, output: `${IMPORT}const api = {\n  async get() {},\n  refresh() { createNamedTask('get', () => this.get()); },\n};\napi.get();` }] },
        { messageId: 'detached', line: 5, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'get' }, output: `${IMPORT}const api = {\n  async get() {},\n  refresh() { this.get(); },\n};\ncreateNamedTask('get', () => api.get());` }] },
      ],
    },
    {
      code: "async function upload() {}\nconst api = { upload, 'send-all': async () => {} };\napi.upload();\napi['send-all']();",
      errors: [
        { messageId: 'detached', line: 3, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'upload' }, output: `${IMPORT}async function upload() {}\nconst api = { upload, 'send-all': async () => {} };\ncreateNamedTask('upload', () => api.upload());\napi['send-all']();` }] },
        { messageId: 'detached', line: 4, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'send-all' }, output: `${IMPORT}async function upload() {}\nconst api = { upload, 'send-all': async () => {} };\napi.upload();\ncreateNamedTask('send-all', () => api['send-all']());` }] },
      ],
    },
    {
      code: 'class Client { async connect() {} }\nconst client = new Client();\nclient.connect();',
      errors: [{ messageId: 'detached', line: 3, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'connect' }, output: `${IMPORT}class Client { async connect() {} }\nconst client = new Client();\ncreateNamedTask('connect', () => client.connect());` }] }],
    },
    // `new Promise`, Promise statics, dynamic import.
    {
      code: 'new Promise((resolve) => setTimeout(resolve, 10));',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'task' }, output: `${IMPORT}createNamedTask('task', () => new Promise((resolve) => setTimeout(resolve, 10)));` }] }],
    },
    {
      code: 'Promise.all([a(), b()]);',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'all' }, output: `${IMPORT}createNamedTask('all', () => Promise.all([a(), b()]));` }] }],
    },
    {
      code: 'Promise.reject(new Error("x"));',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'reject' }, output: 'import { createNamedTask } from "@ghostguard/runtime";\ncreateNamedTask("reject", () => Promise.reject(new Error("x")));' }] }],
    },
    {
      code: "import('./plugin.js');",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'task' }, output: `${IMPORT}createNamedTask('task', () => import('./plugin.js'));` }] }],
    },
    // `.then()` / `.finally()` without a rejection handler.
    {
      code: 'p.then(() => 1);',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'task' }, output: `${IMPORT}createNamedTask('task', () => p.then(() => 1));` }] }],
    },
    {
      code: "fetch('/x').then(ok, undefined);",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}createNamedTask('fetch', () => fetch('/x').then(ok, undefined));` }] }],
    },
    {
      code: 'p.catch(null);',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'task' }, output: `${IMPORT}createNamedTask('task', () => p.catch(null));` }] }],
    },
    {
      code: 'p.then(ok).finally(done);',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'task' }, output: `${IMPORT}createNamedTask('task', () => p.then(ok).finally(done));` }] }],
    },
    {
      code: 'p.catch(log).then(next);',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'task' }, output: `${IMPORT}createNamedTask('task', () => p.catch(log).then(next));` }] }],
    },
    // Well-known promise APIs.
    {
      code: "fetch('/hook', { method: 'POST' });",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}createNamedTask('fetch', () => fetch('/hook', { method: 'POST' }));` }] }],
    },
    {
      code: "globalThis.fetch('/hook');",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}createNamedTask('fetch', () => globalThis.fetch('/hook'));` }] }],
    },
    {
      code: "import { writeFile } from 'node:fs/promises';\nwriteFile('a.txt', data);",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'writeFile' }, output: "import { writeFile } from 'node:fs/promises';\nimport { createNamedTask } from '@ghostguard/runtime';\ncreateNamedTask('writeFile', () => writeFile('a.txt', data));" }] }],
    },
    {
      code: "import * as fsp from 'fs/promises';\nfsp.rm('tmp', { recursive: true });",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'rm' }, output: "import * as fsp from 'fs/promises';\nimport { createNamedTask } from '@ghostguard/runtime';\ncreateNamedTask('rm', () => fsp.rm('tmp', { recursive: true }));" }] }],
    },
    {
      code: "import fs from 'node:fs';\nfs.promises.unlink('a.txt');",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'unlink' }, output: "import fs from 'node:fs';\nimport { createNamedTask } from '@ghostguard/runtime';\ncreateNamedTask('unlink', () => fs.promises.unlink('a.txt'));" }] }],
    },
    {
      code: "import { promises as fsp } from 'fs';\nfsp.appendFile('log', line);",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'appendFile' }, output: "import { promises as fsp } from 'fs';\nimport { createNamedTask } from '@ghostguard/runtime';\ncreateNamedTask('appendFile', () => fsp.appendFile('log', line));" }] }],
    },
    {
      code: "import { setTimeout as wait, scheduler } from 'timers/promises';\nwait(10);\nscheduler.wait(5);",
      errors: [
        { messageId: 'detached', line: 2, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'wait' }, output: "import { setTimeout as wait, scheduler } from 'timers/promises';\nimport { createNamedTask } from '@ghostguard/runtime';\ncreateNamedTask('wait', () => wait(10));\nscheduler.wait(5);" }] },
        { messageId: 'detached', line: 3, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'wait' }, output: "import { setTimeout as wait, scheduler } from 'timers/promises';\nimport { createNamedTask } from '@ghostguard/runtime';\nwait(10);\ncreateNamedTask('wait', () => scheduler.wait(5));" }] },
      ],
    },
    // `void` does not excuse a dropped promise.
    {
      code: 'async function load() {}\nasync function main() { void load(); }',
      errors: [
        {
          messageId: 'detached',
          column: 25,
          suggestions: [
            { messageId: 'suggestAwait', output: 'async function load() {}\nasync function main() { await load(); }' },
            { messageId: 'suggestNamedTask', data: { name: 'load' }, output: `${IMPORT}async function load() {}\nasync function main() { createNamedTask('load', () => load()); }` },
          ],
        },
      ],
    },
    {
      code: "useEffect(() => void fetch('/x'), []);",
      filename: 'react.tsx',
      errors: [{ messageId: 'detached', column: 17, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}useEffect(() => createNamedTask('fetch', () => fetch('/x')), []);` }] }],
    },
    {
      code: "void (ready && fetch('/x'));",
      errors: [{ messageId: 'detached', column: 16, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}void (ready && createNamedTask('fetch', () => fetch('/x')));` }] }],
    },
    // Sequences, conditionals, logical expressions: each promise branch is reported.
    {
      code: "async function main() { fetch('/a'), log(), fetch('/b'); }",
      errors: [
        {
          messageId: 'detached',
          column: 25,
          suggestions: [
            { messageId: 'suggestAwait', output: "async function main() { await fetch('/a'), log(), fetch('/b'); }" },
            { messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}async function main() { createNamedTask('fetch', () => fetch('/a')), log(), fetch('/b'); }` },
          ],
        },
        {
          messageId: 'detached',
          column: 45,
          suggestions: [
            { messageId: 'suggestAwait', output: "async function main() { fetch('/a'), log(), await fetch('/b'); }" },
            { messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}async function main() { fetch('/a'), log(), createNamedTask('fetch', () => fetch('/b')); }` },
          ],
        },
      ],
    },
    {
      code: "async function main() { cond ? fetch('/a') : log(); }",
      errors: [
        {
          messageId: 'detached',
          suggestions: [
            { messageId: 'suggestAwait', output: "async function main() { cond ? await fetch('/a') : log(); }" },
            { messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}async function main() { cond ? createNamedTask('fetch', () => fetch('/a')) : log(); }` },
          ],
        },
      ],
    },
    {
      code: "cond && fetch('/x');",
      errors: [{ messageId: 'detached', column: 9, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}cond && createNamedTask('fetch', () => fetch('/x'));` }] }],
    },
    {
      code: "fetch('/x') || fallback();",
      errors: [{ messageId: 'detached', column: 1, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}createNamedTask('fetch', () => fetch('/x')) || fallback();` }] }],
    },
    // Optional calls and TypeScript wrappers.
    {
      code: 'class A { async flush() {} async close() { this.flush?.()!; } }',
      errors: [
        {
          messageId: 'detached',
          suggestions: [
            { messageId: 'suggestAwait', output: 'class A { async flush() {} async close() { await this.flush?.()!; } }' },
            { messageId: 'suggestNamedTask', data: { name: 'flush' }, output: `${IMPORT}class A { async flush() {} async close() { createNamedTask('flush', () => this.flush?.()!); } }` },
          ],
        },
      ],
    },
    {
      code: "async function main() { fetch('/x') as Promise<Response>; }",
      errors: [
        {
          messageId: 'detached',
          suggestions: [
            { messageId: 'suggestAwait', output: "async function main() { await (fetch('/x') as Promise<Response>); }" },
            { messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}async function main() { createNamedTask('fetch', () => fetch('/x') as Promise<Response>); }` },
          ],
        },
      ],
    },
    // IIFEs: named after the function, else the enclosing function, else 'task'.
    {
      code: 'async function handleConnection() {\n  (async () => {\n    await pump();\n  })();\n}',
      errors: [
        {
          messageId: 'detached',
          line: 2,
          suggestions: [
            { messageId: 'suggestAwait', output: 'async function handleConnection() {\n  await (async () => {\n    await pump();\n  })();\n}' },
            { messageId: 'suggestNamedTask', data: { name: 'handleConnection' }, output: `${IMPORT}async function handleConnection() {\n  createNamedTask('handleConnection', () => (async () => {\n    await pump();\n  })());\n}` },
          ],
        },
      ],
    },
    {
      code: '(async function heartbeat() { await ping(); })();',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'heartbeat' }, output: `${IMPORT}createNamedTask('heartbeat', () => (async function heartbeat() { await ping(); })());` }] }],
    },
    {
      code: '(async () => { await ping(); })();',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'task' }, output: `${IMPORT}createNamedTask('task', () => (async () => { await ping(); })());` }] }],
    },
    // No `await` suggestion where `await` is not allowed.
    {
      code: "async function main() {\n  class A { static { fetch('/x'); } }\n}",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}async function main() {\n  class A { static { createNamedTask('fetch', () => fetch('/x')); } }\n}` }] }],
    },
    {
      code: "async function main(ready = void fetch('/x')) { return ready; }",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}async function main(ready = createNamedTask('fetch', () => fetch('/x'))) { return ready; }` }] }],
    },
    {
      code: "fetch('/x');",
      filename: 'module.mjs',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}createNamedTask('fetch', () => fetch('/x'));` }] }],
    },
    {
      // `await` inside the expression cannot move into the task's thunk.
      code: 'async function main() { fetch(await resolveUrl()); }',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestAwait', output: 'async function main() { await fetch(await resolveUrl()); }' }] }],
    },
    {
      code: 'function* main() { fetch(yield); }',
      errors: [{ messageId: 'detached', suggestions: [] }],
    },
    {
      code: "async function main() { fetch('/x').then(async (r) => { await r.json(); }); }",
      errors: [
        {
          messageId: 'detached',
          suggestions: [
            { messageId: 'suggestAwait', output: "async function main() { await fetch('/x').then(async (r) => { await r.json(); }); }" },
            { messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}async function main() { createNamedTask('fetch', () => fetch('/x').then(async (r) => { await r.json(); })); }` },
          ],
        },
      ],
    },
    // `{ tasks }` when a task set is in scope.
    {
      code: "const tasks = new Set();\nexport async function onMessage() {\n  fetch('/x');\n}",
      errors: [
        {
          messageId: 'detached',
          suggestions: [
            { messageId: 'suggestAwait', output: "const tasks = new Set();\nexport async function onMessage() {\n  await fetch('/x');\n}" },
            { messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}const tasks = new Set();\nexport async function onMessage() {\n  createNamedTask('fetch', () => fetch('/x'), { tasks });\n}` },
          ],
        },
      ],
    },
    {
      code: "import type { Task } from '@ghostguard/runtime';\nfunction start(tasks: Set<Task>) { fetch('/x'); }",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: "import type { Task } from '@ghostguard/runtime';\nimport { createNamedTask } from '@ghostguard/runtime';\nfunction start(tasks: Set<Task>) { createNamedTask('fetch', () => fetch('/x'), { tasks }); }" }] }],
    },
    {
      code: "function start(tasks: Task[]) { fetch('/x'); }",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}function start(tasks: Task[]) { createNamedTask('fetch', () => fetch('/x')); }` }] }],
    },
    {
      code: "const tasks = [];\nfetch('/x');",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}const tasks = [];\ncreateNamedTask('fetch', () => fetch('/x'));` }] }],
    },
    {
      code: 'class Connection {\n  private tasks = new Set<Task>();\n  async flush() {}\n  close() { this.flush(); }\n}',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'flush' }, output: `${IMPORT}class Connection {\n  private tasks = new Set<Task>();\n  async flush() {}\n  close() { createNamedTask('flush', () => this.flush(), { tasks: this.tasks }); }\n}` }] }],
    },
    {
      code: "class Connection {\n  #tasks: Set<Task> = new Set();\n  open = () => { fetch('/x'); };\n  static start() { fetch('/y'); }\n}",
      errors: [
        { messageId: 'detached', line: 3, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}class Connection {\n  #tasks: Set<Task> = new Set();\n  open = () => { createNamedTask('fetch', () => fetch('/x'), { tasks: this.#tasks }); };\n  static start() { fetch('/y'); }\n}` }] },
        { messageId: 'detached', line: 4, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}class Connection {\n  #tasks: Set<Task> = new Set();\n  open = () => { fetch('/x'); };\n  static start() { createNamedTask('fetch', () => fetch('/y')); }\n}` }] },
      ],
    },
    {
      code: "class Connection {\n  tasks: Task[] = [];\n  open() { fetch('/x'); }\n}",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}class Connection {\n  tasks: Task[] = [];\n  open() { createNamedTask('fetch', () => fetch('/x')); }\n}` }] }],
    },
    // Import insertion: extend an existing runtime import, namespace import, name clash.
    {
      code: "import { superviseTasks } from '@ghostguard/runtime';\nfetch('/x');",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: "import { superviseTasks, createNamedTask } from '@ghostguard/runtime';\ncreateNamedTask('fetch', () => fetch('/x'));" }] }],
    },
    {
      code: "import { createNamedTask as spawn } from '@ghostguard/runtime';\nfetch('/x');",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: "import { createNamedTask as spawn } from '@ghostguard/runtime';\nspawn('fetch', () => fetch('/x'));" }] }],
    },
    {
      code: "import * as gg from '@ghostguard/runtime';\nfetch('/x');",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: "import * as gg from '@ghostguard/runtime';\ngg.createNamedTask('fetch', () => fetch('/x'));" }] }],
    },
    {
      code: "const createNamedTask = 1;\nfetch('/x');",
      errors: [{ messageId: 'detached', suggestions: [] }],
    },
    // `.js` and `.mjs` files.
    {
      code: "import { readdir } from 'fs/promises';\nexport function scan() { readdir('.'); }",
      filename: 'script.js',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'readdir' }, output: "import { readdir } from 'fs/promises';\nimport { createNamedTask } from '@ghostguard/runtime';\nexport function scan() { createNamedTask('readdir', () => readdir('.')); }" }] }],
    },
    // CommonJS: `require` and `exports`.
    {
      code: "'use strict';\nconst fsp = require('fs/promises');\nfsp.writeFile('a', 'b');",
      filename: 'common.cjs',
      languageOptions: commonJsLanguageOptions,
      errors: [{ messageId: 'detached', line: 3, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'writeFile' }, output: `'use strict';\nconst fsp = require('fs/promises');\n${REQUIRE}createNamedTask('writeFile', () => fsp.writeFile('a', 'b'));` }] }],
    },
    {
      code: "const { promises: { stat } } = require('node:fs');\nconst { superviseTasks } = require('@ghostguard/runtime');\nstat('x');",
      filename: 'common.cjs',
      languageOptions: commonJsLanguageOptions,
      errors: [{ messageId: 'detached', line: 3, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'stat' }, output: "const { promises: { stat } } = require('node:fs');\nconst { superviseTasks, createNamedTask } = require('@ghostguard/runtime');\ncreateNamedTask('stat', () => stat('x'));" }] }],
    },
    {
      code: "exports.load = async function () {};\nmodule.exports.save = () => new Promise((r) => r());\nexports.load();\nmodule.exports.save();",
      filename: 'common.cjs',
      languageOptions: commonJsLanguageOptions,
      errors: [
        { messageId: 'detached', line: 3, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'load' }, output: `${REQUIRE}exports.load = async function () {};\nmodule.exports.save = () => new Promise((r) => r());\ncreateNamedTask('load', () => exports.load());\nmodule.exports.save();` }] },
        { messageId: 'detached', line: 4, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'save' }, output: `${REQUIRE}exports.load = async function () {};\nmodule.exports.save = () => new Promise((r) => r());\nexports.load();\ncreateNamedTask('save', () => module.exports.save());` }] },
      ],
    },
    {
      code: "module.exports = { async load() {} };\nmodule.exports.load();",
      filename: 'common.cjs',
      languageOptions: commonJsLanguageOptions,
      errors: [{ messageId: 'detached', line: 2, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'load' }, output: `${REQUIRE}module.exports = { async load() {} };\ncreateNamedTask('load', () => module.exports.load());` }] }],
    },
    // Async callbacks whose promises are dropped by the caller.
    {
      code: 'items.forEach(async (item) => { await save(item); });',
      errors: [{ messageId: 'asyncCallback', data: { sink: 'forEach' }, column: 7 }],
    },
    {
      code: 'async function save(item: unknown) {}\nitems.forEach(save);\nitems.forEach((item) => save(item));',
      errors: [
        { messageId: 'asyncCallback', data: { sink: 'forEach' }, line: 2 },
        { messageId: 'asyncCallback', data: { sink: 'forEach' }, line: 3 },
      ],
    },
    {
      code: 'setTimeout(async () => { await flush(); }, 100);\nconst timer = setInterval(async function () {}, 1000);',
      errors: [
        { messageId: 'asyncCallback', data: { sink: 'setTimeout' }, line: 1 },
        { messageId: 'asyncCallback', data: { sink: 'setInterval' }, line: 2 },
      ],
    },
    {
      code: 'setImmediate(async () => {});\nqueueMicrotask(async () => {});\nprocess.nextTick(async () => {});\nglobalThis.setTimeout(async () => {});',
      errors: [
        { messageId: 'asyncCallback', data: { sink: 'setImmediate' } },
        { messageId: 'asyncCallback', data: { sink: 'queueMicrotask' } },
        { messageId: 'asyncCallback', data: { sink: 'process.nextTick' } },
        { messageId: 'asyncCallback', data: { sink: 'setTimeout' } },
      ],
    },
    // Event listeners: the emitter drops the promise an async listener returns.
    {
      code: "socket.on('login', async (data) => { await check(data); });",
      errors: [{ messageId: 'asyncListener', data: { sink: "socket.on('login')" }, line: 1, column: 8, endLine: 1, endColumn: 58 }],
    },
    {
      code: "process.on('SIGTERM', async () => { await server.close(); });\nprocess.once('SIGINT', async () => {});",
      errors: [
        { messageId: 'asyncListener', data: { sink: "process.on('SIGTERM')" }, line: 1 },
        { messageId: 'asyncListener', data: { sink: "process.once('SIGINT')" }, line: 2 },
      ],
    },
    {
      code: "signal.addEventListener('abort', async () => {});\nbus.addListener('a', async () => {});\nbus.prependListener('b', async () => {});\nbus.prependOnceListener('c', async () => {});\nthis.io.on(event, async () => {});",
      errors: [
        { messageId: 'asyncListener', data: { sink: "signal.addEventListener('abort')" } },
        { messageId: 'asyncListener', data: { sink: "bus.addListener('a')" } },
        { messageId: 'asyncListener', data: { sink: "bus.prependListener('b')" } },
        { messageId: 'asyncListener', data: { sink: "bus.prependOnceListener('c')" } },
        { messageId: 'asyncListener', data: { sink: 'this.io.on(…)' } },
      ],
    },
    {
      // Listeners held in variables and functions declared in the file.
      code: "async function onMessage(data: unknown) {}\nconst onClose = async () => {};\nws.on('message', onMessage);\nws.on('close', onClose);",
      errors: [
        { messageId: 'asyncListener', data: { sink: "ws.on('message')" }, line: 3 },
        { messageId: 'asyncListener', data: { sink: "ws.on('close')" }, line: 4 },
      ],
    },
    {
      // A plain listener that returns a same-class async method's promise, or a bound async method.
      code: "class Worker {\n  async stop() {}\n  async onData() {}\n  start(stream: Stream) {\n    process.on('SIGTERM', () => this.stop());\n    stream.on('data', this.onData.bind(this));\n  }\n}",
      errors: [
        { messageId: 'asyncListener', data: { sink: "process.on('SIGTERM')" }, line: 5 },
        { messageId: 'asyncListener', data: { sink: "stream.on('data')" }, line: 6 },
      ],
    },
    {
      // Optional calls, chained registrations: the report starts at the method name.
      code: "receiver?.on('message', async (msg) => {});\nws\n  .on('open', () => {})\n  .on('message', async () => {});",
      errors: [
        { messageId: 'asyncListener', data: { sink: "receiver.on('message')" }, line: 1 },
        { messageId: 'asyncListener', data: { sink: ".on('message')" }, line: 4, column: 4 },
      ],
    },
    {
      // A body wrapped in try/catch is still reported: the catch block can throw, and the work is untracked.
      code: "socket.on('job', async (job) => {\n  try {\n    await run(job);\n  } catch (error) {\n    log(error);\n  }\n});",
      errors: [{ messageId: 'asyncListener', line: 1 }],
    },
    {
      // RxJS and pub/sub subscriptions.
      code: "changes.subscribe(async () => { await refresh(); });\nredis.subscribe('jobs', async (message) => {});",
      errors: [
        { messageId: 'asyncListener', data: { sink: 'subscribe' }, line: 1 },
        { messageId: 'asyncListener', data: { sink: 'subscribe' }, line: 2 },
      ],
    },
    {
      // uWebSockets.js calls its behaviour handlers and drops what they return.
      code: "app.ws('/*', {\n  open: async (ws) => { await join(ws); },\n  message: (ws, data) => { handle(data); },\n  async close(ws) { await leave(ws); },\n});",
      errors: [
        { messageId: 'asyncListener', data: { sink: 'uWebSockets.js `open`' }, line: 2, column: 3 },
        { messageId: 'asyncListener', data: { sink: 'uWebSockets.js `close`' }, line: 4 },
      ],
    },
    // Timers: the report starts at the timer's name, on the call's line.
    {
      code: 'class Poller {\n  #timer: unknown;\n  async #poll() {}\n  start() {\n    this.#timer = setInterval(\n      () => this.#poll(),\n      1000,\n    );\n  }\n}',
      errors: [{ messageId: 'asyncCallback', data: { sink: 'setInterval' }, line: 5, column: 19, endLine: 6 }],
    },
    {
      code: "clock.setTimeout(async () => { await refresh(); }, 10);\nthis.timers.setInterval(async () => {}, 10);",
      errors: [
        { messageId: 'asyncCallback', data: { sink: 'setTimeout' } },
        { messageId: 'asyncCallback', data: { sink: 'setInterval' } },
      ],
    },
    {
      code: "import { setTimeout as later } from 'node:timers';\nimport { setImmediate } from 'timers';\nsetImmediate(async () => {});",
      errors: [{ messageId: 'asyncCallback', data: { sink: 'setImmediate' }, line: 3 }],
    },
    // Not already settled: `Promise.resolve(load())` adopts `load()`; a dropped rejection is unhandled.
    {
      code: 'async function load() {}\nPromise.resolve(load());',
      errors: [{ messageId: 'detached', line: 2, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'resolve' }, output: `${IMPORT}async function load() {}\ncreateNamedTask('resolve', () => Promise.resolve(load()));` }] }],
    },
    {
      code: 'Promise.resolve().then(() => work());',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'resolve' }, output: `${IMPORT}createNamedTask('resolve', () => Promise.resolve().then(() => work()));` }] }],
    },
    {
      // A chain on a stored promise derives a new one, which rejects unhandled even though `pending` is awaited.
      code: 'async function load() {}\nasync function main() {\n  const pending = load();\n  pending.finally(done);\n  await pending;\n}',
      errors: [
        {
          messageId: 'detached',
          line: 4,
          suggestions: [
            { messageId: 'suggestAwait', output: 'async function load() {}\nasync function main() {\n  const pending = load();\n  await pending.finally(done);\n  await pending;\n}' },
            { messageId: 'suggestNamedTask', data: { name: 'task' }, output: `${IMPORT}async function load() {}\nasync function main() {\n  const pending = load();\n  createNamedTask('task', () => pending.finally(done));\n  await pending;\n}` },
          ],
        },
      ],
    },
    // Options.
    {
      code: "fetch('/x').catch(log);",
      options: [{ requireTracking: true }],
      errors: [{ messageId: 'untracked', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}createNamedTask('fetch', () => fetch('/x').catch(log));` }] }],
    },
    {
      code: 'async function load() {}\nasync function main() { load().then(ok, fail).finally(done); }',
      options: [{ requireTracking: true }],
      errors: [
        {
          messageId: 'untracked',
          suggestions: [
            { messageId: 'suggestAwait', output: 'async function load() {}\nasync function main() { await load().then(ok, fail).finally(done); }' },
            { messageId: 'suggestNamedTask', data: { name: 'load' }, output: `${IMPORT}async function load() {}\nasync function main() { createNamedTask('load', () => load().then(ok, fail).finally(done)); }` },
          ],
        },
      ],
    },
    {
      // A custom helper list replaces the default one.
      code: 'async function createNamedTask() {}\ncreateNamedTask();',
      options: [{ taskHelpers: ['track'] }],
      errors: [{ messageId: 'detached', suggestions: [] }],
    },
    {
      // A task's promise is tracked, but `.then(done)` derives a new one that can reject unhandled.
      code: "import { createNamedTask } from '@ghostguard/runtime';\ncreateNamedTask('x', async () => {}).promise.then(done);",
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'task' }, output: "import { createNamedTask } from '@ghostguard/runtime';\ncreateNamedTask('task', () => createNamedTask('x', async () => {}).promise.then(done));" }] }],
    },
  ],
});

typedRuleTester.run('no-detached-task (with types)', rule, {
  valid: [
    {
      code: "declare function superviseSession(o: object, setup: () => void): Promise<{ exit: string }>;\nvoid superviseSession({}, () => {}).finally(() => {});",
    },
    // Types show the value is not a thenable, so syntax-only matches are dropped.
    { code: 'declare const builder: { finally(fn: () => void): void };\nbuilder.finally(() => {});' },
    { code: 'declare const job: { then(onOk: () => void): number };\njob.then(() => {});' },
    { code: 'interface Task { readonly promise: Promise<void> }\ndeclare function spawn(name: string, body: () => Promise<void>): Task;\nspawn("x", async () => {});' },
    { code: 'declare const api: { get(): number };\napi.get();' },
    { code: 'declare const xs: number[];\nxs.forEach((x) => x);' },
    { code: 'function f(save: (x: number) => void, xs: number[]) { xs.forEach(save); }' },
    { code: 'declare const p: Promise<number>;\np.catch(() => {});' },
    { code: 'declare const p: Promise<number>;\nasync function main() { await p.then((n) => n); }' },
    { code: 'async function load() {}\nconst pending = load();', filename: 'module.mjs' },
    { code: 'async function load() {}\nmodule.exports = load();', filename: 'common.cjs', languageOptions: commonJsLanguageOptions },
    // Listeners whose type returns no thenable.
    { code: "declare const emitter: { on(event: string, listener: (data: string) => void): void };\nemitter.on('data', (data: string) => data.length);" },
    { code: "declare const emitter: { on(event: string, listener: () => void): void };\ndeclare function handle(): void;\nemitter.on('data', handle);" },
    { code: 'Promise.resolve(1);' },
  ],
  invalid: [
    {
      code: "declare const emitter: { on(event: string, listener: () => unknown): void };\ndeclare function handle(): Promise<void>;\nemitter.on('data', handle);",
      errors: [{ messageId: 'asyncListener', data: { sink: "emitter.on('data')" }, line: 3 }],
    },
    {
      // A Flow-style `async f(): void` in JavaScript: the checker believes the annotation, the rule believes `async`.
      code: 'class Server {\n  async flush(): void {}\n  close() { this.flush(); }\n}',
      filename: 'script.js',
      errors: [{ messageId: 'detached', line: 3, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'flush' }, output: `${IMPORT}class Server {\n  async flush(): void {}\n  close() { createNamedTask('flush', () => this.flush()); }\n}` }] }],
    },
    // Thenables the file's syntax does not reveal.
    {
      code: 'declare const api: { get(): Promise<number> };\napi.get();',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'get' }, output: `${IMPORT}declare const api: { get(): Promise<number> };\ncreateNamedTask('get', () => api.get());` }] }],
    },
    {
      code: 'async function start(load: () => Promise<void>) {\n  load();\n}',
      errors: [
        {
          messageId: 'detached',
          line: 2,
          suggestions: [
            { messageId: 'suggestAwait', output: 'async function start(load: () => Promise<void>) {\n  await load();\n}' },
            { messageId: 'suggestNamedTask', data: { name: 'load' }, output: `${IMPORT}async function start(load: () => Promise<void>) {\n  createNamedTask('load', () => load());\n}` },
          ],
        },
      ],
    },
    {
      // Any thenable, not only Promise; and unions containing one.
      code: 'declare const jobs: { run(): { then(ok: () => void, fail: (e: unknown) => void): void } | number };\njobs.run();',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'run' }, output: `${IMPORT}declare const jobs: { run(): { then(ok: () => void, fail: (e: unknown) => void): void } | number };\ncreateNamedTask('run', () => jobs.run());` }] }],
    },
    {
      code: 'declare const p: Promise<number>;\np.then((n) => n);',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'task' }, output: `${IMPORT}declare const p: Promise<number>;\ncreateNamedTask('task', () => p.then((n) => n));` }] }],
    },
    {
      // `any` is inconclusive: the syntactic answer stands.
      code: 'declare const x: any;\nx.then(done);',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'task' }, output: `${IMPORT}declare const x: any;\ncreateNamedTask('task', () => x.then(done));` }] }],
    },
    {
      code: 'async function load() {}\nvoid load();',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'load' }, output: `${IMPORT}async function load() {}\ncreateNamedTask('load', () => load());` }] }],
    },
    {
      code: 'declare const tasks: Set<unknown>;\ndeclare function sync(): Promise<void>;\nsync();',
      errors: [{ messageId: 'detached', line: 3, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'sync' }, output: `${IMPORT}declare const tasks: Set<unknown>;\ndeclare function sync(): Promise<void>;\ncreateNamedTask('sync', () => sync(), { tasks });` }] }],
    },
    {
      code: 'declare const tasks: Array<unknown>;\ndeclare function sync(): Promise<void>;\nsync();',
      errors: [{ messageId: 'detached', line: 3, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'sync' }, output: `${IMPORT}declare const tasks: Array<unknown>;\ndeclare function sync(): Promise<void>;\ncreateNamedTask('sync', () => sync());` }] }],
    },
    {
      code: 'function each(save: (x: number) => Promise<void>, xs: number[]) { xs.forEach(save); }',
      errors: [{ messageId: 'asyncCallback', data: { sink: 'forEach' } }],
    },
    {
      code: 'declare function load(): Promise<number>;\nload().catch(() => {});',
      options: [{ requireTracking: true }],
      errors: [{ messageId: 'untracked', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'load' }, output: `${IMPORT}declare function load(): Promise<number>;\ncreateNamedTask('load', () => load().catch(() => {}));` }] }],
    },
    {
      code: 'declare const api: { get?(): Promise<void> };\nasync function main() { api.get?.(); }',
      errors: [
        {
          messageId: 'detached',
          suggestions: [
            { messageId: 'suggestAwait', output: 'declare const api: { get?(): Promise<void> };\nasync function main() { await api.get?.(); }' },
            { messageId: 'suggestNamedTask', data: { name: 'get' }, output: `${IMPORT}declare const api: { get?(): Promise<void> };\nasync function main() { createNamedTask('get', () => api.get?.()); }` },
          ],
        },
      ],
    },
    {
      code: 'declare function sql(strings: TemplateStringsArray): Promise<number>;\nsql`DELETE FROM sessions`;',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'sql' }, output: `${IMPORT}declare function sql(strings: TemplateStringsArray): Promise<number>;\ncreateNamedTask('sql', () => sql\`DELETE FROM sessions\`);` }] }],
    },
    // Every file kind of the fixture project.
    {
      code: 'async function load() {}\nload();',
      filename: 'script.js',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'load' }, output: `${IMPORT}async function load() {}\ncreateNamedTask('load', () => load());` }] }],
    },
    {
      code: "import { readFile } from 'node:fs/promises';\nreadFile('x');",
      filename: 'module.mjs',
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'readFile' }, output: "import { readFile } from 'node:fs/promises';\nimport { createNamedTask } from '@ghostguard/runtime';\ncreateNamedTask('readFile', () => readFile('x'));" }] }],
    },
    {
      code: "const fs = require('fs');\nfs.promises.readFile('x');",
      filename: 'common.cjs',
      languageOptions: commonJsLanguageOptions,
      errors: [{ messageId: 'detached', suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'readFile' }, output: `const fs = require('fs');\n${REQUIRE}createNamedTask('readFile', () => fs.promises.readFile('x'));` }] }],
    },
    {
      code: "export function App() {\n  return <button onClick={() => void fetch('/x')} />;\n}",
      filename: 'react.tsx',
      errors: [{ messageId: 'detached', line: 2, suggestions: [{ messageId: 'suggestNamedTask', data: { name: 'fetch' }, output: `${IMPORT}export function App() {\n  return <button onClick={() => createNamedTask('fetch', () => fetch('/x'))} />;\n}` }] }],
    },
  ],
});

describe('no-detached-task options schema', () => {
  function lintWith(options: unknown): void {
    const linter = new Linter({ configType: 'flat' });
    linter.verify(
      'fetch("/x");',
      [
        {
          files: ['**/*.ts'],
          languageOptions: { parser },
          plugins: { ghostguard: { rules: { 'no-detached-task': rule as never } } },
          rules: { 'ghostguard/no-detached-task': ['error', options] },
        },
      ],
      'file.ts',
    );
  }

  it('accepts the documented options', () => {
    expect(() => lintWith({ taskHelpers: ['track', 'tasks.add'], requireTracking: true })).not.toThrow();
  });

  it('rejects an unknown option by name', () => {
    expect(() => lintWith({ taskHelper: ['track'] })).toThrow(/Unexpected property "taskHelper"/);
  });

  it('rejects option values of the wrong shape', () => {
    expect(() => lintWith({ taskHelpers: 'track' })).toThrow(/should be array/);
    expect(() => lintWith({ taskHelpers: [''] })).toThrow(/should NOT be shorter than 1 characters/);
    expect(() => lintWith({ taskHelpers: ['a', 'a'] })).toThrow(/duplicate items/);
    expect(() => lintWith({ requireTracking: 'yes' })).toThrow(/should be boolean/);
  });
});

describe('no-detached-task with the default parser (espree)', () => {
  const config = [
    {
      plugins: { ghostguard: { rules: { 'no-detached-task': rule as never } } },
      rules: { 'ghostguard/no-detached-task': 'error' as const },
    },
  ];

  /** Every report as `messageId` plus the code each of its suggestions produces. */
  function lint(code: string, filename: string): { messageId: string | undefined; outputs: string[] }[] {
    const linter = new Linter({ configType: 'flat' });
    return linter.verify(code, config, filename).map((message) => ({
      messageId: message.messageId,
      outputs: (message.suggestions ?? []).map(
        ({ fix }) => code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1]),
      ),
    }));
  }

  it('reports and suggests in plain JavaScript modules', () => {
    const code = "class Session {\n  async flush() {}\n  async close() { void this.flush(); }\n}\nitems.forEach(async (item) => save(item));\n";
    expect(lint(code, 'session.js')).toEqual([
      {
        messageId: 'detached',
        outputs: [
          "class Session {\n  async flush() {}\n  async close() { await this.flush(); }\n}\nitems.forEach(async (item) => save(item));\n",
          `${IMPORT}class Session {\n  async flush() {}\n  async close() { createNamedTask('flush', () => this.flush()); }\n}\nitems.forEach(async (item) => save(item));\n`,
        ],
      },
      { messageId: 'asyncCallback', outputs: [] },
    ]);
  });

  it('adds a require in CommonJS', () => {
    const code = "'use strict';\nconst fsp = require('node:fs/promises');\nfsp.rm('tmp');\n";
    expect(lint(code, 'cleanup.cjs')).toEqual([
      {
        messageId: 'detached',
        outputs: [`'use strict';\nconst fsp = require('node:fs/promises');\n${REQUIRE}createNamedTask('rm', () => fsp.rm('tmp'));\n`],
      },
    ]);
  });
});
