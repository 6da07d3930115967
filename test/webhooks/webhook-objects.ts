import { createHash } from 'node:crypto';

/**
 * The objects GitHub webhook payloads are made of (users, repositories, pull requests, Apps), in
 * GitHub's shapes, for webhook-payloads.ts. URL fields follow GitHub's examples in
 * https://docs.github.com/webhooks/webhook-events-and-payloads.
 */

export type Json = Record<string, unknown>;

export interface Account {
  login: string;
  /** `User`, `Bot` or `Organization`. */
  type?: 'User' | 'Bot' | 'Organization';
}

/** The pull request a payload is about. */
export interface PullRequestFacts {
  owner: string;
  repo: string;
  number: number;
  headRef: string;
  headSha: string;
  baseRef?: string;
  /** Who opened it; the App's bot by default. */
  author?: Account;
  state?: 'open' | 'closed';
  merged?: boolean;
  title?: string;
}

export const API = 'https://api.github.com';
export const EPOCH = '2026-11-21T08:00:00Z';

export function idOf(text: string): number {
  return parseInt(createHash('sha1').update(text).digest('hex').slice(0, 7), 16);
}

export function user(account: Account): Json {
  const { login } = account;
  const url = `${API}/users/${encodeURIComponent(login)}`;
  const type = account.type ?? (/\[bot\]$/.test(login) ? 'Bot' : 'User');
  // A bot user's page is its App's page: https://github.com/apps/<slug>.
  const html =
    type === 'Bot'
      ? `https://github.com/apps/${login.replace(/\[bot\]$/, '')}`
      : `https://github.com/${login}`;
  return {
    login,
    id: idOf(login),
    node_id: `U_${idOf(login)}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${idOf(login)}?v=4`,
    gravatar_id: '',
    url,
    html_url: html,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    site_admin: false,
  };
}

export function repository(owner: string, name: string): Json {
  const full = `${owner}/${name}`;
  const url = `${API}/repos/${full}`;
  return {
    id: idOf(full),
    node_id: `R_${idOf(full)}`,
    name,
    full_name: full,
    private: true,
    owner: user({ login: owner, type: 'Organization' }),
    html_url: `https://github.com/${full}`,
    description: null,
    fork: false,
    url,
    forks_url: `${url}/forks`,
    keys_url: `${url}/keys{/key_id}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    teams_url: `${url}/teams`,
    hooks_url: `${url}/hooks`,
    issue_events_url: `${url}/issues/events{/number}`,
    events_url: `${url}/events`,
    assignees_url: `${url}/assignees{/user}`,
    branches_url: `${url}/branches{/branch}`,
    tags_url: `${url}/tags`,
    blobs_url: `${url}/git/blobs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    trees_url: `${url}/git/trees{/sha}`,
    statuses_url: `${url}/statuses/{sha}`,
    languages_url: `${url}/languages`,
    stargazers_url: `${url}/stargazers`,
    contributors_url: `${url}/contributors`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    commits_url: `${url}/commits{/sha}`,
    git_commits_url: `${url}/git/commits{/sha}`,
    comments_url: `${url}/comments{/number}`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    contents_url: `${url}/contents/{+path}`,
    compare_url: `${url}/compare/{base}...{head}`,
    merges_url: `${url}/merges`,
    archive_url: `${url}/{archive_format}{/ref}`,
    downloads_url: `${url}/downloads`,
    issues_url: `${url}/issues{/number}`,
    pulls_url: `${url}/pulls{/number}`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    labels_url: `${url}/labels{/name}`,
    releases_url: `${url}/releases{/id}`,
    deployments_url: `${url}/deployments`,
    created_at: EPOCH,
    updated_at: EPOCH,
    pushed_at: EPOCH,
    git_url: `git://github.com/${full}.git`,
    ssh_url: `git@github.com:${full}.git`,
    clone_url: `https://github.com/${full}.git`,
    svn_url: `https://github.com/${full}`,
    homepage: null,
    size: 1,
    stargazers_count: 0,
    watchers_count: 0,
    language: 'TypeScript',
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: 1,
    license: null,
    allow_forking: false,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: 'private',
    forks: 0,
    open_issues: 1,
    watchers: 0,
    default_branch: 'main',
  };
}

export function installation(): Json {
  return { id: 77, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=' };
}

function branchEnd(pr: PullRequestFacts, ref: string, sha: string): Json {
  return {
    label: `${pr.owner}:${ref}`,
    ref,
    sha,
    user: user({ login: pr.owner, type: 'Organization' }),
    repo: repository(pr.owner, pr.repo),
  };
}

/** The `pull_request` object common to the pull_request_review* events. */
export function pullRequest(pr: PullRequestFacts): Json {
  const full = `${pr.owner}/${pr.repo}`;
  const url = `${API}/repos/${full}/pulls/${pr.number}`;
  const html = `https://github.com/${full}/pull/${pr.number}`;
  const issue = `${API}/repos/${full}/issues/${pr.number}`;
  const statuses = `${API}/repos/${full}/statuses/${pr.headSha}`;
  const closed = pr.state === 'closed';
  return {
    url,
    id: idOf(`${full}#${pr.number}`),
    node_id: `PR_${idOf(`${full}#${pr.number}`)}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    number: pr.number,
    state: pr.state ?? 'open',
    locked: false,
    title: pr.title ?? 'ENG-1: Export users',
    user: user(pr.author ?? { login: 'ai-implement[bot]' }),
    body: 'Fixes ENG-1',
    created_at: EPOCH,
    updated_at: EPOCH,
    closed_at: closed ? EPOCH : null,
    merged_at: pr.merged ? EPOCH : null,
    merge_commit_sha: pr.merged ? 'f'.repeat(40) : null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    draft: false,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${API}/repos/${full}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: statuses,
    head: branchEnd(pr, pr.headRef, pr.headSha),
    base: branchEnd(pr, pr.baseRef ?? 'main', 'b'.repeat(40)),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${API}/repos/${full}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: statuses },
    },
    author_association: 'NONE',
    auto_merge: null,
    active_lock_reason: null,
  };
}

/** The full `pull-request-webhook` object of `pull_request` events. */
export function pullRequestFull(pr: PullRequestFacts): Json {
  return {
    ...pullRequest(pr),
    merged: pr.merged ?? false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: pr.merged ? user({ login: 'alice' }) : null,
    comments: 1,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 10,
    deletions: 2,
    changed_files: 1,
  };
}

export function reactions(url: string): Json {
  return {
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
}

export function githubApp(id: number): Json {
  return {
    id,
    slug: 'ai-implement',
    node_id: `A_${id}`,
    owner: user({ login: 'ai-implement-org', type: 'Organization' }),
    name: 'AI-Implement',
    description: null,
    external_url: 'https://ai-implement.test',
    html_url: 'https://github.com/apps/ai-implement',
    created_at: EPOCH,
    updated_at: EPOCH,
    permissions: { contents: 'write', pull_requests: 'write', issues: 'write', actions: 'write' },
    events: ['issue_comment', 'pull_request', 'pull_request_review'],
  };
}
