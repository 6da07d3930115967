import { Octokit } from 'octokit';
import type { DispatchPayload } from '../../runners/types.ts';
import { parseIssueRef } from '../../ticketing/github/github-issue-fields.ts';
import { createGitHubIssuesProvider } from '../../ticketing/github/github-issues-provider.ts';
import type { TicketRef } from '../../ticketing/types.ts';
import type { RunnerSettings } from '../settings.ts';
import type { TicketClient } from './ticket-client.ts';

/** Retries off (a retried create could comment twice), as the runner's other GitHub calls. */
const RunnerOctokit = Octokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } });

/**
 * The ticket client of a GitHub issue in the run's own repository, through the orchestrator's
 * GitHub Issues provider (labels found or created the same way) with the run's installation
 * token (GITHUB_TOKEN), and the REST comments list. Undefined when the issue lives in another
 * repository: the run's token is scoped to its own (the orchestrator still sets the marker).
 * REST: https://docs.github.com/rest/issues/comments#list-issue-comments
 */
export function githubTicketClient(
  issue: DispatchPayload['issue'],
  settings: Pick<RunnerSettings, 'owner' | 'repo' | 'githubApiUrl'> & { githubToken: string },
): TicketClient | undefined {
  const ref = parseIssueRef(issue.identifier);
  if (
    !ref ||
    `${ref.owner}/${ref.repo}`.toLowerCase() !== `${settings.owner}/${settings.repo}`.toLowerCase()
  ) {
    return undefined;
  }
  const octokit = new RunnerOctokit({ auth: settings.githubToken, baseUrl: settings.githubApiUrl });
  const provider = createGitHubIssuesProvider({
    github: { repoOctokit: () => Promise.resolve(octokit as never) },
  });
  const ticket: TicketRef = { id: issue.id, identifier: issue.identifier, teamKey: '' };
  return {
    postComment: (body) => provider.postComment(ticket, body),
    async listComments() {
      const comments = await octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner: ref.owner,
        repo: ref.repo,
        issue_number: ref.number,
        per_page: 100,
      });
      return comments.slice(-100).map((c) => ({ body: c.body ?? '', createdAt: c.created_at }));
    },
    setMarker: (marker) => provider.setMarker(ticket, marker),
  };
}
