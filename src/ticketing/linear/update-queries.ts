/**
 * The GraphQL documents the Linear provider sends besides the two-stage fetch (queries.ts): a
 * marker change and what it needs, the done state after a merge, labels, comments, the viewer
 * and the team list. Written by hand, checked against Linear's published schema by the fake
 * Linear (test/fakes/linear). Reference: https://linear.app/developers/graphql.
 */

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

/** The newest comments of one issue (`Issue.comments`), with their author. */
export const ISSUE_COMMENTS_QUERY = /* GraphQL */ `
  query AiImplementIssueComments($id: String!, $first: Int!) {
    issue(id: $id) {
      comments(first: $first) {
        nodes {
          id
          body
          createdAt
          user {
            name
          }
        }
      }
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

/** Teams read per page by `TEAMS_QUERY`: 100 × (node 1 + key, name 0.2) + pageInfo ≈ 240 points. */
export const TEAMS_PAGE_SIZE = 100;

/** The teams the API key can see, for the project stepper's team picker and the team-key check. */
export const TEAMS_QUERY = /* GraphQL */ `
  query AiImplementTeams($first: Int!, $after: String) {
    teams(first: $first, after: $after) {
      nodes {
        key
        name
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
