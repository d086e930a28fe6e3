import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * A throw-away TypeScript project that resolves `prom-client` to the runtime package's copy, so
 * typed rule tests see prom-client's real declarations (`Gauge`, `Gauge.Internal`, …). The tests'
 * fixture project cannot: the plugin does not depend on prom-client. Test cases use `fileName`.
 * Remove the directory in `afterAll`.
 */
export function createPromClientProject(prefix: string, fileName = 'metrics.ts'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const requireFromRuntime = createRequire(path.join(import.meta.dirname, '../../runtime/package.json'));
  const promClientDir = path.dirname(requireFromRuntime.resolve('prom-client/package.json'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(promClientDir, path.join(dir, 'node_modules', 'prom-client'), 'dir');
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: true, noEmit: true, types: [] },
      include: ['*.ts'],
    }),
  );
  fs.writeFileSync(path.join(dir, fileName), '// replaced by each test case\n');
  return dir;
}
