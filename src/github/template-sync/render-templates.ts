import type { Mapping } from '../../domain/mapping.ts';
import {
  CONDITION_TAG,
  type TemplateCondition,
  type TemplateKind,
  type TemplateSource,
} from './template-catalog.ts';
import { stampWithHash } from './template-stamp.ts';

/**
 * Renders the templates for one repository: which files go where, with which lines, each stamped
 * with its content hash. The mappings of a repository share its files, so rendering takes all
 * of them: the union of their conditions decides the tagged lines, and each distinct
 * `workflowFile` / `planningWorkflowFile` gets its own copy of the workflow.
 */

/** Mappings that point at one repository and agree on the branch pull requests target. */
export interface RepoTarget {
  owner: string;
  repo: string;
  defaultBranch: string;
  mappings: Mapping[];
}

/** One file as the repository should hold it. */
export interface RenderedFile {
  /** Path in the target repository, e.g. `.github/workflows/claude-implement.yml`. */
  path: string;
  template: string;
  version: number;
  kind: TemplateKind;
  content: string;
  /** The content hash written into the stamp. */
  hash: string;
}

/** The mappings' configuration cannot be rendered: two templates would land on one path. */
export class TemplateConfigError extends Error {
  override name = 'TemplateConfigError';
  readonly teamKey: string;
  /** The mapping field to change, e.g. `workflowFile`. */
  readonly field: string;

  constructor(teamKey: string, field: string, message: string) {
    super(message);
    this.teamKey = teamKey;
    this.field = field;
  }
}

const WORKFLOWS_DIR = '.github/workflows/';

/** The text of one template with the lines for unmet conditions removed and the tags dropped. */
function applyConditions(text: string, conditions: ReadonlySet<TemplateCondition>): string {
  return text
    .split('\n')
    .flatMap((line) => {
      const tag = CONDITION_TAG.exec(line);
      if (!tag) return [line];
      return conditions.has(tag[1] as TemplateCondition) ? [line.slice(0, tag.index)] : [];
    })
    .join('\n');
}

/** What the repository's mappings use: their ticketing systems and Claude providers. */
function conditionsOf(mappings: readonly Mapping[]): Set<TemplateCondition> {
  return new Set(mappings.flatMap((m) => [m.ticketingProvider, m.provider]));
}

/** Where each template goes, for these mappings; `field` names the mapping field that chose it. */
function placements(mappings: readonly Mapping[]) {
  const out: { template: string; path: string; teamKey?: string; field?: string }[] = [];
  for (const m of mappings) {
    out.push({
      template: 'claude-implement.yml',
      path: WORKFLOWS_DIR + m.workflowFile,
      teamKey: m.teamKey,
      field: 'workflowFile',
    });
    out.push({
      template: 'claude-plan.yml',
      path: WORKFLOWS_DIR + m.planningWorkflowFile,
      teamKey: m.teamKey,
      field: 'planningWorkflowFile',
    });
  }
  out.push({ template: 'comment-trigger.yml', path: `${WORKFLOWS_DIR}comment-trigger.yml` });
  out.push({ template: 'WORKFLOW.md', path: 'WORKFLOW.md' });
  out.push({ template: 'PLANNING.md', path: 'PLANNING.md' });
  out.push({ template: '.ai-implement/config.yml', path: '.ai-implement/config.yml' });
  return out;
}

/**
 * The files a repository should hold for `target.mappings` (at least one), in template order.
 * Throws `TemplateConfigError` naming the mapping and field when two different templates would
 * share a path (e.g. `workflowFile` equal to `planningWorkflowFile`, or `comment-trigger.yml`).
 */
export function renderRepoFiles(templates: readonly TemplateSource[], target: RepoTarget): RenderedFile[] {
  const conditions = conditionsOf(target.mappings);
  const byPath = new Map<string, { template: string; teamKey?: string; field?: string }>();
  for (const placement of placements(target.mappings)) {
    const taken = byPath.get(placement.path);
    if (taken && taken.template !== placement.template) {
      // Blame the mapping field that chose the path (the fixed paths have no teamKey).
      const [chosen, other] = placement.teamKey ? [placement, taken] : [taken, placement];
      const teamKey = chosen.teamKey ?? '';
      const field = chosen.field ?? '';
      throw new TemplateConfigError(
        teamKey,
        field,
        `${field} of mapping ${teamKey} puts ${chosen.template} at ${placement.path}, where ${other.template} goes; choose another file name`,
      );
    }
    if (!taken) byPath.set(placement.path, placement);
  }
  const files: RenderedFile[] = [];
  for (const template of templates) {
    for (const [path, placement] of byPath) {
      if (placement.template !== template.name) continue;
      const { content, hash } = stampWithHash(applyConditions(template.text, conditions));
      files.push({
        path,
        template: template.name,
        version: template.version,
        kind: template.kind,
        content,
        hash,
      });
    }
  }
  return files;
}
