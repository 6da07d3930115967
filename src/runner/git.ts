import { lastLines, runProcess, type ProcessUser } from './process.ts';

/**
 * The real git CLI. Two kinds of use (see remote.ts): git in the agent's checkout runs as the
 * agent user without any credential — the agent controls that repository's `.git/config` and
 * could make git run its commands — and the runner's own private clone, the only place git gets
 * the token. Authentication is an HTTP header in the environment of each git command
 * (`GIT_CONFIG_*`, scoped to the remote's origin), never in a remote URL or a config file.
 * GitHub accepts an installation token as Basic auth user `x-access-token`
 * (https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation#about-authentication-as-a-github-app-installation).
 */
export interface Git {
  /** Runs `git args` in the checkout; resolves with stdout. Throws `GitError` on a non-zero exit. */
  run(args: string[], options?: { allowFailure?: false }): Promise<string>;
  /** Like `run`, but resolves with the exit code and output instead of throwing. */
  tryRun(args: string[]): Promise<{ ok: boolean; output: string }>;
}

/** A git command failed; `message` quotes its last lines of output (secrets redacted by the log). */
export class GitError extends Error {
  override name = 'GitError';
  readonly output: string;
  constructor(args: string[], output: string, code: number | null) {
    super(`git ${args[0] ?? ''} failed (exit ${code ?? 'signal'}): ${lastLines(output, 12)}`);
    this.output = output;
  }
}

export interface GitOptions {
  /** Working directory of every command (the checkout, or its parent for `clone`). */
  dir: string;
  /** The remote URL, without credentials, and the token for it: the runner's own clone only. */
  auth?: { remoteUrl: string; token: string | undefined };
  /** Base environment (already free of secrets); the auth header is added per command. */
  env: Record<string, string>;
  /** Runs every command as this user (the agent user, for the checkout). */
  user?: ProcessUser;
  logFile?: string;
  /** A git command taking longer than this (ms) is stopped; default 10 minutes. */
  timeoutMs?: number;
}

/** Git for one checkout. */
export function createGit(options: GitOptions): Git {
  const env: Record<string, string> = {
    ...options.env,
    // Never wait for a password prompt in an unattended run.
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'echo',
    ...(options.auth ? authConfig(options.auth.remoteUrl, options.auth.token) : {}),
  };
  async function tryRun(args: string[]) {
    const result = await runProcess('git', args, {
      cwd: options.dir,
      env,
      user: options.user,
      timeoutMs: options.timeoutMs ?? 600_000,
      logFile: options.logFile,
      // Diffs and file lists are read from stdout whole (a few MB at most).
      tailChars: 5_000_000,
    });
    return { ok: result.code === 0, output: result.output, stdout: result.stdout, code: result.code };
  }
  return {
    async run(args) {
      const result = await tryRun(args);
      if (!result.ok) throw new GitError(args, result.output, result.code);
      return result.stdout;
    },
    tryRun: async (args) => {
      const { ok, output } = await tryRun(args);
      return { ok, output };
    },
  };
}

/**
 * `http.<origin>/.extraHeader` through git's environment-variable configuration (git ≥ 2.31),
 * so the header goes only to the remote's host, and nothing is written to disk.
 */
function authConfig(remoteUrl: string, token: string | undefined): Record<string, string> {
  if (!token || !/^https?:/i.test(remoteUrl)) return {};
  const origin = new URL(remoteUrl).origin;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${origin}/.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
}
