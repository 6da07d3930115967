import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoopTestBed, type LoopTestBed } from './loop-test-bed.ts';
import { issueCommentCreated } from './webhook-payloads.ts';
import { idOf, installation, repository, user } from './webhook-objects.ts';

let bed: LoopTestBed;
let ticks = 0;
beforeEach(async () => {
  ticks = 0;
  bed = await startLoopTestBed({ tickNow: () => ticks++ });
});
afterEach(() => bed.close());

const alice = { login: 'alice' };

/** `issues` with action `labeled` / `unlabeled` / `closed` on a plain issue of acme/api. */
function issuesEvent(action: 'labeled' | 'unlabeled' | 'closed', labelName?: string) {
  const facts = {
    owner: 'acme',
    repo: 'api',
    number: 7,
    headRef: 'x',
    baseRef: 'main',
    headSha: 'a'.repeat(40),
  };
  const { issue } = issueCommentCreated(facts as never, { id: 1, author: alice, body: '' }, false) as {
    issue: Record<string, unknown>;
  };
  const label = labelName
    ? {
        label: {
          id: idOf(labelName),
          node_id: `LA_${idOf(labelName)}`,
          url: `https://api.github.com/repos/acme/api/labels/${encodeURIComponent(labelName)}`,
          name: labelName,
          color: '5319e7',
          default: false,
          description: null,
        },
      }
    : {};
  return {
    action,
    issue: {
      ...issue,
      title: 'Add CSV export',
      body: null,
      ...(action === 'closed'
        ? { state: 'closed', closed_at: '2026-11-21T09:00:00Z', state_reason: 'completed' }
        : {}),
    },
    ...label,
    repository: repository('acme', 'api'),
    installation: installation(),
    sender: user(alice),
  };
}

describe('POST /api/github/webhook, issues (GitHub Issues as a tracker)', () => {
  it('starts a tick at once when a person sets a marker label or closes an issue', async () => {
    const labeled = await bed.deliver('issues', issuesEvent('labeled', 'ai-implement'), {
      deliveryId: 'i-1',
    });
    expect(labeled.status).toBe(202);
    expect(await labeled.json()).toEqual({ accepted: true, deliveryId: 'i-1', tick: true });
    expect(ticks).toBe(1);

    const closed = await bed.deliver('issues', issuesEvent('closed'), { deliveryId: 'i-2' });
    expect(closed.status).toBe(202);
    expect(ticks).toBe(2);
  });

  it('ignores other labels and other actions', async () => {
    const bug = await bed.deliver('issues', issuesEvent('labeled', 'bug'), { deliveryId: 'i-3' });
    expect(bug.status).toBe(200);
    expect(await bug.json()).toMatchObject({
      deliveryId: 'i-3',
      ignored: expect.stringContaining('labeled'),
    });
    const removed = await bed.deliver('issues', issuesEvent('unlabeled', 'AI-Implement'), {
      deliveryId: 'i-4',
    });
    expect(removed.status).toBe(200);
    expect(ticks).toBe(0);
  });
});
