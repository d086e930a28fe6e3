/**
 * Every code block of every README compiles and runs.
 *
 * HOW IT WORKS
 * - READMEs: README.md, packages/<name>/README.md, examples/<name>/README.md (harness.ts `readmes`).
 * - Fenced blocks tagged `ts`/`typescript`/`tsx`/`js`/`javascript`/`mjs`/`jsx` are code; every other
 *   tag (`sh`, `yaml`, `json` …) and untagged blocks (figures, output) are not checked.
 * - An ESLint flat config block (`// eslint.config.js` on top, or `export default defineConfig(…)`)
 *   is written to a file and loaded with the ESLint class; missing imports of `defineConfig`,
 *   `tseslint` and `ghostguard` are added (a block may show just the array).
 * - Every other code block becomes a module (`.tmp/<readme>-L<line>.ts`): the snippet verbatim,
 *   plus one import of each PLACEHOLDER it uses without declaring it. All modules are
 *   type-checked together with tsc (packages/runtime/tsconfig.json options), errors reported at
 *   the README's line. Then each module is imported (= run, top-level await included) against
 *   fresh placeholders, and when it used `wss`, `app` (Fastify) or `io` (socket.io), a real client
 *   connects to that server on 127.0.0.1, disconnects cleanly, connects again and drops its TCP
 *   socket (abrupt); after each disconnect the connection gauge (`connections`, if the snippet
 *   uses one), the server's client count and every running placeholder task must be back to 0
 *   within 1 s.
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
 * - A new server kind (e.g. `net`, uWS, Hono): add it as a placeholder, and a driver below
 *   (`drivers`) that connects, disconnects cleanly and abruptly, and counts its clients.
 * - A block that cannot be complete on purpose: put `<!-- snippet: skip <reason> -->` on the line
 *   before its fence (visible in the Markdown source, invisible on the rendered page). Keep these
 *   rare; the test lists every skipped block with its reason.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { register, type Gauge } from 'prom-client';
import { io as ioClient } from 'socket.io-client';
import { WebSocket, type WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyTcp } from '../ws-helpers.js';
import { extractSnippets } from './extract.js';
import { allSnippets, generateModule, generatedDir, kindOf, repoRoot, snippetId, typeCheck, type GeneratedModule } from './harness.js';

const execFileAsync = promisify(execFile);
const snippets = allSnippets();
const modules = snippets.filter((s) => kindOf(s) === 'module');
const configs = snippets.filter((s) => kindOf(s) === 'config');
const skipped = snippets.filter((s) => kindOf(s) === 'skipped');

let generated: GeneratedModule[] = [];
let diagnostics = new Map<string, string[]>();
beforeAll(() => {
  rmSync(generatedDir, { recursive: true, force: true });
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
  clientsOnServer(): number;
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

/** Drivers for the server placeholders (or the snippet's own server of that name). */
const drivers: Record<string, (env: Record<string, unknown>, placeholders: Placeholders) => Promise<Driver>> = {
  async wss(env) {
    const server = env.wss as WebSocketServer;
    const port = await wsServerPort(server);
    return { connect: () => wsClient(`ws://127.0.0.1:${port}`), clientsOnServer: () => server.clients.size };
  },
  async app(env, placeholders) {
    const app = env.app as import('fastify').FastifyInstance;
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const [route] = placeholders.routes;
    if (!route) throw new Error('the snippet uses `app` but registered no route');
    return {
      connect: () => wsClient(`${address.replace('http', 'ws')}${route}`),
      clientsOnServer: () => app.websocketServer.clients.size,
    };
  },
  io(env, placeholders) {
    const server = env.io as import('socket.io').Server;
    return Promise.resolve({
      connect: () =>
        new Promise<Client>((resolve, reject) => {
          const socket = ioClient(`http://127.0.0.1:${placeholders.ioPort()}`, { transports: ['websocket'], reconnection: false, forceNew: true });
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
        }),
      clientsOnServer: () => server.engine.clientsCount,
    });
  },
};

async function gaugeValue(gauge: Gauge | undefined): Promise<number> {
  return gauge ? ((await gauge.get()).values[0]?.value ?? 0) : 0;
}

/** Connects, checks the handler is live, disconnects (clean, then abrupt), checks everything ends within 1 s. */
async function drive(kind: string, driver: Driver, gauge: Gauge | undefined, placeholders: Placeholders, usesReceiveLoop: boolean): Promise<void> {
  for (const disconnect of ['clean', 'abrupt'] as const) {
    const client = await driver.connect();
    await within(1_000, `${kind}: handler live`, async () => {
      if (driver.clientsOnServer() !== 1) return `${driver.clientsOnServer()} clients on the server`;
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
      if (driver.clientsOnServer() !== 0) return `${driver.clientsOnServer()} clients on the server`;
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
      try {
        const own = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
        const env: Record<string, unknown> = { ...placeholders, ...own };
        if (own.wss && own.wss !== placeholders.wss) {
          const server = own.wss as WebSocketServer;
          servers.push(() => new Promise((resolve) => {
            for (const ws of server.clients) ws.terminate();
            server.close(() => resolve());
          }));
        }
        const gauge = uses.has('connections') ? (env.connections as Gauge) : undefined;
        for (const kind of Object.keys(drivers).filter((k) => uses.has(k))) {
          const driver = await drivers[kind]!(env, placeholders);
          await drive(kind, driver, gauge, placeholders, uses.has('receiveLoop'));
        }
        await within(1_000, 'after the snippet', () =>
          Promise.resolve(placeholders.activeWork() === 0 ? undefined : `${placeholders.activeWork()} placeholder tasks running`),
        );
      } finally {
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
      const missing = Object.keys(PRELUDE).filter((name) => new RegExp(`\\b${name}\\b`, 'u').test(snippet.code) && !new RegExp(`import\\s+(\\{[^}]*\\b${name}\\b[^}]*\\}|${name})\\s+from`, 'u').test(snippet.code));
      // Inside the plugin package, so `@ghostguard/eslint-plugin` resolves to the workspace build.
      const dir = path.join(repoRoot, 'packages/eslint-plugin/.tmp/readme', `${snippet.readme.replace(/\W+/gu, '-')}-L${snippet.line}`);
      mkdirSync(path.join(dir, 'src'), { recursive: true });
      try {
        const configFile = path.join(dir, 'eslint.config.mjs');
        writeFileSync(configFile, `${missing.map((name) => PRELUDE[name]).join('\n')}\n${snippet.code}\n`);
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
