import type { AdminApi } from './admin-api.ts';
import type { DemoWorld } from './demo-world.ts';

/**
 * Follows the demo ticket until it is Ready for Review (or fails, or time runs out), printing
 * what a person would notice: the ticket's markers and state as Linear shows them, each run the
 * orchestrator dispatches, and each runner step as it reports through `/runner/progress`.
 */
export type WatchOutcome =
  | { kind: 'ready'; jobId: string }
  | { kind: 'failed'; jobId: string | undefined; detail: string }
  | { kind: 'timeout'; jobId: string | undefined; detail: string };

interface JobLog {
  jobs: {
    jobId: string;
    issue: { id: string };
    dispatches: { dispatchId: string; phase: string; status: string; error: string | null }[];
  }[];
}

interface JobSteps {
  dispatches: { dispatchId: string; phase: string }[];
  steps: { dispatchId: string; step: string; status: string; elapsedMs: number | null; output: unknown }[];
}

const MARKERS: Record<string, string> = {
  'AI-Implement': 'waiting for the next poll',
  'AI-Planning': 'planning',
  'Plan-Complete': 'plan complete',
  'AI-Working': 'implementing',
  'Ready for Review': 'Ready for Review',
  'AI-Planning-Failed': 'planning failed',
  'AI-Failed': 'failed',
};
const FAILURE_MARKERS = ['AI-Planning-Failed', 'AI-Failed'];
/** Two of the demo's polls (`POLL_INTERVAL_MS` 2,000 in scripts/demo.ts): the follow-up sweep runs each poll. */
const SETTLED_MS = 4_000;

export async function watchTicket(input: {
  world: DemoWorld;
  api: AdminApi;
  started: number;
  timeoutMs: number;
  say: (line?: string) => void;
}): Promise<WatchOutcome> {
  const { world, api, say } = input;
  const deadline = Date.now() + input.timeoutMs;
  const at = () => `[${((Date.now() - input.started) / 1000).toFixed(1).padStart(5)}s]`;
  let lastTicket = '';
  const dispatchSeen = new Map<string, string>();
  let stepsSeen = 0;
  let jobId: string | undefined;
  let readySince: number | undefined;

  for (;;) {
    const issue = world.linear.getIssue(world.issue.id)!;
    const markers = issue.labels.filter((label) => label in MARKERS);
    const ticketLine = `${markers.join(', ') || 'no AI marker'} · state ${issue.state.name}`;
    if (ticketLine !== lastTicket) {
      lastTicket = ticketLine;
      const stage = markers.map((label) => MARKERS[label]).at(-1) ?? '';
      say(`${at()} ticket ${issue.identifier}: ${ticketLine}${stage ? `  → ${stage}` : ''}`);
    }

    const log = await api<JobLog>('GET', '/api/log').catch(() => undefined);
    const job = log?.jobs.find((candidate) => candidate.issue.id === world.issue.id);
    jobId = job?.jobId ?? jobId;
    for (const dispatch of job?.dispatches ?? []) {
      if (dispatchSeen.get(dispatch.dispatchId) === dispatch.status) continue;
      dispatchSeen.set(dispatch.dispatchId, dispatch.status);
      say(
        `${at()} ${dispatch.phase} run ${dispatch.status}` +
          (dispatch.error ? `: ${dispatch.error.split('\n')[0]}` : ''),
      );
    }
    if (jobId) {
      const view = await api<JobSteps>('GET', `/api/jobs/${jobId}/steps`).catch(() => undefined);
      for (const step of view?.steps.slice(stepsSeen) ?? []) {
        if (step.status === 'started') continue;
        const iteration = (step.output as { iteration?: number } | null)?.iteration;
        const elapsed = step.elapsedMs === null ? '' : ` ${(step.elapsedMs / 1000).toFixed(1)}s`;
        say(`${at()}     step ${step.step}${iteration ? ` #${iteration}` : ''}: ${step.status}${elapsed}`);
      }
      stepsSeen = view?.steps.length ?? stepsSeen;
    }

    const dispatches = job?.dispatches ?? [];
    const newest = dispatches.at(-1);
    const ready =
      issue.labels.includes('Ready for Review') &&
      dispatches.some((d) => d.phase === 'implementation' && d.status === 'succeeded');
    readySince = ready ? (readySince ?? Date.now()) : undefined;
    // The runner sets Ready for Review as it ends; the orchestrator may put AI-Working back until
    // the PR's checks are settled (docs/decisions/ci-fix.md), which its next sweep decides. Done
    // is Ready for Review that outlasts a sweep.
    if (jobId && readySince !== undefined && Date.now() - readySince >= SETTLED_MS) {
      return { kind: 'ready', jobId };
    }
    if (newest?.status === 'failed' || markers.some((label) => FAILURE_MARKERS.includes(label))) {
      return {
        kind: 'failed',
        jobId,
        detail: newest?.error ?? `the ticket is marked ${markers.join(', ')}`,
      };
    }
    if (Date.now() > deadline) {
      return {
        kind: 'timeout',
        jobId,
        detail: `not Ready for Review after ${Math.round(input.timeoutMs / 1000)} s (${ticketLine})`,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
