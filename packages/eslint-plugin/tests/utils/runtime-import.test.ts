import { AST_NODE_TYPES, ESLintUtils, type TSESTree } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { isCommonJs, planModuleImport, planRuntimeImport } from '../../src/utils/runtime-import.js';
import { commonJsLanguageOptions, untypedRuleTester } from '../rule-tester.js';

/**
 * `wants('a', 'b')` asks for runtime exports `a` and `b`; the fix replaces the call with the
 * planned references (`[a, b]`) and applies the plan's import fixes, exactly as a rule does.
 */
const wantsRule = ESLintUtils.RuleCreator.withoutDocs({
  meta: {
    type: 'suggestion',
    fixable: 'code',
    messages: { planned: 'planned', clash: 'no safe import' },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    return {
      CallExpression(node: TSESTree.CallExpression) {
        if (node.callee.type !== AST_NODE_TYPES.Identifier) return;
        const strings = node.arguments.flatMap((a) =>
          a.type === AST_NODE_TYPES.Literal && typeof a.value === 'string' ? [a.value] : [],
        );
        // `wantsFrom('node:events', 'addAbortListener')` plans an import from another module.
        if (node.callee.name !== 'wants' && node.callee.name !== 'wantsFrom') return;
        const [module, ...fromModule] = strings;
        const names = node.callee.name === 'wants' ? strings : fromModule;
        const plan =
          node.callee.name === 'wants'
            ? planRuntimeImport(context.sourceCode, names)
            : planModuleImport(context.sourceCode, module ?? '', names);
        if (!plan) {
          context.report({ node, messageId: 'clash' });
          return;
        }
        context.report({
          node,
          messageId: 'planned',
          fix: (fixer) => [fixer.replaceText(node, `[${names.map((n) => plan.refs[n]).join(', ')}]`), ...plan.fixes(fixer)],
        });
      },
    };
  },
});

const planned = [{ messageId: 'planned' as const }];
const clash = [{ messageId: 'clash' as const }];

