import { execFileSync } from 'node:child_process';
import type { FakeRepo } from '../github/fake-github-server.ts';

/**
 * Makes a fake GitHub repository show what a real git remote holds: every branch ref, and each
 * commit it reaches (message, first parent, text files), in the fake's commit model. Called after
 * seeding and from the git server's `onPush`, so a branch the runner pushed exists for
 * `POST /pulls`, and the contents API serves what was pushed.
 */
export function syncFakeRepo(fake: FakeRepo, bareDir: string): void {
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd: bareDir, encoding: 'utf8', maxBuffer: 64 << 20 });
  const refs = git(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads'])
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ') as [string, string]);
  for (const [, tip] of refs) {
    for (const sha of git(['rev-list', '--reverse', tip]).split('\n').filter(Boolean)) {
      if (fake.commits.has(sha)) continue;
      const parent = git(['rev-list', '--parents', '-n', '1', sha]).trim().split(' ')[1];
      const files = new Map<string, string>();
      for (const file of git(['ls-tree', '-r', '--name-only', sha]).split('\n').filter(Boolean)) {
        files.set(file, git(['show', `${sha}:${file}`]));
      }
      fake.commits.set(sha, { sha, parent, message: git(['log', '-1', '--format=%B', sha]).trim(), files });
    }
  }
  for (const ref of [...fake.refs.keys()]) if (ref.startsWith('refs/heads/')) fake.refs.delete(ref);
  for (const [name, sha] of refs) fake.refs.set(name, sha);
}
