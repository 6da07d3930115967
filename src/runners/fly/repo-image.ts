import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { IntegrationError } from '../../domain/errors.ts';
import type { GitHubAppClient } from '../../github/github-app.ts';
import { toGitHubError } from '../../github/errors.ts';

/**
 * A target repository's own runner image (seed 000: "Per-repo overrides via
 * .ai-implement/image.yml take precedence" over AI_IMPLEMENT_RUNNER_IMAGE; the mapping's
 * `runnerImage` wins over both, CONTRACTS.md §8). The seed does not pin the format; this one is
 * the smallest that says it (docs/decisions/fly-machines.md):
 *
 *   image: registry.fly.io/acme-runner:2026-12-01
 *
 * Read from the repository's default branch through the GitHub contents API
 * (https://docs.github.com/rest/repos/contents#get-repository-content).
 */

export const REPO_IMAGE_PATH = '.ai-implement/image.yml';

/** How long a repository's answer (an image, or no file) is reused before it is read again. */
export const REPO_IMAGE_TTL_MS = 5 * 60_000;

/**
 * A Docker image reference as Fly takes it: `[registry/]name[:tag][@sha256:digest]`, lowercase
 * path components (https://github.com/distribution/reference/blob/main/reference.go).
 */
const IMAGE_REFERENCE =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

const ImageFileSchema = z.looseObject({
  image: z
    .string({ error: 'is required: the image to run, e.g. registry.fly.io/acme-runner:1' })
    .trim()
    .min(1, 'must not be empty')
    .regex(IMAGE_REFERENCE, 'must be an image reference such as registry.fly.io/acme-runner:1'),
});

/**
 * The image a file's text names. Throws `IntegrationError('fly', 'invalid')` naming the file,
 * the repository and the problem (YAML that does not parse, no `image`, not an image reference):
 * a repository that asks for its own image must not run in another one.
 */
export function parseImageFile(text: string, repository: string): string {
  const problem = (detail: string) =>
    new IntegrationError('fly', 'invalid', `${REPO_IMAGE_PATH} in ${repository}: ${detail}`);
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw problem(`not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const parsed = ImageFileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw problem(`${issue.path.length > 0 ? issue.path.join('.') : '(file)'} ${issue.message}`);
  }
  return parsed.data.image;
}

/** Reads a repository's image file; undefined when it has none. */
export type RepoImageReader = (repo: {
  owner: string;
  repo: string;
  ref: string;
}) => Promise<string | undefined>;

/**
 * The reader over the GitHub App: one contents read per repository and branch every
 * REPO_IMAGE_TTL_MS (not one per dispatch). 404 → no file → undefined. A GitHub error is
 * thrown as the GitHub client classifies it (a transient one leaves the dispatch to be retried);
 * a bad file throws `invalid` (parseImageFile) and is not cached, so a fix is seen at once.
 */
export function createRepoImageReader(
  github: Pick<GitHubAppClient, 'repoOctokit'>,
  clock: () => Date,
): RepoImageReader {
  const cache = new Map<string, { readAt: number; image: string | undefined }>();
  return async ({ owner, repo, ref }) => {
    const key = `${owner}/${repo}@${ref}`;
    const now = clock().getTime();
    const cached = cache.get(key);
    if (cached && now - cached.readAt < REPO_IMAGE_TTL_MS) return cached.image;
    let text: string | undefined;
    try {
      const octokit = await github.repoOctokit(owner, repo);
      const { data } = await octokit.rest.repos.getContent({ owner, repo, path: REPO_IMAGE_PATH, ref });
      if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
        throw new IntegrationError('fly', 'invalid', `${REPO_IMAGE_PATH} in ${owner}/${repo} is not a file`);
      }
      text = Buffer.from(data.content, 'base64').toString('utf8');
    } catch (error) {
      if (error instanceof IntegrationError) throw error;
      if ((error as { status?: number }).status !== 404) {
        throw toGitHubError(error, { action: `read ${REPO_IMAGE_PATH}`, repository: `${owner}/${repo}` });
      }
    }
    const image = text === undefined ? undefined : parseImageFile(text, `${owner}/${repo}`);
    cache.set(key, { readAt: now, image });
    return image;
  };
}
