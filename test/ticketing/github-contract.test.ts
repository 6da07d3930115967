import { createGitHubAppClient } from '../../src/github/github-app.ts';
import type { Mapping } from '../../src/domain/mapping.ts';
import { createGitHubIssuesProvider } from '../../src/ticketing/github/github-issues-provider.ts';
import { createGitHubContractAdapter } from '../fakes/github/github-contract-adapter.ts';
import { createFakeGitHub } from '../fakes/github/fake-github-server.ts';
import { APP_ID, APP_KEYS, silentLog } from '../github/github-test-setup.ts';
import { runTicketingContract } from './ticketing-contract.ts';
import { linearMapping } from './ticketing-harness.ts';

/**
 * A GitHub-tracked mapping: team `ENG` reads the issues of `acme/eng`. Built by hand because the
 * mapping schema accepts `github` only once the provider is wired into the orchestrator.
 */
function githubMapping(teamKey: string): Mapping {
  const base = linearMapping(teamKey);
  return {
    ...base,
    ticketingProvider: 'github',
    ticketingConfig: { kind: 'github', repository: `acme/${teamKey.toLowerCase()}` },
  } as unknown as Mapping;
}

// The shared contract against the fake GitHub: REST requests and responses validated against
// GitHub's OpenAPI description, GraphQL documents against GitHub's published schema.
runTicketingContract(
  'github (fake GitHub server)',
  async () => {
    const fake = await createFakeGitHub({ appId: APP_ID, publicKey: APP_KEYS.publicKey });
    const github = createGitHubAppClient({
      appId: APP_ID,
      privateKey: APP_KEYS.privateKey,
      baseUrl: fake.url,
      log: silentLog,
    });
    return {
      provider: createGitHubIssuesProvider({ github }),
      ...createGitHubContractAdapter(fake),
      async close() {
        await fake.close();
        fake.assertNoViolations();
      },
    };
  },
  {
    providerName: 'github',
    mapping: githubMapping,
    foreignMapping: linearMapping,
    labelMarkers: true,
    planApprovalMarker: true,
    movesToStarted: false,
    teamKeyFromMapping: true,
    workflowStates: false,
  },
);
