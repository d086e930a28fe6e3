import type { IncomingMessage } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { activeSockets, countMessage, countNotificationFailure } from './metrics.js';
import { broadcastPresence, expireIdleMembers } from './poller.js';
import { notifyUser, roomFor, type Member, type Room } from './presence.js';

const HEARTBEAT_MS = 30_000;

/** The presence server: clients join a room with `?room=<id>&user=<id>` and send status updates. */
export function startPresenceServer(port: number): WebSocketServer {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  wss.on('connection', (ws, req) => void handleConnection(ws, req));
  return wss;
}

async function handleConnection(ws: WebSocket, req: IncomingMessage): Promise<void> {
  const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const room = roomFor(params.get('room') ?? 'lobby');
  const userId = params.get('user') ?? 'anonymous';
  const controller = new AbortController();
  const { signal } = controller;
  ws.once('close', () => controller.abort());
  room.sockets.add(ws);
  activeSockets.inc();
  try {
    await Promise.all([
      receiveUpdates(ws, room, userId),
      broadcastPresence(room, signal),
      expireIdleMembers(room, signal),
      keepAlive(ws, signal),
    ]);
  } finally {
    room.sockets.delete(ws);
    room.leave(userId);
    activeSockets.dec();
  }
}

function receiveUpdates(ws: WebSocket, room: Room, userId: string): Promise<void> {
  return new Promise((resolve) => {
    ws.on('message', (data: RawData) => {
      const update = JSON.parse(textOf(data)) as { status: Member['status']; mention?: string };
      countMessage(room.id, update.status);
      room.update({ userId, status: update.status, lastSeen: Date.now() });
      if (update.mention !== undefined) void notifyMention(update.mention, userId);
    });
    ws.once('close', () => resolve());
  });
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

async function notifyMention(mentionedUserId: string, byUserId: string): Promise<void> {
  try {
    await notifyUser(mentionedUserId, `${byUserId} mentioned you`);
  } catch (error) {
    countNotificationFailure(mentionedUserId, error as Error);
  }
}

async function keepAlive(ws: WebSocket, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    ws.ping();
    await delay(HEARTBEAT_MS);
  }
}
