import type { TicketStateType } from '../../../src/domain/ticket.ts';
import {
  DEFAULT_STATES,
  type IssuePatch,
  type IssueRefs,
  type IssueSeed,
  type IssueSnapshot,
  type LabelSeed,
  type StateSeed,
  type TeamSeed,
} from '../../../src/ticketing/memory/workspace-seed.ts';
import type { FakeGitHub } from './fake-github-server.ts';
import type { FakeIssue, FakeRepo } from './fake-repo.ts';
import { addIssueLabels, repoLabel } from './routes-tracker-issues.ts';

/**
 * The shared ticketing contract suite seeds and reads tickets in Linear's terms. This translates
 * them for the fake GitHub: a team `ENG` is the repository `acme/eng` (installed for the app), an
 * issue is a plain issue (`acme/eng#1` is both its id and identifier), labels are repository
 * labels, a completed state closes the issue as completed and a canceled one as not planned (any
 * other state is open), priority 1–4 is a `priority: urgent|high|medium|low` label, `parent` makes
 * a sub-issue, `blockedBy` a "blocked by" dependency. A label without a team is one every
 * repository has (an organization's default label), so `teamLabels` leaves it out.
 */
export interface GitHubContractAdapter {
  addTeam(seed: TeamSeed): { key: string };
  addLabel(seed: LabelSeed): { name: string };
  addIssue(seed: IssueSeed): IssueRefs;
  updateIssue(idOrIdentifier: string, patch: IssuePatch): IssueRefs;
  getIssue(idOrIdentifier: string): IssueSnapshot | undefined;
  teamLabels(teamKey: string): string[];
}

const PRIORITY_LABELS = [
  undefined,
  'priority: urgent',
  'priority: high',
  'priority: medium',
  'priority: low',
];

export function createGitHubContractAdapter(
  fake: FakeGitHub,
  options: { owner?: string; installationId?: number } = {},
): GitHubContractAdapter {
  const owner = options.owner ?? 'acme';
  const installationId = options.installationId ?? 1;
  const teams = new Map<string, { repo: FakeRepo; states: StateSeed[] }>();
  const sharedLabels: string[] = [];
  let lastId = 5000;

  const teamOf = (key: string) => {
    const team = teams.get(key.toUpperCase());
    if (!team) throw new Error(`No team ${key}; addTeam first`);
    return team;
  };
  const find = (
    idOrIdentifier: string,
  ): { repo: FakeRepo; issue: FakeIssue; teamKey: string } | undefined => {
    for (const [teamKey, { repo }] of teams) {
      const issue = repo.issues.find((i) => `${owner}/${repo.name}#${i.number}` === idOrIdentifier);
      if (issue) return { repo, issue, teamKey };
    }
    return undefined;
  };
  const require = (idOrIdentifier: string) => {
    const found = find(idOrIdentifier);
    if (!found) throw new Error(`No issue ${idOrIdentifier}`);
    return found;
  };
  const refs = (repo: FakeRepo, issue: FakeIssue): IssueRefs => {
    const id = `${owner}/${repo.name}#${issue.number}`;
    return { id, identifier: id, url: `https://github.com/${owner}/${repo.name}/issues/${issue.number}` };
  };

  function applyState(team: { states: StateSeed[] }, issue: FakeIssue, name: string | undefined): void {
    const type: TicketStateType =
      name === undefined
        ? 'unstarted'
        : (team.states.find((s) => s.name.toLowerCase() === name.toLowerCase())?.type ?? 'unstarted');
    const closed = type === 'completed' || type === 'canceled';
    issue.state = closed ? 'closed' : 'open';
    issue.stateReason = type === 'completed' ? 'completed' : type === 'canceled' ? 'not_planned' : null;
    issue.closedAt = closed ? new Date().toISOString() : null;
  }

  return {
    addTeam(seed) {
      const name = seed.key.toLowerCase();
      const repo = fake.addRepo({ owner, repo: name });
      repo.repoLabels.push(...sharedLabels, ...(seed.labels ?? []));
      teams.set(seed.key.toUpperCase(), { repo, states: seed.states ?? DEFAULT_STATES });
      fake.addInstallation({
        id: installationId,
        account: owner,
        repos: [...teams.values()].map((team) => `${owner}/${team.repo.name}`),
      });
      return { key: seed.key };
    },
    addLabel(seed) {
      if (seed.team) teamOf(seed.team).repo.repoLabels.push(seed.name);
      else {
        sharedLabels.push(seed.name);
        for (const { repo } of teams.values())
          if (!repoLabel(repo, seed.name)) repo.repoLabels.push(seed.name);
      }
      return { name: seed.name };
    },
    addIssue(seed) {
      const team = teamOf(seed.team);
      const { repo } = team;
      const now = seed.createdAt ?? new Date().toISOString();
      const issue: FakeIssue = {
        id: ++lastId,
        number: Math.max(0, ...repo.issues.map((i) => i.number), ...repo.pulls.map((p) => p.number)) + 1,
        title: seed.title ?? `Issue ${repo.issues.length + 1}`,
        body: seed.description ?? null,
        state: 'open',
        stateReason: null,
        user: { login: 'octocat', id: 583231, type: 'User' },
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        parent: seed.parent ? require(seed.parent).issue.number : undefined,
        blockedBy: (seed.blockedBy ?? []).map((ref) => {
          const blocker = require(ref);
          return `${owner}/${blocker.repo.name}#${blocker.issue.number}`.toLowerCase();
        }),
      };
      applyState(team, issue, seed.state);
      repo.issues.push(issue);
      const priority = PRIORITY_LABELS[seed.priority ?? 0];
      addIssueLabels(repo, issue.number, [...(seed.labels ?? []), ...(priority ? [priority] : [])]);
      return refs(repo, issue);
    },
    updateIssue(idOrIdentifier, patch) {
      const { repo, issue, teamKey } = require(idOrIdentifier);
      if (patch.state !== undefined) applyState(teamOf(teamKey), issue, patch.state);
      if (patch.labels !== undefined) {
        repo.labels.set(issue.number, []);
        addIssueLabels(repo, issue.number, patch.labels);
      }
      return refs(repo, issue);
    },
    getIssue(idOrIdentifier) {
      const found = find(idOrIdentifier);
      if (!found) return undefined;
      const { repo, issue, teamKey } = found;
      const labels = repo.labels.get(issue.number) ?? [];
      const type: TicketStateType =
        issue.state === 'open' ? 'unstarted' : issue.stateReason === 'not_planned' ? 'canceled' : 'completed';
      return {
        ...refs(repo, issue),
        teamKey,
        title: issue.title,
        description: issue.body,
        priority: Math.max(
          0,
          PRIORITY_LABELS.findIndex((p) => p !== undefined && labels.includes(p)),
        ),
        createdAt: issue.createdAt,
        labels: labels.filter((l) => !l.startsWith('priority:')),
        state: { name: issue.state === 'open' ? 'Open' : 'Closed', type },
        parentId: issue.parent === undefined ? null : `${owner}/${repo.name}#${issue.parent}`,
        comments: repo.comments.filter((c) => c.issueNumber === issue.number).map((c) => c.body),
      };
    },
    teamLabels(teamKey) {
      const shared = new Set(sharedLabels.map((l) => l.toLowerCase()));
      return teamOf(teamKey).repo.repoLabels.filter((l) => !shared.has(l.toLowerCase()));
    },
  };
}
