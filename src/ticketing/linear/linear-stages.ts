import type { Ticket, TicketCandidate } from '../../domain/ticket.ts';
import { chunks } from '../../store/chunks.ts';
import type { LinearRequest } from './linear-request.ts';
import {
  CandidatesPageSchema,
  DetailsSchema,
  IssueRelationsSchema,
  SiblingsPageSchema,
  mapCandidate,
  mapDependencies,
  mapDetails,
  type CandidatesPage,
  type LinearRelations,
  type LinearSibling,
} from './map-issue.ts';
import {
  CANDIDATE_PAGE_SIZE,
  CANDIDATES_QUERY,
  DETAIL_ROOT_SIZE,
  DETAIL_ROOTS,
  ISSUE_RELATIONS_QUERY,
  SIBLINGS_QUERY,
  blockedFilter,
  detailsQuery,
  idFilter,
  lifecycleLabelVariables,
  siblingsFilter,
} from './queries.ts';

/**
 * The two stages of the tick's fetch against Linear (docs/decisions/tick-at-scale.md), over the
 * documents in queries.ts: candidates with the dependencies of the blocked ones (stage one), and
 * the details of the tickets the gate admitted (stage two). Reference:
 * https://linear.app/developers/graphql, https://linear.app/developers/pagination.
 */

/**
 * Every page of `CANDIDATES_QUERY` for `filter`. With `withDependencies`, the blocked candidates'
 * pages come along in the same requests, and every candidate carries `dependencies` (empty for
 * one without a "blocked by" relation; complete, paged past the first ten, for the others).
 * Throws `IntegrationError` as the request does.
 */
export async function fetchCandidatePages(
  request: LinearRequest,
  filter: Record<string, unknown>,
  withDependencies: boolean,
): Promise<TicketCandidate[]> {
  const candidates: TicketCandidate[] = [];
  const blocked = new Map<string, LinearRelations>();
  let after: string | null = null;
  let blockedAfter: string | null = null;
  let withCandidates = true;
  let withBlocked = withDependencies;
  while (withCandidates || withBlocked) {
    const page: CandidatesPage = await request(
      CANDIDATES_QUERY,
      {
        filter,
        first: CANDIDATE_PAGE_SIZE,
        after,
        withCandidates,
        withBlocked,
        blockedFilter: blockedFilter(filter),
        blockedAfter,
        ...lifecycleLabelVariables(),
      },
      CandidatesPageSchema,
    );
    if (withCandidates && page.issues) {
      for (const node of page.issues.nodes) candidates.push(mapCandidate(node));
      after = nextCursor(page.issues.pageInfo);
      withCandidates = after !== null;
    }
    if (withBlocked && page.blocked) {
      for (const node of page.blocked.nodes) blocked.set(node.id, node.inverseRelations);
      blockedAfter = nextCursor(page.blocked.pageInfo);
      withBlocked = blockedAfter !== null;
    }
  }
  if (!withDependencies) return candidates;
  for (const candidate of candidates) {
    const relations = blocked.get(candidate.id);
    candidate.dependencies = relations
      ? mapDependencies(await allRelations(request, candidate.id, relations))
      : [];
  }
  return candidates;
}

/**
 * Stage two for candidates from stage one: description, parent and siblings, `DETAIL_ROOTS` ×
 * `DETAIL_ROOT_SIZE` tickets a request (the siblings root paged on its own only when it
 * overflows), and the dependencies of candidates read without them. A ticket Linear no longer
 * knows is absent from the map.
 */
export async function fetchDetails(
  request: LinearRequest,
  candidates: TicketCandidate[],
): Promise<Map<string, Ticket>> {
  const tickets = new Map<string, Ticket>();
  const perRequest = DETAIL_ROOTS * DETAIL_ROOT_SIZE;
  for (let start = 0; start < candidates.length; start += perRequest) {
    const batch = candidates.slice(start, start + perRequest);
    const ids = batch.map((candidate) => candidate.id);
    const roots = chunks(ids, DETAIL_ROOT_SIZE);
    const undetermined = batch.filter((candidate) => !candidate.dependencies).map((c) => c.id);
    const variables: Record<string, unknown> = {
      siblingsFilter: siblingsFilter(ids),
      siblingsAfter: null,
      withBlocked: undetermined.length > 0,
      blockedFilter: blockedFilter(idFilter(undetermined)),
    };
    roots.forEach((rootIds, i) => (variables[`ids${i}`] = idFilter(rootIds)));
    const page = await request(detailsQuery(roots.length), variables, DetailsSchema);
    const siblings = [...page.siblings.nodes];
    let after = nextCursor(page.siblings.pageInfo);
    while (after !== null) {
      const more = await request(SIBLINGS_QUERY, { filter: siblingsFilter(ids), after }, SiblingsPageSchema);
      siblings.push(...more.issues.nodes);
      after = nextCursor(more.issues.pageInfo);
    }
    const blocked = new Map<string, LinearRelations>();
    for (const node of page.blocked?.nodes ?? []) blocked.set(node.id, node.inverseRelations);
    const byParent = groupByParent(siblings);
    const details = [page.t0, page.t1, page.t2].flatMap((root) => root?.nodes ?? []);
    const byId = new Map(details.map((detail) => [detail.id, detail]));
    for (const candidate of batch) {
      const detail = byId.get(candidate.id);
      if (!detail) continue;
      const relations = blocked.get(candidate.id);
      const dependencies =
        candidate.dependencies ??
        (relations ? mapDependencies(await allRelations(request, candidate.id, relations)) : []);
      const family = detail.parent ? (byParent.get(detail.parent.id) ?? []) : [];
      tickets.set(candidate.id, mapDetails(candidate, detail, dependencies, family));
    }
  }
  return tickets;
}

/** The first page of an issue's inverse relations, plus the pages after it when there are more. */
export async function allRelations(
  request: LinearRequest,
  issueId: string,
  first: LinearRelations,
): Promise<LinearRelations['nodes']> {
  const relations = [...first.nodes];
  let after = nextCursor(first.pageInfo);
  while (after !== null) {
    const { issue } = await request(ISSUE_RELATIONS_QUERY, { id: issueId, after }, IssueRelationsSchema);
    relations.push(...issue.inverseRelations.nodes);
    after = nextCursor(issue.inverseRelations.pageInfo);
  }
  return relations;
}

/** The cursor of the page after this one, or null on the last page (Relay `pageInfo`). */
function nextCursor(pageInfo: { hasNextPage: boolean; endCursor: string | null }): string | null {
  return pageInfo.hasNextPage ? pageInfo.endCursor : null;
}

function groupByParent(siblings: LinearSibling[]): Map<string, LinearSibling[]> {
  const byParent = new Map<string, LinearSibling[]>();
  for (const sibling of siblings) {
    if (!sibling.parent) continue;
    const family = byParent.get(sibling.parent.id) ?? [];
    family.push(sibling);
    byParent.set(sibling.parent.id, family);
  }
  return byParent;
}
