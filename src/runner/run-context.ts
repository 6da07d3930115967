import type { DispatchPayload } from '../runners/types.ts';
import type { AgentRunner } from './agent/claude-cli.ts';
import type { ProviderAdapter } from './agent/providers.ts';
import type { Sandbox } from './agent/sandbox.ts';
import type { AgentPassUsage, AgentUsage } from './agent/stream-json.ts';
import type { Reporter } from './callbacks.ts';
import type { Git } from './git.ts';
import type { PullRef, RepoApi } from './github-api.ts';
import type { PlanSection, WorkUnit } from './planning-output.ts';
import type { RunLog } from './run-log.ts';
import type { Remote } from './remote.ts';
import type { RunnerSettings } from './settings.ts';
import type { TicketAccess } from './ticket/ticket-client.ts';
import type { WorkflowFile } from './workflow-file.ts';

/** Everything a step works with: fixed inputs, clients, and the run's state as it goes. */
export interface RunContext {
  payload: DispatchPayload;
  settings: RunnerSettings;
  log: RunLog;
  reporter: Reporter;
  /** The runner's own environment; only allowlisted copies reach hooks, git and the agent. */
  env: Record<string, string | undefined>;
  paths: { workdir: string; repo: string; logs: string };
  /** Who untrusted processes run as, their HOME and environment (agent/sandbox.ts). */
  sandbox: Sandbox;
  /** Clone and push: the only git that holds the token. */
  remote: Remote;
  /** Epoch ms by which the run must be reporting: the job's time cap minus a reserve. */
  deadline: number;
  /** `maxRunCostUsd`: the run's agent spend cap in dollars (payload caps); none when absent. */
  caps: { maxTurns: number; maxIterations: number; maxRunCostUsd?: number };
  /** Git in the checkout, as the agent user and without credentials (available from `checkout` on). */
  git: Git;
  /** Undefined without GITHUB_TOKEN; steps that need it fail with a message saying so. */
  github: RepoApi | undefined;
  ticket: TicketAccess;
  /** How the agent is authenticated (agent/providers.ts; chosen in phases.ts). */
  provider: ProviderAdapter;
  /** Set by `load-workflow` once the Claude credential is known. */
  agent: AgentRunner | undefined;
  state: RunState;
}

export interface RunState {
  baseBranch: string | undefined;
  branch: string | undefined;
  /** HEAD before any change: the squash point of `commit-push`. */
  startSha: string | undefined;
  workflow: WorkflowFile | undefined;
  models: { main: string; review: string; gapAnalysis: string } | undefined;
  /** Planning comments read back from the ticket (Markdown), for the prompt. */
  planningContext: string;
  workUnits: WorkUnit[];
  /** The pull request's previous gap analysis (gap-fill). */
  priorGaps: string;
  /** Reviewers' comments on the pull request (review-fix); the failed checks (ci-fix). */
  feedback: string;
  /** ci-fix: what the verify hook said on the failing head before any change (reproduce step). */
  reproduction: string;
  /** Planning output, posted to the ticket by `update-ticket`. */
  planSections: PlanSection[];
  iteration: number;
  verifyPassed: boolean | undefined;
  verifyOutput: string;
  reviewApproved: boolean;
  reviewNotes: string;
  /** The last implementation pass's own account of what it did. */
  agentSummary: string;
  setupRan: boolean;
  pushed: boolean;
  pull: PullRef | undefined;
  gapCommentUrl: string | undefined;
  usage: AgentUsage;
  /** Each agent pass's usage, in order (the result's `usage.passes`). */
  passes: AgentPassUsage[];
  /** Lines for the result's summary. */
  notes: string[];
  failure: { step: string; message: string } | undefined;
  /** Secrets WORKFLOW.md asked for by name, as hooks and the agent see them (load-workflow). */
  secretEnv: Record<string, string>;
}

export function initialState(usage: AgentUsage): RunState {
  return {
    baseBranch: undefined,
    branch: undefined,
    startSha: undefined,
    workflow: undefined,
    models: undefined,
    secretEnv: {},
    planningContext: '',
    workUnits: [],
    priorGaps: '',
    feedback: '',
    reproduction: '',
    planSections: [],
    iteration: 0,
    verifyPassed: undefined,
    verifyOutput: '',
    reviewApproved: false,
    reviewNotes: '',
    agentSummary: '',
    setupRan: false,
    pushed: false,
    pull: undefined,
    gapCommentUrl: undefined,
    usage,
    passes: [],
    notes: [],
    failure: undefined,
  };
}

/** Milliseconds left before the run's deadline (never negative). */
export function timeLeft(ctx: RunContext): number {
  return Math.max(0, ctx.deadline - Date.now());
}
