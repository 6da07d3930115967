import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import {
  globalNameClash,
  owningTeam,
  secretNameProblem,
  secretPrefix,
  teamSecretStoredName,
} from '../../domain/secret-names.ts';
import type { FlyAppSecret, FlyClient } from '../../fly/fly-client.ts';
import { listMappingTeamKeys } from '../../store/mappings.ts';
import type { Database } from '../../store/schema.ts';
import {
  lastSetTimes,
  listSecretChanges,
  recordSecretChange,
  type SecretChange,
} from '../../store/secret-changes.ts';
import { PlatformRefusal, upstreamRefusal } from './platform-refusal.ts';

/**
 * Per-team and global secrets as Fly app secrets of the sessions app (seed 002 "Secrets",
 * CONTRACTS.md §9). Values are write-only: they go to Fly and nowhere else — not into a
 * response, a log line, an error or the database; the audit keeps who set which name when.
 */

/** Whose secrets: one mapping's (`TEAM_NAME` in Fly) or the global ones (stored as given). */
export type SecretScope = { kind: 'team'; teamKey: string } | { kind: 'global' };

/** One secret as listed: never a value. */
export interface SecretEntry {
  /** The name a run sees (team prefix removed). */
  name: string;
  /** The name in Fly. */
  storedAs: string;
  /** When it last changed (Fly's updated_at, else our audit), or null when unknown. */
  updatedAt: string | null;
}

export interface SecretsService {
  /** The sessions app secrets go to, or why there is none (no token, no app). */
  target(): { app: string } | { problem: string };
  list(scope: SecretScope): Promise<SecretEntry[]>;
  /** Every mapping's and the global secrets from one Fly call (the Secrets panel). */
  listAll(): Promise<{ byTeam: Map<string, SecretEntry[]>; global: SecretEntry[] }>;
  /** Creates or replaces a secret; 400-type refusals name the field (`name`, `value`). */
  set(scope: SecretScope, name: string, value: string, actor: string): Promise<SecretEntry>;
  remove(scope: SecretScope, name: string, actor: string): Promise<void>;
  /** Deletes every secret of a mapping (offered when the mapping is deleted); returns the stored names. */
  removeAllOfTeam(teamKey: string, actor: string): Promise<string[]>;
  /** The audit, newest first. */
  changes(limit?: number): Promise<SecretChange[]>;
}

export interface SecretsDeps {
  db: Kysely<Database>;
  /** Undefined while FLY_SESSIONS_TOKEN is unset. */
  fly: FlyClient | undefined;
  /** The running sessions app (FLY_SESSIONS_APP or the flySessionsApp setting at start-up). */
  app: () => string | undefined;
  clock: () => Date;
  logger: Pick<Logger, 'info'>;
}

/** The longest value accepted, in characters (a Fly secret is an environment variable). */
export const MAX_SECRET_VALUE_LENGTH = 32_768;

