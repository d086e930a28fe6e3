/**
 * The environment for child processes: without the `npm_*` variables of the `pnpm test` that
 * started us (they would make npm and ESLint think they run inside the workspace), without colours.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (lower.startsWith('npm_') && lower !== 'npm_config_registry' && lower !== 'npm_config_cache') continue;
    if (lower === 'node_options' || lower === 'vitest' || lower.startsWith('vitest_')) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}
