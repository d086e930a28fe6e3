/**
 * Random programs, linted with every rule: no crash, every autofix parses and converges, every
 * suggestion parses. Two generators:
 * - eslump: arbitrary syntax (odd nesting, every statement kind) that no hand-written test has;
 * - a handler-shaped generator that composes the patterns the rules look for (connection
 *   handlers, loops with sleeps, Promise combinators, detached calls, metric calls, signals) in
 *   random combinations, nesting, module systems and semicolon styles.
 * Both are seeded: a failure prints the seed and program index to reproduce it.
 *
 *   GHOSTGUARD_FUZZ_PROGRAMS=5000 GHOSTGUARD_FUZZ_SEED=7 pnpm exec vitest run packages/eslint-plugin/tests/fuzz.test.ts
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createSafetyChecker, describeFailures, emptyTotals, type SafetyTotals } from './safety-harness.js';

const eslump = createRequire(import.meta.url)('eslump') as {
  generateRandomJS: (options: { sourceType: 'module' | 'script'; maxDepth: number; comments: boolean; whitespace: boolean }) => string;
};

const programs = Number(process.env.GHOSTGUARD_FUZZ_PROGRAMS ?? 250);
const seed = Number(process.env.GHOSTGUARD_FUZZ_SEED ?? 20_261_127);

/** mulberry32: small, fast, good enough to drive a generator reproducibly. */
function seededRandom(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** eslump draws from Math.random; running it under a seeded one makes its output reproducible. */
function withRandom<T>(random: () => number, run: () => T): T {
  const original = Math.random;
  Math.random = random;
  try {
    return run();
  } finally {
    Math.random = original;
  }
}

function summarize(label: string, totals: SafetyTotals): void {
  console.log(
    `${label}: ${totals.files} programs, ${totals.lines} lines, ${totals.unparsable} unparsable, ` +
      `${totals.problems} problems ${JSON.stringify(totals.byRule)}, ${totals.fixableProblems} autofixes, ` +
      `${totals.suggestionsChecked} suggestions checked, ${totals.failures.length} failures (seed ${seed})`,
  );
}

// ---------------------------------------------------------------------------------------------
// The handler-shaped generator
// ---------------------------------------------------------------------------------------------

type Flavour = 'ts' | 'esm' | 'cjs';

interface Generator {
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

function generatorFrom(random: () => number): Generator {
  return {
    pick: (items) => items[Math.floor(random() * items.length)]!,
    chance: (p) => random() < p,
  };
}

const HEADERS: Record<Flavour, readonly string[]> = {
  ts: [
    "import { WebSocketServer, type WebSocket } from 'ws'",
    "import { Counter, Gauge, Histogram } from 'prom-client'",
    "import * as client from 'prom-client'",
    "import { setTimeout as sleepFor, scheduler } from 'node:timers/promises'",
    "import { sleepUntilShutdown, createNamedTask } from '@ghostguard/runtime'",
    "import { sleepUntilShutdown as stopOrSleep } from '@ghostguard/runtime'",
    "import type { Task } from '@ghostguard/runtime'",
    "import delay from 'delay'",
    "import { readFile } from 'node:fs/promises'",
  ],
  esm: [
    "import { WebSocketServer } from 'ws'",
    "import client from 'prom-client'",
    "import { Counter, Gauge, Histogram } from 'prom-client'",
    "import { setTimeout as sleepFor } from 'timers/promises'",
    "import * as runtime from '@ghostguard/runtime'",
    "import '@ghostguard/runtime'",
    "import delay from 'delay'",
  ],
  cjs: [
    "const { WebSocketServer } = require('ws')",
    "const client = require('prom-client')",
    "const { Counter, Gauge, Histogram } = require('prom-client')",
    "const { setTimeout: sleepFor } = require('timers/promises')",
    "const { drainTasks } = require('@ghostguard/runtime')",
    "const runtime = require('@ghostguard/runtime')",
    "const delay = require('delay')",
  ],
};

const DECLARATIONS = [
  'const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))',
  'function wait(ms) { return new Promise((r) => { setTimeout(r, ms) }) }',
  'async function flush() { return 1 }',
  'const upload = async (data) => data',
  'function send(x) { return Promise.resolve(x) }',
  "const requests = new Counter({ name: 'requests_total', help: 'h', labelNames: ['route', 'user'] })",
  "const open = new client.Gauge({ name: `open_${'sockets'}`, help: 'h', labelNames: ['kind'] })",
  "const latency = new Histogram({ name: 'latency_seconds', help: 'h', labelNames: ['method'] })",
  "const KINDS = Object.freeze({ ws: 'ws', io: 'io' })",
  'const controller = new AbortController()',
  'let signal = controller.signal',
  'class Session { async run() { return 1 } start() { this.run() } }',
];

const EXPRESSIONS = ['flush()', 'upload(data)', 'send(1)', 'readFile(path)', 'fetch(url)', 'import(url)', 'session.run()', 'x'];
const LABELS = ["'static'", 'req.url', 'userId', 'socket.id', '`user-${id}`', "KINDS.ws", "ok ? 'a' : 'b'", 'err.message', 'method'];
const SLEEPS = [
  'await new Promise((r) => setTimeout(r, 100))',
  'await new Promise(resolve => { setTimeout(resolve, ms) })',
  'await sleep(ms)',
  'await wait(10)',
  'await sleepFor(50)',
  'await sleepFor(50, undefined, { signal })',
  'await scheduler.wait(5)',
  'await delay(ms)',
  'await sleepUntilShutdown(signal, 10)',
  'if (await stopOrSleep(signal, 10)) break',
  'setTimeout(tick, 10)',
];

function statement(g: Generator, depth: number, inLoop: boolean): string {
  const choices: (() => string)[] = [
    () => g.pick(SLEEPS).replace('break', inLoop ? 'break' : 'return'),
    () => `${g.pick(['await ', 'return ', 'void ', ''])}Promise.${g.pick(['all', 'allSettled', 'race', 'any'])}([${g.pick(EXPRESSIONS)}, ${g.pick(EXPRESSIONS)}])${g.pick(['', '.then(done)', '.catch(report)'])}`,
    () => `${g.pick(['', 'void ', 'await '])}${g.pick(EXPRESSIONS)}${g.pick(['', '.then(next)', '.catch(() => {})', '.finally(done)', '.then(ok, fail)'])}`,
    () => `${g.pick(['requests', 'open', 'latency'])}.labels(${g.pick(LABELS)}${g.chance(0.5) ? `, ${g.pick(LABELS)}` : ''}).${g.pick(['inc()', 'dec()', 'set(1)', 'observe(2)'])}`,
    () => `${g.pick(['requests', 'latency'])}.${g.pick(['inc', 'observe'])}({ ${g.pick(['route', 'method', 'user'])}: ${g.pick(LABELS)} }, 1)`,
    // Declarations get their own block so two of them never clash.
    () => `{ const end = latency.startTimer({ method: ${g.pick(LABELS)} }); end({ method: ${g.pick(LABELS)} }) }`,
    () => `items.forEach(async (item) => { ${statement(g, depth + 1, false)} })`,
    () => `setInterval(async () => { ${statement(g, depth + 1, false)} }, 1000)`,
    () => `createNamedTask('job', () => ${g.pick(EXPRESSIONS)}, { tasks })`,
    () => (inLoop ? g.pick(['break', 'continue', 'if (signal.aborted) break']) : 'counter++'),
  ];
  if (depth < 3) {
    choices.push(
      () => `while (${g.pick(['true', 'running', '!signal.aborted', 'ws.readyState === 1'])}) { ${block(g, depth + 1, true)} }`,
      () => `for (;;) { ${block(g, depth + 1, true)} }`,
      () => `for (const item of items) { ${block(g, depth + 1, true)} }`,
      () => `for await (const message of stream) { ${block(g, depth + 1, true)} }`,
      () => `do { ${block(g, depth + 1, true)} } while (running)`,
      () => `if (ready) { ${block(g, depth + 1, inLoop)} } else { ${block(g, depth + 1, inLoop)} }`,
      () => `try { ${block(g, depth + 1, inLoop)} } finally { ${block(g, depth + 1, inLoop)} }`,
      () => `{ const task = async (signal) => { ${block(g, depth + 1, false)} }; tasks.add(task) }`,
    );
  }
  return g.pick(choices)();
}

function block(g: Generator, depth: number, inLoop: boolean): string {
  const count = 1 + Math.floor(g.chance(0.5) ? 1 : 0) + (g.chance(0.3) ? 1 : 0);
  const semi = g.chance(0.8) ? ';' : '\n';
  return Array.from({ length: count }, () => statement(g, depth, inLoop)).join(`${semi} `);
}

function handler(g: Generator, flavour: Flavour, body: string, index: number): string {
  const params = flavour === 'ts' ? '(ws: WebSocket, req: any)' : '(ws, req)';
  const signalParam = flavour === 'ts' ? 'signal: AbortSignal' : 'signal';
  // A poller with exactly one signal in scope and a sleep directly in the loop: the autofix's shape.
  const sleepStatement = g.pick(SLEEPS.slice(0, 8));
  return g.pick([
    `${flavour === 'cjs' ? '' : 'export '}async function pollLoop${index}(${signalParam}) { while (!signal.aborted) { ${sleepStatement}; ${body} } }`,
    `async function drainLoop${index}(${signalParam}, items) { for (const item of items) { ${body}; ${sleepStatement} } }`,
    `wss.on('connection', async ${params} => { ${body} })`,
    `io.on('connect', async (socket) => { ${body} })`,
    `server.once('connection', onConnection${index}); async function onConnection${index}${params} { ${body} }`,
    `fastify.get('/ws', { websocket: true }, async ${params} => { ${body} })`,
    `app.ws('/*', { open: async (ws) => { ${body} }, message() {} })`,
    `Bun.serve({ websocket: { async open(ws) { ${body} }, message() {} } })`,
    `app.get('/ws', upgradeWebSocket(() => ({ onOpen: async () => { ${body} } })))`,
    `async function poll${index}(signal) { ${body} }`,
    `class Gateway${index} { async handleConnection(client) { ${body} } }`,
  ]);
}

/** One random program and the file name that gives it its module system. */
function handlerProgram(g: Generator): { text: string; file: string } {
  const flavour = g.pick<Flavour>(['ts', 'esm', 'cjs']);
  const semi = g.chance(0.7) ? ';' : '';
  const lines: string[] = [];
  if (flavour === 'cjs' && g.chance(0.5)) lines.push(`'use strict'${semi}`);
  for (const header of HEADERS[flavour]) if (g.chance(0.35)) lines.push(`${header}${semi}`);
  for (const declaration of DECLARATIONS) if (g.chance(0.4)) lines.push(`${declaration}${semi}`);
  const handlers = 1 + Math.floor(g.chance(0.5) ? 1 : 0);
  for (let i = 0; i < handlers; i++) lines.push(handler(g, flavour, block(g, 0, false), i));
  if (flavour === 'cjs' && g.chance(0.5)) lines.push(`module.exports = {}${semi}`);
  const file = flavour === 'ts' ? 'handler.ts' : flavour === 'esm' ? g.pick(['handler.mjs', 'handler.js']) : 'handler.cjs';
  return { text: `${lines.join('\n')}\n`, file };
}

// ---------------------------------------------------------------------------------------------

describe('fuzz', () => {
  it('eslump programs: no crash, fixes and suggestions parse', () => {
    const random = seededRandom(seed);
    const { check } = createSafetyChecker();
    const totals = emptyTotals();
    for (let i = 0; i < programs; i++) {
      const sourceType = i % 2 === 0 ? 'module' : 'script';
      const text = withRandom(random, () =>
        eslump.generateRandomJS({ sourceType, maxDepth: 7, comments: i % 3 === 0, whitespace: i % 5 === 0 }),
      );
      const file = `eslump-${i}.${sourceType === 'module' ? (i % 4 === 0 ? 'ts' : 'mjs') : 'cjs'}`;
      check(text, file, totals, i % 3 === 0 ? 'espree' : 'typescript-eslint');
    }
    summarize('eslump', totals);
    expect(totals.failures, describeFailures(totals.failures)).toEqual([]);
    expect(totals.linted).toBeGreaterThan(programs / 2);
  });

  it('handler-shaped programs: no crash, fixes parse and converge, suggestions parse', () => {
    const g = generatorFrom(seededRandom(seed));
    const { check } = createSafetyChecker();
    const totals = emptyTotals();
    for (let i = 0; i < programs; i++) {
      const { text, file } = handlerProgram(g);
      check(text, `program-${i}-${file}`, totals, i % 2 === 0 ? 'espree' : 'typescript-eslint');
    }
    summarize('handler-shaped', totals);
    // The generator is only worth its time if its programs are valid and reach every rule and their fixes.
    expect(totals.unparsableSamples).toEqual([]);
    expect(totals.failures, describeFailures(totals.failures)).toEqual([]);
    expect(Object.keys(totals.byRule)).toEqual(
      expect.arrayContaining([
        'ghostguard/no-bare-sleep-in-loop',
        'ghostguard/no-detached-task',
        'ghostguard/no-dynamic-metric-labels',
        'ghostguard/no-promise-all-in-ws-handler',
      ]),
    );
    expect(totals.fixableProblems).toBeGreaterThan(0);
    expect(totals.suggestionsChecked).toBeGreaterThan(0);
  });
});
