import { startFakeJira } from '../test/fakes/jira/fake-jira-server.ts';
import { startFakeLinear } from '../test/fakes/linear/fake-linear-server.ts';

/**
 * The tracker side of bench/tick-scale.bench.ts: a fake Linear or a fake Jira seeded with N teams
 * (Linear teams, Jira projects) × M tickets waiting for AI-Implement, the product's environment
 * for it, the body of one mapping per team, and the requests the fake served, by kind.
 */
export interface TrackerBed {
  readonly tracker: 'linear' | 'jira';
  /** The product's environment for this tracker (the only tracker configured). */
  readonly env: Record<string, string>;
  /** One key per team (`T000`…): the Linear team key or the Jira project key, and the mapping's key. */
  readonly keys: string[];
  /** Identifiers (`T000-1`) of the urgent tickets blocked by an open issue: none may be dispatched. */
  readonly blocked: ReadonlySet<string>;
  /** The body of `POST /api/mappings` for the team `key` on `repo`, capacity 1. */
  mapping(key: string, repo: string): Record<string, unknown>;
  /** Requests the fake has served so far. */
  requestCount(): number;
  /** Requests since the count was `from`, by kind: Linear's operation name, Jira's method and path. */
  requestsSince(from: number): Record<string, number>;
  /** What the fake refused as malformed (a GraphQL document over Linear's complexity cap, a body Jira would refuse). */
  rejections(): string[];
  close(): Promise<void>;
}

/** `teams` × `perTeam` tickets, the teams' repos taken in turn from `repos`. */
export interface BedSize {
  teams: number;
  perTeam: number;
  repos: string[];
}

/**
 * The shared shape of both seeds: team `t` is `T` + 3 digits; a tenth of the teams (every tenth)
 * have one urgent ticket blocked by an open issue in place of one of their M; the others'
 * priorities cycle over the four levels (rank 0 = urgent … 3 = low).
 */
export const teamKey = (t: number) => `T${String(t).padStart(3, '0')}`;
const hasBlockedTicket = (t: number) => t % 10 === 0;
const priorityRank = (t: number, i: number) => (i * 7 + t) % 4;

/** `--tracker=linear` (default) or `--tracker=jira`. Throws on another value. */
export async function startTrackerBed(tracker: string, size: BedSize): Promise<TrackerBed> {
  if (tracker === 'linear') return linearBed(size);
  if (tracker === 'jira') return jiraBed(size);
  throw new Error(`--tracker must be linear or jira, not ${tracker}`);
}

/** Fake Linear (from Linear's schema, scoring every query by its complexity rules): labelled tickets. */
async function linearBed({ teams, perTeam }: BedSize): Promise<TrackerBed> {
  // The request budget is the product's to spend; the fake counts, it does not refuse.
  const linear = await startFakeLinear({ apiKey: 'lin_api_bench', requestsLimit: 1e9 });
  linear.addLabel({ name: 'AI-Implement' });
  const keys = Array.from({ length: teams }, (_, t) => teamKey(t));
  const blocked = new Set<string>();
  keys.forEach((key, t) => {
    linear.addTeam({ key });
    if (hasBlockedTicket(t)) {
      const prerequisite = linear.addIssue({ team: key, title: 'Prerequisite', state: 'In Progress' });
      const urgent = linear.addIssue({
        team: key,
        title: 'Urgent but blocked',
        labels: ['AI-Implement'],
        priority: 1,
        blockedBy: [prerequisite.id],
      });
      blocked.add(urgent.identifier);
    }
    for (let i = 0; i < perTeam - (hasBlockedTicket(t) ? 1 : 0); i += 1) {
      linear.addIssue({
        team: key,
        title: `Ticket ${i} of ${key}`,
        description: `Do thing ${i}.`,
        labels: ['AI-Implement'],
        priority: 1 + priorityRank(t, i),
      });
    }
  });
  return {
    tracker: 'linear',
    env: { LINEAR_API_KEY: linear.apiKey, LINEAR_API_URL: linear.url },
    keys,
    blocked,
    mapping: baseMapping,
    requestCount: () => linear.requestCount,
    requestsSince(from) {
      return countBy(
        linear.lastRequests(linear.requestCount - from),
        (r) => r.operationName ?? '(anonymous)',
      );
    },
    rejections: () => linear.rejectedDocuments.map((d) => `${d.operationName}: ${JSON.stringify(d.errors)}`),
    close: () => linear.close(),
  };
}

