import path from 'node:path';
import { RuleTester } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';

export const fixturesDir = path.join(import.meta.dirname, 'fixtures');

/** Parses TypeScript/JavaScript without type information, as `configs.recommended` does. */
export const untypedRuleTester = new RuleTester();

/**
 * Parses with full type information from `tests/fixtures/tsconfig.json`. Test cases must use the
 * fixture file names: `file.ts` (default), `react.tsx`, `script.js`, `module.mjs`, `common.cjs`.
 * (They have distinct base names because TypeScript drops `file.js` when `file.ts` exists.)
 */
export const typedRuleTester = new RuleTester({
  languageOptions: {
    parserOptions: {
      project: './tsconfig.json',
      tsconfigRootDir: fixturesDir,
    },
  },
  defaultFilenames: { ts: 'file.ts', tsx: 'react.tsx' },
});

/**
 * For `.cjs` cases: CommonJS script, as flat config parses `.cjs` files. RuleTester forces
 * `parserOptions.sourceType: 'module'` unless the case overrides it, hence the parserOptions.
 */
export const commonJsLanguageOptions = { sourceType: 'commonjs', parserOptions: { sourceType: 'script' } } as const;

/**
 * Untyped cases that also hold with types: those on the default `file.ts` fixture (where undeclared
 * helpers are `any`) or on `common.cjs`.
 */
export function asTyped<T extends { filename?: string }>(cases: T[]): T[] {
  return cases.filter((c) => c.filename === undefined || c.filename === 'common.cjs');
}

/**
 * Lints `code` with ESLint's default parser (espree, as plain `.js`/`.cjs` files are parsed without
 * typescript-eslint), with only `ghostguard/<ruleName>` on: rules must work without parser services.
 */
export function lintWithEspree(ruleName: string, rule: unknown, code: string, sourceType: 'module' | 'commonjs'): Linter.LintMessage[] {
  return new Linter({ configType: 'flat' }).verify(code, [
    {
      languageOptions: { sourceType, ecmaVersion: 2024 },
      plugins: { ghostguard: { rules: { [ruleName]: rule as never } } },
      rules: { [`ghostguard/${ruleName}`]: 'error' },
    },
  ]);
}
