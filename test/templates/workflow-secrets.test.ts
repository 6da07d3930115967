import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../src/domain/mapping.ts';
import { mapping } from './template-fixtures.ts';
import { dispatchContexts, payload, renderedJob } from './workflow-contexts.ts';
import { interpolate } from './workflow-harness.ts';

/**
 * No token in any log: GitHub prints every step's `env:` block (and an action step's `with:`) in
 * the run's log, and the payload carries the run's callback tokens. So no step may put the payload
 * into its env or script; the runner reads it from the event file and masks the tokens itself
 * (test/runner/payload-source.test.ts). `run-name`, `timeout-minutes` and `if:` may still read
 * fields of it: they are not printed as step env.
 */
const RESULT_TOKEN = 'eyJ-result-token-0123456789';
const PROGRESS_TOKEN = 'eyJ-progress-token-0123456789';
const CONFIGURATIONS: Mapping[][] = [
  [mapping()],
  [mapping({ provider: 'bedrock', awsRegion: 'us-west-2' })],
  [
    mapping(),
    mapping({
      teamKey: 'OPS',
      ticketingProvider: 'jira',
      ticketingConfig: { kind: 'jira', jql: 'project = OPS', repoFieldValue: 'acme/web' },
    }),
  ],
];

describe('the dispatch payload and its tokens', () => {
  for (const template of ['claude-implement.yml', 'claude-plan.yml']) {
    it(`are in no step's env or script of ${template}`, () => {
      for (const mappings of CONFIGURATIONS) {
        for (const step of renderedJob(template, mappings).steps) {
          const label = `${template} step ${step.id ?? step.name}`;
          expect(JSON.stringify(step.env ?? {}), label).not.toMatch(/inputs\.payload|github\.event\.inputs/);
          // Scripts read the event file themselves; no expression or payload variable reaches them.
          expect(step.run ?? '', label).not.toMatch(/\$\{\{|INPUT_PAYLOAD|AI_IMPLEMENT_PAYLOAD/);
        }
      }
    });

    it(`never reach a printed env or with value of ${template}, however the run goes`, () => {
      const body = payload({
        provider: { name: 'bedrock', awsRegion: 'us-west-2' },
        callback: { url: 'https://ai.example.com', resultToken: RESULT_TOKEN, progressToken: PROGRESS_TOKEN },
      });
      for (const mappings of CONFIGURATIONS) {
        for (const status of ['success', 'failure']) {
          const contexts = dispatchContexts(body, { job: { status } });
          for (const step of renderedJob(template, mappings).steps) {
            for (const value of [...Object.values(step.env ?? {}), ...Object.values(step.with ?? {})]) {
              const printed = interpolate(value, contexts);
              expect(printed, `${template} step ${step.id ?? step.name}`).not.toContain(RESULT_TOKEN);
              expect(printed, `${template} step ${step.id ?? step.name}`).not.toContain(PROGRESS_TOKEN);
            }
          }
        }
      }
    });
  }
});
