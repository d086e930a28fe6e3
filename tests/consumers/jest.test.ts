/** Jest with its default configuration (babel-jest, CommonJS module registry) requiring both packages. */
import { expect, it } from 'vitest';
import { createConsumerProject } from './harness.js';

const jestTest = `const { createNamedTask, sleepUntilShutdown, superviseTasks } = require('@ghostguard/runtime');
const ghostguard = require('@ghostguard/eslint-plugin');

test('the runtime works under Jest', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 20);
  await expect(sleepUntilShutdown(controller.signal, 60_000)).resolves.toBe(true);
  const task = createNamedTask('answer', async () => 42);
  await expect(superviseTasks([task], { label: 'jest' })).resolves.toMatchObject({ reason: 'lifetime_done' });
});

test('the plugin loads under Jest', () => {
  expect(Object.keys(ghostguard.configs)).toContain('recommended');
  expect(ghostguard.configs.recommended.plugins.ghostguard).toBe(ghostguard);
});
`;

it('Jest 30, default config: a test that requires the runtime and the plugin passes', async () => {
  const project = await createConsumerProject({ kind: 'eslint9-ts-jest', type: 'commonjs', files: { 'ghostguard.test.js': jestTest } });
  const { code, stdout, stderr } = await project.run('jest', ['--ci', '--watchman=false', '--colors=false']);
  expect(stderr + stdout).toMatch(/Tests:\s+2 passed, 2 total/);
  expect(code).toBe(0);
});
