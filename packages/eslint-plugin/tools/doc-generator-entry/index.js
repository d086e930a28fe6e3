/**
 * What eslint-doc-generator loads instead of the package itself (`pnpm docs`, `pnpm docs:check`).
 *
 * The generator derives the rule-id prefix from the plugin's name, and for a scoped
 * `@ghostguard/eslint-plugin` it would look for `@ghostguard/<rule>` in the configs; our rule ids
 * are `ghostguard/<rule>`. This entry presents the built plugin under an unscoped name so the
 * prefix is `ghostguard`. `__esModule` makes the generator's `require()` of this ES module
 * return the default export rather than the module namespace.
 */
import plugin from '../../dist/index.js';

export const __esModule = true;

export default { ...plugin, meta: { ...plugin.meta, name: 'eslint-plugin-ghostguard' } };
