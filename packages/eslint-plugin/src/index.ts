import { createRequire } from 'node:module';
import { rules } from './rules/index.js';

// Read at run time so `meta.version` (part of ESLint's `--cache` key) never drifts from the package.
const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

export type RuleName = keyof typeof rules;
export type ConfigName = 'recommended' | 'recommended-type-checked' | 'strict';
type RuleId = `ghostguard/${RuleName}`;

export type RuleEntry = 'error' | ['error', Record<string, unknown>];

/**
 * A flat config entry. Deliberately structural (as typescript-eslint types its own configs):
 * it is assignable to ESLint's `Linter.Config`/`defineConfig()` and to `tseslint.config()`
 * whichever versions of their types a project has installed.
 */
export interface GhostguardConfig {
  name: `ghostguard/${ConfigName}`;
  plugins: { ghostguard: { meta: { name: string; version: string } } };
  rules: { [id in RuleId]?: RuleEntry };
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

const configs = {} as Record<ConfigName, GhostguardConfig>;

const plugin: GhostguardPlugin = {
  meta: { name, version, namespace: 'ghostguard' },
  rules: rules as unknown as GhostguardPlugin['rules'],
  configs,
};

// Configs carry the plugin itself, so `configs.recommended` alone is a complete flat config entry.
const plugins = { ghostguard: plugin };

Object.assign(configs, {
  recommended: { name: 'ghostguard/recommended', plugins, rules: ruleEntries('recommended') },
  /**
   * The same rules at the same levels as `recommended`. Use it when the config also enables
   * typed linting (`parserOptions.projectService`): the rules then use the type checker to
   * recognise any thenable, typed AbortSignals and literal-union label values. It is a separate
   * name so that type-only additions never change what `recommended` asks of a project without
   * types, and so tooling (the docs table, the benchmark) can tell the two setups apart.
   */
  'recommended-type-checked': {
    name: 'ghostguard/recommended-type-checked',
    plugins,
    rules: ruleEntries('recommended'),
  },
  strict: { name: 'ghostguard/strict', plugins, rules: ruleEntries('strict') },
} satisfies Record<ConfigName, GhostguardConfig>);

export default plugin;
export { rules };
