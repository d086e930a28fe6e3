/**
 * Packs both packages ONCE (`pnpm pack`, the files npm would publish) and installs each consumer
 * kind (kinds.ts) into a fresh directory under os.tmpdir(), all kinds in parallel, npm preferring
 * its cache. The directories are removed at the end unless GHOSTGUARD_KEEP_CONSUMERS=1.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { KINDS, PLUGIN_TARBALL, RUNTIME_TARBALL, type KindName } from './kinds.js';
import { cleanEnv } from './env.js';

const exec = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');

async function pack(packageDir: string, destination: string): Promise<string> {
  const before = new Set(await readdir(destination));
  await exec('pnpm', ['pack', '--pack-destination', destination], { cwd: packageDir, env: cleanEnv() });
  const created = (await readdir(destination)).filter((file) => file.endsWith('.tgz') && !before.has(file));
  if (created.length !== 1) throw new Error(`pnpm pack in ${packageDir} produced ${created.join(', ') || 'nothing'}`);
  return path.join(destination, created[0]!);
}

async function install(dir: string, kind: KindName, tarballs: { runtime: string; plugin: string }): Promise<void> {
  const spec = KINDS[kind];
  const dependencies = Object.fromEntries(
    Object.entries(spec.dependencies).map(([name, version]) => [
      name,
      version === RUNTIME_TARBALL ? pathToFileURL(tarballs.runtime).href : version === PLUGIN_TARBALL ? pathToFileURL(tarballs.plugin).href : version,
    ]),
  );
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${kind.replace(/\W/g, '-')}`, private: true, dependencies }, null, 2));
  const flags = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'];
  if ('legacyPeerDeps' in spec && spec.legacyPeerDeps) flags.push('--legacy-peer-deps');
  try {
    await exec('npm', flags, { cwd: dir, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stderr = '' } = error as { stderr?: string };
    throw new Error(`npm install for consumer kind "${kind}" failed:\n${stderr.slice(-4000)}`, { cause: error });
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  for (const packageDir of ['runtime', 'eslint-plugin']) {
    if (!existsSync(path.join(repoRoot, 'packages', packageDir, 'cjs', 'index.js'))) {
      throw new Error('run `pnpm build` first: the consumer tests pack the built packages');
    }
  }
  // While writing tests: GHOSTGUARD_REUSE_CONSUMERS=<dir kept by an earlier run> skips packing and installing.
  const reuse = process.env.GHOSTGUARD_REUSE_CONSUMERS;
  const root = reuse ?? (await mkdtemp(path.join(os.tmpdir(), 'ghostguard-consumers-')));
  const tarballDir = path.join(root, 'tarballs');
  const kinds = Object.fromEntries((Object.keys(KINDS) as KindName[]).map((kind) => [kind, path.join(root, kind)])) as Record<KindName, string>;
  let tarballs: { runtime: string; plugin: string };
  if (reuse === undefined) {
    await mkdir(tarballDir);
    const runtime = await pack(path.join(repoRoot, 'packages/runtime'), tarballDir);
    const plugin = await pack(path.join(repoRoot, 'packages/eslint-plugin'), tarballDir);
    tarballs = { runtime, plugin };
    await Promise.all((Object.keys(KINDS) as KindName[]).map((kind) => install(kinds[kind], kind, tarballs)));
  } else {
    const [plugin, runtime] = (await readdir(tarballDir)).sort().map((file) => path.join(tarballDir, file));
    tarballs = { runtime: runtime!, plugin: plugin! };
  }

  const setupSeconds = (performance.now() - started) / 1000;
  project.provide('consumers', { kinds, tarballs, setupSeconds });
  console.log(`consumer projects: packed and installed ${Object.keys(KINDS).length} kinds in ${setupSeconds.toFixed(1)} s under ${root}`);

  return async () => {
    if (reuse !== undefined) return;
    if (process.env.GHOSTGUARD_KEEP_CONSUMERS === '1') console.log(`kept consumer projects in ${root}`);
    else await rm(root, { recursive: true, force: true });
  };
}
