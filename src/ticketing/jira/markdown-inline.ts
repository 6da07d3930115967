import { textNode, type AdfMark, type AdfNode } from './adf-nodes.ts';

/** Characters a backslash makes literal (CommonMark's ASCII punctuation). */
const ESCAPABLE = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;

/** Emphasis delimiters, longest first so `**` wins over `*`. */
const DELIMITERS: { token: string; mark: string }[] = [
  { token: '**', mark: 'strong' },
  { token: '__', mark: 'strong' },
  { token: '~~', mark: 'strike' },
  { token: '*', mark: 'em' },
  { token: '_', mark: 'em' },
];

/**
 * One line of Markdown inline syntax as ADF inline nodes: `**strong**`/`__strong__`,
 * `*em*`/`_em_`, `~~strike~~`, `` `code` ``, `[text](url)`, `<url>` and bare http(s) URLs as
 * links, backslash escapes. Unclosed delimiters stay literal; `_` inside a word (snake_case) is
 * not emphasis. ADF lets `code` combine only with `link`, so other marks are dropped inside code.
 * Marks: https://developer.atlassian.com/cloud/jira/platform/apis/document/marks/code/
 */
export function parseInline(text: string, marks: AdfMark[] = []): AdfNode[] {
  const nodes: AdfNode[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer !== '') nodes.push(textNode(buffer, marks));
    buffer = '';
  };
  const emit = (parsed: AdfNode[]) => {
    flush();
    nodes.push(...parsed);
  };

  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const char = text[i] ?? '';
    if (char === '\\' && ESCAPABLE.test(text[i + 1] ?? '')) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    const code = /^(`+)([\s\S]*?[^`])\1(?!`)/.exec(rest);
    if (code) {
      const body = (code[2] ?? '').replace(/^ (.*) $/, '$1');
      emit([textNode(body, [...marks.filter((m) => m.type === 'link'), { type: 'code' }])]);
      i += code[0].length;
      continue;
    }
    const link = char === '[' ? matchLink(rest) : undefined;
    if (link) {
      emit(parseInline(link.label, [...marks, { type: 'link', attrs: { href: link.href } }]));
      i += link.length;
      continue;
    }
    const auto = /^<(https?:\/\/[^\s<>]+)>/.exec(rest) ?? bareUrl(text, i);
    if (auto && !marks.some((m) => m.type === 'link')) {
      const href = auto[1] ?? '';
      emit([textNode(href, [...marks, { type: 'link', attrs: { href } }])]);
      i += auto[0].length;
      continue;
    }
    const emphasis = matchEmphasis(text, i);
    if (emphasis && !marks.some((m) => m.type === emphasis.mark)) {
      emit(parseInline(emphasis.inner, [...marks, { type: emphasis.mark }]));
      i += emphasis.length;
      continue;
    }
    buffer += char;
    i += 1;
  }
  flush();
  return mergeAdjacent(nodes);
}

/** `[label](href)` or `[label](href "title")` at the start of `rest`, brackets balanced. */
function matchLink(rest: string): { label: string; href: string; length: number } | undefined {
  let depth = 0;
  for (let j = 0; j < rest.length; j += 1) {
    if (rest[j] === '\\') {
      j += 1;
      continue;
    }
    if (rest[j] === '[') depth += 1;
    if (rest[j] !== ']') continue;
    depth -= 1;
    if (depth > 0) continue;
    const target = /^\(\s*<?([^\s()<>]+)>?(?:\s+"[^"]*")?\s*\)/.exec(rest.slice(j + 1));
    if (!target || j === 1) return undefined;
    return { label: rest.slice(1, j), href: target[1] ?? '', length: j + 1 + target[0].length };
  }
  return undefined;
}

/** A bare http(s) URL starting at `i` (at a word start), without trailing punctuation. */
function bareUrl(text: string, i: number): RegExpExecArray | undefined {
  if (i > 0 && /[\w/]/.test(text[i - 1] ?? '')) return undefined;
  const match = /^(https?:\/\/[^\s<>]*[^\s<>.,;:!?'")\]])/.exec(text.slice(i));
  return match ?? undefined;
}

function matchEmphasis(text: string, i: number): { mark: string; inner: string; length: number } | undefined {
  for (const { token, mark } of DELIMITERS) {
    if (!text.startsWith(token, i)) continue;
    const start = i + token.length;
    // An opening delimiter must touch text, and `_` must not sit inside a word.
    if (/\s/.test(text[start] ?? ' ')) continue;
    if (token[0] === '_' && /\w/.test(text[i - 1] ?? '')) continue;
    let close = text.indexOf(token, start + 1);
    while (close !== -1) {
      const before = text[close - 1] ?? '';
      const after = text[close + token.length] ?? '';
      const intraword = token[0] === '_' && /\w/.test(after);
      const doubled = token.length === 1 && after === token;
      if (!/\s/.test(before) && before !== '\\' && !intraword && !doubled) break;
      close = text.indexOf(token, close + (doubled ? 2 : 1));
    }
    if (close === -1) continue;
    return { mark, inner: text.slice(start, close), length: close + token.length - i };
  }
  return undefined;
}

/** Joins neighbouring text nodes that carry the same marks (ADF renders them identically). */
function mergeAdjacent(nodes: AdfNode[]): AdfNode[] {
  const merged: AdfNode[] = [];
  for (const node of nodes) {
    const last = merged[merged.length - 1];
    if (last && last.type === 'text' && node.type === 'text' && sameMarks(last.marks, node.marks)) {
      merged[merged.length - 1] = { ...last, text: `${last.text ?? ''}${node.text ?? ''}` };
    } else {
      merged.push(node);
    }
  }
  return merged;
}

function sameMarks(a: AdfMark[] | undefined, b: AdfMark[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}
