import { serve, type ServerType } from '@hono/node-server';
import { existsSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GapFillOutcome, GapFillRequest } from '../../src/orchestrator/follow-ups/gap-fill.ts';
import type { PullRequestLoop } from '../../src/orchestrator/follow-ups/pull-request-loop.ts';
import { gapFillTriggerRoutes } from '../../src/http/trigger/gap-fill-routes.ts';
import { loadTemplates } from '../../src/github/template-sync/template-catalog.ts';
import { commentContexts, type CommentEvent } from './workflow-contexts.ts';
import { onlyJob, readWorkflow, runStep } from './workflow-harness.ts';

/**
 * comment-trigger.yml's script against the orchestrator's real `POST /trigger/gap-fill` route
 * (CONTRACTS §6), with the pull-request loop behind it replaced by a recorder.
 */

const SECRET = 'gap-fill-trigger-secret';
const [triggerStep] = onlyJob(
  readWorkflow(loadTemplates().find((t) => t.name === 'comment-trigger.yml')?.text ?? ''),
).steps;

let server: ServerType;
let url: string;
let received: GapFillRequest[];
let outcome: GapFillOutcome;

beforeEach(async () => {
  received = [];
  outcome = { status: 'dispatched', dispatchId: 'dispatch-9', duplicate: false };
  const loop = {
    async requestGapFill(request: GapFillRequest) {
      received.push(request);
      return outcome;
    },
  } as unknown as PullRequestLoop;
  const app = gapFillTriggerRoutes({ secret: SECRET, loop });
  server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

function trigger(event: CommentEvent, settings: { url?: string; secret?: string } = {}) {
  if (!triggerStep) throw new Error('comment-trigger.yml has no step');
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'ai-implement-trigger-'));
  const contexts = commentContexts(event, {
    vars: { AI_IMPLEMENT_ORCHESTRATOR_URL: settings.url ?? `${url}/` },
    secrets: { GAP_FILL_TRIGGER_SECRET: settings.secret ?? SECRET },
  });
  return runStep(triggerStep, contexts, { cwd }).then((run) => ({ ...run, cwd }));
}

describe('comment-trigger.yml → POST /trigger/gap-fill', () => {
  it('sends exactly the CONTRACTS §6 body, and comment text cannot reach the shell', async () => {
    const hostile = '/ai-implement $(touch pwned) `touch pwned2` "; touch pwned3; echo "\nplease';
    const run = await trigger({ body: hostile, login: 'alice' });
    expect(run.code, run.stderr).toBe(0);
    expect(received).toEqual([{ repo: 'acme/web', number: 7, commentId: 9876, commenter: 'alice' }]);
    expect(run.stdout).toContain('AI-Implement started a gap-fill run: {"dispatchId":"dispatch-9"}');
    for (const marker of ['pwned', 'pwned2', 'pwned3'])
      expect(existsSync(path.join(run.cwd, marker))).toBe(false);
  });

  it('ignores comments that only mention the command', async () => {
    for (const body of ['/ai-implementation please', 'please run /ai-implement', '/ai-implement-now']) {
      const run = await trigger({ body });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('does not start with /ai-implement');
    }
    expect(received).toEqual([]);
    expect((await trigger({ body: '  /ai-implement\r\nthanks' })).code).toBe(0);
    expect(received).toHaveLength(1);
  });

  it('reports a refused or unknown pull request without failing the job', async () => {
    outcome = {
      status: 'skipped',
      reason: 'in_flight',
      detail: 'a run is already working on this pull request',
    };
    const skipped = await trigger({});
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('::notice title=AI-Implement did not start a run::');
    outcome = { status: 'not_found', detail: 'acme/web#7 was not opened by AI-Implement' };
    const unknown = await trigger({});
    expect(unknown.code).toBe(0);
    expect(unknown.stdout).toContain('::notice title=Not an AI-Implement pull request::');
  });

  it('fails the job with a message when the repository is not set up or the secret is wrong', async () => {
    const wrong = await trigger({}, { secret: 'not-the-secret' });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('::error title=AI-Implement trigger failed (HTTP 401)::');
    const unset = await trigger({}, { url: '' });
    expect(unset.code).toBe(1);
    expect(unset.stdout).toContain('set the repository variable AI_IMPLEMENT_ORCHESTRATOR_URL');
    const down = await trigger({}, { url: 'http://127.0.0.1:9' });
    expect(down.code).toBe(1);
    expect(down.stdout).toContain('HTTP 000');
    expect(received).toEqual([]);
  });
});
