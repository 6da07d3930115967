import type { ColumnType, Generated } from 'kysely';

/**
 * Table shapes for Kysely. Portable on purpose (SQLite and PostgreSQL): timestamps are ISO-8601
 * UTC strings (`Date#toISOString`, so they sort as text), JSON is text, ids are UUID strings.
 */
export interface Database {
  mappings: MappingsTable;
  dispatches: DispatchesTable;
  dedup_window: DedupWindowTable;
  blockers: BlockersTable;
  failure_breakers: FailureBreakersTable;
  pull_requests: PullRequestsTable;
  run_steps: RunStepsTable;
  tracked_issues: TrackedIssuesTable;
  plan_approvals: PlanApprovalsTable;
  admin_sessions: AdminSessionsTable;
  settings: SettingsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  linear_app_tokens: LinearAppTokensTable;
  linear_agent_sessions: LinearAgentSessionsTable;
  pull_request_feedback: PullRequestFeedbackTable;
  secret_changes: SecretChangesTable;
  reaper_actions: ReaperActionsTable;
  shadow_runs: ShadowRunsTable;
  table_versions: TableVersionsTable;
  budget_alerts: BudgetAlertsTable;
  ticket_states: TicketStatesTable;
  run_questions: RunQuestionsTable;
}

export interface MappingsTable {
  team_key: string;
  /** The whole validated `Mapping` as JSON. */
  data: string;
  created_at: string;
  updated_at: string;
}

export interface DispatchesTable {
  /** The dispatch id sent to the runner (`payload.dispatchId`). */
  id: string;
  /** Groups the planning and implementation dispatches of one run of one issue. */
  job_id: string;
  issue_id: string;
  issue_identifier: string;
  issue_title: string;
  issue_url: string;
  ticketing_provider: string;
  team_key: string;
  bucket: string;
  repo: string;
  phase: string;
  status: string;
  /** 1 for an issue's first dispatch, 2 for its second, … */
  dispatch_number: number;
  runner_mode: string;
  image: string | null;
  workflow_file: string;
  priority: number;
  created_at: string;
  dispatched_at: string | null;
  finished_at: string | null;
  /** A run that has not reported by then is timed out (maxJobMinutes + a margin). */
  deadline_at: string | null;
  error: string | null;
  external_id: string | null;
  /** The first accepted result body, locked in (CONTRACTS.md §4). */
  result_json: string | null;
  result_received_at: string | null;
  pr_url: string | null;
  pr_number: number | null;
  branch: string | null;
  cost_usd: number | null;
  usage_json: string | null;
  /** Pull request a gap-fill or review-fix run works on, as `owner/repo#12`. */
  pull_request_key: string | null;
  /** Why the run ended (`RunCloseReason` in src/domain/convergence.ts); null while in flight. */
  close_reason: string | null;
  /** When the finished run's consequences were applied; null: still in the outbox. */
  outcome_applied_at: string | null;
  /** The status whose marker the tracker is known to show; differs from `status`: to converge. */
  marker_synced_status: string | null;
  /** A ci-fix run's `ciFailure` payload member as JSON (migration 0009); null for other phases. */
  ci_failure_json: string | null;
  /** Backend calls made under this dispatch id (1, or more after a lost intent was re-dispatched). */
  dispatch_attempts: number;
  /** When the last backend call under this id began; null before the first. */
  last_attempt_at: string | null;
  /** What the run used, from its result's `usage` (migration 0012); null: not reported. */
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_creation_tokens: number | null;
  turns: number | null;
  /** The model that cost the most in the run. */
  model: string | null;
}

export interface DedupWindowTable {
  issue_id: string;
  issue_identifier: string;
  issue_title: string;
  team_key: string;
  dispatched_at: string;
}

export interface BlockersTable {
  issue_id: string;
  issue_identifier: string;
  issue_title: string;
  issue_url: string;
  team_key: string;
  bucket: string;
  reason: string;
  detail: string;
  recorded_at: string;
  /** The tickets a dependency blocker waits for, `[{ identifier, url }]` (migration 0021); `[]` otherwise. */
  blocking_json: Generated<string>;
}

export interface FailureBreakersTable {
  issue_id: string;
  issue_identifier: string;
  consecutive_failures: number;
  parked_at: string | null;
  updated_at: string;
}

