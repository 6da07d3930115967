import fs from 'node:fs';
import path from 'node:path';
import { runProcess, type ProcessUser } from '../process.ts';
import { untrustedEnv } from './agent-env.ts';

/**
 * Isolation of the agent by operating-system user. The runner holds the GitHub token, the
 * tracker key and the run tokens; Claude Code, everything it spawns, the repository's hooks and
 * git in the checkout run as a separate unprivileged user (`ai-agent` by default,
 * `AI_IMPLEMENT_AGENT_USER`). A process of another user cannot read the runner's
 * `/proc/<pid>/environ` or `mem`, nor `ps e` its environment, and the runner's own files (logs,
 * its private clone, the payload) are not theirs to read.
 *
 * Switching users needs root. As root the runner creates the user when it is missing
 * (`useradd --system`); as anyone else it cannot isolate the agent, and says so at start-up.
 *
 * Layout of the work directory (root-owned, 0711: others may pass through, not list):
 * - `repo/`       the checkout: the agent's;
 * - `agent-home/` the agent's and the hooks' HOME (Claude Code's `~/.claude` goes here): the agent's;
 * - `outbox/`     what the agent user hands back to the runner (the push bundle): the agent's;
 * - `runner/`     the runner's private clone, which holds the only copy of the push credentials' use: 0700;
 * - `logs/`       the runner's logs and transcripts: 0700.
 */
export interface Sandbox {
  /** The agent user; undefined when the runner cannot switch users (it is not root). */
  user: ProcessUser | undefined;
  /** HOME of the agent and the hooks. */
  home: string;
  /** The agent user's drop box for files the runner takes back. */
  outbox: string;
  /** The runner's private directory (its own clone). */
  private: string;
  /** The environment of hooks and of git in the checkout (see `untrustedEnv`). */
  env: Record<string, string>;
  /** Gives `dir` and everything in it to the agent user (nothing to do without a user switch). */
  handOver(dir: string): Promise<void>;
}

/** The agent user could not be set up; the message says what to do. */
export class SandboxError extends Error {
  override name = 'SandboxError';
}

/** Default agent user name; `AI_IMPLEMENT_AGENT_USER` overrides it. */
export const DEFAULT_AGENT_USER = 'ai-agent';

/** What the runner says at start-up when it cannot switch users. */
export function sameUserWarning(uid: number, userName: string): string {
  return (
    `the runner is not root (uid ${uid}), so the agent and the hooks run as this same user: ` +
    'they can read the runner’s environment and memory through /proc (the GitHub token, the ticket ' +
    `tracker key and the run tokens). Run the runner as root; it then starts them as the unprivileged user ${userName}`
  );
}

/**
 * Prepares the work directory's layout and, as root, the agent user. `warn` receives the
 * start-up warning when users cannot be switched, and names of `AI_IMPLEMENT_AGENT_ENV` that were
 * refused. Throws `SandboxError` when running as root but the agent user cannot be created or
 * reached.
 */
export async function prepareSandbox(options: {
  env: Record<string, string | undefined>;
  workdir: string;
  warn: (message: string) => void;
  /** This process's uid (tests). */
  uid?: number;
}): Promise<Sandbox> {
  const { workdir } = options;
  const uid = options.uid ?? process.getuid?.() ?? 0;
  const name = options.env.AI_IMPLEMENT_AGENT_USER?.trim() || DEFAULT_AGENT_USER;
  const user = uid === 0 ? await agentUser(name) : undefined;
  if (!user) options.warn(sameUserWarning(uid, name));

  const home = path.join(workdir, 'agent-home');
  const outbox = path.join(workdir, 'outbox');
  const privateDir = path.join(workdir, 'runner');
  fs.mkdirSync(workdir, { recursive: true });
  for (const dir of [home, outbox, privateDir]) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { mode: 0o700 });
  }
  const handOver = async (dir: string) => {
    if (!user) return;
    const result = await runProcess('chown', ['-R', `${user.uid}:${user.gid}`, dir], {
      cwd: workdir,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    if (result.code !== 0) throw new SandboxError(`could not give ${dir} to ${user.name}: ${result.output}`);
  };
  const { env, refused } = untrustedEnv(options.env, { home, user: user?.name });
  if (refused.length > 0) {
    options.warn(
      `AI_IMPLEMENT_AGENT_ENV names credentials, which never reach the agent: ${refused.join(', ')}`,
    );
  }
  if (user) {
    fs.chmodSync(workdir, 0o711);
    await handOver(home);
    await handOver(outbox);
    // The agent reaches its checkout only through the work directory and its parents.
    const probe = await runProcess('sh', ['-c', 'test -w "$0"', home], { cwd: '/', env, user });
    if (probe.code !== 0) {
      throw new SandboxError(
        `the agent user ${user.name} cannot reach ${workdir}: every directory above it must be ` +
          'passable by other users (chmod o+x), e.g. use a work directory under /tmp (AI_IMPLEMENT_WORKDIR)',
      );
    }
  }
  return { user, home, outbox, private: privateDir, env, handOver };
}

/** `name`'s uid and gid, creating it as a system user when it does not exist yet. */
async function agentUser(name: string): Promise<ProcessUser> {
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
  const lookup = async () => {
    const uid = await runProcess('id', ['-u', name], { cwd: '/', env });
    const gid = await runProcess('id', ['-g', name], { cwd: '/', env });
    return uid.code === 0 && gid.code === 0
      ? { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
      : undefined;
  };
  let user = await lookup();
  if (!user) {
    // A parallel run may create it at the same moment (useradd exits 9): look again either way.
    const created = await runProcess(
      'useradd',
      [
        '--system',
        '--user-group',
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        name,
      ],
      { cwd: '/', env },
    ).catch((error: Error) => ({ code: -1, output: error.message }));
    user = await lookup();
    if (!user) {
      throw new SandboxError(
        `could not create the agent user ${name} (useradd: ${created.output.trim() || `exit ${created.code}`}); ` +
          'create an unprivileged user and name it in AI_IMPLEMENT_AGENT_USER',
      );
    }
  }
  if (user.uid === 0 || user.gid === 0) {
    throw new SandboxError(
      `the agent user ${name} has uid or gid 0; AI_IMPLEMENT_AGENT_USER must name an unprivileged user`,
    );
  }
  return user;
}
