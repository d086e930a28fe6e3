import { describe, expect, it } from 'vitest';
import { createSleepRecognizer, type SleepFunctionOption } from '../../src/utils/sleep.js';
import { probe } from './probe.js';

/** `{ name, delayText }` of the bare sleep each `probe(expr)` argument is, or undefined. */
function sleepsIn(code: string, extra: SleepFunctionOption[] = [], sourceType?: 'module' | 'script') {
  return probe(
    code,
    (context, node) => {
      const sleep = createSleepRecognizer(context, extra).bareSleepOf(node);
      return sleep && { name: sleep.name, delayText: sleep.delayText };
    },
    { sourceType },
  );
}

describe('createSleepRecognizer', () => {
  it('recognises new Promise around the callback timer', () => {
    expect(
      sleepsIn(`
        probe(new Promise((r) => setTimeout(r, 10)));
        probe(new Promise(function (done) { setTimeout(() => { done(); }, 20); }));
        probe(new Promise((r) => window.setTimeout(r, 30)));
        probe(new Promise((r) => setTimeout(r, 40, sideEffect())));
        probe(new Promise((r) => setTimeout(r)));
        probe(new Promise((r) => setImmediate(r)));
      `),
    ).toEqual([
      { name: 'new Promise(setTimeout)', delayText: '10' },
      { name: 'new Promise(setTimeout)', delayText: '20' },
      { name: 'new Promise(setTimeout)', delayText: '30' },
      // Still a sleep, but dropping it would drop `sideEffect()`.
      { name: 'new Promise(setTimeout)', delayText: undefined },
      undefined,
      undefined,
    ]);
  });

  it('recognises timers/promises and packages unless a signal may be passed', () => {
    expect(
      sleepsIn(`
        import { setTimeout as wait, scheduler } from 'node:timers/promises';
        import delay from 'delay';
        probe(wait(10)); probe(scheduler.wait(20, {})); probe(delay(30, { value: 1 }));
        probe(wait(10, undefined, { signal })); probe(scheduler.wait(20, opts)); probe(delay(30, { ...o }));
      `),
    ).toEqual([
      { name: 'wait', delayText: '10' },
      { name: 'scheduler.wait', delayText: '20' },
      { name: 'delay', delayText: '30' },
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('follows same-file wrappers, including wrappers of wrappers and promisify', () => {
    expect(
      sleepsIn(`
        import { promisify } from 'util';
        function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
        const later = async (value, ms = 50) => { await sleep(ms); };
        const nap = promisify(setTimeout);
        const loop = (ms) => loop(ms);
        probe(sleep(1)); probe(later('x', 2)); probe(later('x')); probe(nap(3)); probe(loop(4));
      `),
    ).toEqual([
      { name: 'sleep', delayText: '1' },
      { name: 'later', delayText: '2' },
      { name: 'later', delayText: '50' },
      { name: 'nap', delayText: '3' },
      undefined,
    ]);
  });

  it('takes configured names and module exports', () => {
    expect(
      sleepsIn(
        `
        const { pause } = require('@acme/time');
        probe(pause('tag', 5)); probe(utils.nap(6)); probe(nap(7));
      `,
        ['utils.nap', { module: '@acme/time', export: 'pause', delayArgument: 1 }],
        'script',
      ),
    ).toEqual([
      { name: 'pause', delayText: '5' },
      { name: 'utils.nap', delayText: '6' },
      undefined,
    ]);
  });
});
