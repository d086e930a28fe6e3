import { addAbortListener } from 'node:events';

/**
 * Listens for `signal` aborting and returns the function that removes the listener. Every caller
 * must call it on every path: a listener left on a long-lived signal keeps its closure alive for
 * as long as the signal lives (Node never frees it), which is the leak this package exists to stop.
 * `events.addAbortListener` also survives `stopImmediatePropagation()` by other listeners.
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  const disposable = addAbortListener(signal, listener);
  return () => disposable[Symbol.dispose]();
}

export const noop = (): void => {};
