import { describe, expect, it } from 'vitest';
import { slimCandidateIssue, slimsTo } from '../../src/ticketing/jira/issue-projection.ts';
import { mapCandidate, type JiraIssue } from '../../src/ticketing/jira/map-issue.ts';

const base = 'https://acme.atlassian.net/rest/api/3';
/** An issue as the enhanced search returns it with the candidate fields (REST v3 shapes). */
function read(overrides: Record<string, unknown> = {}): JiraIssue {
  return {
    id: '10001',
    key: 'ACME-1',
    fields: {
      summary: 'Add a button',
      created: '2026-03-01T10:00:00.000+0000',
      status: {
        self: `${base}/status/3`,
        iconUrl: 'https://acme.atlassian.net/images/icons/statuses/generic.png',
        name: 'To Do',
        id: '3',
        statusCategory: { self: `${base}/statuscategory/2`, id: 2, key: 'new', colorName: 'blue-gray' },
      },
      priority: { self: `${base}/priority/2`, iconUrl: 'x.svg', name: 'High', id: '2' },
      project: {
        self: `${base}/project/1`,
        id: '1',
        key: 'ACME',
        name: 'Acme',
        avatarUrls: { '48x48': 'a' },
      },
      resolution: null,
      customfield_10500: { self: `${base}/customFieldOption/1`, value: 'Ready', id: '1' },
      customfield_10501: { self: `${base}/customFieldOption/7`, value: 'acme/web', id: '7' },
      ...overrides,
    },
  };
}
const slim = (issue: JiraIssue) => slimCandidateIssue(issue, 'customfield_10500', 'customfield_10501');
const same = (kept: JiraIssue, issue: JiraIssue) =>
  slimsTo(kept, issue, 'customfield_10500', 'customfield_10501');
const context = { statusFieldId: 'customfield_10500', teamKey: 'ACME', issueUrl: (key: string) => key };

describe('jira issue projection: what the candidate mirror keeps of an issue', () => {
  it('keeps only what a candidate is mapped and classified from, and maps to the same candidate', () => {
    const kept = slim(read());
    expect(kept.fields).toEqual({
      summary: 'Add a button',
      created: '2026-03-01T10:00:00.000+0000',
      status: { name: 'To Do', statusCategory: { key: 'new' } },
      priority: { name: 'High', id: '2' },
      project: { key: 'ACME', name: 'Acme' },
      resolution: null,
      customfield_10500: { value: 'Ready' },
      customfield_10501: { value: 'acme/web' },
    });
    expect(mapCandidate(kept, context)).toEqual(mapCandidate(read(), context));
  });

  it('sees a change in any kept value, not in what it drops', () => {
    const kept = slim(read());
    expect(same(kept, read())).toBe(true);
    expect(
      same(kept, read({ priority: { self: 'elsewhere', iconUrl: 'y.svg', name: 'High', id: '2' } })),
    ).toBe(true);
    for (const changed of [
      { summary: 'Add two buttons' },
      { status: { name: 'Backlog', statusCategory: { key: 'new' } } },
      { status: { name: 'To Do', statusCategory: { key: 'done' } } },
      { priority: null },
      { project: { key: 'ACME', name: 'Acme renamed' } },
      { resolution: { name: "Won't Do" } },
      { customfield_10500: { value: 'Implementing' } },
      { customfield_10501: 'acme/api' },
      { customfield_10501: undefined },
    ])
      expect(same(kept, read(changed)), JSON.stringify(changed)).toBe(false);
    expect(same(kept, { ...read(), key: 'OTHER-1' })).toBe(false);
  });

  it('keeps a value of an unexpected shape as it is, so mapping still refuses it', () => {
    const kept = slim(read({ status: 'To Do', project: { name: 'no key' } }));
    expect(kept.fields.status).toBe('To Do');
    expect(() => mapCandidate(kept, context)).toThrow(/unexpected shape/);
  });
});
