import { MARKERS, markerForLinearLabel, type Marker } from '../../domain/markers.ts';
import type { TicketCandidate, TicketStateType, TicketSummary } from '../../domain/ticket.ts';

/**
 * How a GitHub issue reads as a ticket (docs/decisions/github-issues.md): id and identifier are
 * both `owner/repo#number` (what every REST call needs, and what GitHub prints); open is
 * `unstarted` ("Open"), closed as completed is `completed`, closed as not planned (or duplicate)
 * is `canceled`; markers are labels named as Linear's (`LINEAR_LABELS`, case-insensitive);
 * priority comes from one `priority: urgent|high|medium|low` label (1–4), none → 0.
 */

/** The GraphQL fields of an issue the candidate stage reads (GitHub GraphQL `Issue`). */
export interface GraphqlIssueSummary {
  number: number;
  title: string;
  url: string;
  state: 'OPEN' | 'CLOSED';
  stateReason: string | null;
  repository: { nameWithOwner: string };
}

export interface GraphqlIssueCandidate extends GraphqlIssueSummary {
  createdAt: string;
  labels: { nodes: { name: string }[] } | null;
}

/** `owner/repo#n` → its parts, or undefined for anything else (an id of another tracker). */
export function parseIssueRef(ref: string): { owner: string; repo: string; number: number } | undefined {
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)#(\d+)$/.exec(ref);
  return match ? { owner: match[1]!, repo: match[2]!, number: Number(match[3]) } : undefined;
}

export function issueRef(repository: string, number: number): string {
  return `${repository}#${number}`;
}

const PRIORITIES: Record<string, number> = { urgent: 1, high: 2, medium: 3, low: 4 };

/** 1–4 from a `priority: urgent|high|medium|low` label (spaces optional), else 0. */
export function priorityFromLabels(names: string[]): number {
  for (const name of names) {
    const match = /^priority:\s*(urgent|high|medium|low)$/i.exec(name.trim());
    if (match) return PRIORITIES[match[1]!.toLowerCase()] ?? 0;
  }
  return 0;
}

export function stateTypeOf(state: string, stateReason: string | null | undefined): TicketStateType {
  if (state.toUpperCase() === 'OPEN') return 'unstarted';
  return (stateReason ?? '').toUpperCase() === 'COMPLETED' || !stateReason ? 'completed' : 'canceled';
}

export function markersOf(names: string[]): Marker[] {
  const found = new Set(names.map(markerForLinearLabel).filter((m): m is Marker => m !== undefined));
  return MARKERS.filter((marker) => found.has(marker));
}

export function toSummary(issue: GraphqlIssueSummary): TicketSummary {
  const ref = issueRef(issue.repository.nameWithOwner, issue.number);
  return {
    id: ref,
    identifier: ref,
    title: issue.title,
    url: issue.url,
    stateType: stateTypeOf(issue.state, issue.stateReason),
  };
}

export function toCandidate(issue: GraphqlIssueCandidate, teamKey: string): TicketCandidate {
  const names = issue.labels?.nodes.map((label) => label.name) ?? [];
  return {
    ...toSummary(issue),
    provider: 'github',
    teamKey,
    stateName: issue.state === 'OPEN' ? 'Open' : 'Closed',
    priority: priorityFromLabels(names),
    createdAt: issue.createdAt,
    markers: markersOf(names),
  };
}

/**
 * How a pull request in `owner/repo` names the issue `identifier` (`owner/repo#n`) so that merging
 * closes it: `#n` in the same repository, `owner/repo#n` across repositories.
 * GitHub: https://docs.github.com/issues/tracking-your-work-with-issues/linking-a-pull-request-to-an-issue
 */
export function githubIssueReference(identifier: string, owner: string, repo: string): string {
  const ref = parseIssueRef(identifier);
  if (!ref) return identifier;
  const same =
    ref.owner.toLowerCase() === owner.toLowerCase() && ref.repo.toLowerCase() === repo.toLowerCase();
  return same ? `#${ref.number}` : identifier;
}
