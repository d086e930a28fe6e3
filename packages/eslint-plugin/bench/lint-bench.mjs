#!/usr/bin/env node
// @ts-check
/**
 * Lint benchmark: `pnpm bench:lint [dir] [--runs N] [--check] [--js]`
 *
 * Wall time of ESLint over every TypeScript file under `dir` with the same parser
 * (@typescript-eslint/parser) and
 *   (a) no rules, and for reference (a') one trivial core rule: ESLint's cost of running any rule,
 *   (b) ghostguard `recommended` (no type information),
 *   (c) ghostguard `recommended-type-checked` with type information,
 *   (d) typescript-eslint `no-floating-promises` with type information,
 *   (e) ghostguard `strict` (no type information),
 * each the median of N runs (default 3) in a fresh child process, after one untimed warm-up run,
 * interleaved so that machine noise spreads evenly; then one more run of (b), (c), (d) and (e) with TIMING=1 for per-rule times.
 * Targets: (b)/(a) ≤ 1.05, (c)/(d) ≤ 1.00 and (e)/(b) ≤ 1.05 on wall time. `--check` exits 1 when one is missed.
 * The children's CPU time is printed too: on a loaded machine it is the steadier figure.
 *
 * The typed runs use a generated tsconfig listing exactly the linted files (`--tsconfig` to use
 * the tree's own). Packages the tree imports but does not have installed resolve to `any`: the
 * type information is then partial, equally for (c) and (d).
 *
 * `--js` lints the JavaScript files too (`.js`, `.mjs`, `.cjs`, `.jsx`) and skips the typed runs (c) and (d):
 * for large JavaScript servers without types, e.g. `pnpm bench:lint /tmp/corpus/trees/tulios+kafkajs --js`.
 * Each ghostguard run also prints its module-summary counters (cache hits, files parsed for
 * summaries), read in the child from the plugin's own module-summaries module.
 *
 * Without `dir` it lints this repository's packages: fine to try the harness, far too small
 * (< 100 000 lines) for meaningful figures. See the README's "Performance" section for a tree.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.dirname(benchDir);
const workspaceRoot = path.resolve(packageDir, '../..');

/** @typedef {'a' | 'floor' | 'b' | 'c' | 'd' | 'e'} Variant */
/** @type {Record<Variant, string>} */
const VARIANT_LABELS = {
  a: '(a) parser only, no rules',
  floor: "(a') one trivial core rule (`no-debugger`), for reference",
  b: '(b) ghostguard `recommended`',
  c: '(c) ghostguard `recommended-type-checked`, typed',
  d: '(d) typescript-eslint `no-floating-promises`, typed',
  e: '(e) ghostguard `strict`',
};
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'build', 'out', 'coverage', 'fixtures', '__snapshots__']);
const TYPESCRIPT_FILE = /\.(?:[cm]?ts|tsx)$/u;
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/u;
/** Set by `--js` (the children inherit it through the environment). */
const jsMode = () => process.env.GHOSTGUARD_BENCH_JS === '1';

/** @param {string} text @returns {unknown} */
const parseJson = (text) => JSON.parse(text);

// ------------------------------------------------------------------------------------------------
// Child mode: lint once with one variant and print a one-line JSON summary.
// ------------------------------------------------------------------------------------------------

/**
 * @param {Variant} variant
 * @param {string} tsconfig
 */
