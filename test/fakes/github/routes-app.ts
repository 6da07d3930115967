import { EPOCH, errorBody, installation, integration, repository } from './github-objects.ts';
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

/**
 * One page of `items` as GitHub pages lists: `per_page` (default 30, at most 100) and `page`
 * (from 1), with a `Link` header naming the next and last pages while there are more.
 * https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
 */
function page<T>(
  context: RouteContext,
  path: string,
  items: T[],
): { items: T[]; headers: Record<string, string> } {
  const size = Math.min(100, Number(context.query.per_page ?? 30));
  const number = Math.max(1, Number(context.query.page ?? 1));
  const last = Math.max(1, Math.ceil(items.length / size));
  const headers: Record<string, string> = {};
  if (number < last) {
    const url = (n: number) => `${context.world.api}${path}?per_page=${size}&page=${n}`;
    headers.link = `<${url(number + 1)}>; rel="next", <${url(last)}>; rel="last"`;
  }
  return { items: items.slice((number - 1) * size, number * size), headers };
}

/** `GET /app/installations` (https://docs.github.com/rest/apps/apps#list-installations-for-the-authenticated-app). */
function listInstallations(context: RouteContext) {
  const { world } = context;
  const all = [...world.installations.values()].sort((a, b) => a.id - b.id);
  const { items, headers } = page(context, '/app/installations', all);
  // This operation's description types `account` as allOf [Simple User, Enterprise] (the
  // repository-installation one says anyOf), so the account carries the Enterprise fields too.
  const body = items.map((inst) => {
    const base = installation(world.api, world.app, inst);
    const account = base.account as Record<string, unknown>;
    const login = String(account.login);
    return {
      ...base,
      account: { ...account, name: login, slug: login, created_at: EPOCH, updated_at: EPOCH },
    };
  });
  return { status: 200, body, headers };
}

/**
 * `GET /installation/repositories`: the repositories the request's installation token reaches
 * (https://docs.github.com/rest/apps/installations#list-repositories-accessible-to-the-app-installation).
 */
function listInstallationRepositories(context: RouteContext) {
  const { world, token } = context;
  const keys = [...(token?.repos ?? [])].sort();
  const repos = keys.flatMap((key) => {
    const repo = world.repos.get(key);
    return repo ? [repo] : [];
  });
  const { items, headers } = page(context, '/installation/repositories', repos);
  return {
    status: 200,
    body: {
      total_count: repos.length,
      repository_selection: 'selected',
      repositories: items.map((repo) => repository(world.api, repo)),
    },
    headers,
  };
}

export const APP_ROUTES: Record<string, RouteHandler> = {
  'apps/list-installations': listInstallations,
  'apps/list-repos-accessible-to-installation': listInstallationRepositories,
  'apps/get-authenticated': getAuthenticatedApp,
  'apps/get-repo-installation': getRepoInstallation,
  'apps/create-installation-access-token': createInstallationAccessToken,
};

/** Operations that take the app's JWT rather than an installation token. */
export const APP_JWT_OPERATIONS = new Set(
  Object.keys(APP_ROUTES).filter((operation) => operation !== 'apps/list-repos-accessible-to-installation'),
);
