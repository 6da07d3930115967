import type { GitHubAppInfo } from './github-app.ts';

/** Webhook events whose deliveries carry CI results (issue 17); one of them is enough. */
const CI_EVENTS = ['check_suite', 'check_run', 'workflow_run'];

/**
 * The environment check of the ci-fix loop (issue 17, docs/decisions/ci-fix.md): the App reads
 * check runs (Checks: read) and commit statuses (Commit statuses: read), and is subscribed to an
 * event that reports finished CI. Without them failing CI is never seen, and PRs go to
 * `Ready for Review` as before. Administration: read is optional (branch protection's required
 * checks; without it the mapping's `ignoredChecks` decide).
 * https://docs.github.com/apps/creating-github-apps/registering-a-github-app/choosing-permissions-for-a-github-app
 */
export function ciPermissionsStatus(app: Pick<GitHubAppInfo, 'permissions' | 'events'>): {
  ok: boolean;
  detail: string;
} {
  const readable = (name: string) => app.permissions[name] === 'read' || app.permissions[name] === 'write';
  const missing = [
    ...(readable('checks') ? [] : ['Checks: read']),
    ...(readable('statuses') ? [] : ['Commit statuses: read']),
  ];
  const subscribed = CI_EVENTS.filter((event) => app.events.includes(event));
  if (missing.length === 0 && subscribed.length > 0) {
    return {
      ok: true,
      detail:
        `failing checks start ci-fix runs (events: ${subscribed.join(', ')})` +
        (readable('administration')
          ? ''
          : '; without Administration: read, mappings’ ignoredChecks decide which checks count'),
    };
  }
  const asks = [
    ...(missing.length > 0
      ? [`give the GitHub App the ${missing.join(' and ')} permission${missing.length > 1 ? 's' : ''}`]
      : []),
    ...(subscribed.length === 0
      ? ['subscribe it to the Check suite, Check run and Workflow run events']
      : []),
  ];
  return { ok: false, detail: `${asks.join(' and ')} so failing CI on its pull requests starts ci-fix runs` };
}
