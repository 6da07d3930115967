import type { DispatchRequest } from '../types.ts';
import { runnerEnvironment, type LocalBackendOptions } from '../local/local-backend.ts';

/** What both local backends forward to a run: where GitHub is, the agent, the run's credentials. */
export type RunCredentialOptions = Pick<
  LocalBackendOptions,
  'baseEnv' | 'githubApiUrl' | 'gitServerUrl' | 'claudeCodePath' | 'claude' | 'linear' | 'jira' | 'extraEnv'
>;

/** Where the runner works inside the container (the image's /work is 0711, as the sandbox needs). */
export const CONTAINER_WORKDIR = '/work/run';

/**
 * Host variables that mean something else inside the image, or nothing: its PATH, HOME and temp
 * directory are the image's, and CA bundle paths are the image's own (NODE_EXTRA_CA_CERTS is set
 * by the image when it needs one).
 */
const HOST_ONLY = ['PATH', 'HOME', 'TMPDIR', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE'];

/**
 * A run container's environment: the same as a child-process run's (`runnerEnvironment`: the
 * payload, the one-repository installation token, the Claude credential, the ticket tracker's
 * key for its tickets, locale and proxies), with the work directory inside the container and no
 * host paths. Nothing else of the orchestrator's environment.
 */
export function containerEnvironment(
  options: RunCredentialOptions,
  request: DispatchRequest,
  token: string,
): Record<string, string> {
  const env = runnerEnvironment(options, request, { dir: CONTAINER_WORKDIR, token });
  for (const name of HOST_ONLY) {
    if (options.extraEnv?.[name] === undefined) delete env[name];
  }
  return env;
}
