import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/pipeline/catalog.ts';
import { parsePipeline } from '../../src/pipeline/load-pipeline.ts';
import { BUILT_IN_STEPS } from '../../src/runner/steps/built-in-steps.ts';
import { PROJECT_ROOT } from '../../src/config/project-root.ts';

const modules = new Map(BUILT_IN_STEPS.map((module) => [module.id, module]));
const parse = (text: string) =>
  parsePipeline(text, {
    name: 'test',
    file: 'custom/pipelines/test.yml',
    modules: (id) => modules.get(id),
    knownIds: () => [...modules.keys()],
  });

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the built-in pipelines', () => {
  it('load without problems, one per phase, with the steps the runner has always reported', async () => {
    const catalog = await loadCatalog(path.join(os.tmpdir(), 'ai-implement-no-custom-dir'));
    expect(catalog.problems).toEqual([]);
    expect(catalog.pipelines.map((p) => [p.name, p.source, p.path])).toEqual([
      ['ci-fix', 'built-in', 'src/pipeline/ci-fix.yml'],
      ['gap-fill', 'built-in', 'src/pipeline/gap-fill.yml'],
      ['implementation', 'built-in', 'src/pipeline/implementation.yml'],
      ['planning', 'built-in', 'src/pipeline/planning.yml'],
      ['review-fix', 'built-in', 'src/pipeline/review-fix.yml'],
    ]);
    const implementation = catalog.pipelines.find((p) => p.name === 'implementation')!.pipeline!;
    const ids = implementation.steps.flatMap((s) => (s.kind === 'loop' ? s.steps.map((i) => i.id) : [s.id]));
    expect(ids).toEqual([
      'checkout',
      'load-workflow',
      'context',
      'setup-hook',
      'implement',
      'verify',
      'review',
      'commit-push',
      'open-pr',
      'gap-analysis',
    ]);
    expect(implementation.always.map((s) => s.id)).toEqual(['teardown', 'update-ticket']);
  });

  it('has each built-in step module in src/runner/steps/<id>.ts', () => {
    for (const module of BUILT_IN_STEPS) {
      expect(fs.existsSync(path.join(PROJECT_ROOT, 'src/runner/steps', `${module.id}.ts`)), module.id).toBe(
        true,
      );
    }
  });
});

describe('a pipeline with problems', () => {
  it('names the line of a YAML syntax error', () => {
    const { pipeline, problems } = parse('result: summary\nsteps:\n  - step: checkout\n   bad: [\n');
    expect(pipeline).toBeUndefined();
    expect(problems[0]).toMatchObject({ file: 'custom/pipelines/test.yml', line: 4 });
  });

  it('names the line of an unknown module, a bad option, an unknown field and a bad condition', () => {
    const text = [
      'result: pull-request', // 1
      'steps:', // 2
      '  - step: checkout', // 3
      '  - step: write-changelog', // 4
      '  - step: review', // 5
      '    options:', // 6
      '      maxTurns: many', // 7
      '  - step: verify', // 8
      '    retries: 2', // 9
      '  - step: open-pr', // 10
      '    when: reviewApproved or pushed', // 11
    ].join('\n');
    const { pipeline, problems } = parse(text);
    expect(pipeline).toBeUndefined();
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [4, expect.stringContaining('unknown step module "write-changelog" (known: ')],
      [7, expect.stringContaining('steps.2.options.maxTurns: Invalid input: expected number')],
      [9, 'steps.3.retries: unknown field'],
      [11, expect.stringContaining('steps.4.when: "reviewApproved or pushed" is not a condition')],
    ]);
  });

  it('refuses a missing result, a loop without until, and a step id used twice', () => {
    const text = [
      'steps:', // 1
      '  - step: checkout', // 2
      '  - step: checkout', // 3
      '  - loop: again', // 4
      '    max: 2', // 5
      '    steps:', // 6
      '      - step: verify', // 7
    ].join('\n');
    const { problems } = parse(text);
    expect(problems).toEqual([
      { file: 'custom/pipelines/test.yml', line: 1, message: expect.stringMatching(/^result:/) },
    ]);
    const withResult = parse(`result: summary\n${text}`);
    expect(withResult.problems.map((p) => [p.line, p.message])).toEqual([
      [4, 'step id "checkout" is used twice; give one an id:'],
      [5, 'steps.2.until: Invalid input: expected string, received undefined'],
    ]);
  });
});

describe('custom/ resolution', () => {
  function customDir(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-custom-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
  }

  it('a custom step with a built-in id overrides it, a new id adds one, a custom pipeline overrides by name', async () => {
    const dir = customDir({
      'steps/verify.ts':
        "export default { id: 'verify', run: async () => ({ output: { custom: true } }) };\n",
      'steps/write-changelog.ts': 'export default { description: "CHANGELOG", run: async () => {} };\n',
      'pipelines/planning.yml': 'result: summary\nsteps:\n  - step: write-changelog\n',
      'pipelines/fast.yml': 'result: summary\nsteps:\n  - step: checkout\n',
      'providers/vertex.ts':
        "export default { environment: () => ({ auth: { kind: 'vertex' }, env: {} }) };\n",
    });
    const catalog = await loadCatalog(dir);
    expect(catalog.problems).toEqual([]);
    expect(catalog.steps.find((s) => s.id === 'verify')).toMatchObject({
      builtInPath: 'src/runner/steps/verify.ts',
      customPath: 'custom/steps/verify.ts',
      status: 'override',
    });
    expect(catalog.steps.find((s) => s.id === 'write-changelog')).toMatchObject({
      builtInPath: null,
      customPath: 'custom/steps/write-changelog.ts',
      status: 'additive',
    });
    expect(catalog.pipelines.map((p) => [p.name, p.source, p.path])).toContainEqual([
      'planning',
      'override',
      'custom/pipelines/planning.yml',
    ]);
    expect(catalog.pipelines.map((p) => [p.name, p.source])).toContainEqual(['fast', 'additive']);
    expect(catalog.providers.map((p) => [p.id, p.status])).toEqual([
      ['anthropic', 'built-in'],
      ['bedrock', 'built-in'],
      ['vertex', 'additive'],
    ]);
  });

  it('reports a module that fails to load, an id that is not its file name, and a broken pipeline, naming the files', async () => {
    const dir = customDir({
      'steps/broken.ts': 'export default {\n',
      'steps/lint.ts': "export default { id: 'security-scan', run: async () => {} };\n",
      'pipelines/implementation.yml': 'result: pull-request\nsteps:\n  - step: checkout\n  - step: nope\n',
    });
    const catalog = await loadCatalog(dir);
    expect(catalog.problems.map((p) => [p.file, p.line ?? null])).toEqual([
      ['custom/steps/broken.ts', null],
      ['custom/steps/lint.ts', null],
      ['custom/pipelines/implementation.yml', 4],
    ]);
    expect(catalog.problems[1]!.message).toContain(
      'exports id "security-scan" but the file name says "lint"',
    );
    expect(catalog.pipelines.find((p) => p.name === 'implementation')).toMatchObject({
      source: 'override',
      pipeline: undefined,
    });
  });
});
