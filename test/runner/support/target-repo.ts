/**
 * A small real repository for runs to work on: an ES module with its own tests (`node --test`),
 * and a WORKFLOW.md whose verify hook runs them.
 */
export const WORKFLOW_MD = `---
model: claude-sonnet-4-6
setup: echo ready > .setup-done
verify: node --test
teardown: echo bye
---
You are working on {{ repository }}, ticket {{ issue.identifier }}.

# {{ issue.title }}

{{ issue.description }}

Planning notes:
{{ planning }}
`;

export const PLANNING_MD = `---
model: claude-sonnet-4-6
---
Plan ticket {{ issue.identifier }}: {{ issue.title }}

{{ issue.description }}
`;

export const TARGET_REPO_FILES: Record<string, string> = {
  'package.json':
    JSON.stringify({ name: 'api', type: 'module', scripts: { test: 'node --test' } }, null, 2) + '\n',
  'src/greet.js': 'export function greet(name) {\n  return `Hello ${name}`;\n}\n',
  'test/greet.test.js':
    "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { greet } from '../src/greet.js';\n\n" +
    "test('greets', () => assert.equal(greet('Ada'), 'Hello Ada'));\n",
  'WORKFLOW.md': WORKFLOW_MD,
  'PLANNING.md': PLANNING_MD,
};

/** What a correct implementation of the ticket adds. */
export const FAREWELL_FILES = {
  'src/farewell.js': 'export function farewell(name) {\n  return `Goodbye ${name}`;\n}\n',
  'test/farewell.test.js':
    "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { farewell } from '../src/farewell.js';\n\n" +
    "test('says goodbye', () => assert.equal(farewell('Ada'), 'Goodbye Ada'));\n",
};
