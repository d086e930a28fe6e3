import packageMeta from './package-meta.cjs';
import { rules } from './rules/index.js';

const { name, version } = packageMeta;

export type RuleName = keyof typeof rules;
export type ConfigName = 'recommended' | 'recommended-type-checked' | 'strict' | 'with-typescript-eslint';
type RuleId = `ghostguard/${RuleName}`;

export type RuleEntry = 'error' | 'off' | ['error', Record<string, unknown>];

/**
 * A flat config entry. Deliberately structural (as typescript-eslint types its own configs):
 * it is assignable to ESLint's `Linter.Config`/`defineConfig()` and to `tseslint.config()`
 * whichever versions of their types a project has installed.
 */
export interface GhostguardConfig {
  name: `ghostguard/${ConfigName}`;
  /**
   * Tests, benchmarks and one-shot scripts (`testAndScriptFiles`): the rules are about code that
   * runs inside a long-lived server. Spread the config with `ignores: []` to lint them too.
   */
  ignores: string[];
  plugins: { ghostguard: { meta: { name: string; version: string } } };
  /** ghostguard's own rules, plus (in `with-typescript-eslint`) settings for typescript-eslint's and core rules. */
  rules: { [id in RuleId]?: RuleEntry } & { [otherRule: string]: RuleEntry | undefined };
}

/**
 * A rule as config files see it. ESLint's `Plugin` type and typescript-eslint's disagree on the
 * rule context type; this shape is assignable to both, so `plugins: { ghostguard }` type-checks
 * in `defineConfig()` and `tseslint.config()`. The named `rules` export keeps the precise types.
 */
export interface LooseRuleModule {
  meta?: object;
  /* eslint-disable @typescript-eslint/no-explicit-any -- the two ecosystems' rule types only meet at `any` */
  create(context: any): { [selector: string]: ((...args: any[]) => void) | undefined };
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

export interface GhostguardPlugin {
  readonly meta: { readonly name: string; readonly version: string; readonly namespace: 'ghostguard' };
  readonly rules: Readonly<Record<RuleName, LooseRuleModule>>;
  /** Flat configs: list them in `defineConfig([...])` / `tseslint.config(...)`. */
  readonly configs: Readonly<Record<ConfigName, GhostguardConfig>>;
}

/**
 * Options that only `strict` turns on. They are precise but report code that is merely
 * unproven (a handled-but-untracked promise, a label value the rule cannot evaluate), which is
 * noise while a codebase is being migrated and the point once it has been.
 */
const strictOptions: Partial<Record<RuleName, Record<string, unknown>>> = {
  'no-detached-task': { requireTracking: true },
  'no-dynamic-metric-labels': { reportUnknown: true },
};

function ruleEntries(level: 'recommended' | 'strict'): GhostguardConfig['rules'] {
  const entries = (Object.keys(rules) as RuleName[])
    .filter((rule) => level === 'strict' || rules[rule].meta.docs?.recommended === 'recommended')
    .map((rule): [RuleId, RuleEntry] => {
      const options = level === 'strict' ? strictOptions[rule] : undefined;
      return [`ghostguard/${rule}`, options ? ['error', options] : 'error'];
    });
  return Object.fromEntries(entries);
}

/**
 * `recommended-type-checked` plus the settings that reconcile it with typescript-eslint's typed
 * configs and ESLint core, for a config that lists it after `tseslint.configs.recommendedTypeChecked`
 * (or `strictTypeChecked`), whose plugin it relies on:
 * - `@typescript-eslint/no-floating-promises` off: `ghostguard/no-detached-task` reports the same
 *   promises (any thenable, with types) but does not accept `void`, and accepts the runtime's task
 *   helpers; both on would report each dropped promise twice and disagree on the fix.
 * - `@typescript-eslint/no-misused-promises` without `checksVoidReturn.arguments`: `no-detached-task`
 *   reports the callbacks whose promise is really dropped (event listeners such as
 *   `ws.on('message', async …)`, `forEach`, timers, `subscribe`) and says that their rejection is
 *   unhandled; both on would report each of them twice, and that check also flags handlers whose
 *   framework awaits them (express 5 routes, fastify hooks). Every other check stays on.
 * - core `no-await-in-loop` off: it recommends `Promise.all`, the pattern
 *   `no-promise-all-in-ws-handler` bans in handlers, and a polling loop awaits in its loop by design.
 */
function withTypescriptEslintRules(): GhostguardConfig['rules'] {
  return {
    ...ruleEntries('recommended'),
    '@typescript-eslint/no-floating-promises': 'off',
    '@typescript-eslint/no-misused-promises': [
      'error',
      {
        checksConditionals: true,
        checksSpreads: true,
        checksVoidReturn: {
          arguments: false,
          attributes: true,
          inheritedMethods: true,
          properties: true,
          returns: true,
          variables: true,
        },
      },
    ],
    'no-await-in-loop': 'off',
  };
}

/**
 * Files the configs leave out: test suites (a dropped promise in a test fails or finishes with
 * the test run, a sleep in a test loop ends with it), benchmarks and one-shot scripts, which exit
 * when their work is done. Entry points that start a server (`bin/`, `src/cli.ts`) stay in.
 * Globs are matched relative to the config file, at any depth.
 */
export const testAndScriptFiles: readonly string[] = Object.freeze([
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/__mocks__/**',
  '**/spec/**',
  '**/e2e/**',
  '**/*.test.*',
  '**/*.spec.*',
  '**/scripts/**',
  '**/bench/**',
  '**/benchmarks/**',
]);

const configs = {} as Record<ConfigName, GhostguardConfig>;

const plugin: GhostguardPlugin = {
  meta: { name, version, namespace: 'ghostguard' },
  rules: rules as unknown as GhostguardPlugin['rules'],
  configs,
};

// Configs carry the plugin itself, so `configs.recommended` alone is a complete flat config entry.
const plugins = { ghostguard: plugin };
// A fresh array per config: a project that edits one config's list must not change the others.
const ignores = (): string[] => [...testAndScriptFiles];

Object.assign(configs, {
  recommended: { name: 'ghostguard/recommended', ignores: ignores(), plugins, rules: ruleEntries('recommended') },
  /**
   * The same rules at the same levels as `recommended`. Use it when the config also enables
   * typed linting (`parserOptions.projectService`): the rules then use the type checker to
   * recognise any thenable, typed AbortSignals and literal-union label values. It is a separate
   * name so that type-only additions never change what `recommended` asks of a project without
   * types, and so tooling (the docs table, the benchmark) can tell the two setups apart.
   */
  'recommended-type-checked': {
    name: 'ghostguard/recommended-type-checked',
    ignores: ignores(),
    plugins,
    rules: ruleEntries('recommended'),
  },
  strict: { name: 'ghostguard/strict', ignores: ignores(), plugins, rules: ruleEntries('strict') },
  'with-typescript-eslint': { name: 'ghostguard/with-typescript-eslint', ignores: ignores(), plugins, rules: withTypescriptEslintRules() },
} satisfies Record<ConfigName, GhostguardConfig>);

/**
 * The ES build (`import`) and the CommonJS build (`require`) can both load in one process, e.g. an
 * ESM eslint.config that also uses a CommonJS shareable config. ESLint refuses two different
 * objects under one plugin name, so every copy of the same version hands out the first one made.
 */
const sharedKey = Symbol.for(`${name}@${version}`);
const shared = globalThis as unknown as Record<symbol, GhostguardPlugin | undefined>;

export default (shared[sharedKey] ??= plugin);
export { rules };
