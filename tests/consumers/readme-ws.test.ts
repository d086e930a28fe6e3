/**
 * The root README's `ws` handler, exactly as written, in a consumer project: the snippet runs
 * against the packed runtime and a real `ws` server, with small implementations of the names it
 * uses without declaring them (`receiveLoop`, `flushTranscripts`, `processPending`; the README
 * snippet harness in packages/runtime/tests/readme checks the same snippet against the workspace).
 * TypeScript is only stripped (with the project's own `typescript`): the consumer kinds do not
 * install @types/ws, and the type check is that harness's job.
 */
import { describe, expect, it } from 'vitest';
import { createConsumerProject, readmeSnippet } from './harness.js';
import { rootReadme } from './paths.js';

/** The names the snippet uses without declaring them: a receive loop, a flush, pending work. */
const PLACEHOLDERS = `import { on } from 'node:events';
import { sleepUntilShutdown } from '@ghostguard/runtime';

export async function receiveLoop(ws, signal) {
  try {
    for await (const [data] of on(ws, 'message', { signal })) ws.send(String(data));
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
export async function flushTranscripts() {}
export async function processPending(signal) {
  await sleepUntilShutdown(signal, 10);
}
`;

const TRANSPILE = `const { readFileSync, writeFileSync } = require('node:fs');
const ts = require('typescript');
const source = readFileSync('snippet.ts', 'utf8');
const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
writeFileSync('snippet.mjs', outputText);
`;

/**
 * Connects a client, checks the gauge reads 1 and the handler echoes, then leaves cleanly; again,
 * dropping its TCP socket. After each, the gauge must read 0 within 1 s. Prints what it saw.
 */
const MAIN = `import { WebSocket } from 'ws';
import { connections, wss } from './snippet.mjs';

const gauge = async () => (await connections.get()).values[0]?.value ?? 0;
async function settles(expected) {
  const deadline = performance.now() + 1_000;
  while ((await gauge()) !== expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return gauge();
}
if (!wss.address()) await new Promise((resolve) => wss.once('listening', resolve));
const seen = [];
for (const leave of ['clean', 'abrupt']) {
  const client = new WebSocket('ws://127.0.0.1:' + wss.address().port);
  await new Promise((resolve, reject) => { client.once('open', resolve); client.once('error', reject); });
  const during = await settles(1);
  const echo = new Promise((resolve) => client.once('message', (data) => resolve(String(data))));
  client.send('hello ' + leave);
  const echoed = await echo;
  client.on('error', () => undefined);
  if (leave === 'clean') client.close(1000);
  else client._socket.destroy();
  seen.push({ leave, during, echoed, after: await settles(0), clients: wss.clients.size });
}
wss.close();
console.log(JSON.stringify(seen));
`;

describe("the root README's ws handler in a consumer project (packed tarballs, ESLint 10 kind)", () => {
  it('runs against a real ws server: gauge 1 while connected, 0 within 1 s after a clean and an abrupt disconnect', async () => {
    const snippet = await readmeSnippet(rootReadme, '`ws`');
    const project = await createConsumerProject({
      kind: 'eslint10-ts',
      type: 'module',
      files: {
        'placeholders.mjs': PLACEHOLDERS,
        // The snippet verbatim, with its undeclared names imported and its server and gauge exported.
        'snippet.ts': `import { flushTranscripts, processPending, receiveLoop } from './placeholders.mjs';\n${snippet}\nexport { connections, wss };\n`,
        'transpile.cjs': TRANSPILE,
        'main.mjs': MAIN,
      },
    });
    const transpiled = await project.run('node', ['transpile.cjs']);
    expect(transpiled.stderr).toBe('');
    const { code, stdout, stderr } = await project.run('node', ['main.mjs'], { timeoutMs: 30_000 });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      { leave: 'clean', during: 1, echoed: 'hello clean', after: 0, clients: 0 },
      { leave: 'abrupt', during: 1, echoed: 'hello abrupt', after: 0, clients: 0 },
    ]);
  });
});
