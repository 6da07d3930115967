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

/** The roots of one stage-one read (`CANDIDATES_QUERY`): each filter given is read to its last page. */
export interface StageOneRoots {
  /** Candidates (`candidateFilter`, `idFilter`). */
  filter?: Record<string, unknown>;
  /** Issues changed since a time (`changedFilter`), archived ones included. */
  changedFilter?: Record<string, unknown>;
  /** Blocked candidates (`blockedFilter`), whose relations give the candidates' dependencies. */
  blockedFilter?: Record<string, unknown>;
}

/** What a stage-one read returned, root by root. */
export interface StageOnePages {
  candidates: TicketCandidate[];
  /** The `changed` root's issues, whatever their labels and state; `archived` when archived. */
  changed: { candidate: TicketCandidate; archived: boolean }[];
  /** The first page of each blocked candidate's "blocked by" relations, by issue id. */
  blocked: Map<string, LinearRelations>;
  /** The latest `updatedAt` among every issue read (epoch ms; Linear's clock), if any. */
  latestUpdate: number | undefined;
}

/**
 * Reads every page of the given roots of `CANDIDATES_QUERY`, the roots riding in the same
 * requests until each is done (queries.ts has the points a request costs). Throws
 * `IntegrationError` as the request does; nothing is returned from a read that failed midway.
 */
export async function readStageOne(request: LinearRequest, roots: StageOneRoots): Promise<StageOnePages> {
  const read: StageOnePages = { candidates: [], changed: [], blocked: new Map(), latestUpdate: undefined };
  const seen = (updatedAt: string) => {
    const at = Date.parse(updatedAt);
    if (read.latestUpdate === undefined || at > read.latestUpdate) read.latestUpdate = at;
  };
  const cursor = {
    after: null as string | null,
    changedAfter: null as string | null,
    blockedAfter: null as string | null,
  };
  let withCandidates = roots.filter !== undefined;
  let withChanged = roots.changedFilter !== undefined;
  let withBlocked = roots.blockedFilter !== undefined;
  while (withCandidates || withChanged || withBlocked) {
    const page: CandidatesPage = await request(
      CANDIDATES_QUERY,
      {
        filter: roots.filter ?? {},
        first: CANDIDATE_PAGE_SIZE,
        withCandidates,
        changedFilter: roots.changedFilter ?? {},
        withChanged,
        blockedFilter: roots.blockedFilter ?? {},
        withBlocked,
        ...cursor,
        ...lifecycleLabelVariables(),
      },
      CandidatesPageSchema,
    );
    if (withCandidates && page.issues) {
      for (const node of page.issues.nodes) {
        seen(node.updatedAt);
        read.candidates.push(mapCandidate(node));
      }
      cursor.after = nextCursor(page.issues.pageInfo);
      withCandidates = cursor.after !== null;
    }
    if (withChanged && page.changed) {
      for (const node of page.changed.nodes) {
        seen(node.updatedAt);
        read.changed.push({ candidate: mapCandidate(node), archived: node.archivedAt !== null });
      }
      cursor.changedAfter = nextCursor(page.changed.pageInfo);
      withChanged = cursor.changedAfter !== null;
    }
    if (withBlocked && page.blocked) {
      for (const node of page.blocked.nodes) read.blocked.set(node.id, node.inverseRelations);
      cursor.blockedAfter = nextCursor(page.blocked.pageInfo);
      withBlocked = cursor.blockedAfter !== null;
    }
  }
  return read;
}

/**
 * Sets every candidate's `dependencies` from the blocked root's relations (all of them: more
 * than the first page are read with `ISSUE_RELATIONS_QUERY`); a candidate the blocked root did
 * not list has none. Throws `IntegrationError` as the request does.
 */
export async function attachDependencies(
  request: LinearRequest,
  candidates: Iterable<TicketCandidate>,
  blocked: ReadonlyMap<string, LinearRelations>,
): Promise<void> {
  for (const candidate of candidates) {
    const relations = blocked.get(candidate.id);
    if (relations)
      candidate.dependencies = mapDependencies(await allRelations(request, candidate.id, relations));
    // Most candidates block on nothing, poll after poll: keep their empty list, no new one.
    else if (candidate.dependencies?.length !== 0) candidate.dependencies = [];
  }
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
