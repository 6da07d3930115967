import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The planning pass's answer and how it travels: up to four `##` sections (seed 003 step 3),
 * each posted as one ticket comment that starts with a hidden marker, so the implementation run
 * can find the newest plan among the ticket's comments. Work Units carry a YAML block the runner
 * reads to run independent units in parallel:
 *
 * ```yaml
 * units:
 *   - id: export-api
 *     files: [src/export.ts, test/export.test.ts]
 *     task: Add the export endpoint
 *   - id: wire-up
 *     files: [src/main.ts]
 *     task: Register the endpoint
 *     depends_on: [export-api]
 * ```
 */
export const PLAN_SECTIONS = [
  { slug: 'architecture', title: 'Architecture Analysis' },
  { slug: 'test-plan', title: 'Test Plan' },
  { slug: 'work-units', title: 'Work Units' },
  { slug: 'cross-story', title: 'Cross-Story Context' },
] as const;

export type PlanSlug = (typeof PLAN_SECTIONS)[number]['slug'];

export interface PlanSection {
  slug: PlanSlug;
  title: string;
  body: string;
}

export interface WorkUnit {
  id: string;
  files: string[];
  task: string;
  dependsOn: string[];
}

const WorkUnitsSchema = z.object({
  units: z
    .array(
      z.object({
        id: z.string().min(1),
        files: z.array(z.string().min(1)).min(1),
        task: z.string().min(1),
        depends_on: z.array(z.string()).optional(),
      }),
    )
    .min(1),
});

/** The hidden first line of each planning comment. */
export function planMarker(slug: PlanSlug): string {
  return `<!-- ai-implement:plan:${slug} -->`;
}

/**
 * The known `## <title>` sections of the planning answer, in the order of PLAN_SECTIONS. Text
 * outside them is dropped; an answer without any known heading becomes one Architecture Analysis.
 */
export function splitPlanSections(answer: string): PlanSection[] {
  const found = new Map<PlanSlug, string>();
  let current: PlanSlug | undefined;
  const lines: string[] = [];
  const flush = () => {
    if (current) found.set(current, lines.join('\n').trim());
    lines.length = 0;
  };
  for (const line of answer.split('\n')) {
    const heading = /^##\s+(.+?)\s*#*\s*$/.exec(line);
    const section = heading
      ? PLAN_SECTIONS.find((known) => known.title.toLowerCase() === heading[1]?.toLowerCase())
      : undefined;
    if (heading) {
      flush();
      current = section?.slug;
      continue;
    }
    if (current) lines.push(line);
  }
  flush();
  if (found.size === 0 && answer.trim()) found.set('architecture', answer.trim());
  return PLAN_SECTIONS.filter((known) => found.get(known.slug)).map((known) => ({
    slug: known.slug,
    title: known.title,
    body: found.get(known.slug) ?? '',
  }));
}

/** The ticket comment for a section. */
export function planComment(section: PlanSection): string {
  return `${planMarker(section.slug)}\n## ${section.title}\n\n${section.body}`;
}

/**
 * The newest planning comment of each section among `comments` (oldest first), as sections.
 * Comments without a marker (people's, other tools') are ignored.
 */
export function planFromComments(comments: { body: string }[]): PlanSection[] {
  const newest = new Map<PlanSlug, string>();
  for (const comment of comments) {
    for (const known of PLAN_SECTIONS) {
      if (!comment.body.startsWith(planMarker(known.slug))) continue;
      const body = comment.body
        .slice(planMarker(known.slug).length)
        .replace(/^\s*##[^\n]*\n/, '')
        .trim();
      newest.set(known.slug, body);
    }
  }
  return PLAN_SECTIONS.filter((known) => newest.has(known.slug)).map((known) => ({
    slug: known.slug,
    title: known.title,
    body: newest.get(known.slug) ?? '',
  }));
}

/** The units of a Work Units section; `[]` when it has none or they are malformed (see `problem`). */
export function parseWorkUnits(body: string): { units: WorkUnit[]; problem?: string } {
  const block = /```ya?ml\s*\n([\s\S]*?)```/.exec(body)?.[1];
  if (block === undefined) return { units: [] };
  let raw: unknown;
  try {
    raw = parseYaml(block);
  } catch (error) {
    return {
      units: [],
      problem: `the Work Units YAML is invalid: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  const parsed = WorkUnitsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      units: [],
      problem: `the Work Units YAML is invalid: ${issue?.path.join('.')}: ${issue?.message}`,
    };
  }
  const ids = new Set(parsed.data.units.map((unit) => unit.id));
  const units = parsed.data.units.map((unit) => ({
    id: unit.id,
    files: unit.files,
    task: unit.task,
    dependsOn: (unit.depends_on ?? []).filter((id) => ids.has(id) && id !== unit.id),
  }));
  return { units };
}

/** Units with no dependency run together first; the others follow one by one, in order. */
export function scheduleUnits(units: WorkUnit[]): { parallel: WorkUnit[]; sequential: WorkUnit[] } {
  return {
    parallel: units.filter((unit) => unit.dependsOn.length === 0),
    sequential: units.filter((unit) => unit.dependsOn.length > 0),
  };
}

/** Planning sections as Markdown for the implementation prompt. */
export function planAsMarkdown(sections: PlanSection[]): string {
  return sections.map((section) => `## ${section.title}\n\n${section.body}`).join('\n\n');
}
