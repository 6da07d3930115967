import { performance } from 'node:perf_hooks';
import { IntegrationError } from '../../domain/errors.ts';
import { JIRA_STATUS_VALUES } from '../../domain/markers.ts';
import { batchByFields, type ResolvedMapping } from './jira-grouped-search.ts';
import type { JiraLogger, JiraRequest } from './jira-request.ts';
import { STAMP_PAGE_SIZE, searchAll, searchByIds } from './jira-search.ts';
import { deltaJql, singleProjectOf } from './jql.ts';
import { slimCandidateIssue, slimsTo } from './issue-projection.ts';
import { CANDIDATE_FIELDS, optionValue, type JiraIssue } from './map-issue.ts';
import { RESYNC_POLLS, rollingSlice } from '../rolling-slice.ts';

/**
 * Mappings per delta search: `project in (…)` of 1,000 keys is ~10 KB of JQL, well within what
 * the enhanced search accepts, so 500 mappings take one delta search a poll.
 */
export const MAPPINGS_PER_DELTA_SEARCH = 1_000;

/** What one mapping's read gave this poll: its issues, or why it has none (`F`: the caller's failure). */
export type MirrorOutcome<F> = { issues: JiraIssue[]; statusFieldId: string } | { failure: F };

/** Options of `createJiraCandidateMirror`. */
export interface JiraCandidateMirrorOptions {
  /** Every mapping is read in full once in this many polls (default `RESYNC_POLLS`). */
  resyncPolls?: number;
  /** Whole minutes added to the delta window (default 2): a change stamped just before a read started. */
  overlapMinutes?: number;
  /** A monotonic clock in ms (default `performance.now`): only durations are taken from it. */
  now?: () => number;
  logger?: JiraLogger;
}

/** How the mirror reads mappings in full and tells a site-wide failure (jira-candidates.ts). */
export interface FullReads<F> {
  /**
   * The grouped searches (with their per-mapping fallback) of these mappings, by mapping index;
   * the issues slimmed to what a candidate needs (`slimCandidateIssue`), as the mirror keeps them.
   */
  read(entries: ResolvedMapping[]): Promise<Map<number, MirrorOutcome<F>>>;
  /** Whether an error concerns the whole site (401, rate limit, outage): the poll then fails. */
  isSiteWide(error: IntegrationError): boolean;
  /**
   * An issue read by id moments ago, when that read is of stamp `updated` (reconcile reads the
   * in-flight issues just before the poll: a marker written on one is in both). Used instead of
   * reading the issue again when it has the fields the mapping needs.
   */
  readById?: ((id: string, updated: unknown) => JiraIssue | undefined) | undefined;
}

/**
 * The candidates of the single-project Jira mappings (`singleProjectOf`), kept by delta polling
 * (docs/decisions/tick-at-scale.md, "Delta polling (Jira)").
 */
export interface JiraCandidateMirror {
  /**
   * This poll's outcome of each of `entries` (all single-project), by `ResolvedMapping.index`.
   * Throws what `reads.read` throws or a delta search's site-wide `IntegrationError`; the mirror
   * is then left as it was.
   */
  poll<F>(entries: ResolvedMapping[], reads: FullReads<F>): Promise<Map<number, MirrorOutcome<F>>>;
}

/**
 * A per-process mirror of the single-project mappings' `Ready` issues, so a poll asks Jira what
 * changed rather than for every waiting issue again. Each poll:
 * - reads in full (`reads.read`: the grouped searches of today) the mappings not read yet (a new
 *   or changed mapping, every mapping on the first poll) and a rolling slice of the others, every
 *   mapping once in `resyncPolls` polls — which also drops what no `updated` stamp shows: an
 *   issue deleted for good, a project or option renamed;
 * - asks for the others, `MAPPINGS_PER_DELTA_SEARCH` a search, the issues changed lately:
 *   `(project in (…) OR <status field> is not EMPTY) AND updated >= "-Nm"` (`deltaJql`), N the
 *   whole minutes since the previous poll's reads started, rounded up, plus `overlapMinutes`.
 *   The relative date is evaluated by Jira's clock and N is a duration of ours, so neither time
 *   zones nor clock skew matter. No status, repo or status-category condition: an issue whose
 *   AI-Implement Status left Ready, whose repo value changed, that was closed, or moved out of the
 *   project (it keeps its status value) comes back and is classified here as the candidate JQL
 *   would (`isCandidateOf`), then kept or dropped.
 * Jira stamps `updated` on every field edit, transition and comment
 * (https://support.atlassian.com/jira-software-cloud/docs/jql-fields/ — Updated; relative dates
 * such as `"-5m"`: https://support.atlassian.com/jira-software-cloud/docs/jql-functions/ and
 * https://confluence.atlassian.com/jiracoreserver/advanced-searching-fields-reference-939937719.html).
 * A delta search a mapping-specific error fails (a project deleted, forbidden) sends its mappings
 * to the full reads this poll, which pin the failure on the mapping. Results are applied only once
 * every read of the poll succeeded; a mapping whose full read failed is forgotten (read in full
 * again next poll).
 */
