import type { InvalidTestCase, ValidTestCase } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/require-drain-in-finally.js';
import { commonJsLanguageOptions, typedRuleTester, untypedRuleTester } from '../rule-tester.js';

type MessageIds = 'missingDrain' | 'drainOutsideFinally' | 'drainBeforeSupervise' | 'suggestMoveIntoFinally';
type Options = [
  { additionalHandlers?: { method: string; object?: string; event?: string; properties?: string[] }[]; drainFunctions?: string[] },
];

const IMPORT = `import { createNamedTask, drainTasks, superviseTasks } from '@ghostguard/runtime';`;
const HANDLER = "`'connection'` listener";

const valid: (ValidTestCase<Options> | string)[] = [
  // The compliant form: supervise in the try, drain in its finally.
  `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('receive', (signal) => receive(ws, signal), { tasks });
  createNamedTask('heartbeat', (signal) => heartbeat(ws, signal), { tasks });
  try {
    await superviseTasks(tasks, { label: 'ws', signal });
  } finally {
    await drainTasks(tasks, { label: 'ws', timeoutMs: 30_000 });
  }
});
`,
  // superviseSession supervises and drains the session's tasks itself, in its own finally.
  `
import { superviseSession, watchWebSocket } from '@ghostguard/runtime';
wss.on('connection', async (ws) => {
  const watch = watchWebSocket(ws);
  try {
    await superviseSession({ label: 'ws', signal: watch.signal }, (session) => {
      session.lifetime('receive', (signal) => receive(ws, signal));
      session.finite('upload', (signal) => upload(ws, signal));
    });
  } finally {
    watch.dispose();
  }
});
`,
  // A Session handed to a helper: only superviseSession creates one, and it drains it.
  `
import { superviseSession } from '@ghostguard/runtime';
wss.on('connection', async (ws) => {
  const poll = (session) => session.finite('poll', (signal) => pollOnce(ws, signal));
  await superviseSession({ label: 'ws', signal }, (session) => {
    session.lifetime('receive', (signal) => receive(ws, signal));
    poll(session);
  });
});
`,
  // A server-wide set (declared outside the handler) is drained when the server closes, not per connection.
  `
${IMPORT}
const connections = new Set();
wss.on('connection', (ws) => {
  createNamedTask('connection', () => runSession(ws), { tasks: connections });
});
`,
  // Outside any connection handler.
  `
${IMPORT}
async function job() {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
}
`,
  // No task set, or a set the handler did not create (a parameter, a call result, a reassigned variable).
  `
${IMPORT}
wss.on('connection', (ws) => {
  createNamedTask('a', (signal) => a(signal));
  createNamedTask('b', (signal) => b(signal), { signal });
  createNamedTask('c', (signal) => c(signal), options);
  createNamedTask('d', (signal) => d(signal), { ...options });
});
`,
  `
${IMPORT}
wss.on('connection', (ws) => {
  const start = (tasks) => createNamedTask('a', (signal) => a(signal), { tasks });
  const shared = registry.tasksFor(ws);
  createNamedTask('b', (signal) => b(signal), { tasks: shared });
  let later = new Set();
  later = new Set();
  createNamedTask('c', (signal) => c(signal), { tasks: later });
  createNamedTask('d', (signal) => d(signal), { tasks: this.tasks });
  createNamedTask('e', (signal) => e(signal), { tasks: conn[key] });
});
`,
  // Not the global Set.
  `
${IMPORT}
import { Set } from 'immutable';
wss.on('connection', (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
});
`,
  // Not the runtime's createNamedTask.
  `
import { drainTasks } from '@ghostguard/runtime';
import { createNamedTask } from './tasks.js';
wss.on('connection', (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
});
`,
  // A file that never names the runtime.
  `
function createNamedTask() {}
wss.on('connection', (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
});
`,
  // Aliased and namespace imports, options through a const, a copy of the set, a member-path set.
  `
import { createNamedTask as spawn, drainTasks as drain, superviseTasks as supervise } from '@ghostguard/runtime';
wss.on('connection', async (ws) => {
  const tasks = new Set();
  const taskOptions = { tasks, logger };
  spawn('a', (signal) => a(signal), taskOptions);
  try {
    await supervise(tasks, { label: 'ws' });
  } finally {
    await drain([...tasks], { label: 'ws', timeoutMs: 1000 });
  }
});
`,
  `
import * as rt from '@ghostguard/runtime';
wss.on('connection', async (ws) => {
  const conn = { id: 1, tasks: new Set() };
  rt.createNamedTask('a', (signal) => a(signal), { tasks: conn.tasks });
  try {
    await rt.superviseTasks(conn.tasks, { label: 'ws' });
  } finally {
    await rt.drainTasks(conn.tasks, { label: 'ws', timeoutMs: 1000 });
  }
});
`,
  // Supervised before the try; drained in a finally with no supervisor at all.
  `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  const exit = await superviseTasks(tasks, { label: 'ws' });
  try {
    log(exit);
  } finally {
    await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
  }
});
`,
  `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await once(ws, 'close');
  } finally {
    void drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
  }
});
`,
  // A drain inside a nested function's own try/finally.
  `
${IMPORT}
wss.on('connection', (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  ws.once('close', async () => {
    try {
      await superviseTasks(tasks, { label: 'ws' });
    } finally {
      await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
    }
  });
});
`,
  // TypeScript: typed set, assertions.
  `
${IMPORT}
import type { Task } from '@ghostguard/runtime';
wss.on('connection', async (ws: WebSocket) => {
  const tasks = new Set<Task>() as Set<Task>;
  createNamedTask('a', (signal: AbortSignal) => a(signal), { tasks } as const);
  try {
    await superviseTasks(tasks!, { label: 'ws' });
  } finally {
    await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
  }
});
declare const wss: { on(event: string, fn: (ws: WebSocket) => Promise<void>): void };
declare function a(signal: AbortSignal): Promise<void>;
`,
  // CommonJS, destructured and whole-module require.
  {
    code: `
const { createNamedTask, drainTasks, superviseTasks } = require('@ghostguard/runtime');
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await superviseTasks(tasks, { label: 'ws' });
  } finally {
    await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
  }
});
`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
  },
  {
    code: `
const rt = require('@ghostguard/runtime');
wss.on('connection', async (ws) => {
  const tasks = new Set();
  rt.createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await rt.superviseTasks(tasks, { label: 'ws' });
  } finally {
    await rt.drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
  }
});
`,
    filename: 'script.js',
  },
  // The set is handed to a helper, stored, returned or aliased: it may be drained where the rule cannot see.
  `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await superviseTasks(tasks, { label: 'ws' });
  } finally {
    await teardown(tasks);
  }
});
`,
  `
${IMPORT}
wss.on('connection', (ws) => {
  const conn = { id: ws.id, tasks: new Set() };
  createNamedTask('a', (signal) => a(signal), { tasks: conn.tasks });
  connections.register(conn);
});
`,
  `
${IMPORT}
wss.on('connection', (ws) => {
  const tasks = new Set();
  const all = [...tasks];
  createNamedTask('a', (signal) => a(signal), { tasks });
  sessions.set(ws, { tasks });
});
`,
  // One drain in a finally covers every path; an extra early drain after supervision is harmless.
  `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    const exit = await superviseTasks(tasks, { label: 'ws' });
    if (exit.reason === 'crash') await drainTasks(tasks, { label: 'ws', timeoutMs: 0 });
  } finally {
    await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
  }
});
`,
  // Odd shapes never crash the rule.
  `
${IMPORT}
drainTasks();
superviseTasks();
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask();
  createNamedTask(...args);
  createNamedTask('a', body, { tasks: undefined });
  createNamedTask('b', body, { [key]: tasks });
  createNamedTask('c', body, { ['tasks']: tasks });
  try {
    await superviseTasks(...lists);
  } finally {
    await drainTasks(...lists);
    await drainTasks(tasks);
  }
});
`,
  // Registered through a call that is not a handler unless configured.
  `
${IMPORT}
hub.onClient((client) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
});
`,
];

