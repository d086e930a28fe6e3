/**
 * The plugin's `name` and `version`, read from its package.json at run time so `meta.version`
 * (part of ESLint's `--cache` key) never drifts from the package.
 *
 * A `.cts` file is CommonJS in both builds (ESM in `dist/`, CommonJS in `cjs/`), so `__dirname`
 * is available where `import.meta` would not compile; the ESM build imports it as a default.
 * The nearest package.json with a `name` is the package's own: `cjs/package.json` only sets
 * `"type"`, and the sources (tests) are one level down as well.
 */
import fs = require('node:fs');
import path = require('node:path');

interface PackageMeta {
  readonly name: string;
  readonly version: string;
}

function readPackageMeta(from: string): PackageMeta {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<PackageMeta>;
      if (typeof json.name === 'string' && typeof json.version === 'string') return { name: json.name, version: json.version };
    }
    if (path.dirname(dir) === dir) throw new Error(`@ghostguard/eslint-plugin: no package.json above ${from}`);
  }
}

const packageMeta: PackageMeta = readPackageMeta(__dirname);
export = packageMeta;
