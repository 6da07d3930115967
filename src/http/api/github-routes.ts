import { Hono } from 'hono';
import { IntegrationError } from '../../domain/errors.ts';
import type { InstallationRepository } from '../../github/installation-repositories.ts';

/** Lists the repositories the GitHub App's installations reach (GitHubAppClient.listRepositories). */
export type RepositoryLister = () => Promise<{ repositories: InstallationRepository[]; truncated: boolean }>;

/**
 * `GET /api/github/repositories`: `{ repositories: [{ owner, repo, fullName, defaultBranch,
 * private }], truncated }`, every repository the App's installations reach, for the project
 * stepper's repository picker. 503 when no GitHub App is configured; GitHub's refusal as 502
 * (`github_<category>`), a rate limit as 503 with `Retry-After`.
 */
export function githubRoutes(listRepositories: RepositoryLister | undefined): Hono {
  const app = new Hono();
  app.get('/api/github/repositories', async (c) => {
    if (!listRepositories) {
      return c.json({ error: 'not_configured', message: 'no GitHub App is configured' }, 503);
    }
    try {
      return c.json(await listRepositories());
    } catch (error) {
      if (!(error instanceof IntegrationError)) throw error;
      if (error.category === 'rate_limited') {
        c.header('Retry-After', String(Math.max(1, Math.ceil((error.retryAfterMs ?? 60_000) / 1000))));
        return c.json({ error: 'github_rate_limited', message: error.message }, 503);
      }
      return c.json({ error: `github_${error.category}`, message: error.message }, 502);
    }
  });
  return app;
}
