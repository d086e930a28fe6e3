import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ghostguard, { rules, testAndScriptFiles, type ConfigName } from '../src/index.js';
import { DOCS_BASE_URL } from '../src/utils/create-rule.js';
import { clean, hazards } from './integration-fixtures.js';

const packageDir = path.resolve(import.meta.dirname, '..');
const packageJson = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const ruleNames = Object.keys(rules) as (keyof typeof rules)[];
const configNames: ConfigName[] = ['recommended', 'recommended-type-checked', 'strict', 'with-typescript-eslint'];

/** Parses .ts with typescript-eslint; .js/.mjs/.cjs keep ESLint's default parser (espree), as in a user's config. */
const typescriptFiles: Linter.Config = { files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tsParser } };

function eslintWith(configs: readonly unknown[], options: ESLint.Options = {}): ESLint {
  return new ESLint({
    overrideConfigFile: true,
    overrideConfig: [typescriptFiles, ...(configs as Linter.Config[])],
    ...options,
  });
}

describe('plugin object', () => {
  it('has meta for --cache and the namespace used in configs', () => {
    expect(ghostguard.meta).toEqual({ name: packageJson.name, version: packageJson.version, namespace: 'ghostguard' });
  });

  it('is the default export, with every rule file registered', () => {
    expect(ghostguard.rules).toBe(rules);
    const ruleFiles = readdirSync(path.join(packageDir, 'src', 'rules'))
      .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
      .map((file) => file.replace(/\.ts$/u, ''));
    expect([...ruleNames].sort()).toEqual(ruleFiles.sort());
    // The four rules of the contract, at least.
    expect(ruleNames).toEqual(
      expect.arrayContaining(['no-bare-sleep-in-loop', 'no-detached-task', 'no-dynamic-metric-labels', 'no-promise-all-in-ws-handler']),
    );
  });

  it('exports the four flat configs, each carrying the plugin', () => {
    expect(Object.keys(ghostguard.configs).sort()).toEqual([...configNames].sort());
    for (const name of configNames) {
      const config = ghostguard.configs[name];
      expect(config.name).toBe(`ghostguard/${name}`);
      expect(config.plugins?.ghostguard).toBe(ghostguard);
      // No `files` (applies to whatever the user lints) and no `languageOptions` (never overrides their parser);
      // `ignores` leaves out tests and one-shot scripts.
      expect(Object.keys(config).sort()).toEqual(['ignores', 'name', 'plugins', 'rules']);
      expect(config.ignores).toEqual([...testAndScriptFiles]);
      if (name !== 'recommended') expect(config.ignores).not.toBe(ghostguard.configs.recommended.ignores);
    }
  });

  it('leaves tests, benchmarks and scripts out, and lints them when `ignores` is emptied', async () => {
    const code = 'async function flush() {}\nflush();\n';
    const scoped = eslintWith([ghostguard.configs.recommended]);
    const everything = eslintWith([{ ...ghostguard.configs.recommended, ignores: [] }]);
    const excluded = ['test/a.ts', 'tests/unit/a.ts', 'src/__tests__/a.ts', 'spec/a.ts', 'src/a.test.ts', 'src/a.spec.ts', 'scripts/seed.ts', 'packages/x/e2e/a.ts'];
    const included = ['src/server.ts', 'bin/server.ts', 'src/cli.ts', 'src/testing.ts', 'src/latest/a.ts', 'examples/server.ts'];
    for (const file of excluded) {
      const [result] = await scoped.lintText(code, { filePath: path.join(packageDir, file) });
      expect(result?.messages.map((m) => m.ruleId), file).toEqual([]);
    }
    for (const file of [...excluded, ...included]) {
      const linter = included.includes(file) ? scoped : everything;
      const [result] = await linter.lintText(code, { filePath: path.join(packageDir, file) });
      expect(result?.messages.map((m) => m.ruleId), file).toEqual(['ghostguard/no-detached-task']);
    }
  });

  it('puts every rule in the config its docs name, strict including recommended', () => {
    const level = (rule: keyof typeof rules) => rules[rule].meta.docs?.recommended;
    const recommended = ruleNames.filter((rule) => level(rule) === 'recommended').map((rule) => `ghostguard/${rule}`);
    expect(Object.keys(ghostguard.configs.recommended.rules ?? {}).sort()).toEqual(recommended.sort());
    expect(ghostguard.configs['recommended-type-checked'].rules).toEqual(ghostguard.configs.recommended.rules);
    expect(Object.keys(ghostguard.configs.strict.rules ?? {}).sort()).toEqual(ruleNames.map((r) => `ghostguard/${r}`).sort());
    for (const rule of ruleNames) expect(['recommended', 'strict']).toContain(level(rule));
  });

  it('strict turns on the options that report unproven code', () => {
    const strictRules = ghostguard.configs.strict.rules ?? {};
    expect(strictRules['ghostguard/no-detached-task']).toEqual(['error', { requireTracking: true }]);
    expect(strictRules['ghostguard/no-dynamic-metric-labels']).toEqual(['error', { reportUnknown: true }]);
    for (const [id, entry] of Object.entries(ghostguard.configs.recommended.rules ?? {})) {
      expect(entry, id).toBe('error');
    }
  });

  it('is accepted by defineConfig and tseslint.config (types and values)', () => {
    const viaEslint = defineConfig([
      ghostguard.configs.recommended,
      { rules: { 'ghostguard/no-detached-task': 'warn' } },
      { files: ['**/*.cjs'], plugins: { ghostguard }, rules: { 'ghostguard/no-bare-sleep-in-loop': 'off' } },
    ]);
    const viaTseslint = tseslint.config(ghostguard.configs['recommended-type-checked'], ghostguard.configs.strict, {
      plugins: { ghostguard },
    });
    expect(viaEslint[0]?.plugins?.ghostguard).toBe(ghostguard);
    expect(viaTseslint.map((c) => c.name)).toEqual(['ghostguard/recommended-type-checked', 'ghostguard/strict', undefined]);
  });
});

