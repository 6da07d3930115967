import { createJiraProvider } from '../../src/ticketing/jira/jira-provider.ts';
import { createJiraContractAdapter } from '../fakes/jira/jira-contract-adapter.ts';
import { startFakeJira } from '../fakes/jira/fake-jira-server.ts';
import { runTicketingContract } from './ticketing-contract.ts';
import { jiraMapping, linearMapping } from './ticketing-harness.ts';

// The shared contract, with jira.js validating every response of the fake Jira against its zod
// models (`onSchemaMismatch: 'throw'`), once per auth mode.
for (const auth of ['bearer', 'basic'] as const) {
  runTicketingContract(
    `jira (fake Jira server, ${auth} auth)`,
    async () => {
      const fake = await startFakeJira({ auth });
      const adapter = createJiraContractAdapter(fake);
      return {
        provider: createJiraProvider({
          config: fake.config(),
          onSchemaMismatch: 'throw',
          retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 },
        }),
        ...adapter,
        async close() {
          await fake.close();
          fake.assertNoRejections();
        },
      };
    },
    {
      providerName: 'jira',
      mapping: jiraMapping,
      foreignMapping: linearMapping,
      labelMarkers: false,
      planApprovalMarker: false,
      movesToStarted: false,
      teamKeyFromMapping: true,
    },
  );
}
