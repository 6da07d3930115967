import { randomUUID } from 'node:crypto';
import { paragraph, textNode, type AdfDoc, type AdfNode } from './adf-nodes.ts';
import { parseInline } from './markdown-inline.ts';

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)\s*$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TASK = /^\[([ xX])\]\s+(.*)$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;

/** Blocks ADF allows inside a blockquote or a table cell (headings, rules, quotes are not). */
const QUOTABLE = new Set(['paragraph', 'bulletList', 'orderedList', 'codeBlock']);

/**
 * Markdown (the orchestrator's and the runner's comments: planning sections, PR links) as an ADF
 * document for Jira Cloud's REST v3: headings, paragraphs (line breaks kept as hard breaks, so
 * the text reads as written), bullet/ordered lists with nesting, `- [ ]` task lists, fenced code,
 * block quotes, rules, pipe tables, and the inline syntax of markdown-inline.ts. Anything else
 * stays as literal text. Node reference:
 * https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function markdownToAdf(markdown: string): AdfDoc {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  return { type: 'doc', version: 1, content: parseBlocks(lines) };
}

function parseBlocks(lines: string[]): AdfNode[] {
  const blocks: AdfNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i += 1;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const end = findIndex(lines, i + 1, (l) => l.trim().startsWith(fence[1] ?? '```'));
      const body = lines.slice(i + 1, end).join('\n');
      blocks.push({
        type: 'codeBlock',
        ...(fence[2] ? { attrs: { language: fence[2] } } : {}),
        ...(body !== '' ? { content: [textNode(body)] } : {}),
      });
      i = end + 1;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const content = parseInline(heading[2] ?? '');
      blocks.push({
        type: 'heading',
        attrs: { level: heading[1]?.length ?? 1 },
        ...(content.length ? { content } : {}),
      });
      i += 1;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      i += 1;
      continue;
    }
    if (/^ {0,3}>/.test(line)) {
      const end = findIndex(lines, i, (l) => !/^ {0,3}>/.test(l));
      const inner = lines.slice(i, end).map((l) => l.replace(/^ {0,3}> ?/, ''));
      blocks.push({ type: 'blockquote', content: quotable(parseBlocks(inner)) });
      i = end;
      continue;
    }
    if (
      line.includes('|') &&
      TABLE_SEPARATOR.test(lines[i + 1] ?? '') &&
      (lines[i + 1] ?? '').includes('-')
    ) {
      const end = findIndex(lines, i + 2, (l) => l.trim() === '' || !l.includes('|'));
      blocks.push(table(lines[i] ?? '', lines.slice(i + 2, end)));
      i = end;
      continue;
    }
    if (LIST_ITEM.test(line)) {
      const end = listEnd(lines, i);
      blocks.push(...parseList(lines.slice(i, end)));
      i = end;
      continue;
    }
    const end = findIndex(lines, i + 1, (l) => l.trim() === '' || startsBlock(l));
    blocks.push(paragraphOf(lines.slice(i, end)));
    i = end;
  }
  return blocks;
}

function startsBlock(line: string): boolean {
  return (
    FENCE.test(line) || HEADING.test(line) || RULE.test(line) || /^ {0,3}>/.test(line) || LIST_ITEM.test(line)
  );
}

/** Lines joined by hard breaks, each parsed for inline syntax. */
function paragraphOf(lines: string[]): AdfNode {
  const content: AdfNode[] = [];
  lines.forEach((line, index) => {
    if (index > 0) content.push({ type: 'hardBreak' });
    content.push(...parseInline(line.trim()));
  });
  return paragraph(content);
}

/** The list region: items, their indented continuation lines, blank lines between them. */
function listEnd(lines: string[], start: number): number {
  let end = start + 1;
  while (end < lines.length) {
    const line = lines[end] ?? '';
    if (line.trim() === '') {
      const next = lines[end + 1] ?? '';
      if (!LIST_ITEM.test(next) && !/^\s{2,}\S/.test(next)) break;
    } else if (!LIST_ITEM.test(line) && !/^\s/.test(line)) {
      break;
    }
    end += 1;
  }
  return end;
}

