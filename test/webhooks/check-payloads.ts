import {
  API,
  EPOCH,
  idOf,
  installation,
  repository,
  user,
  type Json,
  type PullRequestFacts,
} from './webhook-objects.ts';

/**
 * `check_suite`, `check_run` and `workflow_run` deliveries with action `completed` (issue 17),
 * in GitHub's shapes (schemas `webhook-check-suite-completed`, `webhook-check-run-completed`,
 * `webhook-workflow-run-completed` of @octokit/openapi-webhooks), about commit `sha` of a PR.
 */

export interface CheckFacts {
  /** The commit the checks ran on (a PR's head, or an older one). */
  sha: string;
  /** The check's conclusion: success, failure, cancelled, timed_out, … */
  conclusion: string;
  name?: string;
  /** GitHub Actions workflow run id. */
  runId?: number;
  /** Check run id (= the Actions job id). */
  checkRunId?: number;
}

function actionsApp(): Json {
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: user({ login: 'github', type: 'Organization' }),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: 'https://github.com/apps/github-actions',
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2019-12-10T19:04:12Z',
    permissions: {
      actions: 'write',
      checks: 'write',
      contents: 'write',
      metadata: 'read',
      statuses: 'write',
    },
    events: ['check_run', 'check_suite', 'pull_request', 'push'],
  };
}

/** `pull_requests[]` of check and workflow run payloads: the PR's number, head and base. */
function pullRef(pr: PullRequestFacts, sha: string): Json {
  const full = `${pr.owner}/${pr.repo}`;
  const repo = { id: idOf(full), url: `${API}/repos/${full}`, name: pr.repo };
  return {
    url: `${API}/repos/${full}/pulls/${pr.number}`,
    id: idOf(`${full}#${pr.number}`),
    number: pr.number,
    head: { ref: pr.headRef, sha, repo },
    base: { ref: pr.baseRef ?? 'main', sha: 'b'.repeat(40), repo },
  };
}

function headCommit(sha: string): Json {
  const person = { name: 'AI-Implement', email: 'ai-implement@example.com' };
  return {
    id: sha,
    tree_id: sha,
    message: 'Export users',
    timestamp: EPOCH,
    author: person,
    committer: person,
  };
}

function suite(pr: PullRequestFacts, facts: CheckFacts): Json {
  const full = `${pr.owner}/${pr.repo}`;
  const id = idOf(`suite:${facts.sha}`);
  return {
    id,
    node_id: `CS_${id}`,
    head_branch: pr.headRef,
    head_sha: facts.sha,
    status: 'completed',
    conclusion: facts.conclusion,
    url: `${API}/repos/${full}/check-suites/${id}`,
    before: 'a'.repeat(40),
    after: facts.sha,
    pull_requests: [pullRef(pr, facts.sha)],
    app: actionsApp(),
    created_at: EPOCH,
    updated_at: EPOCH,
    rerequestable: true,
    runs_rerequestable: false,
    latest_check_runs_count: 1,
    check_runs_url: `${API}/repos/${full}/check-suites/${id}/check-runs`,
    head_commit: headCommit(facts.sha),
  };
}

/** `check_suite` `completed`. */
export function checkSuiteCompleted(pr: PullRequestFacts, facts: CheckFacts): Json {
  return {
    action: 'completed',
    check_suite: suite(pr, facts),
    repository: repository(pr.owner, pr.repo),
    installation: installation(),
    sender: user({ login: 'github-actions[bot]' }),
  };
}

/** `check_run` `completed`. */
export function checkRunCompleted(pr: PullRequestFacts, facts: CheckFacts): Json {
  const full = `${pr.owner}/${pr.repo}`;
  const id = facts.checkRunId ?? idOf(`run:${facts.sha}:${facts.name ?? 'test'}`);
  const runId = facts.runId ?? idOf(`workflow:${facts.sha}`);
  const details = `https://github.com/${full}/actions/runs/${runId}/job/${id}`;
  return {
    action: 'completed',
    check_run: {
      id,
      node_id: `CR_${id}`,
      head_sha: facts.sha,
      external_id: String(id),
      url: `${API}/repos/${full}/check-runs/${id}`,
      html_url: details,
      details_url: details,
      status: 'completed',
      conclusion: facts.conclusion,
      started_at: EPOCH,
      completed_at: EPOCH,
      output: {
        title: null,
        summary: null,
        text: null,
        annotations_count: 0,
        annotations_url: `${API}/repos/${full}/check-runs/${id}/annotations`,
      },
      name: facts.name ?? 'test',
      check_suite: suite(pr, facts),
      app: actionsApp(),
      pull_requests: [pullRef(pr, facts.sha)],
    },
    repository: repository(pr.owner, pr.repo),
    installation: installation(),
    sender: user({ login: 'github-actions[bot]' }),
  };
}

/** `workflow_run` `completed`: a GitHub Actions workflow run on the PR's branch finished. */
export function workflowRunCompleted(pr: PullRequestFacts, facts: CheckFacts): Json {
  const full = `${pr.owner}/${pr.repo}`;
  const id = facts.runId ?? idOf(`workflow:${facts.sha}`);
  const workflowId = idOf(`${full}:ci.yml`);
  const url = `${API}/repos/${full}/actions/runs/${id}`;
  const suiteId = idOf(`suite:${facts.sha}`);
  const repo = repository(pr.owner, pr.repo);
  const pusher = user({ login: 'ai-implement[bot]' });
  const person = { name: 'AI-Implement', email: 'ai-implement@example.com' };
  return {
    action: 'completed',
    workflow: {
      badge_url: `https://github.com/${full}/workflows/CI/badge.svg`,
      created_at: EPOCH,
      html_url: `https://github.com/${full}/blob/main/.github/workflows/ci.yml`,
      id: workflowId,
      name: 'CI',
      node_id: `W_${workflowId}`,
      path: '.github/workflows/ci.yml',
      state: 'active',
      updated_at: EPOCH,
      url: `${API}/repos/${full}/actions/workflows/${workflowId}`,
    },
    workflow_run: {
      actor: pusher,
      artifacts_url: `${url}/artifacts`,
      cancel_url: `${url}/cancel`,
      check_suite_id: suiteId,
      check_suite_node_id: `CS_${suiteId}`,
      check_suite_url: `${API}/repos/${full}/check-suites/${suiteId}`,
      conclusion: facts.conclusion,
      created_at: EPOCH,
      event: 'pull_request',
      head_branch: pr.headRef,
      head_commit: {
        id: facts.sha,
        tree_id: facts.sha,
        message: 'Export users',
        timestamp: EPOCH,
        author: person,
        committer: person,
      },
      head_repository: repo,
      head_sha: facts.sha,
      html_url: `https://github.com/${full}/actions/runs/${id}`,
      id,
      jobs_url: `${url}/jobs`,
      logs_url: `${url}/logs`,
      name: 'CI',
      node_id: `WFR_${id}`,
      path: '.github/workflows/ci.yml',
      previous_attempt_url: null,
      pull_requests: [pullRef(pr, facts.sha)],
      referenced_workflows: [],
      repository: repo,
      rerun_url: `${url}/rerun`,
      run_attempt: 1,
      run_number: 7,
      run_started_at: EPOCH,
      status: 'completed',
      triggering_actor: pusher,
      updated_at: EPOCH,
      url,
      workflow_id: workflowId,
      workflow_url: `${API}/repos/${full}/actions/workflows/${workflowId}`,
      display_title: 'Export users',
    },
    repository: repo,
    installation: installation(),
    sender: pusher,
  };
}
