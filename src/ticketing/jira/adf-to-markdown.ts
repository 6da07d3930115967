import type { AdfMark, AdfNode } from './adf-nodes.ts';

/**
 * An ADF document (a Jira issue description) as Markdown, for the dispatch payload and the
 * runner's prompt: the inverse of markdown-to-adf.ts for what that writes, and a readable
 * rendering of the rest (mentions as `@name`, emoji as their shortcut, smart links as URLs,
 * dates as YYYY-MM-DD, panels and expands as their content, media as `[attachment]`). Unknown
 * nodes contribute their text. Blocks are separated by a blank line. Accepts anything: a value
 * that is not an ADF node renders as ''.
 * Node reference: https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function adfToMarkdown(doc: unknown): string {
  if (!isNode(doc)) return '';
  return blocks(doc.content ?? []).trim();
}

function isNode(value: unknown): value is AdfNode {
  return typeof value === 'object' && value !== null && typeof (value as AdfNode).type === 'string';
}

function blocks(nodes: AdfNode[]): string {
  return nodes
    .filter(isNode)
    .map(block)
    .filter((text) => text !== '')
    .join('\n\n');
}

function block(node: AdfNode): string {
  const content = (node.content ?? []).filter(isNode);
  switch (node.type) {
    case 'paragraph':
      return inline(content);
    case 'heading':
      return `${'#'.repeat(clampLevel(node.attrs?.level))} ${inline(content)}`;
    case 'bulletList':
      return content.map((item) => listItem(item, '- ')).join('\n');
    case 'orderedList': {
      const start = typeof node.attrs?.order === 'number' ? node.attrs.order : 1;
      return content.map((item, index) => listItem(item, `${start + index}. `)).join('\n');
    }
    case 'taskList':
    case 'decisionList':
      return content.map(taskLine).join('\n');
    case 'codeBlock': {
      const language = typeof node.attrs?.language === 'string' ? node.attrs.language : '';
      return `\`\`\`${language}\n${content.map((n) => n.text ?? '').join('')}\n\`\`\``;
    }
    case 'blockquote':
      return prefixLines(blocks(content), '> ');
    case 'rule':
      return '---';
    case 'table':
      return table(content);
    case 'mediaSingle':
    case 'mediaGroup':
      return '[attachment]';
    case 'expand':
    case 'nestedExpand': {
      const title =
        typeof node.attrs?.title === 'string' && node.attrs.title !== '' ? `**${node.attrs.title}**\n\n` : '';
      return `${title}${blocks(content)}`;
    }
    default:
      // panel, layoutSection/layoutColumn, extensions and nodes this code does not know.
      return content.some((child) => isInlineType(child.type)) ? inline(content) : blocks(content);
  }
}

function listItem(item: AdfNode, marker: string): string {
  const [first, ...rest] = (item.content ?? []).filter(isNode);
  const head = first ? block(first) : '';
  const nested = rest.map(block).filter((text) => text !== '');
  const body = [head, ...nested].join('\n');
  return `${marker}${indent(body, ' '.repeat(marker.length))}`;
}

/** A task or decision item; nested task lists are indented under the item before them. */
function taskLine(node: AdfNode): string {
  if (node.type === 'taskList') return prefixLines(block(node), '  ');
  const done = node.attrs?.state === 'DONE' || node.attrs?.state === 'DECIDED';
  return `- [${done ? 'x' : ' '}] ${inline((node.content ?? []).filter(isNode))}`;
}

function table(rows: AdfNode[]): string {
  const cells = rows.map((row) =>
    (row.content ?? []).map((cell) =>
      blocks(cell.content ?? [])
        .replace(/\n+/g, ' ')
        .replace(/\|/g, '\\|'),
    ),
  );
  const width = Math.max(0, ...cells.map((row) => row.length));
  if (width === 0) return '';
  const line = (row: string[]) => `| ${Array.from({ length: width }, (_, i) => row[i] ?? '').join(' | ')} |`;
  const [header = [], ...body] = cells;
  return [line(header), `|${' --- |'.repeat(width)}`, ...body.map(line)].join('\n');
}

function inline(nodes: AdfNode[]): string {
  return nodes.map(inlineNode).join('');
}

function inlineNode(node: AdfNode): string {
  const attrs = node.attrs ?? {};
  const attr = (name: string) => (typeof attrs[name] === 'string' ? (attrs[name] as string) : '');
  switch (node.type) {
    case 'text':
      return withMarks(node.text ?? '', node.marks ?? []);
    case 'hardBreak':
      return '\n';
    case 'mention':
      return attr('text').startsWith('@') ? attr('text') : `@${attr('text') || attr('id')}`;
    case 'emoji':
      return attr('text') || attr('shortName');
    case 'inlineCard':
    case 'blockCard':
      return attr('url');
    case 'status':
      return `[${attr('text')}]`;
    case 'date': {
      const time = Number(attr('timestamp'));
      return Number.isFinite(time) ? new Date(time).toISOString().slice(0, 10) : '';
    }
    case 'mediaInline':
      return '[attachment]';
    default:
      return inline((node.content ?? []).filter(isNode));
  }
}

/** Marks applied innermost first: code, strike, em, strong, then the link around all of them. */
function withMarks(text: string, marks: AdfMark[]): string {
  const has = (type: string) => marks.some((mark) => mark.type === type);
  let out = has('code') ? `\`${text}\`` : text;
  if (has('strike')) out = `~~${out}~~`;
  if (has('em')) out = `*${out}*`;
  if (has('strong')) out = `**${out}**`;
  const link = marks.find((mark) => mark.type === 'link');
  const href = typeof link?.attrs?.href === 'string' ? link.attrs.href : undefined;
  if (href !== undefined) out = out === href ? href : `[${out}](${href})`;
  return out;
}

const INLINE_TYPES = new Set([
  'text',
  'hardBreak',
  'mention',
  'emoji',
  'inlineCard',
  'status',
  'date',
  'mediaInline',
]);

function isInlineType(type: string): boolean {
  return INLINE_TYPES.has(type);
}

function clampLevel(level: unknown): number {
  return typeof level === 'number' ? Math.min(6, Math.max(1, Math.round(level))) : 1;
}

function indent(text: string, pad: string): string {
  return text.replace(/\n/g, `\n${pad}`);
}

function prefixLines(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}
