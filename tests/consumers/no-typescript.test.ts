/** A plain JavaScript project on the oldest supported ESLint with TypeScript not installed at all. */
import { expect, it } from 'vitest';
import { createConsumerProject, summarise } from './harness.js';

it('ESLint 9.0.0 without TypeScript: typescript is not resolvable, and recommended lints JavaScript', async () => {
  const project = await createConsumerProject({
    kind: 'eslint9.0-js',
    type: 'commonjs',
    files: {
      'eslint.config.cjs': "const ghostguard = require('@ghostguard/eslint-plugin');\n\nmodule.exports = [ghostguard.configs.recommended];\n",
      'probe.js': "try { require.resolve('typescript'); console.log('found'); } catch { console.log('absent'); }\n",
      'worker.js': 'async function work() {}\nwork();\n',
    },
  });
  expect((await project.run('node', ['probe.js'])).stdout.trim()).toBe('absent');
  expect((await project.run('eslint', ['--version'])).stdout.trim()).toBe('v9.0.0');
  expect(summarise(await project.lint(['.']))).toEqual(['worker.js:2 ghostguard/no-detached-task']);
});
