import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'lint-demo',
    include: ['tests/**/*.test.ts'],
    // Lints two example trees (untyped and typed), fixes a copy and type-checks it.
    testTimeout: 120_000,
  },
});
