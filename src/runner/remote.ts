import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Sandbox } from './agent/sandbox.ts';
import { openRegularFile } from './checkout-file.ts';
import { createGit, type Git } from './git.ts';

/**
 * The remote repository, as only the runner touches it. The token is used by git in the runner's
 * private bare clone (`<workdir>/runner/origin.git`, 0700) and nowhere else: the agent's checkout
 * is cloned from that private clone without credentials, and its work comes back as a git bundle
 * (plain data the runner's git verifies) rather than by running git with the token in a
 * repository whose `.git/config`, hooks and files the agent controls — a config there can make
 * git run commands, send the Authorization header through a proxy, or write through symlinks.
 */
export interface Remote {
  /** Clones the remote into the private clone, then `checkout` from it; hands `checkout` to the agent user. */
  clone(checkout: string): Promise<void>;
  /**
   * Publishes commit `sha` of the agent's checkout as `branch` on the remote (never forced):
   * the agent user bundles `HEAD` since `since` (a commit the remote has), the runner fetches
   * the bundle into its private clone, checks the tip is `sha`, and pushes. Throws `GitError`
   * with the remote's answer when the push is refused.
   */
  push(checkout: Git, options: { branch: string; sha: string; since: string }): Promise<void>;
}

export function createRemote(options: {
  url: string;
  token: string | undefined;
  sandbox: Sandbox;
  logFile: string;
}): Remote {
  const { sandbox } = options;
  const bare = path.join(sandbox.private, 'origin.git');
  // The runner's git never reads the agent's HOME (a ~/.gitconfig the agent wrote).
  const env: Record<string, string> = { ...sandbox.env, HOME: sandbox.private };
  delete env.USER;
  delete env.LOGNAME;
  const runnerGit = (dir: string) =>
    createGit({ dir, env, auth: { remoteUrl: options.url, token: options.token }, logFile: options.logFile });

  return {
    async clone(checkout) {
      fs.rmSync(bare, { recursive: true, force: true });
      fs.rmSync(checkout, { recursive: true, force: true });
      await runnerGit(sandbox.private).run(['clone', '--bare', '--no-tags', '--quiet', options.url, bare]);
      // Copies, not hard links: the checkout's files become the agent user's.
      await runnerGit(sandbox.private).run([
        'clone',
        '--no-hardlinks',
        '--no-tags',
        '--quiet',
        bare,
        checkout,
      ]);
      await runnerGit(checkout).run(['remote', 'set-url', 'origin', options.url]);
      await sandbox.handOver(checkout);
    },

    async push(checkout, { branch, sha, since }) {
      const handed = path.join(sandbox.outbox, 'push.bundle');
      const bundle = path.join(sandbox.private, 'push.bundle');
      fs.rmSync(handed, { force: true });
      await checkout.run(['bundle', 'create', '--quiet', handed, 'HEAD', `^${since}`]);
      await copyRegularFile(handed, bundle);
      const git = runnerGit(bare);
      await git.run(['fetch', '--quiet', '--no-tags', bundle, '+HEAD:refs/ai-implement/push']);
      const tip = (await git.run(['rev-parse', 'refs/ai-implement/push'])).trim();
      if (tip !== sha) throw new Error(`the bundle from the checkout holds ${tip}, not the commit ${sha}`);
      await git.run(['push', '--quiet', 'origin', `${sha}:refs/heads/${branch}`]);
      fs.rmSync(bundle, { force: true });
    },
  };
}

/**
 * Copies a file the agent user wrote into the runner's private directory, refusing anything but
 * a regular file (a symlink to a root-only file, a FIFO that would block).
 */
async function copyRegularFile(from: string, to: string): Promise<void> {
  const fd = openRegularFile(from);
  if (fd === undefined) throw new Error(`${from} was not written`);
  try {
    await pipeline(
      fs.createReadStream('', { fd, autoClose: false }),
      fs.createWriteStream(to, { mode: 0o600 }),
    );
  } finally {
    fs.closeSync(fd);
  }
}
