import { z } from 'zod';
import { STEP_ID_PATTERN } from '../runner/steps/step-module.ts';
import { compileCondition } from './conditions.ts';

/**
 * The shape of a pipeline YAML (`src/pipeline/<name>.yml`, `custom/pipelines/<name>.yml`); see
 * src/pipeline/implementation.yml for a full example and docs/decisions/pipelines.md for the
 * semantics. Step entries and loop entries are told apart by their `loop:` key
 * (load-pipeline.ts picks the schema), so an error names the entry's own fields.
 */

const id = z.string().regex(STEP_ID_PATTERN, 'must be lower-case words joined by -, e.g. write-changelog');

const condition = z.string().superRefine((text, ctx) => {
  const compiled = compileCondition(text);
  if (!compiled.ok) ctx.addIssue({ code: 'custom', message: compiled.message });
});

/** One step: the module (`step`), its id in progress reports (default the module id), options. */
export const StepEntrySchema = z
  .object({
    step: id,
    id: id.optional(),
    name: z.string().trim().min(1).max(100).optional(),
    options: z.record(z.string(), z.unknown()).default({}),
    /** Runs only when true; otherwise reported `skipped` with the condition as the reason. */
    when: condition.optional(),
    /** A failure is reported on the step and the run goes on (default: the run stops there). */
    continueOnFailure: z.boolean().default(false),
  })
  .strict();

/** What running out of iterations means: the first rule whose `when` holds applies. */
const ExhaustedRuleSchema = z
  .object({
    when: condition.optional(),
    /** Fails the run at `step` with `message`. */
    fail: z
      .object({ step: id, message: z.string().min(1) })
      .strict()
      .optional(),
    /** A line for the result's summary; the run goes on. */
    note: z.string().min(1).optional(),
  })
  .strict()
  .refine((rule) => (rule.fail === undefined) !== (rule.note === undefined), {
    message: 'give exactly one of fail: or note:',
  });

/** Steps repeated until `until` holds, at most `max` times (a number or the `maxIterations` cap). */
export const LoopEntrySchema = z
  .object({
    loop: id,
    name: z.string().trim().min(1).max(100).optional(),
    max: z.union([z.number().int().positive().max(100), z.literal('maxIterations')]),
    until: condition,
    when: condition.optional(),
    steps: z.array(z.record(z.string(), z.unknown())).min(1, 'a loop needs at least one step'),
    /** Placeholders in messages: {max} (iterations run), {verifyOutput} (the last verify output). */
    onExhausted: z.array(ExhaustedRuleSchema).default([]),
  })
  .strict();

export const PipelineSchema = z
  .object({
    description: z.string().trim().min(1).optional(),
    /** What a successful run reports: `summary` (planning) or `pull-request` (PR url, branch, summary). */
    result: z.enum(['summary', 'pull-request']),
    steps: z.array(z.record(z.string(), z.unknown())).min(1, 'a pipeline needs at least one step'),
    /** Run after `steps` whatever happened (clean-up, the ticket update); never change the outcome. */
    always: z.array(z.record(z.string(), z.unknown())).default([]),
  })
  .strict();

export type StepEntry = z.output<typeof StepEntrySchema>;
export type LoopEntry = z.output<typeof LoopEntrySchema>;
export type ExhaustedRule = z.output<typeof ExhaustedRuleSchema>;
