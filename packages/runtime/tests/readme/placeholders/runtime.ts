/** Placeholders for packages/runtime/README.md (see readme-snippets.test.ts). */
import { createNamedTask, sleepUntilShutdown, type Task, type Thunk } from '@ghostguard/runtime';
import type { WebSocket } from 'ws';
import { closePlaceholders as closeCommon, resetPlaceholders as resetCommon } from './common.js';

export * from './common.js';

/** A connection's signal that aborts shortly after the snippet starts (a client that leaves). */
export let signal: AbortSignal;
export let connectionSignal: AbortSignal;
/** A session handle whose signal aborts shortly (for the one-line polling loop). */
export let session: { readonly signal: AbortSignal };

/** A task set holding three running tasks that end when `signal` aborts. */
export let tasks: Set<Task>;
export let receive: Task;
export let heartbeat: Task;
export let pending: Task;

/** Work items for gatherChunked. */
export let thunks: Thunk<number>[];

export const chunk = new Uint8Array(16);
/** An upload that takes a few milliseconds, or ends at once when aborted. */
export async function uploadChunk(data: Uint8Array, options: { signal: AbortSignal }): Promise<number> {
  await sleepUntilShutdown(options.signal, 5);
  return data.byteLength;
}

/** A socket for `onStuck` callbacks; only `terminate()` is ever called. */
export let ws: WebSocket;
export let terminated = 0;

export async function resetPlaceholders(): Promise<void> {
  await resetCommon();
  const leaving = new AbortController();
  setTimeout(() => leaving.abort(), 20);
  signal = leaving.signal;
  connectionSignal = leaving.signal;
  session = { signal: leaving.signal };
  tasks = new Set();
  const untilLeft = (s: AbortSignal) => sleepUntilShutdown(s, Infinity);
  receive = createNamedTask('receive', () => untilLeft(leaving.signal), { tasks });
  heartbeat = createNamedTask('heartbeat', () => untilLeft(leaving.signal), { tasks });
  pending = createNamedTask('pending', (s) => sleepUntilShutdown(s, 5), { tasks });
  thunks = Array.from({ length: 120 }, (_, i) => async (s: AbortSignal) => {
    await sleepUntilShutdown(s, 0);
    return i;
  });
  terminated = 0;
  ws = { terminate: () => void terminated++ } as unknown as WebSocket;
}

export async function closePlaceholders(): Promise<void> {
  await closeCommon();
}
