/**
 * The plugin README's type-checked setup, exactly as written, in TypeScript projects with
 * typescript-eslint: the config file itself lints clean (no project-service parse error) and a
 * dropped promise is reported once, by ghostguard, not also by `no-floating-promises`. Also the
 * root README's untyped "Lint your code" config on a TypeScript file.
 */
import { describe, expect, it } from 'vitest';
import { createConsumerProject, readmeSnippet, summarise } from './harness.js';
import { pluginReadme, rootReadme } from './paths.js';

const tsconfig = `${JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, noEmit: true, types: [] }, include: ['src'] }, null, 2)}\n`;

const handler = `async function save(value: string): Promise<void> {
  await Promise.resolve(value);
}

export function handle(value: string): void {
  save(value);
}
`;

describe('typed lint (README type-checked setup)', () => {
  it.each([
    ['eslint10-ts', 'module', 'eslint.config.js'],
    ['eslint9-ts-jest', 'commonjs', 'eslint.config.mjs'],
  ] as const)('%s, "type": %s, %s: clean config file, each dropped promise reported once', async (kind, type, configFile) => {
    const project = await createConsumerProject({
      kind,
      type,
      files: { [configFile]: await readmeSnippet(pluginReadme, 'Type-checked setup'), 'tsconfig.json': tsconfig, 'src/handler.ts': handler },
    });
    expect(summarise(await project.lint(['.']))).toEqual(['src/handler.ts:6 ghostguard/no-detached-task']);
  });
});

describe('untyped lint of TypeScript (root README "Lint your code")', () => {
  it('eslint10-ts: tseslint.configs.recommended + ghostguard recommended', async () => {
    const project = await createConsumerProject({
      kind: 'eslint10-ts',
      type: 'module',
      files: { 'eslint.config.js': await readmeSnippet(rootReadme, 'Lint your code', 1), 'src/handler.ts': handler },
    });
    expect(summarise(await project.lint(['.']))).toEqual(['src/handler.ts:6 ghostguard/no-detached-task']);
  });
});
