import { ESLintUtils } from '@typescript-eslint/utils';

/** Which shared config turns a rule on; `strict` includes everything `recommended` has. */
export type ConfigName = 'recommended' | 'strict';

export interface GhostguardRuleDocs {
  description: string;
  /** The lowest config that enables the rule. */
  recommended?: ConfigName;
  /** The rule works without types; with types it is more precise. */
  requiresTypeChecking?: boolean;
}

export const DOCS_BASE_URL =
  'https://github.com/ghostguard/ghostguard/blob/main/packages/eslint-plugin/docs/rules/';

export const createRule = ESLintUtils.RuleCreator<GhostguardRuleDocs>(
  (name) => `${DOCS_BASE_URL}${name}.md`,
);
