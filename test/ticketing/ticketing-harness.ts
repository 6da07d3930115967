import { MappingInputSchema, type Mapping } from '../../src/domain/mapping.ts';
import type {
  IssuePatch,
  IssueRefs,
  IssueSeed,
  IssueSnapshot,
  LabelSeed,
  TeamSeed,
} from '../../src/ticketing/memory/workspace-seed.ts';
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
