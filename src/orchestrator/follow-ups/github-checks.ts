import { workflowRunIdOf, type HeadCheck } from '../../domain/ci-checks.ts';
import { tail } from '../../domain/ci-failure.ts';
import type { GitHubAppClient } from '../../github/github-app.ts';
import type { PullRequestHost } from './pull-request-host.ts';

type Call = <T>(repo: string, action: string, run: (owner: string, name: string) => Promise<T>) => Promise<T>;

/** GitHub Actions' app slug: its check suites are the ones the loop waits for before they have runs. */
const ACTIONS_SLUG = 'github-actions';

/**
 * How long a repository whose branch protection could not be read (no Administration read, or
 * no protection) is not asked again: every CI event looks at the checks, and the answer changes
 * only when an admin changes the App or the branch.
 */
const UNREADABLE_PROTECTION_TTL_MS = 10 * 60_000;

/**
 * The checks half of `PullRequestHost` over the GitHub App client (issue 17). `call` maps
 * failures to `IntegrationError` (github-host.ts). REST:
 * https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference,
 * https://docs.github.com/rest/checks/suites#list-check-suites-for-a-git-reference,
 * https://docs.github.com/rest/commits/statuses#get-the-combined-status-for-a-specific-reference,
 * https://docs.github.com/rest/branches/branch-protection#get-status-checks-protection,
 * https://docs.github.com/rest/checks/runs#list-check-run-annotations,
 * https://docs.github.com/rest/actions/workflow-jobs#download-job-logs-for-a-workflow-run,
 * https://docs.github.com/rest/actions/workflow-runs#re-run-failed-jobs-from-a-workflow-run.
 */
export function createGitHubChecksHost(
  client: GitHubAppClient,
  call: Call,
): Pick<
  PullRequestHost,
  'listHeadChecks' | 'requiredChecks' | 'checkAnnotations' | 'jobLogTail' | 'rerunFailedJobs'
> {
  /** `owner/repo@branch` → until when its protection is taken as unreadable (ms since epoch). */
  const unreadable = new Map<string, number>();
  return {
    listHeadChecks: (repo, sha) =>
      call(repo, `read the checks of ${sha.slice(0, 7)}`, async (owner, name): Promise<HeadCheck[]> => {
        const octokit = await client.repoOctokit(owner, name);
        const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
          owner,
          repo: name,
          ref: sha,
          filter: 'latest',
          per_page: 100,
        });
        const checks: HeadCheck[] = runs.map((run) => ({
          name: run.name,
          source: 'check_run',
          completed: run.status === 'completed',
          conclusion: run.conclusion ?? null,
          id: run.id,
          ...(run.app?.slug === ACTIONS_SLUG && workflowRunIdOf(run.details_url)
            ? { workflowRunId: workflowRunIdOf(run.details_url) }
            : {}),
          ...(run.html_url ? { url: run.html_url } : {}),
        }));
        const suites = await octokit.paginate(octokit.rest.checks.listSuitesForRef, {
          owner,
          repo: name,
          ref: sha,
          per_page: 100,
        });
        for (const suite of suites) {
          // Other apps' suites may stay queued for ever without runs (GitHub creates one per app
          // with the Checks permission); Actions' queued suite means workflows are about to start.
          if (suite.app?.slug !== ACTIONS_SLUG || suite.status === 'completed') continue;
          if (runs.some((run) => run.check_suite?.id === suite.id)) continue;
          checks.push({
            name: `GitHub Actions suite ${suite.id}`,
            source: 'check_run',
            completed: false,
            conclusion: null,
          });
        }
        const { data: combined } = await octokit.rest.repos.getCombinedStatusForRef({
          owner,
          repo: name,
          ref: sha,
          per_page: 100,
        });
        for (const status of combined.statuses) {
          checks.push({
            name: status.context,
            source: 'status',
            completed: status.state !== 'pending',
            conclusion: status.state === 'pending' ? null : status.state,
            ...(status.target_url ? { url: status.target_url } : {}),
          });
        }
        return checks;
      }),

    requiredChecks: async (repo, branch) => {
      const key = `${repo.toLowerCase()}@${branch}`;
      if ((unreadable.get(key) ?? 0) > Date.now()) return undefined;
      try {
        return await call(repo, `read the required checks of ${branch}`, async (owner, name) => {
          const octokit = await client.repoOctokit(owner, name);
          const { data } = await octokit.rest.repos.getStatusChecksProtection({ owner, repo: name, branch });
          const names = [...(data.checks ?? []).map((check) => check.context), ...(data.contexts ?? [])];
          return [...new Set(names)];
        });
      } catch {
        // 404: no protection or no required checks; 403: no Administration read. Either way the
        // mapping's ignoredChecks decide (docs/decisions/ci-fix.md).
        unreadable.set(key, Date.now() + UNREADABLE_PROTECTION_TTL_MS);
        return undefined;
      }
    },

    checkAnnotations: (repo, checkRunId, limit) =>
      call(repo, `read the annotations of check run ${checkRunId}`, async (owner, name) => {
        const octokit = await client.repoOctokit(owner, name);
        const { data } = await octokit.rest.checks.listAnnotations({
          owner,
          repo: name,
          check_run_id: checkRunId,
          per_page: 100,
        });
        const order = { failure: 0, warning: 1, notice: 2 } as Record<string, number>;
        return [...data]
          .sort((a, b) => (order[a.annotation_level ?? ''] ?? 3) - (order[b.annotation_level ?? ''] ?? 3))
          .slice(0, limit)
          .map((a) => `${a.path}:${a.start_line}: ${a.message ?? ''}`.trim());
      }),

    jobLogTail: (repo, jobId, maxChars) =>
      call(repo, `read the log of job ${jobId}`, async (owner, name) => {
        const octokit = await client.repoOctokit(owner, name);
        try {
          // GitHub answers 302 to a short-lived log URL; fetch follows it and returns plain text.
          const response = await octokit.rest.actions.downloadJobLogsForWorkflowRun({
            owner,
            repo: name,
            job_id: jobId,
          });
          const text = typeof response.data === 'string' ? response.data : String(response.data ?? '');
          return text === '' ? undefined : tail(text, maxChars);
        } catch (error) {
          // Logs expire (90 days by default) or are still being written: the run goes without.
          if ((error as { status?: number }).status === 404 || (error as { status?: number }).status === 410)
            return undefined;
          throw error;
        }
      }),

    rerunFailedJobs: (repo, workflowRunId) =>
      call(repo, `re-run the failed jobs of workflow run ${workflowRunId}`, async (owner, name) => {
        const octokit = await client.repoOctokit(owner, name);
        await octokit.rest.actions.reRunWorkflowFailedJobs({ owner, repo: name, run_id: workflowRunId });
      }),
  };
}
