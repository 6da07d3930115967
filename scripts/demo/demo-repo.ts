import { MappingInputSchema } from '../../src/domain/mapping.ts';
import { renderRepoFiles } from '../../src/github/template-sync/render-templates.ts';
import { loadTemplates } from '../../src/github/template-sync/template-catalog.ts';

/**
 * The demo's target repository: a tiny Node project with its own `node --test` tests, plus the
 * files *Sync workflows* would put there for a Linear + Anthropic mapping (rendered from
 * `templates/` by the product's own renderer), with the one edit a team makes first: WORKFLOW.md's
 * `verify:` hook runs the tests.
 */
export const DEMO_OWNER = 'acme';
export const DEMO_REPO = 'greeter';
export const DEMO_TEAM = 'ENG';

export const DEMO_TICKET = {
  title: 'Add a farewell function',
  description:
    'Add `farewell(name)` in `src/farewell.js`, next to `greet(name)`, returning `"Goodbye <name>"`, ' +
    'with a `node --test` test beside the existing one.',
};

const PROJECT_FILES: Record<string, string> = {
  'package.json':
    JSON.stringify(
      { name: 'greeter', version: '1.0.0', type: 'module', private: true, scripts: { test: 'node --test' } },
      null,
      2,
    ) + '\n',
  'README.md': '# greeter\n\nSays hello. `npm test` runs the tests.\n',
  'src/greet.js': 'export function greet(name) {\n  return `Hello ${name}`;\n}\n',
  'test/greet.test.js':
    "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { greet } from '../src/greet.js';\n\n" +
    "test('greets by name', () => assert.equal(greet('Ada'), 'Hello Ada'));\n",
};

const TEMPLATE_VERIFY = '# verify:\n#   - npm test\n';
const DEMO_VERIFY = 'verify:\n  - node --test\n';

/** Every file of the repository's first commit. */
export function demoRepoFiles(): Record<string, string> {
  const mapping = MappingInputSchema.parse({
    teamKey: DEMO_TEAM,
    owner: DEMO_OWNER,
    repo: DEMO_REPO,
    defaultBranch: 'main',
  });
  const rendered = renderRepoFiles(loadTemplates(), {
    owner: DEMO_OWNER,
    repo: DEMO_REPO,
    defaultBranch: 'main',
    mappings: [mapping],
  });
  const files: Record<string, string> = { ...PROJECT_FILES };
  for (const file of rendered) files[file.path] = file.content;
  const workflow = files['WORKFLOW.md'] ?? '';
  if (!workflow.includes(TEMPLATE_VERIFY)) {
    throw new Error('templates/WORKFLOW.md no longer has the commented `verify:` example the demo enables');
  }
  files['WORKFLOW.md'] = workflow.replace(TEMPLATE_VERIFY, DEMO_VERIFY);
  return files;
}
