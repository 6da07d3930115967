import { LINEAR_LABELS, MARKERS } from '../../domain/markers.ts';

/**
 * The GraphQL documents the Linear provider sends, written by hand so each selects only what the
 * orchestrator reads (the SDK's generated model queries select ~170 fields). Checked against
 * Linear's published schema by the fake Linear in test/fakes/linear, which also scores each
 * document and refuses one over the cap, as Linear does. Reference:
 * https://linear.app/developers/graphql, filtering: https://linear.app/developers/filtering.
 *
 * Complexity (https://linear.app/developers/rate-limiting): each property 0.1 point, each object
 * 1 point, a connection multiplies the points of what it selects (its `nodes` and `pageInfo`) by
 * its page size (`first`, default 50); a query above 10,000 points is refused. The sums below
 * are per issue of a page; test/ticketing/linear-query-cost.test.ts scores the documents with
 * the fake's calculator and keeps these figures honest.
 */

/** Linear's cap on one query's complexity, in points. */
export const MAX_QUERY_COMPLEXITY = 10_000;

/** Every lifecycle label, so a candidate's `markers` are complete (9 labels, `CI Fixing` included). */
const LIFECYCLE_LABELS = MARKERS.map((marker) => LINEAR_LABELS[marker]);

/**
 * Stage one, per issue of a page:
 *   node 1 + id, identifier, title, url, priority, createdAt,
 *     updatedAt 7 × 0.1                                               = 1.7
 *   team { key } 1.1 + state { name type } 1.2                        = 2.3
 *   labels(filter: lifecycle names, first: 9) { nodes { name } }
 *     1 + 9 × (nodes 1 + name 0.1)                                     = 10.9
 *   pageInfo { hasNextPage endCursor }, counted per `first` as well   = 1.2
 *                                                                     ≈ 16.1 points
 * The cap allows ⌊(10,000 − 1) / 16.1⌋ = 621 issues a page. We ask for 250: 4,025 points, which
 * leaves room for Linear's own scoring to run above the published rules (it has been seen to run
 * a few hundred points over) and for a future label or field, and is the page size Linear's
 * clients commonly use. 10,000 waiting tickets take ⌈10,000 / 250⌉ = 40 requests.
 */
export const CANDIDATE_PAGE_SIZE = 250;

/** Relations read per issue in stage two; more are paged with `ISSUE_RELATIONS_QUERY`. */
export const RELATIONS_PAGE_SIZE = 10;

/** Children of the parent read for siblings (context for the agent, not a rule: cut at 25). */
const SIBLINGS_PAGE_SIZE = 25;

/**
 * Stage two (details by id), per issue of a page: the stage-one fields 16.0, plus
 *   description 0.1
 *   inverseRelations(first: 10) { nodes { type issue { summary } } pageInfo { … } }
 *     1 + 10 × (nodes 1 + type 0.1 + issue 1 + 4 × 0.1 + state 1.1 + pageInfo 1.2 = 4.8) = 49
 *   parent { summary children(first: 25) { nodes { summary } } }
 *     1 + 0.4 + state 1.1 + children (1 + 25 × 2.5 = 63.5)                               = 66
 *                                                                                       ≈ 131 points
 * ⌊10,000 / 131⌋ = 76; we ask for 50 (about 6,560 points), with the same headroom as above. A tick
 * reads details only for tickets that passed the cheap rules: one request for up to 50 free slots.
 */
export const DETAIL_PAGE_SIZE = 50;

const SUMMARY_FRAGMENT = /* GraphQL */ `
  fragment AiImplementIssueSummary on Issue {
    id
    identifier
    title
    url
    state {
      type
    }
  }
`;

const CANDIDATE_FRAGMENT = /* GraphQL */ `
  fragment AiImplementCandidate on Issue {
    id
    identifier
    title
    url
    priority
    createdAt
    updatedAt
    team {
      key
    }
    state {
      name
      type
    }
    labels(filter: $lifecycleLabels, first: ${LIFECYCLE_LABELS.length}) {
      nodes {
        name
      }
    }
  }
`;

const RELATIONS_FRAGMENT = /* GraphQL */ `
  fragment AiImplementRelations on IssueRelationConnection {
    nodes {
      type
      issue {
        ...AiImplementIssueSummary
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
`;

const ISSUE_FRAGMENT = /* GraphQL */ `
  fragment AiImplementIssue on Issue {
    ...AiImplementCandidate
    description
    # Relations pointing at this issue: a "blocks" one names an issue that blocks it.
    inverseRelations(first: ${RELATIONS_PAGE_SIZE}) {
      ...AiImplementRelations
    }
    parent {
      ...AiImplementIssueSummary
      children(first: ${SIBLINGS_PAGE_SIZE}) {
        nodes {
          ...AiImplementIssueSummary
        }
      }
    }
  }
`;

