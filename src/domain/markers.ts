/**
 * Ticket markers: how a ticket shows where it is in the lifecycle (CONTRACTS.md §2).
 * Linear shows them as labels, Jira as values of the `AI-Implement Status` select field.
 * `ciFixing` (`CI Fixing` in both, CONTRACTS.md §10): a ci-fix run is repairing the PR's checks.
 */
export const MARKERS = [
  'ready',
  'planning',
  'planComplete',
  'planApproved',
  'working',
  'readyForReview',
  'ciFixing',
  'planningFailed',
  'failed',
] as const;

export type Marker = (typeof MARKERS)[number];

/** Linear label name per marker. `Plan-Approved` is the label a person adds to approve a plan. */
export const LINEAR_LABELS: Record<Marker, string> = {
  ready: 'AI-Implement',
  planning: 'AI-Planning',
  planComplete: 'Plan-Complete',
  planApproved: 'Plan-Approved',
  working: 'AI-Working',
  readyForReview: 'Ready for Review',
  ciFixing: 'CI Fixing',
  planningFailed: 'AI-Planning-Failed',
  failed: 'AI-Failed',
};

/** Jira `AI-Implement Status` option value per marker. */
export const JIRA_STATUS_VALUES: Record<Marker, string> = {
  ready: 'Ready',
  planning: 'Planning',
  planComplete: 'Plan Approved',
  planApproved: 'Plan Approved',
  working: 'Implementing',
  readyForReview: 'PR Ready',
  ciFixing: 'CI Fixing',
  planningFailed: 'Planning Failed',
  failed: 'Failed',
};

/** The marker a Linear label name stands for, if any (case-insensitive, as Linear label names are). */
export function markerForLinearLabel(name: string): Marker | undefined {
  const wanted = name.trim().toLowerCase();
  return MARKERS.find((marker) => LINEAR_LABELS[marker].toLowerCase() === wanted);
}
