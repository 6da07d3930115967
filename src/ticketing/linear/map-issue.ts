import { z } from 'zod';
import { markerForLinearLabel, type Marker } from '../../domain/markers.ts';
import type {
  Ticket,
  TicketCandidate,
  TicketDependency,
  TicketStateType,
  TicketSummary,
} from '../../domain/ticket.ts';

/** The shapes `ISSUES_QUERY` (queries.ts) returns; validated at the edge, trusted inside. */
const IssueSummarySchema = z.object({
  id: z.string(),
  identifier: z.string(),
  title: z.string(),
  url: z.string(),
  state: z.object({ type: z.string() }),
});

const CandidateSchema = z.object({
  id: z.string(),
  identifier: z.string(),
  title: z.string(),
  url: z.string(),
  priority: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  team: z.object({ key: z.string() }),
  state: z.object({ name: z.string(), type: z.string() }),
  labels: z.object({ nodes: z.array(z.object({ name: z.string() })) }),
});

export const RelationsSchema = z.object({
  nodes: z.array(z.object({ type: z.string(), issue: IssueSummarySchema })),
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
});

const IssueSchema = CandidateSchema.extend({
  description: z.string().nullable(),
  inverseRelations: RelationsSchema,
  parent: IssueSummarySchema.extend({
    children: z.object({ nodes: z.array(IssueSummarySchema) }),
  }).nullable(),
});

const PageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

/** A blocked candidate of stage one (`CANDIDATES_QUERY`'s `blocked` root) with its relations. */
const BlockedPageSchema = z.object({
  nodes: z.array(z.object({ id: z.string(), inverseRelations: RelationsSchema })),
  pageInfo: PageInfoSchema,
});

/** An issue of the `changed` root: a candidate's fields, and when it was archived (null if not). */
const ChangedSchema = CandidateSchema.extend({ archivedAt: z.string().nullable() });

export const CandidatesPageSchema = z.object({
  issues: z.object({ nodes: z.array(CandidateSchema), pageInfo: PageInfoSchema }).optional(),
  changed: z.object({ nodes: z.array(ChangedSchema), pageInfo: PageInfoSchema }).optional(),
  blocked: BlockedPageSchema.optional(),
});

/** What stage two (`detailsQuery`) reads per ticket besides stage one's fields. */
const DetailSchema = z.object({
  id: z.string(),
  description: z.string().nullable(),
  state: z.object({ type: z.string() }),
  parent: IssueSummarySchema.nullable(),
});

const SiblingSchema = IssueSummarySchema.extend({ parent: z.object({ id: z.string() }).nullable() });
const SiblingsSchema = z.object({ nodes: z.array(SiblingSchema), pageInfo: PageInfoSchema });
/** One of `detailsQuery`'s roots (`DETAIL_ROOTS` of them at most). */
const DetailRootSchema = z.object({ nodes: z.array(DetailSchema) }).optional();

export const DetailsSchema = z.object({
  t0: DetailRootSchema,
  t1: DetailRootSchema,
  t2: DetailRootSchema,
  siblings: SiblingsSchema,
  blocked: BlockedPageSchema.optional(),
});

export const SiblingsPageSchema = z.object({ issues: SiblingsSchema });

export const IssuesPageSchema = z.object({
  issues: z.object({ nodes: z.array(IssueSchema), pageInfo: PageInfoSchema }),
});

export const IssueRelationsSchema = z.object({
  issue: z.object({ id: z.string(), inverseRelations: RelationsSchema }),
});

export type CandidatesPage = z.infer<typeof CandidatesPageSchema>;
export type LinearCandidate = z.infer<typeof CandidateSchema>;
export type LinearChanged = z.infer<typeof ChangedSchema>;
export type LinearDetail = z.infer<typeof DetailSchema>;
export type LinearSibling = z.infer<typeof SiblingSchema>;
export type LinearRelations = z.infer<typeof RelationsSchema>;
export type IssuesPage = z.infer<typeof IssuesPageSchema>;
export type LinearIssue = z.infer<typeof IssueSchema>;
type LinearIssueSummary = z.infer<typeof IssueSummarySchema>;

const STATE_TYPES: readonly string[] = ['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled'];

/**
 * Linear's workflow state type as ours. Linear also has `duplicate`, a closed state that counts
 * as canceled; an unknown future type is treated as not started rather than as closed, so it can
 * never resolve a dependency by accident.
 */
export function toStateType(type: string): TicketStateType {
  if (type === 'duplicate') return 'canceled';
  return STATE_TYPES.includes(type) ? (type as TicketStateType) : 'unstarted';
}

/** A stage-one Linear issue as a `TicketCandidate`: labels become markers (case-insensitive). */
export function mapCandidate(issue: LinearCandidate): TicketCandidate {
  const markers = [
    ...new Set(issue.labels.nodes.map((label) => markerForLinearLabel(label.name)).filter(isMarker)),
  ];
  return {
    provider: 'linear',
    id: issue.id,
    identifier: issue.identifier,
    title: issue.title,
    url: issue.url,
    teamKey: issue.team.key,
    stateName: issue.state.name,
    stateType: toStateType(issue.state.type),
    priority: issue.priority,
    createdAt: issue.createdAt,
    markers,
  };
}

/**
 * A Linear issue as a `Ticket`: the candidate's fields, plus issues that block it (`blocks`
 * relations pointing at it, `relations` holding every page of them) as dependencies, resolved
 * when their state is completed or canceled; siblings are the parent's other children.
 */
export function mapIssue(issue: LinearIssue, relations: LinearRelations['nodes']): Ticket {
  return {
    ...mapCandidate(issue),
    description: issue.description ?? '',
    dependencies: mapDependencies(relations),
    parent: issue.parent ? toSummary(issue.parent) : undefined,
    siblings: (issue.parent?.children.nodes ?? []).filter((child) => child.id !== issue.id).map(toSummary),
  };
}

/**
 * The issues that block this one: `blocks` relations pointing at it (`inverseRelations`, every
 * page), resolved when the blocker is completed or canceled.
 */
export function mapDependencies(relations: LinearRelations['nodes']): TicketDependency[] {
  return relations
    .filter((relation) => relation.type === 'blocks')
    .map((relation) => {
      const blocker = toSummary(relation.issue);
      return { ...blocker, resolved: blocker.stateType === 'completed' || blocker.stateType === 'canceled' };
    });
}

/**
 * A stage-one candidate with its stage-two details as a `Ticket`: the state as stage two read it
 * (it may have closed in between), siblings as the parent's other children (at most 25: context
 * for the agent, not a rule).
 */
export function mapDetails(
  candidate: TicketCandidate,
  detail: LinearDetail,
  dependencies: TicketDependency[],
  family: LinearSibling[],
): Ticket {
  return {
    ...candidate,
    stateType: toStateType(detail.state.type),
    description: detail.description ?? '',
    dependencies,
    parent: detail.parent ? toSummary(detail.parent) : undefined,
    siblings: family
      .filter((child) => child.id !== candidate.id)
      .slice(0, 25)
      .map(toSummary),
  };
}

function toSummary(issue: LinearIssueSummary): TicketSummary {
  return {
    id: issue.id,
    identifier: issue.identifier,
    title: issue.title,
    url: issue.url,
    stateType: toStateType(issue.state.type),
  };
}

function isMarker(marker: Marker | undefined): marker is Marker {
  return marker !== undefined;
}
