/**
 * Every code block of every README compiles and runs.
 *
 * HOW IT WORKS
 * - READMEs: README.md, packages/<name>/README.md, examples/<name>/README.md (harness.ts `readmes`).
 * - Fenced blocks tagged `ts`/`typescript`/`tsx`/`js`/`javascript`/`mjs`/`jsx` are code; every other
 *   tag (`sh`, `yaml`, `json` …) and untagged blocks (figures, output) are not checked.
 * - An ESLint flat config block (`// eslint.config.js` on top, or `export default defineConfig(…)`)
 *   is written to a file and loaded with the ESLint class; missing imports of `defineConfig`,
 *   `tseslint` and `ghostguard` are added (a block may show just the array). The file is named as
 *   the block's first-line comment says (`// eslint.config.cjs` → a CommonJS file, with `require`
 *   for what it leaves out), `eslint.config.mjs` otherwise.
 * - Every other code block becomes a module (`.tmp/<readme>-L<line>.ts`): the snippet verbatim,
 *   plus one import of each PLACEHOLDER it uses without declaring it. All modules are
 *   type-checked together with tsc (packages/runtime/tsconfig.json options), errors reported at
 *   the README's line, with `experimentalDecorators` (Nest snippets) and the declarations in
 *   ambient/uws-bun.d.ts for uWebSockets.js and Bun, which cannot be installed here. A
 *   tsconfig.json written next to the modules makes vitest's transform compile their decorators as
 *   legacy ones too (only these files). Then each module is imported (= run, top-level await
 *   included) against fresh placeholders; meanwhile any `listen(port)` goes to 127.0.0.1 port 0
 *   and the server is recorded, `Bun` is a fake (tests/uws-bun-fakes.ts) and `uWebSockets.js`
 *   resolves to a fake (tests/uws-module.ts, aliased in vitest.config.ts).
 * - Every server found is driven (`drivers`): the `wss`, `app` (Fastify) and `io` (socket.io)
 *   placeholders, a `node:net` server or a Hono app the snippet served on Node, a NestJS gateway
 *   class it exports (in a Nest app on platform-ws when the snippet imports `ws`, else
 *   platform-socket.io), a uWS `App()` and a `Bun.serve` (or a default export `{ fetch, websocket }`).
 *   A real client connects to the real servers on 127.0.0.1 (the fakes get their documented
 *   callbacks), disconnects cleanly, connects again and drops its TCP socket (abrupt); after each
 *   disconnect the connection gauge (`connections`, if the snippet uses one), the server's client
 *   count and every running placeholder task must be back to 0 within 1 s. A snippet that uses the
 *   gauge but that no driver connected to fails.
 *
 * ADDING A SNIPPET TO A README
 * - If it uses names it does not declare or import (a server, a gauge, a helper like
 *   `receiveLoop`), export a small REAL implementation of each from the README's placeholders
 *   module: placeholders/root.ts (README.md), placeholders/<package>.ts
 *   (packages/<package>/README.md), placeholders/example-<name>.ts (examples/<name>/README.md);
 *   shared ones live in placeholders/common.ts (re-exported with `export *`). Values that must be
 *   fresh for each snippet are `export let` and assigned in that module's `resetPlaceholders()`;
 *   release them in `closePlaceholders()`. Work placeholders should be wrapped in `counted()`
 *   (common.ts) so "nothing left running" covers them. Nothing else needs registering.
 * - A new server kind: add a driver below (`drivers`) that recognises it, connects, disconnects
 *   cleanly and abruptly, and counts its clients.
 * - A block that cannot be complete on purpose: put `<!-- snippet: skip <reason> -->` on the line
 *   before its fence (visible in the Markdown source, invisible on the rendered page). Keep these
 *   rare; the test lists every skipped block with its reason.
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Server as HttpServer } from 'node:http';
import { connect as connectTcp, Server as NetServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { Hono } from 'hono';
import { register, type Gauge } from 'prom-client';
import { io as ioClient } from 'socket.io-client';
import { WebSocket, type WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeBun } from '../uws-bun-fakes.js';
import { apps as uwsApps } from '../uws-module.js';
import { destroyTcp } from '../ws-helpers.js';
import { extractSnippets } from './extract.js';
import { allSnippets, generateModule, generatedDir, kindOf, repoRoot, snippetId, typeCheck, writeSnippetTsconfig, type GeneratedModule } from './harness.js';

const execFileAsync = promisify(execFile);
const snippets = allSnippets();
const modules = snippets.filter((s) => kindOf(s) === 'module');
const configs = snippets.filter((s) => kindOf(s) === 'config');
const skipped = snippets.filter((s) => kindOf(s) === 'skipped');

let generated: GeneratedModule[] = [];
let diagnostics = new Map<string, string[]>();
beforeAll(() => {
  rmSync(generatedDir, { recursive: true, force: true });
  writeSnippetTsconfig();
  generated = modules.map(generateModule);
  diagnostics = typeCheck(generated);
}, 120_000);
afterAll(() => rmSync(generatedDir, { recursive: true, force: true }));

/** Polls `check` until it returns undefined (done) or `ms` passed; then fails with its last complaint. */
async function within(ms: number, what: string, check: () => Promise<string | undefined>): Promise<void> {
  const deadline = performance.now() + ms;
  let problem = await check();
  while (problem !== undefined && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    problem = await check();
  }
  if (problem !== undefined) throw new Error(`${what}: still ${problem} after ${ms} ms`);
}

