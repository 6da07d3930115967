import { Hono, type Context } from 'hono';
import { IntegrationError } from '../../domain/errors.ts';
import { TemplateConfigError } from '../../github/template-sync/render-templates.ts';
import { groupRepoTargets } from '../../github/template-sync/repo-targets.ts';
import type { SyncOutcome } from '../../github/template-sync/sync-workflows.ts';
import type { TemplateSync } from '../../github/template-sync/template-sync.ts';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { getMapping, listMappings } from '../../store/mappings.ts';

/**
 * Workflow templates API (seed 002):
 * - `POST /api/mappings/:teamKey/sync-workflows` opens or updates the one sync pull request of
 *   the mapping's repository → 200 `{ status: opened | updated | unchanged | up_to_date,
 *   pullRequest: { number, url } | null, files, … }`; 404 for an unknown mapping; 409 when the
 *   repository's mappings conflict (`fields` names the mapping field); 502 when GitHub refuses
 *   (the message says what to fix), 503 with Retry-After when GitHub rate-limits.
 * - `GET /api/admin/template-status` → 200 `{ templates: [{ name, version }], repos: [{
 *   repository, defaultBranch, teamKeys, status: current | stale | missing | unknown, files,
 *   syncPullRequest, error? }] }`.
 * Both answer 503 when the orchestrator has no template sync (no GitHub App client).
 */
export function templateRoutes(ctx: OrchestratorContext, templateSync: TemplateSync | undefined): Hono {
  const app = new Hono();

  app.post('/api/mappings/:teamKey/sync-workflows', async (c) => {
    if (!templateSync) return unavailable(c);
    const teamKey = c.req.param('teamKey');
    const mapping = await getMapping(ctx.db, teamKey);
    if (!mapping) {
      return c.json({ error: 'not_found', message: `no project mapping with teamKey ${teamKey}` }, 404);
    }
    const { targets, conflicts } = groupRepoTargets(await listMappings(ctx.db));
    const conflict = conflicts.find((x) => x.teamKeys.includes(teamKey));
    if (conflict) {
      return c.json(
        {
          error: 'conflict',
          message: conflict.message,
          fields: [{ field: 'defaultBranch', message: conflict.message }],
        },
        409,
      );
    }
    const target = targets.find((t) => t.mappings.some((m) => m.teamKey === teamKey));
    if (!target) throw new Error(`mapping ${teamKey} is in no repository group`);
    try {
      const outcome = await templateSync.sync(target);
      ctx.logger.info(
        {
          teamKey,
          repository: outcome.repository,
          status: outcome.status,
          pullRequest: outcome.pullRequest?.number,
        },
        'sync workflows',
      );
      return c.json({ ...outcome, message: summary(outcome) });
    } catch (error) {
      return syncFailure(ctx, c, teamKey, error);
    }
  });

  app.get('/api/admin/template-status', async (c) => {
    if (!templateSync) return unavailable(c);
    const repos = await templateSync.statusAll(await listMappings(ctx.db));
    return c.json({
      templates: templateSync.templates.map((t) => ({ name: t.name, version: t.version })),
      repos,
    });
  });
  return app;
}

function unavailable(c: Context) {
  return c.json(
    {
      error: 'unavailable',
      message: 'template sync is not configured on this orchestrator (no GitHub App client)',
    },
    503,
  );
}

function summary(outcome: SyncOutcome): string {
  const pull = outcome.pullRequest ? `pull request #${outcome.pullRequest.number}` : 'no pull request';
  const where = outcome.repository;
  switch (outcome.status) {
    case 'opened':
      return `${where}: opened ${pull} with ${outcome.commits} file change(s)`;
    case 'updated':
      return `${where}: updated ${pull} with ${outcome.commits} file change(s)`;
    case 'unchanged':
      return `${where}: ${pull} already carries every change; nothing to do`;
    case 'up_to_date':
      return `${where} is up to date on ${outcome.baseBranch}; nothing to do`;
  }
}

/** A sync failure as a client answer: the mapping's configuration, or GitHub's refusal. */
function syncFailure(ctx: OrchestratorContext, c: Context, teamKey: string, error: unknown) {
  if (error instanceof TemplateConfigError) {
    return c.json(
      { error: 'conflict', message: error.message, fields: [{ field: error.field, message: error.message }] },
      409,
    );
  }
  if (!(error instanceof IntegrationError)) throw error;
  ctx.logger.warn({ teamKey, category: error.category, err: error.message }, 'sync workflows failed');
  if (error.category === 'rate_limited') {
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 60_000) / 1000));
    c.header('Retry-After', String(seconds));
    return c.json({ error: 'github_rate_limited', message: error.message }, 503);
  }
  return c.json({ error: `github_${error.category}`, message: error.message }, 502);
}
