import type { Logger } from 'pino';
import { describeError, IntegrationError } from './domain/errors.ts';
import type { Mapping } from './domain/mapping.ts';
import type { FieldError } from './http/validation.ts';
import type { JiraProvider } from './ticketing/jira/jira-provider.ts';

/** The checks a mapping passes before it is saved, beyond its schema (`checkMapping` of the HTTP app). */

/** A Fly Machines mapping needs the Fly backend, which exists only with FLY_SESSIONS_TOKEN set. */
export function flyMappingProblems(mapping: Mapping, flyAvailable: boolean): FieldError[] {
  if (mapping.executionMode !== 'fly-machines' || flyAvailable) return [];
  return [
    {
      field: 'executionMode',
      message:
        'fly-machines needs the Fly Machines backend: set FLY_SESSIONS_TOKEN (and FLY_SESSIONS_APP or the flySessionsApp setting) on the orchestrator and restart, or use github-actions',
    },
  ];
}

/**
 * A Jira mapping is checked against the site before it is saved: both custom fields resolve,
 * options exist, the JQL parses. An unreachable Jira lets the mapping through (logged), so an
 * outage never blocks configuration; bad credentials are reported, naming what to fix.
 */
export async function checkMappingWithTracker(
  jira: JiraProvider | undefined,
  mapping: Mapping,
  logger: Logger,
): Promise<FieldError[]> {
  if (!jira || mapping.ticketingConfig.kind !== 'jira') return [];
  try {
    const { checkJiraMapping } = await import('./ticketing/jira/mapping-check.ts');
    const check = await checkJiraMapping(jira.connection, mapping.ticketingConfig);
    return check.problems.map((message) => ({
      field: message === check.jqlProblem ? 'ticketingConfig.jql' : 'ticketingConfig',
      message,
    }));
  } catch (error) {
    if (error instanceof IntegrationError && error.category === 'auth') {
      return [{ field: 'ticketingProvider', message: describeError(error) }];
    }
    logger.warn(
      { teamKey: mapping.teamKey, err: describeError(error) },
      'Jira unreachable; mapping saved unchecked',
    );
    return [];
  }
}
