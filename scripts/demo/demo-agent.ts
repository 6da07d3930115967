#!/usr/bin/env node
/**
 * The demo's stand-in for Claude Code: the scripted stand-in from test/fakes/claude (a dev tool,
 * never part of the product), given a script that does what the demo ticket asks — it plans,
 * writes `farewell()` and its test, runs the tests, approves its review and writes a gap
 * analysis — so the PR holds a real change that the repository's `verify:` hook really tests.
 * `npm run demo` points CLAUDE_CODE_PATH here unless ANTHROPIC_API_KEY is set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StandInScript } from '../../test/fakes/claude/stand-in-script.ts';

const PLAN = `## Architecture Analysis

\`src/greet.js\` holds one exported function; \`farewell(name)\` goes in a new module beside it,
in the same style (ES module, template literal). Nothing else imports these modules yet.

## Test Plan

- \`test/farewell.test.js\`: \`farewell('Ada')\` returns \`'Goodbye Ada'\`.
- The existing \`node --test\` suite keeps passing.

## Work Units

\`\`\`yaml
units:
  - id: farewell
    files: [src/farewell.js, test/farewell.test.js]
    task: Add farewell(name) and its test.
\`\`\`

## Cross-Story Context

None.`;

const GAPS = `## Implemented

- \`farewell(name)\` in \`src/farewell.js\`, returning \`"Goodbye <name>"\`.
- \`test/farewell.test.js\`, run by \`node --test\` with the existing tests.

## Gaps / Partial Implementation

None

## Manual Steps Required

None`;

const SCRIPT: StandInScript = {
  rules: [
    { when: 'Answer with a plan in Markdown', result: PLAN, turns: 4, costUsd: 0.021 },
    {
      when: 'VERDICT: APPROVE',
      result: 'The change matches the plan and the tests cover it.\n\nVERDICT: APPROVE',
      turns: 2,
      costUsd: 0.008,
    },
    { when: '## Gaps / Partial Implementation', result: GAPS, turns: 1, costUsd: 0.002 },
    {
      actions: [
        {
          write: {
            path: 'src/farewell.js',
            content: 'export function farewell(name) {\n  return `Goodbye ${name}`;\n}\n',
          },
        },
        {
          write: {
            path: 'test/farewell.test.js',
            content:
              "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { farewell } from '../src/farewell.js';\n\n" +
              "test('says goodbye by name', () => assert.equal(farewell('Ada'), 'Goodbye Ada'));\n",
          },
        },
        { run: 'node --test' },
      ],
      result: 'Added `farewell(name)` in src/farewell.js with a test; `node --test` passes.',
      turns: 5,
      costUsd: 0.064,
    },
  ],
};

if (!process.env.CLAUDE_STAND_IN_SCRIPT) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-demo-agent-'));
  const file = path.join(dir, 'script.json');
  fs.writeFileSync(file, JSON.stringify(SCRIPT));
  process.env.CLAUDE_STAND_IN_SCRIPT = file;
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
}
await import('../../test/fakes/claude/claude-stand-in.ts');
