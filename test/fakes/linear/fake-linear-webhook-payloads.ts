import {
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLUnionType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import {
  issueUrl,
  labelsOf,
  stateOf,
  teamOf,
  type Workspace,
  type WorkspaceIssue,
  type WorkspaceLabel,
} from '../../../src/ticketing/memory/workspace.ts';

/**
 * The `data` of Linear's webhook payloads, built from the fake's workspace, and a check of every
 * payload against the types Linear's schema gives them (`EntityWebhookPayload`,
 * `IssueWebhookPayload`, `IssueLabelWebhookPayload`): a payload the fake sends is one Linear
 * could send. https://linear.app/developers/webhooks#data-change-events-payload
 */

const PRIORITY_LABELS = ['No priority', 'Urgent', 'High', 'Medium', 'Low'];

/** `IssueWebhookPayload` for an issue as it is now. */
export function issueWebhookData(workspace: Workspace, issue: WorkspaceIssue): Record<string, unknown> {
  const state = stateOf(workspace, issue);
  const team = teamOf(workspace, issue.teamId);
  const labels = labelsOf(workspace, issue);
  return {
    id: issue.id,
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    number: issue.number,
    identifier: issue.identifier,
    title: issue.title,
    ...(issue.description === null ? {} : { description: issue.description }),
    priority: issue.priority,
    priorityLabel: PRIORITY_LABELS[issue.priority] ?? 'No priority',
    prioritySortOrder: issue.priority,
    sortOrder: issue.number,
    previousIdentifiers: [],
    reactionData: {},
    subscriberIds: [],
    labelIds: [...issue.labelIds],
    labels: labels.map((label) => ({ id: label.id, name: label.name, color: label.color, parentId: null })),
    stateId: state.id,
    state: { id: state.id, name: state.name, color: '#bec2c8', type: state.type },
    teamId: team.id,
    team: { id: team.id, key: team.key, name: team.name },
    parentId: issue.parentId,
    url: issueUrl(workspace, issue),
  };
}

/** `IssueLabelWebhookPayload` for a label. */
export function issueLabelWebhookData(label: WorkspaceLabel): Record<string, unknown> {
  return {
    id: label.id,
    name: label.name,
    color: label.color,
    createdAt: label.createdAt,
    updatedAt: label.createdAt,
    isGroup: false,
    ...(label.teamId === null ? {} : { teamId: label.teamId }),
  };
}

/**
 * Every way `value` differs from GraphQL object type `typeName` of `schema`: a required field
 * missing or null, a field the type does not have, or a value of the wrong kind. Empty when it
 * conforms. Scalars are checked by their JSON kind (String, Float, Boolean, JSONObject).
 */
export function webhookShapeErrors(schema: GraphQLSchema, typeName: string, value: unknown): string[] {
  const type = schema.getType(typeName);
  if (!(type instanceof GraphQLObjectType)) return [`${typeName} is not an object type of the schema`];
  return check(type, value, typeName);
}

function check(type: GraphQLOutputType, value: unknown, path: string): string[] {
  if (type instanceof GraphQLNonNull) {
    return value === undefined || value === null ? [`${path} is required`] : check(type.ofType, value, path);
  }
  if (value === undefined || value === null) return [];
  if (type instanceof GraphQLList) {
    if (!Array.isArray(value)) return [`${path} must be a list`];
    return value.flatMap((item, index) => check(type.ofType, item, `${path}[${index}]`));
  }
  if (type instanceof GraphQLScalarType) return scalarErrors(type.name, value, path);
  // DataWebhookPayload and other unions: the envelope's `data` is checked by its own type.
  if (type instanceof GraphQLUnionType) return [];
  if (!(type instanceof GraphQLObjectType)) return [];
  if (typeof value !== 'object' || Array.isArray(value)) return [`${path} must be an object`];
  const fields = type.getFields();
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record)
    .filter((key) => !(key in fields))
    .map((key) => `${path}.${key} is not a field of ${type.name}`);
  return [
    ...unknown,
    ...Object.values(fields).flatMap((field) =>
      check(field.type, record[field.name], `${path}.${field.name}`),
    ),
  ];
}

function scalarErrors(name: string, value: unknown, path: string): string[] {
  const kind: Record<string, string> = {
    String: 'string',
    ID: 'string',
    DateTime: 'string',
    Float: 'number',
    Int: 'number',
    Boolean: 'boolean',
    JSONObject: 'object',
  };
  const expected = kind[name];
  if (expected === undefined || typeof value === expected) return [];
  return [`${path} must be a ${name}`];
}
