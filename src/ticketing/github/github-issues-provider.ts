import { IntegrationError } from '../../domain/errors.ts';
import type { Mapping } from '../../domain/mapping.ts';
import { LINEAR_LABELS, markerForLinearLabel, type Marker } from '../../domain/markers.ts';
import type { Ticket, TicketCandidate, TicketDependency } from '../../domain/ticket.ts';
import { isTerminal } from '../../domain/ticket.ts';
import type { GitHubAppClient, InstallationOctokit } from '../../github/github-app.ts';
import { toGitHubError } from '../../github/errors.ts';
import type { TicketingProvider, TicketRef } from '../types.ts';
import {
  issueRef,
  parseIssueRef,
  stateTypeOf,
  toCandidate,
  toSummary,
  type GraphqlIssueCandidate,
  type GraphqlIssueSummary,
} from './github-issue-fields.ts';
import { candidatesQuery, issuesByNumberQuery, listIssueComments } from './github-queries.ts';

export interface GitHubIssuesProviderOptions {
  /**
   * An Octokit acting on a repository: the orchestrator's GitHub App client (installation token
   * per account), or the runner's token for its own repository. `getApp` backs `checkConnection`.
   */
  github: Pick<GitHubAppClient, 'repoOctokit'> & Partial<Pick<GitHubAppClient, 'getApp'>>;
  /** The saved mappings, to give a ticket read by id (after a restart) its mapping's team key. */
  listMappings?: () => Promise<Mapping[]>;
}

/** A mapping whose tickets are GitHub issues: `ticketingConfig.repository` or the mapping's own repo. */
interface GitHubTrackedMapping {
  teamKey: string;
  owner: string;
  repo: string;
  ticketingProvider: string;
  ticketingConfig?: { kind: string; repository?: string } | undefined;
}

/** The `owner/repo` whose issues a GitHub-tracked mapping reads. */
export function issueRepositoryOf(mapping: GitHubTrackedMapping): string {
  return mapping.ticketingConfig?.repository ?? `${mapping.owner}/${mapping.repo}`;
}

type GraphqlDetail = GraphqlIssueCandidate & {
  body: string | null;
  parent: (GraphqlIssueSummary & { subIssues: { nodes: GraphqlIssueSummary[] } }) | null;
};

const READY_LABELS = [LINEAR_LABELS.ready, LINEAR_LABELS.planApproved];

/**
 * GitHub Issues as a tracker (issue 18; docs/decisions/github-issues.md), through the project's
 * GitHub App: an installation token per account (`repoOctokit`). Candidates: one GraphQL request
 * per account and page for every GitHub-tracked mapping (`repository { issues(labels, states:
 * OPEN) }` aliased per repository). Details: one GraphQL request by number (body, parent, the
 * parent's sub-issues), plus `GET …/issues/{n}/dependencies/blocked_by` per ticket — GitHub's
 * published GraphQL schema has no dependencies field yet. Markers are labels (§2's Linear names),
 * created on first use; done = closed as completed. Every failure is an `IntegrationError`.
 * GitHub: https://docs.github.com/rest/issues and https://docs.github.com/graphql
 */
