import { isAuthError } from 'jira.js/core';
import { IntegrationError } from '../../domain/errors.ts';
import type { Mapping } from '../../domain/mapping.ts';
import { JIRA_STATUS_VALUES } from '../../domain/markers.ts';
import type { TicketCandidate } from '../../domain/ticket.ts';
import type { FieldDirectory } from './field-discovery.ts';
import type { JiraLogger, JiraRequest } from './jira-request.ts';
import { CANDIDATE_SEARCH_PAGE_SIZE, searchAll } from './jira-search.ts';
import { candidateJql } from './jql.ts';
import { CANDIDATE_FIELDS, mapCandidate, type JiraIssue } from './map-issue.ts';

/** A Jira mapping whose candidates could not be read this poll, and why. */
export interface MappingFailure {
  teamKey: string;
  error: IntegrationError;
}

export interface CandidateDeps {
  request: JiraRequest;
  fields: FieldDirectory;
  issueUrl(key: string): string;
  logger?: JiraLogger;
}

interface Found {
  issue: JiraIssue;
  teamKey: string;
  statusFieldId: string;
}

/**
 * Stage one of the tick's fetch: the `Ready` issues of each Jira mapping with only the cheap
 * `CANDIDATE_FIELDS` (no description, links or parent: `getTickets` reads those for the tickets
 * that pass the cheap rules), one search per mapping (each has its own JQL and repo value, so
 * they cannot share a query), in pages of `CANDIDATE_SEARCH_PAGE_SIZE`.
 * A mapping-specific failure — its JQL is invalid, its fields are ambiguous, a project it names
 * is forbidden (403) or unknown — skips that mapping only: it is returned in `failures` and the
 * others go on. A failure that concerns the whole site (401 credentials, rate limit, Jira down)
 * stops at once and throws, as does a poll in which every mapping failed. An issue two mappings
 * match is reported once, for the first (a warning names the overlap).
 */
export async function fetchCandidatesByMapping(
  deps: CandidateDeps,
  mappings: Mapping[],
): Promise<{ tickets: TicketCandidate[]; failures: MappingFailure[] }> {
  const jiraMappings = mappings.filter((mapping) => mapping.ticketingProvider === 'jira');
  const found = new Map<string, Found>();
  const failures: MappingFailure[] = [];
  for (const mapping of jiraMappings) {
    let issues: JiraIssue[];
    let statusFieldId: string;
    // Names the mapping's JQL in a search error: Jira's positions count in the combined query.
    let context = '';
    try {
      const config = mapping.ticketingConfig;
      if (config.kind !== 'jira') {
        throw new IntegrationError(
          'jira',
          'invalid',
          'ticketingConfig.kind must be "jira" for a Jira mapping',
        );
      }
      const fields = await deps.fields.forConfig(config);
      statusFieldId = fields.status.id;
      const jql = candidateJql(config.jql, fields, JIRA_STATUS_VALUES.ready, config.repoFieldValue);
      context = ` (searching with its JQL ${JSON.stringify(config.jql)})`;
      issues = await searchAll(deps.request, jql, [...CANDIDATE_FIELDS, fields.status.id], {
        pageSize: CANDIDATE_SEARCH_PAGE_SIZE,
      });
    } catch (caught) {
      if (!(caught instanceof IntegrationError) || affectsEveryMapping(caught)) throw caught;
      const error = new IntegrationError(
        'jira',
        caught.category,
        `Jira mapping ${mapping.teamKey}${context}: ${caught.message}`,
        {
          cause: caught,
        },
      );
      failures.push({ teamKey: mapping.teamKey, error });
      continue;
    }
    for (const issue of issues) {
      const earlier = found.get(issue.id);
      if (earlier) {
        deps.logger?.warn(
          { issue: issue.key, mappings: [earlier.teamKey, mapping.teamKey] },
          `Jira issue matches two mappings; it is handled by ${earlier.teamKey} only. Narrow their JQL or repo values so each issue matches one`,
        );
        continue;
      }
      found.set(issue.id, { issue, teamKey: mapping.teamKey, statusFieldId });
    }
  }
  if (jiraMappings.length > 0 && failures.length === jiraMappings.length) throw allFailed(failures);
  for (const failure of failures) {
    deps.logger?.warn(
      { mapping: failure.teamKey, category: failure.error.category, err: failure.error.message },
      'Jira mapping skipped this poll; the other mappings go on',
    );
  }

  const tickets = [...found.values()].map(({ issue, teamKey, statusFieldId }) =>
    mapCandidate(issue, { statusFieldId, teamKey, issueUrl: deps.issueUrl }),
  );
  return { tickets, failures };
}

/** Credentials (401), rate limits and outages are the site's, not one mapping's: stop the poll. */
function affectsEveryMapping(error: IntegrationError): boolean {
  return error.category === 'rate_limited' || error.category === 'transient' || isAuthError(error.cause);
}

function allFailed(failures: MappingFailure[]): IntegrationError {
  const [first] = failures;
  if (failures.length === 1 && first) return first.error;
  return new IntegrationError(
    'jira',
    first?.error.category ?? 'invalid',
    `Every Jira mapping failed: ${failures.map((failure) => failure.error.message).join(' | ')}`,
    { cause: first?.error },
  );
}
