import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLSchema } from 'graphql';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Linear's own published schema (ARCHITECTURE.md, Testing), copied into the repository so a clone
 * alone runs its tests: `test/fixtures/linear/linear.graphql` (MIT, `linear.LICENSE` beside it;
 * provenance in `test/fixtures/linear/README.md`). Should a document the real `@linear/sdk` sends
 * fail only because this snapshot is older, append the missing SDL to the end of that file, as
 * the snapshot already does for SDK 98.0.0 — never loosen validation.
 */
export const LINEAR_SCHEMA_PATH = path.resolve(repoRoot, 'test/fixtures/linear/linear.graphql');

let cached: GraphQLSchema | undefined;

/** The executable schema, built once per process: the SDL is 1.2 MB and takes ~250 ms to build. */
export function linearSchema(): GraphQLSchema {
  cached ??= buildSchema(fs.readFileSync(LINEAR_SCHEMA_PATH, 'utf8'));
  return cached;
}