const invalid: InvalidTestCase<MessageIds, Options>[] = [
  // No drain at all (reported once per set, at its first task).
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('receive', (signal) => receive(ws, signal), { tasks });
  createNamedTask('heartbeat', (signal) => heartbeat(ws, signal), { tasks });
  await superviseTasks(tasks, { label: 'ws' });
});
`,
    errors: [{ messageId: 'missingDrain', data: { set: 'tasks', handler: HANDLER }, line: 5, column: 3 }],
  },
  // Reading the set (size, add, iteration) does not drain it, nor does passing another property of its holder.
  {
    code: `
${IMPORT}
wss.on('connection', (ws) => {
  const tasks = new Set();
  const conn = { id: 1, tasks: new Set() };
  createNamedTask('a', (signal) => a(signal), { tasks });
  createNamedTask('b', (signal) => b(signal), { tasks: conn.tasks });
  log(tasks.size, conn.id, conn.tasks.size);
  ws.on('close', () => {
    for (const task of tasks) task.abort();
  });
});
`,
    errors: [
      { messageId: 'missingDrain', data: { set: 'tasks', handler: HANDLER }, line: 6 },
      { messageId: 'missingDrain', data: { set: 'conn.tasks', handler: HANDLER }, line: 7 },
    ],
  },
  // A home-made session (not superviseSession's): its lifetime() puts tasks into the handler's set.
  {
    code: `
