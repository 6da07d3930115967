import type { JiraIssue } from './map-issue.ts';

/**
 * What of a candidate issue the mirror keeps (jira-candidate-mirror.ts): the values the mapping
 * (`mapCandidate`), the classification (`isCandidateOf`) and the order read. A search returns
 * far more — every status, priority, project and option object carries `self` and icon URLs, a
 * project its four avatar URLs — ~2.5 KB of objects an issue, held for every waiting issue
 * (10,000 at 500 × 20) between polls. `true`: the value as read; an object: those of its keys.
 */
type Projection = true | { readonly [key: string]: Projection };

const NAMED = { name: true } as const;
/** A select-list value: `{ value }`, or a bare string from some apps (`optionValue`). */
const OPTION = { value: true } as const;
const CANDIDATE = {
  summary: true,
  created: true,
  status: { name: true, statusCategory: { key: true } },
  priority: { id: true, name: true },
  project: { key: true, name: true },
  resolution: NAMED,
} as const;

/** One projection per (status field, repo field) pair: a poll has one or a few. */
const projections = new Map<string, Projection>();

function projectionFor(statusFieldId: string, repoFieldId: string): Projection {
  const cacheKey = `${statusFieldId}\u0000${repoFieldId}`;
  let projection = projections.get(cacheKey);
  if (!projection) {
    projection = { ...CANDIDATE, [statusFieldId]: OPTION, [repoFieldId]: OPTION };
    projections.set(cacheKey, projection);
  }
  return projection;
}

/**
 * `issue` with only the fields a mirrored candidate needs (`CANDIDATE_FIELDS`' values read, the
 * status and repo fields' option values). A value of another shape than expected (a string where
 * an object is, an object without `name`) is kept as it is, so validation where it is read
 * (map-issue.ts) fails as it would on the whole issue.
 */
export function slimCandidateIssue(issue: JiraIssue, statusFieldId: string, repoFieldId: string): JiraIssue {
  const fields = project(projectionFor(statusFieldId, repoFieldId), issue.fields);
  return { id: issue.id, key: issue.key, fields: fields as JiraIssue['fields'] };
}

/**
 * Whether `read` (an issue as a search returned it) slims to `kept` (`slimCandidateIssue` with
 * the same fields): compared in place, so an unchanged issue costs no allocation.
 */
export function slimsTo(
  kept: JiraIssue,
  read: JiraIssue,
  statusFieldId: string,
  repoFieldId: string,
): boolean {
  return (
    kept.id === read.id &&
    kept.key === read.key &&
    sameUnder(projectionFor(statusFieldId, repoFieldId), kept.fields, read.fields)
  );
}

/** Each projection's entries, listed once: the mirror compares hundreds of issues a poll. */
const entryLists = new WeakMap<object, [string, Projection][]>();

function entriesOf(projection: { readonly [key: string]: Projection }): [string, Projection][] {
  let entries = entryLists.get(projection);
  if (!entries) entryLists.set(projection, (entries = Object.entries(projection)));
  return entries;
}

function project(projection: Projection, value: unknown): unknown {
  if (projection === true || !isRecord(value)) return value;
  const kept: Record<string, unknown> = {};
  for (const [key, inner] of entriesOf(projection))
    if (Object.hasOwn(value, key)) kept[key] = project(inner, value[key]);
  return kept;
}

/** Whether `read` projects to `kept`. */
function sameUnder(projection: Projection, kept: unknown, read: unknown): boolean {
  if (projection === true || !isRecord(kept) || !isRecord(read)) return sameJson(kept, read);
  for (const [key, inner] of entriesOf(projection)) {
    const has = Object.hasOwn(kept, key);
    if (has !== Object.hasOwn(read, key)) return false;
    if (has && !sameUnder(inner, kept[key], read[key])) return false;
  }
  return true;
}

/** Whether two reads of an issue carry the same id, key and `fields` (JSON values, compared deeply). */
export function sameIssue(a: JiraIssue, b: JiraIssue): boolean {
  return a.id === b.id && a.key === b.key && sameJson(a.fields, b.fields);
}

/** Deep equality of JSON values (key order ignored). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
