import type { RunResult } from '../domain/run-result.ts';
import type { Pipeline, PipelineLoop, PipelineStep } from '../pipeline/load-pipeline.ts';
import type { ResultDelivery } from './callbacks.ts';
import type { RunContext } from './run-context.ts';

/**
 * The run as named steps, as its pipeline YAML lists them (src/pipeline/*.yml, custom/pipelines;
 * src/pipeline/load-pipeline.ts checks them before the run). Each step's start and end is reported (`POST /runner/progress`, with
 * `elapsedMs` and the step's `output`); the first step that throws ends the main sequence and
 * names the failure; the `always` steps (teardown, ticket update) run either way; then the
 * result is reported once. A step may also end `failed` without ending the run (a verify hook
 * that fails in an iteration that is not the last) or `skipped` with a reason. A step whose
 * `when:` is false is reported `skipped`; one with `continueOnFailure` that fails is reported
 * `failed` and the run goes on.
 */
export interface StepOutcome {
  status?: 'succeeded' | 'failed' | 'skipped';
  output?: Record<string, unknown>;
}

export interface Step {
  name: string;
  run(ctx: RunContext): Promise<StepOutcome | void>;
}

/** Ends the run: `step` names where, `message` says why (both reach the result's `error`). */
export class StepFailure extends Error {
  override name = 'StepFailure';
  readonly output: Record<string, unknown> | undefined;
  /** Set when the failure belongs to another step than the one running (a loop running out). */
  readonly step: string | undefined;
  constructor(message: string, options: { output?: Record<string, unknown>; step?: string } = {}) {
    super(message);
    this.output = options.output;
    this.step = options.step;
  }
}

/** A step's "nothing to do here", with the reason in its output. */
export function skipped(reason: string, output: Record<string, unknown> = {}): StepOutcome {
  return { status: 'skipped', output: { reason, ...output } };
}

