import { describe, expect, it } from 'vitest';
import {
  matchesModuleExport,
  normalizeModuleSpecifier,
  resolveModuleReference,
  type ModuleReference,
} from '../../src/utils/module-bindings.js';
import { probe } from './probe.js';

function resolve(code: string, sourceType?: 'module' | 'script'): (ModuleReference | undefined)[] {
  return probe(code, (context, node) => resolveModuleReference(context.sourceCode, node), { sourceType });
}

describe('resolveModuleReference', () => {
  it('follows ESM named, aliased, default and namespace imports', () => {
    expect(
      resolve(`
        import { setTimeout as wait, scheduler } from 'node:timers/promises';
        import tp from 'timers/promises';
        import * as ns from 'timers/promises';
        import client, { Counter } from 'prom-client';
        probe(wait); probe(scheduler.wait); probe(tp.setTimeout); probe(ns['setTimeout']);
        probe(client.Counter); probe(Counter);
      `),
    ).toEqual([
      { module: 'timers/promises', path: ['setTimeout'], via: 'import' },
      { module: 'timers/promises', path: ['scheduler', 'wait'], via: 'import' },
      // Built-in modules: the default export is the module object.
      { module: 'timers/promises', path: ['setTimeout'], via: 'import' },
      { module: 'timers/promises', path: ['setTimeout'], via: 'import' },
      { module: 'prom-client', path: ['default', 'Counter'], via: 'import' },
      { module: 'prom-client', path: ['Counter'], via: 'import' },
    ]);
  });

  it('follows require: whole, destructured, nested, aliased, member chains', () => {
    expect(
      resolve(
        `
        const tp = require('node:timers/promises');
        const { setTimeout: sleep } = require('timers/promises');
        const { promises: { setTimeout: nested } } = require('timers');
        const delay = require('delay');
        const alias = tp.scheduler;
        probe(tp.setTimeout); probe(sleep); probe(nested); probe(delay); probe(alias.wait);
        probe(require('fs').promises.readFile); probe(\`x\`);
      `,
        'script',
      ),
    ).toEqual([
      { module: 'timers/promises', path: ['setTimeout'], via: 'require' },
      { module: 'timers/promises', path: ['setTimeout'], via: 'require' },
      { module: 'timers', path: ['promises', 'setTimeout'], via: 'require' },
      { module: 'delay', path: [], via: 'require' },
      { module: 'timers/promises', path: ['scheduler', 'wait'], via: 'require' },
      { module: 'fs', path: ['promises', 'readFile'], via: 'require' },
      undefined,
    ]);
  });

  it('follows import-equals, dynamic import and type wrappers', () => {
    expect(
      resolve(`
        import tp = require('timers/promises');
        const m = await import('prom-client');
        probe(tp.setTimeout); probe(m.Gauge); probe((tp as any).setTimeout!); probe(tp?.setTimeout);
      `),
    ).toEqual([
      { module: 'timers/promises', path: ['setTimeout'], via: 'require' },
      { module: 'prom-client', path: ['Gauge'], via: 'import' },
      { module: 'timers/promises', path: ['setTimeout'], via: 'require' },
      { module: 'timers/promises', path: ['setTimeout'], via: 'require' },
    ]);
  });

  it('gives up on shadowed require, reassigned variables, computed keys and locals', () => {
    expect(
      resolve(
        `
        function f(require) { probe(require('timers/promises')); }
        let tp = require('timers/promises'); tp = other;
        const key = 'setTimeout';
        const m = require('timers/promises');
        const [first] = require('timers/promises');
        function local() {}
        probe(tp.setTimeout); probe(m[key]); probe(first); probe(local); probe(globalThis.setTimeout); probe(require(name));
      `,
        'script',
      ),
    ).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('accepts a let that is never reassigned', () => {
    expect(resolve(`let { setTimeout } = require('timers/promises'); probe(setTimeout);`, 'script')).toEqual([
      { module: 'timers/promises', path: ['setTimeout'], via: 'require' },
    ]);
  });
});

describe('matchesModuleExport', () => {
  const delayDefault: ModuleReference = { module: 'delay', path: ['default'], via: 'import' };
  const delayWhole: ModuleReference = { module: 'delay', path: [], via: 'require' };

  it('treats the default export as the module object unless told otherwise', () => {
    expect(matchesModuleExport(delayDefault, { module: 'delay', path: [] })).toBe(true);
    expect(matchesModuleExport(delayWhole, { module: 'delay', path: [] })).toBe(true);
    expect(matchesModuleExport(delayDefault, { module: 'delay', path: [], defaultIsModuleObject: false })).toBe(false);
    expect(matchesModuleExport(delayDefault, { module: 'delay', path: ['default'], defaultIsModuleObject: false })).toBe(true);
  });

  it('compares modules without the node: prefix and paths exactly', () => {
    const ref: ModuleReference = { module: 'timers/promises', path: ['setTimeout'], via: 'import' };
    expect(matchesModuleExport(ref, { module: 'node:timers/promises', path: ['setTimeout'] })).toBe(true);
    expect(matchesModuleExport(ref, { module: 'timers/promises', path: ['setInterval'] })).toBe(false);
    expect(matchesModuleExport(ref, { module: 'timers', path: ['setTimeout'] })).toBe(false);
    expect(matchesModuleExport(undefined, { module: 'timers', path: [] })).toBe(false);
    expect(normalizeModuleSpecifier('node:fs')).toBe('fs');
  });
});
