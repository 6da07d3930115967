import type { EnvName, RawEnv } from './env-variables.ts';

/**
 * Variables of CONTRACTS.md §1 that configure execution backends this build does not have yet
 * (Fly Machines sessions, their reaper, the local Docker runner). They are still parsed, so a
 * malformed value is reported and the future backends find them validated, but setting one logs a
 * start-up warning naming it and why it does nothing (docs/decisions/not-in-this-build.md). The
 * Fly and Docker work removes names from here as it wires them. FLY_SESSIONS_APP,
 * FLY_SESSIONS_REGION, FLY_SESSIONS_TOKEN and FLY_API_URL left it with the Secrets and Settings
 * panels: secrets are Fly app secrets of the sessions app (docs/decisions/secrets-and-settings.md).
 */
export const INERT_VARIABLES: Partial<Record<EnvName, string>> = {
  REAPER_DRY_RUN: 'the reaper cleans up Fly Machine sessions, which this build does not run yet',
  REAPER_ALERT_THRESHOLD: 'the reaper cleans up Fly Machine sessions, which this build does not run yet',
  LOCAL_RUNNER_IMAGE:
    'RUNNER_MODE=local runs the runner as a child process of the orchestrator; the local Docker runner is not in this build',
  LOCAL_RUNNER_ORCHESTRATOR_URL:
    'RUNNER_MODE=local runs the runner as a child process that calls back on RUNNER_CALLBACK_BASE_URL; the local Docker runner is not in this build',
  AI_IMPLEMENT_RUNNER_IMAGE:
    'runner images are for Fly Machines and local Docker runs, which this build does not run yet',
};

/** Why RUNNER_MODE=fly stops start-up. */
export const FLY_MODE_REFUSED =
  'RUNNER_MODE=fly is not available in this build: it does not run Fly Machines yet, so every pickup would fail ' +
  '(docs/decisions/not-in-this-build.md); use default, gha or local';

/** One warning per inert variable that is set: "NAME has no effect in this build: why". */
export function inertVariableWarnings(raw: RawEnv): string[] {
  return Object.entries(INERT_VARIABLES).flatMap(([name, why]) =>
    raw[name as EnvName] === undefined ? [] : [`${name} has no effect in this build: ${why}`],
  );
}
