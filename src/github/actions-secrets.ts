import { RequestError } from 'octokit';
import { IntegrationError } from '../domain/errors.ts';
import { toGitHubError } from './errors.ts';
import type { GitHubAppClient } from './github-app.ts';

/**
 * Writes a repository Actions secret through the GitHub App, as GitHub documents it
 * (https://docs.github.com/rest/actions/secrets#create-or-update-a-repository-secret): read the
 * repository's public key (`GET /repos/{owner}/{repo}/actions/secrets/public-key`), seal the
 * value to it with libsodium's `crypto_box_seal`, base64 it, and
 * `PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}` with `{ encrypted_value, key_id }`.
 * The App needs the repository permission *Secrets: Read and write*; without it GitHub answers
 * 403, which becomes `IntegrationError('github', 'auth', …)` saying so. The value is never part
 * of an error. Resolves with `created` (201) or not (204: replaced).
 */
export async function writeRepoActionsSecret(
  github: Pick<GitHubAppClient, 'repoOctokit'>,
  input: { owner: string; repo: string; name: string; value: string },
): Promise<{ created: boolean }> {
  const repository = `${input.owner}/${input.repo}`;
  const context = {
    action: `write Actions secret ${input.name} of ${repository}`,
    repository,
    notFound: `${repository} was not found, or the GitHub App is not installed on it`,
  };
  try {
    const octokit = await github.repoOctokit(input.owner, input.repo);
    const { data: key } = await octokit.rest.actions.getRepoPublicKey({
      owner: input.owner,
      repo: input.repo,
    });
    // Loaded here, not at start: libsodium's WebAssembly takes ~19 MB resident.
    const { default: sodium } = await import('libsodium-wrappers');
    await sodium.ready;
    const sealed = sodium.crypto_box_seal(
      sodium.from_string(input.value),
      sodium.from_base64(key.key, sodium.base64_variants.ORIGINAL),
    );
    const response = await octokit.rest.actions.createOrUpdateRepoSecret({
      owner: input.owner,
      repo: input.repo,
      secret_name: input.name,
      encrypted_value: sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL),
      key_id: key.key_id,
    });
    return { created: response.status === 201 };
  } catch (error) {
    if (error instanceof RequestError && error.status === 403 && !/rate limit/i.test(error.message)) {
      throw new IntegrationError(
        'github',
        'auth',
        `the GitHub App may not write Actions secrets of ${repository}: give it the repository permission ` +
          '"Secrets: Read and write" (app settings → Permissions & events) and accept the new permission on the installation',
      );
    }
    throw toGitHubError(error, context);
  }
}
