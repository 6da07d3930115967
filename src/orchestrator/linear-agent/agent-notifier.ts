import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { describeError } from '../../domain/errors.ts';
import type { NotificationEvent, Notifier } from '../../notify/types.ts';
import { activeSessionFor } from '../../store/linear-agent.ts';
import type { Database } from '../../store/schema.ts';
import type { RunProgress } from '../../domain/run-result.ts';
import type { DispatchRow } from '../../store/dispatches.ts';
import type { AgentActivityContent, AgentClient } from '../../ticketing/linear/agent/agent-client.ts';

/**
 * Wraps the Slack/Teams notifier: the run events it is told about also go, as activities, to the
 * Linear agent session of their ticket, when one is open — a dispatch as a `thought` ("planning
 * started"), a PR as the session's external URL plus a `response`, a failure as an `error`.
 * Best effort like every notification: never throws, never delays the caller.
 */
export function withAgentActivities(
  inner: Notifier,
  deps: { db: Kysely<Database>; client: AgentClient; logger: Logger },
): Notifier {
  const report = async (event: NotificationEvent) => {
    if (event.type === 'reaper_alert' || event.type === 'budget_alert') return;
    const session = await activeSessionFor(deps.db, event.issue.identifier);
    if (!session) return;
    const id = session.session_id;
    const phase = event.phase;
    const activity = (content: AgentActivityContent) => deps.client.createActivity(id, content);
    if (event.type === 'dispatch_succeeded') {
      await activity({
        type: 'thought',
        body: `${phase} started on ${event.repo} (run ${event.dispatchNumber}).`,
      });
    } else if (event.type === 'dispatch_failed') {
      await activity({ type: 'error', body: `Could not start ${phase}: ${event.error}` });
    } else if (event.result.status === 'failure') {
      await activity({ type: 'error', body: `${phase} failed: ${event.result.error}` });
    } else if (event.result.prUrl) {
      await deps.client.addExternalUrl(id, 'Pull request', event.result.prUrl);
      await activity({ type: 'response', body: `${phase} finished: pull request ${event.result.prUrl}` });
    } else {
      await activity({ type: 'response', body: `${phase} finished.` });
    }
  };
  return {
    kind: inner.kind,
    async notify(event) {
      void report(event).catch((error: unknown) =>
        deps.logger.warn({ err: describeError(error) }, 'Linear agent activity not sent'),
      );
      await inner.notify(event);
    },
  };
}

/**
 * A runner's progress step as an `action` activity in the ticket's open agent session: `started`
 * without a result, the end with its status and time. The planning pass's plan (the `plan` step's
 * reported sections, Work Units among them) follows as a `response`, so the person reads the plan
 * where they delegated. Best effort, never waits.
 */
export function agentProgressReporter(deps: {
  db: Kysely<Database>;
  client: AgentClient;
  logger: Logger;
}): (row: DispatchRow, progress: RunProgress) => void {
  return (row, progress) => {
    void (async () => {
      const session = await activeSessionFor(deps.db, row.issue_identifier);
      if (!session) return;
      const seconds =
        progress.elapsedMs === undefined ? '' : ` in ${Math.round(progress.elapsedMs / 1000)} s`;
      await deps.client.createActivity(session.session_id, {
        type: 'action',
        action: progress.step,
        parameter: `${row.phase} on ${row.repo}`,
        ...(progress.status === 'started' ? {} : { result: `${progress.status}${seconds}` }),
      });
      const plan = progress.step === 'plan' && progress.status === 'succeeded' ? planBody(progress) : '';
      if (plan) await deps.client.createActivity(session.session_id, { type: 'response', body: plan });
    })().catch((error: unknown) =>
      deps.logger.warn({ err: describeError(error) }, 'Linear agent progress activity not sent'),
    );
  };
}

/**
 * The plan step's output (`sections: [{ title, body }]`, `workUnits: [id]`; src/runner/steps/plan.ts)
 * as Markdown for a `response`; empty when the output has no sections.
 */
export function planBody(progress: RunProgress): string {
  const raw = progress.output?.sections;
  const sections = Array.isArray(raw)
    ? raw.filter(
        (section): section is { title: string; body: string } =>
          typeof section === 'object' &&
          section !== null &&
          typeof (section as { title?: unknown }).title === 'string' &&
          typeof (section as { body?: unknown }).body === 'string',
      )
    : [];
  if (sections.length === 0) return '';
  const units = Array.isArray(progress.output?.workUnits) ? progress.output.workUnits.map(String) : [];
  const head =
    units.length > 0
      ? `The plan, in ${units.length} work unit${units.length === 1 ? '' : 's'} (${units.join(', ')}):`
      : 'The plan:';
  return [head, ...sections.map((section) => `## ${section.title}\n\n${section.body}`)].join('\n\n');
}

/**
 * An agent's question as an `elicitation` in the ticket's open agent session (Linear shows it as
 * a request for input; the person's reply comes back as a `prompted` event): resolves with the
 * session's id, or undefined when the ticket has no open session. Throws when Linear refuses.
 */
export function agentQuestionAsker(deps: {
  db: Kysely<Database>;
  client: AgentClient;
}): (row: DispatchRow, question: string) => Promise<string | undefined> {
  return async (row, question) => {
    const session = await activeSessionFor(deps.db, row.issue_identifier);
    if (!session) return undefined;
    await deps.client.createActivity(session.session_id, {
      type: 'elicitation',
      body: `${question}\n\n(The ${row.phase} run on ${row.repo} waits for your reply here.)`,
    });
    return session.session_id;
  };
}
