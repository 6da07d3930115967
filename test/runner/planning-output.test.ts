import { describe, expect, it } from 'vitest';
import {
  parseWorkUnits,
  planComment,
  planFromComments,
  scheduleUnits,
  splitPlanSections,
} from '../../src/runner/planning-output.ts';
import { normalizeGapAnalysis } from '../../src/runner/gap-analysis.ts';

describe('planning output', () => {
  it('splits the known sections, drops other text, and round-trips through ticket comments', () => {
    const sections = splitPlanSections(
      'Preamble\n## Test Plan\nrun it\n## Architecture Analysis\nfiles\n## Notes\nignored',
    );
    expect(sections).toEqual([
      { slug: 'architecture', title: 'Architecture Analysis', body: 'files' },
      { slug: 'test-plan', title: 'Test Plan', body: 'run it' },
    ]);
    const comments = [
      { body: planComment({ slug: 'test-plan', title: 'Test Plan', body: 'old' }) },
      { body: 'A person says hi' },
      ...sections.map((section) => ({ body: planComment(section) })),
    ];
    expect(planFromComments(comments)).toEqual(sections);
  });

  it('keeps an answer without headings as the architecture analysis', () => {
    expect(splitPlanSections('Just prose.')).toEqual([
      { slug: 'architecture', title: 'Architecture Analysis', body: 'Just prose.' },
    ]);
  });

  it('reads work units and schedules independent ones first', () => {
    const { units } = parseWorkUnits(
      'Split:\n```yaml\nunits:\n  - id: a\n    files: [a.ts]\n    task: A\n  - id: b\n    files: [b.ts]\n    task: B\n    depends_on: [a, nope]\n```',
    );
    expect(units).toEqual([
      { id: 'a', files: ['a.ts'], task: 'A', dependsOn: [] },
      { id: 'b', files: ['b.ts'], task: 'B', dependsOn: ['a'] },
    ]);
    expect(scheduleUnits(units)).toEqual({ parallel: [units[0]], sequential: [units[1]] });
  });

  it('reports malformed work units instead of guessing', () => {
    expect(parseWorkUnits('```yaml\nunits:\n  - id: a\n```').problem).toMatch(/units\.0\.files/);
    expect(parseWorkUnits('no block').units).toEqual([]);
  });
});

describe('gap analysis', () => {
  it('always has the three sections, in order', () => {
    const { markdown } = normalizeGapAnalysis(
      '## Gaps / Partial Implementation\n- docs\n## Implemented\n- code',
    );
    expect(markdown).toBe(
      '### Implemented\n\n- code\n\n### Gaps / Partial Implementation\n\n- docs\n\n### Manual Steps Required\n\n_Not reported by the analysis._',
    );
  });
});