/**
 * Blocked candidates read with each stage-one page: the candidates that have a "blocked by"
 * relation (`hasBlockedByRelations`), with those relations, so the gate's dependency rule is
 * exact before any detail is read and a blocked ticket never holds a slot. Per issue:
 *   node 1 + id 0.1 + inverseRelations(first: 10) (as in stage two) 49 = 50.1 points;
 * 50 a page: 2,505 + pageInfo 60 ≈ 2,565, so a candidates page with its blocked page is
 * 4,000 + 2,565 ≈ 6,565 points, under the cap with the same headroom. The blocked pages ride
 * along with the candidate pages (one request each); 10,000 waiting tickets carry up to 2,000
 * blocked ones without a request of their own.
 */
export const BLOCKED_PAGE_SIZE = 50;

/** A page of blocked issues with their first relations: stage one's and stage two's `blocked` root. */
const BLOCKED_FRAGMENT = /* GraphQL */ `
  fragment AiImplementBlocked on IssueConnection {
    nodes {
      id
      inverseRelations(first: ${RELATIONS_PAGE_SIZE}) {
        ...AiImplementRelations
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
`;

/**
 * Issues changed since the last poll (`changedFilter`), read with the candidate pages: every issue
 * of the workspace updated at or after a time, archived ones included, so the candidate mirror
 * (candidate-mirror.ts) sees a label added or removed, a state or team change, an archive. Per
 * issue: the candidate's 16.1 + archivedAt 0.1 = 16.2; 100 a page = 1,620 points, so a request
 * with all three roots is 4,025 + 1,620 + 2,565 ≈ 8,210 points, under the cap. A poll's changes
 * are usually a handful of issues: one page.
 */
export const CHANGED_PAGE_SIZE = 100;

/**
 * Stage one, up to three roots in one request, each paged on its own and left out once its pages
 * are done: candidates matching `$filter` (`candidateFilter`), the issues changed since the last
 * poll (`$changedFilter`, `CHANGED_PAGE_SIZE`), and the blocked candidates (`$blockedFilter`,
 * `BLOCKED_PAGE_SIZE`). Reconciling asks for the candidates root only.
 */
export const CANDIDATES_QUERY = /* GraphQL */ `
  query AiImplementCandidates(
    $filter: IssueFilter!
    $first: Int!
    $after: String
    $lifecycleLabels: IssueLabelFilter!
    $withCandidates: Boolean!
    $withChanged: Boolean!
    $changedFilter: IssueFilter!
    $changedAfter: String
    $withBlocked: Boolean!
    $blockedFilter: IssueFilter!
    $blockedAfter: String
  ) {
    issues(filter: $filter, first: $first, after: $after) @include(if: $withCandidates) {
      nodes {
        ...AiImplementCandidate
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    changed: issues(
      filter: $changedFilter
      first: ${CHANGED_PAGE_SIZE}
      after: $changedAfter
      includeArchived: true
    ) @include(if: $withChanged) {
      nodes {
        ...AiImplementCandidate
        archivedAt
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    blocked: issues(filter: $blockedFilter, first: ${BLOCKED_PAGE_SIZE}, after: $blockedAfter)
      @include(if: $withBlocked) {
      ...AiImplementBlocked
    }
  }
  ${CANDIDATE_FRAGMENT}
  ${BLOCKED_FRAGMENT}
  ${RELATIONS_FRAGMENT}
  ${SUMMARY_FRAGMENT}
`;

/** Ids a stage-two root reads: Linear's largest page. */
export const DETAIL_ROOT_SIZE = 250;

/** Roots per stage-two request: up to 750 tickets in one request. */
export const DETAIL_ROOTS = 3;

/**
 * Stage two for tickets whose stage-one fields (state, labels, dependencies) the tick already
 * has: only what the run needs besides, in one request of `roots` aliased roots by id
 * (`t0`…), one root of the siblings (issues whose parent has a child among the ids), and the
 * blocked root for tickets read without their dependencies. Per issue of a root:
 *   node 1 + id, description 0.2 + state { type } 1.1 + parent { summary } 2.5  = 4.8 points;
 * a root of 250: 1,200; siblings, 250 × (node 1 + 0.4 + state 1.1 + parent { id } 1.1) + pageInfo
 * ≈ 1,200;
 * blocked (only when asked): 2,565. Three roots and the rest: 3,600 + 1,200 + 2,565 ≈ 7,370 points
 * (test/ticketing/linear-query-cost.test.ts checks it with the fake's scorer), so 750 free slots
 * take one request (before: 50 tickets a request, ~131 points each, as every ticket carried its
 * parent's 25 children). A fourth root would reach ~8,600: too little headroom.
 */
