/**
 * `recommended` from a plain JavaScript project on every ESLint kind, with the config in either
 * module system: ESM (`eslint.config.js` with `"type": "module"`, the plugin README's snippet) and
 * CommonJS (`eslint.config.cjs` with `require('@ghostguard/eslint-plugin').configs.recommended`).
 * `--fix` must insert an `import`/`require` of `@ghostguard/runtime` that loads and runs.
 */
import { describe, expect, it } from 'vitest';
import { hazardsProgram, runHeartbeat, type ModuleSystem } from './fixtures.js';
import { createConsumerProject, readmeSnippet, type LintMessage } from './harness.js';
import { KINDS, type KindName } from './kinds.js';
import { pluginReadme } from './paths.js';

const EXPECTED = [
  'ghostguard/no-bare-sleep-in-loop',
  // `audit('connected')` dropped, and the async 'connection' listener whose promise `ws` ignores.
  'ghostguard/no-detached-task',
  'ghostguard/no-detached-task',
  'ghostguard/no-dynamic-metric-labels',
  'ghostguard/no-dynamic-metric-labels',
  'ghostguard/no-promise-all-in-ws-handler',
];

const ruleIds = (messages: readonly LintMessage[]) => messages.map((m) => (m.fatal ? `FATAL ${m.message}` : m.ruleId)).sort();

/** The README's config for this ESLint: `defineConfig` needs ESLint ≥ 9.22, as the README says. */
async function configFor(kind: KindName, system: ModuleSystem): Promise<[string, string]> {
  if (kind === 'eslint9.0-js') {
    return system === 'esm'
      ? ['eslint.config.js', "import ghostguard from '@ghostguard/eslint-plugin';\n\nexport default [ghostguard.configs.recommended];\n"]
      : ['eslint.config.cjs', "const ghostguard = require('@ghostguard/eslint-plugin');\n\nmodule.exports = [ghostguard.configs.recommended];\n"];
  }
  return system === 'esm'
    ? ['eslint.config.js', await readmeSnippet(pluginReadme, 'Install', 1)]
    : ['eslint.config.cjs', await readmeSnippet(pluginReadme, 'Install', 2)];
}

describe.each(Object.keys(KINDS) as KindName[])('%s', (kind) => {
  it.each(['esm', 'cjs'] as const)('%s project: recommended reports every hazard; --fix adds a runtime import that runs', async (system) => {
    const [configFile, config] = await configFor(kind, system);
    const project = await createConsumerProject({
      kind,
      type: system === 'esm' ? 'module' : 'commonjs',
      files: { [configFile]: config, 'hazards.js': hazardsProgram(system), 'run-heartbeat.js': runHeartbeat(system, 'hazards.js') },
    });
    expect(ruleIds(await project.lint(['hazards.js']))).toEqual(EXPECTED);

    const remaining = await project.lint(['hazards.js'], { fix: true });
    expect(ruleIds(remaining)).toEqual(EXPECTED.filter((id) => id !== 'ghostguard/no-bare-sleep-in-loop'));
    const fixed = await project.read('hazards.js');
    expect(fixed).toContain(
      system === 'esm' ? "import { sleepUntilShutdown } from '@ghostguard/runtime';" : "const { sleepUntilShutdown } = require('@ghostguard/runtime');",
    );
    expect(fixed).toContain('if (await sleepUntilShutdown(signal, 20)) break;');

    const { code, stdout, stderr } = await project.run('node', ['run-heartbeat.js']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { ticks: number }).ticks).toBeGreaterThan(0);
  });
});
