import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * Validation against Atlassian's ADF JSON schema (adf-schema/full.json, from
 * @atlaskit/adf-schema): what Jira checks before it stores a description or a comment.
 */

let validator: ValidateFunction | undefined;

function compile(): ValidateFunction {
  const schema = JSON.parse(
    readFileSync(new URL('./adf-schema/full.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  // The file declares draft-04, which Ajv 8 does not load by name; it uses no draft-04-only keywords.
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(schema);
}

/** The schema violations of `doc`, as `path: message` lines; empty when it is a valid ADF document. */
export function adfErrors(doc: unknown): string[] {
  validator ??= compile();
  if (validator(doc)) return [];
  return (validator.errors ?? [])
    .slice(0, 10)
    .map((error) => `${error.instancePath || '/'}: ${error.message ?? 'invalid'}`);
}

export function assertValidAdf(doc: unknown, what: string): void {
  const errors = adfErrors(doc);
  if (errors.length > 0) throw new Error(`${what} is not a valid ADF document: ${errors.join('; ')}`);
}
