import type { FakeIssue, FakeRepo } from './fake-repo.ts';
import { label, nodeId, simpleUser, errorBody, type JsonObject } from './github-objects.ts';
import { notFound, visibleRepo, type FakeWorld, type RouteContext, type RouteHandler } from './fake-world.ts';

/**
 * Plain issues, for GitHub Issues as a tracker: get and close an issue
 * (https://docs.github.com/rest/issues/issues), remove a label and create a repository label
 * (https://docs.github.com/rest/issues/labels), list "blocked by" dependencies
 * (https://docs.github.com/rest/issues/issue-dependencies).
 */

/** The repository label matching `name` case-insensitively, as GitHub matches label names. */
export function repoLabel(repo: FakeRepo, name: string): string | undefined {
  return repo.repoLabels.find((l) => l.toLowerCase() === name.toLowerCase());
}

/** Adds label names to an issue or pull, creating missing repository labels (as GitHub does). */
export function addIssueLabels(repo: FakeRepo, number: number, names: string[]): string[] {
  const current = repo.labels.get(number) ?? [];
  for (const name of names) {
    let existing = repoLabel(repo, name);
    if (!existing) {
      repo.repoLabels.push(name);
      existing = name;
    }
    if (!current.includes(existing)) current.push(existing);
  }
  repo.labels.set(number, current);
  return current;
}

/** The REST `issue` object. */
export function issueJson(world: FakeWorld, repo: FakeRepo, issue: FakeIssue): JsonObject {
  const full = `${repo.owner.login}/${repo.name}`;
  const url = `${world.api}/repos/${full}/issues/${issue.number}`;
  return {
    id: issue.id,
    node_id: nodeId('I', issue.id),
    url,
    repository_url: `${world.api}/repos/${full}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `https://github.com/${full}/issues/${issue.number}`,
    number: issue.number,
    state: issue.state,
    // Omitted rather than null: the description's enum (nullable, without null) refuses null.
    ...(issue.stateReason ? { state_reason: issue.stateReason } : {}),
    title: issue.title,
    body: issue.body,
    user: simpleUser(world.api, issue.user),
    labels: (repo.labels.get(issue.number) ?? []).map((name) => label(world.api, repo, name)),
    assignee: null,
    milestone: null,
    locked: false,
    comments: repo.comments.filter((c) => c.issueNumber === issue.number).length,
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
  };
}

export function findIssue(context: RouteContext) {
  const repo = visibleRepo(context);
  const issue = repo?.issues.find((i) => String(i.number) === context.params.issue_number);
  return repo && issue ? { repo, issue } : undefined;
}

function getIssue(context: RouteContext) {
  const found = findIssue(context);
  return found ? { status: 200, body: issueJson(context.world, found.repo, found.issue) } : notFound();
}

function updateIssue(context: RouteContext) {
  const found = findIssue(context);
  if (!found) return notFound();
  const body = context.body as { state?: 'open' | 'closed'; state_reason?: FakeIssue['stateReason'] };
  const { issue } = found;
  const now = new Date(context.world.now()).toISOString();
  if (body.state === 'closed') {
    issue.state = 'closed';
    issue.stateReason = body.state_reason === 'not_planned' ? 'not_planned' : 'completed';
    issue.closedAt = now;
  } else if (body.state === 'open') {
    issue.state = 'open';
    issue.stateReason = 'reopened';
    issue.closedAt = null;
  }
  issue.updatedAt = now;
  return { status: 200, body: issueJson(context.world, found.repo, issue) };
}

function removeLabel(context: RouteContext) {
  const repo = visibleRepo(context);
  const number = Number(context.params.issue_number);
  if (!repo || !repo.issues.some((i) => i.number === number)) return notFound();
  const current = repo.labels.get(number) ?? [];
  const name = (context.params.name ?? '').toLowerCase();
  if (!current.some((l) => l.toLowerCase() === name)) {
    return { status: 404, body: errorBody(404, 'Label does not exist') };
  }
  const next = current.filter((l) => l.toLowerCase() !== name);
  repo.labels.set(number, next);
  return { status: 200, body: next.map((l) => label(context.world.api, repo, l)) };
}

function createLabel(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const name = (context.body as { name: string }).name;
  if (repoLabel(repo, name)) {
    return {
      status: 422,
      body: errorBody(422, 'Validation Failed', [
        { resource: 'Label', code: 'already_exists', field: 'name' },
      ]),
    };
  }
  repo.repoLabels.push(name);
  return { status: 201, body: label(context.world.api, repo, name) };
}

function listBlockedBy(context: RouteContext) {
  const found = findIssue(context);
  if (!found) return notFound();
  const blockers = found.issue.blockedBy.flatMap((ref) => {
    const [full, number] = ref.split('#');
    const repo = context.world.repos.get(full ?? '');
    const issue = repo?.issues.find((i) => String(i.number) === number);
    return repo && issue ? [issueJson(context.world, repo, issue)] : [];
  });
  return { status: 200, body: blockers };
}

export const TRACKER_ISSUE_ROUTES: Record<string, RouteHandler> = {
  'issues/get': getIssue,
  'issues/update': updateIssue,
  'issues/remove-label': removeLabel,
  'issues/create-label': createLabel,
  'issues/list-dependencies-blocked-by': listBlockedBy,
};
