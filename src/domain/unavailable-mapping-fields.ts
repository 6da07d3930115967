/**
 * Mapping fields of seed `001_…` that configure execution backends this build does not have yet
 * (Fly Machines runs, interactive sessions, local Docker images). A mapping may leave them unset
 * or at their defaults (so a mapping read from `GET /api/mappings` can be sent back as it is);
 * any other value is refused with a 400 naming the field and why, rather than stored and ignored
 * (docs/decisions/not-in-this-build.md). The Fly and Docker work re-enables a field by deleting
 * its rule here.
 */

const FLY_ONLY = 'applies to Fly Machines runs, which this build does not run yet; leave it unset';

/** The values these fields may take in this build, and why any other is refused. */
export interface UnavailableFieldsInput {
  executionMode: string;
  sessionMode: string;
  machineCpus: number;
  machineMemoryMb: number;
  extraEnv: Record<string, string>;
  runnerImage?: string | undefined;
}

/** One refused field: its name and the reason, as the 400's `fields` entries read. */
export interface UnavailableField {
  field: keyof UnavailableFieldsInput;
  message: string;
}

/** The fields of `mapping` set to something this build cannot do; empty when none. */
export function unavailableMappingFields(mapping: UnavailableFieldsInput): UnavailableField[] {
  const refused: UnavailableField[] = [];
  if (mapping.executionMode === 'fly-machines') {
    refused.push({
      field: 'executionMode',
      message:
        'fly-machines is not available in this build: it does not run Fly Machines yet, so every pickup would fail; use github-actions',
    });
  }
  if (mapping.sessionMode !== 'autonomous') {
    refused.push({
      field: 'sessionMode',
      message: `${mapping.sessionMode} is not available in this build: runs are headless Claude Code sessions that work to completion without pausing for a person; use autonomous`,
    });
  }
  if (mapping.machineCpus !== 2) refused.push({ field: 'machineCpus', message: FLY_ONLY });
  if (mapping.machineMemoryMb !== 4096) refused.push({ field: 'machineMemoryMb', message: FLY_ONLY });
  if (Object.keys(mapping.extraEnv).length > 0) refused.push({ field: 'extraEnv', message: FLY_ONLY });
  if (mapping.runnerImage !== undefined) {
    refused.push({
      field: 'runnerImage',
      message:
        'applies to Fly Machines and local Docker runs, which this build does not run yet (RUNNER_MODE=local runs a child process, not an image); leave it unset',
    });
  }
  return refused;
}
