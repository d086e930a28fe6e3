import parser from '@typescript-eslint/parser';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { type ESLint, Linter } from 'eslint';

export interface ProbeOptions {
  /** `module` (default) or `script` (CommonJS). */
  sourceType?: 'module' | 'script';
}

/**
 * Runs `inspect` on the first argument of every `probe(...)` call in `code` and returns the
 * results in source order. Lets helper tests use real scope analysis without a RuleTester.
 */
export function probe<T>(
  code: string,
  inspect: (context: Readonly<TSESLint.RuleContext<string, []>>, node: TSESTree.Node) => T,
  options: ProbeOptions = {},
): T[] {
  const results: T[] = [];
  const rule: TSESLint.RuleModule<string, []> = {
    defaultOptions: [],
    meta: { type: 'problem', messages: {}, schema: [] },
    create(context) {
      return {
        'CallExpression[callee.name="probe"]'(node: TSESTree.CallExpression) {
          const [argument] = node.arguments;
          if (argument) results.push(inspect(context, argument));
        },
      };
    },
  };
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(code, [
    {
      files: ['**/*.ts'],
      plugins: { test: { rules: { probe: rule as unknown as NonNullable<ESLint.Plugin['rules']>[string] } } },
      rules: { 'test/probe': 'error' },
      languageOptions: { parser, sourceType: options.sourceType ?? 'module', ecmaVersion: 'latest' },
    },
  ], 'probe.ts');
  const fatal = messages.find((m) => m.fatal);
  if (fatal) throw new Error(`probe could not parse: ${fatal.message}`);
  return results;
}
