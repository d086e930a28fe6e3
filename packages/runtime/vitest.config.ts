import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // Only the README snippet harness imports it: uWebSockets.js is not on npm (see tests/uws-module.ts).
    alias: { 'uWebSockets.js': fileURLToPath(new URL('./tests/uws-module.ts', import.meta.url)) },
  },
  test: {
    name: 'runtime',
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
