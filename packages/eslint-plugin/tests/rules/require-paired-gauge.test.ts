import fs from 'node:fs';
import { RuleTester, type InvalidTestCase, type ValidTestCase } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import rule, { type MessageIds, type Options } from '../../src/rules/require-paired-gauge.js';
import { createPromClientProject } from '../prom-client-project.js';
import { commonJsLanguageOptions, typedRuleTester, untypedRuleTester } from '../rule-tester.js';

type Valid = ValidTestCase<Options>;
type Invalid = InvalidTestCase<MessageIds, Options>;

/** Two lines: the gauge every case uses, constructed from prom-client. */
const GAUGE = `import { Gauge } from 'prom-client';
const active = new Gauge({ name: 'active_connections', help: 'Open connections', labelNames: ['route'] });
`;

/** A `ws` connection handler around `body` (whose first line is line 4). */
function wsHandler(body: string): string {
  return `${GAUGE}wss.on('connection', async (ws) => {
${body}
});
`;
}

const WS = "`'connection'` listener";

const valid: Valid[] = [
  // -- compliant forms ----------------------------------------------------------------------------
  {
    name: 'inc first in the try, dec in its finally',
    code: wsHandler(`  try {
    active.inc();
    await serve(ws);
  } finally {
    active.dec();
  }`),
  },
  {
    name: 'with a catch, other finally work, and declarations after the inc',
    code: wsHandler(`  const conn = open(ws);
  try {
    active.inc();
    const session = start(conn);
    await session.done;
  } catch (error) {
    log(error);
  } finally {
    conn.close();
    active.dec();
  }`),
  },
  {
    name: 'labels compared by value: constants fold, key order and quotes do not matter',
    code: `${GAUGE}const ROUTE = 'ws';
const LABELS = { route: ROUTE, shard: 'a' };
wss.on('connection', async (ws) => {
  try {
    active.inc({ route: 'ws', shard: "a" });
    active.labels(ROUTE).inc();
    active.inc(LABELS, 1);
    await serve(ws);
  } finally {
    active.dec({ shard: 'a', route: ROUTE });
    active.labels({ route: 'ws' }).dec(1);
    active.dec({ route: \`ws\`, shard: 'a' });
  }
});
`,
  },
  {
    name: 'the same runtime expression on both sides, an optional chain, a stored child',
    code: wsHandler(`  const child = active.labels(routeOf(ws));
  try {
    active?.inc({ route: routeOf(ws) });
    child.inc(weight);
    await serve(ws);
  } finally {
    active.dec({ route: routeOf( ws ) });
    child.dec(weight);
  }`),
  },
  {
    name: 'several gauges incremented together at the top of the try; inner try blocks and plain blocks',
    code: `${GAUGE}const sockets = new Gauge({ name: 'sockets', help: 'Sockets' });
wss.on('connection', async (ws) => {
  try {
    {
      try {
        sockets.inc();
        active.inc();
        await serve(ws);
      } catch {
        retry();
      }
    }
  } finally {
    {
      sockets.dec();
    }
    active.dec();
  }
});
`,
  },
  {
    name: 'positional labels compare with a label object through labelNames; unknowable forms are not reported',
    code: wsHandler(`  try {
    active.labels('ws').inc();
    active.labels(kind).inc();
    active.inc(labels);
    await serve(ws);
  } finally {
    active.dec({ route: 'ws' });
    active.dec();
    active.dec(labels);
  }`),
  },
  {
    name: 'an await in the finally before the dec does not skip it (bounded drains live there)',
    code: wsHandler(`  try {
    active.inc();
    await serve(ws);
  } finally {
    await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
    active.dec();
  }`),
  },
  {
    name: 'a break, return or await inside nested functions or loops of the finally does not make the dec conditional',
    code: wsHandler(`  try {
    active.inc();
    await serve(ws);
  } finally {
    for (const task of tasks) { if (task.done) break; task.abort(); }
    tasks.forEach((task) => { return task.abort(); });
    active.dec();
  }`),
  },
  {
    name: 'superviseSession owns the gauge',
    code: `${GAUGE}import { superviseSession, watchWebSocket } from '@ghostguard/runtime';
wss.on('connection', async (ws) => {
  const watch = watchWebSocket(ws);
  try {
    await superviseSession({ label: 'ws', signal: watch.signal, gauge: active }, (session) => {
      session.lifetime('receive', (signal) => receive(ws, signal));
    });
  } finally {
    watch.dispose();
  }
});
`,
  },
  {
    name: 'a dec in a finally without an inc in this function (the inc lives elsewhere)',
    code: wsHandler(`  try {
    await serve(ws);
  } finally {
    active.dec();
  }`),
  },
  // -- out of scope -------------------------------------------------------------------------------
  {
    name: 'outside any connection handler',
    code: `${GAUGE}export function track(work) {
  active.inc();
  work();
  active.dec();
}
server.on('request', (req, res) => {
  active.inc();
  res.on('close', () => active.dec());
});
ws.on('message', () => {
  active.inc();
});
`,
  },
  {
    name: 'not a Gauge: counters, histograms, look-alikes, unknown objects, set()',
    code: `import { Counter, Gauge, Histogram } from 'prom-client';
const requests = new Counter({ name: 'requests', help: 'h' });
const latency = new Histogram({ name: 'latency', help: 'h' });
const open = new Gauge({ name: 'open', help: 'h' });
class Tally { inc() {} dec() {} }
const tally = new Tally();
wss.on('connection', (ws) => {
  requests.inc();
  requests.labels('ws').inc();
  latency.startTimer();
  tally.inc();
  stats.inc();
  stats.dec();
  open.set(1);
  open['reset']();
});
`,
  },
  {
    name: 'a file that never mentions prom-client',
    code: `wss.on('connection', (ws) => {
  active.inc();
  ws.on('close', () => active.dec());
});
`,
  },
  {
    name: 'a gauge whose origin is not in the file (untyped) is not checked without the gauges option',
    code: `import 'prom-client';
import { metrics } from './metrics.js';
wss.on('connection', (ws) => {
  metrics.connections.inc();
});
`,
  },
  // -- module flavours and handler shapes -------------------------------------------------------------
  {
    name: 'CommonJS require, compliant',
    code: `const { Gauge } = require('prom-client');
const client = require('prom-client');
const active = new Gauge({ name: 'a', help: 'h' });
const other = new client.Gauge({ name: 'b', help: 'h' });
wss.on('connection', async (ws) => {
  try {
    active.inc();
    other.inc();
    await serve(ws);
  } finally {
    active.dec();
    other.dec();
  }
});
`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
  },
  {
    name: '@fastify/websocket, compliant',
    code: `${GAUGE}fastify.get('/ws', { websocket: true }, async (socket, req) => {
  try {
    active.inc({ route: '/ws' });
    await serve(socket);
  } finally {
    active.dec({ route: '/ws' });
  }
});
`,
    filename: 'module.mjs',
  },
  {
    name: 'socket.io, compliant',
    code: `${GAUGE}io.on('connection', async (socket) => {
  try {
    active.inc();
    await serve(socket);
  } finally {
    active.dec();
  }
});
`,
    filename: 'script.js',
  },
];

