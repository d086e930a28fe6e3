/** ES module projects (`"type": "module"`): the runtime over a real `ws` server, and both builds in one process. */
import { describe, expect, it } from 'vitest';
import { sessionProgram } from './fixtures.js';
import { createConsumerProject } from './harness.js';

describe('ESM project (ESLint 10 kind)', () => {
  it('imports the runtime and runs a supervised ws session: gauge 1 while connected, 0 after', async () => {
    const project = await createConsumerProject({ kind: 'eslint10-ts', type: 'module', files: { 'server.js': sessionProgram('esm') } });
    const { code, stdout, stderr } = await project.run('node', ['server.js']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ during: 1, after: 0, reason: 'disconnect' });
  });

  it('an ESM config may combine the plugin with a CommonJS shareable config that requires it (one plugin object)', async () => {
    const project = await createConsumerProject({
      kind: 'eslint10-ts',
      type: 'module',
      files: {
        'shared-config.cjs': "const ghostguard = require('@ghostguard/eslint-plugin');\nmodule.exports = [ghostguard.configs.strict];\n",
        'eslint.config.js': [
          "import ghostguard from '@ghostguard/eslint-plugin';",
          "import shared from './shared-config.cjs';",
          '',
          'export default [ghostguard.configs.recommended, ...shared];',
          '',
        ].join('\n'),
        'clean.js': 'export const answer = 42;\n',
      },
    });
    expect(await project.lint(['clean.js'])).toEqual([]);
  });

  it('the runtime loaded by import and by require in one process shares prom-client metrics and tasks', async () => {
    const project = await createConsumerProject({
      kind: 'eslint10-ts',
      type: 'module',
      files: {
        'dual.js': `import * as esm from '@ghostguard/runtime';
import { createRequire } from 'node:module';
import { register } from 'prom-client';

const cjs = createRequire(import.meta.url)('@ghostguard/runtime');
const quiet = { warn() {}, error() {} };
await esm.gatherWithLogging([async () => 1], { label: 'dual' });
await cjs.gatherWithLogging([async () => { throw new Error('boom'); }], { label: 'dual', logger: quiet });
const failures = await register.getSingleMetric('async_gather_failures_total').get();
const durations = await register.getSingleMetric('async_gather_duration_seconds').get();
const task = esm.createNamedTask('answer', async () => 42);
const exit = await cjs.superviseTasks([task], { label: 'dual' });
console.log(JSON.stringify({
  distinctBuilds: esm.gatherWithLogging !== cjs.gatherWithLogging,
  failures: failures.values.map((v) => v.value),
  observed: durations.values.find((v) => v.metricName === 'async_gather_duration_seconds_count').value,
  exit: exit.reason,
}));
`,
      },
    });
    const { code, stdout, stderr } = await project.run('node', ['dual.js']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ distinctBuilds: true, failures: [1], observed: 2, exit: 'lifetime_done' });
  });
});
