/**
 * eslint-doc-generator settings for `pnpm docs` (writes) and `pnpm docs:check` (CI).
 * Paths are relative to the plugin entry the scripts pass: tools/doc-generator-entry.
 * @type {import('eslint-doc-generator').GenerateOptions}
 */
const config = {
  configEmoji: [
    ['recommended', '✅'],
    ['recommended-type-checked', '☑️'],
    ['strict', '🔒'],
    ['with-typescript-eslint', '🤝'],
  ],
  // Matches the headers the rule docs start with: "# <description> (`ghostguard/<rule>`)".
  ruleDocTitleFormat: 'desc-parens-prefix-name',
  ruleDocNotices: ['configs', 'deprecated', 'fixableAndHasSuggestions', 'requiresTypeChecking', 'options'],
  ruleListColumns: ['name', 'description', 'configsError', 'fixable', 'hasSuggestions', 'requiresTypeChecking', 'options'],
  pathRuleDoc: '../../docs/rules/{name}.md',
  pathRuleList: '../../README.md',
  urlRuleDoc: 'https://github.com/ghostguard/ghostguard/blob/main/packages/eslint-plugin/docs/rules/{name}.md',
  urlConfigs: 'https://github.com/ghostguard/ghostguard/tree/main/packages/eslint-plugin#configs',
};

export default config;
