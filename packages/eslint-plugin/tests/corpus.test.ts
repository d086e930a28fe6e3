/**
 * Crash and fix-safety on real code: every rule (strict, all options) over a deterministic
 * sample of the workspace's installed sources — TypeScript's own lib, eslint, vitest,
 * typescript-eslint, prom-client, ws, socket.io, fastify … — without type information.
 *
 *   GHOSTGUARD_CORPUS_FILES=all GHOSTGUARD_CORPUS_MAX_BYTES=0 pnpm exec vitest run packages/eslint-plugin/tests/corpus.test.ts
 *
 * runs the whole corpus (several minutes); the default sample keeps CI time bounded.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSafetyChecker, describeFailures, emptyTotals, type ParserChoice } from './safety-harness.js';

const workspaceRoot = path.resolve(import.meta.dirname, '../../..');
const SOURCE_FILE = /\.(?:[cm]?js|jsx|[cm]?ts|tsx)$/u;

const requestedFiles = process.env.GHOSTGUARD_CORPUS_FILES ?? '1500';
const sampleSize = requestedFiles === 'all' ? Number.POSITIVE_INFINITY : Number(requestedFiles);
// Minified bundles of several MB say little the smaller files do not, and cost most of the time.
const maxBytes = Number(process.env.GHOSTGUARD_CORPUS_MAX_BYTES ?? 150_000) || Number.POSITIVE_INFINITY;

/** Real files under `dir`, not following symlinks (pnpm links every dependency many times). */
function* walk(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile() && SOURCE_FILE.test(entry.name)) yield full;
  }
}

/** FNV-1a: a stable, well-spread order that does not depend on the file system's listing order. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function corpusFiles(): { file: string; id: string }[] {
  const typescriptLib = path.dirname(createRequire(import.meta.url).resolve('typescript'));
  const roots = [typescriptLib, path.join(workspaceRoot, 'node_modules', '.pnpm')];
  const seen = new Set<string>();
  const files: { file: string; id: string }[] = [];
  for (const root of roots) {
    for (const file of walk(root)) {
      const real = realpathSync(file);
      if (seen.has(real)) continue;
      seen.add(real);
      // The id leaves out machine-specific prefixes so the sample is the same everywhere.
      const id = path.relative(workspaceRoot, real);
      if (statSync(real).size <= maxBytes) files.push({ file: real, id });
    }
  }
  return files
    .sort((a, b) => hash(a.id) - hash(b.id) || a.id.localeCompare(b.id))
    .slice(0, sampleSize);
}

describe('corpus: real installed sources', () => {
  it(
    'lints every sampled file with all rules without a crash; fixes parse and converge, suggestions parse',
    () => {
      const files = corpusFiles();
      expect(files.length).toBeGreaterThan(Math.min(sampleSize, 300));
      const { check } = createSafetyChecker();
      const totals = emptyTotals();
      const started = performance.now();
      for (const { file, id } of files) {
        // Plain JavaScript is linted half with espree (a JS-only project) and half with
        // typescript-eslint's parser (a project whose TS config also covers .js).
        const parser: ParserChoice = hash(`${id}#parser`) % 2 === 0 ? 'espree' : 'typescript-eslint';
        check(readFileSync(file, 'utf8'), id, totals, parser);
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `corpus: ${totals.files} files, ${totals.lines} lines, ${totals.unparsable} unparsable, ` +
          `${totals.problems} problems ${JSON.stringify(totals.byRule)}, ${totals.fixableProblems} autofixes in ${totals.filesFixed} files, ` +
          `${totals.suggestionsChecked} suggestions checked, ${totals.failures.length} failures, ${seconds} s`,
      );
      expect(totals.failures, describeFailures(totals.failures)).toEqual([]);
      // Unparsable files are skipped, not hidden: they must stay the exception.
      expect(totals.unparsable).toBeLessThan(totals.files * 0.05);
    },
    Number.isFinite(sampleSize) ? 120_000 : 3_600_000,
  );
});