export function createSecretsService(deps: SecretsDeps): SecretsService {
  const { db } = deps;

  function target(): { app: string } | { problem: string } {
    const app = deps.app();
    if (!deps.fly) {
      return {
        problem: 'secrets are Fly app secrets of the sessions app: set FLY_SESSIONS_TOKEN and restart',
      };
    }
    if (!app) {
      return {
        problem:
          'secrets are Fly app secrets of the sessions app: set FLY_SESSIONS_APP, or the flySessionsApp setting and restart',
      };
    }
    return { app };
  }

  function connection(): { fly: FlyClient; app: string } {
    const found = target();
    if ('problem' in found) throw new PlatformRefusal('unconfigured', found.problem);
    return { fly: deps.fly!, app: found.app };
  }

  async function teamKeys(): Promise<string[]> {
    return listMappingTeamKeys(db);
  }

  async function requireTeam(scope: SecretScope, keys: string[]): Promise<void> {
    if (scope.kind === 'team' && !keys.includes(scope.teamKey)) {
      throw new PlatformRefusal('not_found', `no project mapping with teamKey ${scope.teamKey}`);
    }
  }

  async function flySecrets(fly: FlyClient, app: string): Promise<FlyAppSecret[]> {
    try {
      return await fly.listAppSecrets(app);
    } catch (error) {
      throw upstreamRefusal(error);
    }
  }

  function entriesOf(
    scope: SecretScope,
    secrets: FlyAppSecret[],
    keys: string[],
    audit: Map<string, string>,
  ) {
    const owner = scope.kind === 'team' ? scope.teamKey : undefined;
    return secrets
      .filter((secret) => owningTeam(secret.name, keys) === owner)
      .map((secret) => ({
        name: owner ? secret.name.slice(secretPrefix(owner).length) : secret.name,
        storedAs: secret.name,
        updatedAt: secret.updatedAt ?? audit.get(secret.name) ?? secret.createdAt ?? null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  function storedNameOf(scope: SecretScope, name: string, keys: string[]): string {
    const problem = secretNameProblem(name);
    if (problem) throw new PlatformRefusal('invalid', `name ${problem}`, { field: 'name' });
    if (scope.kind === 'global') {
      const clash = globalNameClash(name, keys);
      if (clash) {
        throw new PlatformRefusal(
          'invalid',
          `name must not start with ${secretPrefix(clash)}: that prefix belongs to project mapping ${clash}; add it as a secret of ${clash} instead`,
          { field: 'name' },
        );
      }
      return name;
    }
    const stored = teamSecretStoredName(scope.teamKey, name);
    const owner = owningTeam(stored, keys);
    if (owner !== scope.teamKey) {
      throw new PlatformRefusal(
        'invalid',
        `name would be stored as ${stored}, which belongs to project mapping ${owner} (its prefix ${secretPrefix(owner ?? '')} is longer); choose another name`,
        { field: 'name' },
      );
    }
    return stored;
  }

  return {
    target,
    async list(scope) {
      const keys = await teamKeys();
      await requireTeam(scope, keys);
      const { fly, app } = connection();
      const [secrets, audit] = await Promise.all([flySecrets(fly, app), lastSetTimes(db)]);
      return entriesOf(scope, secrets, keys, audit);
    },

    async listAll() {
      const keys = await teamKeys();
      const { fly, app } = connection();
      const [secrets, audit] = await Promise.all([flySecrets(fly, app), lastSetTimes(db)]);
      const byTeam = new Map(
        keys.map((teamKey) => [teamKey, entriesOf({ kind: 'team', teamKey }, secrets, keys, audit)]),
      );
      return { byTeam, global: entriesOf({ kind: 'global' }, secrets, keys, audit) };
    },

    async set(scope, name, value, actor) {
      const keys = await teamKeys();
      await requireTeam(scope, keys);
      const storedAs = storedNameOf(scope, name, keys);
      if (typeof value !== 'string' || value.length === 0) {
        throw new PlatformRefusal('invalid', 'value is required', { field: 'value' });
      }
      if (value.length > MAX_SECRET_VALUE_LENGTH) {
        throw new PlatformRefusal('invalid', `value must be at most ${MAX_SECRET_VALUE_LENGTH} characters`, {
          field: 'value',
        });
      }
      const { fly, app } = connection();
      try {
        await fly.setAppSecret(app, storedAs, value);
      } catch (error) {
        throw upstreamRefusal(error, value);
      }
      const now = deps.clock();
      const teamKey = scope.kind === 'team' ? scope.teamKey : null;
      await recordSecretChange(db, { actor, action: 'set', scope: scope.kind, teamKey, name, storedAs }, now);
      deps.logger.info({ scope: scope.kind, teamKey, storedAs, actor, app }, 'secret set in Fly');
      return { name, storedAs, updatedAt: now.toISOString() };
    },

    async remove(scope, name, actor) {
      const keys = await teamKeys();
      await requireTeam(scope, keys);
      const { fly, app } = connection();
      const entry = entriesOf(scope, await flySecrets(fly, app), keys, new Map()).find(
        (e) => e.name === name,
      );
      if (!entry) {
        const whose = scope.kind === 'team' ? `project mapping ${scope.teamKey}` : 'the global secrets';
        throw new PlatformRefusal('not_found', `${whose} have no secret ${name}`);
      }
      try {
        await fly.deleteAppSecret(app, entry.storedAs);
      } catch (error) {
        throw upstreamRefusal(error);
      }
      const teamKey = scope.kind === 'team' ? scope.teamKey : null;
      await recordSecretChange(
        db,
        { actor, action: 'delete', scope: scope.kind, teamKey, name, storedAs: entry.storedAs },
        deps.clock(),
      );
      deps.logger.info(
        { scope: scope.kind, teamKey, storedAs: entry.storedAs, actor, app },
        'secret deleted in Fly',
      );
    },

    async removeAllOfTeam(teamKey, actor) {
      const keys = await teamKeys();
      const scope: SecretScope = { kind: 'team', teamKey };
      await requireTeam(scope, keys);
      const { fly, app } = connection();
      const entries = entriesOf(scope, await flySecrets(fly, app), keys, new Map());
      if (entries.length === 0) return [];
      try {
        await fly.unsetAppSecrets(
          app,
          entries.map((e) => e.storedAs),
        );
      } catch (error) {
        throw upstreamRefusal(error);
      }
      const now = deps.clock();
      for (const entry of entries) {
        await recordSecretChange(
          db,
          { actor, action: 'delete', scope: 'team', teamKey, name: entry.name, storedAs: entry.storedAs },
          now,
        );
      }
      deps.logger.info(
        { teamKey, storedAs: entries.map((e) => e.storedAs), actor, app },
        'team secrets deleted in Fly',
      );
      return entries.map((e) => e.storedAs);
    },

    changes: (limit) => listSecretChanges(db, limit),
  };
}
