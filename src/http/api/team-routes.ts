import { Hono } from 'hono';
import { describeError, IntegrationError } from '../../domain/errors.ts';
import type { Mapping } from '../../domain/mapping.ts';
import type { OrchestratorContext } from '../../orchestrator/context.ts';
import type { TicketingProviderName } from '../../domain/ticket.ts';
import type { FieldError } from '../validation.ts';

/**
 * The tracker's teams, for the project stepper (issue 19): a picker filled from them, and the
 * check that refuses a team key the tracker does not have — a typo would otherwise give a
 * project that never picks anything up. Only trackers whose team key names a real team list
 * teams (Linear, `TicketingProvider.listTeams`); for Jira and GitHub Issues the key is a label
 * the operator chooses.
 */
export function teamRoutes(ctx: OrchestratorContext): Hono {
  const app = new Hono();
  /**
   * `GET /api/ticketing/teams?provider=linear`: `{ provider, teams: [{ key, name }] }`. 400 for a
   * tracker without teams to list, 503 when it is not configured, 502 when it refuses.
   */
  app.get('/api/ticketing/teams', async (c) => {
    const name = c.req.query('provider') ?? 'linear';
    if (!isProviderName(name)) {
      return c.json({ error: 'bad_request', message: 'provider: must be linear, jira or github' }, 400);
    }
    const provider = ctx.ticketing.get(name);
    if (!provider) {
      return c.json({ error: 'not_configured', message: `${name} is not configured` }, 503);
    }
    if (!provider.listTeams) {
      return c.json(
        {
          error: 'bad_request',
          message: `provider: ${name} has no teams to list; its team key is a free label`,
        },
        400,
      );
    }
    try {
      return c.json({ provider: name, teams: await provider.listTeams() });
    } catch (error) {
      if (!(error instanceof IntegrationError)) throw error;
      return c.json({ error: `${name}_${error.category}`, message: error.message }, 502);
    }
  });
  return app;
}

/**
 * How long a team list read by `teamKeyProblems` answers for a key it contains. A script saving
 * 500 mappings otherwise listed every team 500 times (~0.5 MB of short-lived response objects a
 * save, which grew the heap before the first tick: bench/README.md, "Re-measured 2026-12-06
 * (first-tick memory)"). A key missing from it is checked against a fresh list, so a team created
 * a moment ago is never refused; only a team deleted within this window can still be accepted.
 */
export const TEAM_LIST_REUSE_MS = 60_000;

/** The last team list each provider answered, with when (ctx.clock ms); one per provider object. */
const teamLists = new WeakMap<object, { readAt: number; teams: { key: string; name: string }[] }>();

/**
 * Refuses a Linear team key the API key cannot see, on the `teamKey` field, with the teams it
 * can see. A tracker that cannot be reached lets the mapping through (logged), so an outage
 * never blocks configuration; refused credentials are reported on `ticketingProvider`. A team
 * list read within `TEAM_LIST_REUSE_MS` accepts the keys it has without asking again.
 */
export async function teamKeyProblems(ctx: OrchestratorContext, mapping: Mapping): Promise<FieldError[]> {
  const provider = ctx.ticketing.get(mapping.ticketingProvider);
  if (!provider?.listTeams) return [];
  const wanted = mapping.teamKey.toUpperCase();
  const has = (teams: { key: string }[]) => teams.some((team) => team.key.toUpperCase() === wanted);
  const recent = teamLists.get(provider);
  if (recent && ctx.clock().getTime() - recent.readAt < TEAM_LIST_REUSE_MS && has(recent.teams)) return [];
  let teams: { key: string; name: string }[];
  try {
    teams = await provider.listTeams();
  } catch (error) {
    if (error instanceof IntegrationError && error.category === 'auth') {
      return [{ field: 'ticketingProvider', message: describeError(error) }];
    }
    ctx.logger.warn(
      { teamKey: mapping.teamKey, err: describeError(error) },
      'tracker unreachable; team key saved unchecked',
    );
    return [];
  }
  teamLists.set(provider, { readAt: ctx.clock().getTime(), teams });
  if (has(teams)) return [];
  const seen =
    teams.length === 0
      ? 'this API key sees no teams'
      : `teams this API key can see: ${teams.map((team) => `${team.key} (${team.name})`).join(', ')}`;
  const tracker = provider.name === 'linear' ? 'Linear' : provider.name;
  return [{ field: 'teamKey', message: `${tracker} has no team ${mapping.teamKey}; ${seen}` }];
}

function isProviderName(name: string): name is TicketingProviderName {
  return name === 'linear' || name === 'jira' || name === 'github';
}
