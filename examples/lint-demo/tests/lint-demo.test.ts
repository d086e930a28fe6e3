/**
 * Runs the lint demo in-process (the same function `pnpm demo:lint` runs) and checks the exact
 * diagnostics per file and rule, the autofix and its runtime import, and that the fixed copy
 * type-checks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runLintDemo, type LintDemoResult } from '../scripts/demo-lint.js';

const LEAKY = 'ghost-connections/src/leaky-server.ts';
const SUPERVISED = 'ghost-connections/src/supervised-server.ts';

/** What `ghostguard.configs.recommended` reports, without type information. */
const UNTYPED = {
  [LEAKY]: {
    'ghostguard/no-promise-all-in-ws-handler': 1,
    'ghostguard/no-dynamic-metric-labels': 1,
    // The transcript poller's bare sleep; the audio poller's `Promise.race([sleep(ms), clientGone])`
    // is the strict no-race-with-long-lived-promise's to report.
    'ghostguard/no-bare-sleep-in-loop': 1,
    // `void postWebhooks(...)`, and the async `handleConnection` given to `wss.on('connection', …)`.
    'ghostguard/no-detached-task': 2,
  },
  [SUPERVISED]: {},
  'lint-demo/src/metrics.ts': { 'ghostguard/no-dynamic-metric-labels': 3 },
  // Two bare sleeps, and the metric imported from ./metrics.ts, known through module summaries.
  'lint-demo/src/poller.ts': { 'ghostguard/no-bare-sleep-in-loop': 2, 'ghostguard/no-dynamic-metric-labels': 1 },
  'lint-demo/src/presence.ts': {},
  'lint-demo/src/server.ts': {
    'ghostguard/no-detached-task': 2,
    'ghostguard/no-promise-all-in-ws-handler': 1,
    'ghostguard/no-bare-sleep-in-loop': 1,
  },
};

describe('pnpm demo:lint', () => {
  let output = '';
  let result: LintDemoResult;

  beforeAll(async () => {
    result = await runLintDemo((text) => (output += `${text}\n`));
  }, 110_000);

  it('reports every hazard of the leaky pusher and the presence service, and nothing in the supervised pusher', () => {
    expect(result.untyped).toEqual(UNTYPED);
    expect(output).toContain('supervised pusher: 0 problems');
  });

  it('finds the same with type information: module summaries already see the metric imported from another file', () => {
    expect(result.typed).toEqual(UNTYPED);
    expect(output).toContain('lint-demo/src/poller.ts: 3 problems (same as untyped)');
  });

  it('autofixes every bare sleep whose loop lifetime signal is provable, inserting the runtime import once per file', () => {
    expect(result.fixedRules).toEqual(['ghostguard/no-bare-sleep-in-loop']);
    expect(result.diff.match(/^\+import \{ sleepUntilShutdown \} from '@ghostguard\/runtime';$/gm)).toHaveLength(2);
    expect(result.diff).toContain("+    if (await sleepUntilShutdown(signal, intervalMs)) break;");
    // That loop already leaves with `if (signal.aborted) return;`: the fix mirrors its `return`.
    expect(result.diff).toContain('+    if (await sleepUntilShutdown(signal, idleMs / 4)) return;');
    expect(result.diff).toContain('+    if (await sleepUntilShutdown(signal, HEARTBEAT_MS)) break;');
    expect(result.diff.match(/^-\s+await (sleep|delay)\(/gm)).toHaveLength(3);
    expect(output).toContain(result.diff);
  });

  it('leaves the judgement calls to a human, and the fixed copy type-checks', () => {
    expect(result.beforeFix).toEqual({
      'src/metrics.ts': UNTYPED['lint-demo/src/metrics.ts'],
      'src/poller.ts': UNTYPED['lint-demo/src/poller.ts'],
      'src/presence.ts': {},
      'src/server.ts': UNTYPED['lint-demo/src/server.ts'],
    });
    expect(result.afterFix).toEqual({
      'src/metrics.ts': { 'ghostguard/no-dynamic-metric-labels': 3 },
      'src/poller.ts': { 'ghostguard/no-dynamic-metric-labels': 1 },
      'src/presence.ts': {},
      'src/server.ts': { 'ghostguard/no-detached-task': 2, 'ghostguard/no-promise-all-in-ws-handler': 1 },
    });
    expect(output).toMatch(/suggestion: .*superviseSession/);
    expect(result.typeCheck).toEqual({ ok: true, output: '' });
  });
});
