import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { FlyClient } from '../../fly/fly-client.ts';
import type { GitHubAppClient } from '../../github/github-app.ts';
import { createGitHubSecretsService, type GitHubSecretsService } from './github-secrets.ts';
import type { Database } from '../../store/schema.ts';
import type { RunnerModeOverride } from '../context.ts';
import { loadFlySettings, type FlySettings, type SettingName } from './fly-settings.ts';
import { createRunnerModeSetting, type RunnerModeSetting } from './runner-mode-setting.ts';
import { createSecretsService, type SecretsService } from './secrets.ts';
import type { SessionsService } from '../sessions/sessions.ts';
import type { Reaper } from '../reaper/reaper.ts';

/** The Platform panels' backends (seed 002): runner mode, Fly settings, Fly secrets. */
export interface Platform {
  runnerMode: RunnerModeSetting;
  settings: FlySettings;
  secrets: SecretsService;
  /** Writing team secrets into a repository's Actions secrets; undefined without a GitHub App client. */
  githubSecrets: GitHubSecretsService | undefined;
  /**
   * Fly Machine sessions (Sessions panel, `/api/sessions`), set by the composition root once the
   * orchestrator context exists; unset → those routes answer 404 and the panel says so.
   */
  sessions?: SessionsService;
  /** The reaper (Reaper panel, `/api/reaper/*`), set like `sessions`. */
  reaper?: Reaper;
}

export interface PlatformOptions {
  db: Kysely<Database>;
  /** RUNNER_MODE when set in the environment. */
  envRunnerMode?: RunnerModeOverride | undefined;
  /** FLY_SESSIONS_APP / FLY_SESSIONS_REGION when set in the environment. */
  envSettings?: Partial<Record<SettingName, string | undefined>>;
  /** A Machines API client (FLY_SESSIONS_TOKEN set), else undefined: runner mode `fly` is refused. */
  fly?: FlyClient | undefined;
  /** The GitHub App client, for writing repository Actions secrets. */
  github?: Pick<GitHubAppClient, 'repoOctokit'> | undefined;
  clock: () => Date;
  logger: Pick<Logger, 'info'>;
}

/** Builds the platform services; reads the stored settings once (their running values). */
export async function createPlatform(options: PlatformOptions): Promise<Platform> {
  const settings = await loadFlySettings(options.db, options.envSettings ?? {});
  return {
    runnerMode: createRunnerModeSetting(options.db, options.envRunnerMode, options.fly !== undefined),
    settings,
    secrets: createSecretsService({
      db: options.db,
      fly: options.fly,
      app: () => settings.running('flySessionsApp'),
      clock: options.clock,
      logger: options.logger,
    }),
    githubSecrets: options.github
      ? createGitHubSecretsService({
          db: options.db,
          github: options.github,
          clock: options.clock,
          logger: options.logger,
        })
      : undefined,
  };
}
