import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DispatchPayload } from '../../src/runners/types.ts';
import { githubTicketClient } from '../../src/runner/ticket/github-ticket.ts';
import { ticketAccess } from '../../src/runner/ticket/ticket-client.ts';
import type { RunnerSettings } from '../../src/runner/settings.ts';
import type { RunLog } from '../../src/runner/run-log.ts';
import { startGitHubTestBed, type GitHubTestBed } from '../github/github-test-setup.ts';

let bed: GitHubTestBed;
let token: string;
beforeEach(async () => {
  bed = await startGitHubTestBed();
  const octokit = await bed.client.repoOctokit('acme', 'api');
  token = ((await octokit.auth({ type: 'installation' })) as { token: string }).token;
});
afterEach(async () => {
  await bed.fake.close();
});

const issueOf = (identifier: string): DispatchPayload['issue'] => ({
  id: identifier,
  identifier,
  title: 'Add CSV export',
  description: '',
  url: `https://github.com/${identifier.replace('#', '/issues/')}`,
  provider: 'github',
});

describe('the runner’s GitHub issue client', () => {
  it('comments in Markdown, reads the comments back and swaps marker labels with the run’s token', async () => {
    const issue = bed.fake.addIssue({
      owner: 'acme',
      repo: 'api',
      title: 'Add CSV export',
      labels: ['AI-Implement'],
    });
    const settings = { owner: 'acme', repo: 'api', githubApiUrl: bed.fake.url, githubToken: token };
    const client = githubTicketClient(issueOf(`acme/api#${issue.number}`), settings)!;

    await client.postComment('<!-- ai-implement:plan -->\n## Plan\n- [ ] step one');
    await client.setMarker('planComplete');

    expect((await client.listComments()).map((c) => c.body)).toEqual([
      '<!-- ai-implement:plan -->\n## Plan\n- [ ] step one',
    ]);
    expect(bed.fake.repo('acme', 'api').labels.get(issue.number)).toEqual(['Plan-Complete']);
    bed.fake.assertNoViolations();
  });

  it('has no client for an issue of another repository, and says why', () => {
    const settings = { owner: 'acme', repo: 'api', githubApiUrl: bed.fake.url, githubToken: token };
    expect(githubTicketClient(issueOf('acme/planning#3'), settings)).toBeUndefined();
    const access = ticketAccess(
      issueOf('acme/planning#3'),
      { ...settings, linear: undefined, jira: undefined } as unknown as RunnerSettings,
      undefined as unknown as RunLog,
    );
    expect(access.client).toBeUndefined();
    expect(access).toMatchObject({
      reason: expect.stringContaining('acme/planning#3 is not an issue of acme/api'),
    });
  });
});
