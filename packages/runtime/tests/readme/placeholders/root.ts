/** Placeholders for the repository's README.md (see readme-snippets.test.ts). */
export * from './common.js';
