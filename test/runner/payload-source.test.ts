import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runRunner } from '../../src/runner/run-runner.ts';
import { payload as dispatchPayload } from '../templates/workflow-contexts.ts';
import { tempDir } from './support/run-helpers.ts';

/**
 * In GitHub Actions the runner takes the payload from the workflow_dispatch event file (never
 * from step env, which GitHub prints) and masks the run tokens before it prints anything.
 */
const RESULT_TOKEN = 'eyJ-result-token-0123456789';
const PROGRESS_TOKEN = 'eyJ-progress-token-0123456789';
const body = dispatchPayload({
  callback: { url: 'https://ai.example.com', resultToken: RESULT_TOKEN, progressToken: PROGRESS_TOKEN },
});

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the runner with the payload in an event file; resolves with its output and reported results. */
async function runFromEvent(env: Record<string, string>) {
  dir = tempDir('event');
  const event = path.join(dir, 'event.json');
  fs.writeFileSync(event, JSON.stringify({ inputs: { issue_id: 'issue-1', payload: JSON.stringify(body) } }));
  const lines: string[] = [];
  const posted: { url: string; body: string }[] = [];
  const code = await runRunner({
    argv: [],
    env: { GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: event, AI_IMPLEMENT_WORKDIR: dir, ...env },
    cwd: dir,
    write: (line) => lines.push(line),
    reporter: {
      baseDelayMs: 1,
      fetch: async (url, init) => {
        posted.push({ url: String(url), body: String(init?.body) });
        return new Response(JSON.stringify({ ok: true }), { status: 200 });
      },
    },
  });
  return { code, output: lines.join(''), posted };
}

describe('the payload in GitHub Actions', () => {
  it('is read from the event file, and both run tokens are masked before anything is printed', async () => {
    // No GITHUB_REPOSITORY: the run fails at configure, after printing and reporting.
    const run = await runFromEvent({});
    expect(run.code).toBe(1);
    const first = run.output.split('\n').slice(0, 2);
    expect(first.sort()).toEqual([`::add-mask::${PROGRESS_TOKEN}`, `::add-mask::${RESULT_TOKEN}`].sort());
    expect(run.output).toContain('GITHUB_REPOSITORY is required');
    // The result went to the payload's callback, with the payload's token.
    expect(run.posted).toHaveLength(1);
    expect(run.posted[0]?.url).toBe('https://ai.example.com/runner/result');
  });

  it('has its caps filled from the repository variables, which must be whole numbers', async () => {
    const run = await runFromEvent({ GITHUB_REPOSITORY: 'acme/web', AI_IMPLEMENT_MAX_TURNS: 'lots' });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.posted[0]?.body ?? '{}')).toMatchObject({
      status: 'failure',
      error: expect.stringContaining('AI_IMPLEMENT_MAX_TURNS must be a whole number above 0 (got "lots")'),
    });
  });

  it('prints no mask command outside GitHub Actions', async () => {
    const run = await runFromEvent({ GITHUB_ACTIONS: '' });
    expect(run.output).not.toContain('::add-mask::');
  });
});
