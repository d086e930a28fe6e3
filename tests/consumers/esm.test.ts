import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hazardsProgram, runHeartbeat, sessionProgram } from './fixtures.js';
import { createConsumerProject, readmeSnippet, summarise } from './harness.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

describe('ESM project, ESLint 10 (packed tarballs)', () => {
  it('imports the runtime and runs a supervised ws session: gauge 1 while connected, 0 after', async () => {
    const project = await createConsumerProject({ kind: 'eslint10-ts', type: 'module', files: { 'server.js': sessionProgram('esm') } });
    const { code, stdout, stderr } = await project.run('node', ['server.js']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ during: 1, after: 0, reason: 'disconnect' });
  });
});
