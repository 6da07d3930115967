/**
 * The prompt template of `WORKFLOW.md` / `PLANNING.md` (the body after the front matter):
 * Markdown with `{{ name }}` placeholders, filled per run. Unknown names are refused when the
 * file is loaded, with their line, so a typo fails the run at once instead of reaching the model.
 */

/** Every placeholder a template may use, with what it is filled with. */
export const TEMPLATE_VARIABLES = {
  'issue.id': "the ticket's id in the tracker",
  'issue.identifier': 'the ticket key, e.g. ENG-123',
  'issue.title': "the ticket's title",
  'issue.description': "the ticket's description (Markdown)",
  'issue.url': "the ticket's URL",
  related: 'parent, sibling and dependency tickets as a Markdown list',
  planning: 'the planning comments (Architecture Analysis, Test Plan, Work Units, Cross-Story Context)',
  phase: 'planning, implementation, gap-fill or review-fix',
  repository: 'owner/repo',
  base_branch: 'the branch the pull request targets',
  branch: 'the branch the run works on',
  gaps: 'the previous gap analysis of the pull request (gap-fill runs)',
  feedback: 'review feedback on the pull request (review-fix runs)',
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Record<TemplateVariable, string>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export interface Placeholder {
  name: string;
  /** 1-based line within the template text. */
  line: number;
}

/** The placeholders of `template`, in order. */
export function findPlaceholders(template: string): Placeholder[] {
  const found: Placeholder[] = [];
  template.split('\n').forEach((text, index) => {
    for (const match of text.matchAll(PLACEHOLDER)) found.push({ name: match[1] ?? '', line: index + 1 });
  });
  return found;
}

/**
 * True when `name` is one of TEMPLATE_VARIABLES. An own-property check: `in` would also accept
 * what every object inherits (`constructor`, `toString`, `__proto__`), and fill it with a function.
 */
export function isTemplateVariable(name: string): name is TemplateVariable {
  return Object.hasOwn(TEMPLATE_VARIABLES, name);
}

/** Placeholders that name no variable. */
export function unknownPlaceholders(template: string): Placeholder[] {
  return findPlaceholders(template).filter((placeholder) => !isTemplateVariable(placeholder.name));
}

/** Fills every placeholder; unknown ones (already refused at load time) are left as they are. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    isTemplateVariable(name) && Object.hasOwn(values, name) ? values[name] : whole,
  );
}
