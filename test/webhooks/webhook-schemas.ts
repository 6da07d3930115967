import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fs from 'node:fs';
import { createRequire } from 'node:module';

/**
 * GitHub's own description of webhook payloads (@octokit/openapi-webhooks, OpenAPI 3.1 /
 * JSON Schema 2020-12), so the payloads the tests send are the shapes GitHub sends.
 */

const require = createRequire(import.meta.url);
const SPEC_PATH = require.resolve('@octokit/openapi-webhooks/generated/api.github.com.json');
const SPEC_ID = 'https://github.test/openapi-webhooks.json';

type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

function validator(schemaName: string): ValidateFunction {
  if (!ajv) {
    const spec = JSON.parse(fs.readFileSync(SPEC_PATH, 'utf8')) as Record<string, unknown>;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: SPEC_ID, components: spec.components });
  }
  let validate = compiled.get(schemaName);
  if (!validate) {
    validate = ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/${schemaName}` });
    compiled.set(schemaName, validate);
  }
  return validate;
}

/** Errors of `payload` against the named component schema (e.g. `webhook-issue-comment-created`); [] when valid. */
export function webhookSchemaErrors(schemaName: string, payload: unknown): string[] {
  const validate = validator(schemaName);
  if (validate(payload)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}
