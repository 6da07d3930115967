import type { App } from '@octokit/app';
import { toGitHubError } from './errors.ts';

/** A repository one of the App's installations reaches, as the project stepper offers it. */
export interface InstallationRepository {
  owner: string;
  repo: string;
  /** `owner/repo`. */
  fullName: string;
  defaultBranch: string;
  private: boolean;
}

/** Enough for a picker; an App on more repositories than this is typed in by hand. */
export const MAX_LISTED_REPOSITORIES = 1_000;

/**
 * Every repository the App's installations reach, sorted by `owner/repo`, at most
 * `MAX_LISTED_REPOSITORIES` (`truncated` says when there were more). Walks
 * `GET /app/installations` (as the App) and each installation's `GET /installation/repositories`
 * (as the installation), page by page, through @octokit/app's `eachRepository`. Throws
 * `IntegrationError` like every GitHub call (`auth`, `rate_limited`, `transient`).
 * GitHub: https://docs.github.com/rest/apps/apps#list-installations-for-the-authenticated-app,
 * https://docs.github.com/rest/apps/installations#list-repositories-accessible-to-the-app-installation
 */
export async function listInstallationRepositories(
  app: App,
): Promise<{ repositories: InstallationRepository[]; truncated: boolean }> {
  const repositories: InstallationRepository[] = [];
  let truncated = false;
  try {
    for await (const { repository } of app.eachRepository.iterator()) {
      if (repositories.length >= MAX_LISTED_REPOSITORIES) {
        truncated = true;
        break;
      }
      repositories.push({
        owner: repository.owner.login,
        repo: repository.name,
        fullName: repository.full_name,
        defaultBranch: repository.default_branch,
        private: repository.private,
      });
    }
  } catch (error) {
    throw toGitHubError(error, {
      action: 'list the repositories of the GitHub App’s installations',
      notFound: 'GitHub does not know this GitHub App; check GITHUB_APP_ID',
    });
  }
  repositories.sort((a, b) => (a.fullName.toLowerCase() < b.fullName.toLowerCase() ? -1 : 1));
  return { repositories, truncated };
}
