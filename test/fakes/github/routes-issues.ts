import type { FakeComment, FakeRepo } from './fake-repo.ts';
import { appBotAccount, integration, label, nodeId, simpleUser, type JsonObject } from './github-objects.ts';
import { notFound, visibleRepo, type FakeWorld, type RouteContext, type RouteHandler } from './fake-world.ts';
import { findPull } from './routes-pulls.ts';
import { addIssueLabels, findIssue } from './routes-tracker-issues.ts';

/**
 * Issue comments (https://docs.github.com/rest/issues/comments) and labels
 * (https://docs.github.com/rest/issues/labels#add-labels-to-an-issue) on the fake's pull
 * requests and plain issues (routes-tracker-issues.ts).
 */

/** The pull request or plain issue `issue_number` names, as its repository and number. */
function findIssueOrPull(context: RouteContext) {
  const pull = findPull(context, 'issue_number');
  if (pull) return { repo: pull.repo, number: pull.pull.number };
  const issue = findIssue(context);
  return issue ? { repo: issue.repo, number: issue.issue.number } : undefined;
}

function comment(world: FakeWorld, repo: FakeRepo, c: FakeComment): JsonObject {
  const full = `${repo.owner.login}/${repo.name}`;
  const url = `${world.api}/repos/${full}/issues/comments/${c.id}`;
  const reactions = {
    url: `${url}/reactions`,
    total_count: 0,
    '+1': 0,
    '-1': 0,
    laugh: 0,
    confused: 0,
    heart: 0,
    hooray: 0,
    eyes: 0,
    rocket: 0,
  };
  return {
    id: c.id,
    node_id: nodeId('IC', c.id),
    url,
    html_url: `https://github.com/${full}/${repo.issues.some((i) => i.number === c.issueNumber) ? 'issues' : 'pull'}/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body,
    user: simpleUser(world.api, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${world.api}/repos/${full}/issues/${c.issueNumber}`,
    author_association: c.viaApp ? 'NONE' : 'MEMBER',
    performed_via_github_app: c.viaApp ? integration(world.api, world.app, world.installations.size) : null,
    reactions,
  };
}

function listComments(context: RouteContext) {
  const found = findIssueOrPull(context);
  if (!found) return notFound();
  const items = found.repo.comments.filter((c) => c.issueNumber === found.number);
  return { status: 200, body: items.map((c) => comment(context.world, found.repo, c)) };
}

function createComment(context: RouteContext) {
  const found = findIssueOrPull(context);
  if (!found) return notFound();
  const now = new Date(context.world.now()).toISOString();
  const body = (context.body as { body: string }).body;
  const created: FakeComment = {
    id: context.world.nextId(),
    issueNumber: found.number,
    body,
    user: appBotAccount(context.world.app),
    viaApp: true,
    createdAt: now,
    updatedAt: now,
  };
  found.repo.comments.push(created);
  return { status: 201, body: comment(context.world, found.repo, created) };
}

function updateComment(context: RouteContext) {
  const repo = visibleRepo(context);
  const existing = repo?.comments.find((c) => String(c.id) === context.params.comment_id);
  if (!repo || !existing) return notFound();
  existing.body = (context.body as { body: string }).body;
  existing.updatedAt = new Date(context.world.now()).toISOString();
  return { status: 200, body: comment(context.world, repo, existing) };
}

function addLabels(context: RouteContext) {
  const found = findIssueOrPull(context);
  if (!found) return notFound();
  const raw = (context.body as { labels?: (string | { name: string })[] } | undefined)?.labels ?? [];
  const names = raw.map((l) => (typeof l === 'string' ? l : l.name));
  const next = addIssueLabels(found.repo, found.number, names);
  return { status: 200, body: next.map((name) => label(context.world.api, found.repo, name)) };
}

export const ISSUE_ROUTES: Record<string, RouteHandler> = {
  'issues/list-comments': listComments,
  'issues/create-comment': createComment,
  'issues/update-comment': updateComment,
  'issues/add-labels': addLabels,
};
