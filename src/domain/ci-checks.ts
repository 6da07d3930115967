/**
 * The ci-fix rules (issue 17, docs/decisions/ci-fix.md), pure: which checks of a PR's head count,
 * whether they passed, and what a failure calls for — a re-run of the failed jobs when it looks
 * infrastructural, a `ci-fix` run, or a person once the attempts are spent. Nothing here reads a
 * clock, GitHub or a database.
 */

/**
 * What the ledger knows of the checks on a PR's head (`pull_requests.checks_state`):
 * `pending` — some have not completed; `passed` — all counted ones succeeded; `none` — the head
 * has no counted check; `failing` — a counted check failed and a re-run or ci-fix is on its way;
 * `exhausted` — it failed after `maxCiFixAttempts` ci-fix runs, and a person was asked.
 */
export type ChecksState = 'pending' | 'passed' | 'failing' | 'exhausted' | 'none';

/** One check on the head: a check run (Checks API) or a commit status context (Statuses API). */
export interface HeadCheck {
  name: string;
  source: 'check_run' | 'status';
  /** Completed, or still queued / in progress (a status `pending`). */
  completed: boolean;
  /**
   * Check-run conclusion (`success`, `failure`, `neutral`, `cancelled`, `skipped`, `timed_out`,
   * `action_required`, `stale`, `startup_failure`) or status state (`success`, `failure`, `error`).
   * https://docs.github.com/rest/checks/runs#get-a-check-run
   */
  conclusion: string | null;
  /** Check run id; for GitHub Actions also the job id (`/actions/jobs/{job_id}/logs`). */
  id?: number;
  /** The GitHub Actions workflow run the check belongs to, when it is one of Actions' jobs. */
  workflowRunId?: number;
  /** Where a person sees the check (details_url / target_url). */
  url?: string;
  /** Annotation messages of a failed check run, when read (they help tell infra failures apart). */
  annotations?: string[];
}

/** Conclusions that mean the check failed (what a ci-fix or a re-run is for). */
const FAILED = new Set(['failure', 'timed_out', 'cancelled', 'startup_failure', 'error']);

/** Conclusions that say the runner, not the code, failed. */
const INFRA_CONCLUSIONS = new Set(['cancelled', 'timed_out', 'startup_failure']);

/**
 * Annotation texts GitHub Actions writes when the runner, not the job's steps, failed: a lost
 * runner, a job no runner picked up, a cancelled operation, a hosted-runner fault.
 */
const INFRA_ANNOTATIONS = [
  /lost communication with the server/i,
  /runner has received a shutdown signal/i,
  /the job was not acquired by runner/i,
  /the operation was canceled/i,
  /the hosted runner encountered an error/i,
  /no space left on device/i,
  /exceeded the maximum execution time/i,
];

/** Whether a failed check looks infrastructural, from its conclusion and annotations. */
export function looksInfrastructural(check: HeadCheck): boolean {
  if (check.conclusion && INFRA_CONCLUSIONS.has(check.conclusion)) return true;
  return (check.annotations ?? []).some((text) => INFRA_ANNOTATIONS.some((pattern) => pattern.test(text)));
}

export function isFailed(check: HeadCheck): boolean {
  return check.completed && check.conclusion !== null && FAILED.has(check.conclusion);
}

/**
 * The checks that count: the base branch's required checks when they could be read (`required`,
 * by name or context), else every check except `ignored` (mapping `ignoredChecks`). Names match
 * case-insensitively.
 */
export function countedChecks(
  checks: readonly HeadCheck[],
  required: readonly string[] | undefined,
  ignored: readonly string[],
): HeadCheck[] {
  const lower = (names: readonly string[]) => new Set(names.map((name) => name.toLowerCase()));
  if (required && required.length > 0) {
    const wanted = lower(required);
    return checks.filter((check) => wanted.has(check.name.toLowerCase()));
  }
  const skip = lower(ignored);
  return checks.filter((check) => !skip.has(check.name.toLowerCase()));
}

/** What the head's checks say, before anything is done about them. */
export type ChecksVerdict =
  | { kind: 'pending'; waitingFor: string[] }
  | { kind: 'passed'; counted: number }
  | { kind: 'none' }
  | { kind: 'failed'; failed: HeadCheck[]; infrastructural: boolean };

/**
 * Reads the head's checks. A required check that has not reported yet is waited for, as GitHub's
 * branch protection waits for it. Nothing is decided while a counted check still runs: the
 * agent should see every failure of the head at once.
 */
export function checksVerdict(
  checks: readonly HeadCheck[],
  required: readonly string[] | undefined,
  ignored: readonly string[],
): ChecksVerdict {
  const counted = countedChecks(checks, required, ignored);
  const reported = new Set(counted.map((check) => check.name.toLowerCase()));
  const missing = (required ?? []).filter((name) => !reported.has(name.toLowerCase()));
  const running = counted.filter((check) => !check.completed).map((check) => check.name);
  if (running.length > 0 || missing.length > 0)
    return { kind: 'pending', waitingFor: [...running, ...missing] };
  if (counted.length === 0) return { kind: 'none' };
  const failed = counted.filter(isFailed);
  if (failed.length === 0) return { kind: 'passed', counted: counted.length };
  return { kind: 'failed', failed, infrastructural: failed.every(looksInfrastructural) };
}

/** What the loop does about a head whose counted checks failed. */
export type FailureAction =
  /** Re-run these GitHub Actions workflow runs' failed jobs (once per head). */
  | { kind: 'rerun'; workflowRunIds: number[] }
  | { kind: 'ci-fix'; attempt: number }
  /** `maxCiFixAttempts` ci-fix runs did not make it pass: label, comments, failure marker. */
  | { kind: 'hand-over'; attempts: number }
  /** This head's failure is already being dealt with (a redelivery, a second look). */
  | { kind: 'already-handled'; detail: string };

export interface FailureInput {
  failed: HeadCheck[];
  infrastructural: boolean;
  /** The head whose failed jobs were re-run already, if any. */
  rerunHeadSha: string | null;
  /** The head a ci-fix run was started for already, if any. */
  ciFixHeadSha: string | null;
  headSha: string;
  /** ci-fix runs the PR has had. */
  attemptsUsed: number;
  maxAttempts: number;
}

/**
 * Infrastructural failure of Actions jobs → re-run their failed jobs, once per head; a second
 * failure of the same head (or one Actions cannot re-run) is treated as a real one. A real one →
 * a ci-fix run, one per head, while attempts are left; then a person.
 */
export function failureAction(input: FailureInput): FailureAction {
  const runIds = [
    ...new Set(input.failed.flatMap((check) => (check.workflowRunId ? [check.workflowRunId] : []))),
  ];
  if (input.infrastructural && input.rerunHeadSha !== input.headSha && runIds.length > 0) {
    return { kind: 'rerun', workflowRunIds: runIds };
  }
  if (input.ciFixHeadSha === input.headSha) {
    return { kind: 'already-handled', detail: `a ci-fix run was started for ${input.headSha.slice(0, 7)}` };
  }
  if (input.attemptsUsed >= input.maxAttempts) return { kind: 'hand-over', attempts: input.attemptsUsed };
  return { kind: 'ci-fix', attempt: input.attemptsUsed + 1 };
}

/** The run id in an Actions job's details URL (`…/actions/runs/{run_id}/job/{job_id}`). */
export function workflowRunIdOf(detailsUrl: string | null | undefined): number | undefined {
  const match = /\/actions\/runs\/(\d+)(?:\/|$)/.exec(detailsUrl ?? '');
  return match ? Number(match[1]) : undefined;
}
