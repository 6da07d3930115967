import type { FakePull, FakeRepo } from './fake-repo.ts';
import { appBotAccount, label, nodeId, repository, simpleUser, type JsonObject } from './github-objects.ts';
import {
  notFound,
  unprocessable,
  visibleRepo,
  type FakeWorld,
  type RouteContext,
  type RouteHandler,
} from './fake-world.ts';

/** Pull requests (https://docs.github.com/rest/pulls/pulls), as the fake's app opens them. */

function branchEnd(world: FakeWorld, repo: FakeRepo, branch: string): JsonObject {
  return {
    label: `${repo.owner.login}:${branch}`,
    ref: branch,
    sha: repo.refs.get(`refs/heads/${branch}`) ?? '0'.repeat(40),
    user: simpleUser(world.api, repo.owner),
    repo: repository(world.api, repo),
  };
}

/** `pull-request-simple` (list items). */
function pullSimple(world: FakeWorld, repo: FakeRepo, pull: FakePull): JsonObject {
  const full = `${repo.owner.login}/${repo.name}`;
  const url = `${world.api}/repos/${full}/pulls/${pull.number}`;
  const html = `https://github.com/${full}/pull/${pull.number}`;
  const issue = `${world.api}/repos/${full}/issues/${pull.number}`;
  const head = branchEnd(world, repo, pull.head);
  const statuses = `${world.api}/repos/${full}/statuses/${String(head.sha)}`;
  return {
    url,
    id: pull.id,
    node_id: nodeId('PR', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${world.api}/repos/${full}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: statuses,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: simpleUser(world.api, pull.user),
    body: pull.body,
    labels: (repo.labels.get(pull.number) ?? []).map((name) => label(world.api, repo, name)),
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.state === 'closed' ? pull.updatedAt : null,
    merged_at: pull.merged ? pull.updatedAt : null,
    merge_commit_sha: pull.merged ? 'f'.repeat(40) : null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head,
    base: branchEnd(world, repo, pull.base),
    _links: Object.fromEntries(
      Object.entries({
        self: url,
        html,
        issue,
        comments: `${issue}/comments`,
        review_comments: `${url}/comments`,
        review_comment: `${world.api}/repos/${full}/pulls/comments{/number}`,
        commits: `${url}/commits`,
        statuses,
      }).map(([key, href]) => [key, { href }]),
    ),
    author_association: 'NONE',
    auto_merge: null,
    draft: pull.draft,
  };
}

/** `pull-request` (get, create, update). */
function pullFull(world: FakeWorld, repo: FakeRepo, pull: FakePull): JsonObject {
  return {
    ...pullSimple(world, repo, pull),
    merged: pull.merged ?? false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: repo.comments.filter((c) => c.issueNumber === pull.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

/** The pull request a route's `pull_number` / `issue_number` names, in a repository the token sees. */
export function findPull(context: RouteContext, param: 'pull_number' | 'issue_number') {
  const repo = visibleRepo(context);
  const pull = repo?.pulls.find((p) => String(p.number) === context.params[param]);
  return repo && pull ? { repo, pull } : undefined;
}

function listPulls(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const { state = 'open', head, base, direction = 'desc', per_page = '30', page = '1' } = context.query;
  const headBranch = head?.replace(/^[^:]+:/, '');
  const matching = repo.pulls
    .filter(
      (p) =>
        (state === 'all' || p.state === state) &&
        (!headBranch || p.head === headBranch) &&
        (!base || p.base === base),
    )
    .sort((a, b) => (direction === 'asc' ? a.number - b.number : b.number - a.number));
  const size = Number(per_page);
  const pageItems = matching.slice((Number(page) - 1) * size, Number(page) * size);
  return { status: 200, body: pageItems.map((p) => pullSimple(context.world, repo, p)) };
}

function createPull(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const body = context.body as { title?: string; head: string; base: string; body?: string; draft?: boolean };
  const head = body.head.replace(new RegExp(`^${repo.owner.login}:`, 'i'), '');
  const invalid = (field: string, code = 'invalid') =>
    unprocessable('Validation Failed', [{ resource: 'PullRequest', field, code }]);
  if (body.title === undefined) return invalid('title', 'missing_field');
  const headSha = repo.refs.get(`refs/heads/${head}`);
  const baseSha = repo.refs.get(`refs/heads/${body.base}`);
  if (!headSha) return invalid('head');
  if (!baseSha) return invalid('base');
  if (repo.pulls.some((p) => p.state === 'open' && p.head === head && p.base === body.base)) {
    const message = `A pull request already exists for ${repo.owner.login}:${head}.`;
    return unprocessable('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message }]);
  }
  if (headSha === baseSha) {
    const message = `No commits between ${body.base} and ${head}`;
    return unprocessable('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message }]);
  }
  // Issues and pull requests share one number sequence per repository.
  const number = Math.max(0, ...repo.pulls.map((p) => p.number), ...repo.issues.map((i) => i.number)) + 1;
  const now = new Date(context.world.now()).toISOString();
  const pull: FakePull = {
    id: context.world.nextId(),
    number,
    title: body.title,
    body: body.body ?? null,
    state: 'open',
    draft: body.draft ?? false,
    head,
    base: body.base,
    user: appBotAccount(context.world.app),
    createdAt: now,
    updatedAt: now,
  };
  repo.pulls.push(pull);
  return { status: 201, body: pullFull(context.world, repo, pull) };
}

function getPull(context: RouteContext) {
  const found = findPull(context, 'pull_number');
  return found ? { status: 200, body: pullFull(context.world, found.repo, found.pull) } : notFound();
}

function updatePull(context: RouteContext) {
  const found = findPull(context, 'pull_number');
  if (!found) return notFound();
  const patch = (context.body ?? {}) as {
    title?: string;
    body?: string;
    state?: 'open' | 'closed';
    base?: string;
  };
  if (patch.base !== undefined && !found.repo.refs.has(`refs/heads/${patch.base}`)) {
    return unprocessable('Validation Failed', [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
  }
  Object.assign(found.pull, {
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.body !== undefined ? { body: patch.body } : {}),
    ...(patch.state !== undefined ? { state: patch.state } : {}),
    ...(patch.base !== undefined ? { base: patch.base } : {}),
    updatedAt: new Date(context.world.now()).toISOString(),
  });
  return { status: 200, body: pullFull(context.world, found.repo, found.pull) };
}

export const PULL_ROUTES: Record<string, RouteHandler> = {
  'pulls/list': listPulls,
  'pulls/create': createPull,
  'pulls/get': getPull,
  'pulls/update': updatePull,
};
