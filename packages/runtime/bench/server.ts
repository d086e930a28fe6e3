// ghostguard server-scale benchmark: `pnpm bench:server` (root) or `pnpm bench:server` in
// packages/runtime. One `ws` server process holds N concurrent clients (default 5 000, in two
// client processes, all on 127.0.0.1, port 0) that exchange messages with it; the server's
// handler is either the raw pattern (gauge, `Promise.all` over three tasks, `try`/`finally`) or
// `superviseSession` with the same three tasks and `watchWebSocket`. Per trial and handler:
// RSS and heap per connection, connect rate, messages per second, CPU per message, and the
// latency from a disconnect to the gauge reading 0, for clean (close frame) and abrupt (TCP
// destroyed) disconnects. Trials alternate the order of the two handlers; figures are medians.
//
// Environment: BENCH_CLIENTS (default 5000), BENCH_TRIALS (default 3), BENCH_EXCHANGE_MS (default
// 3000), BENCH_STRICT=1 (exit 1 when a target is missed). One file, three roles (argv[2]):
// the driver (no argument), `server <raw|supervised>` and `clients <port> <count>`.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Gauge, Registry } from 'prom-client';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { createAsyncMetrics, sleepUntilShutdown, superviseSession, watchWebSocket } from '@ghostguard/runtime';

type Kind = 'raw' | 'supervised' | 'watched';
const KINDS: readonly Kind[] = ['raw', 'supervised', 'watched'];
const KIND_TITLES: Record<Kind, string> = { raw: 'raw', supervised: 'superviseSession', watched: '+ watchWebSocket' };
const CLIENT_PROCESSES = 2;
const MESSAGE = Buffer.alloc(64, 1);
/** Hard bounds: no step of a trial may take longer than this, and the whole run is capped. */
const STEP_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = 30 * 60_000;

const epochNow = (): number => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- IPC helpers

type Message = { type: string; [key: string]: unknown };

/** Sends `request` to `child` and resolves with its first reply of type `${request.type}:done`. */
function ask<T extends Message>(child: ChildProcess, request: Message): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`${request.type}: no answer within ${STEP_TIMEOUT_MS} ms`));
    }, STEP_TIMEOUT_MS);
    const onMessage = (message: Message): void => {
      if (message.type !== `${request.type}:done`) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    child.send(request);
  });
}

function reply(message: Message): void {
  process.send?.(message);
}

// ---------------------------------------------------------------- server role

/** Counts live handlers next to the prom-client gauge, so the server can report when it reads 0. */
function countingGauge(registry: Registry): { gauge: Gauge; live: () => number; onChange: (listener: () => void) => void } {
  const real = new Gauge({ name: 'bench_ws_connections', help: 'open connections', registers: [registry] });
  let live = 0;
  let listener: () => void = () => {};
  const gauge = Object.create(real, {
    inc: { value: () => { real.inc(); live++; } },
    dec: { value: () => { real.dec(); live--; listener(); } },
  }) as Gauge;
  return { gauge, live: () => live, onChange: (next) => (listener = next) };
}

async function poller(signal: AbortSignal, ms: number): Promise<void> {
  while (!(await sleepUntilShutdown(signal, ms))) { /* a heartbeat or a queue flush would go here */ }
}

/** The echo every handler runs until `shutdown` aborts: each message is answered once. */
async function echoUntil(ws: WebSocket, shutdown: AbortSignal, counted: () => void): Promise<void> {
  const onMessage = (data: RawData): void => {
    counted();
    ws.send(data as Buffer);
  };
  ws.on('message', onMessage);
  try {
    await sleepUntilShutdown(shutdown, Infinity);
  } finally {
    ws.off('message', onMessage);
  }
}

