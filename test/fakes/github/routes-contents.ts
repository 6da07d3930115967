import { blobSha, type FakeCommit, type FakeRepo } from './fake-repo.ts';
import { EPOCH, errorBody, nodeId, type JsonObject } from './github-objects.ts';
import { notFound, unprocessable, visibleRepo, type RouteContext, type RouteHandler } from './fake-world.ts';

/**
 * Repository contents (https://docs.github.com/rest/repos/contents) and git references
 * (https://docs.github.com/rest/git/refs): what template sync needs to branch, commit files
 * and move refs.
 */

function entry(
  api: string,
  repo: FakeRepo,
  ref: string,
  path: string,
  type: 'file' | 'dir',
  content?: string,
): JsonObject {
  const full = `${repo.owner.login}/${repo.name}`;
  const sha = content === undefined ? blobSha(`tree:${path}`) : blobSha(content);
  const self = `${api}/repos/${full}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${api}/repos/${full}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`;
  const html = `https://github.com/${full}/${type === 'file' ? 'blob' : 'tree'}/${ref}/${path}`;
  return {
    type,
    name: path.split('/').pop() ?? path,
    path,
    sha,
    size: content === undefined ? 0 : Buffer.byteLength(content),
    url: self,
    git_url: git,
    html_url: html,
    download_url: type === 'file' ? `https://raw.githubusercontent.com/${full}/${ref}/${path}` : null,
    _links: { self, git, html },
  };
}

/** GitHub wraps base64 content at 60 characters per line. */
function base64Lines(content: string): string {
  return (
    (
      Buffer.from(content, 'utf8')
        .toString('base64')
        .match(/.{1,60}/g) ?? []
    ).join('\n') + '\n'
  );
}

function getContent(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const ref = context.query.ref ?? repo.defaultBranch;
  const commit = repo.resolve(ref);
  const path = (context.params.path ?? '').replace(/^\/+|\/+$/g, '');
  if (!commit) return { status: 404, body: errorBody(404, `No commit found for the ref ${ref}`) };
  const api = context.world.api;
  const content = commit.files.get(path);
  if (content !== undefined) {
    return {
      status: 200,
      body: {
        ...entry(api, repo, ref, path, 'file', content),
        content: base64Lines(content),
        encoding: 'base64',
      },
    };
  }
  const prefix = path === '' ? '' : `${path}/`;
  const children = new Map<string, 'file' | 'dir'>();
  for (const file of commit.files.keys()) {
    if (!file.startsWith(prefix)) continue;
    const [name, ...rest] = file.slice(prefix.length).split('/');
    if (name) children.set(name, rest.length > 0 ? 'dir' : 'file');
  }
  if (children.size === 0) return notFound();
  const listing = [...children]
    .sort()
    .map(([name, type]) => entry(api, repo, ref, prefix + name, type, commit.files.get(prefix + name)));
  return { status: 200, body: listing };
}

function commitObject(api: string, repo: FakeRepo, commit: FakeCommit): JsonObject {
  const full = `${repo.owner.login}/${repo.name}`;
  const person = { name: 'AI-Implement', email: 'ai-implement@users.noreply.github.com', date: EPOCH };
  return {
    sha: commit.sha,
    node_id: nodeId('C', parseInt(commit.sha.slice(0, 8), 16)),
    url: `${api}/repos/${full}/git/commits/${commit.sha}`,
    html_url: `https://github.com/${full}/commit/${commit.sha}`,
    author: person,
    committer: person,
    message: commit.message,
    tree: { url: `${api}/repos/${full}/git/trees/${commit.sha}`, sha: commit.sha },
    parents: commit.parent
      ? [
          {
            url: `${api}/repos/${full}/git/commits/${commit.parent}`,
            html_url: `https://github.com/${full}/commit/${commit.parent}`,
            sha: commit.parent,
          },
        ]
      : [],
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

function putContent(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const body = context.body as { message: string; content: string; sha?: string; branch?: string };
  const branch = body.branch ?? repo.defaultBranch;
  const path = context.params.path ?? '';
  if (!repo.refs.has(`refs/heads/${branch}`))
    return { status: 404, body: errorBody(404, `Branch ${branch} not found`) };
  const current = repo.readFile(branch, path);
  if (current !== undefined && body.sha === undefined)
    return unprocessable('Invalid request.\n\n"sha" wasn\'t supplied.');
  if (current !== undefined && body.sha !== blobSha(current)) {
    return { status: 409, body: errorBody(409, `${path} does not match ${body.sha ?? ''}`) };
  }
  const text = Buffer.from(body.content, 'base64').toString('utf8');
  const commit = repo.writeFile(branch, path, text, body.message);
  const api = context.world.api;
  return {
    status: current === undefined ? 201 : 200,
    body: { content: entry(api, repo, branch, path, 'file', text), commit: commitObject(api, repo, commit) },
  };
}

function gitRef(api: string, repo: FakeRepo, ref: string, sha: string): JsonObject {
  const full = `${repo.owner.login}/${repo.name}`;
  return {
    ref,
    node_id: nodeId('REF', parseInt(sha.slice(0, 8), 16)),
    url: `${api}/repos/${full}/git/${ref}`,
    object: { type: 'commit', sha, url: `${api}/repos/${full}/git/commits/${sha}` },
  };
}

function getRef(context: RouteContext) {
  const repo = visibleRepo(context);
  const ref = `refs/${context.params.ref ?? ''}`;
  const sha = repo?.refs.get(ref);
  if (!repo || !sha) return notFound();
  return { status: 200, body: gitRef(context.world.api, repo, ref, sha) };
}

function createRef(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const { ref, sha } = context.body as { ref: string; sha: string };
  if (!/^refs\/[^/]+\/.+/.test(ref)) return unprocessable(`${ref} is not a valid ref name.`);
  if (repo.refs.has(ref)) return unprocessable('Reference already exists');
  if (!repo.commits.has(sha)) return unprocessable('Object does not exist');
  repo.refs.set(ref, sha);
  return { status: 201, body: gitRef(context.world.api, repo, ref, sha) };
}

function isAncestor(repo: FakeRepo, ancestor: string, sha: string): boolean {
  for (let at = repo.commits.get(sha); at; at = at.parent ? repo.commits.get(at.parent) : undefined) {
    if (at.sha === ancestor) return true;
  }
  return false;
}

function updateRef(context: RouteContext) {
  const repo = visibleRepo(context);
  if (!repo) return notFound();
  const ref = `refs/${context.params.ref ?? ''}`;
  const { sha, force } = context.body as { sha: string; force?: boolean };
  const current = repo.refs.get(ref);
  if (!current) return unprocessable('Reference does not exist');
  if (!repo.commits.has(sha)) return unprocessable('Object does not exist');
  if (!force && !isAncestor(repo, current, sha)) return unprocessable('Update is not a fast forward');
  repo.refs.set(ref, sha);
  return { status: 200, body: gitRef(context.world.api, repo, ref, sha) };
}

export const CONTENTS_ROUTES: Record<string, RouteHandler> = {
  'repos/get-content': getContent,
  'repos/create-or-update-file-contents': putContent,
  'git/get-ref': getRef,
  'git/create-ref': createRef,
  'git/update-ref': updateRef,
};
