/** Shared by the ESLint integration tests: one hazard per rule, in each module flavour the rules must understand. */
export const hazards: Record<string, string> = {
  'handler.ts': `import { Counter } from 'prom-client';
import { WebSocketServer } from 'ws';

const requests = new Counter({ name: 'requests_total', help: 'Requests', labelNames: ['user'] });

async function flush(): Promise<void> {}

export function start(userId: string): void {
  const wss = new WebSocketServer({ port: 0 });
  wss.on('connection', async (ws) => {
    requests.labels(userId).inc();
    flush();
    while (ws.readyState === ws.OPEN) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await Promise.all([flush(), flush()]);
  });
}
`,
  'handler.mjs': `import client from 'prom-client';
import { WebSocketServer } from 'ws';

const latency = new client.Histogram({ name: 'latency_seconds', help: 'Latency', labelNames: ['user'] });

async function flush() {}

export function start(userId) {
  const wss = new WebSocketServer({ port: 0 });
  wss.on('connection', async (ws) => {
    latency.labels(userId).observe(1);
    flush();
    while (ws.readyState === ws.OPEN) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await Promise.all([flush(), flush()]);
  });
}
`,
  'handler.cjs': `'use strict';
const client = require('prom-client');
const { WebSocketServer } = require('ws');

const sessions = new client.Gauge({ name: 'sessions', help: 'Open sessions', labelNames: ['user'] });

async function flush() {}

function start(userId) {
  const wss = new WebSocketServer({ port: 0 });
  wss.on('connection', async (ws) => {
    sessions.labels(userId).inc();
    flush();
    while (ws.readyState === ws.OPEN) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await Promise.all([flush(), flush()]);
  });
}

module.exports = { start };
`,
};
hazards['handler.js'] = hazards['handler.mjs']!;

/** Code that already follows the rules. */
export const clean = `export async function poll(signal: AbortSignal): Promise<number> {
  const response = await fetch('http://127.0.0.1/health', { signal });
  return response.status;
}
`;

