import { addAbortListener } from 'node:events';

export const noop = (): void => {};

/**
 * The option key that makes Node run an abort listener even after another listener called
 * `stopImmediatePropagation()`. `events.addAbortListener` sets it, but Node does not export it, and
 * addAbortListener's disposable (a null-prototype object with its own method and a closure) costs
 * ≈ 300 bytes more than the listener itself, per registration (Node 20.20). So the key is read
 * once from what addAbortListener passes to a duck-typed probe; should a Node version pass nothing
 * recognisable, listenForAbort falls back to addAbortListener itself.
 */
const resistStopPropagation: symbol | undefined = (() => {
  let key: symbol | undefined;
  const probe = {
    aborted: false,
    addEventListener(_type: string, _listener: unknown, options: unknown) {
      if (typeof options !== 'object' || options === null) return;
      const keys = Object.getOwnPropertySymbols(options);
      if (keys.length === 1 && (options as Record<symbol, unknown>)[keys[0] as symbol] === true) key = keys[0];
    },
    removeEventListener: noop,
  };
  try {
    addAbortListener(probe as unknown as AbortSignal, noop)[Symbol.dispose]();
  } catch {
    return undefined;
  }
  return key;
})();

/** Read-only options shared by every registration (an object literal with a symbol key per call is slow). */
const listenerOptions: { once: true } | undefined =
  resistStopPropagation === undefined ? undefined : Object.freeze({ once: true, [resistStopPropagation]: true });

/**
 * Calls `listener` once when `signal` aborts (in a microtask if it already has), like
 * `events.addAbortListener`, including surviving `stopImmediatePropagation()`; returns the function
 * that removes it. Every caller calls that on every path.
 */
export function listenForAbort(signal: AbortSignal, listener: () => void): () => void {
  if (listenerOptions === undefined || signal.aborted) {
    const disposable = addAbortListener(signal, listener);
    return () => disposable[Symbol.dispose]();
  }
  signal.addEventListener('abort', listener, listenerOptions);
  return () => signal.removeEventListener('abort', listener);
}

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
  stopListening: () => void;
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
 * long as the signal lives, which is the leak this package exists to stop. The real listener is
 * registered by listenForAbort, so it also survives `stopImmediatePropagation()`.
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  // A fresh wrapper per call, so the same function registered twice is two independent waits.
  const callback = (): void => listener();
  let waiters = waitersBySignal.get(signal);
  if (waiters === undefined) {
    const created: Waiters = { first: callback, others: undefined, stopListening: noop, fired: false };
    created.stopListening = listenForAbort(signal, () => notifyAll(signal, created));
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
    owner.stopListening();
    if (waitersBySignal.get(signal) === owner) waitersBySignal.delete(signal);
  };
}
