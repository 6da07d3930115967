import type { EnvName, RawEnv } from './env-variables.ts';

/**
 * Variables of CONTRACTS.md §1 that configure execution backends this build does not have yet.
 * They are still parsed, so a malformed value is reported, but setting one logs a start-up warning
 * naming it and why it does nothing (docs/decisions/not-in-this-build.md). None is left:
 * FLY_SESSIONS_APP, FLY_SESSIONS_REGION, FLY_SESSIONS_TOKEN and FLY_API_URL left with the Secrets
 * and Settings panels (docs/decisions/secrets-and-settings.md); AI_IMPLEMENT_RUNNER_IMAGE and the
 * REAPER_* variables with the Fly Machines backend (docs/decisions/fly-machines.md);
 * LOCAL_RUNNER_IMAGE and LOCAL_RUNNER_ORCHESTRATOR_URL with the local Docker backend
 * (docs/decisions/docker.md). A backend that is not there yet adds its variables here.
 */
export const INERT_VARIABLES: Partial<Record<EnvName, string>> = {};

/** One warning per inert variable that is set: "NAME has no effect in this build: why". */
export function inertVariableWarnings(raw: RawEnv): string[] {
  return Object.entries(INERT_VARIABLES).flatMap(([name, why]) =>
    raw[name as EnvName] === undefined ? [] : [`${name} has no effect in this build: ${why}`],
  );
}