import { createNamedTask } from '@ghostguard/runtime';
wss.on('connection', (ws) => {
  const tasks = new Set();
  const session = { lifetime: (name, body) => createNamedTask(name, body, { tasks }) };
  session.lifetime('receive', (signal) => receive(ws, signal));
});
`,
    errors: [{ messageId: 'missingDrain', data: { set: 'tasks', handler: HANDLER }, line: 5, column: 47 }],
  },
  // drainFunctions: your own drain helpers count as drains, and are held to the same rules.
  {
    code: `
import { createNamedTask as spawn, superviseTasks, drainTasks as drain } from '@ghostguard/runtime';
wss.on('connection', async (ws) => {
  const tasks = new Set();
  const other = new Set();
  spawn('a', (signal) => a(signal), { tasks });
  spawn('b', (signal) => b(signal), { tasks: other });
  try {
    await superviseTasks(tasks, { label: 'ws' });
  } finally {
    await teardown(tasks);
  }
  await conn.drainAll(other);
  drain(other);
  flush(other);
});
`,
    options: [{ drainFunctions: ['teardown', 'conn.drainAll'] }],
    errors: [
      {
        messageId: 'drainOutsideFinally',
        data: { set: 'other', drain: 'conn.drainAll' },
        line: 13,
        suggestions: [
          {
            messageId: 'suggestMoveIntoFinally',
            output: `
import { createNamedTask as spawn, superviseTasks, drainTasks as drain } from '@ghostguard/runtime';
wss.on('connection', async (ws) => {
  const tasks = new Set();
  const other = new Set();
  spawn('a', (signal) => a(signal), { tasks });
  spawn('b', (signal) => b(signal), { tasks: other });
  try {
    await superviseTasks(tasks, { label: 'ws' });
  } finally {
    await teardown(tasks);
    await conn.drainAll(other);
  }
  drain(other);
  flush(other);
});
`,
          },
        ],
      },
      { messageId: 'drainOutsideFinally', data: { set: 'other', drain: 'drain' }, line: 14, suggestions: [] },
    ],
  },
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await helpers.teardown(tasks);
    await superviseTasks(tasks, { label: 'ws' });
  } finally {
    ws.close();
  }
});
`,
    options: [{ drainFunctions: ['teardown'] }],
    errors: [{ messageId: 'drainBeforeSupervise', data: { set: 'tasks', drain: 'helpers.teardown' }, line: 7 }],
  },
  // Two sets: only the undrained one.
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const lifetime = new Set();
  const finite = new Set();
  createNamedTask('receive', (signal) => receive(ws, signal), { tasks: lifetime });
  createNamedTask('upload', (signal) => upload(ws, signal), { tasks: finite });
  try {
    await superviseTasks(lifetime, { label: 'ws' });
  } finally {
    await drainTasks(lifetime, { label: 'ws', timeoutMs: 1000 });
  }
});
`,
    errors: [{ messageId: 'missingDrain', data: { set: 'finite', handler: HANDLER }, line: 7 }],
  },
  // Tasks of the handler's own set inside a superviseSession setup are not the session's: it does not drain them.
  {
    code: `
