import checkout from './checkout.ts';
import commitPush from './commit-push.ts';
import context from './context.ts';
import gapAnalysis from './gap-analysis.ts';
import implement from './implement.ts';
import loadWorkflow from './load-workflow.ts';
import openPr from './open-pr.ts';
import plan from './plan.ts';
import reproduce from './reproduce.ts';
import review from './review.ts';
import setupHook from './setup-hook.ts';
import type { StepModule } from './step-module.ts';
import teardown from './teardown.ts';
import updateTicket from './update-ticket.ts';
import verify from './verify.ts';

/** The built-in step modules; each is the default export of `src/runner/steps/<id>.ts`. */
export const BUILT_IN_STEPS: readonly StepModule[] = [
  checkout,
  loadWorkflow,
  context,
  setupHook,
  plan,
  reproduce,
  implement,
  verify,
  review,
  commitPush,
  openPr,
  gapAnalysis,
  teardown,
  updateTicket,
] as StepModule[];
