import { afterEach, beforeEach, expect, it } from 'vitest';
import { MappingInputSchema } from '../../src/domain/mapping.ts';
import { TEAM_LIST_REUSE_MS, teamKeyProblems } from '../../src/http/api/team-routes.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';

/** The check that a saved mapping's team key is a Linear team, and how often it lists the teams. */
let h: Harness;
let teams: { key: string; name: string }[];
let lists: number;
beforeEach(async () => {
  h = await createHarness();
  teams = [
    { key: 'ENG', name: 'Engineering' },
    { key: 'OPS', name: 'Operations' },
  ];
  lists = 0;
  h.linear.listTeams = async () => {
    lists += 1;
    return [...teams];
  };
});
afterEach(async () => h.close());

const mapping = (teamKey: string) =>
  MappingInputSchema.parse({ teamKey, owner: 'acme', repo: 'api', defaultBranch: 'main' });

it('reuses a recent team list for keys it has: saving many mappings lists the teams once', async () => {
  expect(await teamKeyProblems(h.ctx, mapping('ENG'))).toEqual([]);
  expect(await teamKeyProblems(h.ctx, mapping('ops'))).toEqual([]);
  expect(lists).toBe(1);
  h.advance(TEAM_LIST_REUSE_MS);
  expect(await teamKeyProblems(h.ctx, mapping('ENG'))).toEqual([]);
  expect(lists).toBe(2);
});

it('checks a key missing from the recent list against a fresh one: a new team is accepted, a typo refused', async () => {
  expect(await teamKeyProblems(h.ctx, mapping('ENG'))).toEqual([]);
  teams.push({ key: 'WEB', name: 'Web' });
  expect(await teamKeyProblems(h.ctx, mapping('WEB'))).toEqual([]);
  expect(lists).toBe(2);
  expect(await teamKeyProblems(h.ctx, mapping('NOPE'))).toEqual([
    {
      field: 'teamKey',
      message:
        'Linear has no team NOPE; teams this API key can see: ENG (Engineering), OPS (Operations), WEB (Web)',
    },
  ]);
  expect(lists).toBe(3);
});