const invalid: Invalid[] = [
  // -- inc before the try with an exit between -------------------------------------------------------
  {
    name: 'an early return between the inc and the try (the leaky pusher)',
    code: `${GAUGE}async function handleConnection(ws, req) {
  active.inc();
  const userId = readUserId(req.url);
  if (userId === undefined) {
    ws.close(4001, 'missing uid');
    return;
  }
  try {
    await serve(ws, userId);
  } finally {
    active.dec();
  }
}
wss.on('connection', handleConnection);
`,
    errors: [{ messageId: 'exitBeforeTry', line: 4, column: 3, data: { gauge: 'active', exit: 'return', line: '8' } }],
  },
  {
    name: 'a throw between',
    code: wsHandler(`  active.inc();
  if (!authorised(ws)) throw new Error('denied');
  try {
    await serve(ws);
  } finally {
    active.dec();
  }`),
    errors: [{ messageId: 'exitBeforeTry', line: 4, data: { gauge: 'active', exit: 'throw', line: '5' } }],
  },
  {
    name: 'an await between (it may never resume)',
    code: wsHandler(`  active.inc();
  const user = await authenticate(ws);
  try {
    await serve(ws, user);
  } finally {
    active.dec();
  }`),
    errors: [{ messageId: 'exitBeforeTry', line: 4, data: { gauge: 'active', exit: 'await', line: '5' } }],
  },
  {
    name: 'for await, await using, yield, break and continue that leave the statement list',
    code: `${GAUGE}wss.on('connection', async function* (ws) {
  for (const frame of frames) {
    active.inc();
    for await (const chunk of frame) use(chunk);
    try { await serve(ws); } finally { active.dec(); }
  }
  for (const frame of frames) {
    active.inc();
    if (frame.skip) continue;
    try { await serve(ws); } finally { active.dec(); }
  }
  outer: for (const frame of frames) {
    active.inc();
    for (const part of frame) { if (part.last) break outer; }
    try { await serve(ws); } finally { active.dec(); }
  }
  {
    active.inc();
    await using lock = await acquire();
    try { await serve(ws); } finally { active.dec(); }
  }
  {
    active.inc();
    yield ws;
    try { await serve(ws); } finally { active.dec(); }
  }
});
`,
    errors: [
      { messageId: 'exitBeforeTry', line: 5, data: { gauge: 'active', exit: 'await', line: '6' } },
      { messageId: 'exitBeforeTry', line: 10, data: { gauge: 'active', exit: 'continue', line: '11' } },
      { messageId: 'exitBeforeTry', line: 15, data: { gauge: 'active', exit: 'break', line: '16' } },
      { messageId: 'exitBeforeTry', line: 20, data: { gauge: 'active', exit: 'await', line: '21' } },
      { messageId: 'exitBeforeTry', line: 25, data: { gauge: 'active', exit: 'yield', line: '26' } },
    ],
  },
  // -- inc before the try, nothing that exits between ------------------------------------------------
  {
    name: 'directly before the try: suggestion moves it in',
    code: wsHandler(`  active.inc();
  try {
    await serve(ws);
  } finally {
    active.dec();
  }`),
    errors: [
      {
        messageId: 'incBeforeTry',
        line: 4,
        data: { gauge: 'active' },
        suggestions: [
          {
            messageId: 'moveIncIntoTry',
            data: { gauge: 'active' },
            output: wsHandler(`  try {
    active.inc();
    await serve(ws);
  } finally {
    active.dec();
  }`),
          },
        ],
      },
    ],
  },
  {
    name: 'only other increments, empty statements and type declarations between; one-line try; no semicolons',
    code: `${GAUGE}const sockets = new Gauge({ name: 'sockets', help: 'Sockets' })
wss.on('connection', async (ws) => {
  active.inc({ route: 'ws' })
  sockets.inc();
  type Conn = { ws: unknown };
  ;
  try { await serve(ws) } finally { sockets.dec(); active.dec({ route: 'ws' }) }
})
`,
    errors: [
      {
        messageId: 'incBeforeTry',
        line: 5,
        suggestions: [
          {
            messageId: 'moveIncIntoTry',
            output: `${GAUGE}const sockets = new Gauge({ name: 'sockets', help: 'Sockets' })
wss.on('connection', async (ws) => {
  sockets.inc();
  type Conn = { ws: unknown };
  ;
  try { active.inc({ route: 'ws' }); await serve(ws) } finally { sockets.dec(); active.dec({ route: 'ws' }) }
})
`,
          },
        ],
      },
      {
        messageId: 'incBeforeTry',
        line: 6,
        data: { gauge: 'sockets' },
        suggestions: [
          {
            messageId: 'moveIncIntoTry',
            output: `${GAUGE}const sockets = new Gauge({ name: 'sockets', help: 'Sockets' })
wss.on('connection', async (ws) => {
  active.inc({ route: 'ws' })
  type Conn = { ws: unknown };
  ;
  try { sockets.inc(); await serve(ws) } finally { sockets.dec(); active.dec({ route: 'ws' }) }
})
`,
          },
        ],
      },
    ],
  },
  {
    name: 'a comment above the inc stays where it was; a labels() child form',
    code: wsHandler(`  // count the connection
  active.labels('ws').inc();
  try {
    // serve until the socket closes
    await serve(ws);
  } finally {
    active.labels('ws').dec();
  }`),
    errors: [
      {
        messageId: 'incBeforeTry',
        line: 5,
        data: { gauge: "active.labels('ws')" },
        suggestions: [
          {
            messageId: 'moveIncIntoTry',
            output: wsHandler(`  // count the connection
  try {
    active.labels('ws').inc();
    // serve until the socket closes
    await serve(ws);
  } finally {
    active.labels('ws').dec();
  }`),
          },
        ],
      },
    ],
  },
  {
    name: 'statements between that may throw or that the move would reorder (jumps that stay inside them are no exit): reported, no suggestion',
    code: wsHandler(`  active.inc();
  const conn = open(ws);
  try {
    await serve(conn);
  } finally {
    active.dec();
  }
  active.inc(); // counted
  try {
    await serve(ws);
  } finally {
    active.dec();
  }
  active.inc();
  switch (ws.protocol) { case 'v2': upgrade(ws); break; default: legacy(ws); }
  inner: { if (ws.paused) break inner; resume(ws); }
  while (pending(ws)) { if (done(ws)) break; else continue; }
  try {
    await serve(ws);
  } finally {
    active.dec();
  }`),
    errors: [
      { messageId: 'incBeforeTry', line: 4, suggestions: [] },
      { messageId: 'incBeforeTry', line: 11, suggestions: [] },
      { messageId: 'incBeforeTry', line: 17, suggestions: [] },
    ],
  },
  // The `try` block declares a name the `inc()` uses: moved inside, it would hit that name's
  // temporal dead zone (or another binding), so no suggestion.
  {
    code: wsHandler(`  active.inc();
  try {
    const active = replacementGauge();
    await serve(ws, active);
  } finally {
    active.dec();
  }`),
    errors: [{ messageId: 'incBeforeTry', line: 4, suggestions: [] }],
  },
  // -- inc inside the try, but not first ---------------------------------------------------------------
  {
    name: 'after other statements, or conditional, inside the try',
    code: wsHandler(`  try {
    const conn = open(ws);
    active.inc();
    await serve(conn);
  } finally {
    active.dec();
  }
  try {
    if (ws.protocol === 'v2') active.inc();
    await serve(ws);
  } finally {
    active.dec();
  }
  try {
    await ready(ws);
    {
      active.inc();
    }
  } finally {
    active.dec();
  }`),
    errors: [
      { messageId: 'incNotFirstInTry', line: 6, data: { gauge: 'active' } },
      { messageId: 'incNotFirstInTry', line: 12 },
      { messageId: 'incNotFirstInTry', line: 20 },
    ],
  },
  // -- no dec on every path ---------------------------------------------------------------------------
  {
    name: 'no try at all; a try without finally; a finally without the dec; a dec of another gauge',
    code: `${GAUGE}const sockets = new Gauge({ name: 'sockets', help: 'Sockets' });
wss.on('connection', async (ws) => {
  active.inc();
  await serve(ws);
});
wss.on('connection', async (ws) => {
  try {
    active.inc();
    await serve(ws);
  } catch {
    log('failed');
  }
});
wss.on('connection', async (ws) => {
  try {
    active.inc();
    await serve(ws);
  } finally {
    sockets.dec();
    ws.terminate();
  }
});
`,
    errors: [
      { messageId: 'unpairedInc', line: 5, data: { gauge: 'active', handler: WS } },
      { messageId: 'unpairedInc', line: 10 },
      { messageId: 'unpairedInc', line: 18 },
    ],
  },
  {
    name: 'a dec the finally can skip: conditional, or after a return/throw in the finally',
    code: wsHandler(`  try {
    active.inc();
    await serve(ws);
  } finally {
    if (ws.readyState === ws.CLOSED) active.dec();
  }
  try {
    active.inc();
    await serve(ws);
  } finally {
    if (ws.isPaused) return;
    active.dec();
  }
  active.inc();
  try {
    await serve(ws);
  } finally {
    if (failed) throw lastError;
    active.dec();
  }`),
    errors: [
      { messageId: 'unpairedInc', line: 5 },
      { messageId: 'unpairedInc', line: 11 },
      { messageId: 'unpairedInc', line: 17 },
    ],
  },
  {
    name: "the close-listener idiom: inc unpaired, dec outside a finally (a half-open socket never emits 'close')",
    code: `${GAUGE}wss.on('connection', (ws) => {
  active.inc();
  ws.on('close', () => active.dec());
});
`,
    errors: [
      { messageId: 'unpairedInc', line: 4, column: 3, endColumn: 15 },
      { messageId: 'decOutsideFinally', line: 5, data: { gauge: 'active', handler: WS } },
    ],
  },
  {
    name: 'a promise .finally() callback counts as a finally for the dec; the inc still needs its try',
    code: wsHandler(`  active.inc();
  return serve(ws).finally(() => active.dec());`),
    errors: [{ messageId: 'unpairedInc', line: 4 }],
  },
  // -- labels / amount mismatch -------------------------------------------------------------------------
  {
    name: 'labels differ: value, key set, positional value, missing labels',
    code: `${GAUGE}const ROUTE = 'ws';
wss.on('connection', async (ws) => {
  try {
    active.inc({ route: ROUTE });
    await serve(ws);
  } finally {
    active.dec({ route: 'http' });
  }
  try {
    active.inc({ route: 'ws', shard: 'a' });
    await serve(ws);
  } finally {
    active.dec({ route: 'ws' });
  }
  try {
    active.labels('ws').inc();
    await serve(ws);
  } finally {
    active.labels('http').dec();
  }
  try {
    active.inc({ route: 'ws' });
    await serve(ws);
  } finally {
    active.dec();
  }
  try {
    active.inc(labelsFor(ws));
    await serve(ws);
  } finally {
    active.dec(labelsFor(socket));
  }
});
`,
    errors: [
      { messageId: 'mismatchedDec', line: 9, data: { gauge: 'active', line: '6', difference: 'its labels differ' } },
      { messageId: 'mismatchedDec', line: 15, data: { gauge: 'active', line: '12', difference: 'its labels differ' } },
      { messageId: 'mismatchedDec', line: 21, data: { gauge: "active.labels('http')", line: '18', difference: 'its labels differ' } },
      { messageId: 'mismatchedDec', line: 27 },
      { messageId: 'mismatchedDec', line: 33 },
    ],
  },
  {
    name: 'amount differs; a mismatch and a misplaced inc are both reported',
    code: wsHandler(`  try {
    active.inc(2);
    await serve(ws);
  } finally {
    active.dec();
  }
  active.inc({ route: 'ws' });
  await ready(ws);
  try {
    await serve(ws);
  } finally {
    active.dec({ route: 'wss' });
  }`),
    errors: [
      { messageId: 'mismatchedDec', line: 8, data: { gauge: 'active', line: '5', difference: 'it decrements by a different amount' } },
      { messageId: 'exitBeforeTry', line: 10 },
      { messageId: 'mismatchedDec', line: 15, data: { gauge: 'active', line: '10', difference: 'its labels differ' } },
    ],
  },
  {
    name: 'without labelNames: positional values against a label object of another size',
    code: `import { Gauge } from 'prom-client';
const sockets = new Gauge({ name: 'sockets', help: 'Sockets' });
wss.on('connection', async (ws) => {
  try {
    sockets.inc();
    sockets.labels('ws', 'eu').inc();
    await serve(ws);
  } finally {
    sockets.labels('ws').dec();
    sockets.dec({ route: 'ws' });
  }
});
`,
    errors: [{ messageId: 'mismatchedDec', line: 9, data: { gauge: "sockets.labels('ws')", line: '5', difference: 'its labels differ' } }],
  },
  // -- dec outside finally ------------------------------------------------------------------------------
  {
    name: 'dec in the try body, in a catch, in a nested callback of the finally',
    code: wsHandler(`  try {
    active.inc();
    await serve(ws);
    active.dec();
  } catch (error) {
    active.dec();
    throw error;
  } finally {
    setImmediate(() => active.dec());
  }`),
    errors: [
      { messageId: 'unpairedInc', line: 5 },
      { messageId: 'decOutsideFinally', line: 7 },
      { messageId: 'decOutsideFinally', line: 9 },
      { messageId: 'decOutsideFinally', line: 12 },
    ],
  },
  // -- module flavours and handler shapes ---------------------------------------------------------------
  {
    name: 'CommonJS require (destructured and namespace)',
    code: `const { Gauge: PromGauge } = require('prom-client');
const client = require('prom-client');
const active = new PromGauge({ name: 'a', help: 'h' });
const other = new client.Gauge({ name: 'b', help: 'h' });
wss.on('connection', async (ws) => {
  active.inc();
  other.inc();
  await serve(ws);
  other.dec();
});
`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
    errors: [
      { messageId: 'unpairedInc', line: 6 },
      { messageId: 'unpairedInc', line: 7 },
      { messageId: 'decOutsideFinally', line: 9 },
    ],
  },
  {
    name: '@fastify/websocket handler (.mjs, default import)',
    code: `import client from 'prom-client';
const active = new client.Gauge({ name: 'a', help: 'h' });
fastify.get('/ws', { websocket: true }, async (socket, req) => {
  active.inc();
  if (!req.headers.authorization) return socket.close();
  try {
    await serve(socket);
  } finally {
    active.dec();
  }
});
`,
    filename: 'module.mjs',
    errors: [{ messageId: 'exitBeforeTry', line: 4, data: { gauge: 'active', exit: 'return', line: '5' } }],
  },
  {
    name: 'socket.io handler (.js), hoisted function declaration',
    code: `${GAUGE}io.on('connection', onConnection);
function onConnection(socket) {
  active.inc();
  socket.on('disconnect', () => active.dec());
}
`,
    filename: 'script.js',
    errors: [
      { messageId: 'unpairedInc', line: 5, data: { gauge: 'active', handler: WS } },
      { messageId: 'decOutsideFinally', line: 6 },
    ],
  },
  {
    name: 'TSX file, class member gauge',
    code: `import { Gauge } from 'prom-client';
const view = <div />;
class Server {
  private readonly open = new Gauge({ name: 'open', help: 'h' });
  start() {
    this.wss.on('connection', (ws) => {
      this.open.inc();
      ws.once('close', () => this.open.dec());
    });
  }
}
`,
    filename: 'react.tsx',
    errors: [
      { messageId: 'unpairedInc', line: 7, data: { gauge: 'this.open', handler: WS } },
      { messageId: 'decOutsideFinally', line: 8 },
    ],
  },
  // -- options ------------------------------------------------------------------------------------------
  {
    name: 'additionalHandlers scopes the rule to a custom registration',
    code: `${GAUGE}hub.onClient((client) => {
  active.inc();
  client.on('gone', () => active.dec());
});
`,
    options: [{ additionalHandlers: [{ object: 'hub', method: 'onClient' }] }],
    errors: [
      { messageId: 'unpairedInc', line: 4, data: { gauge: 'active', handler: '`onClient` handler' } },
      { messageId: 'decOutsideFinally', line: 5 },
    ],
  },
  {
    name: 'gauges names receivers the file cannot resolve: a dotted path exactly, a bare name by its last part',
    code: `import { metrics } from './metrics.js';
wss.on('connection', async (ws) => {
  metrics.connections.inc();
  await ready(ws);
  try {
    await serve(ws);
  } finally {
    metrics.connections.dec();
  }
  sessions.inc();
  other.connections.inc();
});
`,
    options: [{ gauges: ['metrics.connections', 'sessions'] }],
    errors: [
      { messageId: 'exitBeforeTry', line: 3, data: { gauge: 'metrics.connections', exit: 'await', line: '4' } },
      { messageId: 'unpairedInc', line: 10, data: { gauge: 'sessions', handler: WS } },
    ],
  },
  {
    name: 'gauges: a bare name matches a this-property too',
    code: `class Server {
  listen() {
    this.wss.on('connection', (ws) => {
      this.sessions.inc();
    });
  }
}
`,
    options: [{ gauges: ['sessions'] }],
    errors: [{ messageId: 'unpairedInc', line: 4, data: { gauge: 'this.sessions', handler: WS } }],
  },
];

