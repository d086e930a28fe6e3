// @ts-check
import eslintPlugin from 'eslint-plugin-eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.tmp/**', '**/tests/fixtures/**', 'examples/**/fixtures/**'],
  },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['packages/*/*.ts', 'examples/*/*.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/eslint-plugin/src/rules/**/*.ts'],
    extends: [eslintPlugin.configs['rules-recommended']],
  },
  {
    files: ['packages/eslint-plugin/tests/**/*.ts'],
    extends: [eslintPlugin.configs['tests-recommended']],
  },
);
