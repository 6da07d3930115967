import { isAuthError } from 'jira.js/core';
import { IntegrationError } from '../../domain/errors.ts';
import type { Mapping } from '../../domain/mapping.ts';
import { JIRA_STATUS_VALUES } from '../../domain/markers.ts';
import type { TicketCandidate } from '../../domain/ticket.ts';
import type { FieldDirectory } from './field-discovery.ts';
import type { FullReads, JiraCandidateMirror, MirrorOutcome } from './jira-candidate-mirror.ts';
import { planSearches, searchBatch, type ResolvedMapping } from './jira-grouped-search.ts';
import { slimCandidateIssue } from './issue-projection.ts';
import type { JiraLogger, JiraRequest } from './jira-request.ts';
import { CANDIDATE_SEARCH_PAGE_SIZE, searchAll } from './jira-search.ts';
import { candidateJql, singleProjectOf } from './jql.ts';
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
  /** Keeps the single-project mappings' candidates between polls (delta polling); without it, every poll reads all. */
  mirror?: JiraCandidateMirror;
  /** An issue read by id earlier (reconcile's states), when it is still at stamp `updated`. */
  readById?: FullReads<MappingFailure>['readById'];
}

/** What one mapping's search gave this poll: its issues, or why it has none. */
type Outcome = MirrorOutcome<MappingFailure>;

/**
 * Stage one of the tick's fetch: the `Ready` issues of each Jira mapping with only the cheap
 * `CANDIDATE_FIELDS` (no description, links or parent: `getTickets` reads those for the tickets
 * that pass the cheap rules), in pages of `CANDIDATE_SEARCH_PAGE_SIZE`. Mappings whose scope is
 * exactly one project and that share their status and repo fields are searched together, up to
 * 100 a search (jira-grouped-search.ts: 500 such mappings take 5 searches, not 500); any other
 * mapping has a search of its own with its JQL (enhanced search, `POST /rest/api/3/search/jql`:
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post).
 * A mapping-specific failure — its JQL is invalid, its fields are ambiguous, a project it names
 * is forbidden (403) or unknown — skips that mapping only: it is returned in `failures` and the
 * others go on (a grouped search that fails so is retried, this poll, as one search per mapping
 * of its group, so the failure is pinned on the mapping that caused it). A failure that concerns
 * the whole site (401 credentials, rate limit, Jira down) stops at once and throws, as does a
 * poll in which every mapping failed. An issue two mappings match is reported once, for the first
 * in mapping order (a warning names the overlap). With `deps.mirror`, the single-project mappings
 * are read through it (a delta search a poll, a rolling twentieth in full: jira-candidate-mirror.ts);
 * the others keep their own full search every poll, as arbitrary JQL cannot be evaluated here.
 */
export async function fetchCandidatesByMapping(
  deps: CandidateDeps,
  mappings: Mapping[],
): Promise<{ tickets: TicketCandidate[]; failures: MappingFailure[] }> {
  const jiraMappings = mappings.filter((mapping) => mapping.ticketingProvider === 'jira');
  const outcomes = new Map<number, Outcome>();
  const resolved: ResolvedMapping[] = [];
  for (const [index, mapping] of jiraMappings.entries()) {
    try {
      const config = mapping.ticketingConfig;
      if (config.kind !== 'jira') {
        throw new IntegrationError(
          'jira',
          'invalid',
          'ticketingConfig.kind must be "jira" for a Jira mapping',
        );
      }
      resolved.push({ index, mapping, config, fields: await deps.fields.forConfig(config) });
    } catch (caught) {
      outcomes.set(index, { failure: mappingFailure(mapping, caught, '') });
    }
  }
  const mirrored = deps.mirror
    ? resolved.filter((entry) => singleProjectOf(entry.config.jql) !== undefined)
    : [];
  const own = mirrored.length > 0 ? resolved.filter((entry) => !mirrored.includes(entry)) : resolved;
  if (deps.mirror && mirrored.length > 0) {
    const reads: FullReads<MappingFailure> = {
      read: (entries: ResolvedMapping[]) => readInFull(deps, entries),
      isSiteWide: affectsEveryMapping,
      readById: deps.readById,
    };
    for (const [index, outcome] of await deps.mirror.poll(mirrored, reads)) outcomes.set(index, outcome);
  }
  for (const [index, outcome] of await readInFull(deps, own)) outcomes.set(index, outcome);

  // Issue id → the team key of the mapping that has it; the candidates in the same pass (no
  // object per issue and poll: ten thousand at 500 mappings, promoted with the tick).
  const handledBy = new Map<string, string>();
  const tickets: TicketCandidate[] = [];
  const failures: MappingFailure[] = [];
  for (const [index, mapping] of jiraMappings.entries()) {
    const outcome = outcomes.get(index);
    if (!outcome) continue;
    if ('failure' in outcome) {
      failures.push(outcome.failure);
      continue;
    }
    for (const issue of outcome.issues) {
      const earlier = handledBy.get(issue.id);
      if (earlier !== undefined) {
        deps.logger?.warn(
          { issue: issue.key, mappings: [earlier, mapping.teamKey] },
          `Jira issue matches two mappings; it is handled by ${earlier} only. Narrow their JQL or repo values so each issue matches one`,
        );
        continue;
      }
      handledBy.set(issue.id, mapping.teamKey);
      tickets.push(candidateOf(deps, issue, mapping.teamKey, outcome.statusFieldId));
    }
  }
  if (jiraMappings.length > 0 && failures.length === jiraMappings.length) throw allFailed(failures);
  for (const failure of failures) {
    deps.logger?.warn(
      { mapping: failure.teamKey, category: failure.error.category, err: failure.error.message },
      'Jira mapping skipped this poll; the other mappings go on',
    );
  }

  return { tickets, failures };
}

