import { createRequire } from 'node:module';
import type { TSESLint } from '@typescript-eslint/utils';
import { rules } from './rules/index.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

type RuleName = keyof typeof rules;
type RuleLevels = Record<`ghostguard/${RuleName}`, TSESLint.SharedConfig.RuleLevel>;

/** Rules whose lowest config is `level`; `strict` includes `recommended`. */
function rulesFor(level: 'recommended' | 'strict'): Partial<RuleLevels> {
  const entries = Object.entries(rules)
    .filter(([, rule]) => level === 'strict' || rule.meta.docs?.recommended === 'recommended')
    .map(([ruleName]) => [`ghostguard/${ruleName}`, 'error'] as const);
  return Object.fromEntries(entries);
}

const plugin = {
  meta: { name, version },
  rules,
  configs: {} as Record<'recommended' | 'recommended-type-checked' | 'strict', TSESLint.FlatConfig.Config>,
};

const plugins = { ghostguard: plugin as unknown as TSESLint.FlatConfig.Plugin };

plugin.configs = {
  recommended: { name: 'ghostguard/recommended', plugins, rules: rulesFor('recommended') },
  // Same rules; with `parserOptions.projectService` set by the user they use types for precision.
  'recommended-type-checked': { name: 'ghostguard/recommended-type-checked', plugins, rules: rulesFor('recommended') },
  strict: { name: 'ghostguard/strict', plugins, rules: rulesFor('strict') },
};

export default plugin;
export { rules };