import { createNamedTask, superviseSession } from '@ghostguard/runtime';
wss.on('connection', async (ws) => {
  const tasks = new Set();
  await superviseSession({ label: 'ws', signal }, (session) => {
    session.lifetime('receive', (s) => receive(ws, s));
    createNamedTask('upload', (s) => upload(ws, s), { tasks });
  });
});
`,
    errors: [{ messageId: 'missingDrain', line: 7 }],
  },
  // A per-connection object holding the set (a home-made session), namespace import.
  {
    code: `
import * as rt from '@ghostguard/runtime';
wss.on('connection', (ws) => {
  const session = { ws, tasks: new Set() };
  rt.createNamedTask('a', (signal) => a(signal), { tasks: session.tasks });
});
`,
    errors: [{ messageId: 'missingDrain', data: { set: 'session.tasks', handler: HANDLER } }],
  },
  // Draining a different property of the same object is not draining this set.
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const conn = { tasks: new Set(), other: new Set() };
  createNamedTask('a', (signal) => a(signal), { tasks: conn.tasks });
  try {
    await superviseTasks(conn.tasks, { label: 'ws' });
  } finally {
    await drainTasks(conn.other, { label: 'ws', timeoutMs: 1000 });
  }
});
`,
    errors: [{ messageId: 'missingDrain', data: { set: 'conn.tasks', handler: HANDLER } }],
  },
  // Aliased import, options through a const; inside a nested function of the handler.
  {
    code: `
import { createNamedTask as spawn } from '@ghostguard/runtime';
wss.on('connection', (ws) => {
  ws.on('message', () => {
    const tasks = new Set();
    const opts = { tasks };
    spawn('a', (signal) => a(signal), opts);
  });
});
`,
    errors: [{ messageId: 'missingDrain', line: 7 }],
  },
  // Other handler kinds: express-ws, @fastify/websocket.
  {
    code: `
${IMPORT}
app.ws('/listen', (ws, req) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
});
fastify.get('/listen', { websocket: true }, (socket) => {
  const tasks = new Set();
  createNamedTask('b', (signal) => b(signal), { tasks });
});
`,
    errors: [
      { messageId: 'missingDrain', data: { set: 'tasks', handler: 'express-ws route handler' }, line: 5 },
      { messageId: 'missingDrain', data: { set: 'tasks', handler: '@fastify/websocket handler' }, line: 9 },
    ],
  },
  // additionalHandlers.
  {
    code: `
${IMPORT}
hub.onClient((client) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
});
`,
    options: [{ additionalHandlers: [{ object: 'hub', method: 'onClient' }] }],
    errors: [{ messageId: 'missingDrain', data: { set: 'tasks', handler: '`onClient` handler' } }],
  },
  // CommonJS require, whole module.
  {
    code: `
const rt = require('@ghostguard/runtime');
wss.on('connection', (ws) => {
  const tasks = new Set();
  rt.createNamedTask('a', (signal) => a(signal), { tasks });
});
`,
    filename: 'common.cjs',
    languageOptions: commonJsLanguageOptions,
    errors: [{ messageId: 'missingDrain' }],
  },
  {
    code: `
import { createNamedTask } from '@ghostguard/runtime';
wss.on('connection', (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
});
`,
    filename: 'module.mjs',
    errors: [{ messageId: 'missingDrain' }],
  },
  // A drain after the try/finally: moved into the existing finally.
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await superviseTasks(tasks, { label: 'ws' });
  } finally {
    watch.dispose();
  }
  await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
});
`,
    errors: [
      {
        messageId: 'drainOutsideFinally',
        data: { set: 'tasks', drain: 'drainTasks' },
        line: 11,
        column: 9,
        suggestions: [
          {
            messageId: 'suggestMoveIntoFinally',
            output: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await superviseTasks(tasks, { label: 'ws' });
  } finally {
    watch.dispose();
    await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
  }
});
`,
          },
        ],
      },
    ],
  },
  // After a try/catch: a finally is created; a multi-line drain is re-indented; tabs and no semicolons.
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
\tconst tasks = new Set()
\tcreateNamedTask('a', (signal) => a(signal), { tasks })
\ttry {
\t\tawait superviseTasks(tasks, { label: 'ws' })
\t} catch (error) {
\t\treturn log(error)
\t}
\tvoid drainTasks(tasks, {
\t\tlabel: 'ws',
\t\ttimeoutMs: 1000,
\t})
})
`,
    errors: [
      {
        messageId: 'drainOutsideFinally',
        line: 11,
        suggestions: [
          {
            messageId: 'suggestMoveIntoFinally',
            output: `