export function createJiraCandidateMirror(
  request: JiraRequest,
  options: JiraCandidateMirrorOptions = {},
): JiraCandidateMirror {
  const resyncPolls = Math.max(1, options.resyncPolls ?? RESYNC_POLLS);
  const overlapMinutes = options.overlapMinutes ?? 2;
  const now = options.now ?? (() => performance.now());
  /** Mapping identity (`mirrorKey`) → its candidates by issue id, oldest first. */
  const mirrored = new Map<string, Map<string, JiraIssue>>();
  /** Issue id → the `updated` stamp the last poll's delta searches returned and applied. */
  let applied = new Map<string, string>();
  let lastReadStart: number | undefined;
  let nextSlice = 0;

  return {
    async poll(entries, reads) {
      const keys = new Map(entries.map((entry) => [entry, mirrorKey(entry)]));
      const keyOf = (entry: ResolvedMapping) => keys.get(entry) ?? '';
      const known = lastReadStart === undefined ? [] : entries.filter((entry) => mirrored.has(keyOf(entry)));
      known.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
      const slice = new Set(rollingSlice(known, resyncPolls, nextSlice));
      const delta = known.filter((entry) => !slice.has(entry));
      const inDelta = new Set(delta);
      const started = now();
      const minutes = Math.ceil(Math.max(0, started - (lastReadStart ?? started)) / 60_000) + overlapMinutes;

      /** A delta search a mapping-specific error failed: its mappings are read in full instead. */
      const readInFull = (chunk: ResolvedMapping[], caught: unknown) => {
        if (!(caught instanceof IntegrationError) || reads.isSiteWide(caught)) throw caught;
        options.logger?.warn(
          { mappings: chunk.map((entry) => entry.mapping.teamKey), err: caught.message },
          'Jira delta search failed; reading these mappings in full this poll',
        );
        for (const entry of chunk) inDelta.delete(entry);
      };
      const stamped: { chunk: ResolvedMapping[]; stamps: JiraIssue[] }[] = [];
      for (const chunk of batchByFields(delta, MAPPINGS_PER_DELTA_SEARCH)) {
        try {
          stamped.push({ chunk, stamps: await searchChanges(request, chunk, minutes) });
        } catch (caught) {
          readInFull(chunk, caught);
        }
      }
      const versions = stampVersions(stamped.flatMap(({ stamps }) => stamps));
      const changes: { chunk: ResolvedMapping[]; issues: JiraIssue[]; unread: JiraIssue[] }[] = [];
      for (const { chunk, stamps } of stamped) {
        const unread = stamps.filter((stamp) => !isApplied(stamp.id, versions, applied));
        try {
          const issues = await readChanged(request, chunk, unread, reads.readById);
          changes.push({ chunk, unread, issues });
        } catch (caught) {
          readInFull(chunk, caught);
        }
      }
      const full = entries.filter((entry) => !inDelta.has(entry));
      const outcomes = await reads.read(full);

      // Every read succeeded: apply.
      const current = new Set(keys.values());
      for (const key of mirrored.keys()) if (!current.has(key)) mirrored.delete(key);
      for (const entry of full) {
        const outcome = outcomes.get(entry.index);
        if (!outcome || !('issues' in outcome)) {
          mirrored.delete(keyOf(entry));
          continue;
        }
        const before = mirrored.get(keyOf(entry));
        const issues = outcome.issues.map((issue) => keptOrRead(entry, before?.get(issue.id), issue));
        mirrored.set(keyOf(entry), new Map(issues.map((issue) => [issue.id, issue])));
        outcomes.set(entry.index, { ...outcome, issues });
      }
      for (const { chunk, issues } of changes) applyChanges(chunk, issues, keyOf);
      applied = appliedVersions(versions, changes);
      lastReadStart = started;
      nextSlice += slice.size;

      for (const entry of inDelta) {
        const issues = [...(mirrored.get(keyOf(entry))?.values() ?? [])];
        outcomes.set(entry.index, { issues, statusFieldId: entry.fields.status.id });
      }
      return outcomes;
    },
  };

  /**
   * Keeps or drops each changed issue in each mapping of `chunk`, as the candidate JQL would: an
   * issue is looked at only by the mappings of its project and those holding it (not by every
   * mapping of the chunk: 500 changes × 450 mappings was most of a steady poll's own CPU).
   */
  function applyChanges(
    chunk: ResolvedMapping[],
    issues: JiraIssue[],
    keyOf: (entry: ResolvedMapping) => string,
  ): void {
    const byProject = Map.groupBy(
      chunk.keys(),
      (position) => singleProjectOf(chunk[position]?.config.jql ?? '')?.toLowerCase() ?? '',
    );
    const held = chunk.map((entry) => mirrored.get(keyOf(entry)));
    const changed = new Set(issues.map((issue) => issue.id));
    const holders = new Map<string, number[]>();
    held.forEach((kept, position) => {
      for (const id of kept?.keys() ?? []) {
        if (!changed.has(id)) continue;
        const positions = holders.get(id);
        if (positions) positions.push(position);
        else holders.set(id, [position]);
      }
    });
    const grown = new Set<number>();
    for (const issue of issues) {
      const targets = new Set<number>();
      for (const name of projectNames(issue)) {
        for (const position of byProject.get(name) ?? []) targets.add(position);
      }
      for (const position of holders.get(issue.id) ?? [])
        if (!targets.has(position)) held[position]?.delete(issue.id);
      for (const position of targets) {
        const entry = chunk[position];
        const kept = held[position];
        if (!entry || !kept) continue;
        if (!isCandidateOf(entry, issue)) {
          kept.delete(issue.id);
          continue;
        }
        const before = kept.get(issue.id);
        if (!before) grown.add(position);
        kept.set(issue.id, keptOrRead(entry, before, issue));
      }
    }
    // New candidates go in JQL's order (created, then key), as a full read returns them.
    for (const position of grown) {
      const entry = chunk[position];
      const kept = held[position];
      if (entry && kept)
        mirrored.set(keyOf(entry), new Map([...kept].sort(([, a], [, b]) => byCreatedThenKey(a, b))));
    }
  }
}

