/**
 * The GraphQL documents the Linear provider sends, written by hand so each selects only what the
 * orchestrator reads (the SDK's generated model queries select ~170 fields). Checked against
 * Linear's published schema by the fake Linear in test/fakes/linear. Reference:
 * https://linear.app/developers/graphql, filtering: https://linear.app/developers/filtering.
 *
 * Page sizes keep every query under Linear's 10,000-point complexity cap (each object 1 point,
 * each property 0.1, a connection multiplies its children by `first`; see
 * https://linear.app/developers/rate-limiting): an issue costs about 190 points with the nested
 * limits below, so a page of 25 stays near 5,000.
 */

/** Issues per page of `issues` (candidates and getTickets). */
export const ISSUE_PAGE_SIZE = 25;

const ISSUE_FIELDS = /* GraphQL */ `
  fragment AiImplementIssueSummary on Issue {
    id
    identifier
    title
    url
    state {
      type
    }
  }

  fragment AiImplementIssue on Issue {
    id
    identifier
    title
    description
    url
    priority
    createdAt
    team {
      key
    }
    state {
      name
      type
    }
    labels(first: 25) {
      nodes {
        name
      }
    }
    # Relations pointing at this issue: a "blocks" one names an issue that blocks it.
    inverseRelations(first: 25) {
      nodes {
        type
        issue {
          ...AiImplementIssueSummary
        }
      }
    }
    parent {
      ...AiImplementIssueSummary
      children(first: 25) {
        nodes {
          ...AiImplementIssueSummary
        }
      }
    }
  }
`;

/** One page of issues matching `$filter` (an `IssueFilter`); used for candidates and by id. */
export const ISSUES_QUERY = /* GraphQL */ `
  query AiImplementIssues($filter: IssueFilter!, $first: Int!, $after: String) {
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
  ${ISSUE_FIELDS}
`;

/**
 * What changing an issue's marker needs, in one request: its labels and team; the team's and the
 * workspace's label named `$labelName` (unless its id is cached); the team's started states.
 */
export const MARKER_CONTEXT_QUERY = /* GraphQL */ `
  query AiImplementMarkerContext(
    $issueId: String!
    $labelName: String!
    $lookupLabel: Boolean!
    $withStartedStates: Boolean!
  ) {
    issue(id: $issueId) {
      id
      state {
        id
      }
      labels(first: 50) {
        nodes {
          id
          name
        }
      }
      team {
        id
        key
        labels(filter: { name: { eqIgnoreCase: $labelName } }, first: 5) @include(if: $lookupLabel) {
          nodes {
            id
            name
          }
        }
        states(filter: { type: { eq: "started" } }, first: 50) @include(if: $withStartedStates) {
          nodes {
            id
            position
          }
        }
      }
    }
    workspaceLabels: issueLabels(
      filter: { name: { eqIgnoreCase: $labelName }, team: { null: true } }
      first: 5
    ) @include(if: $lookupLabel) {
      nodes {
        id
        name
      }
    }
  }
`;

/** An issue's state and its team's completed states, to mark the issue done after its PR merged. */
export const DONE_STATES_QUERY = /* GraphQL */ `
  query AiImplementDoneStates($issueId: String!) {
    issue(id: $issueId) {
      id
      state {
        id
        type
      }
      team {
        key
        states(filter: { type: { eq: "completed" } }, first: 50) {
          nodes {
            id
            position
          }
        }
      }
    }
  }
`;

export const CREATE_LABEL_MUTATION = /* GraphQL */ `
  mutation AiImplementCreateLabel($input: IssueLabelCreateInput!) {
    issueLabelCreate(input: $input) {
      success
      issueLabel {
        id
        name
      }
    }
  }
`;

/** Adds and removes labels (and optionally moves the state) in one atomic update. */
export const UPDATE_ISSUE_MUTATION = /* GraphQL */ `
  mutation AiImplementUpdateIssue($id: String!, $input: IssueUpdateInput!) {
    issueUpdate(id: $id, input: $input) {
      success
    }
  }
`;

export const CREATE_COMMENT_MUTATION = /* GraphQL */ `
  mutation AiImplementCreateComment($input: CommentCreateInput!) {
    commentCreate(input: $input) {
      success
    }
  }
`;

export const VIEWER_QUERY = /* GraphQL */ `
  query AiImplementViewer {
    viewer {
      id
      name
    }
  }
`;

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

export function idFilter(ids: string[]): Record<string, unknown> {
  return { id: { in: ids } };
}