/**
 * `issue` as a candidate of the mapping `teamKey`: the mirror hands back the same issue objects
 * poll after poll, so each is mapped (and validated) once.
 */
function candidateOf(
  deps: CandidateDeps,
  issue: JiraIssue,
  teamKey: string,
  statusFieldId: string,
): TicketCandidate {
  const earlier = mappedCandidates.get(issue);
  if (earlier?.teamKey === teamKey && earlier.statusFieldId === statusFieldId) return earlier.ticket;
  const ticket = mapCandidate(issue, { statusFieldId, teamKey, issueUrl: deps.issueUrl });
  mappedCandidates.set(issue, { teamKey, statusFieldId, ticket });
  return ticket;
}

/**
 * Candidates mapped from an issue object, by that object: the mirror keeps unchanged issues'
 * objects across polls (a read that returns an issue unchanged keeps the earlier object), so an
 * unchanged issue is not validated again and its candidate is the same object poll after poll,
 * as the Linear mirror's are — callers must not change it.
 */
const mappedCandidates = new WeakMap<
  JiraIssue,
  { teamKey: string; statusFieldId: string; ticket: TicketCandidate }
>();

/**
 * The searches of `entries` (`planSearches`: grouped, or one per mapping), by mapping index. A
 * grouped search a mapping-specific error fails is retried as one search per mapping of its
 * group, this poll only. Throws site-wide errors.
 */
async function readInFull(deps: CandidateDeps, entries: ResolvedMapping[]): Promise<Map<number, Outcome>> {
  const outcomes = new Map<number, Outcome>();
  for (const batch of planSearches(entries)) {
    const [only] = batch;
    if (batch.length === 1 && only) {
      outcomes.set(only.index, await searchOne(deps, only));
      continue;
    }
    let issues: JiraIssue[][];
    try {
      issues = await searchBatch(deps.request, batch);
    } catch (caught) {
      if (!(caught instanceof IntegrationError) || affectsEveryMapping(caught)) throw caught;
      // A project deleted or forbidden, an option removed: find out which mapping, this poll only.
      deps.logger?.warn(
        { mappings: batch.map((entry) => entry.mapping.teamKey), err: caught.message },
        'Jira grouped search failed; searching these mappings one by one this poll',
      );
      for (const entry of batch) outcomes.set(entry.index, await searchOne(deps, entry));
      continue;
    }
    batch.forEach((entry, position) =>
      outcomes.set(entry.index, { issues: issues[position] ?? [], statusFieldId: entry.fields.status.id }),
    );
  }
  return outcomes;
}

/** One mapping's own search (its JQL, status and repo clauses), or its failure. Throws site-wide errors. */
async function searchOne(deps: CandidateDeps, entry: ResolvedMapping): Promise<Outcome> {
  const { config, fields } = entry;
  const jql = candidateJql(config.jql, fields, JIRA_STATUS_VALUES.ready, config.repoFieldValue);
  try {
    const issues = await searchAll(deps.request, jql, [...CANDIDATE_FIELDS, fields.status.id], {
      pageSize: CANDIDATE_SEARCH_PAGE_SIZE,
      keep: (issue) => slimCandidateIssue(issue, fields.status.id, fields.repo.id),
    });
    return { issues, statusFieldId: fields.status.id };
  } catch (caught) {
    // Names the mapping's JQL in a search error: Jira's positions count in the combined query.
    const context = ` (searching with its JQL ${JSON.stringify(config.jql)})`;
    return { failure: mappingFailure(entry.mapping, caught, context) };
  }
}

/** `caught` as this mapping's failure; rethrows what is not an `IntegrationError` or is site-wide. */
function mappingFailure(mapping: Mapping, caught: unknown, context: string): MappingFailure {
  if (!(caught instanceof IntegrationError) || affectsEveryMapping(caught)) throw caught;
  const error = new IntegrationError(
    'jira',
    caught.category,
    `Jira mapping ${mapping.teamKey}${context}: ${caught.message}`,
    { cause: caught },
  );
  return { teamKey: mapping.teamKey, error };
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
