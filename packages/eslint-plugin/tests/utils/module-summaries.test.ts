import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  getModuleSummaries,
  MAX_SUMMARY_FILE_BYTES,
  projectRootOf,
  resetModuleSummaries,
  summaryCounters,
  type ExportSummary,
  type ModuleSummaries,
} from '../../src/utils/module-summaries.js';
import type { AnyRuleContext } from '../../src/utils/type-services.js';
import { fixturesDir } from '../rule-tester.js';

const projectDir = path.join(fixturesDir, 'summaries');
const repositoryRoot = path.resolve(fixturesDir, '../../../..');

/** Summaries as a rule linting `file` (relative to the fixture project) sees them. */
function summariesFor(file: string, cwd = repositoryRoot, base = projectDir): ModuleSummaries {
  const filename = path.join(base, file);
  return getModuleSummaries({ filename, physicalFilename: filename, cwd } as unknown as AnyRuleContext);
}

function fn(summary: ExportSummary | undefined): { returnsPromise: boolean; sleep?: unknown } | undefined {
  return summary?.kind === 'function' ? { returnsPromise: summary.returnsPromise, ...(summary.sleep ? { sleep: summary.sleep } : {}) } : undefined;
}

const exactSleep = { delayParam: 0, delayHasDefault: false, exact: true };

beforeEach(() => {
  resetModuleSummaries();
});

describe('module summaries: ESM', () => {
  const summaries = (): ModuleSummaries => summariesFor('consumer.ts');

  it('summarises sleep-shaped, promise-returning and plain exports', () => {
    const s = summaries();
    expect(fn(s.exportOf('./esm/timing.js', ['sleep']))).toEqual({ returnsPromise: true, sleep: exactSleep });
    expect(fn(s.exportOf('./esm/timing.js', ['nap']))).toEqual({ returnsPromise: true, sleep: { delayParam: 0, delayHasDefault: true, exact: true } });
    expect(fn(s.exportOf('./esm/timing', ['backoff']))).toEqual({ returnsPromise: true, sleep: { delayParam: 1, delayHasDefault: false, exact: false } });
    expect(fn(s.exportOf('./esm/timing.ts', ['snooze']))).toEqual({
      returnsPromise: true,
      sleep: { delayParam: 0, delayHasDefault: false, exact: false, signalParam: 1 },
    });
    expect(fn(s.exportOf('./esm/timing.js', ['delay']))).toEqual({ returnsPromise: false });
    expect(fn(s.exportOf('./esm/timing.js', ['load']))).toEqual({ returnsPromise: true });
    expect(fn(s.exportOf('./esm/timing.js', ['save']))).toEqual({ returnsPromise: true });
    // A call of another promise-returning export of the same module.
    expect(fn(s.exportOf('./esm/timing.js', ['reload']))).toEqual({ returnsPromise: true });
    expect(fn(s.exportOf('./esm/timing.js', ['count']))).toEqual({ returnsPromise: false });
    expect(s.exportOf('./esm/timing.js', ['nothing'])).toBeUndefined();
  });

  it('follows index files, `export *`, default re-exports and namespace re-exports', () => {
    const s = summaries();
    expect(fn(s.exportOf('./esm', ['sleep']))).toEqual({ returnsPromise: true, sleep: exactSleep });
    // `pause` sleeps through timers/promises `setTimeout`.
    expect(fn(s.exportOf('./esm/index.js', ['pause']))).toEqual({ returnsPromise: true, sleep: exactSleep });
    expect(fn(s.exportOf('./esm', ['timers', 'load']))).toEqual({ returnsPromise: true });
    expect(fn(s.exportOf('./esm/pause.js', ['default']))).toEqual({ returnsPromise: true, sleep: exactSleep });
    const namespace = s.exportOf('./esm/timing.js', []);
    expect(namespace?.kind === 'object' && [...namespace.members.keys()]).toContain('sleep');
  });

  it('resolves tsconfig `paths` aliases (JSON with comments)', () => {
    const s = summariesFor('aliased/src/consumer.ts');
    expect(fn(s.exportOf('@lib/sleep', ['default']))).toEqual({ returnsPromise: true, sleep: exactSleep });
    expect(s.exportOf('@lib/missing', ['default'])).toBeUndefined();
  });
});