export interface PullRequestsTable {
  repo: string;
  number: number;
  url: string;
  branch: string;
  issue_id: string;
  issue_identifier: string;
  issue_url: string;
  team_key: string;
  job_id: string;
  status: string;
  cost_usd: number | null;
  created_at: string;
  updated_at: string;
  last_dispatch_at: string;
  /** `open`, `merged` or `closed` (without merge), from GitHub's webhooks (migration 0002). */
  state: ColumnType<string, string | undefined, string>;
  /** The head commit last seen in a webhook, and when it was first seen. */
  head_sha: string | null;
  head_seen_at: string | null;
  closed_at: string | null;
  /** When the follow-up budget ran out and the PR was labelled for a person. */
  handed_over_at: string | null;
  /** `ChecksState` (src/domain/ci-checks.ts) of `checks_head_sha`; null: not looked at yet (migration 0009). */
  checks_state: string | null;
  checks_head_sha: string | null;
  /** One line for the Pull requests panel: `3 checks passed`, `test failed`, … */
  checks_summary: string | null;
  checks_seen_at: string | null;
  /** The head whose failed Actions jobs were re-run once (an infrastructural failure). */
  ci_rerun_head_sha: string | null;
  /** The head a ci-fix run was started for: one per head. */
  ci_fix_head_sha: string | null;
}

export interface RunStepsTable {
  id: string;
  dispatch_id: string;
  job_id: string;
  step: string;
  status: string;
  elapsed_ms: number | null;
  output_json: string | null;
  received_at: string;
}

export interface TrackedIssuesTable {
  issue_id: string;
  issue_identifier: string;
  issue_title: string;
  issue_url: string;
  team_key: string;
  ticketing_provider: string;
  state_name: string;
  state_type: string;
  /** Where the orchestrator sees it: ready, planning_pending, awaiting_plan_approval, … */
  stage: string;
  priority: number;
  seen_at: string;
}

/** The last tracker state read back for a picked-up ticket (migration 0013). */
/** An agent's question to a person and the reply (migration 0015; issue 21). */
export interface RunQuestionsTable {
  id: string;
  dispatch_id: string;
  /** The runner's name for the question within the run (`implement-1`): a retry is the same row. */
  question_key: string;
  issue_id: string;
  issue_identifier: string;
  /** The agent pass that asked (`implement`, `plan`, `unit-api`). */
  pass: string;
  question: string;
  /** `linear-session` (an elicitation) or `comment` (a ticket comment); null until it was put. */
  channel: string | null;
  /** The Linear agent session the elicitation went to. */
  session_id: string | null;
  asked_at: string;
  /** When the ticket's comments were last read for a reply (the polling fallback). */
  checked_at: string | null;
  answer: string | null;
  answered_by: string | null;
  answered_at: string | null;
}

export interface TicketStatesTable {
  issue_id: string;
  state_name: string;
  state_type: string;
  /** When the reconcile step last read a different state (ISO 8601). */
  read_at: string;
}

/** A person approved a job's plan (API or `Plan-Approved` marker), so implementation may follow. */
export interface PlanApprovalsTable {
  job_id: string;
  issue_id: string;
  /** `api`, `marker`, or `auto` (the mapping's autoApprovePlans). */
  approved_by: string;
  approved_at: string;
}

export interface AdminSessionsTable {
  /** SHA-256 of the bearer token; the token itself is never stored. */
  token_hash: string;
  created_at: string;
  expires_at: string;
}

/** GitHub webhook deliveries (`X-GitHub-Delivery`) seen, so a redelivery changes nothing. */
export interface WebhookDeliveriesTable {
  delivery_id: string;
  event: string;
  action: string | null;
  /** `owner/repo`, when the payload names one. */
  repo: string | null;
  received_at: string;
  finished_at: string | null;
  /** What handling the delivery did (`feedback_stored`, `not_ours`, …) or `failed: …`; null while in progress. */
  outcome: string | null;
}

/**
 * One piece of PR feedback: a review, an inline review comment or a PR comment, keyed by its
 * GitHub id (`review:123`). `status`: `pending` (waits for a follow-up run), `claimed` (a run
 * took it), `addressed` (that run succeeded), `failed` (that run failed), `ignored`,
 * `duplicate` (same text as feedback already addressed), `stale` (a bot review of an old head),
 * `closed` (the PR closed first).
 */
