import { describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/domain/errors.ts';
import { createMemoryProvider } from '../../src/ticketing/memory/memory-provider.ts';
import { runTicketingContract } from './ticketing-contract.ts';
import { linearMapping } from './ticketing-harness.ts';

runTicketingContract('memory', async () => {
  const provider = createMemoryProvider();
  return {
    provider,
    addTeam: provider.addTeam,
    addLabel: provider.addLabel,
    addIssue: provider.addIssue,
    updateIssue: provider.updateIssue,
    getIssue: provider.getIssue,
    teamLabels: provider.teamLabels,
  };
});

describe('memory provider', () => {
  it('fails the next calls with an injected error, then recovers', async () => {
    const provider = createMemoryProvider();
    provider.addTeam({ key: 'ENG' });
    provider.addIssue({ team: 'ENG', labels: ['AI-Implement'] });
    provider.failNext(new IntegrationError('linear', 'transient', 'Linear is down'), 2);

    for (let i = 0; i < 2; i += 1) {
      await expect(provider.fetchCandidates([linearMapping('ENG')])).rejects.toMatchObject({
        category: 'transient',
      });
    }
    expect(await provider.fetchCandidates([linearMapping('ENG')])).toHaveLength(1);
  });

  it('labels its tickets with the provider name it stands in for', async () => {
    const provider = createMemoryProvider({ name: 'jira' });
    provider.addTeam({ key: 'PROJ' });
    provider.addIssue({ team: 'PROJ', labels: ['AI-Implement'] });
    expect(await provider.fetchCandidates([linearMapping('PROJ')])).toEqual([]);
    const [ticket] = (await provider.getTickets([provider.getIssue('PROJ-1')?.id ?? ''])).values();
    expect(ticket?.provider).toBe('jira');
  });
});
