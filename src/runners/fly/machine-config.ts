import type { CreateMachineInput } from '../../fly/machines.ts';
import type { DispatchRequest } from '../types.ts';

/**
 * What one run's Machine is created with (CONTRACTS.md §8), pure: the caller supplies the image,
 * region and credentials. Metadata names the run, so the Sessions panel, the reaper and the
 * look-up of a dispatch of unknown outcome find it without the ledger.
 */

/** Metadata keys on every run's Machine (CONTRACTS.md §8, plus the repository for the Sessions panel). */
export const META = {
  dispatchId: 'ai_implement_dispatch_id',
  issueId: 'ai_implement_issue_id',
  issue: 'ai_implement_issue',
  team: 'ai_implement_team',
  phase: 'ai_implement_phase',
  repo: 'ai_implement_repo',
  tenant: 'ai_implement_tenant',
} as const;

/**
 * Whether this orchestrator (CLIENT_SLUG `tenant`, maybe unset) may act on a Machine of the
 * sessions app: clients that share one sessions app see each other's Machines, and one whose
 * `ai_implement_tenant` names another client is that client's orchestrator's to reap, list and
 * destroy. A Machine without the label (made before CLIENT_SLUG was set, or by hand) is anyone's.
 */
export function belongsToTenant(metadata: Record<string, string>, tenant: string | undefined): boolean {
  const owner = metadata[META.tenant];
  return owner === undefined || owner === tenant;
}

export interface MachineSpec {
  image: string;
  region: string | undefined;
  /** CLIENT_SLUG, as `ai_implement_tenant`. */
  tenant: string | undefined;
  /**
   * Everything the runner needs besides the payload and extraEnv: repository, installation
   * token, Claude credential, tracker credentials. Credentials: never logged.
   */
  runnerEnv: Record<string, string>;
}

/**
 * Fly's guest sizes: a shared vCPU takes at most 2 GB, a performance vCPU 2–8 GB
 * (https://fly.io/docs/machines/guides-examples/machine-sizing/). Memory beyond what shared
 * vCPUs allow asks for performance vCPUs rather than being refused by Fly.
 */
export function cpuKindFor(cpus: number, memoryMb: number): 'shared' | 'performance' {
  return memoryMb <= cpus * 2048 ? 'shared' : 'performance';
}

/** A Machine name Fly accepts (lowercase letters, digits, dashes) that names the run. */
export function machineName(request: DispatchRequest): string {
  const issue = request.payload.issue.identifier.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `ai-${issue}-${request.phase}-${request.payload.dispatchId.slice(0, 8)}`
    .replace(/-+/g, '-')
    .slice(0, 63)
    .replace(/-$/, '');
}

/** The `CreateMachineRequest` of one run. */
export function machineRequest(request: DispatchRequest, spec: MachineSpec): CreateMachineInput {
  const { mapping, payload } = request;
  const metadata: Record<string, string> = {
    [META.dispatchId]: payload.dispatchId,
    [META.issueId]: payload.issue.id,
    [META.issue]: payload.issue.identifier,
    [META.team]: mapping.teamKey,
    [META.phase]: request.phase,
    [META.repo]: `${mapping.owner}/${mapping.repo}`,
    ...(spec.tenant ? { [META.tenant]: spec.tenant } : {}),
  };
  return {
    name: machineName(request),
    ...(spec.region ? { region: spec.region } : {}),
    config: {
      image: spec.image,
      // The mapping's extraEnv first: it must not replace the payload or the credentials.
      env: { ...mapping.extraEnv, ...spec.runnerEnv, AI_IMPLEMENT_PAYLOAD: JSON.stringify(payload) },
      guest: {
        cpus: mapping.machineCpus,
        memory_mb: mapping.machineMemoryMb,
        cpu_kind: cpuKindFor(mapping.machineCpus, mapping.machineMemoryMb),
      },
      metadata,
      // One run per Machine: it goes away when the runner exits, and never starts again.
      auto_destroy: true,
      restart: { policy: 'no' },
    },
  };
}
