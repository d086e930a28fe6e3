/**
 * `pnpm demo:lint`: what @ghostguard/eslint-plugin says about the leaky pusher
 * (../ghost-connections) and this presence service, untyped and typed; then `eslint --fix` on a
 * temporary copy of the service, the diff it made (runtime imports included), and proof that
 * the fixed copy type-checks and no longer trips the rules whose fixes were applied.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { unifiedDiff } from './line-diff.js';

/** file (relative to examples/, `/`-separated) → rule id → number of reports. */
export type RuleCounts = Record<string, Record<string, number>>;

export interface LintDemoResult {
  untyped: RuleCounts;
  typed: RuleCounts;
  /** Reports in the service before the fix (same as `untyped`, service files only). */
  beforeFix: RuleCounts;
  /** What is left in the fixed copy: the reports that need a human (suggestions only). */
  afterFix: RuleCounts;
  /** Rules whose reports the fix removed entirely. */
  fixedRules: string[];
  diff: string;
  typeCheck: { ok: boolean; output: string };
}

const demoDir = fileURLToPath(new URL('..', import.meta.url));
const examplesDir = join(demoDir, '..');
/** What the demo lints, relative to examples/: the leaky and the supervised pusher, and this service. */
const TARGETS = ['ghost-connections/src/leaky-server.ts', 'ghost-connections/src/supervised-server.ts', 'lint-demo/src'];

export async function runLintDemo(print: (text: string) => void): Promise<LintDemoResult> {
  const untypedEslint = new ESLint({ cwd: examplesDir, overrideConfigFile: join(demoDir, 'eslint.config.js') });
  const untypedResults = await untypedEslint.lintFiles(TARGETS);
  print('== ghostguard.configs.recommended (no type information) ==');
  print((await (await untypedEslint.loadFormatter('stylish')).format(untypedResults)) || 'no problems\n');
  const untyped = countByRule(untypedResults, examplesDir);
  print(`supervised pusher: ${total(untyped['ghost-connections/src/supervised-server.ts'])} problems\n`);

  const typedEslint = new ESLint({ cwd: examplesDir, overrideConfigFile: join(demoDir, 'eslint.typed.config.js') });
  const typed = countByRule(await typedEslint.lintFiles(TARGETS), examplesDir);
  print("== ghostguard.configs['recommended-type-checked'] (projectService) ==");
  for (const line of compareCounts(untyped, typed)) print(line);

  const fix = await fixCopy();
  print('\n== eslint --fix on a copy of lint-demo/src ==');
  print(fix.diff);
  print(`\nfixed copy: tsc ${fix.typeCheck.ok ? 'passes' : `FAILS:\n${fix.typeCheck.output}`}`);
  print(`rules fixed completely: ${fix.fixedRules.join(', ') || 'none'}`);
  print(`left for a human (the message says what to do; suggestions are one click away in an editor):\n  ${fix.leftForHuman.join('\n  ')}`);
  const { leftForHuman: _shown, ...measured } = fix;
  return { untyped, typed, ...measured };
}

/** Copies the service to a temporary directory, runs the fixer there, diffs, type-checks, cleans up. */
async function fixCopy(): Promise<Omit<LintDemoResult, 'untyped' | 'typed'> & { leftForHuman: string[] }> {
  const copyDir = await mkdtemp(join(tmpdir(), 'ghostguard-lint-demo-'));
  try {
    await cp(join(demoDir, 'src'), join(copyDir, 'src'), { recursive: true });
    await cp(join(demoDir, 'eslint.config.js'), join(copyDir, 'eslint.config.js'));
    await writeFile(join(copyDir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    // The copy resolves @ghostguard/runtime, ws, prom-client, typescript-eslint and @types/node
    // exactly as the service does.
    await symlink(join(demoDir, 'node_modules'), join(copyDir, 'node_modules'), 'junction');
    const base = JSON.parse(await readFile(join(examplesDir, '..', 'tsconfig.base.json'), 'utf8')) as { compilerOptions: object };
    await writeFile(join(copyDir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...base.compilerOptions, noEmit: true }, include: ['src'] }, null, 2));

    const before = countByRule(await new ESLint({ cwd: copyDir }).lintFiles(['src']), copyDir);
    const fixResults = await new ESLint({ cwd: copyDir, fix: true }).lintFiles(['src']);
    await ESLint.outputFixes(fixResults);
    const afterFix = countByRule(fixResults, copyDir);

    const diffs: string[] = [];
    for (const name of (await readdir(join(copyDir, 'src'))).sort()) {
      const original = await readFile(join(demoDir, 'src', name), 'utf8');
      const fixed = await readFile(join(copyDir, 'src', name), 'utf8');
      const diff = unifiedDiff(original, fixed, `a/src/${name}`, `b/src/${name}`);
      if (diff !== '') diffs.push(diff);
    }
    const rulesBefore = new Set(Object.values(before).flatMap((rules) => Object.keys(rules)));
    const rulesAfter = new Set(Object.values(afterFix).flatMap((rules) => Object.keys(rules)));
    return {
      beforeFix: before,
      afterFix,
      fixedRules: [...rulesBefore].filter((rule) => !rulesAfter.has(rule)).sort(),
      leftForHuman: fixResults.flatMap((result) =>
        result.messages.map((message) => {
          const where = `${relative(copyDir, result.filePath).split(sep).join('/')}:${message.line}`;
          const suggestions = (message.suggestions ?? []).map((suggestion) => `\n      suggestion: ${suggestion.desc}`).join('');
          return `${where} ${message.ruleId ?? 'eslint'}${suggestions}`;
        }),
      ),
      diff: diffs.join('\n'),
      typeCheck: await typeCheck(copyDir),
    };
  } finally {
    await rm(copyDir, { recursive: true, force: true });
  }
}

function typeCheck(projectDir: string): Promise<{ ok: boolean; output: string }> {
  const tsc = createRequire(join(demoDir, 'package.json')).resolve('typescript/bin/tsc');
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, '-p', join(projectDir, 'tsconfig.json')], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ ok: error === null, output: `${stdout}${stderr}`.trim() });
    });
  });
}

function countByRule(results: ESLint.LintResult[], rootDir: string): RuleCounts {
  const counts: RuleCounts = {};
  for (const result of results) {
    const file = relative(rootDir, result.filePath).split(sep).join('/');
    const rules = (counts[file] = {} as Record<string, number>);
    for (const message of result.messages) {
      const rule = message.ruleId ?? 'eslint';
      rules[rule] = (rules[rule] ?? 0) + 1;
    }
  }
  return counts;
}

function total(rules: Record<string, number> | undefined): number {
  return Object.values(rules ?? {}).reduce((sum, count) => sum + count, 0);
}

/** One line per file: the typed count, and what type information added or removed. */
function compareCounts(untyped: RuleCounts, typed: RuleCounts): string[] {
  return Object.keys(typed)
    .sort()
    .map((file) => {
      const changes = Object.keys({ ...untyped[file], ...typed[file] })
        .map((rule) => [rule, (typed[file]?.[rule] ?? 0) - (untyped[file]?.[rule] ?? 0)] as const)
        .filter(([, delta]) => delta !== 0)
        .map(([rule, delta]) => `${delta > 0 ? '+' : ''}${delta} ${rule}`);
      return `${file}: ${total(typed[file])} problems${changes.length > 0 ? ` (${changes.join(', ')} with types)` : ' (same as untyped)'}`;
    });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  runLintDemo((text) => console.log(text)).then(
    (result) => {
      if (!result.typeCheck.ok || result.fixedRules.length === 0) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 2;
    },
  );
}