async function configFor(variant, tsconfig) {
  const { default: tseslint } = await import('typescript-eslint');
  const { default: ghostguard } = await import('../dist/index.js');
  const typed = variant === 'c' || variant === 'd';
  /** @type {import('eslint').Linter.Config[]} */
  const config = [
    {
      files: jsMode()
        ? ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', '**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs']
        : ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
      languageOptions: {
        parser: /** @type {import('eslint').Linter.Parser} */ (tseslint.parser),
        parserOptions: typed ? { project: tsconfig, tsconfigRootDir: path.dirname(tsconfig) } : jsMode() ? { ecmaFeatures: { jsx: true } } : {},
      },
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
    },
  ];
  // Any enabled rule makes ESLint traverse every file and build its event queue; this variant
  // shows that floor, which no plugin can go below.
  if (variant === 'floor') config.push({ rules: { 'no-debugger': 'error' } });
  if (variant === 'b') config.push(/** @type {import('eslint').Linter.Config} */ (ghostguard.configs.recommended));
  if (variant === 'c') config.push(/** @type {import('eslint').Linter.Config} */ (ghostguard.configs['recommended-type-checked']));
  if (variant === 'e') config.push(/** @type {import('eslint').Linter.Config} */ (ghostguard.configs.strict));
  if (variant === 'd') {
    config.push({
      plugins: { '@typescript-eslint': /** @type {import('eslint').ESLint.Plugin} */ (tseslint.plugin) },
      rules: { '@typescript-eslint/no-floating-promises': 'error' },
    });
  }
  return config;
}

/**
 * @param {Variant} variant
 * @param {string} dir
 * @param {string} tsconfig
 * @param {string} listFile
 */
async function runChild(variant, dir, tsconfig, listFile) {
  const { ESLint } = await import('eslint');
  const files = /** @type {string[]} */ (parseJson(readFileSync(listFile, 'utf8')));
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: await configFor(variant, tsconfig) });
  const results = await eslint.lintFiles(files);
  /** @type {Record<string, number>} */
  const byRule = {};
  let fatal = 0;
  let firstFatal = '';
  for (const result of results) {
    for (const message of result.messages) {
      if (message.fatal) {
        fatal++;
        firstFatal ||= `${result.filePath}: ${message.message}`;
      } else if (message.ruleId) {
        // (Messages without a rule are ESLint's notices about the disabled inline config.)
        byRule[message.ruleId] = (byRule[message.ruleId] ?? 0) + 1;
      }
    }
  }
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  // The same module instance the plugin's rules use (both loaded from dist/ by file URL).
  const { summaryCounters } = await import('../dist/utils/module-summaries.js');
  const summaryStats = summaryCounters();
  process.stdout.write(`${JSON.stringify({ files: results.length, fatal, firstFatal, byRule, cpuMs, summaryStats })}\n`);
}

// ------------------------------------------------------------------------------------------------
// Parent mode
// ------------------------------------------------------------------------------------------------

/** @param {string} dir @returns {string[]} */
function typescriptFiles(dir) {
  /** @type {string[]} */
  const found = [];
  /** @param {string} current */
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(full);
      } else if (entry.isFile() && (jsMode() ? SOURCE_FILE : TYPESCRIPT_FILE).test(entry.name) && !/\.d\.[cm]?ts$/u.test(entry.name)) {
        found.push(full);
      }
    }
  };
  walk(dir);
  return found.sort();
}

/** A tsconfig that type-checks exactly the linted files, leniently (the tree's dependencies may be missing). */
function writeTsconfig(/** @type {string} */ tempDir, /** @type {string[]} */ files) {
  const tsconfig = path.join(tempDir, 'tsconfig.json');
  const compilerOptions = {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2023', 'DOM'],
    jsx: 'preserve',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
    types: [],
  };
  writeFileSync(tsconfig, JSON.stringify({ compilerOptions, files }, null, 2));
  return tsconfig;
}

/**
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @returns {Promise<{ ms: number; stdout: string; stderr: string }>}
 */
function runNode(args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: packageDir, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve({ ms, stdout, stderr });
      else reject(new Error(`child exited with ${code}:\n${stderr || stdout}`));
    });
  });
}

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? /** @type {number} */ (sorted[middle]) : (/** @type {number} */ (sorted[middle - 1]) + /** @type {number} */ (sorted[middle])) / 2;
}

