/**
 * Crash and fix-safety checks shared by the corpus and fuzz tests: lint a text with every rule
 * (strict config, all options on, no type information), then prove that nothing threw, every
 * autofix parses and converges within two passes, and every suggestion parses.
 */
import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import ghostguard from '../src/index.js';

export type ParserChoice = 'typescript-eslint' | 'espree';
export type SourceTypeChoice = 'module' | 'commonjs';

export interface Failure {
  file: string;
  kind: 'crash' | 'fix-does-not-parse' | 'fix-does-not-converge' | 'suggestion-does-not-parse';
  detail: string;
}

export interface SafetyTotals {
  files: number;
  lines: number;
  unparsable: number;
  /** The first few unparsable files with their parse error, to tell a broken input from a broken tool. */
  unparsableSamples: string[];
  /** Files the rules actually ran on (parsable ones). */
  linted: number;
  problems: number;
  /** Problems per rule id: shows which rules a corpus or generator actually exercised. */
  byRule: Record<string, number>;
  fixableProblems: number;
  filesFixed: number;
  suggestionsChecked: number;
  failures: Failure[];
}

export function emptyTotals(): SafetyTotals {
  return { files: 0, lines: 0, unparsable: 0, unparsableSamples: [], linted: 0, problems: 0, byRule: {}, fixableProblems: 0, filesFixed: 0, suggestionsChecked: 0, failures: [] };
}

const MAX_FIX_PASSES = 2;
const LINTED_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', '**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs'];

function isTypeScript(file: string): boolean {
  return /\.[cm]?tsx?$/u.test(file);
}

/** The language part of a config: which parser and module system the text is read with. */
function languageConfig(file: string, parser: ParserChoice, sourceType: SourceTypeChoice): Linter.Config {
  const useTs = parser === 'typescript-eslint' || isTypeScript(file);
  return {
    files: LINTED_FILES,
    languageOptions: {
      sourceType,
      ...(useTs ? { parser: tsParser } : {}),
      parserOptions: { ecmaFeatures: { jsx: /\.[jt]sx$/u.test(file) } },
    },
    // Corpus files carry their own `eslint-disable` comments for rules we do not load.
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
  };
}

/**
 * Lints texts as described above. `verifyCalls` counts how often the rules ran, which is how
 * fix passes are counted: `Linter#verifyAndFix` lints once per pass plus once at the end.
 */
export function createSafetyChecker() {
  const linter = new Linter();
  let verifyCalls = 0;
  const passCounter: Linter.Config = {
    plugins: { probe: { rules: { 'count-passes': { create: () => (verifyCalls++, {}) } } } },
    rules: { 'probe/count-passes': 'error' },
  };

  function parseErrors(text: string, language: Linter.Config, file: string): Linter.LintMessage[] {
    return linter.verify(text, [language], file).filter((m) => m.fatal);
  }

  /** ESLint ignores `node_modules` paths and would silently lint nothing; the linter sees a neutral name. */
  function virtualName(file: string): string {
    return `corpus/${file.replaceAll(/(^|\/)node_modules\//gu, '$1nm/')}`;
  }

  /** Lints one text and adds what it found to `totals`. */
  function check(
    text: string,
    file: string,
    totals: SafetyTotals,
    parser: ParserChoice = 'typescript-eslint',
    sourceType: SourceTypeChoice = file.endsWith('.cjs') ? 'commonjs' : 'module',
  ): void {
    totals.files++;
    totals.lines += text.split('\n').length;
    const name = file;
    file = virtualName(file);
    let language = languageConfig(file, parser, sourceType);
    if (parseErrors(text, language, file).length > 0) {
      // Much of node_modules is CommonJS that strict-mode module parsing rejects.
      const retry = languageConfig(file, parser, sourceType === 'module' ? 'commonjs' : 'module');
      const errors = parseErrors(text, retry, file);
      if (errors.length > 0) {
        totals.unparsable++;
        if (totals.unparsableSamples.length < 5) totals.unparsableSamples.push(`${name}: ${errors[0]?.message}`);
        return;
      }
      language = retry;
    }
    const config = [language, ghostguard.configs.strict as Linter.Config];
    const fail = (kind: Failure['kind'], detail: string) =>
      totals.failures.push({ file: name, kind, detail: detail.slice(0, 600) });

    let messages: Linter.LintMessage[];
    try {
      verifyCalls = 0;
      messages = linter.verify(text, [...config, passCounter], file);
    } catch (error) {
      fail('crash', String((error as Error).stack ?? error));
      return;
    }
    if (verifyCalls !== 1) throw new Error(`${name}: no config applied, the rules did not run`);
    totals.linted++;
    for (const m of messages.filter((message) => message.fatal)) fail('crash', `${m.line}:${m.column} ${m.message}`);
    const own = messages.filter((m) => m.ruleId?.startsWith('ghostguard/'));
    totals.problems += own.length;
    for (const m of own) totals.byRule[m.ruleId!] = (totals.byRule[m.ruleId!] ?? 0) + 1;

    for (const m of own) {
      for (const suggestion of m.suggestions ?? []) {
        totals.suggestionsChecked++;
        const [start, end] = suggestion.fix.range;
        const suggested = text.slice(0, start) + suggestion.fix.text + text.slice(end);
        const errors = parseErrors(suggested, language, file);
        if (errors.length > 0) fail('suggestion-does-not-parse', `${m.ruleId} ${suggestion.messageId ?? ''} at ${m.line}:${m.column}: ${errors[0]?.message}`);
      }
    }

    const fixable = own.filter((m) => m.fix);
    if (fixable.length === 0) return;
    totals.fixableProblems += fixable.length;
    totals.filesFixed++;
    try {
      verifyCalls = 0;
      const fixed = linter.verifyAndFix(text, [...config, passCounter], { filename: file });
      const passes = verifyCalls - 1;
      const errors = parseErrors(fixed.output, language, file);
      if (errors.length > 0) {
        fail('fix-does-not-parse', `${errors[0]?.message} in:\n${fixed.output.slice(0, 400)}`);
        return;
      }
      const again = linter.verifyAndFix(fixed.output, config, { filename: file });
      if (passes > MAX_FIX_PASSES || again.fixed) {
        fail('fix-does-not-converge', `${passes} passes; still fixing: ${again.fixed}`);
      }
    } catch (error) {
      fail('crash', `while fixing: ${String((error as Error).stack ?? error)}`);
    }
  }

  return { check };
}

/** A readable list of failures for an assertion message. */
export function describeFailures(failures: readonly Failure[], limit = 10): string {
  return failures
    .slice(0, limit)
    .map((f) => `${f.kind} in ${f.file}: ${f.detail}`)
    .join('\n---\n');
}