/**
 * What the mirror keeps of `issue` (slimmed by its read, issue-projection.ts) read for `entry`:
 * the earlier object when the read shows it unchanged (compared as read, not by `updated`, which
 * a status or project rename leaves as it was), so its candidate is mapped once and stays the
 * same object poll after poll; else the issue read.
 */
function keptOrRead(entry: ResolvedMapping, before: JiraIssue | undefined, issue: JiraIssue): JiraIssue {
  const { status, repo } = entry.fields;
  return before !== undefined && slimsTo(before, issue, status.id, repo.id) ? before : issue;
}

/**
 * Whether `issue` (read with `CANDIDATE_FIELDS`, the status and the repo field) is a candidate of
 * the single-project mapping `entry`, as `groupedCandidateJql` decides: its project is the
 * mapping's (by key or name, any case), the status field's option is Ready and the repo field's
 * option the mapping's repo value (any case, as JQL compares options), and its status is not in
 * the Done category.
 */
export function isCandidateOf(entry: ResolvedMapping, issue: JiraIssue): boolean {
  const wanted = singleProjectOf(entry.config.jql)?.toLowerCase();
  const inProject = projectNames(issue).some((name) => name === wanted);
  const status = issue.fields.status as { statusCategory?: { key?: unknown } } | null | undefined;
  return (
    inProject &&
    status?.statusCategory?.key !== 'done' &&
    sameOption(issue.fields[entry.fields.status.id], JIRA_STATUS_VALUES.ready) &&
    sameOption(issue.fields[entry.fields.repo.id], entry.config.repoFieldValue)
  );
}

/**
 * The issues of `chunk`'s projects (or with a status value) changed in the last `minutes`, as
 * stamps: id, key and `updated` only. An issue changed once is in the window for a few polls
 * (the overlap); its stamp (~150 bytes) tells it was applied already, where its candidate fields
 * (~2.5 KB, with every object's URLs) were read, checked and compared again each time.
 */