const seconds = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(2)} s`;

/** @param {string} stdout */
function summaryLine(stdout) {
  const line = stdout.trim().split('\n').find((l) => l.startsWith('{"files"'));
  if (!line) throw new Error(`no summary in child output:\n${stdout}`);
  return /** @type {{ files: number; fatal: number; firstFatal: string; byRule: Record<string, number>; cpuMs: number; summaryStats?: { cacheHits: number; filesParsed: number; filesUnknown: number; exportsComputed: number } }} */ (
    parseJson(line)
  );
}

/** The TIMING table ESLint prints at exit (everything but our JSON summary line). */
function timingTable(/** @type {string} */ stdout) {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('{"files"'))
    .join('\n');
}

function parseArguments(/** @type {string[]} */ argv) {
  const options = { dir: '', runs: 3, check: false, tsconfig: '' };
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
    if (arg === '--') continue; // pnpm passes it through
    if (arg === '--runs') options.runs = Number(argv[++i]);
    else if (arg === '--check') options.check = true;
    else if (arg === '--js') process.env.GHOSTGUARD_BENCH_JS = '1';
    else if (arg === '--tsconfig') options.tsconfig = String(argv[++i]);
    else if (arg === '--help' || arg === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]);
      process.exit(0);
    } else options.dir = arg;
  }
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error('--runs needs a positive integer');
  return options;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  // pnpm runs scripts in the package directory; resolve a relative dir against where the user was.
  const userCwd = process.env.INIT_CWD ?? process.cwd();
  const dir = options.dir ? path.resolve(userCwd, options.dir) : path.join(workspaceRoot, 'packages');
  const files = typescriptFiles(dir);
  if (files.length === 0) throw new Error(`no ${jsMode() ? 'source' : 'TypeScript'} files under ${dir}`);
  /** Without types (`--js`), the typed runs (c) and (d) are skipped. */
  /** @type {Variant[]} */
  const variants = jsMode() ? ['a', 'floor', 'b', 'e'] : ['a', 'floor', 'b', 'c', 'd', 'e'];
  const lines = files.reduce((sum, file) => sum + readFileSync(file, 'utf8').split('\n').length, 0);

  const tempDir = mkdtempSync(path.join(os.tmpdir(), 'ghostguard-bench-'));
  try {
    const tsconfig = options.tsconfig ? path.resolve(userCwd, options.tsconfig) : writeTsconfig(tempDir, files);
    const listFile = path.join(tempDir, 'files.json');
    writeFileSync(listFile, JSON.stringify(files));
    const { version: eslintVersion } = /** @type {{ version: string }} */ (
      parseJson(readFileSync(path.join(packageDir, 'node_modules/eslint/package.json'), 'utf8'))
    );

    console.log(`# Lint benchmark\n`);
    console.log(`${dir}: ${files.length} ${jsMode() ? 'JavaScript and TypeScript' : 'TypeScript'} files, ${lines.toLocaleString('en-US')} lines; ESLint ${eslintVersion}, Node ${process.version}, ${os.cpus().length} CPUs; median of ${options.runs} runs.`);
    if (lines < 100_000) console.log(`\n> Note: fewer than 100 000 lines; pass a larger tree for representative figures.`);
    if (!options.tsconfig && !jsMode()) console.log(`> Typed runs use a generated tsconfig listing the linted files; imports of packages missing from the tree are \`any\`.`);

    const childArgs = (/** @type {Variant} */ variant) => [fileURLToPath(import.meta.url), '--child', variant, dir, tsconfig, listFile];
    /** @type {Record<Variant, number[]>} */
    const times = { a: [], floor: [], b: [], c: [], d: [], e: [] };
    /** CPU time of the child (user + system): far less sensitive than wall time to other load on the machine. */
    /** @type {Record<Variant, number[]>} */
    const cpuTimes = { a: [], floor: [], b: [], c: [], d: [], e: [] };
    const loadBefore = os.loadavg()[0] ?? 0;
    /** @type {Partial<Record<Variant, ReturnType<typeof summaryLine>>>} */
    const summaries = {};
    // One untimed run first, so that the first timed one does not pay for a cold file cache.
    await runNode(childArgs('a'));
    for (let run = 0; run < options.runs; run++) {
      for (const variant of variants) {
        const { ms, stdout } = await runNode(childArgs(variant));
        times[variant].push(ms);
        summaries[variant] = summaryLine(stdout);
        cpuTimes[variant].push(summaries[variant].cpuMs);
        process.stderr.write(`run ${run + 1}/${options.runs} ${variant}: ${seconds(ms)}\n`);
      }
    }

    const loadAfter = os.loadavg()[0] ?? 0;
    console.log(`\nLoad average (1 min) before / after: ${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)}.`);
    console.log(`\n| configuration | median wall | wall, each run | median CPU | problems reported | parse errors |\n| :-- | --: | :-- | --: | :-- | --: |`);
    for (const variant of variants) {
      const summary = summaries[variant];
      const problems = Object.entries(summary?.byRule ?? {}).map(([rule, count]) => `${rule.replace(/^ghostguard\//u, '')}: ${count}`).join(', ') || '–';
      const each = times[variant].map((t) => (t / 1000).toFixed(2)).join(' / ');
      console.log(`| ${VARIANT_LABELS[variant]} | ${seconds(median(times[variant]))} | ${each} | ${seconds(median(cpuTimes[variant]))} | ${problems} | ${summary?.fatal ?? '?'} |`);
    }
    const ratios = [
      { name: '(b) / (a)', wall: median(times.b) / median(times.a), cpu: median(cpuTimes.b) / median(cpuTimes.a), target: 1.05 },
      { name: '(c) / (d)', wall: median(times.c) / median(times.d), cpu: median(cpuTimes.c) / median(cpuTimes.d), target: 1.0 },
      { name: '(e) / (b)', wall: median(times.e) / median(times.b), cpu: median(cpuTimes.e) / median(cpuTimes.b), target: 1.05 },
    ].filter((ratio) => !jsMode() || ratio.name !== '(c) / (d)');
    console.log(`\n| ratio | wall | target | result | CPU |\n| :-- | --: | --: | :-- | --: |`);
    for (const ratio of ratios) {
      console.log(`| ${ratio.name} | ${ratio.wall.toFixed(3)} | ≤ ${ratio.target.toFixed(2)} | ${ratio.wall <= ratio.target ? 'PASS' : 'FAIL'} | ${ratio.cpu.toFixed(3)} |`);
    }
    const overFloor = (/** @type {Record<Variant, number[]>} */ t) => (median(t.b) / median(t.floor)).toFixed(3);
    console.log(`| (b) / (a'), for reference | ${overFloor(times)} | ≤ 1.10 | | ${overFloor(cpuTimes)} |`);
    console.log(`\n| run | module summaries: cache hits | files parsed | unknown (missing, unparsable, huge) | export answers computed |\n| :-- | --: | --: | --: | --: |`);
    for (const variant of variants.filter((v) => v === 'b' || v === 'c' || v === 'e')) {
      const stats = summaries[variant]?.summaryStats;
      if (stats) console.log(`| ${VARIANT_LABELS[variant]} | ${stats.cacheHits} | ${stats.filesParsed} | ${stats.filesUnknown} | ${stats.exportsComputed} |`);
    }
    for (const variant of variants) {
      if (summaries[variant]?.fatal) console.log(`\n> Warning: ${VARIANT_LABELS[variant]} had parse errors, e.g. ${summaries[variant]?.firstFatal}`);
    }

    for (const variant of variants.filter((v) => v !== 'a' && v !== 'floor')) {
      const { stdout } = await runNode(childArgs(variant), { TIMING: '1' });
      console.log(`\nTIMING=1, ${VARIANT_LABELS[variant]}:\n\n\`\`\`\n${timingTable(stdout)}\n\`\`\``);
    }
    if (options.check && ratios.some((r) => r.wall > r.target)) process.exitCode = 1;
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [variant, dir, tsconfig, listFile] = process.argv.slice(3);
  await runChild(/** @type {Variant} */ (variant), String(dir), String(tsconfig), String(listFile));
} else {
  await main();
}