describe('module summaries: CommonJS', () => {
  const summaries = (): ModuleSummaries => summariesFor('consumer.js');

  it('reads `exports.x = …`', () => {
    const s = summaries();
    expect(fn(s.exportOf('./cjs/exports-dot', ['sleep']))).toEqual({ returnsPromise: true, sleep: exactSleep });
    expect(fn(s.exportOf('./cjs/exports-dot', ['fetchAll']))).toEqual({ returnsPromise: true });
    expect(fn(s.exportOf('./cjs/exports-dot', ['size']))).toEqual({ returnsPromise: false });
    // `import x from './cjs'` is `module.exports`.
    expect(fn(s.exportOf('./cjs/exports-dot', ['default', 'sleep']))).toEqual({ returnsPromise: true, sleep: exactSleep });
  });

  it('reads `module.exports = { … }` and `util.promisify(setTimeout)`', () => {
    const s = summaries();
    expect(fn(s.exportOf('./cjs/object.js', ['wait']))).toEqual({ returnsPromise: true, sleep: exactSleep });
    expect(fn(s.exportOf('./cjs/object.js', ['flush']))).toEqual({ returnsPromise: true });
    expect(fn(s.exportOf('./cjs/object.js', ['keys']))).toEqual({ returnsPromise: false });
    const whole = s.exportOf('./cjs/object.js', []);
    expect(whole?.kind).toBe('object');
  });

  it('reads `module.exports = function` (whole require and default import alike)', () => {
    const s = summaries();
    expect(fn(s.exportOf('./cjs/whole', []))).toEqual({ returnsPromise: true, sleep: exactSleep });
    expect(fn(s.exportOf('./cjs/whole', ['default']))).toEqual({ returnsPromise: true, sleep: exactSleep });
  });

  it('follows `require` and destructured `require` inside the summarised module', () => {
    const s = summaries();
    expect(fn(s.exportOf('./cjs/via-require', ['sleep']))).toEqual({ returnsPromise: true, sleep: exactSleep });
    expect(fn(s.exportOf('./cjs/via-require', ['flush']))).toEqual({ returnsPromise: true });
  });
});

describe('module summaries: classes, interfaces, instances, metrics', () => {
  const s = (): ModuleSummaries => summariesFor('consumer.ts');

  it('lists which methods of a class return promises', () => {
    const store = s().exportOf('./classes/store.js', ['Store']);
    const instance = s().instanceMembersOf(store);
    expect(fn(instance?.get('load'))).toEqual({ returnsPromise: true });
    expect(fn(instance?.get('save'))).toEqual({ returnsPromise: true });
    expect(fn(instance?.get('size'))).toEqual({ returnsPromise: false });
    expect(fn(s().membersOf(store)?.get('open'))).toEqual({ returnsPromise: true });
  });

  it('follows typed fields, field initialisers and parameter properties to their class or interface', () => {
    const summaries = s();
    const server = summaries.instanceMembersOf(summaries.exportOf('./classes/store.js', ['Server']));
    const queue = summaries.membersOf(server?.get('queue'));
    expect(fn(queue?.get('add'))).toEqual({ returnsPromise: true });
    expect(fn(queue?.get('drain'))).toEqual({ returnsPromise: true });
    expect(fn(queue?.get('length'))).toEqual({ returnsPromise: false });
    expect(fn(summaries.membersOf(server?.get('store'))?.get('load'))).toEqual({ returnsPromise: true });
    expect(fn(summaries.membersOf(server?.get('backup'))?.get('save'))).toEqual({ returnsPromise: true });
  });

  it('summarises an exported instance', () => {
    expect(fn(s().exportOf('./classes/store.js', ['store', 'load']))).toEqual({ returnsPromise: true });
  });

  it('recognises prom-client metrics with their static name and label names', () => {
    expect(s().exportOf('./classes/metrics.js', ['requests'])).toEqual({
      kind: 'metric',
      metricType: 'Counter',
      name: 'requests_total',
      labelNames: ['route', 'status'],
    });
    expect(s().exportOf('./classes/metrics.js', ['open'])).toEqual({ kind: 'metric', metricType: 'Gauge', name: 'open_sockets' });
  });
});

