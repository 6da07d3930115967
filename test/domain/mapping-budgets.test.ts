import { describe, expect, it } from 'vitest';
import { MappingInputSchema } from '../../src/domain/mapping.ts';

const base = { teamKey: 'ENG', owner: 'acme', repo: 'api', defaultBranch: 'main' };

describe('mapping spend fields (issue 16)', () => {
  it('accepts dollar amounts with cents and a review queue size', () => {
    const mapping = MappingInputSchema.parse({
      ...base,
      maxRunCostUsd: 2.5,
      dailyBudgetUsd: 40,
      monthlyBudgetUsd: 600.75,
      maxPullRequestsAwaitingReview: 3,
    });
    expect(mapping).toMatchObject({
      maxRunCostUsd: 2.5,
      dailyBudgetUsd: 40,
      maxPullRequestsAwaitingReview: 3,
    });
    expect(MappingInputSchema.parse(base).maxRunCostUsd).toBeUndefined();
  });

  it('refuses zero, negative, absurd and non-number amounts, naming the field', () => {
    const issues = (input: Record<string, unknown>) =>
      MappingInputSchema.safeParse({ ...base, ...input }).error?.issues.map((issue) => [
        issue.path.join('.'),
        issue.message,
      ]);
    expect(issues({ maxRunCostUsd: 0 })).toEqual([['maxRunCostUsd', 'must be above 0']]);
    expect(issues({ dailyBudgetUsd: -5 })).toEqual([['dailyBudgetUsd', 'must be above 0']]);
    expect(issues({ monthlyBudgetUsd: 5_000_000 })).toEqual([
      ['monthlyBudgetUsd', 'must be at most 1000000'],
    ]);
    expect(issues({ monthlyBudgetUsd: '100' })).toEqual([
      ['monthlyBudgetUsd', 'must be a number of US dollars'],
    ]);
    expect(issues({ maxPullRequestsAwaitingReview: 1.5 })).toEqual([
      ['maxPullRequestsAwaitingReview', 'must be a whole number'],
    ]);
  });
});
