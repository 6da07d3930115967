import { afterEach, beforeEach, expect, it } from 'vitest';
import { renderRepoFiles } from '../../src/github/template-sync/render-templates.ts';
import { loadTemplates } from '../../src/github/template-sync/template-catalog.ts';
import { createGitHubActionsBackend } from '../../src/runners/github-actions/github-actions-backend.ts';
import { startGitHubTestBed, type GitHubTestBed } from '../github/github-test-setup.ts';
import { mapping, target } from './template-fixtures.ts';
import { payload } from './workflow-contexts.ts';
import { readWorkflow } from './workflow-harness.ts';

/**
 * The orchestrator's GitHub Actions backend dispatches the synced workflows: the fake GitHub
 * refuses inputs a workflow does not declare (422), as GitHub does, so each workflow here
 * declares exactly the inputs read from the rendered template.
 */

let bed: GitHubTestBed;
beforeEach(async () => {
  bed = await startGitHubTestBed();
});
afterEach(async () => {
  bed.fake.assertNoViolations();
  await bed.fake.close();
});

it('the backend’s dispatch is accepted by the workflows the templates declare', async () => {
  const eng = mapping({ repo: 'web' });
  const files = renderRepoFiles(loadTemplates(), target(eng));
  const declared = (name: string) =>
    Object.keys(
      readWorkflow(files.find((f) => f.template === name)?.content ?? '').on.workflow_dispatch?.inputs ?? {},
    );
  bed.fake.addRepo({
    owner: 'acme',
    repo: 'web',
    workflows: [
      { file: eng.workflowFile, inputs: declared('claude-implement.yml') },
      { file: eng.planningWorkflowFile, inputs: declared('claude-plan.yml') },
    ],
  });
  bed.fake.addInstallation({ id: 9002, account: 'acme', repos: ['acme/web'] });
  const backend = createGitHubActionsBackend(bed.client);
  await backend.dispatch({
    mapping: eng,
    phase: 'implementation',
    workflowFile: eng.workflowFile,
    payload: payload(),
  });
  const planning = payload({ phase: 'planning' });
  await backend.dispatch({
    mapping: eng,
    phase: 'planning',
    workflowFile: eng.planningWorkflowFile,
    payload: planning,
  });
  expect(bed.fake.dispatches.map((d) => [d.workflow, Object.keys(d.inputs)])).toEqual([
    ['claude-implement.yml', ['issue_id', 'issue_identifier', 'payload']],
    ['claude-plan.yml', ['issue_id', 'issue_identifier', 'payload']],
  ]);
});

it('a workflow file on the default branch that lacks an input refuses the dispatch, as GitHub does', async () => {
  const eng = mapping({ repo: 'web' });
  const workflow = renderRepoFiles(loadTemplates(), target(eng)).find(
    (f) => f.template === 'claude-implement.yml',
  );
  const web = bed.fake.addRepo({ owner: 'acme', repo: 'web' });
  bed.fake.addInstallation({ id: 9002, account: 'acme', repos: ['acme/web'] });
  const backend = createGitHubActionsBackend(bed.client);
  const request = {
    mapping: eng,
    phase: 'implementation' as const,
    workflowFile: eng.workflowFile,
    payload: payload(),
  };

  web.writeFile(
    'main',
    '.github/workflows/claude-implement.yml',
    (workflow?.content ?? '').replace(/\n {6}payload:\n(?: {8}.*\n)+/, '\n'),
    'Old workflow',
  );
  await expect(backend.dispatch(request)).rejects.toMatchObject({
    category: 'invalid',
    message: expect.stringContaining('Unexpected inputs provided: ["payload"]'),
  });
});
