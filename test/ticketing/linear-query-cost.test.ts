import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  CANDIDATE_PAGE_SIZE,
  CANDIDATES_QUERY,
  CHANGED_PAGE_SIZE,
  DETAIL_PAGE_SIZE,
  DETAIL_ROOTS,
  ISSUE_RELATIONS_QUERY,
  ISSUES_QUERY,
  MAX_QUERY_COMPLEXITY,
  SIBLINGS_QUERY,
  blockedFilter,
  candidateFilter,
  changedFilter,
  detailsQuery,
  idFilter,
  lifecycleLabelVariables,
  siblingsFilter,
} from '../../src/ticketing/linear/queries.ts';
import { queryComplexity } from '../fakes/linear/fake-linear-complexity.ts';
import { linearSchema } from '../fakes/linear/linear-schema.ts';

/** Scores a document as Linear's published rules do (the fake Linear's calculator). */
function cost(document: string, variables: Record<string, unknown>): number {
  return queryComplexity(linearSchema(), parse(document), variables);
}

const filter = candidateFilter(['ENG'], ['AI-Implement']);
const candidates = (first: number, withBlocked = false, withChanged = false) =>
  cost(CANDIDATES_QUERY, {
    filter,
    first,
    after: null,
    withCandidates: true,
    withChanged,
    changedFilter: changedFilter('2026-12-06T00:00:00.000Z'),
    changedAfter: null,
    withBlocked,
    blockedFilter: blockedFilter(filter),
    blockedAfter: null,
    ...lifecycleLabelVariables(),
  });
const stageTwo = (roots: number, withBlocked: boolean) =>
  cost(detailsQuery(roots), {
    ...Object.fromEntries(Array.from({ length: roots }, (_, i) => [`ids${i}`, idFilter(['a'])])),
    siblingsFilter: siblingsFilter(['a']),
    siblingsAfter: null,
    withBlocked,
    blockedFilter: blockedFilter(idFilter(['a'])),
  });
const details = (first: number) =>
  cost(ISSUES_QUERY, { filter: idFilter(['a']), first, after: null, ...lifecycleLabelVariables() });

describe('Linear query complexity (the arithmetic in src/ticketing/linear/queries.ts)', () => {
  it('a candidate costs about 16 points (nine lifecycle labels), so a page of 250 stays far under the cap', () => {
    const perIssue = (candidates(100) - candidates(0)) / 100;
    expect(perIssue).toBeCloseTo(16.1, 0);
    expect(candidates(CANDIDATE_PAGE_SIZE)).toBeLessThanOrEqual(MAX_QUERY_COMPLEXITY / 2);
    expect(CANDIDATE_PAGE_SIZE).toBeGreaterThanOrEqual(200);
    // The cap itself would allow ~670 a page: the page is a choice, not the limit.
    expect(candidates(Math.floor(MAX_QUERY_COMPLEXITY / perIssue) - 1)).toBeLessThanOrEqual(
      MAX_QUERY_COMPLEXITY,
    );
  });

  it('a candidates page with its page of blocked candidates stays under 7,000 points', () => {
    const blocked = candidates(CANDIDATE_PAGE_SIZE, true) - candidates(CANDIDATE_PAGE_SIZE);
    expect(blocked).toBeGreaterThan(2_400);
    expect(blocked).toBeLessThan(2_700);
    expect(candidates(CANDIDATE_PAGE_SIZE, true)).toBeLessThanOrEqual(7_000);
  });

  it('a request with all three stage-one roots (candidates, changed, blocked) stays under 8,500 points', () => {
    const changed = candidates(CANDIDATE_PAGE_SIZE, true, true) - candidates(CANDIDATE_PAGE_SIZE, true);
    expect(changed / CHANGED_PAGE_SIZE).toBeCloseTo(16.2, 0);
    expect(candidates(CANDIDATE_PAGE_SIZE, true, true)).toBeLessThanOrEqual(8_500);
  });

  it('stage two reads 750 tickets in one request under the cap, blocked root included', () => {
    const perRoot = stageTwo(2, false) - stageTwo(1, false);
    expect(perRoot).toBeCloseTo(1_200, -2);
    expect(stageTwo(DETAIL_ROOTS, true)).toBeLessThanOrEqual(7_500);
    expect(cost(SIBLINGS_QUERY, { filter: siblingsFilter(['a']), after: 'b' })).toBeLessThanOrEqual(1_300);
  });

  it('details by id (getTickets) cost about 130 points an issue, so a page of 50 stays under the cap', () => {
    const perIssue = (details(10) - details(0)) / 10;
    expect(perIssue).toBeCloseTo(130, -1);
    expect(details(DETAIL_PAGE_SIZE)).toBeLessThanOrEqual(MAX_QUERY_COMPLEXITY * 0.7);
  });

  it('the follow-up page of relations stays under the cap', () => {
    expect(cost(ISSUE_RELATIONS_QUERY, { id: 'a', after: 'b' })).toBeLessThanOrEqual(1_300);
  });
});
