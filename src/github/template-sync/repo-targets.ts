import type { Mapping } from '../../domain/mapping.ts';
import type { RepoTarget } from './render-templates.ts';

/**
 * Groups mappings by the repository they point at (GitHub names are case-insensitive). Every
 * mapping of a repository shares its workflow files, so they are rendered and synced together.
 * Mappings of one repository that disagree on `defaultBranch` are a conflict: workflow_dispatch
 * runs the workflow file of the branch it is given, and one set of files can target only one
 * branch.
 */

export interface RepoTargetConflict {
  repository: string;
  teamKeys: string[];
  /** What to fix, naming the mappings and the field. */
  message: string;
}

export interface RepoTargets {
  targets: RepoTarget[];
  conflicts: RepoTargetConflict[];
}

/** Splits `mappings` into repository targets (in repository name order) and conflicts. */
export function groupRepoTargets(mappings: readonly Mapping[]): RepoTargets {
  const byRepo = new Map<string, Mapping[]>();
  for (const mapping of mappings) {
    const key = `${mapping.owner}/${mapping.repo}`.toLowerCase();
    byRepo.set(key, [...(byRepo.get(key) ?? []), mapping]);
  }
  const targets: RepoTarget[] = [];
  const conflicts: RepoTargetConflict[] = [];
  for (const key of [...byRepo.keys()].sort()) {
    const group = byRepo.get(key) ?? [];
    const first = group[0];
    if (!first) continue;
    const branches = [...new Set(group.map((m) => m.defaultBranch))];
    if (branches.length > 1) {
      const detail = group.map((m) => `${m.teamKey}: ${m.defaultBranch}`).join(', ');
      conflicts.push({
        repository: `${first.owner}/${first.repo}`,
        teamKeys: group.map((m) => m.teamKey),
        message: `the mappings of ${first.owner}/${first.repo} disagree on defaultBranch (${detail}); set the same defaultBranch on each`,
      });
      continue;
    }
    targets.push({
      owner: first.owner,
      repo: first.repo,
      defaultBranch: first.defaultBranch,
      mappings: group,
    });
  }
  return { targets, conflicts };
}
