import { describe, expect, it } from 'vitest';
import { capacityBucket, MappingInputSchema } from '../../src/domain/mapping.ts';
import {
  githubIssueReference,
  parseIssueRef,
  priorityFromLabels,
  stateTypeOf,
} from '../../src/ticketing/github/github-issue-fields.ts';

describe('GitHub issues as tickets', () => {
  it('names the issue so that merging the PR closes it: #n in the same repository', () => {
    expect(githubIssueReference('acme/api#12', 'acme', 'api')).toBe('#12');
    expect(githubIssueReference('Acme/API#12', 'acme', 'api')).toBe('#12');
    expect(githubIssueReference('acme/planning#7', 'acme', 'api')).toBe('acme/planning#7');
    expect(parseIssueRef('ENG-12')).toBeUndefined();
  });

  it('reads priority from one priority: label and state from state and reason', () => {
    expect(priorityFromLabels(['bug', 'Priority: High'])).toBe(2);
    expect(priorityFromLabels(['priority:urgent'])).toBe(1);
    expect(priorityFromLabels(['priority: someday'])).toBe(0);
    expect(stateTypeOf('OPEN', null)).toBe('unstarted');
    expect(stateTypeOf('closed', 'completed')).toBe('completed');
    expect(stateTypeOf('CLOSED', 'NOT_PLANNED')).toBe('canceled');
    expect(stateTypeOf('closed', 'duplicate')).toBe('canceled');
  });

  it('a GitHub mapping defaults to its own repository and buckets per mapping', () => {
    const base = { teamKey: 'API', owner: 'acme', repo: 'api', defaultBranch: 'main' };
    const mapping = MappingInputSchema.parse({ ...base, ticketingProvider: 'github' });
    expect(mapping.ticketingConfig).toEqual({ kind: 'github' });
    expect(capacityBucket(mapping)).toBe('github:API');
    const planned = MappingInputSchema.parse({
      ...base,
      ticketingProvider: 'github',
      ticketingConfig: { kind: 'github', repository: 'acme/planning' },
    });
    expect(planned.ticketingConfig).toEqual({ kind: 'github', repository: 'acme/planning' });
    const bad = MappingInputSchema.safeParse({
      ...base,
      ticketingProvider: 'github',
      ticketingConfig: { kind: 'github', repository: 'planning' },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['ticketingConfig', 'repository'] });
  });
});
