/**
 * no-bare-sleep-in-loop: an autofix must never change what correct code does. The rewrite
 * `if (await sleepUntilShutdown(s, ms)) break;` ends the loop when `s` aborts, so it is applied
 * only when `s` is provably the loop's lifetime (`loopLifetimeOf` in utils/abort-signal.ts);
 * every doubtful case is a suggestion naming the candidate. Each case runs untyped and typed.
 * `tests/autofix-runtime.test.ts` runs fixed programs to show the loops still behave.
 */
import type { InvalidTestCase } from '@typescript-eslint/rule-tester';
import { describe } from 'vitest';
import rule, { type Options as RuleOptions } from '../../src/rules/no-bare-sleep-in-loop.js';
import { typedRuleTester, untypedRuleTester } from '../rule-tester.js';

type MessageIds = 'bareInterval' | 'bareIntervalNoSignal' | 'bareSleep' | 'bareSleepNoSignal' | 'useSleepUntilShutdown';
type Case = InvalidTestCase<MessageIds, [RuleOptions]>;

const IMPORT = "import { sleepUntilShutdown } from '@ghostguard/runtime';\n";
const SLEEP = 'const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));\n';
const BARE = 'await sleep(100);';

/** `code` with its single bare sleep rewritten to sleep on `signal` and leave with `exit`. */
function rewritten(code: string, signal: string, exit = 'break'): string {
  if (code.split(BARE).length !== 2) throw new Error('test code must hold exactly one bare sleep');
  return `${IMPORT}${code.replace(BARE, `if (await sleepUntilShutdown(${signal}, 100)) ${exit};`)}`;
}

/** Autofixed with `signal`. */
function fixed(code: string, signal: string, exit = 'break'): Case {
  return { code, output: rewritten(code, signal, exit), errors: [{ messageId: 'bareSleep' }] };
}

/** Not fixed: one suggestion per candidate, in the order given (innermost scope first). */
function suggested(code: string, ...signals: string[]): Case {
  return {
    code,
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: signals.map((signal) => ({
          messageId: 'useSleepUntilShutdown' as const,
          data: { signal, delay: '100', exit: 'break' },
          output: rewritten(code, signal),
        })),
      },
    ],
  };
}

