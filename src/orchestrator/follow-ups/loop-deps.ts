import type { OrchestratorContext } from '../context.ts';
import type { PullRequestHost } from './pull-request-host.ts';
import type { RepoConfig } from './repo-config.ts';
import type { WorkQueue } from './work-queue.ts';

/** What the pull-request loop's parts share; built once by `createPullRequestLoop`. */
export interface LoopDeps {
  ctx: OrchestratorContext;
  /** GitHub, when the orchestrator has a GitHub App client; without it the loop works from webhooks alone. */
  host: PullRequestHost | undefined;
  /** The GitHub App's id (GITHUB_APP_ID): comments made through it are the orchestrator's own. */
  appId: number | undefined;
  queue: WorkQueue;
  /** The repository's `.ai-implement/config.yml` on `ref`, cached for a few minutes. */
  repoConfig(repo: string, ref: string): Promise<RepoConfig>;
}