interface ListItemLines {
  kind: 'bulletList' | 'orderedList' | 'taskList';
  order: number;
  done: boolean;
  text: string;
  children: string[];
}

/** Top-level items (the least indented) with their nested lines, grouped into lists by kind. */
function parseList(lines: string[]): AdfNode[] {
  const indent = Math.min(
    ...lines.filter((l) => LIST_ITEM.test(l)).map((l) => LIST_ITEM.exec(l)?.[1]?.length ?? 0),
  );
  const items: ListItemLines[] = [];
  for (const line of lines) {
    const match = LIST_ITEM.exec(line);
    const current = items[items.length - 1];
    if (match && (match[1]?.length ?? 0) <= indent) {
      const marker = match[2] ?? '-';
      const task = /^[-*+]$/.test(marker) ? TASK.exec(match[3] ?? '') : null;
      items.push({
        kind: task ? 'taskList' : /\d/.test(marker) ? 'orderedList' : 'bulletList',
        order: Number.parseInt(marker, 10) || 1,
        done: task ? task[1] !== ' ' : false,
        text: task ? (task[2] ?? '') : (match[3] ?? ''),
        children: [],
      });
    } else if (current) {
      current.children.push(line.slice(Math.min(indent + 2, line.length - line.trimStart().length)));
    }
  }
  const lists: AdfNode[] = [];
  for (const item of items) {
    const last = lists[lists.length - 1];
    const node = item.kind === 'taskList' ? taskItem(item) : listItem(item);
    if (last && last.type === item.kind) {
      last.content?.push(...node);
    } else {
      const attrs =
        item.kind === 'taskList'
          ? { attrs: { localId: randomUUID() } }
          : item.kind === 'orderedList' && item.order !== 1
            ? { attrs: { order: item.order } }
            : {};
      lists.push({ type: item.kind, ...attrs, content: node });
    }
  }
  return lists;
}

function listItem(item: ListItemLines): AdfNode[] {
  const nested = parseBlocks(item.children).map((block) =>
    block.type === 'heading' || block.type === 'rule' || block.type === 'blockquote' || block.type === 'table'
      ? paragraph(parseInline(plainLine(block)))
      : block,
  );
  return [{ type: 'listItem', content: [paragraph(parseInline(item.text.trim())), ...nested] }];
}

/** A task item holds inline content only: nested task lists follow it, other lines join its text. */
function taskItem(item: ListItemLines): AdfNode[] {
  const nested = parseBlocks(item.children);
  const inline = parseInline(item.text.trim());
  for (const block of nested.filter((b) => b.type !== 'taskList')) {
    inline.push({ type: 'hardBreak' }, ...parseInline(plainLine(block)));
  }
  const node: AdfNode = {
    type: 'taskItem',
    attrs: { localId: randomUUID(), state: item.done ? 'DONE' : 'TODO' },
    ...(inline.length > 0 ? { content: inline } : {}),
  };
  return [node, ...nested.filter((b) => b.type === 'taskList')];
}

function table(header: string, rows: string[]): AdfNode {
  const row = (line: string, cellType: string): AdfNode => ({
    type: 'tableRow',
    content: cells(line).map((cell) => ({ type: cellType, content: [paragraph(parseInline(cell))] })),
  });
  return {
    type: 'table',
    content: [row(header, 'tableHeader'), ...rows.map((line) => row(line, 'tableCell'))],
  };
}

function cells(line: string): string[] {
  const trimmed = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return trimmed.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

function quotable(blocks: AdfNode[]): AdfNode[] {
  const kept = blocks.map((block) =>
    QUOTABLE.has(block.type) ? block : paragraph(parseInline(plainLine(block))),
  );
  return kept.length > 0 ? kept : [paragraph([])];
}

function plainLine(block: AdfNode): string {
  const text = (node: AdfNode): string =>
    node.type === 'text' ? (node.text ?? '') : (node.content ?? []).map(text).join(' ');
  return text(block);
}

function findIndex(lines: string[], from: number, predicate: (line: string) => boolean): number {
  for (let i = from; i < lines.length; i += 1) if (predicate(lines[i] ?? '')) return i;
  return lines.length;
}
