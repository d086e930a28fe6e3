import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'consumers',
    include: ['*.test.ts'],
    globalSetup: ['global-setup.ts'],
    // Installs take minutes on a cold npm cache; each test spawns ESLint, tsc, Jest or node.
    hookTimeout: 600_000,
    testTimeout: 180_000,
  },
});
