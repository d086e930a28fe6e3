import { describe, expect, it } from 'vitest';
import { createAbortSignalFinder } from '../../src/utils/abort-signal.js';
import { probe } from './probe.js';

/** The signal expressions visible at each `probe()` call. */
function signalsIn(code: string): string[][] {
  return probe(code, (context, node) => createAbortSignalFinder(context).signalsAt(node).map((s) => s.text));
}

describe('createAbortSignalFinder', () => {
  it('finds parameters and variables by name, annotation, initialiser and controller', () => {
    expect(
      signalsIn(`
        const root = new AbortController();
        function f(signal, { shutdownSignal }, stop: AbortSignal, ctl: AbortController) {
          const timeout = AbortSignal.timeout(1000);
          probe(0);
        }
      `),
    ).toEqual([['signal', 'shutdownSignal', 'stop', 'ctl.signal', 'timeout', 'root.signal']]);
  });

  it('counts a signal and its controller once, preferring the signal variable', () => {
    expect(
      signalsIn(`
        const controller = new AbortController();
        const { signal } = controller;
        const alias = controller.signal;
        probe(0);
      `),
    ).toEqual([['signal']]);
  });

  it('skips what may be undefined, is declared later, or is plainly not a signal', () => {
    expect(
      signalsIn(`
        function f(signal?: AbortSignal, abortSignal = undefined, exitSignal: string, signals) {
          const killSignal = 'SIGTERM';
          let nextSignal;
          probe(0);
          const lateSignal = make();
        }
      `),
    ).toEqual([[]]);
  });

  it('finds instance fields and parameter properties as this.x inside instance methods', () => {
    expect(
      signalsIn(`
        class Worker {
          #ctl = new AbortController();
          stopSignal: AbortSignal = makeSignal();
          label = 'x';
          constructor(readonly signal: AbortSignal, private other?: AbortSignal) {}
          run() { probe(0); const f = () => probe(1); function g() { probe(2); } }
          static boot() { probe(3); }
        }
      `),
    ).toEqual([
      ['this.#ctl.signal', 'this.stopSignal', 'this.signal'],
      ['this.#ctl.signal', 'this.stopSignal', 'this.signal'],
      [],
      [],
    ]);
  });

  it('lets an inner binding shadow an outer signal of the same name', () => {
    expect(
      signalsIn(`
        const signal = getSignal();
        function f() { const signal = 'SIGINT'; probe(0); }
        function g() { probe(0); }
      `),
    ).toEqual([[], ['signal']]);
  });
});
