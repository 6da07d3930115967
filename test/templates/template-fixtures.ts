import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MappingInputSchema, type Mapping, type MappingInput } from '../../src/domain/mapping.ts';
import type { RepoTarget } from '../../src/github/template-sync/render-templates.ts';
import { loadTemplates, type TemplateSource } from '../../src/github/template-sync/template-catalog.ts';

/** Shared test data for the template tests: mappings, repository targets, edited template sets. */

export const TEMPLATES_DIR = path.resolve(import.meta.dirname, '../../templates');

export function mapping(input: Partial<MappingInput> & { teamKey?: string } = {}): Mapping {
  return MappingInputSchema.parse({
    teamKey: 'ENG',
    owner: 'acme',
    repo: 'web',
    defaultBranch: 'main',
    ...input,
  });
}

export function target(...mappings: Mapping[]): RepoTarget {
  const first = mappings[0] ?? mapping();
  return {
    owner: first.owner,
    repo: first.repo,
    defaultBranch: first.defaultBranch,
    mappings: mappings.length > 0 ? mappings : [first],
  };
}

/**
 * The repository's templates with `edit` applied to one of them, loaded through `loadTemplates`
 * from a temporary copy of `templates/` — what a new AI-Implement release looks like.
 */
export function editedTemplates(name: string, edit: (text: string) => string): TemplateSource[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ai-implement-templates-'));
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return loadTemplates(pathToFileURL(`${dir}/`));
}

/** Raises a template's version and changes its text, as a release of a new template version does. */
export function bumpVersion(name: string, version: number): TemplateSource[] {
  return editedTemplates(name, (text) =>
    text.replace(/^(# ai-implement-template: \S+)@\d+/m, `$1@${version}`).concat(`# version ${version}\n`),
  );
}
