import {
  createClient,
  type Client,
  type SchemaMismatchBehavior,
  type SchemaMismatchReport,
} from 'jira.js/core';
import type { JiraConfig } from '../../config/types.ts';
import { IntegrationError } from '../../domain/errors.ts';
import { observeRequest, type RequestObserver } from '../../domain/outbound-requests.ts';
import { createRetrier, type RetryLogger, type RetryOptions } from '../retry-policy.ts';
import { toIntegrationError } from './jira-errors.ts';

/** Retry policy for 429, 5xx and network failures: see src/ticketing/retry-policy.ts. */
export type JiraRetryOptions = RetryOptions;

/** The pino-compatible slice of a logger the provider uses. */
export type JiraLogger = RetryLogger;

export interface JiraRequestOptions {
  retry?: JiraRetryOptions;
  /** Waits for a server-requested delay (Retry-After); tests pass a fast one. */
  sleep?: (ms: number) => Promise<void>;
  logger?: JiraLogger;
  /**
   * What jira.js does with a 2xx body its zod models reject: `'throw'` (tests: the fake must
   * answer exactly as Jira documents), `'warn'`/`'silent'`, or by default a warning through
   * `logger` once per endpoint and path, the body used as received — Jira's shapes vary by site.
   */
  onSchemaMismatch?: 'throw' | 'warn' | 'silent';
  /** Told of every request and rate-limit wait (`GET /metrics`). */
  observer?: RequestObserver;
}

/**
 * Sends one call through jira.js and returns its result. `what` names the call for logs;
 * `send` gets the jira.js client. Throws `IntegrationError` (jira-errors.ts).
 */
export type JiraRequest = <T>(what: string, send: (client: Client) => Promise<T>) => Promise<T>;

/**
 * A jira.js client for `config` — Bearer auth through the Atlassian gateway
 * (`https://api.atlassian.com/ex/jira/{cloudId}`) or Basic auth (email + API token) to the
 * site, `config.apiUrl` being the REST base either way — wrapped so every failure becomes an
 * `IntegrationError` and rate-limited or transient ones are retried a bounded number of times,
 * waiting out `Retry-After`. jira.js's own retry stays off: it never honours 429.
 * Rate limits: https://developer.atlassian.com/cloud/jira/platform/rate-limiting/
 */
export function createJiraRequest(config: JiraConfig, options: JiraRequestOptions = {}): JiraRequest {
  const client = jiraClient(config, schemaMismatchBehavior(options));
  const withRetries = createRetrier({ service: 'Jira', provider: 'jira', ...options });

  return async function request<T>(what: string, send: (client: Client) => Promise<T>): Promise<T> {
    const attempt = () =>
      observeRequest(options.observer, { provider: 'jira', operation: what }, async () => {
        try {
          return await send(client);
        } catch (error) {
          throw toIntegrationError(error, config.auth);
        }
      });
    return withRetries(attempt, { call: what });
  };
}

/** jira.js validates its configuration with zod; a bad email or URL becomes a message naming the variable. */
function jiraClient(config: JiraConfig, onSchemaMismatch: SchemaMismatchBehavior): Client {
  try {
    const client = createClient({
      host: config.apiUrl,
      auth:
        config.auth === 'basic'
          ? { type: 'basic', email: config.email, apiToken: config.token }
          : { type: 'bearer', token: config.token },
      onSchemaMismatch,
    });
    return onSchemaMismatch === 'throw' ? client : withUncheckedSearches(client);
  } catch (error) {
    const hint =
      config.auth === 'basic'
        ? 'JIRA_EMAIL must be an email address and JIRA_SITE_URL (or JIRA_API_URL) an https URL'
        : 'JIRA_API_URL (or the URL derived from JIRA_CLOUD_ID) must be an https URL';
    throw new IntegrationError('jira', 'invalid', `Jira is misconfigured: ${hint}`, { cause: error });
  }
}

/** The enhanced search (`POST /rest/api/3/search/jql`): each poll's hot path. */
const SEARCH_URL = '/rest/api/3/search/jql';

/**
 * `client` without jira.js's check of the enhanced search's responses. Unless told to throw,
 * jira.js uses a body its zod models reject as received and only warns, yet the check parses
 * each page into a copy first: at 500 projects × 20 that was ~4.5 MB of objects and a fifth of
 * the tick's allocation every poll, to tell nothing the product reads. What the product reads of
 * a search is checked where it is read: each issue's shape (`parseIssues`, jira-search.ts) and
 * each field it uses (map-issue.ts). Other endpoints (rare) keep jira.js's check and warning.
 * A `Client` is anything with `sendRequest` (jira.js/core).
 */
function withUncheckedSearches(client: Client): Client {
  return {
    sendRequest: (options) =>
      client.sendRequest(options.url === SEARCH_URL ? { ...options, schema: undefined } : options),
  };
}

function schemaMismatchBehavior(options: JiraRequestOptions): SchemaMismatchBehavior {
  if (options.onSchemaMismatch) return options.onSchemaMismatch;
  const { logger } = options;
  if (!logger) return 'warn';
  const reported = new Set<string>();
  return (report: SchemaMismatchReport) => {
    const fresh = report.issues.filter((issue) => !reported.has(`${report.endpoint} ${issue.path}`));
    if (fresh.length === 0) return;
    for (const issue of fresh) reported.add(`${report.endpoint} ${issue.path}`);
    logger.warn(
      { endpoint: report.endpoint, issues: fresh },
      'Jira answered in a shape jira.js does not describe; using the response as received',
    );
  };
}
