import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleAnswerPoll, handleRunQuestion } from '../../src/orchestrator/questions/run-questions.ts';
import { insertPendingDispatch } from '../../src/store/dispatches.ts';
import { getQuestion } from '../../src/store/run-questions.ts';
import { createLinearProvider } from '../../src/ticketing/linear/linear-provider.ts';
import { startFakeLinear, type FakeLinear } from '../fakes/linear/fake-linear-server.ts';
import { jiraPerTest, readyIssue } from '../fakes/jira/jira-test-setup.ts';
import {
  JIRA_SECRET,
  LINEAR_SECRET,
  startTrackerWebhookBed,
  type TrackerWebhookBed,
} from './tracker-webhook-bed.ts';
import { pendingDispatch } from '../support/dispatch-fixtures.ts';

/**
 * An agent's question asked in a ticket comment (no Linear agent session) is answered by the
 * person's reply comment as soon as Linear delivers its `Comment` webhook (issue 21); the
 * orchestrator's own question comment, delivered back, is not taken for an answer.
 */

let bed: TrackerWebhookBed;
let linear: FakeLinear;

beforeEach(async () => {
  bed = await startTrackerWebhookBed();
  linear = await startFakeLinear();
  linear.addTeam({ key: 'ENG', labels: ['AI-Implement'] });
  linear.webhooks.configure({
    url: `${bed.url}/api/linear/webhook`,
    secret: LINEAR_SECRET,
    resourceTypes: ['Issue', 'Comment'],
  });
  bed.h.ctx.ticketing = new Map([
    ['linear', createLinearProvider({ apiKey: linear.apiKey, apiUrl: linear.url })],
  ]);
});
afterEach(async () => {
  await linear.close();
  await bed.close();
});

const jira = jiraPerTest();

async function answerOf(questionId: string) {
  // The answer is taken after the 200.
  for (let i = 0; i < 100 && !(await getQuestion(bed.h.ctx.db, questionId))?.answer; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return getQuestion(bed.h.ctx.db, questionId);
}

async function inFlightRun(
  issue: { id: string; identifier: string; url: string },
  provider: 'linear' | 'jira' = 'linear',
) {
  const now = bed.h.ctx.clock().toISOString();
  await insertPendingDispatch(
    bed.h.store.db,
    pendingDispatch({
      id: 'run-1',
      issue_id: issue.id,
      issue_identifier: issue.identifier,
      issue_url: issue.url,
      ticketing_provider: provider,
      created_at: now,
      deadline_at: new Date(Date.parse(now) + 3_600_000).toISOString(),
    }),
  );
}

describe('a reply comment delivered by the Linear webhook', () => {
  it('answers the waiting question; the question comment itself and later comments do not', async () => {
    const issue = linear.addIssue({ team: 'ENG', title: 'Export', state: 'Todo' });
    await inFlightRun(issue);
    const asked = await handleRunQuestion(bed.h.ctx, 'run-1', {
      key: 'implement-1',
      pass: 'implement',
      question: 'CSV or TSV?',
    });
    if (typeof asked === 'string') throw new Error(asked);
    await linear.webhooks.settled();
    // Linear delivered our own question comment back: not an answer.
    const delivered = linear.webhooks.deliveries.filter((d) => d.type === 'Comment');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.status).toBe(200);
    expect((await getQuestion(bed.h.ctx.db, asked.questionId))?.answer).toBeNull();

    linear.addComment(issue.id, 'TSV, please.');
    linear.addComment(issue.id, 'Actually CSV.', { id: 'user-bob', name: 'Bob' });
    await linear.webhooks.settled();
    expect(await answerOf(asked.questionId)).toMatchObject({
      channel: 'comment',
      answer: 'TSV, please.',
      answered_by: 'Alice',
    });
    linear.assertNoRejections();
  });
});

describe('a reply comment delivered by the Jira webhook (comment_created)', () => {
  it('answers the question the run asked in a Jira comment', async () => {
    const { fake, provider } = await jira();
    fake.addProject({ key: 'OPS' });
    fake.webhooks.configure({ url: `${bed.url}/api/jira/webhook`, secret: JIRA_SECRET });
    bed.h.ctx.ticketing = new Map([['jira', provider]]);
    const issue = readyIssue(fake, 'OPS');
    await inFlightRun(
      { id: issue.id, identifier: issue.key, url: `https://acme.atlassian.net/browse/${issue.key}` },
      'jira',
    );
    const asked = await handleRunQuestion(bed.h.ctx, 'run-1', {
      key: 'plan-1',
      pass: 'plan',
      question: 'One migration or two?',
    });
    if (typeof asked === 'string') throw new Error(asked);
    const posted = fake.issue(issue.key)!.comments.at(-1)!;
    expect(JSON.stringify(posted.body)).toContain('One migration or two?');

    fake.addComment(issue.key, 'Two: one per table.', 'Carol');
    await fake.webhooks.settled();
    expect(fake.webhooks.deliveries.at(-1)).toMatchObject({ event: 'comment_created', status: 200 });
    expect(await answerOf(asked.questionId)).toMatchObject({
      channel: 'comment',
      answer: 'Two: one per table.',
      answered_by: 'Carol',
    });

    // Without the webhook, the runner's poll reads the Jira comments (the polling fallback).
    fake.webhooks.configure(undefined);
    bed.h.ctx.questionCommentCheckMs = 0;
    const second = await handleRunQuestion(bed.h.ctx, 'run-1', {
      key: 'plan-2',
      pass: 'plan',
      question: 'Which index?',
    });
    if (typeof second === 'string') throw new Error(second);
    expect(await handleAnswerPoll(bed.h.ctx, 'run-1', second.questionId)).toBe('pending');
    fake.addComment(issue.key, 'The composite one.', 'Dan');
    expect(await handleAnswerPoll(bed.h.ctx, 'run-1', second.questionId)).toMatchObject({
      answer: 'The composite one.',
    });
  });
});
