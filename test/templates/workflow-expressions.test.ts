import { describe, expect, it } from 'vitest';
import { loadTemplates } from '../../src/github/template-sync/template-catalog.ts';
import { commentContexts, dispatchContexts, payload, renderedJob } from './workflow-contexts.ts';
import { evaluate, interpolate, onlyJob, passes, readWorkflow, step } from './workflow-harness.ts';

/** The workflows' expressions, evaluated with GitHub's expression engine over realistic contexts. */

describe('claude-implement.yml and claude-plan.yml expressions', () => {
  for (const template of ['claude-implement.yml', 'claude-plan.yml']) {
    it(`${template}: timeout-minutes is the mapping's cap, else the repository variable, else 90`, () => {
      const job = renderedJob(template);
      const minutes = (contexts: Record<string, unknown>) =>
        Number(interpolate(job['timeout-minutes'], contexts));
      expect(
        minutes(
          dispatchContexts(payload({ caps: { maxJobMinutes: 45 } }), {
            vars: { AI_IMPLEMENT_MAX_JOB_MINUTES: '60' },
          }),
        ),
      ).toBe(45);
      expect(
        minutes(
          dispatchContexts(payload({ caps: { maxTurns: 10 } }), {
            vars: { AI_IMPLEMENT_MAX_JOB_MINUTES: '60' },
          }),
        ),
      ).toBe(60);
      expect(minutes(dispatchContexts(payload()))).toBe(90);
    });
  }

  it('assumes the Bedrock role only for Bedrock runs, in the payload’s region', () => {
    const aws = step(renderedJob('claude-implement.yml'), 'aws-credentials');
    const bedrock = dispatchContexts(payload({ provider: { name: 'bedrock', awsRegion: 'eu-central-1' } }));
    expect(passes(aws.if, bedrock)).toBe(true);
    expect(interpolate(aws.with?.['aws-region'], bedrock)).toBe('eu-central-1');
    expect(passes(aws.if, dispatchContexts(payload()))).toBe(false);
  });

  it('runs the failure report only when the job failed or was cancelled', () => {
    const report = renderedJob('claude-implement.yml').steps.at(-1);
    const body = payload();
    expect(passes(report?.if, dispatchContexts(body, { job: { status: 'failure' } }))).toBe(true);
    expect(passes(report?.if, dispatchContexts(body, { job: { status: 'cancelled' } }))).toBe(true);
    expect(passes(report?.if, dispatchContexts(body))).toBe(false);
  });

  it('runs on ubuntu-latest unless the repository names its runners', () => {
    const runsOn = readWorkflow(loadTemplates()[0]?.text ?? '').jobs.implement as unknown as {
      'runs-on': string;
    };
    expect(interpolate(runsOn['runs-on'], dispatchContexts(payload()))).toBe('ubuntu-latest');
    expect(
      interpolate(
        runsOn['runs-on'],
        dispatchContexts(payload(), { vars: { AI_IMPLEMENT_RUNS_ON: 'self-hosted' } }),
      ),
    ).toBe('self-hosted');
  });

  it('tells the preflight whether secrets are set without passing their values', () => {
    const preflight = step(renderedJob('claude-implement.yml'), 'preflight');
    const withSecret = dispatchContexts(payload(), { secrets: { ANTHROPIC_API_KEY: 'sk-ant-secret' } });
    expect(interpolate(preflight.env?.HAS_CLAUDE_AUTH, withSecret)).toBe('true');
    expect(interpolate(preflight.env?.HAS_CLAUDE_AUTH, dispatchContexts(payload()))).toBe('false');
    for (const value of Object.values(preflight.env ?? {})) {
      expect(interpolate(value, withSecret)).not.toContain('sk-ant-secret');
    }
  });
});

describe('comment-trigger.yml job condition', () => {
  const job = onlyJob(
    readWorkflow(loadTemplates().find((t) => t.name === 'comment-trigger.yml')?.text ?? ''),
  );
  const runs = (event: Parameters<typeof commentContexts>[0]) => passes(job.if, commentContexts(event));

  it('runs for a person with write access commenting on a pull request', () => {
    expect(runs({ body: '/ai-implement' })).toBe(true);
    expect(runs({ body: '/ai-implement fill the gaps', association: 'OWNER' })).toBe(true);
    expect(runs({ body: '/ai-implement', association: 'COLLABORATOR' })).toBe(true);
  });

  it('does not run for bots, outsiders, issues or other comments', () => {
    expect(runs({ userType: 'Bot', login: 'ai-implement[bot]' })).toBe(false);
    expect(runs({ association: 'NONE' })).toBe(false);
    expect(runs({ association: 'CONTRIBUTOR' })).toBe(false);
    expect(runs({ onPullRequest: false })).toBe(false);
    expect(runs({ body: 'Looks good to me' })).toBe(false);
  });

  it('compares strings as GitHub does: without regard to case (harness check)', () => {
    expect(evaluate("'Bot' != 'bot'", {})).toBe(false);
    expect(evaluate("contains(fromJSON('[\"MEMBER\"]'), 'member')", {})).toBe(true);
  });
});
