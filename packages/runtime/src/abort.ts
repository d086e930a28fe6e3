import { addAbortListener } from 'node:events';

export const noop = (): void => {};

/**
 * All runtime waiters on one signal share a single real abort listener. Node's EventTarget scans
 * its whole listener list on every addEventListener (duplicate check), so N concurrent sleeps on
 * one long-lived signal would cost O(N²); a Set makes each wait O(1) to add and remove, and the
 * real listener is removed as soon as the last waiter leaves, so the signal's listener count
 * returns to 0. Most signals have one or two waiters, so the first waiter takes a slot and the
 * Set is only created when a second one arrives.
 */
interface Waiters {
  first: (() => void) | undefined;
  others: Set<() => void> | undefined;
  stopListening: Disposable | undefined;
  fired: boolean;
}

const waitersBySignal = new WeakMap<AbortSignal, Waiters>();

function run(callback: () => void): void {
  try {
    callback();
  } catch (error) {
    // Keep a plain listener's semantics: one failing waiter neither stops the others nor vanishes.
    process.nextTick(() => {
      throw error;
    });
  }
}

function notifyAll(signal: AbortSignal, waiters: Waiters): void {
  waiters.fired = true;
  if (waitersBySignal.get(signal) === waiters) waitersBySignal.delete(signal);
  const first = waiters.first;
  const others = waiters.others === undefined ? undefined : [...waiters.others];
  waiters.first = undefined;
  waiters.others = undefined;
  if (first !== undefined) run(first);
  if (others !== undefined) for (const callback of others) run(callback);
}

function isEmpty(waiters: Waiters): boolean {
  return waiters.first === undefined && (waiters.others === undefined || waiters.others.size === 0);
}

/**
 * Calls `listener` once when `signal` aborts and returns the function that stops listening. Every
 * caller calls it on every path: a listener left on a long-lived signal keeps its closure alive as
 * long as the signal lives, which is the leak this package exists to stop. The real listener goes
 * through `events.addAbortListener`, so it also survives `stopImmediatePropagation()`.
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  // A fresh wrapper per call, so the same function registered twice is two independent waits.
  const callback = (): void => listener();
  let waiters = waitersBySignal.get(signal);
  if (waiters === undefined) {
    const created: Waiters = { first: callback, others: undefined, stopListening: undefined, fired: false };
    created.stopListening = addAbortListener(signal, () => notifyAll(signal, created));
    waitersBySignal.set(signal, created);
    waiters = created;
  } else if (waiters.first === undefined) {
    waiters.first = callback;
  } else {
    (waiters.others ??= new Set()).add(callback);
  }
  const owner = waiters;
  return () => {
    if (owner.first === callback) owner.first = undefined;
    else if (owner.others?.delete(callback) !== true) return;
    if (owner.fired || !isEmpty(owner)) return;
    owner.stopListening?.[Symbol.dispose]();
    if (waitersBySignal.get(signal) === owner) waitersBySignal.delete(signal);
  };
}
