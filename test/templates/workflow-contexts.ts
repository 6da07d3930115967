import type { Mapping } from '../../src/domain/mapping.ts';
import { renderRepoFiles } from '../../src/github/template-sync/render-templates.ts';
import { loadTemplates } from '../../src/github/template-sync/template-catalog.ts';
import type { DispatchPayload } from '../../src/runners/types.ts';
import { mapping, target } from './template-fixtures.ts';
import { onlyJob, readWorkflow, type Contexts, type WorkflowJob } from './workflow-harness.ts';

/** Rendered workflows and the contexts GitHub would give their runs, for the workflow tests. */

const templates = loadTemplates();

/** The single job of a workflow template rendered for `mappings` (default: one Linear/Anthropic mapping). */
export function renderedJob(template: string, mappings: Mapping[] = [mapping()]): WorkflowJob {
  const file = renderRepoFiles(templates, target(...mappings)).find((f) => f.template === template);
  if (!file) throw new Error(`no rendered ${template}`);
  return onlyJob(readWorkflow(file.content));
}

export function payload(overrides: Partial<DispatchPayload> = {}): DispatchPayload {
  return {
    version: 1,
    dispatchId: 'dispatch-1',
    phase: 'implementation',
    issue: {
      id: 'issue-1',
      identifier: 'ENG-7',
      title: 'Export users',
      description: 'Add a CSV export.',
      url: 'https://linear.app/acme/issue/ENG-7',
      provider: 'linear',
    },
    provider: { name: 'anthropic' },
    ...overrides,
  };
}

/** The contexts of a `workflow_dispatch` run of claude-implement.yml / claude-plan.yml. */
export function dispatchContexts(
  body: DispatchPayload,
  extra: {
    vars?: Record<string, string>;
    secrets?: Record<string, string>;
    steps?: Contexts;
    job?: Contexts;
  } = {},
): Contexts {
  return {
    github: {
      repository: 'acme/web',
      server_url: 'https://github.com',
      run_id: 4242,
      ref_name: 'main',
      workspace: '/home/runner/work/web/web',
      token: 'ghs_job_token',
      event_name: 'workflow_dispatch',
    },
    inputs: {
      issue_id: body.issue.id,
      issue_identifier: body.issue.identifier,
      payload: JSON.stringify(body),
    },
    vars: extra.vars ?? {},
    secrets: extra.secrets ?? {},
    steps: extra.steps ?? {},
    job: { status: 'success', ...extra.job },
    runner: { temp: '/home/runner/work/_temp', os: 'Linux' },
    env: {},
  };
}

export interface CommentEvent {
  body?: string;
  login?: string;
  userType?: 'User' | 'Bot';
  association?: string;
  onPullRequest?: boolean;
}

/** The contexts of an `issue_comment` run of comment-trigger.yml. */
export function commentContexts(
  event: CommentEvent = {},
  extra: { vars?: Record<string, string>; secrets?: Record<string, string> } = {},
): Contexts {
  return {
    github: {
      repository: 'acme/web',
      event_name: 'issue_comment',
      event: {
        action: 'created',
        issue: {
          number: 7,
          ...(event.onPullRequest === false
            ? {}
            : { pull_request: { url: 'https://api.github.com/repos/acme/web/pulls/7' } }),
        },
        comment: {
          id: 9876,
          body: event.body ?? '/ai-implement',
          user: { login: event.login ?? 'alice', type: event.userType ?? 'User' },
          author_association: event.association ?? 'MEMBER',
        },
      },
    },
    vars: extra.vars ?? {},
    secrets: extra.secrets ?? {},
    steps: {},
    job: { status: 'success' },
    runner: { temp: '/home/runner/work/_temp', os: 'Linux' },
    env: {},
  };
}
