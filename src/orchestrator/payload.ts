import type { CiFailure } from '../domain/ci-failure.ts';
import type { Mapping } from '../domain/mapping.ts';
import { runSecretScope } from '../domain/secret-names.ts';
import type { Phase } from '../domain/phases.ts';
import type { Ticket, TicketSummary } from '../domain/ticket.ts';
import type { DispatchPayload, RelatedIssue } from '../runners/types.ts';

/** GitHub allows 65 535 characters per workflow input; CONTRACTS.md §3 keeps the payload under 60 000. */
export const MAX_PAYLOAD_CHARS = 60_000;

export interface PayloadInput {
  dispatchId: string;
  phase: Phase;
  ticket: Ticket;
  mapping: Mapping;
  image: string | undefined;
  pullRequest: { number: number; branch: string } | undefined;
  callback: { url: string; resultToken: string; progressToken: string } | undefined;
  /** Every mapping's teamKey, for the run's secret scope (`secrets`); omitted → no `secrets`. */
  teamKeys?: readonly string[];
  /** A ci-fix run's failure (already fitted to `MAX_CI_FAILURE_CHARS`). */
  ciFailure?: CiFailure;
}

/**
 * Builds the dispatch payload of CONTRACTS.md §3. Optional members are left out when not
 * relevant; when the JSON would pass `MAX_PAYLOAD_CHARS`, the description is cut and ends with
 * a marker that says how much was left out (then siblings are dropped if still too long).
 */
export function buildPayload(input: PayloadInput): DispatchPayload {
  const { ticket, mapping } = input;
  const caps = pickDefined({
    maxTurns: mapping.maxTurns,
    maxIterations: mapping.maxIterations,
    maxJobMinutes: mapping.maxJobMinutes,
    maxRunCostUsd: mapping.maxRunCostUsd,
  });
  const related = pickDefined({
    parent: ticket.parent ? toRelated(ticket.parent) : undefined,
    siblings: ticket.siblings.length > 0 ? ticket.siblings.map(toRelated) : undefined,
    dependencies:
      ticket.dependencies.length > 0
        ? ticket.dependencies.map((dependency) => ({
            ...toRelated(dependency),
            resolved: dependency.resolved,
          }))
        : undefined,
  });
  const payload: DispatchPayload = {
    version: 1,
    dispatchId: input.dispatchId,
    phase: input.phase,
    issue: {
      id: ticket.id,
      identifier: ticket.identifier,
      title: ticket.title,
      description: ticket.description,
      url: ticket.url,
      provider: ticket.provider,
    },
    ...(Object.keys(related).length > 0 ? { related } : {}),
    ...(Object.keys(caps).length > 0 ? { caps } : {}),
    provider:
      mapping.provider === 'bedrock'
        ? { name: 'bedrock', awsRegion: mapping.awsRegion }
        : { name: 'anthropic' },
    ...(mapping.sessionMode !== 'autonomous' ? { sessionMode: mapping.sessionMode } : {}),
    ...(input.image ? { image: input.image } : {}),
    ...(input.pullRequest ? { pullRequest: input.pullRequest } : {}),
    ...(input.callback ? { callback: input.callback } : {}),
    ...(input.teamKeys ? { secrets: runSecretScope(mapping.teamKey, input.teamKeys) } : {}),
    ...(input.ciFailure ? { ciFailure: input.ciFailure } : {}),
    ...(mapping.pipelines?.[input.phase] ? { pipeline: mapping.pipelines[input.phase] } : {}),
  };
  return fitToLimit(payload);
}

function fitToLimit(payload: DispatchPayload): DispatchPayload {
  const excess = JSON.stringify(payload).length - MAX_PAYLOAD_CHARS;
  if (excess <= 0) return payload;
  const description = payload.issue.description;
  // JSON escaping can make a character cost more than one; cut generously, then check again.
  const keep = Math.max(0, description.length - excess - 200);
  const marker = `\n\n[… description cut by AI-Implement: ${description.length - keep} of ${description.length} characters omitted]`;
  const cut = { ...payload, issue: { ...payload.issue, description: description.slice(0, keep) + marker } };
  if (JSON.stringify(cut).length <= MAX_PAYLOAD_CHARS) return cut;
  const withoutSiblings = { ...cut, related: { ...cut.related, siblings: undefined } };
  if (JSON.stringify(withoutSiblings).length <= MAX_PAYLOAD_CHARS) return withoutSiblings;
  // Still too long without any description: the backend refuses it as `invalid` and says why.
  if (description === '') return withoutSiblings;
  return fitToLimit({ ...withoutSiblings, issue: { ...withoutSiblings.issue, description: '' } });
}

function toRelated(summary: TicketSummary): RelatedIssue {
  return { id: summary.id, identifier: summary.identifier, title: summary.title, url: summary.url };
}

function pickDefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
