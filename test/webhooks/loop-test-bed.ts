import { createHmac, randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { expect } from 'vitest';
import type { MappingInput } from '../../src/domain/mapping.ts';
import type { RunResult } from '../../src/domain/run-result.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { createGitHubPullRequestHost } from '../../src/orchestrator/follow-ups/github-host.ts';
import {
  createPullRequestLoop,
  type PullRequestLoop,
} from '../../src/orchestrator/follow-ups/pull-request-loop.ts';
import { handleRunResult } from '../../src/orchestrator/run-results.ts';
import { runTick } from '../../src/orchestrator/tick.ts';
import type { DispatchRequest } from '../../src/runners/types.ts';
import type { IssueRefs } from '../../src/ticketing/memory/workspace-seed.ts';
import type { FakeRepo } from '../fakes/github/fake-github-server.ts';
import { APP_ID, startGitHubTestBed, type GitHubTestBed } from '../github/github-test-setup.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { webhookSchemaErrors } from './webhook-schemas.ts';
import type { PullRequestFacts } from './webhook-payloads.ts';

export const WEBHOOK_SECRET = 'webhook-secret-for-tests-0123456789';
export const TRIGGER_SECRET = 'gap-fill-trigger-secret-0123456789';

/**
 * The orchestrator (harness: in-memory tickets and runner, temp SQLite, movable clock) with the
 * pull-request loop on a fake GitHub (real Octokit client), behind the real HTTP app.
 */
export interface LoopTestBed {
  h: Harness;
  github: GitHubTestBed;
  loop: PullRequestLoop;
  app: Hono;
  repo: FakeRepo;
  /** Labels a ticket, runs the poll, and reports a PR opened by the implementation run. */
  openPullRequest(options?: { mapping?: Partial<MappingInput> }): Promise<OpenedPullRequest>;
  /** Sends a signed delivery (checked against GitHub's payload schema first) and waits for its handling. */
  deliver(event: string, payload: Record<string, unknown>, options?: DeliverOptions): Promise<Response>;
  /** The runner's result for a dispatch, as `POST /runner/result` takes it. */
  finishRun(dispatchId: string, result: RunResult): Promise<void>;
  /** Commits to the PR branch in the fake GitHub; returns the new head. */
  push(pr: PullRequestFacts): string;
  /** Dispatches the memory backend received with `phase`. */
  dispatches(phase?: string): DispatchRequest[];
  close(): Promise<void>;
}

export interface OpenedPullRequest {
  issue: IssueRefs;
  pr: PullRequestFacts;
  implementationDispatchId: string;
  jobId: string;
}

export interface DeliverOptions {
  deliveryId?: string;
  /** Sign with this secret instead of the orchestrator's. */
  secret?: string;
  /** false: no X-Hub-Signature-256 header at all. */
  sign?: boolean;
  /** Send this text instead of the JSON of `payload` (signed as it is). */
  rawBody?: string;
}

export async function startLoopTestBed(
  options: {
    adminAccessCode?: string;
    webhookSecret?: string | null;
    triggerSecret?: string | null;
    tickNow?: () => void;
  } = {},
): Promise<LoopTestBed> {
  const h = await createHarness();
  h.linear.addTeam({ key: 'ENG' });
  const github = await startGitHubTestBed();
  const loop = createPullRequestLoop({
    ctx: h.ctx,
    host: createGitHubPullRequestHost(github.client),
    appId: APP_ID,
  });
  h.ctx.followUps = loop;
  const app = createHttpApp({
    orchestrator: h.ctx,
    adminAccessCode: options.adminAccessCode,
    statusChecks: async () => [],
    pullRequestLoop: loop,
    ...(options.tickNow ? { tickNow: options.tickNow } : {}),
    ...(options.webhookSecret === null ? {} : { webhookSecret: options.webhookSecret ?? WEBHOOK_SECRET }),
    ...(options.triggerSecret === null
      ? {}
      : { gapFillTriggerSecret: options.triggerSecret ?? TRIGGER_SECRET }),
  });
  const repo = github.fake.repo('acme', 'api');
  let opened = 0;

  function push(pr: PullRequestFacts): string {
    const commit = repo.writeFile(
      pr.headRef,
      `src/change-${Date.now()}-${Math.random()}.ts`,
      'export {};\n',
      'More',
    );
    pr.headSha = commit.sha;
    return commit.sha;
  }

  return {
    h,
    github,
    loop,
    app,
    repo,
    async openPullRequest(openOptions = {}) {
      if (opened === 0)
        await h.addMapping({ teamKey: 'ENG', planningEnabled: false, ...openOptions.mapping });
      opened += 1;
      const issue = h.linear.addIssue({
        team: 'ENG',
        title: `Export users ${opened}`,
        labels: ['AI-Implement'],
        state: 'Todo',
      });
      await runTick(h.ctx);
      const dispatch = h.backend.dispatched.at(-1);
      if (!dispatch || dispatch.payload.issue.id !== issue.id)
        throw new Error('the poll did not dispatch the issue');
      const branch = `${issue.identifier.toLowerCase()}-export-users`;
      repo.refs.set(`refs/heads/${branch}`, repo.refs.get('refs/heads/main') ?? '');
      const number = Math.max(0, ...repo.pulls.map((p) => p.number)) + 1;
      const now = new Date().toISOString();
      repo.pulls.push({
        id: 5000 + number,
        number,
        title: `${issue.identifier}: Export users`,
        body: `Fixes ${issue.identifier}`,
        state: 'open',
        draft: false,
        head: branch,
        base: 'main',
        user: { login: 'ai-implement[bot]', id: 41_000_000 + APP_ID, type: 'Bot' },
        createdAt: now,
        updatedAt: now,
      });
      const pr: PullRequestFacts = { owner: 'acme', repo: 'api', number, headRef: branch, headSha: '' };
      push(pr);
      const { dispatchId } = dispatch.payload;
      await handleRunResult(h.ctx, dispatchId, {
        status: 'success',
        prUrl: `https://github.com/acme/api/pull/${number}`,
        branch,
        summary: 'Implemented the export',
      });
      // The runner's gap analysis comment, made with the App's installation token.
      repo.comments.push({
        id: 90_000 + number,
        issueNumber: number,
        body: '<!-- ai-implement:gap-analysis -->\n## Gap analysis\n### Implemented\n- export',
        user: { login: 'ai-implement[bot]', id: 41_000_000 + APP_ID, type: 'Bot' },
        viaApp: true,
        createdAt: now,
        updatedAt: now,
      });
      // The loop's look at the new PR's checks (none here: the ticket moves to Ready for Review).
      await loop.queue.idle();
      return { issue, pr, implementationDispatchId: dispatchId, jobId: dispatchId };
    },
    async deliver(event, payload, deliverOptions = {}) {
      const action = typeof payload.action === 'string' ? payload.action : '';
      const schema = `webhook-${event.replace(/_/g, '-')}-${action.replace(/_/g, '-')}`;
      expect(webhookSchemaErrors(schema, payload), `${schema} payload`).toEqual([]);
      const body = deliverOptions.rawBody ?? JSON.stringify(payload);
      const signature = `sha256=${createHmac('sha256', deliverOptions.secret ?? WEBHOOK_SECRET)
        .update(body)
        .digest('hex')}`;
      const response = await app.request('/api/github/webhook', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/8e03811',
          'x-github-event': event,
          'x-github-delivery': deliverOptions.deliveryId ?? randomUUID(),
          'x-github-hook-id': '123456',
          'x-github-hook-installation-target-id': String(APP_ID),
          'x-github-hook-installation-target-type': 'integration',
          ...(deliverOptions.sign === false ? {} : { 'x-hub-signature-256': signature }),
        },
        body,
      });
      await loop.queue.idle();
      return response;
    },
    async finishRun(dispatchId, result) {
      await handleRunResult(h.ctx, dispatchId, result);
      await loop.queue.idle();
    },
    push,
    dispatches(phase) {
      return h.backend.dispatched.filter((d) => phase === undefined || d.payload.phase === phase);
    },
    async close() {
      await loop.queue.idle();
      const violations = [...github.fake.violations];
      await github.fake.close();
      await h.close();
      // Every request the loop made must be one GitHub's OpenAPI description allows.
      expect(violations).toEqual([]);
    },
  };
}
