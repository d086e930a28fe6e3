/**
 * Pulls the fenced code blocks out of a Markdown file, for the README snippet tests
 * (see readme-snippets.test.ts for the conventions).
 */
import { readFileSync } from 'node:fs';

export interface Snippet {
  /** The Markdown file, relative to the repository root. */
  readonly readme: string;
  /** 1-based line of the first code line (the line after the opening fence). */
  readonly line: number;
  /** The info string's first word, lower-cased: `ts`, `js`, `sh`, `yaml`, or '' when untagged. */
  readonly lang: string;
  readonly code: string;
  /** Set by `<!-- snippet: skip <reason> -->` on the line(s) just before the fence. */
  readonly skip?: string;
}

/** Languages whose blocks are compiled and run; everything else is prose, shell or output. */
export const CODE_LANGS = new Set(['ts', 'typescript', 'tsx', 'js', 'javascript', 'mjs', 'jsx']);

const FENCE = /^(?<indent> {0,3})(?<fence>`{3,}|~{3,})(?<info>[^`]*)$/u;
const SKIP = /^<!--\s*snippet:\s*skip\b\s*(?<reason>.*?)\s*-->\s*$/u;

export function extractSnippets(file: string, readme: string): Snippet[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open?.groups) continue;
    const fence = open.groups.fence ?? '```';
    const indent = open.groups.indent?.length ?? 0;
    const lang = (open.groups.info ?? '').trim().split(/\s+/u)[0]?.toLowerCase() ?? '';
    let end = i + 1;
    // A closing fence: the same character, at least as long, nothing after it.
    while (end < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`, 'u').test(lines[end] ?? '')) end++;
    const code = lines
      .slice(i + 1, end)
      .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
      .join('\n');
    // The marker may be separated from the fence by blank lines, nothing else.
    let before = i - 1;
    while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
    const skip = SKIP.exec((lines[before] ?? '').trim())?.groups?.reason;
    snippets.push({ readme, line: i + 2, lang, code, ...(skip !== undefined ? { skip: skip || 'no reason given' } : {}) });
    i = end;
  }
  return snippets;
}