async function runServer(kind: Kind): Promise<void> {
  const registry = new Registry();
  const metrics = createAsyncMetrics(registry);
  const { gauge, live, onChange } = countingGauge(registry);
  let messages = 0;
  const counted = (): void => {
    messages++;
  };
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, backlog: 4096 });
  await once(wss, 'listening');

  // The raw pattern: three tasks awaited together, gauge in a try/finally. The connection's own
  // AbortController (aborted on close) is what a careful raw handler would have.
  async function rawHandler(ws: WebSocket): Promise<void> {
    gauge.inc();
    const connection = new AbortController();
    ws.once('close', () => connection.abort());
    try {
      await Promise.all([echoUntil(ws, connection.signal, counted), poller(connection.signal, 30_000), poller(connection.signal, 1_000)]);
    } finally {
      gauge.dec();
    }
  }

  // The same three task bodies on ghostguard's superviseSession, with the same connection signal.
  function supervise(ws: WebSocket, signal: AbortSignal): Promise<unknown> {
    return superviseSession({ label: 'bench_ws', signal, gauge, metrics, onStuck: () => ws.terminate() }, (session) => {
      session.lifetime('receive', () => echoUntil(ws, session.signal, counted));
      session.lifetime('heartbeat', () => poller(session.signal, 30_000));
      session.finite('flush', () => poller(session.signal, 1_000));
    });
  }

  function supervisedHandler(ws: WebSocket): void {
    const connection = new AbortController();
    ws.once('close', () => connection.abort());
    void supervise(ws, connection.signal);
  }

  // As a server should run it: watchWebSocket adds the heartbeat and receive timeout (its timers
  // and listeners are part of this column's cost).
  function watchedHandler(ws: WebSocket): void {
    const watch = watchWebSocket(ws);
    void supervise(ws, watch.signal).finally(() => watch.dispose());
  }

  wss.on('connection', (ws) => {
    if (kind === 'raw') void rawHandler(ws);
    else if (kind === 'supervised') supervisedHandler(ws);
    else watchedHandler(ws);
  });

  let mark = { at: 0, messages: 0, cpu: process.cpuUsage() };
  process.on('message', (message: Message) => {
    void (async () => {
      switch (message.type) {
        case 'memory': {
          const gc = (globalThis as { gc?: () => void }).gc;
          for (let i = 0; i < 3; i++) {
            gc?.();
            await new Promise((resolve) => setImmediate(resolve));
          }
          const { rss, heapUsed } = process.memoryUsage();
          reply({ type: 'memory:done', rss, heapUsed, live: live() });
          break;
        }
        case 'mark': {
          const now = { at: performance.now(), messages, cpu: process.cpuUsage() };
          const cpu = process.cpuUsage(mark.cpu);
          reply({ type: 'mark:done', ms: now.at - mark.at, messages: now.messages - mark.messages, cpuMicros: cpu.user + cpu.system });
          mark = now;
          break;
        }
        case 'gauge-at-most': {
          // Resolves when the live count drops to `target`, with the time it did (epoch ms).
          const target = Number(message.target);
          const check = (): void => {
            if (live() > target) return;
            onChange(() => {});
            reply({ type: 'gauge-at-most:done', at: epochNow(), live: live() });
          };
          onChange(check);
          check();
          break;
        }
        case 'stop':
          process.exit(0);
      }
    })();
  });
  process.on('disconnect', () => process.exit(0));
  const address = wss.address();
  reply({ type: 'ready', port: typeof address === 'object' && address !== null ? address.port : 0 });
}

// ---------------------------------------------------------------- client role

function runClients(port: number, count: number): void {
  const sockets: WebSocket[] = [];
  let received = 0;
  let exchanging = false;
  const url = `ws://127.0.0.1:${port}`;
  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });

  process.on('message', (message: Message) => {
    void (async () => {
      switch (message.type) {
        case 'connect': {
          const target = Math.min(count, Number(message.count ?? count));
          const started = performance.now();
          const concurrency = 100;
          let next = 0;
          const worker = async (): Promise<void> => {
            while (next < target) {
              next++;
              const ws = await open();
              ws.on('message', () => {
                received++;
                if (exchanging) ws.send(MESSAGE);
              });
              ws.on('error', () => {});
              sockets.push(ws);
            }
          };
          await Promise.all(Array.from({ length: Math.min(concurrency, target) }, worker));
          reply({ type: 'connect:done', ms: performance.now() - started, connected: sockets.length });
          break;
        }
        case 'exchange': {
          // Closed loop: each connection keeps one message in flight (sent again on each echo).
          exchanging = true;
          for (const ws of sockets) ws.send(MESSAGE);
          reply({ type: 'exchange:done' });
          break;
        }
        case 'quiet': {
          exchanging = false;
          reply({ type: 'quiet:done', received });
          break;
        }
        case 'disconnect': {
          const startedAt = epochNow();
          for (const ws of sockets) {
            if (message.how === 'clean') ws.close(1000);
            else ws.terminate(); // destroys the TCP socket, no close frame
          }
          sockets.length = 0;
          reply({ type: 'disconnect:done', startedAt });
          break;
        }
        case 'stop':
          process.exit(0);
      }
    })();
  });
  process.on('disconnect', () => process.exit(0));
  reply({ type: 'ready' });
}

// ---------------------------------------------------------------- driver

interface Trial {
  rssPerConnection: number;
  heapPerConnection: number;
  connectPerSecond: number;
  messagesPerSecond: number;
  cpuMicrosPerMessage: number;
  cleanToZeroMs: number;
  abruptToZeroMs: number;
}

const self = fileURLToPath(import.meta.url);

