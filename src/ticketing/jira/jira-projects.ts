import { searchProjects } from 'jira.js/cloud';
import type { JiraConnection } from './jira-connection.ts';

/** One Jira project as the stepper's picker shows it: `key` as in ENG-42, `name`. */
export interface JiraProjectView {
  key: string;
  name: string;
}

/** Projects per request (Jira's maximum is 100); 50 keeps pages small. */
const PROJECTS_PAGE_SIZE = 50;
/** A site with more projects than this is listed in part: a picker of thousands helps no one. */
const PROJECTS_LIMIT = 1000;

/**
 * The projects the Jira account may browse, sorted by key, for the project stepper's picker and
 * the list a refused JQL names (`GET /rest/api/3/project/search`, every page up to 1,000
 * projects:
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get).
 * Throws `IntegrationError('jira', …)` for auth, rate limit and outage.
 */
export async function listJiraProjects(connection: JiraConnection): Promise<JiraProjectView[]> {
  const projects: JiraProjectView[] = [];
  for (let startAt = 0; projects.length < PROJECTS_LIMIT; startAt += PROJECTS_PAGE_SIZE) {
    const page = await connection.request('list projects', (client) =>
      searchProjects(client, { startAt, maxResults: PROJECTS_PAGE_SIZE, orderBy: 'key' }),
    );
    for (const project of page.values) {
      if (project.key) projects.push({ key: project.key, name: project.name ?? project.key });
    }
    if (page.isLast || page.values.length === 0) break;
  }
  return projects.slice(0, PROJECTS_LIMIT);
}

/** "projects this account can see: ENG (Engineering), OPS (Operations)", for refusals. */
export function describeJiraProjects(projects: JiraProjectView[]): string {
  if (projects.length === 0) return 'this Jira account sees no projects';
  return `projects this Jira account can see: ${projects.map((p) => `${p.key} (${p.name})`).join(', ')}`;
}
