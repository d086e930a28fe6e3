/**
 * The plugin under ESLint 9 (installed as the `eslint-v9` alias): same configs, same
 * diagnostics, same fixes as under ESLint 10, and `--cache` works there too.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import { ESLint as ESLint10, type Linter } from 'eslint';
import { ESLint as ESLint9 } from 'eslint-v9';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ghostguard from '../src/index.js';
import { clean, hazards } from './integration-fixtures.js';

const typescriptFiles = { files: ['**/*.ts'], languageOptions: { parser: tsParser } };

function configs(name: 'recommended' | 'strict'): Linter.Config[] {
  return [typescriptFiles, ghostguard.configs[name]];
}

/** What a user sees: rule, position, message id, and whether a fix or suggestions come with it. */
function diagnostics(results: { messages: Linter.LintMessage[] }[]) {
  return results.flatMap((r) =>
    r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.messageId} fix=${Boolean(m.fix)} suggestions=${m.suggestions?.length ?? 0}`),
  );
}

describe('ESLint 9', () => {
  it('is really ESLint 9', () => {
    expect(ESLint9.version).toMatch(/^9\./u);
    expect(ESLint10.version).toMatch(/^10\./u);
  });

  it.each(Object.keys(hazards))('reports %s exactly as ESLint 10 does (strict)', async (file) => {
    const code = hazards[file]!;
    const eslint9 = new ESLint9({ overrideConfigFile: true, overrideConfig: configs('strict') as never });
    const eslint10 = new ESLint10({ overrideConfigFile: true, overrideConfig: configs('strict') });
    const [nine] = await eslint9.lintText(code, { filePath: file });
    const [ten] = await eslint10.lintText(code, { filePath: file });
    expect(nine?.messages.filter((m) => m.fatal)).toEqual([]);
    expect(diagnostics([nine!])).toEqual(diagnostics([ten!]));
    expect([...new Set(nine?.messages.map((m) => m.ruleId))]).toEqual(
      expect.arrayContaining(Object.keys(ghostguard.configs.recommended.rules)),
    );
  });

  it('fixes the same way as ESLint 10', async () => {
    for (const [file, code] of Object.entries(hazards)) {
      const [nine] = await new ESLint9({ overrideConfigFile: true, overrideConfig: configs('recommended') as never, fix: true }).lintText(code, { filePath: file });
      const [ten] = await new ESLint10({ overrideConfigFile: true, overrideConfig: configs('recommended'), fix: true }).lintText(code, { filePath: file });
      expect(nine?.output, file).toBe(ten?.output);
    }
  });

  describe('--cache', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'ghostguard-eslint9-'));
      for (const [file, code] of Object.entries(hazards)) await writeFile(path.join(dir, file), code);
      await writeFile(path.join(dir, 'clean.ts'), clean);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('serialises the config with the plugin meta and serves the second run from the cache', async () => {
      const options = { cwd: dir, overrideConfigFile: true, overrideConfig: configs('strict') as never, cache: true, cacheLocation: path.join(dir, '.eslintcache') } as const;
      const first = await new ESLint9(options).lintFiles(['.']);
      const second = await new ESLint9(options).lintFiles(['.']);
      expect(first).toHaveLength(5);
      expect(diagnostics(second)).toEqual(diagnostics(first));
      expect(diagnostics(first).length).toBeGreaterThanOrEqual(16);
    });
  });
});