/** RunResult allows 20 000 characters per text member; keep well inside. */
const MAX_TEXT = 19_000;

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 40)}\n[… cut by AI-Implement]`;
}

/** Runs one step with its progress reports; rethrows a failure as a `StepFailure` naming it. */
export async function runStep(ctx: RunContext, step: Step): Promise<StepOutcome> {
  const started = Date.now();
  const extra = ctx.state.iteration > 0 ? { iteration: ctx.state.iteration } : {};
  await ctx.reporter.progress({ step: step.name, status: 'started', output: extra });
  ctx.log.info(`step ${step.name} started`, extra);
  let outcome: StepOutcome;
  try {
    outcome = (await step.run(ctx)) ?? {};
  } catch (error) {
    const message = ctx.log.redact(error instanceof Error ? error.message : String(error));
    const output = { ...extra, ...(error instanceof StepFailure ? error.output : {}), error: message };
    await ctx.reporter.progress({
      step: step.name,
      status: 'failed',
      elapsedMs: Date.now() - started,
      output,
    });
    ctx.log.error(`step ${step.name} failed: ${message}`);
    throw new StepFailure(message, {
      step: error instanceof StepFailure && error.step ? error.step : step.name,
    });
  }
  const status = outcome.status ?? 'succeeded';
  const elapsedMs = Date.now() - started;
  const output = JSON.parse(ctx.log.redact(JSON.stringify({ ...extra, ...outcome.output }))) as Record<
    string,
    unknown
  >;
  await ctx.reporter.progress({ step: step.name, status, elapsedMs, output });
  ctx.log.info(`step ${step.name} ${status}`, { elapsedMs });
  return { status, output };
}

/**
 * Runs the pipeline and reports the result. Never throws: every failure becomes a failure result
 * (`error: "<step>: <reason>"`), and a result that cannot be delivered is logged.
 */
export async function runPipeline(
  ctx: RunContext,
  pipeline: Pipeline,
): Promise<{ result: RunResult; delivery: ResultDelivery }> {
  try {
    for (const entry of pipeline.steps) {
      if (entry.kind === 'loop') await runLoop(ctx, entry);
      else await runEntry(ctx, entry);
    }
  } catch (error) {
    const step = error instanceof StepFailure && error.step ? error.step : 'runner';
    const message = ctx.log.redact(error instanceof Error ? error.message : String(error));
    ctx.state.failure = { step, message };
  }
  ctx.state.iteration = 0;
  for (const entry of pipeline.always) {
    try {
      await runEntry(ctx, entry);
    } catch {
      // Already reported as a failed step; clean-up steps never change the outcome on their own.
    }
  }
  const usage = runUsage(ctx);
  const failure = ctx.state.failure;
  const notes = ctx.state.notes.join('\n');
  const result: RunResult = failure
    ? {
        status: 'failure',
        error: clip(`step ${failure.step} failed: ${failure.message}`),
        ...(ctx.state.pull?.url ? { prUrl: ctx.state.pull.url } : {}),
        ...(ctx.state.pushed && ctx.state.branch ? { branch: ctx.state.branch } : {}),
        ...(notes ? { summary: clip(notes) } : {}),
        usage,
      }
    : { status: 'success', ...successBody(ctx, pipeline.result), usage };
  if (result.summary) result.summary = clip(ctx.log.redact(result.summary));
  const delivery = await ctx.reporter.result(result);
  return { result, delivery };
}

/** One pipeline step: its `when:`, the module with its options, `continueOnFailure`. */
async function runEntry(ctx: RunContext, entry: PipelineStep): Promise<void> {
  const when = entry.when;
  const run: Step['run'] =
    when && !when.test(ctx)
      ? async () => skipped(`when: ${when.text} is false`)
      : (stepCtx) => entry.module.run(stepCtx, entry.options);
  try {
    await runStep(ctx, { name: entry.id, run });
  } catch (error) {
    if (!entry.continueOnFailure) throw error;
  }
}

/**
 * Runs the loop's steps until `until` holds, at most `max` times; running out applies the first
 * `onExhausted` rule whose `when` holds (a failure at its step, or a note in the summary).
 */
async function runLoop(ctx: RunContext, loop: PipelineLoop): Promise<void> {
  if (loop.when && !loop.when.test(ctx)) return;
  const max = loop.max === 'maxIterations' ? ctx.caps.maxIterations : loop.max;
  for (let iteration = 1; iteration <= max; iteration += 1) {
    ctx.state.iteration = iteration;
    for (const entry of loop.steps) await runEntry(ctx, entry);
    if (loop.until.test(ctx)) return;
  }
  const fill = (text: string) =>
    text.replaceAll('{max}', String(max)).replaceAll('{verifyOutput}', ctx.state.verifyOutput);
  for (const rule of loop.onExhausted) {
    if (rule.when && !rule.when.test(ctx)) continue;
    if (rule.fail) throw new StepFailure(fill(rule.fail.message), { step: rule.fail.step });
    if (rule.note) ctx.state.notes.push(fill(rule.note));
    return;
  }
}

/** The result body of a run that got through its steps, by the pipeline's `result:`. */
function successBody(ctx: RunContext, kind: Pipeline['result']): Omit<RunResult, 'status' | 'usage'> {
  if (kind === 'summary') return { summary: ctx.state.notes.join('\n') };
  return {
    ...(ctx.state.pull?.url ? { prUrl: ctx.state.pull.url } : {}),
    ...(ctx.state.branch ? { branch: ctx.state.branch } : {}),
    summary: [...ctx.state.notes, ctx.state.agentSummary.trim()].filter(Boolean).join('\n\n'),
  };
}

/** The result's `usage`: the run's sums, the costliest model, and every pass. */
function runUsage(ctx: RunContext): NonNullable<RunResult['usage']> {
  const { passes } = ctx.state;
  const costByModel = new Map<string, number>();
  for (const pass of passes) costByModel.set(pass.model, (costByModel.get(pass.model) ?? 0) + pass.costUsd);
  const model = [...costByModel].sort((a, b) => b[1] - a[1])[0]?.[0];
  return {
    ...ctx.state.usage,
    ...(model ? { model } : {}),
    ...(passes.length > 0 ? { passes: passes.slice(0, 200) } : {}),
  };
}
