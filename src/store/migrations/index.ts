import type { Migration } from 'kysely';
import * as initial from './0001-initial.ts';
import * as pullRequestFeedback from './0002-pull-request-feedback.ts';
import * as convergence from './0003-convergence.ts';
import * as listIndexes from './0004-list-indexes.ts';
import * as secretChanges from './0006-secret-changes.ts';
import * as reaper from './0008-reaper.ts';
import * as ciFix from './0009-ci-fix.ts';
import * as linearAgent from './0010-linear-agent.ts';
import * as budgets from './0012-budgets.ts';
import * as ticketStates from './0013-ticket-states.ts';
import * as shadowRuns from './0014-shadow-runs.ts';
import * as runQuestions from './0015-run-questions.ts';
import * as tableVersions from './0016-table-versions.ts';
import * as blockingTickets from './0021-blocking-tickets.ts';
import * as mappingProviderIndex from './0022-mapping-provider-index.ts';
import * as mappingsVersion from './0023-mappings-version.ts';

/**
 * Numbered migrations, applied in key order at start-up. Listed statically (not read from the
 * folder) so they work the same under tsx, vitest and Node's type stripping. Never edit a
 * migration that has shipped; add the next number.
 */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-pull-request-feedback': pullRequestFeedback,
  '0003-convergence': convergence,
  '0004-list-indexes': listIndexes,
  '0006-secret-changes': secretChanges,
  '0008-reaper': reaper,
  '0009-ci-fix': ciFix,
  '0010-linear-agent': linearAgent,
  '0012-budgets': budgets,
  '0013-ticket-states': ticketStates,
  '0014-shadow-runs': shadowRuns,
  '0015-run-questions': runQuestions,
  '0016-table-versions': tableVersions,
  '0021-blocking-tickets': blockingTickets,
  '0022-mapping-provider-index': mappingProviderIndex,
  '0023-mappings-version': mappingsVersion,
};
