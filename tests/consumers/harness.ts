/**
 * Consumer-project harness: run ghostguard the way a user does, from the packed tarballs installed
 * by npm into a project outside the workspace.
 *
 * global-setup.ts packs both packages once and installs every kind of project listed in kinds.ts
 * (ESLint 10 + TypeScript; ESLint 9 + TypeScript + Jest; ESLint 9.0 without TypeScript) once.
 * A test then makes as many small projects as it likes, each in its own directory inside the
 * kind's install (so it sees that `node_modules`), with its own package.json and files:
 *
 * ```ts
 * import { createConsumerProject } from './harness.js';
 *
 * const project = await createConsumerProject({
 *   kind: 'eslint10-ts',          // see kinds.ts
 *   type: 'commonjs',             // package.json "type" ('module' | 'commonjs'; default 'module')
 *   files: { 'eslint.config.cjs': '…', 'src/poller.js': '…' },
 * });
 * const { code, stdout } = await project.run('node', ['src/poller.js']);  // cwd: project.dir
 * const results = await project.lint(['src'], { fix: true });             // ESLint JSON results
 * await project.read('src/poller.js');                                    // the fixed file
 * ```
 *
 * `run()` never throws on a non-zero exit: it returns `{ code, stdout, stderr }`. Binaries are
 * looked up in the kind's `node_modules/.bin` first. Other suites (README snippets, autofix
 * cases that must still run after `--fix`) can use the same helpers: write the snippet or the
 * fixed program into a project and `run('node', …)` it against a real server.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inject } from 'vitest';
import { cleanEnv } from './env.js';
import type { KindName } from './kinds.js';

export { cleanEnv };

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface LintMessage {
  readonly file: string;
  readonly line: number;
  readonly ruleId: string | null;
  readonly message: string;
  readonly fatal: boolean;
}

export interface ConsumerProject {
  readonly dir: string;
  readonly kind: KindName;
  run(command: string, args?: readonly string[], options?: { env?: Record<string, string>; timeoutMs?: number }): Promise<RunResult>;
  /** `eslint -f json <args>` (plus `--fix`), parsed to one flat list; throws if ESLint itself failed. */
  lint(args: readonly string[], options?: { fix?: boolean }): Promise<LintMessage[]>;
  read(file: string): Promise<string>;
  write(file: string, content: string): Promise<void>;
}

export interface ConsumerProjectOptions {
  readonly kind: KindName;
  /** package.json `"type"`; 'commonjs' writes no field, as `npm init -y` used to. */
  readonly type?: 'module' | 'commonjs';
  readonly files?: Readonly<Record<string, string>>;
  /** Extra package.json fields (e.g. `scripts`, `jest`). */
  readonly packageJson?: Readonly<Record<string, unknown>>;
}

let counter = 0;

export async function createConsumerProject(options: ConsumerProjectOptions): Promise<ConsumerProject> {
  const kindDir = inject('consumers').kinds[options.kind];
  const dir = path.join(kindDir, 'projects', `${process.pid}-${++counter}`);
  await mkdir(dir, { recursive: true });
  const type = options.type ?? 'module';
  const packageJson = { name: path.basename(dir), version: '1.0.0', private: true, ...(type === 'module' ? { type } : {}), ...options.packageJson };
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);

  const write = async (file: string, content: string): Promise<void> => {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  };
  for (const [file, content] of Object.entries(options.files ?? {})) await write(file, content);

  const bin = path.join(kindDir, 'node_modules', '.bin');
  const run: ConsumerProject['run'] = (command, args = [], runOptions = {}) =>
    new Promise((resolve) => {
      const env = cleanEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, ...runOptions.env });
      execFile(command, args, { cwd: dir, env, timeout: runOptions.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      });
    });

  const lint: ConsumerProject['lint'] = async (args, lintOptions = {}) => {
    const result = await run('eslint', ['-f', 'json', ...(lintOptions.fix ? ['--fix'] : []), ...args]);
    // Exit 1 means "problems found"; 2 (or no JSON) means ESLint could not run.
    if (result.code > 1 || !result.stdout.startsWith('[')) {
      throw new Error(`eslint ${args.join(' ')} exited ${result.code}:\n${result.stderr}\n${result.stdout.slice(0, 2000)}`);
    }
    const results = JSON.parse(result.stdout) as { filePath: string; messages: { line: number; ruleId: string | null; message: string; fatal?: boolean }[] }[];
    return results.flatMap((file) =>
      file.messages.map((m) => ({ file: path.relative(dir, file.filePath), line: m.line, ruleId: m.ruleId, message: m.message, fatal: m.fatal === true })),
    );
  };

  return { dir, kind: options.kind, run, lint, write, read: (file) => readFile(path.join(dir, file), 'utf8') };
}

/** `file:line ruleId` per message, sorted: compact and order-independent for assertions. */
export function summarise(messages: readonly LintMessage[]): string[] {
  return messages.map((m) => `${m.file}:${m.line} ${m.ruleId ?? (m.fatal ? 'FATAL ' + m.message : 'null')}`).sort();
}

/**
 * The `index`-th fenced code block under the Markdown heading `heading` (up to the next heading of
 * the same or a higher level), so tests run documentation snippets exactly as written.
 */
export async function readmeSnippet(readme: string, heading: string, index = 0): Promise<string> {
  const text = await readFile(readme, 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.replace(/^#+\s*/, '') === heading && line.startsWith('#'));
  if (start < 0) throw new Error(`no heading "${heading}" in ${readme}`);
  const level = /^#+/.exec(lines[start]!)![0].length;
  const blocks: string[] = [];
  let current: string[] | undefined;
  for (const line of lines.slice(start + 1)) {
    const m = /^(#+)\s/.exec(line);
    if (current === undefined && m && m[1]!.length <= level) break;
    if (line.startsWith('```')) {
      if (current === undefined) current = [];
      else {
        blocks.push(`${current.join('\n')}\n`);
        current = undefined;
      }
    } else current?.push(line);
  }
  const block = blocks[index];
  if (block === undefined) throw new Error(`no code block ${index} under "${heading}" in ${readme}`);
  return block;
}
