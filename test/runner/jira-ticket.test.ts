import { describe, expect, it } from 'vitest';
import { planComment, planFromComments, splitPlanSections } from '../../src/runner/planning-output.ts';
import { createRunLog } from '../../src/runner/run-log.ts';
import { readRunnerSettings } from '../../src/runner/settings.ts';
import { ticketAccess } from '../../src/runner/ticket/ticket-client.ts';
import type { DispatchPayload } from '../../src/runners/types.ts';
import { adfToMarkdown } from '../../src/ticketing/jira/adf-to-markdown.ts';
import { jiraPerTest } from '../fakes/jira/jira-test-setup.ts';

/**
 * The runner's Jira ticket client against the fake Jira, with jira.js checking every response
 * against its zod models (`onSchemaMismatch: 'throw'`) and the fake checking every request body
 * (comments against Atlassian's ADF schema).
 */
const setup = jiraPerTest();

const PLAN = `## Architecture Analysis

One module, \`src/farewell.js\`.

## Test Plan

- \`farewell('Ada')\` is \`'Goodbye Ada'\`.

## Work Units

\`\`\`yaml
units:
  - id: farewell
    files: [src/farewell.js]
    task: Add farewell(name).
\`\`\`

## Cross-Story Context

None.`;

async function jiraTicket(options: { auth?: 'bearer' | 'basic' } = {}) {
  const { fake } = await setup({ auth: options.auth ?? 'bearer' });
  fake.addProject({ key: 'OPS' });
  const issue = fake.addIssue({
    project: 'OPS',
    summary: 'Add a farewell',
    fields: { 'AI-Implement Status': 'Planning' },
  });
  const lines: string[] = [];
  const env = {
    GITHUB_REPOSITORY: 'acme/api',
    JIRA_TOKEN: fake.token,
    JIRA_API_URL: fake.apiUrl,
    JIRA_SITE_URL: fake.siteUrl,
    ...(options.auth === 'basic' ? { JIRA_EMAIL: fake.email } : {}),
  };
  const settings = readRunnerSettings(env, '/tmp');
  const payloadIssue: DispatchPayload['issue'] = {
    id: issue.id,
    identifier: issue.key,
    title: 'Add a farewell',
    description: '',
    url: `${fake.siteUrl}/browse/${issue.key}`,
    provider: 'jira',
  };
  const log = createRunLog({ secrets: [], write: (line) => lines.push(line) });
  const access = ticketAccess(payloadIssue, settings, log, {
    jira: { onSchemaMismatch: 'throw', retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 } },
  });
  if (!access.client) throw new Error(access.reason);
  return { fake, issue, client: access.client, lines };
}

describe("the runner's Jira ticket client", () => {
  it('posts the planning sections as ADF comments whose marker is a comment property, and reads them back', async () => {
    const { fake, issue, client, lines } = await jiraTicket();
    const sections = splitPlanSections(PLAN);
    for (const section of sections) await client.postComment(planComment(section));

    const stored = fake.issue(issue.key)!.comments;
    expect(stored).toHaveLength(4);
    // What people see: the section, no HTML comment; the marker travels as a property.
    expect(adfToMarkdown(stored[0]!.body)).toBe('## Architecture Analysis\n\nOne module, `src/farewell.js`.');
    expect(stored.map((c) => c.properties)).toEqual(
      ['architecture', 'test-plan', 'work-units', 'cross-story'].map((slug) => [
        { key: 'ai-implement', value: { marker: `ai-implement:plan:${slug}` } },
      ]),
    );
    await client.postComment('A person: looks good to me');

    const comments = await client.listComments();
    expect(comments).toHaveLength(5);
    expect(planFromComments(comments)).toEqual(sections);
    expect(comments.at(-1)!.body).toBe('A person: looks good to me');
    expect(lines.join('')).not.toMatch(/shape jira\.js does not describe/);
  });

  it('posts the PR link as an ADF link and sets the AI-Implement Status field (Basic auth)', async () => {
    const { fake, issue, client } = await jiraTicket({ auth: 'basic' });
    await client.postComment(
      'AI-Implement opened a pull request for review: https://github.com/acme/api/pull/7',
    );
    await client.setMarker('readyForReview');
    const body = fake.issue(issue.key)!.comments[0]!.body;
    expect(JSON.stringify(body)).toContain('"href":"https://github.com/acme/api/pull/7"');
    expect(fake.fieldValue(issue.key, fake.statusField!.id)).toBe('PR Ready');
  });
});

describe('Jira settings of the runner', () => {
  it('names what an incomplete Jira configuration lacks, never the token, and leaves the ticket to the orchestrator', () => {
    const env = {
      GITHUB_REPOSITORY: 'acme/api',
      JIRA_EMAIL: 'bot@example.com',
      JIRA_TOKEN: 'tok-secret-123456',
    };
    const settings = readRunnerSettings(env, '/tmp');
    expect(settings.jira).toBeUndefined();
    expect(settings.jiraProblem).toMatch(/^JIRA_SITE_URL is required with JIRA_EMAIL/);
    const issue: DispatchPayload['issue'] = {
      id: '10001',
      identifier: 'OPS-1',
      title: 't',
      description: '',
      url: 'https://acme.atlassian.net/browse/OPS-1',
      provider: 'jira',
    };
    const access = ticketAccess(issue, settings, createRunLog({ secrets: [] }));
    expect(access.client).toBeUndefined();
    const reason = access.client ? '' : access.reason;
    expect(reason).toMatch(/Jira settings are incomplete \(JIRA_SITE_URL is required/);
    expect(reason).not.toContain('tok-secret-123456');
  });

  it('derives the Atlassian gateway URL from JIRA_CLOUD_ID, as the orchestrator does', () => {
    const settings = readRunnerSettings(
      { GITHUB_REPOSITORY: 'acme/api', JIRA_TOKEN: 'tok-secret-123456', JIRA_CLOUD_ID: 'abc-123' },
      '/tmp',
    );
    expect(settings.jira).toMatchObject({
      auth: 'bearer',
      apiUrl: 'https://api.atlassian.com/ex/jira/abc-123',
    });
    expect(readRunnerSettings({ GITHUB_REPOSITORY: 'acme/api' }, '/tmp').jira).toBeUndefined();
  });
});
