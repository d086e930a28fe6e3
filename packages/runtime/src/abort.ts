import { addAbortListener } from 'node:events';

export const noop = (): void => {};

/**
 * All runtime waiters on one signal share a single real abort listener. Node's EventTarget scans
 * its whole listener list on every addEventListener (duplicate check), so N concurrent sleeps on
 * one long-lived signal would cost O(N²); a Set makes each wait O(1) to add and remove, and the
 * real listener is removed as soon as the last waiter leaves, so the signal's listener count
 * returns to 0.
 */
interface Waiters {
  readonly callbacks: Set<() => void>;
  stopListening: () => void;
  fired: boolean;
}

const waitersBySignal = new WeakMap<AbortSignal, Waiters>();

function notifyAll(signal: AbortSignal, waiters: Waiters): void {
  waiters.fired = true;
  if (waitersBySignal.get(signal) === waiters) waitersBySignal.delete(signal);
  for (const callback of [...waiters.callbacks]) {
    try {
      callback();
    } catch (error) {
      // Keep a plain listener's semantics: one failing waiter neither stops the others nor vanishes.
      process.nextTick(() => {
        throw error;
      });
    }
  }
  waiters.callbacks.clear();
}

/**
 * Calls `listener` once when `signal` aborts and returns the function that stops listening. Every
 * caller calls it on every path: a listener left on a long-lived signal keeps its closure alive as
 * long as the signal lives, which is the leak this package exists to stop. The real listener goes
 * through `events.addAbortListener`, so it also survives `stopImmediatePropagation()`.
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  let waiters = waitersBySignal.get(signal);
  if (waiters === undefined) {
    const created: Waiters = { callbacks: new Set(), stopListening: noop, fired: false };
    const disposable = addAbortListener(signal, () => notifyAll(signal, created));
    created.stopListening = () => disposable[Symbol.dispose]();
    waitersBySignal.set(signal, created);
    waiters = created;
  }
  const owner = waiters;
  // A fresh wrapper per call, so the same function registered twice is two independent waits.
  const callback = (): void => listener();
  owner.callbacks.add(callback);
  return () => {
    if (!owner.callbacks.delete(callback) || owner.callbacks.size > 0 || owner.fired) return;
    owner.stopListening();
    if (waitersBySignal.get(signal) === owner) waitersBySignal.delete(signal);
  };
}
