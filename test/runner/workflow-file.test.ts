import { describe, expect, it } from 'vitest';
import { parseWorkflowFile } from '../../src/runner/workflow-file.ts';
import { renderTemplate, TEMPLATE_VARIABLES, type TemplateValues } from '../../src/runner/prompt-template.ts';

const parse = (text: string) => parseWorkflowFile(text, 'WORKFLOW.md');
const error = (text: string) => {
  try {
    parse(text);
  } catch (caught) {
    return (caught as Error).message;
  }
  throw new Error('expected a WorkflowFileError');
};

describe('WORKFLOW.md front matter', () => {
  it('reads models and hooks; a hook may be one command or a list', () => {
    const file = parse(
      '---\nmodel: claude-opus-4-1\ngap_analysis_model: claude-haiku-4-5-20251001\nsetup: npm ci\nverify:\n  - npm run lint\n  - npm test\nagent_timeout_minutes: 30\n---\n\nImplement {{ issue.identifier }}.\n',
    );
    expect(file.settings).toMatchObject({
      model: 'claude-opus-4-1',
      gapAnalysisModel: 'claude-haiku-4-5-20251001',
      reviewModel: undefined,
      setup: ['npm ci'],
      verify: ['npm run lint', 'npm test'],
      teardown: [],
      agentTimeoutMinutes: 30,
    });
    expect(file.body).toBe('Implement {{ issue.identifier }}.');
    expect(file.warnings).toEqual([]);
  });

  it('treats a file without front matter as all template, and an empty front matter as defaults', () => {
    expect(parse('Just do {{ issue.title }}').settings.model).toBeUndefined();
    expect(parse('---\n---\nBody').body).toBe('Body');
  });

  it('warns about unknown keys instead of failing (a newer template may carry them)', () => {
    expect(parse('---\nmodle: x\n---\n').warnings).toEqual([
      expect.stringMatching(/^WORKFLOW\.md line 2: unknown key "modle" is ignored/),
    ]);
  });

  it.each([
    [
      '---\nmodel: claude\nverify: [npm test\nteardown: x\n---\n',
      'line 4: invalid YAML front matter: Flow sequence',
    ],
    ['---\nmodel: 5\n---\n', 'line 2: model must be a non-empty string'],
    ['---\nmodel: a\nmodel: b\n---\n', 'line 3: invalid YAML front matter: Map keys must be unique'],
    ['---\nverify:\n  - ok\n  - 3\n---\n', 'line 4: verify must be a command or a list of commands'],
    ['---\nmodel: a\n', 'line 1: the front matter opened with --- is never closed'],
    ['---\n- a\n---\n', 'line 2: the front matter must be key: value lines'],
    [
      '---\nhook_timeout_minutes: 0\n---\n',
      'line 2: hook_timeout_minutes must be a number of minutes greater than 0',
    ],
    ['---\nmodel: a\n---\nline one\n{{ issue.titel }}\n', 'line 5: unknown placeholder {{ issue.titel }}'],
    // Names every object inherits are not variables either.
    ['---\nmodel: a\n---\n{{ constructor }}\n', 'line 4: unknown placeholder {{ constructor }}'],
    ['---\nmodel: a\n---\n\n{{ toString }} {{__proto__}}\n', 'line 5: unknown placeholder {{ toString }}'],
  ])('refuses %j naming the line', (text, message) => {
    expect(error(text)).toContain(`WORKFLOW.md ${message}`);
  });
});

describe('prompt templates', () => {
  it('fills every variable and leaves other braces alone', () => {
    const values = Object.fromEntries(
      Object.keys(TEMPLATE_VARIABLES).map((name) => [name, `<${name}>`]),
    ) as TemplateValues;
    expect(renderTemplate('{{issue.identifier}}: {{ issue.title }} {{ related }} ${x} {not}', values)).toBe(
      '<issue.identifier>: <issue.title> <related> ${x} {not}',
    );
  });

  it('leaves inherited names such as {{ constructor }} as they are instead of filling them', () => {
    const values = Object.fromEntries(
      Object.keys(TEMPLATE_VARIABLES).map((name) => [name, `<${name}>`]),
    ) as TemplateValues;
    expect(renderTemplate('{{ constructor }} {{ hasOwnProperty }} {{ phase }}', values)).toBe(
      '{{ constructor }} {{ hasOwnProperty }} <phase>',
    );
  });
});