describe.each(ruleNames)('rule %s', (ruleName) => {
  const rule = rules[ruleName];

  it('has docs metadata, a docs page and a url pointing to it', () => {
    const docs = rule.meta.docs;
    expect(docs?.url).toBe(`${DOCS_BASE_URL}${ruleName}.md`);
    expect(docs?.description).toMatch(/^[A-Z].{10,}[^.]$/u); // a sentence-case summary, no trailing period
    expect(docs?.requiresTypeChecking).toBe(false); // types only ever add precision
    const page = path.join(packageDir, 'docs', 'rules', `${ruleName}.md`);
    expect(existsSync(page), page).toBe(true);
    expect(readFileSync(page, 'utf8')).toContain(`(\`ghostguard/${ruleName}\`)`);
  });

  it('has a type, messages, a strict schema and default options', () => {
    expect(['problem', 'suggestion', 'layout']).toContain(rule.meta.type);
    expect(Object.keys(rule.meta.messages).length).toBeGreaterThan(0);
    for (const message of Object.values(rule.meta.messages)) expect(message.length).toBeGreaterThan(10);
    expect(Array.isArray(rule.meta.schema)).toBe(true);
    // `meta.defaultOptions` is what ESLint ≥ 9.15 itself merges options with (and the docs generator reads).
    // (eslint-plugin-eslint-plugin forbids it on a rule without options.)
    if ((rule.meta.schema as unknown[]).length > 0) expect(Array.isArray(rule.meta.defaultOptions)).toBe(true);
    for (const item of rule.meta.schema as { type?: string; additionalProperties?: unknown }[]) {
      if (item.type === 'object') expect(item.additionalProperties).toBe(false);
    }
  });

  it('rejects an unknown option, naming it', async () => {
    const eslint = eslintWith([
      { plugins: { ghostguard }, rules: { [`ghostguard/${ruleName}`]: ['error', { notARealOption: true }] } },
    ]);
    // A rule without options rejects any options object; the others name the unknown property.
    const expected = (rule.meta.schema as unknown[]).length === 0 ? /should NOT have more than 0 items/u : /Unexpected property "notARealOption"/u;
    await expect(eslint.lintText('export {};\n', { filePath: 'x.ts' })).rejects.toThrow(expected);
  });
});

