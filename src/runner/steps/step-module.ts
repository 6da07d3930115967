import { z } from 'zod';
import type { StepOutcome } from '../pipeline.ts';
import type { RunContext } from '../run-context.ts';

/**
 * A step module: what a pipeline YAML names by `step: <id>` (docs/decisions/pipelines.md).
 * Built-ins live one per file in `src/runner/steps/<id>.ts` as the file's default export; a
 * deployment adds or overrides one with `custom/steps/<id>.ts`, whose default export has the same
 * shape (`options` may be left out: then the step takes none).
 *
 * - `id`: kebab-case, what progress reports and the Pipelines panels show;
 * - `options`: the zod schema of the pipeline entry's `options:` (checked when the pipeline is
 *   loaded, at start-up — never in the middle of a run); its output is what `run` receives;
 * - `run`: does the work; returns the step's outcome (`skipped(…)`, `status: 'failed'`, output)
 *   or throws (`StepFailure` for a failure with a reason) to fail the step.
 */
export interface StepModule<Options = unknown> {
  id: string;
  description: string;
  options: z.ZodType<Options>;
  run(ctx: RunContext, options: Options): Promise<StepOutcome | void>;
}

/** The options schema of a step that takes none: an empty object, unknown members refused. */
export const NO_OPTIONS = z.object({}).strict();

/** Builds a module with its options typed from the schema. */
export function defineStep<S extends z.ZodType>(module: {
  id: string;
  description: string;
  options: S;
  run(ctx: RunContext, options: z.output<S>): Promise<StepOutcome | void>;
}): StepModule<z.output<S>> {
  // S is a schema whose output is z.output<S>; TypeScript cannot see that through the generic.
  return module as StepModule<z.output<S>>;
}

/** Step ids (and pipeline names): lower-case words joined by `-`. */
export const STEP_ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
