import { describe, expect, it } from 'vitest';
import { adfToMarkdown } from '../../src/ticketing/jira/adf-to-markdown.ts';
import { markdownToAdf } from '../../src/ticketing/jira/markdown-to-adf.ts';
import { adfErrors } from '../fakes/jira/adf-validator.ts';

const PLANNING_COMMENT = `## Architecture Analysis

The export lives in \`src/export/\`; see [the docs](https://example.com/docs) or https://example.com/raw.
Second line of the same paragraph, with **bold**, *em*, _em too_, ~~gone~~ and a snake_case_name.

### Work Units
1. Parse the **input**
2. Write the file
   - stream rows
   - flush every 1000
3. Test it

- [ ] unit tests
- [x] fixtures
  - [ ] nested task

> Risk: large exports
> may time out

\`\`\`ts
export const limit = 1000;
\`\`\`

---

| Step | Owner |
| --- | --- |
| parse | agent \\| human |
| write | agent |`;

describe('markdownToAdf', () => {
  it('writes documents that pass Atlassian’s ADF schema', () => {
    const doc = markdownToAdf(PLANNING_COMMENT);
    expect(adfErrors(doc)).toEqual([]);
    expect(doc.content.map((node) => node.type)).toEqual([
      'heading',
      'paragraph',
      'heading',
      'orderedList',
      'taskList',
      'blockquote',
      'codeBlock',
      'rule',
      'table',
    ]);
    for (const sample of ['', '-', '**', '[x](', '` `', '- [ ] ', '> ', '| a |\n| - |', '1. \n2.  ']) {
      expect(adfErrors(markdownToAdf(sample)), JSON.stringify(sample)).toEqual([]);
    }
  });

  it('keeps line breaks, nesting, task states, code languages and table cells', () => {
    const [, paragraph, , ordered, tasks, quote, code, , table] = markdownToAdf(PLANNING_COMMENT).content;
    expect(paragraph?.content?.filter((node) => node.type === 'hardBreak')).toHaveLength(1);
    expect(paragraph?.content).toContainEqual({
      type: 'text',
      text: 'https://example.com/raw',
      marks: [{ type: 'link', attrs: { href: 'https://example.com/raw' } }],
    });
    expect(paragraph?.content).toContainEqual({
      type: 'text',
      text: 'Second line of the same paragraph, with ',
    });
    expect(paragraph?.content?.find((node) => node.text?.includes('snake_case_name'))?.marks).toBeUndefined();
    expect(ordered?.content?.[1]?.content?.map((node) => node.type)).toEqual(['paragraph', 'bulletList']);
    expect(tasks?.content?.map((node) => [node.type, node.attrs?.state])).toEqual([
      ['taskItem', 'TODO'],
      ['taskItem', 'DONE'],
      ['taskList', undefined],
    ]);
    expect(quote?.content?.[0]?.content?.map((node) => node.type)).toEqual(['text', 'hardBreak', 'text']);
    expect(code).toEqual({
      type: 'codeBlock',
      attrs: { language: 'ts' },
      content: [{ type: 'text', text: 'export const limit = 1000;' }],
    });
    expect(table?.content?.[0]?.content?.[0]?.type).toBe('tableHeader');
    expect(table?.content?.[1]?.content?.[1]?.content?.[0]?.content).toEqual([
      { type: 'text', text: 'agent | human' },
    ]);
  });

  it('round-trips what it writes, blank lines between blocks aside', () => {
    const back = adfToMarkdown(markdownToAdf(PLANNING_COMMENT));
    // `_em_` comes back in its other spelling, `*em*`.
    expect(back.replace(/\n\s*\n/g, '\n')).toBe(
      PLANNING_COMMENT.replace(/\n\s*\n/g, '\n').replace('_em too_', '*em too*'),
    );
  });
});

describe('adfToMarkdown', () => {
  it('renders what people write in Jira: mentions, emoji, cards, dates, status lozenges, panels, media', () => {
    const description = {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'mention', attrs: { id: 'abc', text: '@Ana' } },
            { type: 'text', text: ' asks ' },
            { type: 'emoji', attrs: { shortName: ':rocket:', text: '🚀' } },
            { type: 'text', text: ' by ' },
            { type: 'date', attrs: { timestamp: '1772323200000' } },
            { type: 'text', text: ' ' },
            { type: 'status', attrs: { text: 'BLOCKED', color: 'red' } },
          ],
        },
        {
          type: 'panel',
          attrs: { panelType: 'info' },
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Heads up' }] }],
        },
        {
          type: 'paragraph',
          content: [{ type: 'inlineCard', attrs: { url: 'https://acme.atlassian.net/browse/ENG-2' } }],
        },
        {
          type: 'mediaSingle',
          content: [{ type: 'media', attrs: { id: 'x', type: 'file', collection: '' } }],
        },
        {
          type: 'orderedList',
          attrs: { order: 3 },
          content: [
            {
              type: 'listItem',
              content: [{ type: 'paragraph', content: [{ type: 'text', text: 'third' }] }],
            },
          ],
        },
        {
          type: 'expand',
          attrs: { title: 'Details' },
          content: [
            {
              type: 'paragraph',
              content: [{ type: 'text', text: 'hidden', marks: [{ type: 'em' }, { type: 'strong' }] }],
            },
          ],
        },
      ],
    };
    expect(adfErrors(description)).toEqual([]);
    expect(adfToMarkdown(description)).toBe(
      '@Ana asks 🚀 by 2026-03-01 [BLOCKED]\n\nHeads up\n\nhttps://acme.atlassian.net/browse/ENG-2\n\n[attachment]\n\n3. third\n\n**Details**\n\n***hidden***',
    );
  });

  it('gives an empty string for no description or something that is not ADF', () => {
    expect(adfToMarkdown(null)).toBe('');
    expect(adfToMarkdown('plain')).toBe('');
    expect(adfToMarkdown({ type: 'doc', version: 1, content: [] })).toBe('');
  });
});
