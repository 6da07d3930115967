import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_NAMES } from '../../src/config/env-variables.ts';
import { NEW_PROJECT_VALUES, stepperForm } from '../../src/http/admin/panels/stepper-form.ts';

/**
 * What the admin stepper tells an operator to set in a target repository must be what the synced
 * workflows read: a suggested variable that no template reads would be accepted and ignored.
 */
const TEMPLATES = ['claude-implement.yml', 'claude-plan.yml', 'comment-trigger.yml'].map((name) =>
  fs.readFileSync(path.resolve(import.meta.dirname, '../../templates', name), 'utf8'),
);

describe('repository settings the stepper suggests', () => {
  it('are each read by a synced workflow (vars.NAME or secrets.NAME)', async () => {
    const page = String(await stepperForm({ mode: 'create', values: NEW_PROJECT_VALUES }));
    const suggested = new Set(
      [...page.matchAll(/\b(AI_IMPLEMENT_[A-Z0-9_]+|AWS_BEDROCK_ROLE_ARN)\b/g)]
        .map((m) => m[1] ?? '')
        // The orchestrator's own variables (CONTRACTS §1) are not repository settings.
        .filter((name) => !(ENV_NAMES as string[]).includes(name)),
    );
    expect(suggested).toContain('AWS_BEDROCK_ROLE_ARN');
    const unread = [...suggested].filter(
      (name) => !TEMPLATES.some((text) => new RegExp(`\\b(vars|secrets)\\.${name}\\b`).test(text)),
    );
    expect(unread, 'suggested by the stepper but read by no workflow').toEqual([]);
  });
});
