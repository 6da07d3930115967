import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { getSetting, setSetting } from '../../store/settings.ts';
import type { RunnerModeOverride } from '../context.ts';

/**
 * The global runner-mode override (seed 002 Reaper/Runners, CONTRACTS.md §9): RUNNER_MODE wins
 * when set (the env lock); otherwise the stored `runnerMode` setting; otherwise `default`. Read
 * on every dispatch, so a stored change applies to the next dispatch without a restart.
 */

export const RUNNER_MODES: readonly RunnerModeOverride[] = ['default', 'gha', 'fly', 'local', 'shadow'];

/**
 * Modes that cannot run here, with why: `fly` (and the Fly half of `shadow`) needs the Fly
 * Machines backend, which exists only with FLY_SESSIONS_TOKEN set.
 */
export function unavailableRunnerModes(flyAvailable: boolean): Partial<Record<RunnerModeOverride, string>> {
  return flyAvailable
    ? {}
    : {
        fly: 'fly needs the Fly Machines backend: set FLY_SESSIONS_TOKEN (and FLY_SESSIONS_APP or the flySessionsApp setting) and restart; until then use default, gha, local or shadow',
      };
}

/** `GET /api/runner-mode`. */
export interface RunnerModeState {
  /** The effective mode. */
  mode: RunnerModeOverride;
  source: 'env' | 'database' | 'default';
  /** The stored value, or null when none is stored. */
  databaseValue: RunnerModeOverride | null;
  /** True while RUNNER_MODE is set: the stored value has no effect until it is removed. */
  envLock: boolean;
}

export interface RunnerModeSetting {
  /** The effective mode for the next dispatch (OrchestratorContext.runnerMode). */
  effective(): Promise<RunnerModeOverride>;
  describe(): Promise<RunnerModeState>;
  /** Stores `mode`; returns the new state (`envLock` says whether it takes effect). */
  set(mode: RunnerModeOverride, now: Date): Promise<RunnerModeState>;
  /** Why `mode` cannot be stored here, or undefined when it can (see `unavailableRunnerModes`). */
  unavailable(mode: RunnerModeOverride): string | undefined;
}

const KEY = 'runnerMode';

function isMode(value: string | undefined): value is RunnerModeOverride {
  return value !== undefined && (RUNNER_MODES as readonly string[]).includes(value);
}

/** `envMode`: RUNNER_MODE when it is set in the environment, else undefined. */
export function createRunnerModeSetting(
  db: Kysely<Database>,
  envMode: RunnerModeOverride | undefined,
  flyAvailable = false,
): RunnerModeSetting {
  const refused = unavailableRunnerModes(flyAvailable);
  async function describe(): Promise<RunnerModeState> {
    const stored = await getSetting(db, KEY);
    const databaseValue = isMode(stored) ? stored : null;
    if (envMode !== undefined) return { mode: envMode, source: 'env', databaseValue, envLock: true };
    if (databaseValue !== null)
      return { mode: databaseValue, source: 'database', databaseValue, envLock: false };
    return { mode: 'default', source: 'default', databaseValue: null, envLock: false };
  }
  return {
    describe,
    effective: async () => (await describe()).mode,
    unavailable: (mode) => refused[mode],
    async set(mode, now) {
      await setSetting(db, KEY, mode, now);
      return describe();
    },
  };
}
