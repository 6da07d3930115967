/**
 * The words the admin UI shows for the orchestrator's internal names (stages, blocker reasons,
 * capacity buckets, check names), so a person reads "Waiting for planning", not
 * `planning_pending`, and "Linear team ENG", not `linear:ENG`. The JSON API keeps the names.
 */

const STAGES: Record<string, string> = {
  planning_pending: 'Waiting for planning',
  ready: 'Waiting for implementation',
  planning: 'Planning',
  planning_failed: 'Planning failed',
  awaiting_plan_approval: 'Plan waits for approval',
  plan_approved: 'Plan approved, implementation next',
  implementing: 'Implementing',
  failed: 'Implementation failed',
  pr_open: 'Pull request open',
  completed: 'Completed',
};

/** Where an issue stands, in words (`stage` of `GET /api/issues`). */
export function stageWords(stage: string): string {
  return STAGES[stage] ?? stage.replaceAll('_', ' ');
}

const BLOCKER_REASONS: Record<string, string> = {
  capacity: 'the project is at its cap of runs in progress',
  dedup: 'it was dispatched recently (dedup window)',
  breaker: 'it failed too often (failure breaker)',
  dependency: 'it waits for a ticket it depends on',
  paused: 'the project is paused',
  in_flight: 'a run is already working on it',
  pr_budget: 'its pull request used up its follow-up runs',
  pr_open: 'it already has an open pull request',
  ticket_closed: 'the ticket is closed',
};

/** Why a ticket is held back, in words (`reason` of a Blockers row). */
export function blockerWords(reason: string): string {
  return BLOCKER_REASONS[reason] ?? reason.replaceAll('_', ' ');
}

const TRACKERS: Record<string, string> = {
  linear: 'Linear team',
  jira: 'Jira project',
  github: 'GitHub Issues',
  'github-issues': 'GitHub Issues',
};

/** A capacity bucket (`linear:ENG`, `jira:OPS`) as "Linear team ENG" / "Jira project OPS". */
export function bucketWords(bucket: string): string {
  const colon = bucket.indexOf(':');
  if (colon < 0) return bucket;
  const tracker = TRACKERS[bucket.slice(0, colon)];
  return tracker ? `${tracker} ${bucket.slice(colon + 1)}` : bucket;
}

const CHECKS: Record<string, string> = {
  'ticketing:linear': 'Linear connection',
  'ticketing:jira': 'Jira connection',
  'ticketing:github': 'GitHub Issues connection',
  'github-app': 'GitHub App',
  'runner-callback': 'Runner callback address',
  'ticketing:github-issues': 'GitHub Issues connection',
  'github-ci': 'GitHub App CI permissions',
  'github-webhook': 'GitHub webhook',
  'linear-webhook': 'Linear webhook',
  'jira-webhook': 'Jira webhook',
  polling: 'Polling',
  'fly-sessions': 'Fly Machines sessions app',
  'gap-fill-trigger': 'Gap-fill trigger (/ai-implement)',
};

/** An environment check's name (`GET /api/status`) as a person would say it. */
export function checkWords(name: string): string {
  return CHECKS[name] ?? name.replaceAll(/[-_:]/g, ' ');
}

const RUNNERS: Record<string, string> = {
  'github-actions': 'GitHub Actions',
  'fly-machines': 'Fly Machines',
  local: 'Local',
};

/** A run's execution mode (`runner_mode` of the ledger) as the seed names it: "GitHub Actions". */
export function runnerWords(mode: string): string {
  return RUNNERS[mode] ?? mode;
}
