/**
 * The kinds of consumer project, each installed ONCE per test run by `global-setup.ts` into its own
 * directory under os.tmpdir(); `createConsumerProject({ kind })` (harness.ts) then makes any number
 * of small projects inside that directory, which share its `node_modules` through Node's normal
 * upward lookup. The two ghostguard packages come from their `pnpm pack` tarballs (what npm would
 * publish), never the workspace links; everything else from the npm registry at pinned versions.
 */

/** Placeholders replaced by `file:` URLs of the packed tarballs. */
export const RUNTIME_TARBALL = '<@ghostguard/runtime tarball>';
export const PLUGIN_TARBALL = '<@ghostguard/eslint-plugin tarball>';

export interface KindSpec {
  /** One line for test titles and the report table. */
  readonly description: string;
  readonly dependencies: Readonly<Record<string, string>>;
  /**
   * `npm install --legacy-peer-deps`: peers are not installed for the user, as with yarn 1 or
   * pnpm's `auto-install-peers=false`. npm 7+ would otherwise install TypeScript anyway as a
   * (non-optional) peer of `@typescript-eslint/utils`.
   */
  readonly legacyPeerDeps?: boolean;
}

const ghostguard = {
  '@ghostguard/runtime': RUNTIME_TARBALL,
  '@ghostguard/eslint-plugin': PLUGIN_TARBALL,
  'prom-client': '15.1.3',
  ws: '8.23.0',
};

export const KINDS = {
  /** ESLint 10 + typescript-eslint: ESM apps, untyped and typed lint. */
  'eslint10-ts': {
    description: 'ESLint 10.15.0, TypeScript 5.9.3, typescript-eslint 8.72.0',
    dependencies: { ...ghostguard, eslint: '10.15.0', typescript: '5.9.3', 'typescript-eslint': '8.72.0' },
  },
  /** Latest ESLint 9 + typescript-eslint + Jest + @types/node: CommonJS apps, TypeScript compiled to CommonJS, Jest. */
  'eslint9-ts-jest': {
    description: 'ESLint 9.39.5, TypeScript 5.9.3, typescript-eslint 8.72.0, Jest 30.5.2',
    dependencies: {
      ...ghostguard,
      eslint: '9.39.5',
      typescript: '5.9.3',
      'typescript-eslint': '8.72.0',
      '@types/node': '20.19.43',
      jest: '30.5.2',
    },
  },
  /** The oldest supported ESLint, plain JavaScript, TypeScript not installed. */
  'eslint9.0-js': {
    description: 'ESLint 9.0.0, plain JavaScript, no TypeScript installed',
    dependencies: { ...ghostguard, eslint: '9.0.0' },
    legacyPeerDeps: true,
  },
} as const satisfies Record<string, KindSpec>;

export type KindName = keyof typeof KINDS;

/** What global-setup.ts hands to the test files (`inject('consumers')`). */
export interface ConsumersContext {
  /** Directory of each installed kind (its `node_modules` holds the install). */
  readonly kinds: Record<KindName, string>;
  /** Absolute paths of the packed tarballs. */
  readonly tarballs: { readonly runtime: string; readonly plugin: string };
  /** Seconds spent packing and installing, for the report. */
  readonly setupSeconds: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    consumers: ConsumersContext;
  }
}
