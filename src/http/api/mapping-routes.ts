import { Hono } from 'hono';
import type { Mapping } from '../../domain/mapping.ts';
import { MappingInputSchema, MappingPatchSchema } from '../../domain/mapping.ts';
import { deleteMapping, getMapping, listMappings, upsertMapping } from '../../store/mappings.ts';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import { badRequest, readJson, type FieldError } from '../validation.ts';
import { teamKeyProblems } from './team-routes.ts';
import type { SecretsService } from '../../orchestrator/platform/secrets.ts';
import { PlatformRefusal } from '../../orchestrator/platform/platform-refusal.ts';
import { actorOf, refusalResponse } from './platform-routes.ts';

/**
 * Project mappings API (seed 002 endpoint reference; fields and rules of seed 001):
 * `GET /api/mappings`, `POST /api/mappings` (create or replace: 201 new, 200 replaced),
 * `PATCH /api/mappings/:teamKey` (maxInProgressAiIssues, paused), `DELETE /api/mappings/:teamKey`.
 * `POST /api/mappings/validate` runs POST's checks without saving: 200
 * `{ valid: true, mapping, exists }` (the mapping with defaults filled in; `exists` when that
 * teamKey is taken) or the same 400. A bad body answers 400 with every failing field and why.
 * `DELETE …?deleteSecrets=true` first deletes the mapping's Fly secrets (`TEAM_*`); when Fly
 * refuses, nothing is deleted and the answer says why (502/503).
 */
export function mappingRoutes(
  ctx: OrchestratorContext,
  checkMapping: MappingCheck = async () => [],
  secrets?: SecretsService,
): Hono {
  const app = new Hono();
  app.get('/api/mappings', async (c) => c.json({ mappings: await listMappings(ctx.db) }));

  app.post('/api/mappings', async (c) => {
    const body = await readJson(c, MappingInputSchema);
    if (!body.ok) return body.response;
    const problems = await mappingProblems(ctx, checkMapping, body.value);
    if (problems.length > 0) return badRequest(c, problems.map((p) => p.message).join('; '), problems);
    const created = await upsertMapping(ctx.db, body.value, ctx.clock());
    return c.json({ mapping: body.value }, created ? 201 : 200);
  });

  // The New project stepper checks each step here: the same rules as POST, nothing saved.
  app.post('/api/mappings/validate', async (c) => {
    const body = await readJson(c, MappingInputSchema);
    if (!body.ok) return body.response;
    const problems = await mappingProblems(ctx, checkMapping, body.value);
    if (problems.length > 0) return badRequest(c, problems.map((p) => p.message).join('; '), problems);
    const exists = (await getMapping(ctx.db, body.value.teamKey)) !== undefined;
    return c.json({ valid: true, mapping: body.value, exists });
  });

  app.patch('/api/mappings/:teamKey', async (c) => {
    const body = await readJson(c, MappingPatchSchema);
    if (!body.ok) return body.response;
    const existing = await getMapping(ctx.db, c.req.param('teamKey'));
    if (!existing) return notFound(c, c.req.param('teamKey'));
    const updated: Mapping = {
      ...existing,
      ...(body.value.maxInProgressAiIssues !== undefined
        ? { maxInProgressAiIssues: body.value.maxInProgressAiIssues }
        : {}),
      ...(body.value.paused !== undefined ? { paused: body.value.paused } : {}),
    };
    await upsertMapping(ctx.db, updated, ctx.clock());
    return c.json({ mapping: updated });
  });

  app.delete('/api/mappings/:teamKey', async (c) => {
    const teamKey = c.req.param('teamKey');
    let deletedSecrets: string[] | undefined;
    if (c.req.query('deleteSecrets') === 'true') {
      if (!(await getMapping(ctx.db, teamKey))) return notFound(c, teamKey);
      if (!secrets)
        return c.json({ error: 'not_configured', message: 'secrets are not available here' }, 503);
      try {
        deletedSecrets = await secrets.removeAllOfTeam(teamKey, actorOf(c));
      } catch (error) {
        if (error instanceof PlatformRefusal) return refusalResponse(c, error);
        throw error;
      }
    }
    if (!(await deleteMapping(ctx.db, teamKey))) return notFound(c, teamKey);
    return c.json({ deleted: teamKey, ...(deletedSecrets ? { deletedSecrets } : {}) });
  });
  return app;
}

function notFound(c: Parameters<typeof badRequest>[0], teamKey: string) {
  return c.json({ error: 'not_found', message: `no project mapping with teamKey ${teamKey}` }, 404);
}

/**
 * Checks a valid mapping against its tracker before it is saved (for Jira: the custom fields
 * resolve and the JQL parses). Returns field errors; an unreachable tracker returns none, so an
 * outage never blocks configuration.
 */
export type MappingCheck = (mapping: Mapping) => Promise<FieldError[]>;

async function mappingProblems(
  ctx: OrchestratorContext,
  check: MappingCheck,
  mapping: Mapping,
): Promise<FieldError[]> {
  const unconfigured = providerProblem(ctx, mapping);
  if (unconfigured) return [unconfigured];
  return [...(await teamKeyProblems(ctx, mapping)), ...(await check(mapping))];
}

/** A mapping whose tracker has no credentials on this orchestrator could never be polled. */
function providerProblem(ctx: OrchestratorContext, mapping: Mapping) {
  if (ctx.ticketing.has(mapping.ticketingProvider)) return undefined;
  const variables =
    mapping.ticketingProvider === 'linear'
      ? 'LINEAR_API_KEY'
      : mapping.ticketingProvider === 'jira'
        ? 'JIRA_TOKEN and JIRA_CLOUD_ID'
        : 'GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY';
  return {
    field: 'ticketingProvider',
    message: `${mapping.ticketingProvider} is not configured on this orchestrator: set ${variables} and restart`,
  };
}
