import { setTimeout as delay } from 'node:timers/promises';
import { broadcastDuration } from './metrics.js';
import type { Room } from './presence.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Broadcasts the room's presence snapshot whenever it changed, once per interval. */
export async function broadcastPresence(room: Room, signal: AbortSignal, intervalMs = 1000): Promise<void> {
  while (!signal.aborted) {
    await sleep(intervalMs);
    const snapshot = room.takeSnapshot();
    if (snapshot === undefined) continue;
    const endTimer = broadcastDuration.startTimer({ room: room.id });
    for (const socket of room.sockets) socket.send(snapshot);
    endTimer();
  }
}

/** Marks members away when they have been idle for `idleMs`. */
export async function expireIdleMembers(room: Room, signal: AbortSignal, idleMs = 60_000): Promise<void> {
  for (;;) {
    await delay(idleMs / 4);
    if (signal.aborted) return;
    const now = Date.now();
    for (const member of room.members.values()) {
      if (member.status !== 'away' && now - member.lastSeen > idleMs) room.update({ ...member, status: 'away' });
    }
  }
}