function spawnRole(args: string[]): ChildProcess {
  return fork(self, args, { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

async function started(child: ChildProcess): Promise<Message> {
  const [message] = (await Promise.race([
    once(child, 'message'),
    new Promise((_, reject) => setTimeout(() => reject(new Error('child did not start')), STEP_TIMEOUT_MS)),
  ])) as [Message];
  return message;
}

async function runTrial(kind: Kind, clients: number, exchangeMs: number): Promise<Trial> {
  const server = spawnRole(['server', kind]);
  const children: ChildProcess[] = [server];
  try {
    const { port } = (await started(server)) as { port: number } & Message;
    const perProcess = Math.ceil(clients / CLIENT_PROCESSES);
    const fleets = Array.from({ length: CLIENT_PROCESSES }, (_, index) =>
      spawnRole(['clients', String(port), String(Math.min(perProcess, clients - index * perProcess))]));
    children.push(...fleets);
    await Promise.all(fleets.map(started));

    // Warm-up: a tenth of the clients run every code path once (connect, exchange, both kinds of
    // disconnect), so the idle figure already includes compiled code and grown pools.
    const warm = Math.max(1, Math.floor(clients / 10 / CLIENT_PROCESSES));
    await Promise.all(fleets.map((fleet) => ask(fleet, { type: 'connect', count: warm })));
    await Promise.all(fleets.map((fleet) => ask(fleet, { type: 'exchange' })));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await Promise.all(fleets.map((fleet) => ask(fleet, { type: 'quiet' })));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const warmZero = ask(server, { type: 'gauge-at-most', target: 0 });
    await Promise.all(fleets.map((fleet, index) => ask(fleet, { type: 'disconnect', how: index === 0 ? 'clean' : 'abrupt' })));
    await warmZero;
    const idle = await ask<{ rss: number; heapUsed: number } & Message>(server, { type: 'memory' });

    // Connect rate: every client process opens its share at once (100 handshakes in flight each).
    const connectStarted = performance.now();
    const connected = await Promise.all(fleets.map((fleet) => ask<{ connected: number } & Message>(fleet, { type: 'connect' })));
    const connectMs = performance.now() - connectStarted;
    const total = connected.reduce((sum, answer) => sum + answer.connected, 0);
    const busy = await ask<{ rss: number; heapUsed: number; live: number } & Message>(server, { type: 'memory' });
    if (busy.live !== total) throw new Error(`${kind}: ${busy.live} handlers for ${total} clients`);

    // Exchange: a closed loop per connection, measured over a window after a short ramp-up.
    await Promise.all(fleets.map((fleet) => ask(fleet, { type: 'exchange' })));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await ask(server, { type: 'mark' });
    await new Promise((resolve) => setTimeout(resolve, exchangeMs));
    const window = await ask<{ ms: number; messages: number; cpuMicros: number } & Message>(server, { type: 'mark' });
    await Promise.all(fleets.map((fleet) => ask(fleet, { type: 'quiet' })));
    await new Promise((resolve) => setTimeout(resolve, 200)); // in-flight echoes drain

    // Disconnects: the first client process closes cleanly, the second destroys its sockets.
    const [cleanFleet, abruptFleet] = fleets as [ChildProcess, ChildProcess];
    const afterClean = total - (connected[0]?.connected ?? 0);
    const cleanZero = ask<{ at: number } & Message>(server, { type: 'gauge-at-most', target: afterClean });
    const cleanStart = await ask<{ startedAt: number } & Message>(cleanFleet, { type: 'disconnect', how: 'clean' });
    const cleanAt = (await cleanZero).at;
    const abruptZero = ask<{ at: number } & Message>(server, { type: 'gauge-at-most', target: 0 });
    const abruptStart = await ask<{ startedAt: number } & Message>(abruptFleet, { type: 'disconnect', how: 'abrupt' });
    const abruptAt = (await abruptZero).at;

    return {
      rssPerConnection: (busy.rss - idle.rss) / total,
      heapPerConnection: (busy.heapUsed - idle.heapUsed) / total,
      connectPerSecond: total / (connectMs / 1000),
      messagesPerSecond: window.messages / (window.ms / 1000),
      cpuMicrosPerMessage: window.cpuMicros / Math.max(1, window.messages),
      cleanToZeroMs: cleanAt - cleanStart.startedAt,
      abruptToZeroMs: abruptAt - abruptStart.startedAt,
    };
  } finally {
    for (const child of children) {
      if (child.connected) child.send({ type: 'stop' });
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    }
    const exited = (child: ChildProcess): Promise<unknown> =>
      child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit');
    await Promise.all(children.map(exited));
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

/** The soft open-files limit of this process (children inherit it), read with the shell's `ulimit -n`. */
function openFilesLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  } catch {
    return NaN;
  }
}

async function drive(): Promise<void> {
  const clients = Math.max(2, Number(process.env.BENCH_CLIENTS ?? 5000));
  const trials = Math.max(1, Number(process.env.BENCH_TRIALS ?? 3));
  const exchangeMs = Math.max(500, Number(process.env.BENCH_EXCHANGE_MS ?? 3000));
  // BENCH_WATCHED=0 skips the third, informational column (superviseSession + watchWebSocket).
  const kinds: readonly Kind[] = process.env.BENCH_WATCHED === '0' ? ['raw', 'supervised'] : KINDS;
  const limit = openFilesLimit();
  // The server holds one descriptor per client, each client process one per connection it opened.
  const needed = clients + 256;
  if (Number.isFinite(limit) && limit < needed) {
    console.error(`open-files limit (ulimit -n) is ${limit}, ${needed} needed for ${clients} clients: ` +
      `raise it (\`ulimit -n ${needed}\`, up to \`ulimit -Hn\`) or set BENCH_CLIENTS lower`);
    process.exit(2);
  }
  const deadline = setTimeout(() => {
    console.error(`bench:server: gave up after ${RUN_TIMEOUT_MS / 60_000} min`);
    process.exit(2);
  }, RUN_TIMEOUT_MS);
  deadline.unref();

  console.log(`ghostguard server benchmark — Node ${process.version}, ${clients} clients in ${CLIENT_PROCESSES} processes, ` +
    `${trials} trials (handlers in rotating order), ${exchangeMs} ms message exchange, ulimit -n ${limit}\n`);
  const results: Record<Kind, Trial[]> = { raw: [], supervised: [], watched: [] };
  for (let trial = 0; trial < trials; trial++) {
    const shift = trial % kinds.length;
    const order = [...kinds.slice(shift), ...kinds.slice(0, shift)];
    for (const kind of order) {
      const result = await runTrial(kind, clients, exchangeMs);
      results[kind].push(result);
      console.log(`  trial ${trial + 1} ${KIND_TITLES[kind].padEnd(16)} ${(result.rssPerConnection / 1024).toFixed(1)} KB RSS/conn, ` +
        `${Math.round(result.messagesPerSecond)} msg/s, ${result.cpuMicrosPerMessage.toFixed(1)} µs CPU/msg, ` +
        `${Math.round(result.connectPerSecond)} conn/s, clean ${result.cleanToZeroMs.toFixed(0)} ms, abrupt ${result.abruptToZeroMs.toFixed(0)} ms`);
    }
  }

  const of = (kind: Kind, pick: (trial: Trial) => number): number => median(results[kind].map(pick));
  const rows: string[][] = [];
  let failures = 0;
  const difference = (raw: number, other: number): string => {
    if (raw === 0 || Number.isNaN(other)) return '—';
    const percent = (other / raw - 1) * 100;
    return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)} %`;
  };
  const withWatch = kinds.includes('watched');
  const row = (measure: string, pick: (trial: Trial) => number, format: (value: number) => string, target?: { text: string; pass: (raw: number, supervised: number) => boolean }): void => {
    const raw = of('raw', pick);
    const supervised = of('supervised', pick);
    const pass = target?.pass(raw, supervised);
    if (pass === false) failures++;
    const cells = [measure, format(raw), format(supervised), difference(raw, supervised), target?.text ?? '—', pass === undefined ? '' : pass ? 'PASS' : 'FAIL'];
    if (withWatch) cells.push(format(of('watched', pick)), difference(raw, of('watched', pick)));
    rows.push(cells);
  };
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;
  const perSecond = (value: number): string => `${Math.round(value).toLocaleString('en')} /s`;
  const ms = (value: number): string => `${value.toFixed(1)} ms`;
  row('RSS per connection', (t) => t.rssPerConnection, kb, { text: '≤ +5 %', pass: (raw, supervised) => supervised <= raw * 1.05 });
  row('heap per connection', (t) => t.heapPerConnection, kb);
  row('messages per second', (t) => t.messagesPerSecond, perSecond, { text: '≥ −5 %', pass: (raw, supervised) => supervised >= raw * 0.95 });
  row('CPU per message', (t) => t.cpuMicrosPerMessage, (value) => `${value.toFixed(2)} µs`);
  row('connect rate', (t) => t.connectPerSecond, perSecond);
  row('clean disconnect → gauge 0 (half the clients)', (t) => t.cleanToZeroMs, ms);
  row('abrupt disconnect → gauge 0 (the other half)', (t) => t.abruptToZeroMs, ms);

  const header = ['measure (median of trials)', KIND_TITLES.raw, KIND_TITLES.supervised, 'difference', 'target', 'result'];
  if (withWatch) header.push(KIND_TITLES.watched, 'difference');
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log(`\n${failures === 0 ? 'all targets met' : `${failures} target(s) missed`}`);
  if (failures > 0 && process.env.BENCH_STRICT === '1') process.exitCode = 1;
}

const [role, first, second] = process.argv.slice(2);
if (role === 'server') await runServer(first === 'supervised' || first === 'watched' ? first : 'raw');
else if (role === 'clients') runClients(Number(first), Number(second));
else await drive();