async function searchChanges(request: JiraRequest, chunk: ResolvedMapping[], minutes: number) {
  const [first] = chunk;
  if (!first) return [];
  const projects = chunk.map((entry) => singleProjectOf(entry.config.jql) ?? '');
  return searchAll(request, deltaJql(projects, first.fields.status, minutes), ['updated'], {
    pageSize: STAMP_PAGE_SIZE,
  });
}

/**
 * The candidate fields of the `unread` stamps of `chunk`'s delta search, slimmed: from
 * `readById` when it read the issue at that stamp with those fields, else by `id in (…)`.
 */
async function readChanged(
  request: JiraRequest,
  chunk: ResolvedMapping[],
  unread: JiraIssue[],
  readById: FullReads<unknown>['readById'],
) {
  const [first] = chunk;
  if (!first || unread.length === 0) return [];
  const { status, repo } = first.fields;
  const fields = [...CANDIDATE_FIELDS, status.id, repo.id];
  const slim = (issue: JiraIssue) => slimCandidateIssue(issue, status.id, repo.id);
  const known: JiraIssue[] = [];
  const ids: string[] = [];
  for (const stamp of unread) {
    const read = readById?.(stamp.id, stamp.fields.updated);
    if (read && fields.every((field) => Object.hasOwn(read.fields, field))) known.push(slim(read));
    else ids.push(stamp.id);
  }
  const fetched = ids.length === 0 ? [] : await searchByIds(request, ids, fields, { keep: slim });
  return [...known, ...fetched];
}

/**
 * Issue id → the one `updated` stamp the delta searches of a poll returned for it, or `null`
 * when two searches saw different ones (it changed between them).
 */
function stampVersions(stamps: JiraIssue[]): Map<string, string | null> {
  const versions = new Map<string, string | null>();
  for (const stamp of stamps) {
    const version = String(stamp.fields.updated ?? '');
    const had = versions.get(stamp.id);
    versions.set(stamp.id, had === undefined || had === version ? version : null);
  }
  return versions;
}

/**
 * Whether the last poll applied the version of the issue this poll's searches returned. Sound
 * because the delta window reaches back before the last poll's reads: a mapping in this poll's
 * delta was mirrored last poll, by a full read made after the delta searches (so at least that
 * version) or by a delta search that returned this same version, which was then applied.
 */
function isApplied(id: string, versions: Map<string, string | null>, applied: Map<string, string>) {
  const version = versions.get(id);
  return typeof version === 'string' && version !== '' && applied.get(id) === version;
}

/**
 * What the next poll may skip: each stamp's version, when every search that returned it either
 * skipped it (applied already) or read it.
 */
function appliedVersions(
  versions: Map<string, string | null>,
  changes: { unread: JiraIssue[]; issues: JiraIssue[] }[],
): Map<string, string> {
  const missed = new Set<string>();
  for (const { unread, issues } of changes) {
    const read = new Set(issues.map((issue) => issue.id));
    for (const stamp of unread) if (!read.has(stamp.id)) missed.add(stamp.id);
  }
  const next = new Map<string, string>();
  for (const [id, version] of versions) {
    if (version !== null && version !== '' && !missed.has(id)) next.set(id, version);
  }
  return next;
}

/** A mapping's identity in the mirror: a changed JQL, repo value or field is a new mapping. */
function mirrorKey(entry: ResolvedMapping): string {
  const { mapping, config, fields } = entry;
  return [
    mapping.teamKey.toUpperCase(),
    config.jql,
    config.repoFieldValue,
    fields.status.id,
    fields.repo.id,
  ].join('\u0000');
}

/** The issue's project key and name, lower-cased (JQL's `project =` accepts either, any case). */
function projectNames(issue: JiraIssue): string[] {
  const project = issue.fields.project as { key?: unknown; name?: unknown } | null | undefined;
  return [project?.key, project?.name]
    .filter((name): name is string => typeof name === 'string')
    .map((name) => name.toLowerCase());
}

function sameOption(value: unknown, wanted: string): boolean {
  return optionValue(value)?.toLowerCase() === wanted.trim().toLowerCase();
}

/** `ORDER BY created ASC, key ASC`: Jira's timestamps compare as strings; keys by project, then number. */
function byCreatedThenKey(a: JiraIssue, b: JiraIssue): number {
  const created = String(a.fields.created ?? '').localeCompare(String(b.fields.created ?? ''));
  if (created !== 0) return created;
  const [pa = '', na = '0'] = a.key.split('-');
  const [pb = '', nb = '0'] = b.key.split('-');
  return pa.localeCompare(pb) || Number(na) - Number(nb);
}