untypedRuleTester.run('planRuntimeImport (ESM)', wantsRule, {
  valid: ['notWanted("sleepUntilShutdown");'],
  invalid: [
    {
      name: 'file without imports gets a new import at the top',
      code: 'const ms = 10;\nwants("sleepUntilShutdown");\n',
      output: "import { sleepUntilShutdown } from \"@ghostguard/runtime\";\nconst ms = 10;\n[sleepUntilShutdown];\n",
      errors: planned,
    },
    {
      name: 'new import goes after the existing imports',
      code: "import fs from 'node:fs';\nimport path from 'node:path';\n\nwants('sleepUntilShutdown');\n",
      output:
        "import fs from 'node:fs';\nimport path from 'node:path';\nimport { sleepUntilShutdown } from '@ghostguard/runtime';\n\n[sleepUntilShutdown];\n",
      errors: planned,
    },
    {
      name: 'extends an existing named import',
      code: "import { createNamedTask } from '@ghostguard/runtime';\nwants('sleepUntilShutdown');\n",
      output: "import { createNamedTask, sleepUntilShutdown } from '@ghostguard/runtime';\n[sleepUntilShutdown];\n",
      errors: planned,
    },
    {
      name: 'extends a multi-line import with a trailing comma',
      code: "import {\n  createNamedTask,\n  drainTasks,\n} from '@ghostguard/runtime';\nwants('sleepUntilShutdown');\n",
      output:
        "import {\n  createNamedTask,\n  drainTasks, sleepUntilShutdown,\n} from '@ghostguard/runtime';\n[sleepUntilShutdown];\n",
      errors: planned,
    },
    {
      name: 'only adds what is missing when several names are wanted',
      code: "import { createNamedTask } from '@ghostguard/runtime';\nwants('createNamedTask', 'drainTasks', 'createNamedTask');\n",
      output: "import { createNamedTask, drainTasks } from '@ghostguard/runtime';\n[createNamedTask, drainTasks, createNamedTask];\n",
      errors: planned,
    },
    {
      name: 'an already imported name needs no import fix',
      code: "import { sleepUntilShutdown } from '@ghostguard/runtime';\nwants('sleepUntilShutdown');\n",
      output: "import { sleepUntilShutdown } from '@ghostguard/runtime';\n[sleepUntilShutdown];\n",
      errors: planned,
    },
    {
      name: 'reuses an aliased import',
      code: "import { sleepUntilShutdown as sleepOrStop } from '@ghostguard/runtime';\nwants('sleepUntilShutdown');\n",
      output: "import { sleepUntilShutdown as sleepOrStop } from '@ghostguard/runtime';\n[sleepOrStop];\n",
      errors: planned,
    },
    {
      name: 'reuses a string-named aliased import',
      code: "import { 'sleepUntilShutdown' as sleepOrStop } from '@ghostguard/runtime';\nwants('sleepUntilShutdown');\n",
      output: "import { 'sleepUntilShutdown' as sleepOrStop } from '@ghostguard/runtime';\n[sleepOrStop];\n",
      errors: planned,
    },
    {
      name: 'uses a namespace import',
      code: "import * as gg from '@ghostguard/runtime';\nwants('sleepUntilShutdown', 'drainTasks');\n",
      output: "import * as gg from '@ghostguard/runtime';\n[gg.sleepUntilShutdown, gg.drainTasks];\n",
      errors: planned,
    },
    {
      name: 'uses a namespace import next to a default import',
      code: "import rt, * as gg from '@ghostguard/runtime';\nwants('drainTasks');\n",
      output: "import rt, * as gg from '@ghostguard/runtime';\n[gg.drainTasks];\n",
      errors: planned,
    },
    {
      name: 'adds named specifiers to a default-only import',
      code: "import runtime from '@ghostguard/runtime';\nwants('drainTasks');\n",
      output: "import runtime, { drainTasks } from '@ghostguard/runtime';\n[drainTasks];\n",
      errors: planned,
    },
    {
      name: 'fills empty braces after a default import',
      code: "import runtime, {} from '@ghostguard/runtime';\nwants('drainTasks');\n",
      output: "import runtime, { drainTasks } from '@ghostguard/runtime';\n[drainTasks];\n",
      errors: planned,
    },
    {
      name: 'fills an empty import',
      code: "import {} from '@ghostguard/runtime';\nwants('drainTasks');\n",
      output: "import { drainTasks } from '@ghostguard/runtime';\n[drainTasks];\n",
      errors: planned,
    },
    {
      name: 'turns a side-effect import into a named import',
      code: "import '@ghostguard/runtime';\nwants('drainTasks');\n",
      output: "import { drainTasks } from '@ghostguard/runtime';\n[drainTasks];\n",
      errors: planned,
    },
    {
      name: '`import type` is not reused: a value import is added after it',
      code: "import type { Task } from '@ghostguard/runtime';\nwants('createNamedTask');\n",
      output:
        "import type { Task } from '@ghostguard/runtime';\nimport { createNamedTask } from '@ghostguard/runtime';\n[createNamedTask];\n",
      errors: planned,
    },
    {
      name: 'a value import with inline type specifiers is extended',
      code: "import { type Task } from '@ghostguard/runtime';\nwants('createNamedTask');\n",
      output: "import { type Task, createNamedTask } from '@ghostguard/runtime';\n[createNamedTask];\n",
      errors: planned,
    },
    {
      name: 'a type-only specifier of the wanted name is a clash',
      code: "import { type createNamedTask } from '@ghostguard/runtime';\nwants('createNamedTask');\n",
      errors: clash,
    },
    {
      name: 'TypeScript `import x = require()` is used as a namespace',
      code: "import rt = require('@ghostguard/runtime');\nwants('drainTasks');\n",
      output: "import rt = require('@ghostguard/runtime');\n[rt.drainTasks];\n",
      errors: planned,
    },
    {
      name: 'double quotes when the file uses them',
      code: 'import fs from "node:fs";\nwants(\'drainTasks\');\n',
      output: 'import fs from "node:fs";\nimport { drainTasks } from "@ghostguard/runtime";\n[drainTasks];\n',
      errors: planned,
    },
    {
      name: 'no semicolons when the file has none',
      code: "import fs from 'node:fs'\nconst x = 1\nwants('drainTasks')\n",
      output: "import fs from 'node:fs'\nimport { drainTasks } from '@ghostguard/runtime'\nconst x = 1\n[drainTasks]\n",
      errors: planned,
    },
    {
      name: 'no-semicolon style with a function first still detects the style from a later statement',
      code: "function f() {}\nconst x = f()\nwants('drainTasks')\n",
      output: "import { drainTasks } from '@ghostguard/runtime'\nfunction f() {}\nconst x = f()\n[drainTasks]\n",
      errors: planned,
    },
    {
      name: "stays after a 'use client' directive",
      code: "'use client';\n\nwants('drainTasks');\n",
      output: "'use client';\nimport { drainTasks } from '@ghostguard/runtime';\n\n[drainTasks];\n",
      errors: planned,
    },
    {
      name: 'goes above @ts-expect-error / eslint-disable-next-line comments aimed at the first statement',
      code: "// @ts-expect-error legacy global\n// prettier-ignore\nlegacy.log(wants('drainTasks'));\n",
      output:
        "import { drainTasks } from '@ghostguard/runtime';\n// @ts-expect-error legacy global\n// prettier-ignore\nlegacy.log([drainTasks]);\n",
      errors: planned,
    },
    {
      name: 'stays below a file header comment',
      code: "/* Copyright header */\n\nwants('drainTasks');\n",
      output: "/* Copyright header */\n\nimport { drainTasks } from '@ghostguard/runtime';\n[drainTasks];\n",
      errors: planned,
    },
    {
      name: 'keeps a trailing comment on the line of the import it belongs to',
      code: "import fs from 'node:fs'; // note that belongs to this line\nwants('drainTasks');\n",
      output:
        "import fs from 'node:fs'; // note that belongs to this line\nimport { drainTasks } from '@ghostguard/runtime';\n[drainTasks];\n",
      errors: planned,
    },
    {
      name: 'two reports in one file converge over two passes without a duplicate import',
      code: "wants('drainTasks');\nwants('sleepUntilShutdown');\n",
      output: [
        "import { drainTasks } from '@ghostguard/runtime';\n[drainTasks];\nwants('sleepUntilShutdown');\n",
        "import { drainTasks, sleepUntilShutdown } from '@ghostguard/runtime';\n[drainTasks];\n[sleepUntilShutdown];\n",
      ],
      errors: [{ messageId: 'planned' }, { messageId: 'planned' }],
    },
    {
      name: 'planModuleImport: `node:events` extends an existing import from `events`',
      code: "import { once } from 'events';\nwantsFrom('node:events', 'addAbortListener');\n",
      output: "import { once, addAbortListener } from 'events';\n[addAbortListener];\n",
      errors: planned,
    },
    {
      name: 'planModuleImport: a new import names the module as given',
      code: "import fs from 'node:fs';\nwantsFrom('node:events', 'addAbortListener', 'once');\n",
      output: "import fs from 'node:fs';\nimport { addAbortListener, once } from 'node:events';\n[addAbortListener, once];\n",
      errors: planned,
    },
    {
      name: 'planModuleImport: another package with a similar name is not reused',
      code: "import { once } from 'events-extra';\nwantsFrom('node:events', 'addAbortListener');\n",
      output:
        "import { once } from 'events-extra';\nimport { addAbortListener } from 'node:events';\n[addAbortListener];\n",
      errors: planned,
    },
    {
      name: 'clash with a module-level declaration',
      code: "const sleepUntilShutdown = () => 1;\nwants('sleepUntilShutdown');\n",
      errors: clash,
    },
    {
      name: 'clash with an unrelated import of the same name',
      code: "import { sleepUntilShutdown } from './local.js';\nwants('sleepUntilShutdown');\n",
      errors: clash,
    },
    {
      name: 'clash with a name declared in a nested scope (it could shadow the import at the fix site)',
      code: "function run(drainTasks: unknown) { return wants('drainTasks'); }\n",
      errors: clash,
    },
    {
      name: 'clash with an undeclared global of that name',
      code: "drainTasks();\nwants('drainTasks');\n",
      errors: clash,
    },
    {
      name: 'a reused alias shadowed in a nested scope is a clash',
      code: "import { sleepUntilShutdown as sleep } from '@ghostguard/runtime';\nfunction run(sleep: number) { return wants('sleepUntilShutdown'); }\n",
      errors: clash,
    },
    {
      name: 'an alias for another export does not count',
      code: "import { drainTasks as sleepUntilShutdown } from '@ghostguard/runtime';\nwants('sleepUntilShutdown');\n",
      errors: clash,
    },
  ],
});

