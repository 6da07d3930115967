import { MappingInputSchema, type Mapping } from '../../src/domain/mapping.ts';
import type {
  IssuePatch,
  IssueRefs,
  IssueSeed,
  IssueSnapshot,
  LabelSeed,
  TeamSeed,
} from '../../src/ticketing/memory/workspace-seed.ts';
import type { TicketingProviderName } from '../../src/domain/ticket.ts';
import type { TicketingProvider } from '../../src/ticketing/types.ts';

/** A provider under test plus the way to seed and inspect the tickets behind it. */
export interface TicketingHarness {
  provider: TicketingProvider;
  addTeam(seed: TeamSeed): unknown;
  addLabel(seed: LabelSeed): unknown;
  addIssue(seed: IssueSeed): IssueRefs;
  updateIssue(idOrIdentifier: string, patch: IssuePatch): IssueRefs;
  getIssue(idOrIdentifier: string): IssueSnapshot | undefined;
  teamLabels(teamKey: string): string[];
  close?(): Promise<void>;
}

/**
 * How a tracker's model differs from Linear's, for the contract cases that depend on it. The
 * suite defaults to Linear's (`LINEAR_TRAITS`), which the in-memory provider shares.
 */
export interface TicketingTraits {
  providerName: TicketingProviderName;
  /** A mapping of this provider that scopes the team (Linear) or project (Jira) `teamKey`. */
  mapping(teamKey: string): Mapping;
  /** A mapping of another provider, which this one must ignore. */
  foreignMapping(teamKey: string): Mapping;
  /** Markers are labels: several at once, looked up or created per team (Linear); else one field value. */
  labelMarkers: boolean;
  /** A person approves a plan with a marker of its own (Linear's Plan-Approved label). */
  planApprovalMarker: boolean;
  /** `setMarker`'s `moveToStarted` moves the ticket's workflow state. */
  movesToStarted: boolean;
  /** Candidates carry the team key of the mapping that matched (Jira) rather than the tracker's. */
  teamKeyFromMapping: boolean;
  /** Named workflow states (default true); false: open or closed only (GitHub Issues). */
  workflowStates?: boolean;
}

export const LINEAR_TRAITS: TicketingTraits = {
  providerName: 'linear',
  mapping: linearMapping,
  foreignMapping: jiraMapping,
  labelMarkers: true,
  planApprovalMarker: true,
  movesToStarted: true,
  teamKeyFromMapping: false,
};

export function linearMapping(teamKey: string): Mapping {
  return MappingInputSchema.parse({
    teamKey,
    owner: 'acme',
    repo: teamKey.toLowerCase(),
    defaultBranch: 'main',
  });
}

export function jiraMapping(teamKey: string): Mapping {
  return MappingInputSchema.parse({
    teamKey,
    owner: 'acme',
    repo: 'jira-repo',
    defaultBranch: 'main',
    ticketingProvider: 'jira',
    ticketingConfig: { kind: 'jira', jql: `project = ${teamKey}`, repoFieldValue: 'jira-repo' },
  });
}