${IMPORT}
wss.on('connection', async (ws) => {
\tconst tasks = new Set()
\tcreateNamedTask('a', (signal) => a(signal), { tasks })
\ttry {
\t\tawait superviseTasks(tasks, { label: 'ws' })
\t} catch (error) {
\t\treturn log(error)
\t} finally {
\t\tvoid drainTasks(tasks, {
\t\t\tlabel: 'ws',
\t\t\ttimeoutMs: 1000,
\t\t})
\t}
})
`,
          },
        ],
      },
    ],
  },
  // An empty finally; four-space indentation; a statement without await.
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
    const tasks = new Set();
    createNamedTask('a', (signal) => a(signal), { tasks });
    try {
        await superviseTasks(tasks, { label: 'ws' });
    } finally {}
    drainTasks(tasks, { label: 'ws', timeoutMs: 1000 }).then(report);
});
`,
    errors: [
      {
        messageId: 'drainOutsideFinally',
        suggestions: [
          {
            messageId: 'suggestMoveIntoFinally',
            output: `
${IMPORT}
wss.on('connection', async (ws) => {
    const tasks = new Set();
    createNamedTask('a', (signal) => a(signal), { tasks });
    try {
        await superviseTasks(tasks, { label: 'ws' });
    } finally {
        drainTasks(tasks, { label: 'ws', timeoutMs: 1000 }).then(report);
    }
});
`,
          },
        ],
      },
    ],
  },
  // A template literal in the moved statement is kept byte for byte.
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await superviseTasks(tasks, { label: 'ws' });
  } finally {
  }
  await drainTasks(tasks, { label: \`ws
\`, timeoutMs: 1000 });
});
`,
    errors: [
      {
        messageId: 'drainOutsideFinally',
        suggestions: [
          {
            messageId: 'suggestMoveIntoFinally',
            output: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await superviseTasks(tasks, { label: 'ws' });
  } finally {
    await drainTasks(tasks, { label: \`ws
\`, timeoutMs: 1000 });
  }
});
`,
          },
        ],
      },
    ],
  },
  // No suggestion: the finally returns (the drain would never run), declares a name the drain uses,
  // a comment sits in between, or the drain does not directly follow a try.
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await superviseTasks(tasks, { label: 'ws' });
  } finally {
    if (closed) return;
  }
  await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
});
`,
    errors: [{ messageId: 'drainOutsideFinally', suggestions: [] }],
  },
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  const label = 'ws';
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await superviseTasks(tasks, { label });
  } finally {
    const label = 'other';
    log(label);
  }
  await drainTasks(tasks, { label, timeoutMs: 1000 });
});
`,
    errors: [{ messageId: 'drainOutsideFinally', suggestions: [] }],
  },
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await superviseTasks(tasks, { label: 'ws' });
  } finally {
    watch.dispose(); // stop watching
  }
  // then drain
  await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
});
`,
    errors: [{ messageId: 'drainOutsideFinally', suggestions: [] }],
  },
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  const exit = await superviseTasks(tasks, { label: 'ws' });
  const report = await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
  log(exit, report);
});
`,
    errors: [{ messageId: 'drainOutsideFinally', line: 7, suggestions: [] }],
  },
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set()
  createNamedTask('a', (signal) => a(signal), { tasks })
  try {
    await superviseTasks(tasks, { label: 'ws' })
  } finally {
    watch.dispose()
  }
  (await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 })).stuck.forEach(report)
})
`,
    errors: [{ messageId: 'drainOutsideFinally', suggestions: [] }],
  },
  // A drain in a close listener is not in a finally.
  {
    code: `