describe('module summaries: cycles and lint order', () => {
  const ask = (order: string[][]): Record<string, unknown> => {
    resetModuleSummaries();
    const answers: Record<string, unknown> = {};
    for (const [file, name] of order) answers[`${file}:${name}`] = fn(summariesFor('consumer.js').exportOf(file as string, [name as string]));
    return answers;
  };

  it('answers inside an import cycle without looping, the same whichever module is asked first', () => {
    const questions = [
      ['./cycle/a.js', 'first'],
      ['./cycle/b.js', 'second'],
      ['./cycle/b.js', 'later'],
      ['./cycle/a.js', 'settle'],
    ];
    const forward = ask(questions);
    const backward = ask([...questions].reverse());
    expect(forward).toEqual(backward);
    expect(forward['./cycle/b.js:later']).toEqual({ returnsPromise: true });
    expect(forward['./cycle/a.js:first']).toEqual({ returnsPromise: false });
  });
});

describe('module summaries: missing, unreadable, huge and outside files; cache', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ghostguard-summaries-'));
  const project = path.join(tmp, 'project');
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });
  mkdirSync(path.join(project, 'src'), { recursive: true });
  mkdirSync(path.join(tmp, 'elsewhere'), { recursive: true });
  writeFileSync(path.join(project, 'package.json'), '{ "name": "project", "private": true }');
  writeFileSync(path.join(project, 'src', 'broken.ts'), 'export const sleep = (ms: number => new Promise(;\n');
  writeFileSync(
    path.join(project, 'src', 'huge.ts'),
    `export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));\n${'// padding\n'.repeat(MAX_SUMMARY_FILE_BYTES / 10)}`,
  );
  writeFileSync(path.join(tmp, 'elsewhere', 'timing.ts'), 'export const snooze = (ms: number) => new Promise((r) => setTimeout(r, ms));\n');
  writeFileSync(path.join(project, 'src', 'timing.ts'), 'export const snooze = (ms: number) => new Promise((r) => setTimeout(r, ms));\n');
  // A workspace package linked into node_modules, with its source on disk.
  mkdirSync(path.join(project, 'packages', 'clock', 'src'), { recursive: true });
  writeFileSync(path.join(project, 'packages', 'clock', 'package.json'), '{ "name": "@demo/clock", "main": "dist/index.js", "source": "src/index.ts" }');
  writeFileSync(path.join(project, 'packages', 'clock', 'src', 'index.ts'), 'export async function idle(ms: number) { await new Promise((r) => setTimeout(r, ms)); }\n');
  mkdirSync(path.join(project, 'node_modules', '@demo'), { recursive: true });
  symlinkSync(path.join('..', '..', 'packages', 'clock'), path.join(project, 'node_modules', '@demo', 'clock'), 'dir');

  // The linted file is outside ESLint's cwd here, so the root is the nearest package.json.
  const summaries = (): ModuleSummaries => summariesFor('src/consumer.ts', repositoryRoot, project);

  it('takes the nearest package.json as the root for files outside the cwd', () => {
    expect(projectRootOf(path.join(project, 'src', 'consumer.ts'), repositoryRoot)).toBe(project);
    expect(projectRootOf(path.join(projectDir, 'consumer.ts'), repositoryRoot)).toBe(repositoryRoot);
  });

  it('is unknown for missing, unparsable, huge and outside-the-root modules, without throwing', () => {
    const s = summaries();
    expect(s.exportOf('./missing.js', ['sleep'])).toBeUndefined();
    expect(s.exportOf('./broken.js', ['sleep'])).toBeUndefined();
    expect(s.exportOf('./huge', ['sleep'])).toBeUndefined();
    expect(s.exportOf('../../elsewhere/timing', ['snooze'])).toBeUndefined();
    expect(s.exportOf('lodash', ['sleep'])).toBeUndefined();
    expect(s.exportOf('node:fs', ['readFile'])).toBeUndefined();
    expect(fn(s.exportOf('./timing', ['snooze']))).toEqual({ returnsPromise: true, sleep: exactSleep });
    expect(summaryCounters().filesUnknown).toBe(2);
  });

  it('reads workspace packages linked into node_modules from their source', () => {
    expect(fn(summaries().exportOf('@demo/clock', ['idle']))).toEqual({ returnsPromise: true, sleep: exactSleep });
  });

  it('parses each module once per version, and again when it changes on disk', () => {
    summaries().exportOf('./timing', ['snooze']);
    summaries().exportOf('./timing', ['snooze']);
    expect(summaryCounters()).toMatchObject({ filesParsed: 1, cacheHits: 1 });
    const file = path.join(project, 'src', 'timing.ts');
    writeFileSync(file, 'export function snooze(ms: number) { return ms; }\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    expect(fn(summaries().exportOf('./timing', ['snooze']))).toEqual({ returnsPromise: false });
    expect(summaryCounters().filesParsed).toBe(2);
  });
});
