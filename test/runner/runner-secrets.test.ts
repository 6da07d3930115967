import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLAUDE_KEY, startRunnerWorld, type RunnerWorld } from './support/runner-world.ts';
import { runInProcess, tempDir, writeScript } from './support/run-helpers.ts';
import { FAREWELL_FILES, TARGET_REPO_FILES, WORKFLOW_MD } from './support/target-repo.ts';

let world: RunnerWorld;
let dir: string;

beforeEach(async () => {
  dir = tempDir('secrets');
  const verify = `verify:\n  - env > ${dir}/verify-env.txt\n  - node --test`;
  world = await startRunnerWorld({
    files: { ...TARGET_REPO_FILES, 'WORKFLOW.md': WORKFLOW_MD.replace('verify: node --test', verify) },
  });
});
afterEach(async () => {
  await world.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every file under `root`, as text. */
function allText(root: string): string {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

describe('credentials of a run', () => {
  it('never reach the agent, what it spawns, the hooks, the checkout or the logs', async () => {
    const script = writeScript(dir, {
      rules: [
        { when: 'VERDICT: APPROVE', result: 'VERDICT: APPROVE' },
        {
          actions: [
            { dumpEnv: path.join(dir, 'agent-env.json') },
            { run: `env > ${dir}/agent-shell-env.txt` },
            { write: { path: 'src/farewell.js', content: FAREWELL_FILES['src/farewell.js'] } },
          ],
          result: 'Done.',
        },
      ],
    });
    const payload = await world.dispatch('implementation');
    const run = await runInProcess(world, payload, { script });
    expect(run.code, run.output).toBe(0);
    const secrets = {
      // The app client caches installation tokens: this is the one the run got.
      githubToken: await world.installationToken(),
      resultToken: payload.callback!.resultToken,
      progressToken: payload.callback!.progressToken,
      linearKey: world.linear.apiKey,
    };

    const agent = JSON.parse(fs.readFileSync(path.join(dir, 'agent-env.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(agent.ANTHROPIC_API_KEY).toBe(CLAUDE_KEY);
    for (const name of [
      'GITHUB_TOKEN',
      'LINEAR_API_KEY',
      'AI_IMPLEMENT_PAYLOAD',
      'AI_IMPLEMENT_GIT_URL',
      'GIT_CONFIG_VALUE_0',
    ]) {
      expect(agent, name).not.toHaveProperty(name);
    }
    const shell = fs.readFileSync(path.join(dir, 'agent-shell-env.txt'), 'utf8');
    const verify = fs.readFileSync(path.join(dir, 'verify-env.txt'), 'utf8');
    expect(verify).not.toContain('ANTHROPIC_API_KEY');
    expect(verify).toContain('AI_IMPLEMENT_PHASE=implementation');
    const leaked = [
      JSON.stringify(agent),
      shell,
      verify,
      allText(path.join(run.workdir, 'logs')),
      run.output,
    ];
    leaked.push(fs.readFileSync(path.join(run.workdir, 'repo', '.git', 'config'), 'utf8'));
    for (const [name, value] of Object.entries(secrets)) {
      for (const text of leaked) expect(text.includes(value), `${name} leaked`).toBe(false);
    }
    expect(world.git.git('acme', 'api', ['log', '--format=%B', 'ai-implement/eng-1'])).not.toContain(
      secrets.githubToken,
    );
  });
});
