import path from 'node:path';
import { RuleTester } from '@typescript-eslint/rule-tester';

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