interface Placeholders {
  resetPlaceholders(): Promise<void>;
  closePlaceholders(): Promise<void>;
  activeWork(): number;
  ioPort(): number;
  routes: string[];
  [name: string]: unknown;
}

/** What a connected client can do, per server kind. */
interface Client {
  closeCleanly(): void;
  dropTcp(): void;
  /** Resolves when the server echoed `text` (only checked when the snippet runs `receiveLoop`). */
  echo?(text: string): Promise<void>;
}
interface Driver {
  connect(): Promise<Client>;
  clientsOnServer(): number | Promise<number>;
}

function wsClient(url: string): Promise<Client> {
  const ws = new WebSocket(url);
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        closeCleanly: () => ws.close(1000),
        dropTcp: () => destroyTcp(ws),
        echo: (text) =>
          new Promise((done) => {
            ws.once('message', (data: Buffer) => {
              expect(String(data)).toBe(text);
              done();
            });
            ws.send(text);
          }),
      }),
    );
  });
}

async function wsServerPort(server: WebSocketServer): Promise<number> {
  if (!server.address()) await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

/** What a snippet run has to offer the drivers. */
interface RunContext {
  /** The placeholders, overridden by the snippet's own top-level values. */
  env: Record<string, unknown>;
  placeholders: Placeholders;
  uses: Set<string>;
  code: string;
  /** Servers the snippet itself started listening (on 127.0.0.1, port 0: see `redirectListen`). */
  started: NetServer[];
  bun: ReturnType<typeof fakeBun>;
  /** What a driver started and must close after the run. */
  cleanups: (() => Promise<void>)[];
}

interface DriverSpec {
  applies(run: RunContext): boolean;
  start(run: RunContext): Promise<Driver>;
}

/** Open TCP connections of `server` (a ws upgrade keeps its connection counted). */
function tcpClients(server: NetServer): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

async function listeningPort(server: NetServer): Promise<number> {
  if (!server.listening) await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function netClient(port: number): Promise<Client> {
  const socket = connectTcp(port, '127.0.0.1');
  socket.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({
        closeCleanly: () => socket.end(),
        dropTcp: () => socket.resetAndDestroy(),
        echo: (text) =>
          new Promise((done) => {
            socket.once('data', (data: Buffer) => {
              expect(String(data)).toBe(text);
              done();
            });
            socket.write(text);
          }),
      }),
    );
  });
}

/** A client of a faked uWS or Bun socket: the peer's close frame, or the TCP connection dropping. */
function fakeClient(ws: { peerClose(code: number, reason: string): void; dropTcp(): void }): Client {
  return { closeCleanly: () => ws.peerClose(1000, 'bye'), dropTcp: () => ws.dropTcp() };
}

