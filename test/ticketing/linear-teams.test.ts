import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLinearProvider } from '../../src/ticketing/linear/linear-provider.ts';
import { startFakeLinear, type FakeLinear } from '../fakes/linear/fake-linear-server.ts';

/** `listTeams` against the fake Linear, which checks the document against Linear's schema. */

let fake: FakeLinear;

beforeEach(async () => {
  fake = await startFakeLinear();
});
afterEach(async () => {
  await fake.close();
  fake.assertNoRejections();
});

it('lists every team the key can see, across pages, by key', async () => {
  const keys = Array.from({ length: 130 }, (_, index) => `T${String(index).padStart(3, '0')}`);
  for (const key of [...keys].reverse()) fake.addTeam({ key });
  const provider = createLinearProvider({ apiKey: fake.apiKey, apiUrl: fake.url });
  const teams = await provider.listTeams!();
  expect(teams.map((team) => team.key)).toEqual(keys);
  expect(typeof teams[0]!.name).toBe('string');
});
