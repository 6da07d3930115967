import { z } from 'zod';
import { IntegrationError } from '../../domain/errors.ts';
import { JIRA_STATUS_VALUES, MARKERS, type Marker } from '../../domain/markers.ts';
import type {
  Ticket,
  TicketCandidate,
  TicketDependency,
  TicketStateType,
  TicketSummary,
} from '../../domain/ticket.ts';
import { adfToMarkdown } from './adf-to-markdown.ts';

/**
 * Reading Jira issues (REST v3 `fields`, https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get)
 * into `Ticket`s. jira.js types `fields` as a free record, so the fields read here are checked
 * with the schemas below.
 */

/** Fields requested for a candidate, stage one of the tick's fetch (plus the status field's id). */
export const CANDIDATE_FIELDS = ['summary', 'status', 'priority', 'created', 'project', 'resolution'];
/** Fields requested for a ticket with its details (plus the status field's id). */
export const TICKET_FIELDS = [...CANDIDATE_FIELDS, 'description', 'issuelinks', 'parent'];
/** Fields requested for a sibling. */
export const SUMMARY_FIELDS = ['summary', 'status', 'resolution', 'parent'];

const StatusSchema = z.object({
  name: z.string(),
  statusCategory: z.object({ key: z.string() }).optional(),
});
const NamedSchema = z.object({ name: z.string() });

const SummaryFieldsSchema = z.object({
  summary: z.string().nullish(),
  status: StatusSchema.nullish(),
  resolution: NamedSchema.nullish(),
});
const LinkedIssueSchema = z.object({
  id: z.string(),
  key: z.string(),
  fields: SummaryFieldsSchema.optional(),
});
const IssueLinkSchema = z.object({
  type: z.object({ name: z.string().optional(), inward: z.string().optional() }),
  inwardIssue: LinkedIssueSchema.optional(),
  outwardIssue: LinkedIssueSchema.optional(),
});
const CandidateFieldsSchema = SummaryFieldsSchema.extend({
  status: StatusSchema,
  priority: z.object({ id: z.string().optional(), name: z.string().optional() }).nullish(),
  created: z.string(),
  project: z.object({ key: z.string() }),
});
const TicketFieldsSchema = CandidateFieldsSchema.extend({
  description: z.unknown().optional(),
  issuelinks: z.array(IssueLinkSchema).nullish(),
  parent: LinkedIssueSchema.nullish(),
});

/** An issue as search, bulk fetch and get issue return it. */
export const JiraIssueSchema = z.object({
  id: z.string(),
  key: z.string(),
  fields: z.record(z.string(), z.unknown()),
});
export type JiraIssue = z.infer<typeof JiraIssueSchema>;

export interface MapContext {
  /** `customfield_…` of the AI-Implement Status field for this issue, when known. */
  statusFieldId: string | undefined;
  /** The mapping's team key (candidates); the project key when undefined. */
  teamKey: string | undefined;
  siblings: TicketSummary[];
  issueUrl(key: string): string;
}

