import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config/project-root.ts';
import { loadCatalog } from '../../src/pipeline/catalog.ts';

/**
 * custom/README.md's worked example, as written: its step and its pipeline change load from a
 * custom directory at the same depth as custom/ (so its `../../src/…` import resolves), and the
 * step writes the CHANGELOG line.
 */

const README = fs.readFileSync(path.join(PROJECT_ROOT, 'custom/README.md'), 'utf8');
const unindent = (block: string) => block.replace(/^ {3}/gm, '');
let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('the worked example of custom/README.md loads and writes its CHANGELOG line', async () => {
  const step = unindent(/```ts\n([\s\S]*?)```/.exec(README)![1]!);
  const snippet = unindent(/```yaml\n([\s\S]*?)```/.exec(README)![1]!);
  dir = fs.mkdtempSync(path.join(PROJECT_ROOT, '.custom-example-'));
  fs.mkdirSync(path.join(dir, 'steps'));
  fs.mkdirSync(path.join(dir, 'pipelines'));
  fs.writeFileSync(path.join(dir, 'steps', 'write-changelog.ts'), step);
  const builtIn = fs.readFileSync(path.join(PROJECT_ROOT, 'src/pipeline/implementation.yml'), 'utf8');
  expect(builtIn).toContain('  - step: commit-push\n');
  fs.writeFileSync(
    path.join(dir, 'pipelines', 'implementation.yml'),
    builtIn.replace(/ {2}- step: commit-push\n/, snippet),
  );

  const catalog = await loadCatalog(dir);
  expect(catalog.problems).toEqual([]);
  const pipeline = catalog.pipelines.find((p) => p.name === 'implementation')!;
  expect(pipeline.source).toBe('override');
  const ids = pipeline.pipeline!.steps.map((s) => s.id);
  expect(ids.slice(ids.indexOf('write-changelog'))).toEqual([
    'write-changelog',
    'commit-push',
    'open-pr',
    'gap-analysis',
  ]);

  const repo = fs.mkdtempSync(path.join(dir, 'repo-'));
  const module = catalog.steps.find((s) => s.id === 'write-changelog')!.value;
  const options = module.options.parse({ file: 'CHANGELOG.md' });
  const ctx = { paths: { repo }, payload: { issue: { identifier: 'ENG-1', title: 'Add farewell' } } };
  expect(await module.run(ctx as never, options)).toEqual({ output: { file: 'CHANGELOG.md' } });
  expect(fs.readFileSync(path.join(repo, 'CHANGELOG.md'), 'utf8')).toBe(
    '# Changelog\n\n- ENG-1: Add farewell\n',
  );
});
