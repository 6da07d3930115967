import {
  GraphQLIncludeDirective,
  GraphQLInt,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  getNamedType,
  getOperationAST,
  isLeafType,
  isObjectType,
  isInterfaceType,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** Linear rejects any single query above this many points (https://linear.app/developers/rate-limiting). */
export const MAX_QUERY_COMPLEXITY = 10_000;

/** Linear's default page size, used when a connection field has no `first`/`last`. */
const DEFAULT_PAGE_SIZE = 50;

/**
 * A query's complexity by Linear's published rules: each property 0.1 point, each object 1 point,
 * a connection multiplies its children by its page size (`first`/`last`, default 50), and the
 * total is rounded up. Fields under a false `@include`/true `@skip` do not count.
 */
export function queryComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName?: string,
): number {
  const operation = getOperationAST(document, operationName);
  const rootType = operation && schema.getRootType(operation.operation);
  if (!operation || !rootType) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  function cost(parent: GraphQLNamedType, selectionSet: SelectionSetNode): number {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        total += fieldCost(parent, selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeName = selection.typeCondition?.name.value;
        total += cost(typeName ? (schema.getType(typeName) ?? parent) : parent, selection.selectionSet);
      } else {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type) total += cost(type, fragment.selectionSet);
      }
    }
    return total;
  }

  function fieldCost(parent: GraphQLNamedType, field: FieldNode): number {
    const definition =
      isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[field.name.value] : undefined;
    if (!definition) return 0.1; // __typename and friends
    const type = getNamedType(definition.type);
    if (isLeafType(type) || !field.selectionSet) return 0.1;
    return 1 + pageSize(type, field) * cost(type, field.selectionSet);
  }

  function pageSize(type: GraphQLNamedType, field: FieldNode): number {
    const isConnection =
      type.name.endsWith('Connection') && isObjectType(type) && 'nodes' in type.getFields();
    if (!isConnection) return 1;
    for (const argument of field.arguments ?? []) {
      if (argument.name.value !== 'first' && argument.name.value !== 'last') continue;
      const value = valueFromAST(argument.value, GraphQLInt, variables);
      if (typeof value === 'number') return value;
    }
    return DEFAULT_PAGE_SIZE;
  }

  function included(selection: SelectionSetNode['selections'][number]): boolean {
    if (getDirectiveValues(GraphQLSkipDirective, selection, variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, selection, variables)?.if !== false;
  }

  return Math.ceil(cost(rootType, operation.selectionSet));
}
