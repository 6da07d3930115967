import type { Mapping } from '../../domain/mapping.ts';
import { describeError } from '../../domain/errors.ts';
import type { GitHubAppClient } from '../github-app.ts';
import type { PullRequestTextOptions } from './pull-request-text.ts';
import { renderRepoFiles, type RepoTarget } from './render-templates.ts';
import { groupRepoTargets } from './repo-targets.ts';
import { loadTemplates, type TemplateSource } from './template-catalog.ts';
import { repoTemplateStatus, type RepoTemplateStatus } from './template-status.ts';
import { syncRepoWorkflows, type SyncOutcome } from './sync-workflows.ts';

/**
 * Sync workflows and template status (seed 002: `POST /api/mappings/:teamKey/sync-workflows`,
 * `GET /api/admin/template-status`), acting as the GitHub App's installation on each repository.
 * Syncs of one repository run one at a time, so two clicks cannot race on its branch.
 */

export interface TemplateSyncOptions {
  github: Pick<GitHubAppClient, 'repoOctokit'>;
  /** The orchestrator's public base URL (RUNNER_CALLBACK_BASE_URL), named in the pull request body. */
  orchestratorUrl?: string | undefined;
  /** The templates to sync; default: the repository's `templates/` folder, read once here. */
  templates?: readonly TemplateSource[];
}

export interface TemplateSync {
  readonly templates: readonly TemplateSource[];
  /**
   * Opens or updates the sync pull request of `target`. Throws `TemplateConfigError` when the
   * mappings' workflow file names collide, `IntegrationError` for GitHub failures (`not_found`
   * for an app not installed or a missing default branch, `auth` for a missing permission, …).
   */
  sync(target: RepoTarget): Promise<SyncOutcome>;
  /**
   * Template status of every repository `mappings` point at, in repository order. A repository
   * GitHub cannot be read for, or whose mappings conflict, is reported `unknown` with the reason;
   * this never throws for one repository's failure.
   */
  statusAll(mappings: readonly Mapping[]): Promise<RepoTemplateStatus[]>;
}

/** Repositories read at once by `statusAll`: enough to be quick, few enough for rate limits. */
const STATUS_CONCURRENCY = 4;

export function createTemplateSync(options: TemplateSyncOptions): TemplateSync {
  const templates = options.templates ?? loadTemplates();
  const text: PullRequestTextOptions = { orchestratorUrl: options.orchestratorUrl };
  const queues = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier sync of the same repository has settled. */
  function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return next;
  }

  async function sync(target: RepoTarget): Promise<SyncOutcome> {
    const rendered = renderRepoFiles(templates, target);
    const key = `${target.owner}/${target.repo}`.toLowerCase();
    return serialized(key, async () => {
      const octokit = await options.github.repoOctokit(target.owner, target.repo);
      return syncRepoWorkflows(octokit, target, rendered, text);
    });
  }

  async function statusOf(target: RepoTarget): Promise<RepoTemplateStatus> {
    try {
      const rendered = renderRepoFiles(templates, target);
      const octokit = await options.github.repoOctokit(target.owner, target.repo);
      return await repoTemplateStatus(octokit, target, rendered);
    } catch (error) {
      return {
        repository: `${target.owner}/${target.repo}`,
        defaultBranch: target.defaultBranch,
        teamKeys: target.mappings.map((m) => m.teamKey),
        status: 'unknown',
        files: [],
        syncPullRequest: null,
        error: describeError(error),
      };
    }
  }

  async function statusAll(mappings: readonly Mapping[]): Promise<RepoTemplateStatus[]> {
    const { targets, conflicts } = groupRepoTargets(mappings);
    const results: RepoTemplateStatus[] = [];
    for (let i = 0; i < targets.length; i += STATUS_CONCURRENCY) {
      results.push(...(await Promise.all(targets.slice(i, i + STATUS_CONCURRENCY).map(statusOf))));
    }
    for (const conflict of conflicts) {
      results.push({
        repository: conflict.repository,
        defaultBranch: '',
        teamKeys: conflict.teamKeys,
        status: 'unknown',
        files: [],
        syncPullRequest: null,
        error: conflict.message,
      });
    }
    return results.sort((a, b) => a.repository.localeCompare(b.repository));
  }

  return { templates, sync, statusAll };
}
