import { createHash } from 'node:crypto';

/**
 * Builders for the JSON objects GitHub answers with (simple-user, integration, installation,
 * repository, …), complete enough to pass the fixture's response schemas. API URLs point at the
 * fake (so a client that follows `url` reaches it); web URLs point at github.com like the real ones.
 */

export type JsonObject = Record<string, unknown>;

/** A fixed instant, so responses are stable; the schemas only ask for date-time strings. */
export const EPOCH = '2024-01-01T00:00:00Z';

const WEB = 'https://github.com';

export function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`fake:${prefix}:${id}`).toString('base64url')}`;
}

export interface FakeAccount {
  login: string;
  id: number;
  type: 'User' | 'Organization' | 'Bot';
}

/** `simple-user` (https://docs.github.com/rest/users/users). */
export function simpleUser(api: string, account: FakeAccount): JsonObject {
  const url = `${api}/users/${encodeURIComponent(account.login)}`;
  const isBot = account.type === 'Bot';
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(isBot ? 'BOT' : 'U', account.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: isBot ? `${WEB}/apps/${account.login.replace(/\[bot\]$/, '')}` : `${WEB}/${account.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: account.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export interface FakeAppInfo {
  id: number;
  slug: string;
  name: string;
  owner: FakeAccount;
  permissions: Record<string, string>;
  events: string[];
}

/** `integration`, what `GET /app` returns (https://docs.github.com/rest/apps/apps#get-the-authenticated-app). */
export function integration(api: string, app: FakeAppInfo, installationsCount: number): JsonObject {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId('A', app.id),
    client_id: `Iv1.${app.id.toString(16).padStart(16, '0')}`,
    owner: simpleUser(api, app.owner),
    name: app.name,
    description: null,
    external_url: `${WEB}/${app.owner.login}`,
    html_url: `${WEB}/apps/${app.slug}`,
    created_at: EPOCH,
    updated_at: EPOCH,
    permissions: app.permissions,
    events: app.events,
    installations_count: installationsCount,
  };
}

/** The bot account an app's installation tokens act as (`<slug>[bot]`). */
export function appBotAccount(app: FakeAppInfo): FakeAccount {
  // GitHub gives the bot user its own id; any stable number distinct from the app id will do.
  return { login: `${app.slug}[bot]`, id: 41_000_000 + app.id, type: 'Bot' };
}

export interface FakeInstallationInfo {
  id: number;
  account: FakeAccount;
  permissions: Record<string, string>;
  suspended: boolean;
}

/** `installation` (https://docs.github.com/rest/apps/apps#get-a-repository-installation-for-the-authenticated-app). */
export function installation(api: string, app: FakeAppInfo, inst: FakeInstallationInfo): JsonObject {
  return {
    id: inst.id,
    account: simpleUser(api, inst.account),
    repository_selection: 'selected',
    access_tokens_url: `${api}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${api}/installation/repositories`,
    html_url: `${WEB}/organizations/${inst.account.login}/settings/installations/${inst.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: inst.account.id,
    target_type: inst.account.type,
    permissions: inst.permissions,
    events: app.events,
    created_at: EPOCH,
    updated_at: EPOCH,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: inst.suspended ? simpleUser(api, inst.account) : null,
    suspended_at: inst.suspended ? EPOCH : null,
  };
}

export interface FakeRepoInfo {
  id: number;
  owner: FakeAccount;
  name: string;
  defaultBranch: string;
  private: boolean;
}

const REPO_URL_SUFFIXES: Record<string, string> = {
  archive_url: '/{archive_format}{/ref}',
  assignees_url: '/assignees{/user}',
  blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}',
  collaborators_url: '/collaborators{/collaborator}',
  comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}',
  compare_url: '/compare/{base}...{head}',
  contents_url: '/contents/{+path}',
  contributors_url: '/contributors',
  deployments_url: '/deployments',
  downloads_url: '/downloads',
  events_url: '/events',
  forks_url: '/forks',
  git_commits_url: '/git/commits{/sha}',
  git_refs_url: '/git/refs{/sha}',
  git_tags_url: '/git/tags{/sha}',
  hooks_url: '/hooks',
  issue_comment_url: '/issues/comments{/number}',
  issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}',
  keys_url: '/keys{/key_id}',
  labels_url: '/labels{/name}',
  languages_url: '/languages',
  merges_url: '/merges',
  milestones_url: '/milestones{/number}',
  notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}',
  releases_url: '/releases{/id}',
  stargazers_url: '/stargazers',
  statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers',
  subscription_url: '/subscription',
  tags_url: '/tags',
  teams_url: '/teams',
  trees_url: '/git/trees{/sha}',
};

/** `repository`, as embedded in pull requests' `head.repo` / `base.repo`. */
export function repository(api: string, repo: FakeRepoInfo): JsonObject {
  const fullName = `${repo.owner.login}/${repo.name}`;
  const url = `${api}/repos/${fullName}`;
  const urls = Object.fromEntries(
    Object.entries(REPO_URL_SUFFIXES).map(([key, suffix]) => [key, url + suffix]),
  );
  return {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name: repo.name,
    full_name: fullName,
    owner: simpleUser(api, repo.owner),
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    html_url: `${WEB}/${fullName}`,
    description: null,
    fork: false,
    url,
    ...urls,
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `${WEB}/${fullName}.git`,
    svn_url: `${WEB}/${fullName}`,
    mirror_url: null,
    homepage: null,
    language: null,
    license: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    open_issues: 0,
    open_issues_count: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    topics: [],
    is_template: false,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    pushed_at: EPOCH,
    created_at: EPOCH,
    updated_at: EPOCH,
    allow_forking: true,
    web_commit_signoff_required: false,
  };
}

/** `full-repository`, what `GET /repos/{owner}/{repo}` returns (https://docs.github.com/rest/repos/repos#get-a-repository). */
export function fullRepository(api: string, repo: FakeRepoInfo): JsonObject {
  return {
    ...repository(api, repo),
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    allow_merge_commit: true,
    allow_squash_merge: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    network_count: 0,
    subscribers_count: 0,
  };
}

/** `label` (https://docs.github.com/rest/issues/labels). */
export function label(api: string, repo: FakeRepoInfo, name: string): JsonObject {
  // Stable per name, as GitHub's label ids are per repository label.
  const id = parseInt(createHash('sha1').update(`${repo.id}:${name}`).digest('hex').slice(0, 8), 16);
  return {
    id,
    node_id: nodeId('LA', id),
    url: `${api}/repos/${repo.owner.login}/${repo.name}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: 'ededed',
    default: false,
  };
}

/** GitHub's error body (`basic-error`); 422s may add `errors` (`validation-error`). */
export function errorBody(status: number, message: string, errors?: JsonObject[]): JsonObject {
  return {
    message,
    documentation_url: 'https://docs.github.com/rest',
    status: String(status),
    ...(errors ? { errors } : {}),
  };
}