export interface PullRequestFeedbackTable {
  id: string;
  repo: string;
  pr_number: number;
  /** `review`, `review_comment`, `comment` or `command` (an `/ai-implement` comment). */
  kind: string;
  github_id: string;
  /** The review an inline comment belongs to. */
  review_id: string | null;
  author: string;
  /** `person` or `bot`. */
  author_kind: string;
  /** For reviews: `approved`, `changes_requested`, `commented`, `dismissed`. */
  review_state: string | null;
  body: string;
  url: string;
  path: string | null;
  line: number | null;
  /** The commit a review or inline comment was made on. */
  commit_id: string | null;
  /** SHA-256 of the normalized body, to recognise feedback already addressed. */
  fingerprint: string;
  /** 1 when this item may start a run by itself, 0 when it only rides along. */
  triggers: number;
  status: string;
  /** Why it was ignored or set aside, for the operator. */
  note: string | null;
  /** The follow-up dispatch that took it. */
  dispatch_id: string | null;
  /** When GitHub says it was written. */
  created_at: string;
  received_at: string;
  settled_at: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

/** Who set or deleted which secret when (migration 0006); never a value. */
export interface SecretChangesTable {
  id: string;
  at: string;
  /** `admin UI` or `API token`. */
  actor: string;
  action: 'set' | 'delete';
  scope: 'team' | 'global';
  team_key: string | null;
  name: string;
  stored_as: string;
  /** Where the secret lives: `fly` (sessions app) or `github:owner/repo` (Actions secrets). */
  target: string;
}

/** What the reaper did, or in dry-run would have done (migration 0008, CONTRACTS.md §8). */
export interface ReaperActionsTable {
  id: string;
  at: string;
  /** `orphan`, `stale-terminal-job`, `max-age-exceeded` or `issue-terminal`. */
  rule: string;
  /** `machine` (destroyed) or `actions-run` (cancelled). */
  target: 'machine' | 'actions-run';
  machine_id: string | null;
  /** The GitHub Actions run id. */
  run_id: string | null;
  dispatch_id: string | null;
  tenant: string | null;
  issue_identifier: string | null;
  age_seconds: number;
  /** 1: recorded only (REAPER_DRY_RUN); 0: carried out. */
  dry_run: number;
}

/** The Linear OAuth app's token per workspace (migration 0010); tokens encrypted (token-crypto.ts). */
export interface LinearAppTokensTable {
  organization_id: string;
  access_token: string;
  refresh_token: string | null;
  /** ISO time the access token expires; null when Linear gave no expiry. */
  expires_at: string | null;
  scope: string;
  /** The app's own user in that workspace (the delegate of issues given to the agent). */
  app_user_id: string | null;
  updated_at: string;
}

/** An agent session Linear opened for the app (migration 0010). */
export interface LinearAgentSessionsTable {
  session_id: string;
  issue_id: string;
  /** e.g. `ENG-12`: run events name tickets by identifier. */
  issue_identifier: string;
  /** `active`, `stopped`. */
  status: string;
  created_at: string;
  updated_at: string;
}

/** A budget notification sent (migration 0012): once per budget, period and threshold. */
export interface BudgetAlertsTable {
  /** `team:<teamKey>:daily`, `team:<teamKey>:monthly` or `global:monthly`. */
  budget: string;
  /** The period's start, ISO-8601 UTC. */
  period_start: string;
  /** Percent of the budget: 80 or 100. */
  threshold: number;
  sent_at: string;
}

/** A shadow run (migration 0014): the Fly run beside a GitHub Actions run in RUNNER_MODE=shadow. */
export interface ShadowRunsTable {
  /** The shadow run's own dispatch id (its payload, tokens and Machine metadata carry it). */
  id: string;
  /** The GitHub Actions dispatch it shadows. */
  primary_dispatch_id: string;
  issue_id: string;
  issue_identifier: string;
  team_key: string;
  phase: string;
  /** `pending`, `running`, `succeeded` or `failed`. */
  status: string;
  machine_id: string | null;
  image: string | null;
  error: string | null;
  cost_usd: number | null;
  result_json: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** A change counter per table the tick diffs (migration 0016): bumped by every other writer. */
export interface TableVersionsTable {
  table_name: string;
  version: number;
}
