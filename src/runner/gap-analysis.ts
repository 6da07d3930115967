/**
 * The gap analysis comment on the pull request (seed 003 step 6): three sections, one comment,
 * found again by its hidden marker and updated in place by later runs (step 8).
 */
export const GAP_ANALYSIS_MARKER = '<!-- ai-implement:gap-analysis -->';

export const GAP_SECTIONS = [
  'Implemented',
  'Gaps / Partial Implementation',
  'Manual Steps Required',
] as const;

/**
 * The model's answer reduced to the three sections, in order; a section it left out says so
 * instead of disappearing, so readers always find the same three headings.
 */
export function normalizeGapAnalysis(answer: string): { sections: Record<string, string>; markdown: string } {
  const sections: Record<string, string> = {};
  let current: string | undefined;
  for (const line of answer.split('\n')) {
    const heading = /^#{2,3}\s+(.+?)\s*#*\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      current = GAP_SECTIONS.find((title) => title.toLowerCase() === heading.toLowerCase());
      if (current) sections[current] = '';
      continue;
    }
    if (current) sections[current] += `${line}\n`;
  }
  const markdown = GAP_SECTIONS.map(
    (title) => `### ${title}\n\n${sections[title]?.trim() || '_Not reported by the analysis._'}`,
  ).join('\n\n');
  return { sections, markdown };
}

/**
 * The orchestrator's "Review feedback addressed" section (src/orchestrator/follow-ups/gap-analysis.ts)
 * lives between these markers inside this comment; a rewrite keeps it.
 */
const KEPT_SECTION =
  /<!-- ai-implement:feedback-addressed:start -->[\s\S]*?<!-- ai-implement:feedback-addressed:end -->/;

/** `next` with the orchestrator's section of `previous` carried over, when it had one. */
export function keepOrchestratorSection(previous: string, next: string): string {
  const kept = KEPT_SECTION.exec(previous)?.[0];
  return kept ? `${next}\n\n${kept}` : next;
}

/** The whole comment: marker, heading, sections, and which run wrote it. */
export function gapAnalysisComment(input: {
  identifier: string;
  sectionsMarkdown: string;
  phase: string;
  dispatchId: string;
  model: string;
  at: Date;
}): string {
  return [
    GAP_ANALYSIS_MARKER,
    `## Gap analysis for ${input.identifier}`,
    '',
    input.sectionsMarkdown,
    '',
    `<sub>AI-Implement ${input.phase} run \`${input.dispatchId}\` · ${input.model} · ${input.at.toISOString()}</sub>`,
  ].join('\n');
}
