// @ts-check
import eslintPlugin from 'eslint-plugin-eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', 'packages/*/cjs/**', '**/node_modules/**', '**/coverage/**', '**/.tmp/**', '**/tests/fixtures/**', 'examples/**/fixtures/**'],
  },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.js', '**/*.mjs'],
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
    // CommonJS TypeScript (the plugin's CommonJS entry and package metadata): `import x = require()` is its import.
    files: ['**/*.cts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }] },
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
