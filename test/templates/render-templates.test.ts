import { mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { judgeFile } from '../../src/github/template-sync/file-status.ts';
import {
  renderRepoFiles,
  TemplateConfigError,
  type RenderedFile,
} from '../../src/github/template-sync/render-templates.ts';
import { loadTemplates } from '../../src/github/template-sync/template-catalog.ts';
import { contentHash, readStamp } from '../../src/github/template-sync/template-stamp.ts';
import { parseRepoConfig } from '../../src/orchestrator/follow-ups/repo-config.ts';
import { parseWorkflowFile } from '../../src/runner/workflow-file.ts';
import { bumpVersion, mapping, target, TEMPLATES_DIR } from './template-fixtures.ts';

const templates = loadTemplates();

function file(template: string, mappings = [mapping()], set = templates): RenderedFile {
  const found = renderRepoFiles(set, target(...mappings)).find((f) => f.template === template);
  if (!found) throw new Error(`no ${template}`);
  return found;
}

describe('rendering for a mapping', () => {
  it('places the workflows under the mapping’s file names and the starters at the root', () => {
    const files = renderRepoFiles(
      templates,
      target(mapping({ workflowFile: 'ai.yml', planningWorkflowFile: 'ai-plan.yml' })),
    );
    expect(files.map((f) => [f.path, f.template, f.version, f.kind])).toEqual([
      ['.github/workflows/ai.yml', 'claude-implement.yml', 1, 'workflow'],
      ['.github/workflows/ai-plan.yml', 'claude-plan.yml', 1, 'workflow'],
      ['.github/workflows/comment-trigger.yml', 'comment-trigger.yml', 1, 'workflow'],
      ['WORKFLOW.md', 'WORKFLOW.md', 1, 'starter'],
      ['PLANNING.md', 'PLANNING.md', 1, 'starter'],
      ['.ai-implement/config.yml', '.ai-implement/config.yml', 1, 'starter'],
    ]);
  });

  it('writes one copy for mappings that share a workflow file', () => {
    const files = renderRepoFiles(templates, target(mapping(), mapping({ teamKey: 'OPS' })));
    expect(files).toHaveLength(6);
  });

  it('stamps each file with its template, version and content hash', () => {
    for (const rendered of renderRepoFiles(templates, target(mapping()))) {
      expect(readStamp(rendered.content)).toEqual({
        name: rendered.template,
        version: 1,
        hash: rendered.hash,
      });
      expect(contentHash(rendered.content)).toBe(rendered.hash);
      expect(contentHash(`${rendered.content}\n# edited\n`)).not.toBe(rendered.hash);
    }
    expect(file('WORKFLOW.md').content.split('\n').slice(0, 2)).toEqual([
      '---',
      `# ai-implement-template: WORKFLOW.md@1 sha256:${file('WORKFLOW.md').hash}`,
    ]);
  });

  it('refuses two templates on one path, naming the mapping and the field', () => {
    const same = mapping({ workflowFile: 'ai.yml', planningWorkflowFile: 'ai.yml' });
    expect(() => renderRepoFiles(templates, target(same))).toThrow(
      new TemplateConfigError(
        'ENG',
        'planningWorkflowFile',
        'planningWorkflowFile of mapping ENG puts claude-plan.yml at .github/workflows/ai.yml, where claude-implement.yml goes; choose another file name',
      ),
    );
    try {
      renderRepoFiles(
        templates,
        target(mapping(), mapping({ teamKey: 'OPS', workflowFile: 'claude-plan.yml' })),
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ teamKey: 'OPS', field: 'workflowFile' });
    }
  });

  it('gives starter files the runner and the orchestrator can read', () => {
    for (const name of ['WORKFLOW.md', 'PLANNING.md']) {
      const anthropic = parseWorkflowFile(file(name).content, name);
      expect(anthropic.warnings).toEqual([]);
      expect(anthropic.settings.model).toBe('claude-sonnet-4-6');
      const bedrock = parseWorkflowFile(
        file(name, [mapping({ provider: 'bedrock', awsRegion: 'us-west-2' })]).content,
        name,
      );
      expect(bedrock.settings.model).toBeUndefined();
      expect(bedrock.body).toContain('{{ issue.identifier }}');
    }
    expect(parseWorkflowFile(file('WORKFLOW.md').content, 'WORKFLOW.md').settings.gapAnalysisModel).toBe(
      'claude-haiku-4-5-20251001',
    );
    expect(parseRepoConfig(file('.ai-implement/config.yml').content)).toEqual({
      reviewProviders: [],
      problems: [],
    });
  });
});

