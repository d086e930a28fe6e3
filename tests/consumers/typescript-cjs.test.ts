/**
 * TypeScript compiled to CommonJS (no `"type"` in package.json): `import` compiles to `require`, so
 * both the `require` types and the CommonJS build must be right.
 */
import { describe, expect, it } from 'vitest';
import { createConsumerProject } from './harness.js';

const app = `import { sleepUntilShutdown, superviseSession, type SessionResult } from '@ghostguard/runtime';
import ghostguard from '@ghostguard/eslint-plugin';
import type { GhostguardConfig } from '@ghostguard/eslint-plugin';

const config: GhostguardConfig = ghostguard.configs.recommended;

async function main(): Promise<void> {
  const controller = new AbortController();
  const result: SessionResult = await superviseSession({ label: 'ts-cjs', signal: controller.signal, drainTimeoutMs: 1_000 }, (session) => {
    session.lifetime('tick', async (signal) => {
      while (!(await sleepUntilShutdown(signal, 10)));
    });
    setTimeout(() => controller.abort(), 30);
  });
  console.log(JSON.stringify({ reason: result.exit.reason, name: config.name, usesRequire: typeof require === 'function' }));
}

void main();
`;

const requireStyle = `import ghostguard = require('@ghostguard/eslint-plugin');
import runtime = require('@ghostguard/runtime');

console.log(JSON.stringify({ strict: ghostguard.configs.strict.name, sleep: typeof runtime.sleepUntilShutdown }));
`;

describe('TypeScript compiled to CommonJS (ESLint 9 kind: typescript 5.9, @types/node 20)', () => {
  it.each([
    // Also checks the packages' declaration files.
    ['module node16, skipLibCheck false', { module: 'node16', moduleResolution: 'node16', skipLibCheck: false }],
    // Node10 resolution cannot see subpath exports such as `@typescript-eslint/utils/ts-eslint`, which
    // the plugin's rule types (like typescript-eslint's own) refer to: such projects skip lib checks.
    ['module commonjs, moduleResolution node10, skipLibCheck true', { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true, skipLibCheck: true }],
  ] as const)('%s: type-checks and runs', async (_title, options) => {
    const project = await createConsumerProject({
      kind: 'eslint9-ts-jest',
      type: 'commonjs',
      files: {
        'tsconfig.json': JSON.stringify({
          compilerOptions: { ...options, target: 'ES2022', strict: true, outDir: 'out', rootDir: 'src', types: ['node'] },
          include: ['src'],
        }),
        'src/app.ts': app,
        'src/require-style.ts': requireStyle,
      },
    });
    const tsc = await project.run('tsc', ['-p', '.']);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
    expect(await project.read('out/app.js')).toContain('require("@ghostguard/runtime")');

    const run = await project.run('node', ['out/app.js']);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ reason: 'disconnect', name: 'ghostguard/recommended', usesRequire: true });
    const requireRun = await project.run('node', ['out/require-style.js']);
    expect(JSON.parse(requireRun.stdout)).toEqual({ strict: 'ghostguard/strict', sleep: 'function' });
  });
});
