import type { EnvName, RawEnv } from './env-variables.ts';

/**
 * Variables of CONTRACTS.md §1 that configure execution backends this build does not have yet
 * (Fly Machines sessions, their reaper, the local Docker runner). They are still parsed, so a
 * malformed value is reported and the future backends find them validated, but setting one logs a
 * start-up warning naming it and why it does nothing (docs/decisions/not-in-this-build.md). The
 * Fly and Docker work removes names from here as it wires them. FLY_SESSIONS_APP,
 * FLY_SESSIONS_REGION, FLY_SESSIONS_TOKEN and FLY_API_URL left it with the Secrets and Settings
 * panels: secrets are Fly app secrets of the sessions app (docs/decisions/secrets-and-settings.md);
 * AI_IMPLEMENT_RUNNER_IMAGE and the REAPER_* variables left with the Fly Machines backend
 * (docs/decisions/fly-machines.md).
 */
export const INERT_VARIABLES: Partial<Record<EnvName, string>> = {
  LOCAL_RUNNER_IMAGE:
    'RUNNER_MODE=local runs the runner as a child process of the orchestrator; the local Docker runner is not in this build',
  LOCAL_RUNNER_ORCHESTRATOR_URL:
    'RUNNER_MODE=local runs the runner as a child process that calls back on RUNNER_CALLBACK_BASE_URL; the local Docker runner is not in this build',
};

/** One warning per inert variable that is set: "NAME has no effect in this build: why". */
export function inertVariableWarnings(raw: RawEnv): string[] {
  return Object.entries(INERT_VARIABLES).flatMap(([name, why]) =>
    raw[name as EnvName] === undefined ? [] : [`${name} has no effect in this build: ${why}`],
  );
}