/** The path of the snippet's first Hono route (its WebSocket endpoint). */
function honoRoute(app: { routes: Hono['routes'] }): string {
  const route = app.routes.find((r) => r.method === 'GET');
  if (!route) throw new Error('the snippet uses a Hono app but registered no GET route');
  return route.path;
}

/**
 * Drivers for the server placeholders, the servers a snippet starts itself, and the faked
 * uWebSockets.js / Bun servers. Several may apply to one snippet (each is driven in turn).
 */
const drivers: Record<string, DriverSpec> = {
  wss: {
    applies: ({ uses }) => uses.has('wss'),
    async start({ env }) {
      const server = env.wss as WebSocketServer;
      const port = await wsServerPort(server);
      return { connect: () => wsClient(`ws://127.0.0.1:${port}`), clientsOnServer: () => server.clients.size };
    },
  },
  fastify: {
    applies: ({ uses, env }) => uses.has('app') && !(env.app instanceof Hono),
    async start({ env, placeholders }) {
      const app = env.app as import('fastify').FastifyInstance;
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      const [route] = placeholders.routes;
      if (!route) throw new Error('the snippet uses `app` but registered no route');
      return {
        connect: () => wsClient(`${address.replace('http', 'ws')}${route}`),
        clientsOnServer: () => app.websocketServer.clients.size,
      };
    },
  },
  io: {
    applies: ({ uses }) => uses.has('io'),
    start({ env, placeholders }) {
      const server = env.io as import('socket.io').Server;
      return Promise.resolve({
        connect: () => socketIoClient(placeholders.ioPort()),
        clientsOnServer: () => server.engine.clientsCount,
      });
    },
  },
  /** A `node:net` server the snippet started (not an HTTP one). */
  net: {
    applies: ({ started }) => started.some((s) => !(s instanceof HttpServer)),
    async start({ started }) {
      const server = started.find((s) => !(s instanceof HttpServer))!;
      const port = await listeningPort(server);
      return { connect: () => netClient(port), clientsOnServer: () => tcpClients(server) };
    },
  },
  /** A Hono app served by the snippet on Node (@hono/node-server + @hono/node-ws). */
  honoNode: {
    applies: ({ env, started }) => env.app instanceof Hono && started.some((s) => s instanceof HttpServer),
    async start({ env, started }) {
      const server = started.find((s) => s instanceof HttpServer)!;
      const port = await listeningPort(server);
      const route = honoRoute(env.app as Hono);
      return { connect: () => wsClient(`ws://127.0.0.1:${port}${route}`), clientsOnServer: () => tcpClients(server) };
    },
  },
  /** A NestJS gateway class the snippet exports, in an app on platform-ws (`ws` snippets) or platform-socket.io. */
  nest: {
    applies: ({ uses }) => uses.has('WebSocketGateway'),
    async start({ env, code, cleanups }) {
      const gateways = Object.values(env).filter((v): v is new () => unknown => typeof v === 'function' && Reflect.hasMetadata('websockets:is_gateway', v));
      if (gateways.length === 0) throw new Error('the snippet imports WebSocketGateway but exports no gateway class');
      class ReadmeModule {}
      Module({ providers: gateways })(ReadmeModule);
      const app = await NestFactory.create(ReadmeModule, { logger: false });
      cleanups.push(() => app.close());
      const platformWs = /from 'ws'/u.test(code);
      if (platformWs) app.useWebSocketAdapter(new WsAdapter(app));
      await app.listen(0, '127.0.0.1');
      const server = app.getHttpServer() as HttpServer;
      const port = await listeningPort(server);
      return {
        connect: () => (platformWs ? wsClient(`ws://127.0.0.1:${port}/`) : socketIoClient(port)),
        clientsOnServer: () => tcpClients(server),
      };
    },
  },
  /** uWebSockets.js apps the snippet made with `App()` (faked: tests/uws-module.ts). */
  uws: {
    applies: () => uwsApps.length > 0,
    start() {
      const app = uwsApps[0]!;
      const [pattern] = app.patterns();
      if (pattern === undefined) throw new Error('the snippet made a uWS App without a ws route');
      return Promise.resolve({
        connect: async () => fakeClient(await app.connect(pattern, { user: 'readme' })),
        clientsOnServer: () => app.sockets.filter((ws) => !ws.closed).length,
      });
    },
  },
  /** `Bun.serve(…)` called by the snippet, or its default export `{ fetch, websocket }` (Bun's entry point convention); faked. */
  bun: {
    applies: ({ bun, env }) => bun.servers.length > 0 || isBunEntry(env.default),
    start({ bun, env }) {
      const server = bun.servers[0] ?? bun.Bun.serve(env.default as Parameters<typeof bun.Bun.serve>[0]);
      const path = env.app instanceof Hono ? honoRoute(env.app as { routes: Hono['routes'] }) : '/';
      return Promise.resolve({
        connect: async () => fakeClient(await server.connect(`http://127.0.0.1:3000${path}?user=readme`)),
        clientsOnServer: () => server.sockets.filter((ws) => ws.readyState !== 3).length,
      });
    },
  },
};

