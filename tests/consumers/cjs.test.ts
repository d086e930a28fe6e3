/** CommonJS projects (no `"type"`, as `npm init -y` makes them): `require` of both packages. */
import { describe, expect, it } from 'vitest';
import { sessionProgram } from './fixtures.js';
import { createConsumerProject, readmeSnippet, summarise } from './harness.js';
import { pluginReadme } from './paths.js';

describe('CommonJS project (ESLint 9 kind)', () => {
  it('requires the runtime and runs a supervised ws session: gauge 1 while connected, 0 after', async () => {
    const project = await createConsumerProject({ kind: 'eslint9-ts-jest', type: 'commonjs', files: { 'server.js': sessionProgram('cjs') } });
    const { code, stdout, stderr } = await project.run('node', ['server.js']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ during: 1, after: 0, reason: 'disconnect' });
  });

  it('require("@ghostguard/eslint-plugin") is the plugin: configs, rules, meta, and .default pointing back', async () => {
    const project = await createConsumerProject({
      kind: 'eslint9-ts-jest',
      type: 'commonjs',
      files: {
        'shape.js': `const ghostguard = require('@ghostguard/eslint-plugin');
console.log(JSON.stringify({
  configs: Object.keys(ghostguard.configs),
  rules: Object.keys(ghostguard.rules).length,
  name: ghostguard.meta.name,
  defaultIsPlugin: ghostguard.default === ghostguard,
  keys: Object.keys(ghostguard),
  carriesItself: ghostguard.configs.recommended.plugins.ghostguard === ghostguard,
}));
`,
      },
    });
    const { code, stdout, stderr } = await project.run('node', ['shape.js']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      configs: ['recommended', 'recommended-type-checked', 'strict', 'with-typescript-eslint'],
      rules: expect.any(Number) as number,
      name: '@ghostguard/eslint-plugin',
      defaultIsPlugin: true,
      keys: ['meta', 'rules', 'configs'],
      carriesItself: true,
    });
  });

  it.each([
    ['eslint.config.mjs', 1],
    ['eslint.config.js', 2],
  ] as const)('the README config works as %s in a CommonJS project', async (file, block) => {
    const project = await createConsumerProject({
      kind: 'eslint9-ts-jest',
      type: 'commonjs',
      files: { [file]: await readmeSnippet(pluginReadme, 'Install', block), 'worker.js': 'async function work() {}\nwork();\n' },
    });
    expect(summarise(await project.lint(['worker.js']))).toEqual(['worker.js:2 ghostguard/no-detached-task']);
  });
});
