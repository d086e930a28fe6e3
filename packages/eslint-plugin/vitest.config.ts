import { defineProject } from 'vitest/config';

export default defineProject({
  // src/package-meta.cts (CommonJS in both builds) is TypeScript too; Vite transforms only .ts/.mts by default.
  oxc: { include: /\.(m?ts|cts|[jt]sx)$/ },
  test: {
    name: 'eslint-plugin',
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 60_000,
  },
});
