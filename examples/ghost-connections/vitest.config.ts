import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'ghost-connections',
    include: ['tests/**/*.test.ts'],
    // The e2e test builds the example and runs two child-process servers under load.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