function isBunEntry(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'fetch' in value && 'websocket' in value;
}

function socketIoClient(port: number): Promise<Client> {
  return new Promise<Client>((resolve, reject) => {
    const socket = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect_error', reject);
    socket.once('connect', () =>
      resolve({
        closeCleanly: () => socket.disconnect(),
        dropTcp: () => {
          // The TCP socket under engine.io-client's websocket transport (`ws` on Node).
          const engine = socket.io.engine as unknown as { transport: { ws: { _socket: { destroy(): void } } } };
          engine.transport.ws._socket.destroy();
        },
      }),
    );
  });
}

/**
 * While the snippet module loads, `listen(port …)` on any server goes to 127.0.0.1, port 0 (a
 * README shows a fixed port; tests must not take one), and the server is recorded in `started`.
 * Returns the function that restores `listen`.
 */
function redirectListen(started: NetServer[]): () => void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, and called with `this`
  const original = NetServer.prototype.listen;
  NetServer.prototype.listen = function listen(this: NetServer, ...args: unknown[]) {
    started.push(this);
    const callback = args.findLast((a) => typeof a === 'function') as (() => void) | undefined;
    return original.call(this, { port: 0, host: '127.0.0.1' }, callback);
  } as typeof original;
  return () => {
    NetServer.prototype.listen = original;
  };
}

/** Closes a server the snippet started, with its open connections. */
function closeStarted(server: NetServer): Promise<void> {
  if (server instanceof HttpServer) server.closeAllConnections();
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}

