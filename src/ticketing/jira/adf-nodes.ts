/**
 * The slice of Atlassian Document Format (ADF) the Jira provider writes and reads: Jira Cloud's
 * REST v3 takes and returns rich text (descriptions, comments) as ADF documents.
 * Structure: https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */

export type AdfMark = {
  type: string;
  attrs?: Record<string, unknown>;
};

/** Any ADF node; `text` only on text nodes, `content` only on nodes that hold others. */
// Type aliases, not interfaces: jira.js types ADF content as `Record<string, any>[]`, which only
// object type aliases are assignable to.
export type AdfNode = {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  marks?: AdfMark[];
  text?: string;
};

/** The root: `{ type: 'doc', version: 1, content: [block, …] }`. */
export type AdfDoc = {
  type: 'doc';
  version: 1;
  content: AdfNode[];
};

export function textNode(text: string, marks: AdfMark[] = []): AdfNode {
  return marks.length > 0 ? { type: 'text', text, marks } : { type: 'text', text };
}

/** A paragraph; ADF rejects empty text nodes, so an empty paragraph carries no content. */
export function paragraph(content: AdfNode[]): AdfNode {
  return content.length > 0 ? { type: 'paragraph', content } : { type: 'paragraph' };
}

/** Plain text of a node and its descendants, hard breaks as newlines. */
export function plainText(node: AdfNode): string {
  if (node.type === 'text') return node.text ?? '';
  if (node.type === 'hardBreak') return '\n';
  return (node.content ?? []).map(plainText).join('');
}
