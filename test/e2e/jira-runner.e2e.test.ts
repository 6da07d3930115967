import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planMarker, PLAN_SECTIONS } from '../../src/runner/planning-output.ts';
import { adfToMarkdown } from '../../src/ticketing/jira/adf-to-markdown.ts';
import { markdownToAdf } from '../../src/ticketing/jira/markdown-to-adf.ts';
import { adminSession, type AdminApi } from '../../scripts/demo/admin-api.ts';
import { DEMO_OWNER, DEMO_REPO } from '../../scripts/demo/demo-repo.ts';
import { DEMO_APP_ID, startDemoWorld, type DemoWorld } from '../../scripts/demo/demo-world.ts';
import { startFakeJira, type FakeJira } from '../fakes/jira/fake-jira-server.ts';
import { freePort } from '../support/free-port.ts';
import { eventually, startOrchestrator, type OrchestratorProcess } from './orchestrator-process.ts';

/**
 * Seed 003 steps 3 and 7 on a Jira ticket, end to end: the real orchestrator (`npm start`,
 * RUNNER_MODE=local) against the fake Jira, fake GitHub and a real git remote; the local backend
 * starts the real runner, which runs the demo's scripted stand-in for Claude Code. The runner
 * gets the Jira credentials from the orchestrator and posts the four planning comments and the
 * pull request link on the ticket as ADF (the fake checks each against Atlassian's ADF schema),
 * and the implementation run reads the plan back from those comments.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const ACCESS_CODE = 'jira-e2e-access-code';

let world: DemoWorld;
let jira: FakeJira;
let orchestrator: OrchestratorProcess;
let api: AdminApi;

beforeAll(async () => {
  world = await startDemoWorld();
  jira = await startFakeJira({ auth: 'bearer', repoOptions: [DEMO_REPO] });
  jira.addProject({ key: 'OPS' });
  const port = await freePort();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-jira-e2e-'));
  // Runs are made in it; as root they start the agent as ai-agent, which must pass through.
  fs.chmodSync(tmp, 0o711);
  orchestrator = await startOrchestrator(
    {
      TMPDIR: tmp,
      GITHUB_APP_ID: String(DEMO_APP_ID),
      GITHUB_APP_PRIVATE_KEY: world.appPrivateKey.trim().replace(/\n/g, '\\n'),
      GITHUB_API_URL: world.github.url,
      GITHUB_SERVER_URL: world.git.url,
      JIRA_TOKEN: jira.token,
      JIRA_API_URL: jira.apiUrl,
      JIRA_SITE_URL: jira.siteUrl,
      ADMIN_ACCESS_CODE: ACCESS_CODE,
      POLL_INTERVAL_MS: '1000',
      RUNNER_MODE: 'local',
      // The runner as a child process: the demo needs no Docker Engine (test/docker/ runs containers).
      LOCAL_RUNNER_BACKEND: 'process',
      RUNNER_TOKEN_SECRET: randomBytes(32).toString('hex'),
      RUNNER_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
      DEDUP_DB_PATH: path.join(tmp, 'dedup.sqlite'),
      CLAUDE_CODE_PATH: path.join(ROOT, 'scripts/demo/demo-agent.ts'),
      // The stand-in answers only when it sees a credential, like the real CLI; this one is fake.
      ANTHROPIC_API_KEY: 'sk-ant-jira-e2e-stand-in-not-a-real-key',
    },
    port,
  );
  api = await adminSession(orchestrator.url, ACCESS_CODE);
}, 60_000);

afterAll(async () => {
  await orchestrator?.stop();
  await Promise.allSettled([world?.close(), jira?.close()]);
});

interface JobSteps {
  steps: { step: string; status: string; output: Record<string, unknown> | null }[];
}

describe('a Jira ticket through planning and implementation in local mode', () => {
  it('gets the four planning comments and the pull request link from the runner, in ADF', async () => {
    await api('POST', '/api/mappings', {
      teamKey: 'OPS',
      owner: DEMO_OWNER,
      repo: DEMO_REPO,
      defaultBranch: 'main',
      ticketingProvider: 'jira',
      ticketingConfig: { kind: 'jira', jql: 'project = OPS', repoFieldValue: DEMO_REPO },
    });
    const issue = jira.addIssue({
      project: 'OPS',
      summary: 'Add a farewell function',
      description: markdownToAdf(
        'Add `farewell(name)` in `src/farewell.js`, returning "Goodbye <name>", with a test.',
      ),
      fields: { 'AI-Implement Status': 'Ready', 'AI-Implement Repo': DEMO_REPO },
    });
    const status = () => jira.fieldValue(issue.key, jira.statusField!.id);

    await eventually(
      'the ticket to be PR Ready',
      async () => {
        const value = status();
        if (value === 'Failed' || value === 'Planning Failed') {
          throw new Error(`the ticket is ${value}:\n${orchestrator.output().slice(-4000)}`);
        }
        return value === 'PR Ready' ? true : undefined;
      },
      150_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${orchestrator.output().slice(-4000)}`);
    });

    const comments = jira.issue(issue.key)!.comments;
    // Seed 003 step 3: one comment per section, the marker as a comment property, not as text.
    const planning = comments.filter((c) => c.properties.some((p) => p.key === 'ai-implement'));
    expect(planning.map((c) => c.properties[0]!.value)).toEqual(
      PLAN_SECTIONS.map((section) => ({ marker: planMarker(section.slug).slice(5, -4) })),
    );
    expect(planning.map((c) => adfToMarkdown(c.body).split('\n')[0])).toEqual(
      PLAN_SECTIONS.map((section) => `## ${section.title}`),
    );
    expect(adfToMarkdown(planning[2]!.body)).toContain('- id: farewell');
    for (const comment of comments) expect(JSON.stringify(comment.body)).not.toContain('<!--');

    // Seed 003 step 7: the PR link, as a link in ADF, after the plan.
    const pull = world.repo.pulls.find((p) => p.head.startsWith('ai-implement/'));
    expect(pull).toBeDefined();
    const prUrl = `https://github.com/${DEMO_OWNER}/${DEMO_REPO}/pull/${pull!.number}`;
    const last = comments.at(-1)!;
    expect(adfToMarkdown(last.body)).toContain(`AI-Implement opened a pull request for review: ${prUrl}`);
    expect(JSON.stringify(last.body)).toContain(`"href":"${prUrl}"`);

    // The implementation run read the plan back from the Jira comments (its `context` step).
    const log = await api<{ jobs: { jobId: string }[] }>('GET', '/api/log');
    const steps = await api<JobSteps>('GET', `/api/jobs/${log.jobs[0]!.jobId}/steps`);
    const context = steps.steps.find((s) => s.step === 'context' && s.status === 'succeeded');
    expect(context?.output).toMatchObject({
      planningSections: PLAN_SECTIONS.map((section) => section.title),
      workUnits: ['farewell'],
    });
    const ticketSteps = steps.steps.filter((s) => s.step === 'update-ticket' && s.status !== 'started');
    expect(ticketSteps.map((s) => [s.status, s.output?.marker])).toEqual([
      ['succeeded', 'planComplete'],
      ['succeeded', 'readyForReview'],
    ]);

    jira.assertNoRejections();
    world.github.assertNoViolations();
  }, 170_000);
});