describe('judging a repository’s copy', () => {
  const workflow = file('claude-implement.yml');
  const starter = file('WORKFLOW.md');

  it('current, missing', () => {
    expect(judgeFile(workflow, workflow.content)).toMatchObject({ state: 'current', action: 'none' });
    expect(judgeFile(workflow, workflow.content.replace(/\n/g, '\r\n'))).toMatchObject({ state: 'current' });
    expect(judgeFile(workflow, undefined)).toMatchObject({ state: 'missing', action: 'create' });
  });

  it('stale: older version, edited workflow, other configuration, no stamp', () => {
    const v2 = file('claude-implement.yml', [mapping()], bumpVersion('claude-implement.yml', 2));
    expect(judgeFile(v2, workflow.content)).toMatchObject({
      state: 'stale',
      foundVersion: 1,
      version: 2,
      action: 'update',
    });
    expect(judgeFile(workflow, `${workflow.content}# mine\n`)).toMatchObject({
      state: 'stale',
      reason: 'edited after the last sync',
      action: 'update',
    });
    const jira = file('claude-implement.yml', [
      mapping({
        ticketingProvider: 'jira',
        ticketingConfig: { kind: 'jira', jql: 'x', repoFieldValue: 'y' },
      }),
    ]);
    expect(judgeFile(jira, workflow.content)).toMatchObject({
      state: 'stale',
      action: 'update',
      reason: expect.stringContaining('another configuration'),
    });
    expect(judgeFile(workflow, 'name: mine\non: push\n')).toMatchObject({ state: 'stale', action: 'update' });
  });

  it('never downgrades a file from a newer AI-Implement', () => {
    const v3 = file('claude-implement.yml', [mapping()], bumpVersion('claude-implement.yml', 3));
    expect(judgeFile(workflow, v3.content)).toMatchObject({
      state: 'stale',
      foundVersion: 3,
      action: 'none',
    });
  });

  it('customized: an edited or hand-written starter file belongs to the repository', () => {
    expect(judgeFile(starter, starter.content.replace('## How to work', '## Our rules'))).toMatchObject({
      state: 'customized',
      action: 'none',
    });
    expect(judgeFile(starter, '# Our own prompt\n')).toMatchObject({ state: 'customized', action: 'none' });
    const v2 = file('WORKFLOW.md', [mapping()], bumpVersion('WORKFLOW.md', 2));
    expect(judgeFile(v2, starter.content)).toMatchObject({ state: 'stale', action: 'update' });
  });
});

describe('loading templates', () => {
  function brokenCopy(name: string, text: string) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ai-implement-templates-'));
    cpSync(TEMPLATES_DIR, dir, { recursive: true });
    writeFileSync(path.join(dir, name), text);
    return () => loadTemplates(pathToFileURL(`${dir}/`));
  }

  it('refuses a template without its stamp or with an unknown condition, naming file and line', () => {
    expect(brokenCopy('claude-plan.yml', 'name: x\n')).toThrow(
      'template claude-plan.yml must start with "# ai-implement-template: claude-plan.yml@<version>"',
    );
    expect(
      brokenCopy(
        'comment-trigger.yml',
        '# ai-implement-template: comment-trigger.yml@1\nname: x # ai-implement:gitlab\n',
      ),
    ).toThrow('template comment-trigger.yml line 2: unknown condition "gitlab"');
  });
});
