import type { Mapping } from '../domain/mapping.ts';
import type { ExecutionMode } from '../runners/types.ts';
import type { RunnerModeOverride } from './context.ts';

/**
 * The execution mode a mapping's runs use after the global override (seed 000, RUNNER_MODE):
 * `default` keeps the mapping's own; `shadow` dispatches through GitHub Actions, and request-run
 * starts the shadow Fly Machine beside it (src/orchestrator/shadow/).
 */
export function resolveExecutionMode(
  mapping: Pick<Mapping, 'executionMode'>,
  override: RunnerModeOverride,
): ExecutionMode {
  switch (override) {
    case 'gha':
    case 'shadow':
      return 'github-actions';
    case 'fly':
      return 'fly-machines';
    case 'local':
      return 'local';
    case 'default':
      return mapping.executionMode;
  }
}
