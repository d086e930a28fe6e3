import type { WebSocket } from 'ws';

export interface Member {
  userId: string;
  status: 'online' | 'away' | 'typing';
  lastSeen: number;
}

/** One room: who is in it, and the sockets to tell them about each other. */
export class Room {
  readonly id: string;
  readonly members = new Map<string, Member>();
  readonly sockets = new Set<WebSocket>();
  #dirty = false;

  constructor(id: string) {
    this.id = id;
  }

  update(member: Member): void {
    this.members.set(member.userId, member);
    this.#dirty = true;
  }

  leave(userId: string): void {
    this.members.delete(userId);
    this.#dirty = true;
  }

  /** The snapshot to broadcast, or undefined when nothing changed since the last one. */
  takeSnapshot(): string | undefined {
    if (!this.#dirty) return undefined;
    this.#dirty = false;
    return JSON.stringify({ type: 'presence', room: this.id, members: [...this.members.values()] });
  }
}

const rooms = new Map<string, Room>();

export function roomFor(id: string): Room {
  let room = rooms.get(id);
  if (room === undefined) {
    room = new Room(id);
    rooms.set(id, room);
  }
  return room;
}

/** Sends a push notification to a user's devices (the notification provider is an HTTP API). */
export async function notifyUser(userId: string, text: string): Promise<void> {
  const response = await fetch('https://push.example.com/v1/notify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, text }),
  });
  if (!response.ok) throw new Error(`push provider answered ${response.status}`);
}
