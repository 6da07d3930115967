import { schema as publishedSchema } from '@octokit/graphql-schema';
import { buildSchema, execute, parse, validate, GraphQLError, type GraphQLSchema } from 'graphql';
import type { FakeInstallationToken } from './fake-auth.ts';
import type { FakeIssue, FakeRepo } from './fake-repo.ts';
import { nodeId } from './github-objects.ts';
import type { FakeResponse, FakeWorld } from './fake-world.ts';

/**
 * GitHub's GraphQL API (https://docs.github.com/graphql) for the fake, as far as GitHub Issues as a
 * tracker reads it: `repository(owner, name) { issues(labels, states, first, after), issue(number) }`
 * with labels, state, state reason, parent and sub-issues. Every document is validated against
 * GitHub's published schema (`@octokit/graphql-schema`, MIT) before it runs, as the fake Linear
 * validates against Linear's.
 */

let cached: GraphQLSchema | undefined;
function githubSchema(): GraphQLSchema {
  // The published SDL defines two EnterpriseOwnerInfo fields twice (a generator slip upstream), so
  // SDL validation is skipped; documents are still validated in full against the built schema.
  // Its `schema.json` introspection is older (no `parent` / `subIssues`), so the SDL it is.
  cached ??= buildSchema(publishedSchema.idl, { assumeValidSDL: true });
  return cached;
}

function issueNode(world: FakeWorld, repo: FakeRepo, issue: FakeIssue): Record<string, unknown> {
  const full = `${repo.owner.login}/${repo.name}`;
  const node = {
    __typename: 'Issue',
    id: nodeId('I', issue.id),
    number: issue.number,
    title: issue.title,
    body: issue.body ?? '',
    url: `https://github.com/${full}/issues/${issue.number}`,
    state: issue.state.toUpperCase(),
    stateReason: issue.stateReason?.toUpperCase() ?? null,
    createdAt: issue.createdAt,
    repository: repositoryNode(world, repo),
    labels: ({ first }: { first?: number }) => {
      const names = (repo.labels.get(issue.number) ?? []).slice(0, first ?? 100);
      return { totalCount: names.length, nodes: names.map((name) => ({ name })) };
    },
    parent: () => {
      const parent = repo.issues.find((i) => i.number === issue.parent);
      return parent ? issueNode(world, repo, parent) : null;
    },
    subIssues: ({ first }: { first?: number }) => {
      const children = repo.issues.filter((i) => i.parent === issue.number);
      return {
        totalCount: children.length,
        nodes: children.slice(0, first ?? 100).map((child) => issueNode(world, repo, child)),
      };
    },
  };
  return node;
}

function repositoryNode(world: FakeWorld, repo: FakeRepo): Record<string, unknown> {
  return {
    nameWithOwner: `${repo.owner.login}/${repo.name}`,
    issue: ({ number }: { number: number }) => {
      const issue = repo.issues.find((i) => i.number === number);
      if (!issue) throw notFoundError(`Could not resolve to an Issue with the number of ${number}.`);
      return issueNode(world, repo, issue);
    },
    issues: (args: { first?: number; after?: string; labels?: string[]; states?: string[] }) => {
      const wanted = args.labels?.map((l) => l.toLowerCase());
      const matching = repo.issues.filter(
        (issue) =>
          (!args.states || args.states.includes(issue.state.toUpperCase())) &&
          (!wanted ||
            (repo.labels.get(issue.number) ?? []).some((name) => wanted.includes(name.toLowerCase()))),
      );
      const start = args.after ? Number(Buffer.from(args.after, 'base64').toString()) : 0;
      const page = matching.slice(start, start + (args.first ?? 100));
      const end = start + page.length;
      return {
        totalCount: matching.length,
        nodes: page.map((issue) => issueNode(world, repo, issue)),
        pageInfo: {
          hasNextPage: end < matching.length,
          endCursor: page.length > 0 ? Buffer.from(String(end)).toString('base64') : null,
        },
      };
    },
  };
}

/** GitHub's NOT_FOUND error: `{ type: "NOT_FOUND", path, message }`, the field null. */
function notFoundError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type: 'NOT_FOUND' } });
}

/** Answers `POST /graphql` for an installation token, or a 400/401 as GitHub would. */
export function answerGraphql(
  world: FakeWorld,
  token: FakeInstallationToken,
  body: unknown,
): FakeResponse & { invalid?: string[] } {
  const { query, variables } = (body ?? {}) as { query?: string; variables?: Record<string, unknown> };
  if (typeof query !== 'string')
    return { status: 400, body: { message: 'A query attribute must be specified' } };
  const schema = githubSchema();
  let document;
  try {
    document = parse(query);
  } catch (error) {
    return { status: 200, body: { errors: [{ message: String(error) }] }, invalid: [String(error)] };
  }
  const invalid = validate(schema, document).map((error) => error.message);
  if (invalid.length > 0)
    return { status: 200, body: { errors: invalid.map((message) => ({ message })) }, invalid };
  const rootValue = {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const key = `${owner}/${name}`.toLowerCase();
      const repo = token.repos.has(key) ? world.repos.get(key) : undefined;
      if (!repo) throw notFoundError(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repositoryNode(world, repo);
    },
  };
  const result = execute({ schema, document, rootValue, variableValues: variables }) as {
    data?: unknown;
    errors?: readonly GraphQLError[];
  };
  const errors = result.errors?.map((error) => ({
    ...(error.extensions.type ? { type: error.extensions.type } : {}),
    path: error.path,
    locations: error.locations,
    message: error.message,
  }));
  return { status: 200, body: { data: result.data ?? null, ...(errors ? { errors } : {}) } };
}