/** `import { a } from 'm';` → `const { a } = require('m');`, `import a from 'm';` → `const a = require('m');`. */
function toRequire(importLine: string): string {
  return importLine.replace(/^import\s+(.+?)\s+from\s+('[^']+');$/u, 'const $1 = require($2);');
}

async function gaugeValue(gauge: Gauge | undefined): Promise<number> {
  return gauge ? ((await gauge.get()).values[0]?.value ?? 0) : 0;
}

/** Connects, checks the handler is live, disconnects (clean, then abrupt), checks everything ends within 1 s. */
async function drive(kind: string, driver: Driver, gauge: Gauge | undefined, placeholders: Placeholders, usesReceiveLoop: boolean): Promise<void> {
  for (const disconnect of ['clean', 'abrupt'] as const) {
    const client = await driver.connect();
    await within(1_000, `${kind}: handler live`, async () => {
      const clients = await driver.clientsOnServer();
      if (clients !== 1) return `${clients} clients on the server`;
      if (gauge && (await gaugeValue(gauge)) !== 1) return `gauge ${await gaugeValue(gauge)}`;
      if (!gauge && placeholders.activeWork() === 0) return 'no task running';
      return undefined;
    });
    if (usesReceiveLoop && client.echo) await client.echo(`hello ${disconnect}`);
    if (disconnect === 'clean') client.closeCleanly();
    else client.dropTcp();
    await within(1_000, `${kind}: after a ${disconnect} disconnect`, async () => {
      const value = await gaugeValue(gauge);
      if (value !== 0) return `gauge ${value}`;
      const clients = await driver.clientsOnServer();
      if (clients !== 0) return `${clients} clients on the server`;
      if (placeholders.activeWork() !== 0) return `${placeholders.activeWork()} placeholder tasks running`;
      return undefined;
    });
  }
}

describe('README snippets', () => {
  it('finds the READMEs and their code blocks', () => {
    expect(modules.length + configs.length).toBeGreaterThanOrEqual(15);
    const readmesWithCode = new Set([...modules, ...configs].map((s) => s.readme));
    expect([...readmesWithCode].sort()).toEqual(expect.arrayContaining(['README.md', 'packages/eslint-plugin/README.md', 'packages/runtime/README.md']));
  });

  it('skips only the blocks listed here, each with a reason', () => {
    // Update this list when marking a block `<!-- snippet: skip reason -->`, so a reviewer sees it.
    const EXPECTED_SKIPS: string[] = [];
    for (const s of skipped) expect(s.skip, snippetId(s)).not.toBe('no reason given');
    expect(skipped.map((s) => `${snippetId(s)}: ${s.skip}`)).toEqual(EXPECTED_SKIPS);
  });

  describe.each(modules.map((s) => [snippetId(s), s] as const))('%s', (id) => {
    const module = () => generated.find((m) => snippetId(m.snippet) === id)!;

    it('type-checks', () => {
      expect(diagnostics.get(path.resolve(module().file))).toEqual([]);
    });

    it('runs; any handler ends within 1 s of a clean and an abrupt disconnect', async () => {
      const { file, placeholders: placeholdersFile, uses } = module();
      const placeholders = (await import(pathToFileURL(placeholdersFile).href)) as Placeholders;
      await placeholders.resetPlaceholders();
      register.clear(); // a snippet may register its own metrics on the default registry
      const servers: (() => Promise<void>)[] = [];
      const started: NetServer[] = [];
      const bun = fakeBun();
      uwsApps.length = 0;
      // Only for Bun snippets: libraries that look for `globalThis.Bun` would take it for the runtime.
      const needsBun = uses.has('Bun') || /from '(bun|hono\/bun)'/u.test(module().snippet.code);
      const uninstallBun = needsBun ? bun.install() : () => undefined;
      try {
        const restoreListen = redirectListen(started);
        let own: Record<string, unknown>;
        try {
          own = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
        } finally {
          restoreListen();
        }
        for (const server of started) servers.push(() => closeStarted(server));
        const env: Record<string, unknown> = { ...placeholders, ...own };
        if (own.wss && own.wss !== placeholders.wss) {
          const server = own.wss as WebSocketServer;
          servers.push(() => new Promise((resolve) => {
            for (const ws of server.clients) ws.terminate();
            server.close(() => resolve());
          }));
        }
        const gauge = uses.has('connections') ? (env.connections as Gauge) : undefined;
        const driven: string[] = [];
        const run: RunContext = { env, placeholders, uses, code: module().snippet.code, started, bun, cleanups: servers };
        for (const [kind, spec] of Object.entries(drivers).filter(([, d]) => d.applies(run))) {
          const driver = await spec.start(run);
          await drive(kind, driver, gauge, placeholders, uses.has('receiveLoop'));
          driven.push(kind);
        }
        // A handler counted by the gauge that no driver connected to would pass vacuously.
        if (gauge) expect(driven, 'a snippet with a connection gauge must be driven by a server driver').not.toEqual([]);
        await within(1_000, 'after the snippet', () =>
          Promise.resolve(placeholders.activeWork() === 0 ? undefined : `${placeholders.activeWork()} placeholder tasks running`),
        );
      } finally {
        uninstallBun();
        for (const close of servers) await close();
        await placeholders.closePlaceholders();
      }
    });
  });

  describe.each(configs.map((s) => [snippetId(s), s] as const))('%s (ESLint config)', (_id, snippet) => {
    it('loads with ESLint and turns ghostguard rules on', async () => {
      const PRELUDE: Record<string, string> = {
        defineConfig: "import { defineConfig } from 'eslint/config';",
        tseslint: "import tseslint from 'typescript-eslint';",
        ghostguard: "import ghostguard from '@ghostguard/eslint-plugin';",
      };
      // The file name the block names on its first line (`// eslint.config.cjs …`), else .mjs; a
      // CommonJS block gets `require` for what it leaves out, an ES module block `import`.
      const fileName = /^\s*\/\/\s*(eslint\.config\.[cm]?js)\b/u.exec(snippet.code)?.[1] ?? 'eslint.config.mjs';
      const commonJs = fileName.endsWith('.cjs') || /\bmodule\.exports\b/u.test(snippet.code);
      const prelude = (name: string) => (commonJs ? toRequire(PRELUDE[name]!) : PRELUDE[name]!);
      const declared = (name: string) =>
        new RegExp(`import\\s+(\\{[^}]*\\b${name}\\b[^}]*\\}|${name})\\s+from`, 'u').test(snippet.code) ||
        new RegExp(`(const|let|var)\\s+(\\{[^}]*\\b${name}\\b[^}]*\\}|${name})\\s*=`, 'u').test(snippet.code);
      const missing = Object.keys(PRELUDE).filter((name) => new RegExp(`\\b${name}\\b`, 'u').test(snippet.code) && !declared(name));
      // Inside the plugin package, so `@ghostguard/eslint-plugin` resolves to the workspace build.
      const dir = path.join(repoRoot, 'packages/eslint-plugin/.tmp/readme', `${snippet.readme.replace(/\W+/gu, '-')}-L${snippet.line}`);
      mkdirSync(path.join(dir, 'src'), { recursive: true });
      try {
        const configFile = path.join(dir, fileName === 'eslint.config.js' && commonJs ? 'eslint.config.cjs' : fileName === 'eslint.config.js' ? 'eslint.config.mjs' : fileName);
        writeFileSync(configFile, `${missing.map(prelude).join('\n')}\n${snippet.code}\n`);
        writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', noEmit: true }, include: ['src'] }));
        const code = 'export async function poll(signal) {\n  while (!signal.aborted) await new Promise((r) => setTimeout(r, 1000));\n}\n';
        // A TypeScript file when the config sets up a TypeScript parser, JavaScript otherwise.
        const source = path.join(dir, /tseslint/u.test(snippet.code) ? 'src/poll.ts' : 'src/poll.js');
        writeFileSync(source, code);
        // In a child process, as a user runs ESLint: typescript-eslint keeps per-process state
        // (its tsconfigRootDir candidates) that several projects in one process would confuse.
        const script = [
          "import { ESLint } from 'eslint';",
          `const eslint = new ESLint({ cwd: ${JSON.stringify(dir)}, overrideConfigFile: ${JSON.stringify(configFile)} });`,
          `const config = await eslint.calculateConfigForFile(${JSON.stringify(source)});`,
          `const [result] = await eslint.lintFiles([${JSON.stringify(source)}]);`,
          'console.log(JSON.stringify({ rules: config?.rules ?? {}, messages: result?.messages ?? [] }));',
        ].join('\n');
        const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir });
        const { rules, messages } = JSON.parse(stdout) as { rules: Record<string, unknown[]>; messages: { ruleId: string | null; message: string }[] };
        const on = Object.entries(rules).filter(([id, [severity]]) => id.startsWith('ghostguard/') && severity !== 0 && severity !== 'off');
        expect(on.map(([id]) => id)).toContain('ghostguard/no-bare-sleep-in-loop');
        const ruleIds = messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
        expect(ruleIds, JSON.stringify(messages)).toContain('ghostguard/no-bare-sleep-in-loop');
        expect(ruleIds.filter((id) => id.startsWith('fatal'))).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('extractSnippets', () => {
  it('reads tags, lines, skip markers and tilde fences', () => {
    const dir = path.join(generatedDir, 'extract');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'X.md');
    writeFileSync(file, ['# t', '```ts', 'const a = 1;', '```', '', '<!-- snippet: skip partial on purpose -->', '', '~~~js', 'x(', '~~~', '```', 'output', '```', '```sh', 'ls', '```'].join('\n'));
    expect(extractSnippets(file, 'X.md')).toEqual([
      { readme: 'X.md', line: 3, lang: 'ts', code: 'const a = 1;' },
      { readme: 'X.md', line: 9, lang: 'js', code: 'x(', skip: 'partial on purpose' },
      { readme: 'X.md', line: 12, lang: '', code: 'output' },
      { readme: 'X.md', line: 15, lang: 'sh', code: 'ls' },
    ]);
  });
});
