/**
 * Programs the consumer projects lint and run. Written in both module systems from one template
 * so the ESM and CommonJS projects check the same behaviour.
 */

export type ModuleSystem = 'esm' | 'cjs';

function imports(system: ModuleSystem, specs: Record<string, string>): string {
  return Object.entries(specs)
    .map(([module, names]) => (system === 'esm' ? `import { ${names} } from '${module}';` : `const { ${names} } = require('${module}');`))
    .join('\n');
}

/**
 * A real `ws` server on 127.0.0.1:0 whose handler runs `superviseSession`; one client connects
 * and leaves. Prints `{ during, after, reason }`: the connection gauge while connected (1) and
 * after the session ended (0), and why it ended.
 */
export function sessionProgram(system: ModuleSystem): string {
  const body = `
async function main() {
  const connections = new Gauge({ name: 'ws_connections', help: 'Open WebSocket connections', registers: [] });
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const ended = new Promise((resolve) => {
    server.on('connection', (ws) => {
      const watch = watchWebSocket(ws);
      superviseSession({ label: 'consumer', signal: watch.signal, gauge: connections, drainTimeoutMs: 2000 }, (session) => {
        session.lifetime('poll', async () => {
          while (!(await sleepUntilShutdown(session.signal, 20))) ws.send('tick');
        });
      }).then(resolve, resolve).finally(() => watch.dispose());
    });
  });
  const gauge = async () => (await connections.get()).values[0]?.value;
  const client = new WebSocket('ws://127.0.0.1:' + server.address().port);
  await new Promise((resolve) => client.once('message', resolve));
  const during = await gauge();
  client.close();
  const result = await ended;
  const after = await gauge();
  server.close();
  console.log(JSON.stringify({ during, after, reason: result.exit?.reason }));
}
main().catch((error) => { console.error(error); process.exitCode = 1; });
`;
  return `${imports(system, {
    ws: 'WebSocketServer, WebSocket',
    'prom-client': 'Gauge',
    '@ghostguard/runtime': 'sleepUntilShutdown, superviseSession, watchWebSocket',
  })}\n${body}`;
}

/**
 * One hazard per `recommended` rule. `heartbeat` is the autofix case: its loop checks
 * `signal.aborted` and sleeps on a bare timer, so `--fix` rewrites the sleep to
 * `sleepUntilShutdown(signal, …)` and adds the import (or `require`) of `@ghostguard/runtime`.
 */
export function hazardsProgram(system: ModuleSystem): string {
  const exportFn = system === 'esm' ? 'export ' : '';
  const body = `
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const messages = new Counter({ name: 'messages_total', help: 'Messages', labelNames: ['user'], registers: [] });

${exportFn}async function heartbeat(signal, tick) {
  while (!signal.aborted) {
    tick();
    await sleep(20);
  }
}

async function receive(ws) {
  for await (const message of ws) messages.inc({ user: message.userId });
}

async function audit(event) {
  return event;
}

${exportFn}function serve(wss) {
  wss.on('connection', async (ws, request) => {
    messages.inc({ user: request.headers['x-user-id'] });
    audit('connected');
    await Promise.all([receive(ws), heartbeat(new AbortController().signal, () => ws.ping())]);
  });
}
`;
  const exports = system === 'cjs' ? '\nmodule.exports = { heartbeat, serve };\n' : '';
  return `${imports(system, { 'prom-client': 'Counter' })}\n${body}${exports}`;
}

/** Runs the (fixed) `heartbeat` until its signal aborts; prints the tick count. */
export function runHeartbeat(system: ModuleSystem, file: string): string {
  const load = system === 'esm' ? `await import('./${file}')` : `require('./${file}')`;
  return `(async () => {
  const { heartbeat } = ${load};
  const controller = new AbortController();
  let ticks = 0;
  const started = Date.now();
  setTimeout(() => controller.abort(), 150);
  await heartbeat(controller.signal, () => ticks++);
  console.log(JSON.stringify({ ticks, ms: Date.now() - started }));
})();
`;
}