${IMPORT}
wss.on('connection', (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  ws.on('close', () => drainTasks(tasks, { label: 'ws', timeoutMs: 1000 }));
});
`,
    errors: [{ messageId: 'drainOutsideFinally', suggestions: [] }],
  },
  // A drain in the try before the supervisor.
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await drainTasks(tasks, { label: 'ws', timeoutMs: 0 });
    await superviseTasks(tasks, { label: 'ws' });
  } finally {
    await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
  }
});
`,
    errors: [{ messageId: 'drainBeforeSupervise', data: { set: 'tasks', drain: 'drainTasks' }, line: 7, column: 11 }],
  },
  // Supervision in the finally, after the drain.
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await once(ws, 'close');
  } finally {
    await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
    await superviseTasks(tasks, { label: 'ws' });
  }
});
`,
    errors: [{ messageId: 'drainBeforeSupervise', line: 9 }],
  },
  // Supervision after the try statement; a drain of a copy of the set.
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await once(ws, 'close');
  } finally {
    await drainTasks([...tasks], { label: 'ws', timeoutMs: 1000 });
  }
  await superviseTasks(tasks.values(), { label: 'ws' });
});
`,
    errors: [{ messageId: 'drainBeforeSupervise', line: 9 }],
  },
  // One drain of two owned sets is reported once.
  {
    code: `
${IMPORT}
wss.on('connection', async (ws) => {
  const a = new Set();
  const b = new Set();
  createNamedTask('a', (signal) => x(signal), { tasks: a });
  createNamedTask('b', (signal) => y(signal), { tasks: b });
  await drainTasks([...a, ...b], { label: 'ws', timeoutMs: 1000 });
});
`,
    errors: [{ messageId: 'drainOutsideFinally', data: { set: 'a', drain: 'drainTasks' }, line: 8, suggestions: [] }],
  },
  // CommonJS drain after try, in a .js file: the suggestion keeps the require style untouched.
  {
    code: `
const { createNamedTask, drainTasks, superviseTasks } = require('@ghostguard/runtime');
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await superviseTasks(tasks, { label: 'ws' });
  } catch {}
  await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
});
`,
    filename: 'script.js',
    errors: [
      {
        messageId: 'drainOutsideFinally',
        suggestions: [
          {
            messageId: 'suggestMoveIntoFinally',
            output: `
const { createNamedTask, drainTasks, superviseTasks } = require('@ghostguard/runtime');
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await superviseTasks(tasks, { label: 'ws' });
  } catch {} finally {
    await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
  }
});
`,
          },
        ],
      },
    ],
  },
];

describe('require-drain-in-finally', () => {
  untypedRuleTester.run('untyped', rule, { valid, invalid });
  typedRuleTester.run('typed', rule, { valid, invalid });
});

