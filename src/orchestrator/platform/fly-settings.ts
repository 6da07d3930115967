import type { Kysely } from 'kysely';
import { FLY_REGIONS, isFlyRegion } from '../../fly/regions.ts';
import type { Database } from '../../store/schema.ts';
import { getSetting, setSetting } from '../../store/settings.ts';

/**
 * Orchestrator settings of the Settings panel (seed 002, CONTRACTS.md §9): `flySessionsApp` and
 * `flySessionsRegion`. The environment (FLY_SESSIONS_APP, FLY_SESSIONS_REGION) wins; otherwise
 * the value stored when the process started. A stored change takes effect after a restart, and
 * `restartRequired` says so while the stored value differs from the running one.
 */

export const SETTING_NAMES = ['flySessionsApp', 'flySessionsRegion'] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

export const SETTING_ENV_VARS: Record<SettingName, string> = {
  flySessionsApp: 'FLY_SESSIONS_APP',
  flySessionsRegion: 'FLY_SESSIONS_REGION',
};

/** One setting as `GET /api/settings` reports it. */
export interface SettingState {
  /** The running value (env when set, else the stored value at start-up); null when neither. */
  value: string | null;
  /** The stored value now; null when none is stored. */
  databaseValue: string | null;
  envVar: string;
  /** True while the env var is set: it wins over the stored value. */
  envOverride: boolean;
  /** True when the stored value differs from the running one and no env var overrides it. */
  restartRequired: boolean;
}

export type SettingsState = Record<SettingName, SettingState>;

export interface FlySettings {
  /** The running value of a setting (what the process uses until it restarts). */
  running(name: SettingName): string | undefined;
  describe(): Promise<SettingsState>;
  /** Stores the given values (already validated with `settingProblem`). */
  set(values: Partial<Record<SettingName, string>>, now: Date): Promise<SettingsState>;
}

/** Why `value` is not valid for setting `name`, or undefined. */
export function settingProblem(name: SettingName, value: string): string | undefined {
  if (name === 'flySessionsApp') {
    if (value.length === 0) return 'is required';
    if (value.length > 63) return 'must be at most 63 characters';
    return /^[a-z0-9-]+$/.test(value)
      ? undefined
      : 'must be a Fly app name: lowercase letters, digits and dashes (^[a-z0-9-]+$)';
  }
  return isFlyRegion(value)
    ? undefined
    : `must be a Fly region code, one of ${Object.keys(FLY_REGIONS).join(', ')} (https://fly.io/docs/reference/regions/)`;
}

/**
 * `env`: FLY_SESSIONS_APP / FLY_SESSIONS_REGION as set in the environment. The stored values are
 * read once here, at start-up: they are the running values until the next restart.
 */
export async function loadFlySettings(
  db: Kysely<Database>,
  env: Partial<Record<SettingName, string | undefined>>,
): Promise<FlySettings> {
  const atStart: Partial<Record<SettingName, string>> = {};
  for (const name of SETTING_NAMES) {
    const stored = await getSetting(db, name);
    if (stored !== undefined) atStart[name] = stored;
  }
  const running = (name: SettingName) => env[name] ?? atStart[name];
  async function describe(): Promise<SettingsState> {
    const state = {} as SettingsState;
    for (const name of SETTING_NAMES) {
      const databaseValue = (await getSetting(db, name)) ?? null;
      const envOverride = env[name] !== undefined;
      state[name] = {
        value: running(name) ?? null,
        databaseValue,
        envVar: SETTING_ENV_VARS[name],
        envOverride,
        restartRequired: !envOverride && databaseValue !== (atStart[name] ?? null),
      };
    }
    return state;
  }
  return {
    running,
    describe,
    async set(values, now) {
      for (const name of SETTING_NAMES) {
        const value = values[name];
        if (value !== undefined) await setSetting(db, name, value, now);
      }
      return describe();
    },
  };
}