untypedRuleTester.run('planRuntimeImport (CommonJS)', wantsRule, {
  valid: [],
  invalid: [
    {
      name: 'extends an existing destructured require',
      code: "'use strict';\nconst { drainTasks } = require('@ghostguard/runtime');\nwants('sleepUntilShutdown');\n",
      output: "'use strict';\nconst { drainTasks, sleepUntilShutdown } = require('@ghostguard/runtime');\n[sleepUntilShutdown];\n",
      languageOptions: commonJsLanguageOptions,
      errors: planned,
    },
    {
      name: 'reuses a renamed destructured require',
      code: "const { sleepUntilShutdown: sleepOrStop } = require('@ghostguard/runtime');\nwants('sleepUntilShutdown');\n",
      output: "const { sleepUntilShutdown: sleepOrStop } = require('@ghostguard/runtime');\n[sleepOrStop];\n",
      languageOptions: commonJsLanguageOptions,
      errors: planned,
    },
    {
      name: 'adds before a rest element',
      code: "const { drainTasks, ...rest } = require('@ghostguard/runtime');\nwants('createNamedTask');\n",
      output: "const { drainTasks, createNamedTask, ...rest } = require('@ghostguard/runtime');\n[createNamedTask];\n",
      languageOptions: commonJsLanguageOptions,
      errors: planned,
    },
    {
      name: 'uses a namespace require',
      code: "const runtime = require('@ghostguard/runtime');\nwants('createNamedTask');\n",
      output: "const runtime = require('@ghostguard/runtime');\n[runtime.createNamedTask];\n",
      languageOptions: commonJsLanguageOptions,
      errors: planned,
    },
    {
      name: "new require after 'use strict'",
      code: "'use strict';\n\nwants('sleepUntilShutdown');\n",
      output: "'use strict';\nconst { sleepUntilShutdown } = require('@ghostguard/runtime');\n\n[sleepUntilShutdown];\n",
      languageOptions: commonJsLanguageOptions,
      errors: planned,
    },
    {
      name: 'new require after the leading requires, before any top-level code',
      code: "'use strict';\nconst fs = require('fs');\nconst posix = require('node:path').posix;\nrun();\nconst late = require('late');\nwants('drainTasks');\n",
      output:
        "'use strict';\nconst fs = require('fs');\nconst posix = require('node:path').posix;\nconst { drainTasks } = require('@ghostguard/runtime');\nrun();\nconst late = require('late');\n[drainTasks];\n",
      languageOptions: commonJsLanguageOptions,
      errors: planned,
    },
    {
      name: 'double quotes and no semicolons from the existing require',
      code: 'const fs = require("fs")\nwants("drainTasks")\n',
      output: 'const fs = require("fs")\nconst { drainTasks } = require("@ghostguard/runtime")\n[drainTasks]\n',
      languageOptions: commonJsLanguageOptions,
      errors: planned,
    },
    {
      name: 'semicolon-free style still gets a semicolon before a line starting with `(`',
      code: "const fs = require('fs')\n;(function () { wants('drainTasks') })()\n",
      output: "const fs = require('fs')\nconst { drainTasks } = require('@ghostguard/runtime')\n;(function () { [drainTasks] })()\n",
      languageOptions: commonJsLanguageOptions,
      errors: planned,
    },
    {
      name: 'an ASI hazard at the top of a semicolon-free file',
      code: "(function () { wants('drainTasks') })()\nmodule.exports = {}\n",
      output: "const { drainTasks } = require('@ghostguard/runtime');\n(function () { [drainTasks] })()\nmodule.exports = {}\n",
      languageOptions: commonJsLanguageOptions,
      errors: planned,
    },
    {
      name: 'a .js module that uses require is treated as CommonJS',
      code: "const fs = require('fs');\nwants('drainTasks');\n",
      output: "const fs = require('fs');\nconst { drainTasks } = require('@ghostguard/runtime');\n[drainTasks];\n",
      filename: 'script.js',
      errors: planned,
    },
    {
      name: 'a .js module that only assigns module.exports is treated as CommonJS',
      code: "module.exports = function run() { return wants('drainTasks'); };\n",
      output:
        "const { drainTasks } = require('@ghostguard/runtime');\nmodule.exports = function run() { return [drainTasks]; };\n",
      filename: 'script.js',
      errors: planned,
    },
    {
      name: 'clash with a top-level declaration in a script',
      code: "var drainTasks = 1;\nwants('drainTasks');\n",
      languageOptions: commonJsLanguageOptions,
      errors: clash,
    },
  ],
});

