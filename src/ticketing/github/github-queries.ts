import type { InstallationOctokit } from '../../github/github-app.ts';
import type { TicketComment } from '../types.ts';

/**
 * The GraphQL documents GitHub Issues as a tracker sends (https://docs.github.com/graphql),
 * built per poll with one aliased `repository` field per repository so that all GitHub-tracked
 * mappings of one App installation (one account) are read in one request.
 */

/** Issues a page of a candidate query reads per repository; GitHub's maximum `first`. */
export const GITHUB_PAGE_SIZE = 100;
/** Labels read per issue: markers, priority and a few others fit. */
const LABELS_PER_ISSUE = 30;

const SUMMARY = 'number title url state stateReason repository { nameWithOwner }';
const CANDIDATE = `${SUMMARY} createdAt labels(first: ${LABELS_PER_ISSUE}) { nodes { name } }`;

/** One aliased `issues(labels:, states: OPEN)` per repository; variables `o<i>`, `n<i>`, `a<i>`. */
export function candidatesQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$o${i}: String!, $n${i}: String!, $a${i}: String`);
  const fields = Array.from(
    { length: count },
    (_, i) =>
      `r${i}: repository(owner: $o${i}, name: $n${i}) { issues(first: ${GITHUB_PAGE_SIZE}, after: $a${i}, states: OPEN, labels: $labels) { pageInfo { hasNextPage endCursor } nodes { ${CANDIDATE} } } }`,
  );
  return `query AiImplementGitHubCandidates($labels: [String!], ${vars.join(', ')}) { ${fields.join(' ')} }`;
}

/**
 * Issues by number, aliased per repository and issue; `details` adds body, parent and the
 * parent's sub-issues (siblings). Numbers are inlined: they are integers, never user text.
 */
export function issuesByNumberQuery(repositories: { numbers: number[] }[], details: boolean): string {
  const vars = repositories.map((_, i) => `$o${i}: String!, $n${i}: String!`);
  const fields = details
    ? `${CANDIDATE} body parent { ${SUMMARY} subIssues(first: 50) { nodes { ${SUMMARY} } } }`
    : CANDIDATE;
  const repos = repositories.map(
    (repo, i) =>
      `r${i}: repository(owner: $o${i}, name: $n${i}) { ${repo.numbers
        .map((number) => `i${number}: issue(number: ${number}) { ${fields} }`)
        .join(' ')} }`,
  );
  return `query AiImplementGitHubIssues(${vars.join(', ')}) { ${repos.join(' ')} }`;
}

/**
 * An issue's comments, oldest first, the newest 100 kept (`GET
 * /repos/{owner}/{repo}/issues/{issue_number}/comments`, all pages). Octokit errors pass through.
 * https://docs.github.com/en/rest/issues/comments#list-issue-comments
 */
export async function listIssueComments(
  octokit: InstallationOctokit,
  address: { owner: string; repo: string; issue_number: number },
): Promise<TicketComment[]> {
  const comments = await octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    ...address,
    per_page: 100,
  });
  return comments.slice(-100).map((comment) => ({
    id: String(comment.id),
    body: comment.body ?? '',
    createdAt: comment.created_at,
    author: comment.user?.login,
  }));
}
