import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { secretNameProblem } from '../../domain/secret-names.ts';
import { writeRepoActionsSecret } from '../../github/actions-secrets.ts';
import type { GitHubAppClient } from '../../github/github-app.ts';
import { getMapping } from '../../store/mappings.ts';
import type { Database } from '../../store/schema.ts';
import { recordSecretChange } from '../../store/secret-changes.ts';
import { PlatformRefusal, upstreamRefusal } from './platform-refusal.ts';
import { MAX_SECRET_VALUE_LENGTH } from './secrets.ts';

/**
 * Team secrets for GitHub Actions runs: their runs read the repository's Actions secrets, so the
 * Secrets panel offers to write one there through the GitHub App (issue 13), under the name as
 * given — the repository belongs to the team, no prefix. Write-only like the Fly secrets; the
 * audit records the change with target `github:owner/repo`.
 */
export interface GitHubSecretsService {
  /** Writes `name` into the mapping's repository; 400-type refusals name the field. */
  write(
    teamKey: string,
    name: string,
    value: string,
    actor: string,
  ): Promise<{ name: string; repository: string; created: boolean }>;
}

export function createGitHubSecretsService(deps: {
  db: Kysely<Database>;
  github: Pick<GitHubAppClient, 'repoOctokit'>;
  clock: () => Date;
  logger: Pick<Logger, 'info'>;
}): GitHubSecretsService {
  return {
    async write(teamKey, name, value, actor) {
      const mapping = await getMapping(deps.db, teamKey);
      if (!mapping) throw new PlatformRefusal('not_found', `no project mapping with teamKey ${teamKey}`);
      const problem = secretNameProblem(name);
      if (problem) throw new PlatformRefusal('invalid', `name ${problem}`, { field: 'name' });
      // GitHub's own naming rules for secrets (https://docs.github.com/actions/security-guides/using-secrets-in-github-actions#naming-your-secrets).
      if (/^GITHUB_/i.test(name) || /^[0-9]/.test(name)) {
        throw new PlatformRefusal(
          'invalid',
          'name must not start with GITHUB_ or a digit (GitHub’s rule for secret names)',
          {
            field: 'name',
          },
        );
      }
      if (value.length === 0) throw new PlatformRefusal('invalid', 'value is required', { field: 'value' });
      if (value.length > MAX_SECRET_VALUE_LENGTH) {
        throw new PlatformRefusal('invalid', `value must be at most ${MAX_SECRET_VALUE_LENGTH} characters`, {
          field: 'value',
        });
      }
      const repository = `${mapping.owner}/${mapping.repo}`;
      let created: boolean;
      try {
        ({ created } = await writeRepoActionsSecret(deps.github, {
          owner: mapping.owner,
          repo: mapping.repo,
          name,
          value,
        }));
      } catch (error) {
        throw upstreamRefusal(error, value);
      }
      await recordSecretChange(
        deps.db,
        {
          actor,
          action: 'set',
          scope: 'team',
          teamKey,
          name,
          storedAs: name,
          target: `github:${repository}`,
        },
        deps.clock(),
      );
      deps.logger.info({ teamKey, storedAs: name, repository, actor }, 'Actions secret written to GitHub');
      return { name, repository, created };
    },
  };
}
