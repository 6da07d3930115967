import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  CANDIDATE_PAGE_SIZE,
  CANDIDATES_QUERY,
  DETAIL_PAGE_SIZE,
  ISSUE_RELATIONS_QUERY,
  ISSUES_QUERY,
  MAX_QUERY_COMPLEXITY,
  candidateFilter,
  idFilter,
  lifecycleLabelVariables,
} from '../../src/ticketing/linear/queries.ts';
import { queryComplexity } from '../fakes/linear/fake-linear-complexity.ts';
import { linearSchema } from '../fakes/linear/linear-schema.ts';

/** Scores a document as Linear's published rules do (the fake Linear's calculator). */
function cost(document: string, variables: Record<string, unknown>): number {
  return queryComplexity(linearSchema(), parse(document), variables);
}

const candidates = (first: number) =>
  cost(CANDIDATES_QUERY, {
    filter: candidateFilter(['ENG'], ['AI-Implement']),
    first,
    after: null,
    ...lifecycleLabelVariables(),
  });
const details = (first: number) =>
  cost(ISSUES_QUERY, { filter: idFilter(['a']), first, after: null, ...lifecycleLabelVariables() });

describe('Linear query complexity (the arithmetic in src/ticketing/linear/queries.ts)', () => {
  it('a candidate costs about 16 points (nine lifecycle labels), so a page of 250 stays far under the cap', () => {
    const perIssue = (candidates(100) - candidates(0)) / 100;
    expect(perIssue).toBeCloseTo(16.0, 0);
    expect(candidates(CANDIDATE_PAGE_SIZE)).toBeLessThanOrEqual(MAX_QUERY_COMPLEXITY / 2);
    expect(CANDIDATE_PAGE_SIZE).toBeGreaterThanOrEqual(200);
    // The cap itself would allow ~670 a page: the page is a choice, not the limit.
    expect(candidates(Math.floor(MAX_QUERY_COMPLEXITY / perIssue) - 1)).toBeLessThanOrEqual(
      MAX_QUERY_COMPLEXITY,
    );
  });

  it('details cost about 130 points an issue, so a page of 50 stays under the cap', () => {
    const perIssue = (details(10) - details(0)) / 10;
    expect(perIssue).toBeCloseTo(130, -1);
    expect(details(DETAIL_PAGE_SIZE)).toBeLessThanOrEqual(MAX_QUERY_COMPLEXITY * 0.7);
  });

  it('the follow-up page of relations stays under the cap', () => {
    expect(cost(ISSUE_RELATIONS_QUERY, { id: 'a', after: 'b' })).toBeLessThanOrEqual(1_300);
  });
});
