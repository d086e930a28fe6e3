/**
 * The CommonJS entry (`require('@ghostguard/eslint-plugin')`, built into `cjs/` only): the
 * plugin object itself, so `require(…).configs.recommended` and `require(…).rules` work as
 * `eslint.config.cjs` users write them, and `.default` points back at it for code compiled from
 * `import ghostguard from '@ghostguard/eslint-plugin'` without `esModuleInterop`.
 */
import index = require('./index.js');

const ghostguard = index.default as index.GhostguardPlugin & {
  readonly default: index.GhostguardPlugin;
  readonly rules: typeof index.rules;
};
// The same object, not a copy: it is the one `configs.*.plugins.ghostguard` already holds, and
// ESLint refuses two different objects under one plugin name. Non-enumerable, so configs and
// inspectors do not see an extra key.
Object.defineProperty(ghostguard, 'default', { value: ghostguard, enumerable: false });

// The ES entry's exported types, for `import type { GhostguardConfig } from '@ghostguard/eslint-plugin'` in CommonJS TypeScript.
// eslint-disable-next-line @typescript-eslint/no-namespace -- types only: merges with the value for `export =`
declare namespace ghostguard {
  export type RuleName = index.RuleName;
  export type ConfigName = index.ConfigName;
  export type RuleEntry = index.RuleEntry;
  export type GhostguardConfig = index.GhostguardConfig;
  export type LooseRuleModule = index.LooseRuleModule;
  export type GhostguardPlugin = index.GhostguardPlugin;
}

export = ghostguard;