const cases: Case[] = [
  // The reported bug: a per-request timeout controller made inside the loop is the only signal in
  // scope. Sleeping on it would stop the poller for good after its first timed-out request.
  suggested(
    `${SLEEP}export async function poll(url: string) {\n  while (true) {\n    const requestTimeout = new AbortController();\n    const timer = setTimeout(() => requestTimeout.abort(), 5_000);\n    try {\n      await fetch(url, { signal: requestTimeout.signal });\n    } catch {\n      // retried on the next tick\n    } finally {\n      clearTimeout(timer);\n    }\n    ${BARE}\n  }\n}`,
    'requestTimeout.signal',
  ),
  // The same, made in a nested block that runs every iteration.
  suggested(
    `${SLEEP}export async function poll(url: string) {\n  for (;;) {\n    if (due()) {\n      const perCall = new AbortController();\n      await fetch(url, { signal: perCall.signal });\n      ${BARE}\n    }\n  }\n}\ndeclare function due(): boolean;`,
    'perCall.signal',
  ),
  // A per-iteration controller does not compete with the function's own signal parameter.
  fixed(
    `${SLEEP}export async function poll(url: string, signal: AbortSignal) {\n  while (true) {\n    const requestTimeout = new AbortController();\n    await fetch(url, { signal: requestTimeout.signal });\n    ${BARE}\n  }\n}`,
    'signal',
  ),
  // A request timeout from AbortSignal.timeout(): inside the loop, outside it, or as a default.
  suggested(
    `${SLEEP}export async function poll(url: string) {\n  while (true) {\n    const requestSignal = AbortSignal.timeout(5_000);\n    await fetch(url, { signal: requestSignal });\n    ${BARE}\n  }\n}`,
    'requestSignal',
  ),
  suggested(
    `${SLEEP}export async function poll(url: string) {\n  const deadline = AbortSignal.timeout(60_000);\n  while (true) {\n    await fetch(url, { signal: deadline });\n    ${BARE}\n  }\n}`,
    'deadline',
  ),
  suggested(
    `${SLEEP}export async function poll(url: string, signal = AbortSignal.timeout(30_000)) {\n  while (true) {\n    await fetch(url, { signal });\n    ${BARE}\n  }\n}`,
    'signal',
  ),
  // Named for a request: not the loop's lifetime even as the function's parameter.
  suggested(`${SLEEP}export async function poll(requestSignal: AbortSignal) {\n  while (true) {\n    ${BARE}\n  }\n}`, 'requestSignal'),
  // A neutral signal of another function: the callback that loops may outlive its meaning.
  suggested(
    `${SLEEP}export function onConnection(ws: { on(e: string, f: () => void): void }, signal: AbortSignal) {\n  ws.on('message', async () => {\n    while (busy()) ${BARE}\n  });\n}\ndeclare function busy(): boolean;`,
    'signal',
  ),
  // ... but one named for a lifetime is the loop's lifetime wherever it is declared.
  fixed(
    `${SLEEP}export function onConnection(ws: { on(e: string, f: () => void): void }, shutdownSignal: AbortSignal) {\n  ws.on('message', async () => {\n    while (busy()) ${BARE}\n  });\n}\ndeclare function busy(): boolean;`,
    'shutdownSignal',
  ),
  // Two signals, neither checked by the loop: both suggested.
  suggested(
    `${SLEEP}export async function poll(signal: AbortSignal, other: AbortSignal) {\n  while (true) {\n    ${BARE}\n  }\n}`,
    'signal',
    'other',
  ),
  suggested(
    `${SLEEP}export async function poll(stopSignal: AbortSignal, signal: AbortSignal) {\n  while (true) {\n    ${BARE}\n  }\n}`,
    'stopSignal',
    'signal',
  ),
  // Reassigned: a parameter, or a controller replaced inside the loop.
  suggested(
    `${SLEEP}export async function poll(signal: AbortSignal) {\n  while (true) {\n    signal = next();\n    ${BARE}\n  }\n}\ndeclare function next(): AbortSignal;`,
    'signal',
  ),
  suggested(
    `${SLEEP}export async function poll() {\n  let shutdown = new AbortController();\n  while (true) {\n    if (stale()) shutdown = new AbortController();\n    ${BARE}\n  }\n}\ndeclare function stale(): boolean;`,
    'shutdown.signal',
  ),
  // The loop checks `.aborted` on one of two signals: that one is its lifetime.
  fixed(
    `${SLEEP}export async function poll(signal: AbortSignal, requestSignal: AbortSignal) {\n  while (!signal.aborted) {\n    await fetch('/x', { signal: requestSignal });\n    ${BARE}\n  }\n}`,
    'signal',
  ),
  fixed(
    `${SLEEP}export async function poll(a: AbortSignal, b: AbortSignal) {\n  for (;;) {\n    if (b.aborted) break;\n    ${BARE}\n  }\n}`,
    'b',
  ),
  // `if (s.aborted) return;` is mirrored: the fix returns too, so code after the loop still does not run.
  fixed(
    `${SLEEP}export async function poll(a: AbortSignal, b: AbortSignal) {\n  for (let i = 0; i < 10; i++) {\n    if (a.aborted) return;\n    ${BARE}\n  }\n  report();\n}\ndeclare function report(): void;`,
    'a',
    'return',
  ),
  // A `.aborted` check in a nested loop leaves that loop, not this one: no evidence.
  suggested(
    `${SLEEP}export async function poll(a: AbortSignal, b: AbortSignal, rows: number[]) {\n  while (true) {\n    for (const row of rows) if (a.aborted) break;\n    ${BARE}\n  }\n}`,
    'a',
    'b',
  ),
  // A module-level controller checked by the loop condition.
  fixed(
    `${SLEEP}const controller = new AbortController();\nexport async function poll() {\n  while (!controller.signal.aborted) {\n    ${BARE}\n  }\n}`,
    'controller.signal',
  ),
  // Fields named for a lifetime, and the session of superviseSession.
  fixed(
    `${SLEEP}export class Poller {\n  private readonly shutdown = new AbortController();\n  async run() {\n    while (true) {\n      ${BARE}\n    }\n  }\n}`,
    'this.shutdown.signal',
  ),
  fixed(
    `${SLEEP}declare function superviseSession(o: object, setup: (session: { signal: AbortSignal; lifetime(n: string, b: (s: AbortSignal) => Promise<void>): void }) => void): void;\nsuperviseSession({}, (session) => {\n  session.lifetime('flush', async () => {\n    while (true) {\n      ${BARE}\n    }\n  });\n});`,
    'session.signal',
  ),
  // A task body's own signal next to the session's: two plausible lifetimes, both suggested.
  suggested(
    `${SLEEP}declare function superviseSession(o: object, setup: (session: { signal: AbortSignal; lifetime(n: string, b: (s: AbortSignal) => Promise<void>): void }) => void): void;\nsuperviseSession({}, (session) => {\n  session.lifetime('flush', async (signal) => {\n    while (true) {\n      ${BARE}\n    }\n  });\n});`,
    'signal',
    'session.signal',
  ),
  // A field replaced by a method (a fresh controller per call): not a lifetime.
  suggested(
    `${SLEEP}export class Poller {\n  private controller = new AbortController();\n  restart() {\n    this.controller = new AbortController();\n  }\n  async run() {\n    while (true) {\n      ${BARE}\n    }\n  }\n}`,
    'this.controller.signal',
  ),
  // `{ ref: false }` lets the process exit mid-sleep; sleepUntilShutdown's timer would hold it open.
  {
    code: `import { setTimeout as wait } from 'node:timers/promises';\nexport async function poll(signal: AbortSignal) {\n  while (true) {\n    await wait(100, undefined, { ref: false });\n  }\n}`,
    errors: [
      {
        messageId: 'bareSleep',
        suggestions: [
          {
            messageId: 'useSleepUntilShutdown',
            data: { signal: 'signal', delay: '100', exit: 'break' },
            output: `import { setTimeout as wait } from 'node:timers/promises';\n${IMPORT}export async function poll(signal: AbortSignal) {\n  while (true) {\n    if (await sleepUntilShutdown(signal, 100)) break;\n  }\n}`,
          },
        ],
      },
    ],
  },
  // A local controller of the same function, declared before the loop, with a neutral name: who
  // aborts it is unknown (a timeout for the first request, say), so only suggested.
  suggested(
    `${SLEEP}export async function poll() {\n  const controller = new AbortController();\n  setTimeout(() => controller.abort(), 5_000);\n  while (true) {\n    ${BARE}\n  }\n}`,
    'controller.signal',
  ),
];

describe('no-bare-sleep-in-loop autofix safety', () => {
  untypedRuleTester.run('untyped', rule, { valid: [], invalid: cases });
  typedRuleTester.run('typed', rule, { valid: [], invalid: cases });
});
