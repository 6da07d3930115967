import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLAUDE_KEY, startRunnerWorld, type RunnerWorld } from './support/runner-world.ts';
import { tempDir, writeScript } from './support/run-helpers.ts';
import { FAREWELL_FILES, TARGET_REPO_FILES, WORKFLOW_MD } from './support/target-repo.ts';

/**
 * The agent cannot reach the runner's keys. The runner runs as a real child process, as root (as
 * in CI), with the GitHub token, the Linear key and the payload's run tokens; the scripted agent
 * — and the verify hook — try every way a shell has to find them: the runner's
 * /proc/<pid>/environ and mem, every /proc/<pid>/environ, `ps e`, the payload file, the
 * checkout's .git/config and git's credential helper, the credential stores, `env`, and every
 * file of the work directory. None of it may show a secret, and the run must still push and open
 * its pull request.
 */
const RUNNER_CLI = path.resolve(import.meta.dirname, '../../src/runner/cli.ts');

/** What the agent (and the verify hook) run: each attempt's output goes to `$1/<name>.txt`. */
const PROBE = `#!/bin/sh
out=$1; payload=$2; workdir=$3; who=$4
exec > "$out/$who.txt" 2>&1
echo "== id"; id -u; id
agent=$PPID
runner=$agent
# Walk up to the runner: the first ancestor that is not ours.
while [ "$(ps -o uid= -p "$runner" | tr -d ' ')" = "$(id -u)" ]; do
  runner=$(ps -o ppid= -p "$runner" | tr -d ' ')
done
echo "== runner pid $runner uid $(ps -o uid= -p "$runner" | tr -d ' ')"
echo "== runner environ"; tr '\\0' '\\n' < "/proc/$runner/environ"
echo "== runner mem"; head -c 4096 "/proc/$runner/mem" | od -c | head -3
echo "== all environ"
for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < "$f" 2>/dev/null; done
echo "== ps e"; ps e -ww
echo "== ps axe"; ps axeww
echo "== payload"; cat "$payload"
echo "== .git/config"; cat .git/config; git config --list --show-origin
echo "== credential helper"
printf 'protocol=http\\nhost=127.0.0.1\\n\\n' | GIT_TERMINAL_PROMPT=0 git credential fill
echo "== credential stores"; cat ~/.git-credentials ~/.config/git/credentials ~/.gitconfig
echo "== env"; env
echo "== work directory"; ls -la "$workdir"
for f in logs/runner.log logs/git.log runner/origin.git/config runner/push.bundle; do cat "$workdir/$f"; done
ls -la "$workdir/logs" "$workdir/runner"
find "$workdir/repo" "$workdir/agent-home" "$workdir/outbox" -type f -exec cat {} + 2>&1
echo "== end"
`;

let world: RunnerWorld;
let dir: string;
let out: string;
let workdir: string;
let payloadFile: string;

beforeEach(async () => {
  dir = tempDir('isolation');
  out = path.join(dir, 'out');
  fs.mkdirSync(out, { mode: 0o777 });
  fs.chmodSync(out, 0o777);
  fs.writeFileSync(path.join(dir, 'probe.sh'), PROBE, { mode: 0o755 });
  // A trap for git: whoever runs git in the checkout after the agent armed it leaves its uid and
  // environment here. The runner's own git (with the token) must never be that someone.
  fs.writeFileSync(
    path.join(dir, 'trap.sh'),
    `#!/bin/sh\n{ id -u; env; } > ${out}/trap-$$.txt 2>&1\nexit 0\n`,
    {
      mode: 0o755,
    },
  );
  fs.mkdirSync(path.join(dir, 'hooks'));
  for (const hook of ['pre-commit', 'post-commit', 'pre-push', 'reference-transaction', 'post-checkout'])
    fs.symlinkSync(path.join(dir, 'trap.sh'), path.join(dir, 'hooks', hook));
  workdir = tempDir('isolation-run');
  // The payload sits where anyone may look, as carelessly as an operator might leave it.
  payloadFile = path.join(tempDir('isolation-payload'), 'payload.json');
  fs.chmodSync(path.dirname(payloadFile), 0o755);
  const probe = `sh ${dir}/probe.sh ${out} ${payloadFile} ${workdir}`;
  world = await startRunnerWorld({
    files: {
      ...TARGET_REPO_FILES,
      'WORKFLOW.md': WORKFLOW_MD.replace(
        'verify: node --test',
        `verify:\n  - ${probe} verify\n  - node --test`,
      ),
    },
  });
});
afterEach(async () => {
  await world.close();
  if (process.env.KEEP_PROBE) return;
  for (const root of [dir, workdir, path.dirname(payloadFile)])
    fs.rmSync(root, { recursive: true, force: true });
});