export function createGitHubIssuesProvider(options: GitHubIssuesProviderOptions): TicketingProvider {
  const { github, listMappings } = options;
  /** Repository (lower case) → the teamKey of the mapping that last polled it (capacity bucket). */
  const teamKeys = new Map<string, string>();
  /** Repository labels known to exist (`owner/repo:name`, lower case): create each once. */
  const knownLabels = new Set<string>();

  async function octokitFor(owner: string, repo: string, action: string): Promise<InstallationOctokit> {
    try {
      return await github.repoOctokit(owner, repo);
    } catch (error) {
      throw toGitHubError(error, { action, repository: `${owner}/${repo}` });
    }
  }

  /** Runs a GraphQL document; GitHub's NOT_FOUND errors leave their fields null instead of throwing. */
  async function graphql<T>(
    octokit: InstallationOctokit,
    query: string,
    variables: Record<string, unknown>,
    action: string,
  ): Promise<T> {
    try {
      return await octokit.graphql<T>(query, variables);
    } catch (error) {
      const partial = error as { name?: string; errors?: { type?: string; message: string }[]; data?: T };
      if (partial.name === 'GraphqlResponseError' && partial.errors) {
        if (partial.errors.every((e) => e.type === 'NOT_FOUND') && partial.data) return partial.data;
        throw new IntegrationError(
          'github',
          'invalid',
          `could not ${action}: ${partial.errors[0]?.message}`,
          {
            cause: error,
          },
        );
      }
      throw toGitHubError(error, { action });
    }
  }

  function byOwner<T extends { owner: string }>(items: T[]): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) {
      const key = item.owner.toLowerCase();
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    return groups;
  }

  async function fetchCandidates(mappings: Mapping[]): Promise<TicketCandidate[]> {
    const repositories = new Map<string, { owner: string; repo: string; teamKey: string }>();
    for (const mapping of mappings as unknown as GitHubTrackedMapping[]) {
      if (mapping.ticketingProvider !== 'github') continue;
      const [owner = '', repo = ''] = issueRepositoryOf(mapping).split('/');
      const key = `${owner}/${repo}`.toLowerCase();
      if (!repositories.has(key)) repositories.set(key, { owner, repo, teamKey: mapping.teamKey });
      teamKeys.set(key, mapping.teamKey);
    }
    const found: TicketCandidate[] = [];
    for (const group of byOwner([...repositories.values()]).values()) {
      const octokit = await octokitFor(group[0]!.owner, group[0]!.repo, 'read GitHub issues');
      let pending = group.map((repository) => ({ ...repository, after: null as string | null }));
      while (pending.length > 0) {
        const variables: Record<string, unknown> = { labels: READY_LABELS };
        pending.forEach((r, i) =>
          Object.assign(variables, { [`o${i}`]: r.owner, [`n${i}`]: r.repo, [`a${i}`]: r.after }),
        );
        type Page = {
          issues: {
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
            nodes: GraphqlIssueCandidate[];
          };
        };
        const data = await graphql<Record<string, Page | null>>(
          octokit,
          candidatesQuery(pending.length),
          variables,
          'read GitHub issues',
        );
        const next: typeof pending = [];
        pending.forEach((repository, i) => {
          const page = data[`r${i}`];
          if (!page) return;
          for (const issue of page.issues.nodes) found.push(toCandidate(issue, repository.teamKey));
          if (page.issues.pageInfo.hasNextPage)
            next.push({ ...repository, after: page.issues.pageInfo.endCursor });
        });
        pending = next;
      }
    }
    // The query asks for either label; only the ones a person set are candidates.
    return found.filter((t) => t.markers.includes('ready') || t.markers.includes('planApproved'));
  }

  /** Issues by `owner/repo#n`, one GraphQL request per account. */
  async function issuesByRef<T extends GraphqlIssueCandidate>(ids: string[], details: boolean): Promise<T[]> {
    const refs = ids.map(parseIssueRef).filter((ref) => ref !== undefined);
    const out: T[] = [];
    for (const group of byOwner(refs).values()) {
      const repos = new Map<string, { owner: string; repo: string; numbers: number[] }>();
      for (const ref of group) {
        const key = `${ref.owner}/${ref.repo}`.toLowerCase();
        const entry = repos.get(key) ?? { owner: ref.owner, repo: ref.repo, numbers: [] };
        if (!entry.numbers.includes(ref.number)) entry.numbers.push(ref.number);
        repos.set(key, entry);
      }
      const list = [...repos.values()];
      const octokit = await octokitFor(list[0]!.owner, list[0]!.repo, 'read GitHub issues');
      const variables = Object.fromEntries(
        list.flatMap((r, i) => [
          [`o${i}`, r.owner],
          [`n${i}`, r.repo],
        ]),
      );
      const data = await graphql<Record<string, Record<string, T | null> | null>>(
        octokit,
        issuesByNumberQuery(list, details),
        variables,
        'read GitHub issues',
      );
      list.forEach((repository, i) => {
        for (const number of repository.numbers) {
          const issue = data[`r${i}`]?.[`i${number}`];
          if (issue) out.push(issue);
        }
      });
    }
    return out;
  }

  /** Fills the repository → team key cache from the saved mappings when it misses. */
  async function learnTeamKeys(issues: GraphqlIssueSummary[]): Promise<void> {
    if (!listMappings || issues.every((i) => teamKeys.has(i.repository.nameWithOwner.toLowerCase()))) return;
    for (const mapping of (await listMappings()) as unknown as GitHubTrackedMapping[]) {
      const key = issueRepositoryOf(mapping).toLowerCase();
      if (mapping.ticketingProvider === 'github' && !teamKeys.has(key)) teamKeys.set(key, mapping.teamKey);
    }
  }
  const teamKeyOf = (issue: GraphqlIssueSummary) =>
    teamKeys.get(issue.repository.nameWithOwner.toLowerCase()) ?? issue.repository.nameWithOwner;

  async function blockedBy(ref: string): Promise<TicketDependency[]> {
    const { owner, repo, number } = parseIssueRef(ref)!;
    const octokit = await octokitFor(owner, repo, 'read GitHub issue dependencies');
    try {
      const blockers = await octokit.paginate(
        'GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by',
        {
          owner,
          repo,
          issue_number: number,
          per_page: 100,
        },
      );
      return blockers.map((blocker) => {
        const repository = blocker.repository_url.replace(/^.*\/repos\//, '');
        const id = issueRef(repository, blocker.number);
        const stateType = stateTypeOf(blocker.state, blocker.state_reason);
        return {
          id,
          identifier: id,
          title: blocker.title,
          url: blocker.html_url,
          stateType,
          resolved: isTerminal(stateType),
        };
      });
    } catch (error) {
      throw toGitHubError(error, { action: `read what blocks ${ref}`, repository: `${owner}/${repo}` });
    }
  }

  async function getTickets(ids: string[]): Promise<Map<string, Ticket>> {
    const issues = await issuesByRef<GraphqlDetail>(ids, true);
    await learnTeamKeys(issues);
    const tickets = new Map<string, Ticket>();
    for (const issue of issues) {
      const candidate = toCandidate(issue, teamKeyOf(issue));
      const parent = issue.parent ?? undefined;
      tickets.set(candidate.id, {
        ...candidate,
        description: issue.body ?? '',
        dependencies: await blockedBy(candidate.id),
        parent: parent ? toSummary(parent) : undefined,
        siblings: (parent?.subIssues.nodes ?? []).map(toSummary).filter((s) => s.id !== candidate.id),
      });
    }
    return tickets;
  }

  async function getTicketStates(ids: string[]): Promise<Map<string, TicketCandidate>> {
    const issues = await issuesByRef<GraphqlIssueCandidate>(ids, false);
    await learnTeamKeys(issues);
    return new Map(
      issues.map((issue) => {
        const candidate = toCandidate(issue, teamKeyOf(issue));
        return [candidate.id, candidate];
      }),
    );
  }

  /** The issue's REST address and current label names; `not_found` when it does not exist. */
  async function issueOf(ticket: TicketRef, action: string) {
    const ref = parseIssueRef(ticket.id) ?? parseIssueRef(ticket.identifier);
    if (!ref)
      throw new IntegrationError(
        'github',
        'not_found',
        `${ticket.identifier} is not a GitHub issue (owner/repo#n)`,
      );
    const octokit = await octokitFor(ref.owner, ref.repo, action);
    const address = { owner: ref.owner, repo: ref.repo, issue_number: ref.number };
    try {
      const { data } = await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', address);
      const labels = data.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? '')));
      return { octokit, address, labels, data, repository: `${ref.owner}/${ref.repo}` };
    } catch (error) {
      throw toGitHubError(error, { action, repository: `${ref.owner}/${ref.repo}` });
    }
  }

  async function setMarker(ticket: TicketRef, marker: Marker): Promise<void> {
    const action = `set ${LINEAR_LABELS[marker]} on ${ticket.identifier}`;
    const { octokit, address, labels, repository } = await issueOf(ticket, action);
    const name = LINEAR_LABELS[marker];
    try {
      if (!labels.some((label) => markerForLinearLabel(label) === marker)) {
        const known = `${repository}:${name}`.toLowerCase();
        if (!knownLabels.has(known)) {
          // Created explicitly (colour, description) on first use; 422 already_exists is fine.
          await octokit
            .request('POST /repos/{owner}/{repo}/labels', {
              owner: address.owner,
              repo: address.repo,
              name,
              color: '5319e7',
              description: 'AI-Implement lifecycle marker',
            })
            .catch((error: { status?: number }) => {
              if (error.status !== 422) throw error;
            });
          knownLabels.add(known);
        }
        await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
          ...address,
          labels: [name],
        });
      }
      for (const label of labels) {
        const other = markerForLinearLabel(label);
        if (other && other !== marker) await removeLabel(octokit, address, label);
      }
    } catch (error) {
      throw toGitHubError(error, { action, repository });
    }
  }

  async function removeLabel(
    octokit: InstallationOctokit,
    address: { owner: string; repo: string; issue_number: number },
    name: string,
  ): Promise<void> {
    await octokit
      .request('DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', { ...address, name })
      .catch((error: { status?: number }) => {
        // Already gone (a person removed it meanwhile): the outcome is the one asked for.
        if (error.status !== 404) throw error;
      });
  }

  return {
    name: 'github',
    fetchCandidates,
    getTickets,
    getTicketStates,
    setMarker: (ticket, marker) => setMarker(ticket, marker),
    async clearMarker(ticket, marker) {
      const action = `clear ${LINEAR_LABELS[marker]} on ${ticket.identifier}`;
      const { octokit, address, labels, repository } = await issueOf(ticket, action);
      try {
        for (const label of labels)
          if (markerForLinearLabel(label) === marker) await removeLabel(octokit, address, label);
      } catch (error) {
        throw toGitHubError(error, { action, repository });
      }
    },
    async markDone(ticket) {
      const action = `close ${ticket.identifier} as completed`;
      const { octokit, address, data, repository } = await issueOf(ticket, action);
      if (data.state === 'closed' && data.state_reason === 'completed') return;
      try {
        await octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
          ...address,
          state: 'closed',
          state_reason: 'completed',
        });
      } catch (error) {
        throw toGitHubError(error, { action, repository });
      }
    },
    async postComment(ticket, body) {
      const action = `comment on ${ticket.identifier}`;
      const { octokit, address, repository } = await issueOf(ticket, action);
      try {
        await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          ...address,
          body,
        });
      } catch (error) {
        throw toGitHubError(error, { action, repository });
      }
    },
    async listComments(ticket) {
      const action = `read the comments of ${ticket.identifier}`;
      const { octokit, address, repository } = await issueOf(ticket, action);
      return listIssueComments(octokit, address).catch((error: unknown) => {
        throw toGitHubError(error, { action, repository });
      });
    },
    async checkConnection() {
      try {
        if (!github.getApp) return { ok: true, detail: 'no app client: nothing to check' };
        const app = await github.getApp();
        return { ok: true, detail: `GitHub App ${app.slug ?? app.name ?? ''} answers` };
      } catch (error) {
        return { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
