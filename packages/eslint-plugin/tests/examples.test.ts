/**
 * The examples/ghost-connections servers under `ghostguard.configs.strict`: the leaky server (the
 * raw pattern) is reported by every strict rule that applies to it, the supervised server (the
 * same server on @ghostguard/runtime) by none. Run without and with type information.
 */
import path from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import ghostguard from '../src/index.js';

const exampleDir = path.resolve(import.meta.dirname, '../../../examples/ghost-connections');
const LEAKY = 'src/leaky-server.ts';
const SUPERVISED = 'src/supervised-server.ts';

/** Diagnostics per rule for the leaky server, without type information. */
const LEAKY_UNTYPED = {
  'ghostguard/no-promise-all-in-ws-handler': 1, // `await Promise.all([...])` over the lifetime tasks
  'ghostguard/no-bare-sleep-in-loop': 1, // the transcript poller's `await sleep(pollIntervalMs)`
  // `void postWebhooks(...)`, and the async `handleConnection` given to `wss.on('connection', …)`.
  'ghostguard/no-detached-task': 2,
  // `user_id: conn.userId` (an id), and with `reportUnknown` the call result `kind`.
  'ghostguard/no-dynamic-metric-labels': 2,
  'ghostguard/require-paired-gauge': 1, // `inc()` before the `try`, with an early `return` between
  'ghostguard/no-race-with-long-lived-promise': 1, // the audio poller's `Promise.race([sleep(ms), clientGone])`
  'ghostguard/no-unchecked-settled-results': 1, // the webhook fan-out's discarded `Promise.allSettled`
  'ghostguard/no-leaked-abort-listener': 1, // `callUpstream` links every call to the connection's signal
};

/** With types, `kind` is the literal union `enqueue()` returns: bounded, not reported. */
const LEAKY_TYPED = { ...LEAKY_UNTYPED, 'ghostguard/no-dynamic-metric-labels': 1 };

/**
 * Strict rules with nothing to report in the raw pattern, and why:
 * - require-drain-in-finally checks that tasks started through `createNamedTask({ tasks })` or a
 *   session are drained in a `finally`. The leaky server, like the code the original fix replaced,
 *   has no task registry at all (its tasks are bare promises under `Promise.all`, which
 *   no-promise-all-in-ws-handler reports); a half-migrated handler would not be the raw pattern.
 */
const NOT_APPLICABLE = ['ghostguard/require-drain-in-finally'];

function strictLinter(typed: boolean): ESLint {
  const config: Linter.Config[] = [
    {
      files: ['**/*.ts'],
      languageOptions: {
        parser: tsParser,
        parserOptions: typed ? { projectService: true, tsconfigRootDir: exampleDir } : {},
      },
    },
    // The example's disable comments name typescript-eslint rules: they must resolve here too.
    { plugins: { '@typescript-eslint': tseslint.plugin }, linterOptions: { reportUnusedDisableDirectives: 'off' } },
    { files: ['**/*.ts'], ...ghostguard.configs.strict },
  ];
  return new ESLint({ cwd: exampleDir, overrideConfigFile: true, overrideConfig: config });
}

/** Diagnostics of one file per rule id; a parse error shows up under `null`. */
async function countsByRule(eslint: ESLint, file: string): Promise<Record<string, number>> {
  const [result] = await eslint.lintFiles([file]);
  const counts: Record<string, number> = {};
  for (const message of result!.messages) counts[message.ruleId ?? 'null'] = (counts[message.ruleId ?? 'null'] ?? 0) + 1;
  return counts;
}

describe('examples/ghost-connections under configs.strict', () => {
  it('accounts for every strict rule: reported on the leaky server, or not applicable with a reason', () => {
    const strictRules = Object.keys(ghostguard.configs.strict.rules).sort();
    expect([...Object.keys(LEAKY_UNTYPED), ...NOT_APPLICABLE].sort()).toEqual(strictRules);
  });

  describe.each([
    ['without type information', false, LEAKY_UNTYPED],
    ['with type information (projectService)', true, LEAKY_TYPED],
  ])('%s', (_name, typed, expected) => {
    const eslint = strictLinter(typed);

    it('reports the leaky server once per hazard, under each applicable rule', async () => {
      expect(await countsByRule(eslint, LEAKY)).toEqual(expected);
    });

    it('reports nothing in the supervised server', async () => {
      expect(await countsByRule(eslint, SUPERVISED)).toEqual({});
    });
  });
});
