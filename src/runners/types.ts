import type { CiFailure } from '../domain/ci-failure.ts';
import type { Mapping } from '../domain/mapping.ts';
import type { Phase } from '../domain/phases.ts';
import type { TicketingProviderName } from '../domain/ticket.ts';

/** Where runs execute (seed 001 `executionMode`, plus the development-only local modes). */
export type ExecutionMode = 'github-actions' | 'fly-machines' | 'local';

/** The JSON a runner receives (CONTRACTS.md §3): workflow input `payload`, or `AI_IMPLEMENT_PAYLOAD`. */
export interface DispatchPayload {
  version: 1;
  dispatchId: string;
  phase: Phase;
  issue: {
    id: string;
    identifier: string;
    title: string;
    description: string;
    url: string;
    provider: TicketingProviderName;
  };
  related?: {
    parent?: RelatedIssue;
    siblings?: RelatedIssue[];
    dependencies?: (RelatedIssue & { resolved: boolean })[];
  };
  /** `maxRunCostUsd`: dollars the whole run may spend on the agent (the mapping's; issue 16). */
  caps?: { maxTurns?: number; maxIterations?: number; maxJobMinutes?: number; maxRunCostUsd?: number };
  provider: { name: 'anthropic' | 'bedrock'; awsRegion?: string };
  /**
   * The mapping's `sessionMode` when it is not `autonomous` (seed 001; issue 21): the agent may
   * ask the ticket's people a question and the run waits for the answer
   * (`POST /runner/question`, `POST /runner/answer`; docs/decisions/tracker-webhooks.md).
   */
  sessionMode?: 'interactive' | 'hybrid';
  image?: string;
  pullRequest?: { number: number; branch: string };
  callback?: { url: string; resultToken: string; progressToken: string };
  /**
   * Which secrets the run may see (issue 13, docs/decisions/secrets-and-settings.md): its
   * mapping's prefix and the other mappings'. Runners that predate it ignore it.
   */
  secrets?: { prefix: string; otherPrefixes: string[] };
  /**
   * ci-fix runs only (issue 17, docs/decisions/ci-fix.md): the failed checks of the PR's head —
   * names, conclusions, annotations and the tail of each failed job's log.
   */
  ciFailure?: CiFailure;
  /**
   * The pipeline to run (issue 20, docs/decisions/pipelines.md): the mapping's `pipelines[phase]`;
   * absent → the pipeline named like the phase.
   */
  pipeline?: string;
  /**
   * The secondary run of RUNNER_MODE=shadow (docs/decisions/fly-machines.md): the runner does
   * the work and reports its result, but pushes no branch, opens no PR and writes nothing to the
   * ticket or the PR. Absent on every other run.
   */
  shadow?: true;
}

export interface RelatedIssue {
  id: string;
  identifier: string;
  title: string;
  url: string;
}

/** One run to start. `workflowFile` is the mapping's implementation or planning workflow. */
export interface DispatchRequest {
  mapping: Mapping;
  phase: Phase;
  workflowFile: string;
  payload: DispatchPayload;
}

/** What the backend tells about the run it started, when it knows (run id, machine id, …). */
export interface DispatchReceipt {
  externalId?: string;
  /** The image the run uses, when the backend chose it (Fly: override → repo file → default). */
  image?: string;
}

/** Where to look for the run of one dispatch id (a dispatch whose outcome is unknown). */
export interface RunLookupQuery {
  mapping: Mapping;
  workflowFile: string;
  dispatchId: string;
  /** The run cannot be older than this (the intent's time, less a margin for clock skew). */
  since: Date;
}

/** What a look-up found: the run under this dispatch id, or certainly none. */
export type FoundRun = { kind: 'found'; externalId: string } | { kind: 'absent' };

/**
 * An execution mode: starts a run somewhere. `dispatch` resolves once the run is accepted
 * (GitHub answered 204, the machine was created) and throws `IntegrationError` otherwise —
 * `not_found` for a missing workflow file, with an operator-facing message.
 */
export interface ExecutionBackend {
  readonly mode: ExecutionMode;
  dispatch(request: DispatchRequest): Promise<DispatchReceipt>;
  /**
   * Finds the run a dispatch id started (GitHub Actions: the run whose `run-name` carries it;
   * Fly Machines: the machine whose metadata carries it), so a dispatch whose call failed, or
   * whose process died, is adopted or dispatched again in seconds (docs/decisions/convergence.md).
   * Throws `IntegrationError` when the backend cannot tell. Without it, only the deadline settles
   * such a dispatch.
   */
  findRun?(query: RunLookupQuery): Promise<FoundRun>;
  /**
   * Stops a run (its ticket went done or cancelled). A run already finished is not an error.
   * Throws `IntegrationError` when the backend cannot be reached.
   */
  cancel?(run: { mapping: Mapping; externalId: string }): Promise<void>;
}
