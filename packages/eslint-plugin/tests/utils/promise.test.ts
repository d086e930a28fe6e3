import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { describe, expect, it } from 'vitest';
import {
  asPromiseMethodCall,
  createPromiseRecognizer,
  handlesRejection,
  promiseChainRoot,
  thisBinding,
} from '../../src/utils/promise.js';
import { probe } from './probe.js';

function startsPromise(code: string, sourceType?: 'module' | 'script'): boolean[] {
  return probe(code, (context, node) => createPromiseRecognizer(context).isPromise(node), { sourceType });
}

describe('createPromiseRecognizer (without types)', () => {
  it('knows same-file async and promise-returning functions', () => {
    expect(
      startsPromise(`
        async function a() {}
        const b = async () => {};
        function c(): Promise<void> { return x; }
        const d = () => new Promise((r) => r());
        function e() { return d(); }
        function f() { return 1; }
        async function* g() {}
        probe(a()); probe(b()); probe(c()); probe(d()); probe(e()); probe(f()); probe(g());
      `),
    ).toEqual([true, true, true, true, true, false, false]);
  });

  it('resolves this.method(), object methods and instances', () => {
    expect(
      startsPromise(`
        class A {
          async load() {}
          sync() {}
          run() { probe(this.load()); probe(this.sync()); }
        }
        const api = { async get() {} };
        const a = new A();
        probe(api.get()); probe(a.load()); probe(a.sync());
      `),
    ).toEqual([true, false, true, true, false]);
  });

  it('knows promise built-ins and well-known APIs, but not shadowed ones', () => {
    expect(
      startsPromise(`
        import { readFile, watch } from 'node:fs/promises';
        import { setTimeout as wait } from 'timers/promises';
        import fs from 'fs';
        probe(fetch('/x')); probe(new Promise(() => {})); probe(Promise.all([])); probe(import('x'));
        probe(readFile('x')); probe(watch('.')); probe(wait(1)); probe(fs.promises.stat('x'));
        probe(p.then(f)); probe(JSON.parse('1'));
        function shadow(fetch: () => void) { probe(fetch()); }
      `),
    ).toEqual([true, true, true, true, true, false, true, true, true, false, false]);
  });

  it('follows require in CommonJS', () => {
    expect(
      startsPromise(
        `
        const { promises: fsp } = require('fs');
        const timers = require('node:timers/promises');
        probe(fsp.readFile('x')); probe(timers.scheduler.wait(1)); probe(timers.setInterval(1));
      `,
        'script',
      ),
    ).toEqual([true, true, false]);
  });
});

describe('promise chains', () => {
  function chains(code: string): { handled: boolean; root: string; method?: string }[] {
    return probe(code, (context, node) => ({
      handled: handlesRejection(node),
      root: context.sourceCode.getText(promiseChainRoot(node)),
      method: asPromiseMethodCall(node)?.method,
    }));
  }

  it('tells handled chains from unhandled ones and finds their root', () => {
    expect(
      chains(`
        probe(load().catch(log));
        probe(load().then(ok, fail));
        probe(load().then(ok));
        probe(load().then(ok, undefined));
        probe(load().catch(log).finally(done));
        probe(load().finally(done));
        probe(load());
      `),
    ).toEqual([
      { handled: true, root: 'load()', method: 'catch' },
      { handled: true, root: 'load()', method: 'then' },
      { handled: false, root: 'load()', method: 'then' },
      { handled: false, root: 'load()', method: 'then' },
      { handled: true, root: 'load()', method: 'finally' },
      { handled: false, root: 'load()', method: 'finally' },
      { handled: false, root: 'load()', method: undefined },
    ]);
  });
});

describe('thisBinding', () => {
  it('finds the class or object `this` belongs to', () => {
    const owners = probe(
      `
        class A {
          m() { probe(this); const f = () => probe(this); function g() { probe(this); } }
          static s() { probe(this); }
          field = probe(this);
        }
        const o = { m() { probe(this); } };
        probe(this);
      `,
      (_context, node) => {
        const binding = thisBinding(node);
        return binding && { owner: binding.owner.type, isStatic: binding.isStatic };
      },
    );
    expect(owners).toEqual([
      { owner: AST_NODE_TYPES.ClassBody, isStatic: false },
      { owner: AST_NODE_TYPES.ClassBody, isStatic: false },
      undefined,
      { owner: AST_NODE_TYPES.ClassBody, isStatic: true },
      { owner: AST_NODE_TYPES.ClassBody, isStatic: false },
      { owner: AST_NODE_TYPES.ObjectExpression, isStatic: false },
      undefined,
    ]);
  });
});
