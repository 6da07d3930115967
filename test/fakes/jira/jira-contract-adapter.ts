import { LINEAR_LABELS, JIRA_STATUS_VALUES, markerForLinearLabel } from '../../../src/domain/markers.ts';
import type { TicketStateType } from '../../../src/domain/ticket.ts';
import { adfToMarkdown } from '../../../src/ticketing/jira/adf-to-markdown.ts';
import { markersFor } from '../../../src/ticketing/jira/map-issue.ts';
import { markdownToAdf } from '../../../src/ticketing/jira/markdown-to-adf.ts';
import {
  DEFAULT_STATES,
  type IssuePatch,
  type IssueRefs,
  type IssueSeed,
  type IssueSnapshot,
  type StateSeed,
  type TeamSeed,
} from '../../../src/ticketing/memory/workspace-seed.ts';
import { statusOf, type FakeIssue, type StatusCategoryKey } from './fake-jira-data.ts';
import type { FakeJira } from './fake-jira-server.ts';

/**
 * The shared ticketing contract suite seeds and reads tickets in Linear's terms (teams, label
 * names, workflow states). This translates them for the fake Jira: a team is a project, a
 * lifecycle label is a value of the AI-Implement Status field (Jira holds one at a time), other
 * labels are Jira labels, a state is a status of the matching category (canceled: Done with
 * resolution "Won't Do"), priority 1–4 is Highest…Low, `blockedBy` is a Blocks link, `parent` the
 * parent field. Every issue gets the AI-Implement Repo value `repoValue`, so mappings match it.
 */
export interface JiraContractAdapter {
  addTeam(seed: TeamSeed): { key: string };
  addLabel(seed: { name: string }): { name: string };
  addIssue(seed: IssueSeed): IssueRefs;
  updateIssue(idOrIdentifier: string, patch: IssuePatch): IssueRefs;
  getIssue(idOrIdentifier: string): IssueSnapshot | undefined;
  teamLabels(teamKey: string): string[];
}

const CATEGORY: Record<TicketStateType, StatusCategoryKey> = {
  triage: 'new',
  backlog: 'new',
  unstarted: 'new',
  started: 'indeterminate',
  completed: 'done',
  canceled: 'done',
};
const PRIORITY_NAMES = [null, 'Highest', 'High', 'Medium', 'Low'];

export function createJiraContractAdapter(fake: FakeJira, repoValue = 'jira-repo'): JiraContractAdapter {
  const teamStates = new Map<string, StateSeed[]>();
  const statusField = fake.statusField?.id ?? '';
  const repoField = fake.repoField?.id ?? '';

  const refs = (issue: FakeIssue): IssueRefs => ({
    id: issue.id,
    identifier: issue.key,
    url: `${fake.siteUrl}/browse/${issue.key}`,
  });
  const require = (idOrIdentifier: string): FakeIssue => {
    const issue = fake.issue(idOrIdentifier);
    if (!issue) throw new Error(`No issue ${idOrIdentifier}`);
    return issue;
  };
  const statesOf = (projectKey: string) => teamStates.get(projectKey.toUpperCase()) ?? DEFAULT_STATES;

  function applyState(issue: FakeIssue, name: string | undefined): void {
    const states = statesOf(issue.projectKey);
    const state =
      name === undefined
        ? states.find((s) => s.type === 'unstarted')
        : states.find((s) => s.name.toLowerCase() === name.toLowerCase());
    if (!state) throw new Error(`No state ${name ?? 'unstarted'} in ${issue.projectKey}`);
    fake.setStatus(
      issue.key,
      state.name,
      state.type === 'canceled' ? "Won't Do" : state.type === 'completed' ? 'Done' : null,
    );
  }

  function applyLabels(issue: FakeIssue, labels: string[]): void {
    const markers = labels.map(markerForLinearLabel).filter((marker) => marker !== undefined);
    if (markers.length > 1)
      throw new Error(`Jira holds one AI-Implement Status value, not ${markers.join(', ')}`);
    fake.setField(issue.key, statusField, markers[0] === undefined ? null : JIRA_STATUS_VALUES[markers[0]]);
    issue.labels = labels.filter((label) => markerForLinearLabel(label) === undefined);
  }

  return {
    addTeam(seed) {
      teamStates.set(seed.key.toUpperCase(), seed.states ?? DEFAULT_STATES);
      // Jira lists transitions in the workflow's order: the states' positions stand for it.
      const ordered = (seed.states ?? DEFAULT_STATES)
        .map((state, index) => ({ state, position: state.position ?? index }))
        .sort((a, b) => a.position - b.position);
      const statuses = ordered.map(({ state }) => ({ name: state.name, category: CATEGORY[state.type] }));
      return { key: fake.addProject({ key: seed.key, name: seed.name ?? seed.key, statuses }).key };
    },
    // Jira has no label entities to create: a label exists once an issue carries it.
    addLabel: (seed) => ({ name: seed.name }),
    addIssue(seed) {
      const issue = fake.addIssue({
        project: seed.team,
        ...(seed.title === undefined ? {} : { summary: seed.title }),
        description: seed.description === undefined ? null : markdownToAdf(seed.description),
        priority: PRIORITY_NAMES[seed.priority ?? 0] ?? null,
        ...(seed.createdAt === undefined ? {} : { created: seed.createdAt }),
        ...(seed.parent === undefined ? {} : { parent: require(seed.parent).key }),
        fields: { [repoField]: repoValue },
      });
      applyState(issue, seed.state);
      applyLabels(issue, seed.labels ?? []);
      for (const blocker of seed.blockedBy ?? []) fake.link('Blocks', require(blocker).key, issue.key);
      for (const other of seed.relatedTo ?? []) fake.link('Relates', require(other).key, issue.key);
      return refs(issue);
    },
    updateIssue(idOrIdentifier, patch) {
      const issue = require(idOrIdentifier);
      if (patch.team !== undefined)
        throw new Error('Moving an issue to another project is not modelled by the fake Jira');
      if (patch.state !== undefined) applyState(issue, patch.state);
      if (patch.labels !== undefined) applyLabels(issue, patch.labels);
      return refs(issue);
    },
    getIssue(idOrIdentifier) {
      const issue = fake.issue(idOrIdentifier);
      if (!issue) return undefined;
      const status = statusOf(fake.data, issue);
      const state = statesOf(issue.projectKey).find((s) => s.name === status.name);
      const markerLabels = markersFor(fake.fieldValue(issue.key, statusField)).map(
        (marker) => LINEAR_LABELS[marker],
      );
      const priority = issue.priority === null ? 0 : PRIORITY_NAMES.indexOf(issue.priority);
      return {
        ...refs(issue),
        teamKey: issue.projectKey,
        title: issue.summary,
        description: issue.description ? adfToMarkdown(issue.description) : null,
        priority: priority === -1 ? 4 : priority,
        createdAt: new Date(issue.created.replace('+0000', 'Z')).toISOString(),
        labels: [...markerLabels, ...issue.labels],
        state: { name: status.name, type: state?.type ?? 'unstarted' },
        parentId: issue.parentKey === null ? null : (fake.issue(issue.parentKey)?.id ?? null),
        comments: issue.comments.map((comment) => adfToMarkdown(comment.body)),
      };
    },
    teamLabels: () => [],
  };
}
