import type { PullRef, RepoApi } from './github-api.ts';
import type { Remote } from './remote.ts';
import type { RunLog } from './run-log.ts';
import type { TicketAccess } from './ticket/ticket-client.ts';

/**
 * A shadow run (payload `shadow: true`, RUNNER_MODE=shadow — docs/decisions/fly-machines.md):
 * every step runs as usual, the agent included, and the result is reported; but what would reach
 * other people is not done. The clients the steps write through are wrapped here, so no step
 * needs to know: reads (clone, the PR, comments, the ticket's comments) go through; the push,
 * the pull request, PR comments and ticket comments and markers are logged and skipped. The
 * primary run on GitHub Actions does all of those for real.
 */

/** The pull request a shadow run did not open: number 0, no URL (so its result names none). */
const SHADOW_PULL_NUMBER = 0;

/** The remote: clones, never pushes. */
export function shadowRemote(remote: Remote, log: RunLog): Remote {
  return {
    clone: (checkout) => remote.clone(checkout),
    async push(_checkout, options) {
      log.info(`shadow run: not pushing ${options.sha.slice(0, 12)} to ${options.branch}`);
    },
  };
}

/** GitHub: reads go through; a PR is not opened and no comment is written. */
export function shadowRepoApi(github: RepoApi, log: RunLog): RepoApi {
  return {
    findOpenPull: (head, base) => github.findOpenPull(head, base),
    async getPull(number) {
      if (number === SHADOW_PULL_NUMBER) return shadowPull('', '');
      return github.getPull(number);
    },
    async createPull(input): Promise<PullRef> {
      log.info(`shadow run: not opening a pull request from ${input.head} into ${input.base}`);
      return shadowPull(input.head, input.base);
    },
    async listComments(issueNumber) {
      return issueNumber === SHADOW_PULL_NUMBER ? [] : github.listComments(issueNumber);
    },
    async upsertMarkedComment(issueNumber, _marker, body) {
      const text = body('');
      log.info(`shadow run: not commenting on #${issueNumber} (${text.length} characters)`);
      return { id: 0, body: text, url: '', author: '', authorType: 'Bot', createdAt: '', created: false };
    },
  };
}

function shadowPull(head: string, base: string): PullRef {
  return { number: SHADOW_PULL_NUMBER, url: '', headRef: head, baseRef: base, state: 'shadow' };
}

/** The ticket: comments are read, nothing is posted and no marker is set. */
export function shadowTicket(access: TicketAccess, log: RunLog): TicketAccess {
  const client = access.client;
  if (!client) return access;
  return {
    client: {
      listComments: () => client.listComments(),
      async postComment(body) {
        log.info(`shadow run: not commenting on the ticket (${body.length} characters)`);
      },
      async setMarker(marker) {
        log.info(`shadow run: not setting the ticket's marker ${marker}`);
      },
    },
  };
}