// Types tell a client socket's `'connect'` (its own outgoing connection) from a server connection.
const clientSocket = `
import net from 'node:net';
import { createNamedTask, type Task } from '@ghostguard/runtime';
const socket = net.connect(80, 'example.test');
socket.on('connect', () => {
  const tasks = new Set<Task>();
  createNamedTask('hello', (signal) => hello(socket, signal), { tasks });
});
declare function hello(socket: net.Socket, signal: AbortSignal): Promise<void>;
`;

describe('require-drain-in-finally: type information', () => {
  typedRuleTester.run('typed: client sockets', rule, { valid: [clientSocket], invalid: [] });
  untypedRuleTester.run('untyped: client sockets', rule, {
    valid: [],
    invalid: [{ code: clientSocket, errors: [{ messageId: 'missingDrain', line: 7 }] }],
  });
});

const plugin = { rules: { 'require-drain-in-finally': rule as never } };

describe('require-drain-in-finally with the default parser (espree)', () => {
  const code = `
const { createNamedTask, drainTasks, superviseTasks } = require('@ghostguard/runtime');
wss.on('connection', async (ws) => {
  const tasks = new Set();
  createNamedTask('a', (signal) => a(signal), { tasks });
  try {
    await superviseTasks(tasks, { label: 'ws' });
  } finally {
    log('done');
  }
  await drainTasks(tasks, { label: 'ws', timeoutMs: 1000 });
});
wss.on('connection', (ws) => {
  const more = new Set();
  createNamedTask('b', (signal) => b(signal), { tasks: more });
});
`;

  it.each(['module', 'commonjs'] as const)('reports and suggests without typescript-eslint parser services (%s)', (sourceType) => {
    const messages = new Linter({ configType: 'flat' }).verify(code, {
      languageOptions: { sourceType, ecmaVersion: 2022 },
      plugins: { ghostguard: plugin },
      rules: { 'ghostguard/require-drain-in-finally': 'error' },
    });
    expect(messages.map((m) => [m.messageId, m.line, m.column, m.suggestions?.length ?? 0])).toEqual([
      ['drainOutsideFinally', 11, 9, 1],
      ['missingDrain', 15, 3, 0],
    ]);
    expect(messages[1]?.message).toBe(
      "Tasks started into `more` in this connection handler (`'connection'` listener) are never drained: when the connection ends they keep running and keep the connection reachable. Supervise them with `superviseTasks` in a `try` and call `drainTasks(more, …)` in its `finally`, or start them with `superviseSession`.",
    );
    expect(messages[0]?.suggestions?.[0]?.desc).toBe(
      'Move this drain into the `finally` of the `try` just before it, so it runs however the `try` ends.',
    );
  });
});

describe('require-drain-in-finally options schema', () => {
  function lintWith(options: unknown): Linter.LintMessage[] {
    return new Linter({ configType: 'flat' }).verify('wss.on("connection", () => {});', {
      plugins: { ghostguard: plugin },
      rules: { 'ghostguard/require-drain-in-finally': ['error', options] },
    });
  }

  it('accepts a well-formed pattern list', () => {
    expect(lintWith({ additionalHandlers: [{ method: 'onClient', object: 'hub', event: 'x', properties: ['open'] }] })).toEqual([]);
    expect(lintWith({ drainFunctions: ['teardown', 'conn.drainAll'] })).toEqual([]);
  });

  it.each([
    [{ drainFunction: [] }, /Unexpected property "drainFunction"\. Expected properties: "additionalHandlers", "drainFunctions"/],
    [{ drainFunctions: 'teardown' }, /Value "teardown" should be array/],
    [{ drainFunctions: [''] }, /Value "" should NOT be shorter than 1 characters/],
    [{ drainFunctions: ['a', 'a'] }, /should NOT have duplicate items/],
    [{ additionalHandlers: [{ object: 'hub' }] }, /required property 'method'/],
    [{ additionalHandlers: [{ method: 'on', extra: true }] }, /Unexpected property "extra"/],
    [{ additionalHandlers: 'on' }, /Value "on" should be array/],
  ])('rejects %j', (options, pattern) => {
    expect(() => lintWith(options)).toThrow(pattern);
  });
});
