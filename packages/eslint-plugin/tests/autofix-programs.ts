/**
 * Polling programs (plain JavaScript, as a user writes them) whose `eslint --fix` result must still
 * behave: shared by autofix-runtime.test.ts (workspace build) and the consumer suite
 * (tests/consumers/autofix.test.ts, packed tarballs), so both run exactly the same programs.
 */

export const SLEEP = 'const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n';

/**
 * A poller whose only AbortController is a per-request timeout, not a shutdown signal: the rule
 * reports the bare sleep with a suggestion only, so `--fix` must leave it unchanged.
 * `poll(fetchOnce, iterations, intervalMs)` resolves to the iterations run.
 */
export const PER_REQUEST_POLLER = `${SLEEP}export async function poll(fetchOnce, iterations, intervalMs) {
  let done = 0;
  while (done < iterations) {
    const requestTimeout = new AbortController();
    const timer = setTimeout(() => requestTimeout.abort(), 5);
    try {
      await fetchOnce(requestTimeout.signal);
    } catch {
      // timed out; the next tick retries
    } finally {
      clearTimeout(timer);
    }
    done++;
    await sleep(intervalMs);
  }
  return done;
}
`;

/**
 * A poller whose loop checks its shutdown signal: `--fix` makes the sleep
 * `if (await sleepUntilShutdown(shutdownSignal, intervalMs)) break;`.
 * `poll(shutdownSignal, work, intervalMs)` resolves to the ticks run.
 */
export const SHUTDOWN_POLLER = `${SLEEP}export async function poll(shutdownSignal, work, intervalMs) {
  let ticks = 0;
  while (!shutdownSignal.aborted) {
    await work(ticks++);
    await sleep(intervalMs);
  }
  return ticks;
}
`;

/** A `while (true)` poller with a `signal` parameter: `--fix` sleeps on it. `poll(signal, work, intervalMs)`. */
export const PARAMETER_POLLER = `${SLEEP}export async function poll(signal, work, intervalMs) {
  let ticks = 0;
  while (true) {
    await work(ticks++);
    await sleep(intervalMs);
  }
}
`;

/** A session flusher: `--fix` sleeps on `session.signal`. `serve(watch, flush)` returns superviseSession's result. */
export const SESSION_FLUSHER = `import { superviseSession } from '@ghostguard/runtime';
${SLEEP}export function serve(watch, flush) {
  return superviseSession({ label: 'autofix-test', signal: watch.signal, drainTimeoutMs: 20_000 }, (session) => {
    session.lifetime('flush', async () => {
      while (true) {
        await flush();
        await sleep(3_600_000);
      }
    });
  });
}
`;

/** The line `--fix` writes into SHUTDOWN_POLLER. */
export const SHUTDOWN_POLLER_FIX = 'if (await sleepUntilShutdown(shutdownSignal, intervalMs)) break;';
