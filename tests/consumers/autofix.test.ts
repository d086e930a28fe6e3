/**
 * Autofixes in a consumer project: `eslint --fix` from the packed plugin on the polling programs of
 * packages/eslint-plugin/tests/autofix-programs.ts (the same texts autofix-runtime.test.ts runs
 * against the workspace build), then the fixed programs RUN against the packed runtime. The
 * per-request-timeout poller (a doubtful signal) must be left unfixed, with its report; the
 * shutdown-signal poller is fixed and must still iterate and stop on shutdown.
 */
import { describe, expect, it } from 'vitest';
import { PER_REQUEST_POLLER, SHUTDOWN_POLLER, SHUTDOWN_POLLER_FIX } from '../../packages/eslint-plugin/tests/autofix-programs.js';
import { createConsumerProject, summarise } from './harness.js';

const CONFIG = `import ghostguard from '@ghostguard/eslint-plugin';

export default [
  ghostguard.configs.recommended,
  // Only the sleep rule: the programs are deliberately small and would trip the others.
  { rules: { 'ghostguard/no-detached-task': 'off', 'ghostguard/no-promise-all-in-ws-handler': 'off' } },
];
`;

/**
 * Runs the fixed programs. Every request of the per-request poller hangs until its own timeout
 * aborts it; the shutdown poller runs 5 ticks then is shut down, and once more with an hour-long
 * interval (the unfixed sleep would hold the process for an hour; `run` times out after 30 s).
 */
const RUN = `import { poll as perRequest } from './src/per-request.mjs';
import { poll as shutdown } from './src/shutdown.mjs';

const hang = (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
const requests = await perRequest(hang, 4, 1);

const stop = new AbortController();
const ticks = await shutdown(stop.signal, async (n) => { if (n === 4) stop.abort(); }, 1);

const longStop = new AbortController();
let started;
const firstTick = new Promise((resolve) => (started = resolve));
const long = shutdown(longStop.signal, async () => started(), 3_600_000);
await firstTick;
longStop.abort();
const longTicks = await long;

console.log(JSON.stringify({ requests, ticks, longTicks }));
`;

/** The 1-based line of the first line of `code` containing `text`. */
function lineOf(code: string, text: string): number {
  return code.split('\n').findIndex((line) => line.includes(text)) + 1;
}

describe('autofix in a consumer project (packed tarballs, ESLint 10 kind)', () => {
  it('--fix leaves the per-request-timeout poller reported and unchanged, fixes the shutdown poller, and both still run', async () => {
    const project = await createConsumerProject({
      kind: 'eslint10-ts',
      type: 'module',
      files: { 'eslint.config.js': CONFIG, 'src/per-request.mjs': PER_REQUEST_POLLER, 'src/shutdown.mjs': SHUTDOWN_POLLER, 'run.mjs': RUN },
    });

    const remaining = await project.lint(['src'], { fix: true });
    expect(summarise(remaining)).toEqual([`src/per-request.mjs:${lineOf(PER_REQUEST_POLLER, 'await sleep(intervalMs)')} ghostguard/no-bare-sleep-in-loop`]);
    expect(await project.read('src/per-request.mjs')).toBe(PER_REQUEST_POLLER); // a suggestion only
    const fixed = await project.read('src/shutdown.mjs');
    expect(fixed).toContain(SHUTDOWN_POLLER_FIX);
    expect(fixed).toContain("import { sleepUntilShutdown } from '@ghostguard/runtime';");

    const { code, stdout, stderr } = await project.run('node', ['run.mjs'], { timeoutMs: 30_000 });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ requests: 4, ticks: 5, longTicks: 1 });
  });
});
