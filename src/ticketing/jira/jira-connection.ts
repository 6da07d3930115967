import type { JiraConfig } from '../../config/types.ts';
import { createFieldDirectory, type FieldDirectory } from './field-discovery.ts';
import { createJiraRequest, type JiraRequest, type JiraRequestOptions } from './jira-request.ts';

export interface JiraConnectionOptions extends JiraRequestOptions {
  config: JiraConfig;
  /** How long the site's field list is reused, in ms (default 10 minutes). */
  fieldCacheMs?: number;
}

/** What the provider and the admin helpers (jira-admin.ts) share: one client, one field cache. */
export interface JiraConnection {
  readonly request: JiraRequest;
  readonly fields: FieldDirectory;
  readonly logger: JiraRequestOptions['logger'];
  /** The browser link of an issue: `{JIRA_SITE_URL}/browse/{key}`. */
  issueUrl(key: string): string;
}

/**
 * A connection to one Jira Cloud site per `config` (CONTRACTS.md §1: Bearer through the
 * Atlassian gateway, or Basic to JIRA_SITE_URL when JIRA_EMAIL is set; JIRA_API_URL overrides the
 * REST base). Issue links are built from `siteUrl`; without one (Bearer auth and no
 * JIRA_SITE_URL, which the config warns about) from the REST base, the best there is.
 */
export function createJiraConnection(options: JiraConnectionOptions): JiraConnection {
  const { config, fieldCacheMs, ...requestOptions } = options;
  const request = createJiraRequest(config, requestOptions);
  const site = (config.siteUrl ?? config.apiUrl).replace(/\/+$/, '');
  return {
    request,
    fields: createFieldDirectory(request, fieldCacheMs === undefined ? {} : { cacheMs: fieldCacheMs }),
    logger: requestOptions.logger,
    issueUrl: (key) => `${site}/browse/${encodeURIComponent(key)}`,
  };
}
