import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MappingInputSchema } from '../../src/domain/mapping.ts';
import {
  createRepoImageReader,
  parseImageFile,
  REPO_IMAGE_PATH,
  REPO_IMAGE_TTL_MS,
} from '../../src/runners/fly/repo-image.ts';
import type { DispatchRequest } from '../../src/runners/types.ts';
import { startGitHubTestBed, type GitHubTestBed } from '../github/github-test-setup.ts';
import { FLY_IMAGE, withFly } from '../support/fly-harness.ts';
import { createHarness } from '../support/orchestrator-harness.ts';

let gh: GitHubTestBed;
let now = new Date('2026-12-06T10:00:00Z');
beforeEach(async () => {
  gh = await startGitHubTestBed();
  now = new Date('2026-12-06T10:00:00Z');
});
afterEach(async () => {
  expect(gh.fake.violations).toEqual([]);
  await gh.fake.close();
});

const repo = () => gh.fake.repo('acme', 'api');
const where = { owner: 'acme', repo: 'api', ref: 'main' };

describe('.ai-implement/image.yml', () => {
  it('names the image; a repository without the file has none', async () => {
    const read = createRepoImageReader(gh.client, () => now);
    expect(await read(where)).toBeUndefined();
    repo().writeFile('main', REPO_IMAGE_PATH, 'image: registry.fly.io/acme-runner:7\n', 'Runner image');
    // The answer is reused for a while: one contents read per repository, not one per dispatch.
    expect(await read(where)).toBeUndefined();
    now = new Date(now.getTime() + REPO_IMAGE_TTL_MS + 1);
    expect(await read(where)).toBe('registry.fly.io/acme-runner:7');
  });

  it('refuses a bad file with the file, the repository and the problem', async () => {
    const read = createRepoImageReader(gh.client, () => now);
    repo().writeFile('main', REPO_IMAGE_PATH, 'image: [unclosed\n', 'Broken');
    await expect(read(where)).rejects.toMatchObject({
      category: 'invalid',
      message: expect.stringMatching(/^\.ai-implement\/image\.yml in acme\/api: not valid YAML/),
    });
    expect(() => parseImageFile('tag: 1\n', 'acme/api')).toThrow(/image is required/);
    expect(() => parseImageFile('image: Not An Image\n', 'acme/api')).toThrow(
      /image must be an image reference/,
    );
    expect(() => parseImageFile('image: 7\n', 'acme/api')).toThrow(/image is required/);
    expect(parseImageFile('image: ghcr.io/acme/runner@sha256:' + 'a'.repeat(64), 'acme/api')).toMatch(
      /^ghcr\.io/,
    );
  });

  it('sits between the mapping override and AI_IMPLEMENT_RUNNER_IMAGE on a Fly dispatch', async () => {
    const h = await createHarness();
    const f = await withFly(h, { repoImage: createRepoImageReader(gh.client, () => now) });
    const request = (dispatchId: string, runnerImage?: string): DispatchRequest => ({
      mapping: MappingInputSchema.parse({
        teamKey: 'ENG',
        owner: 'acme',
        repo: 'api',
        defaultBranch: 'main',
        executionMode: 'fly-machines',
        ...(runnerImage ? { runnerImage } : {}),
      }),
      phase: 'implementation',
      workflowFile: 'claude-implement.yml',
      payload: {
        version: 1,
        dispatchId,
        phase: 'implementation',
        issue: { id: 'i', identifier: 'ENG-1', title: 't', description: '', url: 'u', provider: 'linear' },
        provider: { name: 'anthropic' },
      },
    });
    const imageOf = async (r: DispatchRequest) => {
      const receipt = await f.backend.dispatch(r);
      const machine = f.fly.machines.get(receipt.externalId!)!;
      expect(JSON.parse(machine.config.env!.AI_IMPLEMENT_PAYLOAD!).image).toBe(receipt.image);
      return machine.config.image;
    };
    try {
      expect(await imageOf(request('d-1'))).toBe(FLY_IMAGE);
      repo().writeFile('main', REPO_IMAGE_PATH, 'image: registry.fly.io/acme-runner:7\n', 'Runner image');
      now = new Date(now.getTime() + REPO_IMAGE_TTL_MS + 1);
      expect(await imageOf(request('d-2'))).toBe('registry.fly.io/acme-runner:7');
      expect(await imageOf(request('d-3', 'ghcr.io/acme/override:1'))).toBe('ghcr.io/acme/override:1');
      expect(f.fly.violations).toEqual([]);
    } finally {
      await f.close();
      await h.close();
    }
  });
});
