import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import ghostguard from '../src/index.js';
import { fixturesDir } from './rule-tester.js';

const FILE = path.join(fixturesDir, 'file.ts');

function lint(configs: Linter.Config[], code: string): Promise<Linter.LintMessage[]> {
  const eslint = new ESLint({
    cwd: fixturesDir,
    overrideConfigFile: true,
    overrideConfig: [
      ...(tseslint.configs.recommendedTypeChecked as Linter.Config[]),
      {
        languageOptions: {
          parserOptions: {
            project: './tsconfig.json',
            tsconfigRootDir: fixturesDir,
            // Under CI=true typescript-eslint assumes a one-shot CLI run and types the files as they
            // are on disk, ignoring the text given to lintText.
            disallowAutomaticSingleRunInference: true,
          },
        },
      },
      { rules: { 'no-await-in-loop': 'error' } },
      ...configs,
    ],
  });
  return eslint.lintText(code, { filePath: FILE }).then(([result]) => result?.messages ?? []);
}

const ruleIds = (messages: Linter.LintMessage[]): (string | null)[] => messages.map((m) => m.ruleId).sort();

const preset = ghostguard.configs['with-typescript-eslint'] as unknown as Linter.Config;
const recommended = ghostguard.configs['recommended-type-checked'] as unknown as Linter.Config;

const detached = `async function flush(): Promise<void> {}
export function handle(): void {
  void flush();
}
`;

const asyncListener = `declare const ws: { on(event: 'message', listener: (data: string) => void): void };
async function store(data: string): Promise<void> { await Promise.resolve(data); }
export function handle(): void {
  ws.on('message', async (data) => {
    await store(data);
  });
}
`;

const pollingLoop = `declare const signal: AbortSignal;
async function flush(): Promise<void> {}
export async function poll(): Promise<void> {
  while (!signal.aborted) {
    await flush();
  }
}
`;

const misusedInCondition = `declare function ready(): Promise<boolean>;
export function check(): number {
  if (ready()) return 1;
  return 0;
}
`;

describe('configs["with-typescript-eslint"]', () => {
  it('reports a voided promise once, from ghostguard, where typescript-eslint alone accepts it', async () => {
    expect(ruleIds(await lint([recommended], detached))).toEqual(['ghostguard/no-detached-task']);
    expect(ruleIds(await lint([preset], detached))).toEqual(['ghostguard/no-detached-task']);
  });

  it('does not report the same dropped promise twice', async () => {
    const code = 'async function flush(): Promise<void> {}\nexport function handle(): void {\n  flush();\n}\n';
    expect(ruleIds(await lint([recommended], code))).toEqual(['@typescript-eslint/no-floating-promises', 'ghostguard/no-detached-task']);
    expect(ruleIds(await lint([preset], code))).toEqual(['ghostguard/no-detached-task']);
  });

  it('reports an async socket listener once, from ghostguard, where no-misused-promises would report it too', async () => {
    expect(ruleIds(await lint([recommended], asyncListener))).toEqual(['@typescript-eslint/no-misused-promises', 'ghostguard/no-detached-task']);
    expect(ruleIds(await lint([preset], asyncListener))).toEqual(['ghostguard/no-detached-task']);
  });

  it('keeps the other no-misused-promises checks', async () => {
    expect(ruleIds(await lint([preset], misusedInCondition))).toEqual(['@typescript-eslint/no-misused-promises']);
  });

  it('turns off no-await-in-loop, which recommends Promise.all', async () => {
    expect(ruleIds(await lint([recommended], pollingLoop))).toEqual(['no-await-in-loop']);
    expect(ruleIds(await lint([preset], pollingLoop))).toEqual([]);
  });

  it('keeps every recommended ghostguard rule on', () => {
    for (const [id, entry] of Object.entries(ghostguard.configs.recommended.rules)) {
      expect(ghostguard.configs['with-typescript-eslint'].rules[id]).toEqual(entry);
    }
  });
});
