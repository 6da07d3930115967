import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRunnerWorld, type RunnerWorld } from './support/runner-world.ts';
import { runInProcess, tempDir, writeScript } from './support/run-helpers.ts';
import { FAREWELL_FILES, TARGET_REPO_FILES, WORKFLOW_MD } from './support/target-repo.ts';

/**
 * Team scoping of secrets inside a run (issue 13): a Fly sessions app holds every team's secrets
 * as environment variables (`ENG_DEPLOY_KEY`, `OPS_DEPLOY_KEY`, global `SHARED_URL`). The run of
 * an ENG ticket removes OPS's before anything runs, and gives the hooks and the agent exactly
 * the names its WORKFLOW.md asks for — ENG's with the prefix removed, and the global one.
 */

let world: RunnerWorld;
let dir: string;
const value = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

beforeEach(async () => {
  dir = tempDir('team-secrets');
  const front = `secrets: [DEPLOY_KEY, SHARED_URL, NOT_SET, GITHUB_TOKEN]\nverify:\n  - env > ${dir}/verify-env.txt\n  - node --test`;
  world = await startRunnerWorld({
    files: { ...TARGET_REPO_FILES, 'WORKFLOW.md': WORKFLOW_MD.replace('verify: node --test', front) },
  });
  await world.h.addMapping({ teamKey: 'OPS', repo: 'ops' });
});
afterEach(async () => {
  await world.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('secrets inside a run', () => {
  it('exposes the own team’s and global secrets asked for by name, and removes other teams’', async () => {
    const secrets = {
      ENG_DEPLOY_KEY: value('eng-deploy'),
      OPS_DEPLOY_KEY: value('ops-deploy'),
      OPS_ONLY: value('ops-only'),
      SHARED_URL: value('shared'),
      UNASKED_GLOBAL: value('unasked'),
    };
    const script = writeScript(dir, {
      rules: [
        { when: 'VERDICT: APPROVE', result: 'VERDICT: APPROVE' },
        {
          actions: [
            { dumpEnv: path.join(dir, 'agent-env.json') },
            { write: { path: 'src/farewell.js', content: FAREWELL_FILES['src/farewell.js'] } },
          ],
          result: 'Done.',
        },
      ],
    });
    const payload = await world.dispatch('implementation');
    expect(payload.secrets).toEqual({ prefix: 'ENG_', otherPrefixes: ['OPS_'] });
    const run = await runInProcess(world, payload, { script, extraEnv: secrets });
    expect(run.code, run.output).toBe(0);

    const agent = JSON.parse(fs.readFileSync(path.join(dir, 'agent-env.json'), 'utf8')) as Record<
      string,
      string
    >;
    const verify = fs.readFileSync(path.join(dir, 'verify-env.txt'), 'utf8');
    for (const env of [agent, Object.fromEntries(verify.split('\n').map((line) => line.split(/=(.*)/s)))]) {
      expect(env.DEPLOY_KEY).toBe(secrets.ENG_DEPLOY_KEY);
      expect(env.SHARED_URL).toBe(secrets.SHARED_URL);
      expect(env).not.toHaveProperty('NOT_SET');
      expect(env).not.toHaveProperty('GITHUB_TOKEN');
      expect(env).not.toHaveProperty('ENG_DEPLOY_KEY');
      expect(env).not.toHaveProperty('UNASKED_GLOBAL');
    }
    const everything = [JSON.stringify(agent), verify, run.output];
    for (const text of everything) {
      expect(text).not.toContain(secrets.OPS_DEPLOY_KEY);
      expect(text).not.toContain(secrets.OPS_ONLY);
    }
    // The run's own log never shows an exposed value.
    expect(run.output).not.toContain(secrets.ENG_DEPLOY_KEY);
    expect(run.output).not.toContain(secrets.SHARED_URL);
    expect(run.output).toContain('removed 2 secrets of other projects');
    expect(run.output).toMatch(/secret NOT_SET is asked for by the workflow file but is not set/);
    expect(run.output).toMatch(/secret GITHUB_TOKEN is one of the runner's own credentials/);
  });
});