export function detailsQuery(roots: number): string {
  const variables = Array.from({ length: roots }, (_, i) => `$ids${i}: IssueFilter!`).join(' ');
  const selections = Array.from(
    { length: roots },
    (_, i) =>
      `t${i}: issues(filter: $ids${i}, first: ${DETAIL_ROOT_SIZE}) { nodes { ...AiImplementDetail } }`,
  ).join('\n');
  return /* GraphQL */ `
  query AiImplementDetails(${variables} $siblingsFilter: IssueFilter! $siblingsAfter: String
    $withBlocked: Boolean! $blockedFilter: IssueFilter!) {
    ${selections}
    siblings: issues(filter: $siblingsFilter, first: ${DETAIL_ROOT_SIZE}, after: $siblingsAfter) {
      nodes {
        ...AiImplementIssueSummary
        parent {
          id
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    blocked: issues(filter: $blockedFilter, first: ${BLOCKED_PAGE_SIZE}) @include(if: $withBlocked) {
      ...AiImplementBlocked
    }
  }
  fragment AiImplementDetail on Issue {
    id
    description
    state {
      type
    }
    parent {
      ...AiImplementIssueSummary
    }
  }
  ${BLOCKED_FRAGMENT}
  ${RELATIONS_FRAGMENT}
  ${SUMMARY_FRAGMENT}
`;
}

/** More siblings than the details request's root held: the next page of that root alone. */
export const SIBLINGS_QUERY = /* GraphQL */ `
  query AiImplementSiblings($filter: IssueFilter!, $after: String) {
    issues(filter: $filter, first: ${DETAIL_ROOT_SIZE}, after: $after) {
      nodes {
        ...AiImplementIssueSummary
        parent {
          id
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${SUMMARY_FRAGMENT}
`;

/** Stage two and reconciling: one page of issues with their details, by id (`idFilter`). */
export const ISSUES_QUERY = /* GraphQL */ `
  query AiImplementIssues(
    $filter: IssueFilter!
    $first: Int!
    $after: String
    $lifecycleLabels: IssueLabelFilter!
  ) {
    issues(filter: $filter, first: $first, after: $after) {
      nodes {
        ...AiImplementIssue
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${ISSUE_FRAGMENT}
  ${CANDIDATE_FRAGMENT}
  ${RELATIONS_FRAGMENT}
  ${SUMMARY_FRAGMENT}
`;

/**
 * The relations of one issue past the first page, so the dependency check never misses a
 * blocker: 1 + 1 + 250 × 4.8 ≈ 1,203 points.
 */
export const ISSUE_RELATIONS_QUERY = /* GraphQL */ `
  query AiImplementIssueRelations($id: String!, $after: String) {
    issue(id: $id) {
      id
      inverseRelations(first: 250, after: $after) {
        ...AiImplementRelations
      }
    }
  }
  ${RELATIONS_FRAGMENT}
  ${SUMMARY_FRAGMENT}
`;

/**
 * The `$lifecycleLabels` variable of the issue queries: an `IssueLabelFilter` matching the
 * lifecycle label names case-insensitively, as Linear compares label names.
 */
export function lifecycleLabelVariables(): { lifecycleLabels: Record<string, unknown> } {
  return { lifecycleLabels: { or: LIFECYCLE_LABELS.map((name) => ({ name: { eqIgnoreCase: name } })) } };
}

/**
 * The candidates filter: open issues (not completed/canceled/duplicate) of the given teams that
 * carry one of `labelNames`. Team keys are compared as given (Linear stores them upper-case);
 * label names case-insensitively, as Linear treats them.
 */
export function candidateFilter(teamKeys: string[], labelNames: string[]): Record<string, unknown> {
  return {
    team: { key: { in: teamKeys } },
    state: { type: { nin: ['completed', 'canceled', 'duplicate'] } },
    labels: { some: { or: labelNames.map((name) => ({ name: { eqIgnoreCase: name } })) } },
  };
}

/** Every issue updated at or after `since` (ISO 8601), in any team (https://linear.app/developers/filtering). */
export function changedFilter(since: string): Record<string, unknown> {
  return { updatedAt: { gte: since } };
}

export function idFilter(ids: string[]): Record<string, unknown> {
  return { id: { in: ids } };
}

/** The issues among `filter`'s with a "blocked by" relation (https://linear.app/developers/filtering). */
export function blockedFilter(filter: Record<string, unknown>): Record<string, unknown> {
  return { ...filter, hasBlockedByRelations: { eq: true } };
}

/** The children of the parents of `ids` (the tickets themselves among them): their siblings. */
export function siblingsFilter(ids: string[]): Record<string, unknown> {
  return { parent: { children: { some: { id: { in: ids } } } } };
}