/**
 * Fake Jira Cloud (REST v3, Bearer through the `/ex/jira/{cloudId}` gateway): one project per
 * team, its M issues at "AI-Implement Status" Ready and "AI-Implement Repo" = the mapping's repo
 * (one select option per repo); the blocked one "is blocked by" an In Progress issue. Each
 * mapping's JQL is `project = <key>`, as an operator would write it. Issues are stamped `updated`
 * an hour before the run.
 */
async function jiraBed({ teams, perTeam, repos }: BedSize): Promise<TrackerBed> {
  const jira = await startFakeJira({ auth: 'bearer', repoOptions: repos });
  const keys = Array.from({ length: teams }, (_, t) => teamKey(t));
  const blocked = new Set<string>();
  const priorities = ['Highest', 'High', 'Medium', 'Low'];
  keys.forEach((key, t) => {
    jira.addProject({ key });
    const ready = { 'AI-Implement Status': 'Ready', 'AI-Implement Repo': repos[t % repos.length] ?? null };
    if (hasBlockedTicket(t)) {
      const prerequisite = jira.addIssue({ project: key, summary: 'Prerequisite', status: 'In Progress' });
      const urgent = jira.addIssue({
        project: key,
        summary: 'Urgent but blocked',
        priority: 'Highest',
        fields: ready,
      });
      jira.link('Blocks', prerequisite.key, urgent.key);
      blocked.add(urgent.key);
    }
    for (let i = 0; i < perTeam - (hasBlockedTicket(t) ? 1 : 0); i += 1) {
      jira.addIssue({
        project: key,
        summary: `Ticket ${i} of ${key}`,
        description: {
          type: 'doc',
          version: 1,
          content: [{ type: 'paragraph', content: [{ type: 'text', text: `Do thing ${i}.` }] }],
        },
        priority: priorities[priorityRank(t, i)],
        fields: ready,
      });
    }
  });
  // The waiting issues were last touched an hour ago, as in a steady day: delta polling's
  // `updated >= "-Nm"` searches then see what the product and the test change, not the seeding.
  const anHourAgo = new Date(Date.now() - 3_600_000).toISOString().replace('Z', '+0000');
  for (const issue of jira.data.issues) issue.updated = anHourAgo;
  return {
    tracker: 'jira',
    env: { JIRA_TOKEN: jira.token, JIRA_API_URL: jira.apiUrl, JIRA_SITE_URL: jira.siteUrl },
    keys,
    blocked,
    mapping: (key, repo) => ({
      ...baseMapping(key, repo),
      ticketingProvider: 'jira',
      ticketingConfig: { kind: 'jira', jql: `project = ${key}`, repoFieldValue: repo },
    }),
    requestCount: () => jira.requests.length,
    requestsSince: (from) => countBy(jira.requests.slice(from), (r) => `${r.method} ${pathKind(r.path)}`),
    rejections: () => [...jira.rejections],
    close: () => jira.close(),
  };
}

/**
 * A REST path with its ids folded, so requests group by endpoint: issue keys and numeric ids
 * become `{id}`, custom field ids `{field}` (`PUT /rest/api/3/issue/T000-3` → `…/issue/{id}`).
 */
function pathKind(path: string): string {
  return path
    .split('/')
    .map((part, i, parts) => {
      if (parts[i - 1] === 'api') return part; // the REST version, `/rest/api/3`
      if (/^\d+$/.test(part) || /^[A-Z][A-Z0-9]*-\d+$/.test(part)) return '{id}';
      return part.replace(/^customfield_\d+$/, '{field}');
    })
    .join('/');
}

function countBy<T>(items: readonly T[], kind: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[kind(item)] = (counts[kind(item)] ?? 0) + 1;
  return counts;
}

/** A mapping of one team or project to one repo, capacity 1: what both trackers' mappings share. */
function baseMapping(key: string, repo: string): Record<string, unknown> {
  return { teamKey: key, owner: 'acme', repo, defaultBranch: 'main', maxInProgressAiIssues: 1 };
}