/** Resolutions and status names that mean "dropped" rather than "done" in Jira's Done category. */
const CANCELED =
  /^(won'?t (do|fix)|cancell?ed|declined|rejected|duplicate|cannot reproduce|obsolete|abandoned)$/i;

/** A resolution or status name that means the work was dropped (Won't Do, Canceled, Duplicate…). */
export function isCanceledName(name: string | undefined): boolean {
  return CANCELED.test(name?.trim() ?? '');
}

/** Jira priority names onto Linear's scale (1 urgent … 4 low, 0 none); ids 1–5 are Jira's defaults. */
const PRIORITIES: Record<string, number> = {
  highest: 1,
  blocker: 1,
  critical: 1,
  high: 2,
  major: 2,
  medium: 3,
  low: 4,
  minor: 4,
  lowest: 4,
  trivial: 4,
};

/**
 * A `TicketCandidate` from a Jira issue read with `CANDIDATE_FIELDS`: summary → title, the status
 * category → state type, priority by name, `created` as ISO, the AI-Implement Status value → its
 * marker. Throws `IntegrationError('jira', 'invalid')` when a field has an unexpected shape.
 */
export function mapCandidate(
  issue: JiraIssue,
  context: Pick<MapContext, 'statusFieldId' | 'teamKey' | 'issueUrl'>,
): TicketCandidate {
  const fields = parseFields(issue, CandidateFieldsSchema);
  const statusValue = context.statusFieldId === undefined ? undefined : issue.fields[context.statusFieldId];
  const created = new Date(fields.created);
  return {
    provider: 'jira',
    id: issue.id,
    identifier: issue.key,
    title: fields.summary ?? '',
    url: context.issueUrl(issue.key),
    teamKey: context.teamKey ?? fields.project.key,
    stateName: fields.status.name,
    stateType: stateType(fields.status, fields.resolution),
    priority: priority(fields.priority),
    createdAt: Number.isNaN(created.getTime()) ? fields.created : created.toISOString(),
    markers: markersFor(statusValue),
  };
}

/**
 * A `Ticket` from a Jira issue: summary → title, the ADF description → Markdown, the status
 * category → state type (Done with a Won't Do-like resolution or status → canceled), priority by
 * name, `created` as ISO, the AI-Implement Status value → its marker, "is blocked by" links →
 * dependencies (resolved once in the Done category), `parent` → parent. Throws
 * `IntegrationError('jira', 'invalid')` when a field read here has an unexpected shape.
 */
export function mapIssue(issue: JiraIssue, context: MapContext): Ticket {
  const fields = parseFields(issue, TicketFieldsSchema);
  return {
    ...mapCandidate(issue, context),
    description: adfToMarkdown(fields.description),
    dependencies: (fields.issuelinks ?? []).flatMap((link) => {
      const blocker = link.inwardIssue;
      const blocks =
        link.type.name?.toLowerCase() === 'blocks' || /^is blocked by$/i.test(link.type.inward?.trim() ?? '');
      if (!blocker || !blocks) return [];
      const summary = linkedSummary(blocker, context);
      return [
        {
          ...summary,
          resolved: summary.stateType === 'completed' || summary.stateType === 'canceled',
        } satisfies TicketDependency,
      ];
    }),
    parent: fields.parent ? linkedSummary(fields.parent, context) : undefined,
    siblings: context.siblings.filter((sibling) => sibling.id !== issue.id),
  };
}

/** A sibling (child of the same parent) from a children search. */
export function mapSummary(
  issue: JiraIssue,
  issueUrl: (key: string) => string,
): TicketSummary & { parentKey: string | undefined } {
  const fields = parseFields(
    issue,
    SummaryFieldsSchema.extend({ parent: z.object({ key: z.string() }).nullish() }),
  );
  return {
    id: issue.id,
    identifier: issue.key,
    title: fields.summary ?? '',
    url: issueUrl(issue.key),
    stateType: fields.status ? stateType(fields.status, fields.resolution) : 'unstarted',
    parentKey: fields.parent?.key,
  };
}

/**
 * The marker a value of the AI-Implement Status select field stands for: `{ value: 'Ready' }`
 * (or a bare string) → `['ready']`; empty or unknown → `[]`. `Plan Approved` reads as
 * `planComplete`: Jira has one value for both, and the orchestrator sets it when planning succeeds.
 */
export function markersFor(value: unknown): Marker[] {
  const text = optionValue(value);
  if (text === undefined) return [];
  const wanted = text.toLowerCase();
  const marker = MARKERS.find((candidate) => JIRA_STATUS_VALUES[candidate].toLowerCase() === wanted);
  return marker ? [marker] : [];
}

/**
 * The value of a select-list field as the REST API returns it (`{ id, value }`, or a bare string
 * from some apps), trimmed; `undefined` when empty or of another shape.
 */
export function optionValue(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value : (value as { value?: unknown } | null | undefined)?.value;
  return typeof text === 'string' ? text.trim() : undefined;
}

function linkedSummary(linked: z.infer<typeof LinkedIssueSchema>, context: MapContext): TicketSummary {
  const status = linked.fields?.status;
  return {
    id: linked.id,
    identifier: linked.key,
    title: linked.fields?.summary ?? '',
    url: context.issueUrl(linked.key),
    stateType: status ? stateType(status, linked.fields?.resolution) : 'unstarted',
  };
}

function stateType(
  status: z.infer<typeof StatusSchema>,
  resolution: { name: string } | null | undefined,
): TicketStateType {
  switch (status.statusCategory?.key) {
    case 'done':
      return isCanceledName(resolution?.name) || isCanceledName(status.name) ? 'canceled' : 'completed';
    case 'indeterminate':
      return 'started';
    default:
      return /^backlog$/i.test(status.name.trim()) ? 'backlog' : 'unstarted';
  }
}

function priority(value: { id?: string; name?: string } | null | undefined): number {
  if (!value) return 0;
  const byName = PRIORITIES[value.name?.trim().toLowerCase() ?? ''];
  if (byName !== undefined) return byName;
  const id = Number(value.id);
  return Number.isInteger(id) && id >= 1 && id <= 5 ? Math.min(id, 4) : 0;
}

function parseFields<T>(issue: JiraIssue, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(issue.fields);
  if (parsed.success) return parsed.data;
  throw new IntegrationError(
    'jira',
    'invalid',
    `Jira answered issue ${issue.key} in an unexpected shape: ${z.prettifyError(parsed.error)}`,
  );
}
