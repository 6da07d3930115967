import type { Phase } from '../domain/phases.ts';
import { StepFailure, type PhasePlan, type Step, type StepLoop } from './pipeline.ts';
import type { RunContext } from './run-context.ts';
import { checkout } from './steps/checkout.ts';
import { commitPush } from './steps/commit-push.ts';
import { loadContext } from './steps/context.ts';
import { gapAnalysis } from './steps/gap-analysis.ts';
import { implement } from './steps/implement.ts';
import { loadWorkflow } from './steps/load-workflow.ts';
import { openPr } from './steps/open-pr.ts';
import { plan } from './steps/plan.ts';
import { reproduce } from './steps/reproduce.ts';
import { review } from './steps/review.ts';
import { setupHook } from './steps/setup-hook.ts';
import { teardown } from './steps/teardown.ts';
import { updateTicket } from './steps/update-ticket.ts';
import { verify } from './steps/verify.ts';

/**
 * The named steps of each phase. The names are what `/runner/progress` reports and
 * `/api/jobs/:jobId/steps` shows.
 *
 * planning:        checkout → load-workflow → setup-hook → plan | teardown, update-ticket
 * implementation:  checkout → load-workflow → context → setup-hook →
 *                  (implement → verify → review) × up to maxIterations →
 *                  commit-push → open-pr → gap-analysis | teardown, update-ticket
 * gap-fill, review-fix: the same on the existing PR branch; open-pr only looks the PR up.
 * ci-fix:          the same with `reproduce` (the verify hook on the failing head) before the loop.
 */
const step = (name: string, run: Step['run']): Step => ({ name, run });

const CHECKOUT = step('checkout', checkout);
const LOAD_WORKFLOW = step('load-workflow', loadWorkflow);
const SETUP = step('setup-hook', setupHook);
const ALWAYS = [step('teardown', teardown), step('update-ticket', updateTicket)];

/**
 * Implement → verify → review until verify passes and the review approves. Running out with
 * verify still failing fails the run at `verify`; running out with only the review unconvinced
 * goes on to the PR, whose body and the gap analysis carry the review's open points.
 */
const ITERATIONS: StepLoop = {
  loop: [step('implement', implement), step('verify', verify), step('review', review)],
  max: (ctx) => ctx.caps.maxIterations,
  done: (ctx) => ctx.state.verifyPassed === true && ctx.state.reviewApproved,
  exhausted(ctx: RunContext) {
    const n = ctx.caps.maxIterations;
    if (ctx.state.verifyPassed === false) {
      throw new StepFailure(
        `the verify hook failed in every iteration (${n}); last output:\n${ctx.state.verifyOutput}`,
        {
          step: 'verify',
        },
      );
    }
    ctx.state.notes.push(
      `The review did not approve after ${n} iteration(s); its open points are in the PR body.`,
    );
  },
};

const PLANNING: PhasePlan = {
  main: [CHECKOUT, LOAD_WORKFLOW, SETUP, step('plan', plan)],
  always: ALWAYS,
  success: (ctx) => ({ summary: ctx.state.notes.join('\n') }),
};

const IMPLEMENTATION: PhasePlan = {
  main: [
    CHECKOUT,
    LOAD_WORKFLOW,
    step('context', loadContext),
    SETUP,
    ITERATIONS,
    step('commit-push', commitPush),
    step('open-pr', openPr),
    step('gap-analysis', gapAnalysis),
  ],
  always: ALWAYS,
  success: (ctx) => ({
    ...(ctx.state.pull ? { prUrl: ctx.state.pull.url } : {}),
    ...(ctx.state.branch ? { branch: ctx.state.branch } : {}),
    summary: [...ctx.state.notes, ctx.state.agentSummary.trim()].filter(Boolean).join('\n\n'),
  }),
};

/**
 * ci-fix (issue 17): on the PR's branch, the verify hook first reproduces the failure CI reported
 * (`reproduce`, never fatal), then the usual fix → verify → review iterations, the push to the
 * same branch, and the gap analysis comment updated with what was fixed.
 */
const CI_FIX: PhasePlan = {
  ...IMPLEMENTATION,
  main: [
    CHECKOUT,
    LOAD_WORKFLOW,
    step('context', loadContext),
    SETUP,
    step('reproduce', reproduce),
    ITERATIONS,
    step('commit-push', commitPush),
    step('open-pr', openPr),
    step('gap-analysis', gapAnalysis),
  ],
};

/** The steps of a phase. */
export function phasePlan(phase: Phase): PhasePlan {
  if (phase === 'ci-fix') return CI_FIX;
  return phase === 'planning' ? PLANNING : IMPLEMENTATION;
}
