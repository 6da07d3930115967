import { describeProblem, type Pipeline } from '../pipeline/load-pipeline.ts';
import type { Catalog } from '../pipeline/catalog.ts';
import type { DispatchPayload } from '../runners/types.ts';
import { PROVIDER_VARIABLE, type ProviderAdapter } from './agent/providers.ts';
import { SettingsError } from './settings.ts';

/**
 * What a run runs, chosen before its first step (a problem here is a `configure` failure, never
 * a failure in the middle of a run):
 *
 * - the pipeline: the payload's `pipeline` (the mapping's `pipelines[phase]`), else the one named
 *   like the phase — src/pipeline/<phase>.yml or its custom/pipelines/<phase>.yml override;
 * - the provider adapter: `AI_IMPLEMENT_PROVIDER`, else the payload's `provider.name`.
 *
 * The built-in pipelines (the step names `/runner/progress` reports and the job page shows):
 *
 * planning:        checkout → load-workflow → setup-hook → plan | teardown, update-ticket
 * implementation:  checkout → load-workflow → context → setup-hook →
 *                  (implement → verify → review) × up to maxIterations →
 *                  commit-push → open-pr → gap-analysis | teardown, update-ticket
 * gap-fill, review-fix: the same on the existing PR branch; open-pr only looks the PR up.
 * ci-fix:          the same with `reproduce` (the verify hook on the failing head) before the loop.
 */
export function runPlan(
  catalog: Catalog,
  payload: DispatchPayload,
  env: Record<string, string | undefined>,
): { pipeline: Pipeline; provider: ProviderAdapter } {
  if (catalog.problems.length > 0) {
    throw new SettingsError(
      `the pipelines and custom modules have problems: ${catalog.problems.map(describeProblem).join('; ')}`,
    );
  }
  const name = payload.pipeline ?? payload.phase;
  const entry = catalog.pipelines.find((candidate) => candidate.name === name);
  if (!entry?.pipeline) {
    throw new SettingsError(
      `no pipeline "${name}" (known: ${catalog.pipelines.map((p) => p.name).join(', ')}); check the mapping's pipelines and custom/pipelines`,
    );
  }
  const providerId = env[PROVIDER_VARIABLE]?.trim() || payload.provider.name;
  const provider = catalog.providers.find((candidate) => candidate.id === providerId)?.value;
  if (!provider) {
    throw new SettingsError(
      `no model provider adapter "${providerId}" (known: ${catalog.providers.map((p) => p.id).join(', ')})`,
    );
  }
  return { pipeline: entry.pipeline, provider };
}
