import { describe, expect, it, vi } from 'vitest';
import { MappingInputSchema } from '../../src/domain/mapping.ts';
import type { Catalog } from '../../src/pipeline/catalog.ts';
import { pipelineMappingProblems } from '../../src/pipeline/customizations.ts';

const base = { teamKey: 'ENG', owner: 'acme', repo: 'api', defaultBranch: 'main' };
const catalog = {
  customDir: '/nowhere',
  pipelines: ['implementation', 'planning'].map((name) => ({
    name,
    source: 'built-in',
    path: `src/pipeline/${name}.yml`,
    pipeline: undefined,
  })),
  steps: [],
  providers: [],
  problems: [],
} satisfies Catalog;

describe('pipelineMappingProblems', () => {
  it('does not load the catalog for a mapping that names no pipeline', async () => {
    const load = vi.fn(async () => catalog);
    expect(await pipelineMappingProblems(MappingInputSchema.parse(base), load)).toEqual([]);
    expect(load).not.toHaveBeenCalled();
  });

  it('loads it once to check the named pipelines, one error per unknown name', async () => {
    const load = vi.fn(async () => catalog);
    const mapping = MappingInputSchema.parse({
      ...base,
      pipelines: { planning: 'planning', implementation: 'no-such-pipeline' },
    });
    expect(await pipelineMappingProblems(mapping, load)).toEqual([
      {
        field: 'pipelines.implementation',
        message:
          'no pipeline named "no-such-pipeline" (known: implementation, planning); add custom/pipelines/no-such-pipeline.yml or pick one of these',
      },
    ]);
    expect(load).toHaveBeenCalledTimes(1);
  });
});
