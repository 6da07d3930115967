import { errorBody, installation, integration } from './github-objects.ts';
import {
  installationFor,
  notFound,
  unprocessable,
  type RouteContext,
  type RouteHandler,
} from './fake-world.ts';

/** Routes authenticated as the app itself (JWT): https://docs.github.com/rest/apps/apps */

function getAuthenticatedApp({ world }: RouteContext) {
  return { status: 200, body: integration(world.api, world.app, world.installations.size) };
}

function getRepoInstallation({ world, params }: RouteContext) {
  const inst = installationFor(world, params.owner ?? '', params.repo ?? '');
  if (!inst) return notFound();
  return { status: 200, body: installation(world.api, world.app, inst) };
}

/** GitHub returns `expires_at` without milliseconds: 2016-07-11T22:14:10Z. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function createInstallationAccessToken({ world, params, body }: RouteContext) {
  const inst = world.installations.get(Number(params.installation_id));
  if (!inst) return notFound();
  if (inst.suspended) return { status: 403, body: errorBody(403, 'This installation has been suspended') };
  let repos = [...inst.repos];
  const names = body?.repositories as string[] | undefined;
  const ids = body?.repository_ids as number[] | undefined;
  if (names || ids) {
    const wanted = repos.filter((key) => {
      const repo = world.repos.get(key);
      return (
        names?.some((n) => n.toLowerCase() === repo?.name.toLowerCase()) || ids?.includes(repo?.id ?? -1)
      );
    });
    if (wanted.length !== (names?.length ?? 0) + (ids?.length ?? 0)) {
      return unprocessable(
        'There is at least one repository that does not exist or is not accessible to the parent installation.',
      );
    }
    repos = wanted;
  }
  const issued = world.tokens.issue(inst.id, repos, world.tokenTtlMs, world.now());
  return {
    status: 201,
    body: {
      token: issued.token,
      expires_at: isoSeconds(issued.expiresAtMs),
      permissions: inst.permissions,
      repository_selection: names || ids ? 'selected' : 'all',
    },
  };
}

export const APP_ROUTES: Record<string, RouteHandler> = {
  'apps/get-authenticated': getAuthenticatedApp,
  'apps/get-repo-installation': getRepoInstallation,
  'apps/create-installation-access-token': createInstallationAccessToken,
};

/** Operations that take the app's JWT rather than an installation token. */
export const APP_JWT_OPERATIONS = new Set(Object.keys(APP_ROUTES));