describe('planRuntimeImport with the default parser (espree)', () => {
  function lint(code: string, sourceType: 'commonjs' | 'module'): Linter.LintMessage[] {
    const linter = new Linter();
    return linter.verify(code, [
      {
        files: ['**/*.js'],
        languageOptions: { sourceType },
        plugins: { t: { rules: { wants: wantsRule as never } } },
        rules: { 't/wants': 'error' },
      },
    ], 'file.js');
  }

  it('sees top-level declarations inside the CommonJS wrapper scope as clashes', () => {
    const messages = lint("const drainTasks = 1;\nwants('drainTasks');\n", 'commonjs');
    expect(messages.map((m) => m.message)).toEqual(['no safe import']);
  });

  it('reuses a destructured require inside the CommonJS wrapper scope', () => {
    const linter = new Linter();
    const output = linter.verifyAndFix(
      "const { drainTasks } = require('@ghostguard/runtime');\nwants('drainTasks', 'createNamedTask');\n",
      [
        {
          files: ['**/*.js'],
          languageOptions: { sourceType: 'commonjs' },
          plugins: { t: { rules: { wants: wantsRule as never } } },
          rules: { 't/wants': 'error' },
        },
      ],
      'file.js',
    ).output;
    expect(output).toBe(
      "const { drainTasks, createNamedTask } = require('@ghostguard/runtime');\n[drainTasks, createNamedTask];\n",
    );
  });

  it('detects CommonJS only from what the file says', () => {
    const linter = new Linter();
    const seen: boolean[] = [];
    const probe = {
      meta: { schema: [] },
      create: (context: Parameters<(typeof wantsRule)['create']>[0]) => ({
        Program: () => void seen.push(isCommonJs(context.sourceCode)),
      }),
    };
    for (const [code, sourceType] of [
      ['export const a = 1; require("x");', 'module'],
      ['exports.a = 1;', 'module'],
      ['const a = 1;', 'module'],
      ['const a = 1;', 'commonjs'],
    ] as const) {
      linter.verify(code, [
        { files: ['**/*.js'], languageOptions: { sourceType }, plugins: { t: { rules: { probe: probe as never } } }, rules: { 't/probe': 'error' } },
      ], 'file.js');
    }
    expect(seen).toEqual([false, true, false, true]);
  });
});