/** Runs the runner CLI as a child process of this (root) process; resolves with its exit code and output. */
function runRunnerProcess(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER_CLI, '--payload-file', payloadFile], {
      cwd: workdir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** The text of one section (`== name` up to the next `==`) of a probe's output. */
function section(text: string, name: string): string {
  const start = text.indexOf(`== ${name}`);
  if (start < 0) throw new Error(`the probe wrote no "${name}" section:\n${text.slice(0, 2000)}`);
  const end = text.indexOf('\n== ', start + 3);
  return text.slice(start, end < 0 ? undefined : end);
}

describe('the agent, run as another user', () => {
  it('finds none of the runner’s secrets, wherever it looks', async () => {
    expect(
      process.getuid?.(),
      'this test must run as root: it checks that the runner really switches the agent to another user (CI runs it as root)',
    ).toBe(0);
    const script = writeScript(dir, {
      rules: [
        { when: 'VERDICT: APPROVE', result: 'VERDICT: APPROVE' },
        { when: '## Gaps / Partial Implementation', result: '## Implemented\n\n- farewell' },
        {
          actions: [
            { run: `sh ${dir}/probe.sh ${out} ${payloadFile} ${workdir} agent` },
            { run: `git config core.fsmonitor ${dir}/trap.sh && git config core.hooksPath ${dir}/hooks` },
            { write: { path: 'src/farewell.js', content: FAREWELL_FILES['src/farewell.js'] } },
            { write: { path: 'test/farewell.test.js', content: FAREWELL_FILES['test/farewell.test.js'] } },
          ],
          result: 'Added farewell().',
        },
      ],
    });
    const payload = await world.dispatch('implementation');
    fs.writeFileSync(payloadFile, JSON.stringify(payload), { mode: 0o644 });
    const env = await world.runnerEnv(workdir, { CLAUDE_STAND_IN_SCRIPT: script });
    const run = await runRunnerProcess(env);
    expect(run.code, run.output).toBe(0);

    const token = env.GITHUB_TOKEN ?? '';
    const secrets = {
      githubToken: token,
      githubBasicAuth: Buffer.from(`x-access-token:${token}`).toString('base64'),
      resultToken: payload.callback!.resultToken,
      progressToken: payload.callback!.progressToken,
      linearKey: world.linear.apiKey,
    };
    for (const who of ['agent', 'verify']) {
      const probe = fs.readFileSync(path.join(out, `${who}.txt`), 'utf8');
      // It really ran as another user, the runner as root, and each attempt was made.
      expect(section(probe, 'id').split('\n')[1], `${who} uid`).not.toBe('0');
      expect(section(probe, 'runner pid'), who).toMatch(/uid 0$/m);
      expect(section(probe, 'runner environ'), who).toContain('Permission denied');
      expect(section(probe, 'runner mem'), who).toContain('Permission denied');
      expect(section(probe, 'payload'), who).toContain('Permission denied');
      expect(section(probe, 'ps axe'), who).toContain('PID');
      expect(section(probe, 'work directory'), who).toMatch(/logs\/runner\.log: Permission denied/);
      expect(section(probe, 'end'), who).toBeTruthy();
      for (const [name, value] of Object.entries(secrets)) {
        expect(probe.includes(value), `${who} found the ${name}`).toBe(false);
      }
    }
    // The agent's git trap went off, but only ever as the agent user, without a credential.
    const traps = fs.readdirSync(out).filter((name) => name.startsWith('trap-'));
    expect(traps.length).toBeGreaterThan(0);
    for (const trap of traps) {
      const text = fs.readFileSync(path.join(out, trap), 'utf8');
      expect(text.split('\n')[0], `${trap} ran as root`).not.toBe('0');
      for (const [name, value] of Object.entries(secrets))
        expect(text.includes(value), `${trap}: ${name}`).toBe(false);
    }
    // The agent got its own credential, and only the agent: the hook got none.
    expect(section(fs.readFileSync(path.join(out, 'agent.txt'), 'utf8'), 'env')).toContain(
      `ANTHROPIC_API_KEY=${CLAUDE_KEY}`,
    );
    expect(section(fs.readFileSync(path.join(out, 'verify.txt'), 'utf8'), 'env')).not.toContain(CLAUDE_KEY);
    // The runner tightened the payload file it was given.
    expect(fs.statSync(payloadFile).mode & 0o077).toBe(0);
    for (const [name, value] of Object.entries(secrets)) {
      expect(run.output.includes(value), `the runner's output shows the ${name}`).toBe(false);
    }
    // …and the work still went out, pushed by the runner alone.
    expect(world.github.repo('acme', 'api').pulls[0]).toMatchObject({ head: 'ai-implement/eng-1' });
    expect(world.git.git('acme', 'api', ['show', '--stat', 'ai-implement/eng-1'])).toContain(
      'src/farewell.js',
    );
  });
});
