import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../../config/project-root.ts';
import { readStamp } from './template-stamp.ts';

/**
 * The templates Sync workflows puts into target repositories, read from the repository's
 * `templates/` folder. Two kinds:
 * - `workflow`: GitHub Actions workflows AI-Implement owns. Sync replaces any other content, so
 *   the pull request shows an edited copy being put back.
 * - `starter`: `WORKFLOW.md`, `PLANNING.md`, `.ai-implement/config.yml` — starting points the
 *   repository is meant to edit. Sync creates them when missing and upgrades an untouched copy,
 *   but never overwrites one the repository changed.
 *
 * Lines may end in a condition tag, `# ai-implement:<condition>`: the line is kept only when a
 * mapping of the repository meets the condition (`linear`, `jira` — ticketingProvider;
 * `anthropic`, `bedrock` — provider), so a repository receives only the secrets and permissions
 * its mappings use.
 */

export type TemplateKind = 'workflow' | 'starter';

export interface TemplateSource {
  /** Path under `templates/`, also the name in the stamp: `claude-implement.yml`. */
  name: string;
  version: number;
  kind: TemplateKind;
  /** The template's text, stamp without hash, condition tags in place. */
  text: string;
}

/** The conditions a line tag may name. */
const TEMPLATE_CONDITIONS = ['linear', 'jira', 'github', 'anthropic', 'bedrock'] as const;
export type TemplateCondition = (typeof TEMPLATE_CONDITIONS)[number];

/** A trailing `# ai-implement:<condition>` comment (the stamp's `ai-implement-template:` never matches). */
export const CONDITION_TAG = /\s+# ai-implement:([a-z-]+)\s*$/;

/** Every template, in the order a pull request lists them. */
const TEMPLATE_KINDS: Readonly<Record<string, TemplateKind>> = {
  'claude-implement.yml': 'workflow',
  'claude-plan.yml': 'workflow',
  'comment-trigger.yml': 'workflow',
  'WORKFLOW.md': 'starter',
  'PLANNING.md': 'starter',
  '.ai-implement/config.yml': 'starter',
};

const TEMPLATES_DIR = pathToFileURL(path.join(PROJECT_ROOT, 'templates/'));

/**
 * Checks one template's text: a stamp naming this template with a version, and only known
 * condition tags. Throws an Error that names the template and the line.
 */
function checkTemplate(name: string, text: string): TemplateSource {
  const kind = TEMPLATE_KINDS[name];
  if (!kind) throw new Error(`unknown template ${name}; known: ${Object.keys(TEMPLATE_KINDS).join(', ')}`);
  const stamp = readStamp(text);
  if (!stamp || stamp.name !== name || stamp.version < 1) {
    throw new Error(`template ${name} must start with "# ai-implement-template: ${name}@<version>"`);
  }
  text.split('\n').forEach((line, index) => {
    const tag = CONDITION_TAG.exec(line)?.[1];
    if (tag && !(TEMPLATE_CONDITIONS as readonly string[]).includes(tag)) {
      throw new Error(
        `template ${name} line ${index + 1}: unknown condition "${tag}" (use ${TEMPLATE_CONDITIONS.join(', ')})`,
      );
    }
  });
  return { name, version: stamp.version, kind, text };
}

/**
 * Reads and checks every template from `dir` (default: the repository's `templates/`).
 * Throws an Error naming the file when one is missing or malformed — a packaging fault, found at
 * start-up rather than during a sync.
 */
export function loadTemplates(dir: URL = TEMPLATES_DIR): TemplateSource[] {
  return Object.keys(TEMPLATE_KINDS).map((name) => {
    let text: string;
    try {
      text = readFileSync(new URL(name, dir), 'utf8');
    } catch (error) {
      throw new Error(`cannot read template ${name} from ${dir.pathname}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return checkTemplate(name, text);
  });
}