describe('ESLint integration (in-memory)', () => {
  const recommendedIds = Object.keys(ghostguard.configs.recommended.rules ?? {}).sort();

  it.each(Object.keys(hazards))('recommended reports every hazard in %s', async (file) => {
    const [result] = await eslintWith([ghostguard.configs.recommended]).lintText(hazards[file]!, { filePath: file });
    expect(result?.messages.filter((m) => m.fatal)).toEqual([]);
    const reported = [...new Set(result?.messages.map((m) => m.ruleId))].sort();
    expect(reported).toEqual(recommendedIds);
  });

  it('strict (with its options) lints every file kind without config errors', async () => {
    const eslint = eslintWith([ghostguard.configs.strict]);
    for (const [file, code] of Object.entries(hazards)) {
      const [result] = await eslint.lintText(code, { filePath: file });
      expect(result?.messages.filter((m) => m.fatal), file).toEqual([]);
      expect(result?.errorCount, file).toBeGreaterThanOrEqual(4);
    }
  });

  it('reports nothing on code that already follows the rules', async () => {
    const [result] = await eslintWith([ghostguard.configs.strict]).lintText(clean, { filePath: 'clean.ts' });
    expect(result?.messages).toEqual([]);
  });

  it('--fix output parses again for every file kind', async () => {
    const fixing = eslintWith([ghostguard.configs.strict], { fix: true });
    const parsing = eslintWith([]);
    for (const [file, code] of Object.entries(hazards)) {
      const [fixed] = await fixing.lintText(code, { filePath: file });
      const [reparsed] = await parsing.lintText(fixed?.output ?? code, { filePath: file });
      expect(reparsed?.messages.filter((m) => m.fatal), file).toEqual([]);
    }
  });
});

describe('ESLint integration (files on disk)', () => {
  let dir: string;
  const builtPlugin = path.join(packageDir, 'dist', 'index.js');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ghostguard-plugin-'));
    await mkdir(path.join(dir, 'src', 'nested'), { recursive: true });
    let n = 0;
    for (const [file, code] of Object.entries(hazards)) {
      // A few copies so that two workers each get several files.
      for (const folder of ['src', path.join('src', 'nested')]) {
        await writeFile(path.join(dir, folder, `${n++}-${file}`), code);
      }
    }
    await writeFile(path.join(dir, 'src', 'clean.ts'), clean);
    // The config file is loaded by every worker thread, so it imports the built plugin by URL.
    const resolve = createRequire(import.meta.url).resolve;
    await writeFile(
      path.join(dir, 'eslint.config.mjs'),
      `import ghostguard from ${JSON.stringify(pathToFileURL(builtPlugin).href)};
import * as parser from ${JSON.stringify(pathToFileURL(resolve('@typescript-eslint/parser')).href)};
export default [
  { files: ['**/*.ts'], languageOptions: { parser } },
  ghostguard.configs.strict,
];
`,
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Results in a stable, comparable shape. */
  function summary(results: ESLint.LintResult[]) {
    return results
      .map((r) => ({
        file: path.relative(dir, r.filePath),
        messages: r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.messageId ?? m.message}`),
      }))
      .sort((a, b) => a.file.localeCompare(b.file));
  }

  it('works with --cache: the plugin meta makes the config serialisable and the second run is served from it', async () => {
    const cacheLocation = path.join(dir, '.cache', 'eslintcache');
    const options: ESLint.Options = { cwd: dir, cache: true, cacheLocation };
    const first = await eslintWith([ghostguard.configs.strict], options).lintFiles(['src']);
    const cache = await readFile(cacheLocation, 'utf8');
    expect(cache).toContain('0-handler.ts');
    const second = await eslintWith([ghostguard.configs.strict], options).lintFiles(['src']);
    expect(summary(second)).toEqual(summary(first));
    expect(summary(first).reduce((sum, r) => sum + r.messages.length, 0)).toBeGreaterThanOrEqual(8 * 4);
  });

  it('gives the same results with concurrency: 2 as single-threaded (no cross-file state)', async () => {
    expect(existsSync(builtPlugin), 'run `pnpm build` first: worker threads load dist/').toBe(true);
    const single = await new ESLint({ cwd: dir, concurrency: 'off' }).lintFiles(['src']);
    const parallel = await new ESLint({ cwd: dir, concurrency: 2 }).lintFiles(['src']);
    expect(single.length).toBe(9);
    expect(summary(parallel)).toEqual(summary(single));
  });
});
