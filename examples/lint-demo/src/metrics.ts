import { Counter, Gauge, Histogram } from 'prom-client';

export const activeSockets = new Gauge({
  name: 'presence_active_sockets',
  help: 'Open presence WebSocket connections',
});

export const messagesReceived = new Counter({
  name: 'presence_messages_received_total',
  help: 'Messages received from clients',
  labelNames: ['room', 'type'],
});

export const broadcastDuration = new Histogram({
  name: 'presence_broadcast_duration_seconds',
  help: 'Time to broadcast a presence snapshot to a room',
  labelNames: ['room'],
});

export const notificationFailures = new Counter({
  name: 'presence_notification_failures_total',
  help: 'Push notifications that failed',
  labelNames: ['user', 'reason'],
});

/** Counts a client message by room and message type. */
export function countMessage(roomId: string, type: string): void {
  messagesReceived.labels(`room:${roomId}`, type).inc();
}

/** Counts a failed push notification. */
export function countNotificationFailure(userId: string, error: Error): void {
  notificationFailures.inc({ user: userId, reason: error.message });
}
