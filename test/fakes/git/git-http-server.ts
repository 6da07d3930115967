import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A git remote served over HTTP on 127.0.0.1 by git's own `git http-backend` (the CGI program
 * behind GitHub-style smart HTTP: https://git-scm.com/docs/git-http-backend), so clone, fetch and
 * push in tests and the demo are real git. Repositories live as bare repos under a temp root at
 * `/<owner>/<repo>.git`. With `authenticate`, every request needs HTTP Basic credentials (GitHub
 * takes `x-access-token:<installation token>`), and a refused or missing one gets 401 like GitHub.
 * `onPush` runs after each successful push, before git sees the answer — so a fake GitHub can
 * learn the new refs before the pusher's next API call.
 */
export interface GitServer {
  /** Base URL; a repository's clone URL is `${url}/${owner}/${repo}.git`. */
  readonly url: string;
  readonly root: string;
  /** Creates a bare repository with one commit of `files` on `defaultBranch`; returns its path. */
  createRepo(input: {
    owner: string;
    repo: string;
    defaultBranch?: string;
    files: Record<string, string>;
  }): string;
  /** The bare repository's path. */
  repoPath(owner: string, repo: string): string;
  /** Runs git in the bare repository and returns stdout (inspection in tests). */
  git(owner: string, repo: string, args: string[]): string;
  close(): Promise<void>;
}

export interface GitServerOptions {
  authenticate?: (input: { owner: string; repo: string; user: string; password: string }) => Promise<boolean>;
  onPush?: (input: { owner: string; repo: string; bareDir: string }) => Promise<void> | void;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Fixture',
  GIT_AUTHOR_EMAIL: 'fixture@example.com',
  GIT_COMMITTER_NAME: 'Fixture',
  GIT_COMMITTER_EMAIL: 'fixture@example.com',
};

export async function startGitServer(options: GitServerOptions = {}): Promise<GitServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-git-'));
  const repoPath = (owner: string, repo: string) => path.join(root, owner, `${repo}.git`);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/([\w.-]+)\/([\w.-]+?)\.git(\/.*)$/.exec(url.pathname);
    if (!match || !fs.existsSync(repoPath(match[1] ?? '', match[2] ?? ''))) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Repository not found.\n');
      return;
    }
    const [, owner = '', repo = ''] = match;
    let user = '';
    if (options.authenticate) {
      const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const [name = '', password = ''] = basic
        ? Buffer.from(basic, 'base64').toString('utf8').split(/:(.*)/s)
        : [];
      if (!basic || !(await options.authenticate({ owner, repo, user: name, password }))) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
        res.end('Invalid username or token. Password authentication is not supported for Git operations.\n');
        return;
      }
      user = name;
    }
    const body = await readBody(req);
    const cgi = await runBackend(root, req, url, user, body);
    const pushed = url.pathname.endsWith('/git-receive-pack') && cgi.status === 200;
    if (pushed) await options.onPush?.({ owner, repo, bareDir: repoPath(owner, repo) });
    res.writeHead(cgi.status, cgi.headers);
    res.end(cgi.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`git server failed: ${String(error)}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    root,
    repoPath,
    git: (owner, repo, args) => execFileSync('git', args, { cwd: repoPath(owner, repo), encoding: 'utf8' }),
    createRepo({ owner, repo, defaultBranch = 'main', files }) {
      const bare = repoPath(owner, repo);
      fs.mkdirSync(path.dirname(bare), { recursive: true });
      execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch', defaultBranch, bare]);
      // Pushes over HTTP need this (or an authenticated REMOTE_USER) for receive-pack.
      execFileSync('git', ['config', 'http.receivepack', 'true'], { cwd: bare });
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-seed-'));
      const run = (args: string[]) =>
        execFileSync('git', args, { cwd: work, env: { ...process.env, ...IDENTITY } });
      run(['init', '--quiet', '--initial-branch', defaultBranch]);
      for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
        fs.writeFileSync(path.join(work, file), content);
      }
      run(['add', '--all']);
      run(['commit', '--quiet', '-m', 'Initial commit']);
      run(['push', '--quiet', bare, `HEAD:refs/heads/${defaultBranch}`]);
      fs.rmSync(work, { recursive: true, force: true });
      return bare;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Runs `git http-backend` as a CGI program and splits its answer into status, headers and body. */
function runBackend(
  root: string,
  req: IncomingMessage,
  url: URL,
  user: string,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.replace(/^\?/, ''),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(body.length),
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: user,
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const all = Buffer.concat(out);
      const split = all.indexOf('\r\n\r\n');
      if (split === -1) {
        resolve({
          status: 500,
          headers: { 'content-type': 'text/plain' },
          body: Buffer.from(errors || 'no CGI answer'),
        });
        return;
      }
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of all.subarray(0, split).toString('utf8').split('\r\n')) {
        const [name = '', ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else if (name) headers[name.toLowerCase()] = value;
      }
      resolve({ status, headers, body: all.subarray(split + 4) });
    });
    // http-backend may answer and exit before reading the whole body (a GET, or a refused
    // push); the write then fails with EPIPE, which is not an error of the exchange.
    child.stdin.on('error', () => {});
    child.stdin.end(body);
  });
}
