import type { NewDispatch } from '../../src/store/dispatches.ts';

/**
 * A pending implementation dispatch of team ENG on acme/api through GitHub Actions, for tests that
 * put a run in the ledger directly: `job_id` defaults to `id`; everything else can be overridden.
 */
export function pendingDispatch(
  fields: Pick<
    NewDispatch,
    'id' | 'issue_id' | 'issue_identifier' | 'issue_url' | 'created_at' | 'deadline_at'
  > &
    Partial<NewDispatch>,
): NewDispatch {
  return {
    job_id: fields.id,
    issue_title: 'Export',
    ticketing_provider: 'linear',
    team_key: 'ENG',
    bucket: 'ENG',
    repo: 'acme/api',
    phase: 'implementation',
    runner_mode: 'github-actions',
    image: null,
    workflow_file: 'claude-implement.yml',
    priority: 0,
    pull_request_key: null,
    ...fields,
  };
}
