import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const rootReadme = path.join(repoRoot, 'README.md');
export const pluginReadme = path.join(repoRoot, 'packages/eslint-plugin/README.md');
