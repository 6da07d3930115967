import type { FakeJiraData } from './fake-jira-data.ts';
import type { ProjectDenial } from './fake-jira-search.ts';

/** What every route of the fake Jira gets, and how it answers. */

export interface RouteContext {
  data: FakeJiraData;
  denied: ReadonlyMap<string, ProjectDenial>;
  /** Field ids not on any edit screen: writing them fails as in Jira. */
  hiddenFields: ReadonlySet<string>;
  baseUrl: string;
  /** Largest page the search hands out, whatever `maxResults` asks (Jira may return fewer). */
  maxPageSize: number;
  pageTokens: Map<string, { jql: string; offset: number }>;
  rejections: string[];
}

export interface Reply {
  status: number;
  body?: unknown;
}

export const jiraError = (
  status: number,
  errorMessages: string[],
  errors: Record<string, string> = {},
): Reply => ({
  status,
  body: { errorMessages, errors },
});
