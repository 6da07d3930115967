import { afterEach } from 'vitest';
import { MappingInputSchema, type Mapping } from '../../../src/domain/mapping.ts';
import { IntegrationError } from '../../../src/domain/errors.ts';
import {
  createJiraProvider,
  type JiraProvider,
  type JiraProviderOptions,
} from '../../../src/ticketing/jira/jira-provider.ts';
import { startFakeJira, type FakeJira, type FakeJiraOptions } from './fake-jira-server.ts';

/** A fake Jira, a provider on it that validates every response strictly, and what it logged and slept. */
export interface JiraSetup {
  fake: FakeJira;
  provider: JiraProvider;
  sleeps: number[];
  warnings: { fields: Record<string, unknown>; message: string }[];
}

export async function setupJira(
  fakeOptions: FakeJiraOptions = {},
  providerOptions: Partial<JiraProviderOptions> = {},
): Promise<JiraSetup> {
  const fake = await startFakeJira(fakeOptions);
  const sleeps: number[] = [];
  const warnings: JiraSetup['warnings'] = [];
  const provider = createJiraProvider({
    config: fake.config(),
    onSchemaMismatch: 'throw',
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    logger: { warn: (fields, message) => warnings.push({ fields, message }) },
    ...providerOptions,
  });
  return { fake, provider, sleeps, warnings };
}

/**
 * A `setupJira` for the tests of the calling file: after each test the fake is closed and the
 * test fails if the fake rejected a request (malformed body, endpoint Jira does not have).
 */
export function jiraPerTest(): (...args: Parameters<typeof setupJira>) => Promise<JiraSetup> {
  let current: JiraSetup | undefined;
  afterEach(async () => {
    const done = current;
    current = undefined;
    await done?.fake.close();
    done?.fake.assertNoRejections();
  });
  return async (...args) => {
    current = await setupJira(...args);
    return current;
  };
}

/** A Jira mapping with team key `teamKey` and the given `ticketingConfig` fields. */
export function jiraMappingWith(
  teamKey: string,
  config: {
    jql?: string;
    repoFieldValue?: string;
    statusFieldOverride?: string;
    repoFieldOverride?: string;
  } = {},
): Mapping {
  return MappingInputSchema.parse({
    teamKey,
    owner: 'acme',
    repo: 'jira-repo',
    defaultBranch: 'main',
    ticketingProvider: 'jira',
    ticketingConfig: { kind: 'jira', jql: `project = ${teamKey}`, repoFieldValue: 'jira-repo', ...config },
  });
}

/** The `IntegrationError` a promise rejects with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IntegrationError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Seeds an issue the mappings' default JQL and repo value pick up, with a status value. */
export function readyIssue(
  fake: FakeJira,
  project: string,
  status: string | null = 'Ready',
  extra: Record<string, string | null> = {},
) {
  return fake.addIssue({
    project,
    fields: { 'AI-Implement Status': status, 'AI-Implement Repo': 'jira-repo', ...extra },
  });
}
