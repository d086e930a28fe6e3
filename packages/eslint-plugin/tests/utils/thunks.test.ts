import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { describe, expect, it } from 'vitest';
import { callElements, enclosingFunctionName, staticLabel, thunkConversion } from '../../src/utils/thunks.js';
import { probe } from './probe.js';

/** Applies a conversion's edits to the probed argument's text, as a suggestion would. */
function convert(code: string): (string | undefined)[] {
  return probe(code, (context, node) => {
    const conversion = thunkConversion(context.sourceCode, node);
    if (!conversion) return undefined;
    const edits = conversion.edits({
      insertTextBefore: (n: TSESTree.Node | TSESTree.Token, text: string) => ({ range: [n.range[0], n.range[0]], text }),
      insertTextAfter: (n: TSESTree.Node | TSESTree.Token, text: string) => ({ range: [n.range[1], n.range[1]], text }),
      removeRange: (range: [number, number]) => ({ range, text: '' }),
    } as never);
    let text = context.sourceCode.text;
    for (const edit of [...edits].sort((a, b) => b.range[0] - a.range[0])) {
      text = text.slice(0, edit.range[0]) + edit.text + text.slice(edit.range[1]);
    }
    const shift = text.length - context.sourceCode.text.length;
    return `${text.slice(node.range[0], node.range[1] + shift)}${conversion.nameHint ? ` [${conversion.nameHint}]` : ''}`;
  });
}

describe('thunkConversion', () => {
  it('turns an array of calls into thunks', () => {
    expect(convert('probe([a(), b.c(x)]);')).toEqual(['[() => a(), () => b.c(x)]']);
  });

  it('turns a plain or async arrow mapper into a thunk builder, naming the collection', () => {
    expect(convert('probe(items.map((x) => save(x)));')).toEqual(['items.map((x) => () => save(x)) [items]']);
    expect(convert('probe(this.hooks.map(async (h) => post(h)));')).toEqual(['this.hooks.map((h) => async () => post(h)) [hooks]']);
  });

  it('gives up on shapes it cannot convert mechanically', () => {
    expect(convert('probe([a(), p]); probe([]); probe(items.map(save)); probe(items.map(function (x) { return x; })); probe(promises);')).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(convert('async function f() { probe([a(await b())]); }')).toEqual([undefined]);
  });
});

describe('callElements', () => {
  it('returns the calls only when every element is one and none suspends', () => {
    const counts = probe('probe([a(), b()]); probe([a(), ...rest]); function* g() { probe([a(yield 1)]); }', (context, node) =>
      node.type === AST_NODE_TYPES.ArrayExpression ? callElements(context.sourceCode, node)?.length : undefined,
    );
    expect(counts).toEqual([2, undefined, undefined]);
  });
});

describe('labels', () => {
  it('takes the first static candidate, else the fallback', () => {
    expect(staticLabel('gather', undefined, 'flush')).toBe('flush');
    expect(staticLabel('gather', 'user12345', 'has space', 'x'.repeat(65))).toBe('gather');
  });

  it('names the enclosing function, method or property', () => {
    const names = probe(
      'function a() { probe(1); } const b = () => probe(2); class C { #d() { probe(3); } } const o = { e: () => probe(4) }; probe(5);',
      (_context, node) => enclosingFunctionName(node),
    );
    expect(names).toEqual(['a', 'b', 'd', 'e', undefined]);
  });
});
