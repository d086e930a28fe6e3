/**
 * A unified diff of two small texts (longest-common-subsequence over lines), enough to show what
 * an autofix changed without depending on `diff` or `git` being installed.
 */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 2): string {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  const ops = diffLines(a, b);
  if (ops.every((op) => op.kind === ' ')) return '';
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  for (const [first, last] of changeGroups(ops, 2 * context)) {
    const hunk = ops.slice(Math.max(0, first - context), Math.min(ops.length, last + context + 1));
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${hunk[0]!.oldLine},${oldCount} +${hunk[0]!.newLine},${newCount} @@`, ...hunk.map((op) => `${op.kind}${op.text}`));
  }
  return out.join('\n');
}

/** Index ranges of changed ops, merging changes separated by at most `maxGap` unchanged lines. */
function changeGroups(ops: Op[], maxGap: number): [number, number][] {
  const groups: [number, number][] = [];
  ops.forEach((op, index) => {
    if (op.kind === ' ') return;
    const current = groups.at(-1);
    if (current !== undefined && index - current[1] - 1 <= maxGap) current[1] = index;
    else groups.push([index, index]);
  });
  return groups;
}

interface Op {
  kind: ' ' | '-' | '+';
  text: string;
  /** 1-based line numbers where this op sits in the old and the new text. */
  oldLine: number;
  newLine: number;
}

function diffLines(a: string[], b: string[]): Op[] {
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i]!, oldLine: i + 1, newLine: j + 1 });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({ kind: '-', text: a[i]!, oldLine: i + 1, newLine: j + 1 });
      i++;
    } else {
      ops.push({ kind: '+', text: b[j]!, oldLine: i + 1, newLine: j + 1 });
      j++;
    }
  }
  return ops;
}
