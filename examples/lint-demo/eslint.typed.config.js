// @ts-check
// The typed variant: the same rules with type information (projectService), for more precision.
import ghostguard from '@ghostguard/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['dist/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  { files: ['**/*.ts'], ...ghostguard.configs['recommended-type-checked'] },
];