describe('require-paired-gauge', () => {
  untypedRuleTester.run('untyped', rule, { valid, invalid });
  typedRuleTester.run('typed', rule, { valid, invalid });
});

// -- typed: prom-client's real declarations ---------------------------------------------------------------

const promClientProject = createPromClientProject('ghostguard-paired-gauge-');
afterAll(() => fs.rmSync(promClientProject, { recursive: true, force: true }));

const promClientTypedTester = new RuleTester({
  languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: promClientProject } },
  defaultFilenames: { ts: 'metrics.ts', tsx: 'metrics.tsx' },
});

/** A registration the handler detector knows, typed so the project type-checks without `ws`. */
const SERVER = `declare const wss: { on(event: 'connection', listener: (ws: { close(): void }) => void): void };
declare function serve(ws: unknown): Promise<void>;
`;

promClientTypedTester.run('require-paired-gauge (prom-client types)', rule, {
  valid: [
    {
      name: 'typed gauge parameters and Gauge.Internal children, paired',
      code: `import type { Gauge } from 'prom-client';
${SERVER}export function attach(active: Gauge<'route'>, child: Gauge.Internal<'route'>, weight: number) {
  wss.on('connection', async (ws) => {
    try {
      active.inc(weight);
      child.inc();
      await serve(ws);
    } finally {
      active.dec(weight);
      child.dec(1);
    }
  });
}
`,
    },
    {
      name: 'a typed Counter, and a local class called Gauge, are not checked',
      code: `import type { Counter } from 'prom-client';
${SERVER}class Gauge { inc(): void {} dec(): void {} }
export function attach(requests: Counter, open: Gauge) {
  wss.on('connection', (ws) => {
    requests.inc();
    open.inc();
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'typed gauge parameter and child: unpaired, outside finally, amount mismatch known from the type',
      code: `import type { Gauge } from 'prom-client';
${SERVER}export function attach(active: Gauge, child: Gauge.Internal<'route'>, weight: number) {
  wss.on('connection', async (ws) => {
    child.inc();
    try {
      active.inc(weight);
      await serve(ws);
    } finally {
      active.dec();
    }
    child.dec();
  });
}
`,
      errors: [
        { messageId: 'unpairedInc', line: 6, data: { gauge: 'child', handler: WS } },
        { messageId: 'mismatchedDec', line: 11, data: { gauge: 'active', line: '8', difference: 'it decrements by a different amount' } },
        { messageId: 'decOutsideFinally', line: 13 },
      ],
    },
    {
      name: 'a typed registry property; a string-typed labels() argument is a positional value',
      code: `import type { Gauge } from 'prom-client';
${SERVER}declare const registry: { open: Gauge<'route'> };
export function attach(route: string) {
  wss.on('connection', async (ws) => {
    try {
      registry.open.labels(route).inc();
      await serve(ws);
    } finally {
      registry.open.labels('ws').dec();
    }
    registry.open.inc();
  });
}
`,
      errors: [
        { messageId: 'mismatchedDec', line: 11, data: { gauge: "registry.open.labels('ws')", line: '8', difference: 'its labels differ' } },
        { messageId: 'unpairedInc', line: 13, data: { gauge: 'registry.open', handler: WS } },
      ],
    },
  ],
});

// -- default parser (espree), options schema --------------------------------------------------------------

const plugin = { rules: { 'require-paired-gauge': rule as never } };

describe('require-paired-gauge with the default parser (espree)', () => {
  const code = `
const { Gauge } = require('prom-client');
const active = new Gauge({ name: 'a', help: 'h' });
new (require('ws').WebSocketServer)({ port: 0 }).on('connection', async (ws) => {
  active.inc();
  await ready(ws);
  try { await serve(ws); } finally { active.dec(); }
});
`;

  it.each(['module', 'commonjs'] as const)('reports without typescript-eslint parser services (%s)', (sourceType) => {
    const messages = new Linter({ configType: 'flat' }).verify(code, {
      languageOptions: { sourceType },
      plugins: { ghostguard: plugin },
      rules: { 'ghostguard/require-paired-gauge': 'error' },
    });
    expect(messages.map((m) => [m.ruleId, m.line, m.column])).toEqual([['ghostguard/require-paired-gauge', 5, 3]]);
    expect(messages[0]?.message).toBe(
      '`active.inc()` runs before the `try` whose `finally` decrements it, and the `await` on line 6 leaves before that `try` starts: the gauge then counts a ghost connection forever. Make the `inc()` the first statement inside the `try`, or let `superviseSession({ gauge })` from @ghostguard/runtime own the gauge.',
    );
  });
});

describe('require-paired-gauge options schema', () => {
  function lintWith(options: unknown): Linter.LintMessage[] {
    return new Linter({ configType: 'flat' }).verify("import 'prom-client';", {
      plugins: { ghostguard: plugin },
      rules: { 'ghostguard/require-paired-gauge': ['error', options] },
    });
  }

  it('accepts every documented option', () => {
    expect(lintWith({ additionalHandlers: [{ method: 'onClient', object: 'hub' }], gauges: ['metrics.connections', 'open'] })).toEqual([]);
  });

  it.each([
    [{ gauge: ['open'] }, /Unexpected property "gauge"\. Expected properties: "additionalHandlers", "gauges"/],
    [{ gauges: 'open' }, /Value "open" should be array/],
    [{ gauges: [''] }, /Value "" should NOT be shorter than 1 characters/],
    [{ gauges: ['open', 'open'] }, /should NOT have duplicate items/],
    [{ additionalHandlers: [{ object: 'hub' }] }, /required property 'method'/],
  ])('rejects %j', (options, pattern) => {
    expect(() => lintWith(options)).toThrow(pattern);
  });
});
