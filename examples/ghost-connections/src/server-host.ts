/**
 * Child-process entry of the load driver: runs ONE server (leaky or supervised) alone in its
 * process, so the heap and handle figures it reports belong to that server and nothing else (the
 * clients and the fake upstream live in the driver's process). Run with `--expose-gc`.
 *
 * argv: <leaky|supervised> <JSON options>. IPC: sends `{ type: 'ready', port }`, answers
 * `{ id, type: 'stats', gc, reset }` with `{ id, stats }` (`reset` starts a new measurement
 * round after reading) and `{ id, type: 'close' }` with `{ id }`.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import type { ServerStats } from './instrumentation.js';
import type { PusherServer } from './pusher-http.js';

export type ServerKind = 'leaky' | 'supervised';

export interface HostStats extends ServerStats {
  /** Handles and requests keeping the event loop alive (sockets, timers...), IPC channel included. */
  activeHandles: number;
  /** V8 heap in use, after a full GC when requested. */
  heapUsedBytes: number;
  /** `heapUsedBytes` per V8 heap space (compiled code lives in `code_space`). */
  heapSpaces: Record<string, number>;
  /** Memory of Buffers and ArrayBuffers (audio frames live here, outside the V8 heap). */
  externalBytes: number;
}

export type HostRequest = { id: number; type: 'stats'; gc: boolean; reset?: boolean } | { id: number; type: 'close' };
export type HostReply = { type: 'ready'; port: number } | { id: number; stats?: HostStats; error?: string };

const [kind, optionsJson] = process.argv.slice(2);
if (kind !== 'leaky' && kind !== 'supervised') throw new Error(`usage: server-host.js <leaky|supervised> <options json>, got ${String(kind)}`);

const { startServer } = kind === 'leaky' ? await import('./leaky-server.js') : await import('./supervised-server.js');
const server = await startServer(JSON.parse(optionsJson ?? '{}') as Parameters<typeof startServer>[0]);
send({ type: 'ready', port: server.port });

process.on('message', (request: HostRequest) => {
  answer(server, request).then(send, (error: unknown) => send({ id: request.id, error: String(error) }));
});
// The driver going away (even killed) closes the IPC channel: nothing is left to serve.
process.on('disconnect', () => process.exit(0));

async function answer(server: PusherServer, request: HostRequest): Promise<HostReply> {
  if (request.type === 'close') {
    await server.close();
    return { id: request.id };
  }
  // Server figures first: reading them allocates, and the heap must be read right after the GC.
  const serverStats = await server.stats();
  if (request.reset === true) server.resetMeasurements();
  if (request.gc) await collectGarbage();
  const memory = process.memoryUsage();
  const heapSpaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]));
  return {
    id: request.id,
    stats: {
      ...serverStats,
      activeHandles: process.getActiveResourcesInfo().length,
      heapUsedBytes: memory.heapUsed,
      heapSpaces,
      externalBytes: memory.external,
    },
  };
}

/** Full collections with turns in between, so finalizers and weak callbacks get to run. */
async function collectGarbage(): Promise<void> {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run the server host with --expose-gc');
  for (let round = 0; round < 4; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function send(reply: HostReply): void {
  process.send?.(reply);
}
