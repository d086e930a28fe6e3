/**
 * The plugin's own `require`, for loading optional parsers and TypeScript lazily from either build.
 *
 * A `.cts` file is CommonJS in both builds (like `package-meta.cts`), so its `require` resolves
 * from the plugin's own location where `createRequire(import.meta.url)` would not compile to
 * CommonJS.
 */
const localRequire: NodeJS.Require = require;
export = localRequire;
