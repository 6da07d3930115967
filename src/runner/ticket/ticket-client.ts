import type { Marker } from '../../domain/markers.ts';
import type { DispatchPayload } from '../../runners/types.ts';
import type { RunLog } from '../run-log.ts';
import type { RunnerSettings } from '../settings.ts';
import { jiraTicketClient, type JiraTicketOptions } from './jira-ticket.ts';
import { githubTicketClient } from './github-ticket.ts';
import { linearTicketClient } from './linear-ticket.ts';

/**
 * The run's ticket, as far as the runner touches it: planning comments and the PR link are
 * posted, planning context is read back, and the lifecycle marker is set before the result is
 * reported (the orchestrator sets the same marker again when it takes the result, so the
 * ticket is right even when one of the two cannot reach the tracker). Linear and Jira alike,
 * through the orchestrator's own providers (src/ticketing/), so comments are Markdown on Linear
 * and ADF on Jira, and markers are labels or the AI-Implement Status field as everywhere else.
 */
export interface TicketClient {
  /** Posts a Markdown comment; a first line `<!-- ai-implement:… -->` is kept hidden where the tracker can. */
  postComment(body: string): Promise<void>;
  /** The ticket's comments as Markdown, oldest first (at most the newest 100), hidden first line included. */
  listComments(): Promise<{ body: string; createdAt: string }[]>;
  setMarker(marker: Marker): Promise<void>;
}

/** Why there is no ticket client for this run, for the step's output. */
export type TicketAccess = { client: TicketClient } | { client: undefined; reason: string };

/** Test seams of the trackers' clients. */
export interface TicketAccessOptions {
  jira?: JiraTicketOptions;
}

/**
 * The client for the payload's ticket: Linear with LINEAR_API_KEY, Jira with the JIRA_*
 * variables; otherwise none, with the reason (the orchestrator then sets the marker alone, and
 * the ticket gets no comments from the run).
 */
export function ticketAccess(
  issue: DispatchPayload['issue'],
  settings: RunnerSettings,
  log: RunLog,
  options: TicketAccessOptions = {},
): TicketAccess {
  if (issue.provider === 'github') {
    const client = settings.githubToken
      ? githubTicketClient(issue, { ...settings, githubToken: settings.githubToken })
      : undefined;
    if (client) return { client };
    return {
      client: undefined,
      reason:
        `${issue.identifier} is not an issue of ${settings.owner}/${settings.repo} the run's GITHUB_TOKEN can update; ` +
        'the ticket gets no comments from this run and the orchestrator sets the marker',
    };
  }
  if (issue.provider === 'jira') {
    if (!settings.jira) {
      const why = settings.jiraProblem
        ? `the runner's Jira settings are incomplete (${settings.jiraProblem})`
        : 'JIRA_TOKEN (with JIRA_CLOUD_ID, or JIRA_EMAIL and JIRA_SITE_URL) is not set for the runner';
      return {
        client: undefined,
        reason: `${why}; the ticket gets no comments from this run and the orchestrator sets the marker`,
      };
    }
    return { client: jiraTicketClient(issue, settings.jira, log, options.jira) };
  }
  if (!settings.linear) {
    return {
      client: undefined,
      reason:
        'LINEAR_API_KEY is not set for the runner; ' +
        'the ticket gets no comments from this run and the orchestrator sets the marker',
    };
  }
  return { client: linearTicketClient(issue, settings.linear) };
}
