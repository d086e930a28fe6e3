// @ts-check
// The demo's lint setup: ghostguard's recommended rules, no type information needed.
import ghostguard from '@ghostguard/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['dist/**'] },
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  {
    // The repository also lints this code with typescript-eslint: its disable comments must
    // resolve here too, and are not "unused" just because those rules are off in this config.
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  { files: ['**/*.ts'], ...ghostguard.configs.recommended },
];
