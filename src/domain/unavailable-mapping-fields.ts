/**
 * Mapping fields of seed `001_…` that configure what this build does not have yet (interactive
 * sessions). A mapping may leave them unset or at their defaults (so a mapping read from
 * `GET /api/mappings` can be sent back as it is); any other value is refused with a 400 naming
 * the field and why, rather than stored and ignored (docs/decisions/not-in-this-build.md). The
 * Fly Machines fields (executionMode fly-machines, machineCpus, machineMemoryMb, extraEnv,
 * runnerImage) left with the Fly backend (docs/decisions/fly-machines.md).
 */

/** The values these fields may take in this build, and why any other is refused. */
export interface UnavailableFieldsInput {
  sessionMode: string;
}

/** One refused field: its name and the reason, as the 400's `fields` entries read. */
export interface UnavailableField {
  field: keyof UnavailableFieldsInput;
  message: string;
}

/** The fields of `mapping` set to something this build cannot do; empty when none. */
export function unavailableMappingFields(mapping: UnavailableFieldsInput): UnavailableField[] {
  const refused: UnavailableField[] = [];
  if (mapping.sessionMode !== 'autonomous') {
    refused.push({
      field: 'sessionMode',
      message: `${mapping.sessionMode} is not available in this build: runs are headless Claude Code sessions that work to completion without pausing for a person; use autonomous`,
    });
  }
  return refused;
}
