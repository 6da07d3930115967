import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLSchema } from 'graphql';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Linear's own published schema (ARCHITECTURE.md, Testing). Read-only reference material beside
 * the repository. Should a document the real `@linear/sdk` sends fail only because this snapshot
 * is older, append the missing SDL from a fixture next to this file — never loosen validation.
 */
export const LINEAR_SCHEMA_PATH = path.resolve(repoRoot, '../shared/api-schemas/linear.graphql');

let cached: GraphQLSchema | undefined;

/** The executable schema, built once per process: the SDL is 1.2 MB and takes ~250 ms to build. */
export function linearSchema(): GraphQLSchema {
  cached ??= buildSchema(fs.readFileSync(LINEAR_SCHEMA_PATH, 'utf8'));
  return cached;
}
