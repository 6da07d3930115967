import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GAP_ANALYSIS_MARKER } from '../../src/runner/gap-analysis.ts';
import { getDispatch } from '../../src/store/dispatches.ts';
import { readCalls, runInProcess, tempDir, writeScript } from './support/run-helpers.ts';
import { startRunnerWorld, type RunnerWorld } from './support/runner-world.ts';
import { FAREWELL_FILES } from './support/target-repo.ts';

let world: RunnerWorld;
let dir: string;

beforeEach(async () => {
  world = await startRunnerWorld();
  dir = tempDir('script');
});
afterEach(async () => {
  await world.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const gaps = (gap: string) =>
  `## Implemented\n\n- farewell(name)\n\n## Gaps / Partial Implementation\n\n${gap}\n\n## Manual Steps Required\n\nNone`;

describe('a gap-fill run', () => {
  it('pushes to the same branch, opens no PR, and updates the gap analysis comment in place', async () => {
    const first = writeScript(dir, {
      rules: [
        { when: 'VERDICT: APPROVE', result: 'VERDICT: APPROVE' },
        {
          when: '## Gaps / Partial Implementation',
          result: gaps('- farewell is not documented in the README'),
        },
        {
          actions: [{ write: { path: 'src/farewell.js', content: FAREWELL_FILES['src/farewell.js'] } }],
          result: 'Added farewell().',
        },
      ],
    });
    const implementation = await world.dispatch('implementation');
    expect((await runInProcess(world, implementation, { script: first })).code).toBe(0);
    const repo = world.github.repo('acme', 'api');
    const pull = repo.pulls[0]!;
    const gapComment = repo.comments.find((comment) => comment.body.includes(GAP_ANALYSIS_MARKER))!;
    expect(gapComment.body).toContain('farewell is not documented in the README');
    // The orchestrator's own section inside the comment (follow-ups) must survive the rewrite.
    const kept =
      '<!-- ai-implement:feedback-addressed:start -->\n### Review feedback addressed\n- one\n<!-- ai-implement:feedback-addressed:end -->';
    gapComment.body = `${gapComment.body}\n\n${kept}`;
    const firstHead = world.git.git('acme', 'api', ['rev-parse', 'ai-implement/eng-1']).trim();

    fs.rmSync(`${dir}/stand-in.json.uses`, { recursive: true, force: true });
    const second = writeScript(dir, {
      rules: [
        // First: the gap-fill prompt quotes the previous analysis, headings included.
        {
          when: 'Close the gaps',
          actions: [{ append: { path: 'README.md', content: 'farewell(name) says goodbye.\n' } }],
          result: 'Documented farewell in the README.',
        },
        { when: 'VERDICT: APPROVE', result: 'VERDICT: APPROVE' },
        { when: '## Gaps / Partial Implementation', result: gaps('None') },
      ],
    });
    const gapFill = await world.dispatch('gap-fill', {
      pullRequest: { number: pull.number, branch: pull.head },
    });
    const run = await runInProcess(world, gapFill, { script: second });
    expect(run.code, run.output).toBe(0);

    expect(repo.pulls).toHaveLength(1);
    expect(
      world.git.git('acme', 'api', ['rev-list', '--count', `${firstHead}..ai-implement/eng-1`]).trim(),
    ).toBe('1');
    expect(world.git.git('acme', 'api', ['show', 'ai-implement/eng-1:README.md'])).toContain(
      'farewell(name) says goodbye.',
    );
    const gapComments = repo.comments.filter((comment) => comment.body.includes(GAP_ANALYSIS_MARKER));
    expect(gapComments).toHaveLength(1);
    expect(gapComments[0]!.id).toBe(gapComment.id);
    expect(gapComments[0]!.body).not.toContain('farewell is not documented');
    expect(gapComments[0]!.body).toContain('AI-Implement gap-fill run');
    expect(gapComments[0]!.body).toContain(kept);
    // The gap-fill pass was told about the gaps of the previous analysis.
    expect(
      readCalls(dir).some(
        (call) => call.permissionMode === 'acceptEdits' && call.prompt.includes('Close the gaps'),
      ),
    ).toBe(true);
    expect(await getDispatch(world.h.store.db, gapFill.dispatchId)).toMatchObject({
      status: 'succeeded',
      pr_url: `https://github.com/acme/api/pull/${pull.number}`,
    });
    expect(world.linear.getIssue(world.issue.id)!.labels).toContain('Ready for Review');
    world.github.assertNoViolations();
  });
});

describe('a review-fix run', () => {
  it("works from the feedback the orchestrator announced and the people's comments on the PR", async () => {
    const script = writeScript(dir, {
      rules: [
        {
          when: "Address the reviewers' feedback",
          actions: [
            { append: { path: 'src/farewell.js', content: '// farewell(name) → "Goodbye <name>"\n' } },
          ],
          result: 'Documented the return value.',
        },
        { when: 'VERDICT: APPROVE', result: 'VERDICT: APPROVE' },
        { when: '## Gaps / Partial Implementation', result: gaps('None') },
        {
          actions: [{ write: { path: 'src/farewell.js', content: FAREWELL_FILES['src/farewell.js'] } }],
          result: 'Added.',
        },
      ],
    });
    expect((await runInProcess(world, await world.dispatch('implementation'), { script })).code).toBe(0);
    const pull = world.github.repo('acme', 'api').pulls[0]!;
    const payload = await world.dispatch('review-fix', {
      pullRequest: { number: pull.number, branch: pull.head },
    });
    const comment = (body: string, user: string) =>
      world.github.addIssueComment({ owner: 'acme', repo: 'api', issueNumber: pull.number, body, user });
    comment(
      `<!-- ai-implement:follow-up dispatch=${payload.dispatchId} -->\nFeedback it will address:\n- [review by @alice](u): Document the return value`,
      'ai-implement[bot]',
    );
    comment('Please also say what it returns in a comment.', 'bob');
    comment('/ai-implement', 'carol');

    const run = await runInProcess(world, payload, { script });
    expect(run.code, run.output).toBe(0);
    const fix = readCalls(dir).filter((call) => call.prompt.includes("Address the reviewers' feedback"));
    expect(fix).toHaveLength(1);
    expect(fix[0]!.prompt).toContain('[review by @alice](u): Document the return value');
    expect(fix[0]!.prompt).toContain('@bob');
    expect(fix[0]!.prompt).not.toContain('@carol');
    expect(world.git.git('acme', 'api', ['show', `${pull.head}:src/farewell.js`])).toContain(
      'Goodbye <name>',
    );
    expect(world.github.repo('acme', 'api').pulls).toHaveLength(1);
  });
});

describe('a ci-fix run', () => {
  it('reproduces with the verify hook, fixes from the CI failure it was sent, and pushes to the same branch', async () => {
    const script = writeScript(dir, {
      rules: [
        {
          when: 'its CI checks fail',
          actions: [{ append: { path: 'src/farewell.js', content: '// handles an empty name\n' } }],
          result: 'farewell() handles an empty name.',
        },
        { when: 'VERDICT: APPROVE', result: 'VERDICT: APPROVE' },
        { when: '## Gaps / Partial Implementation', result: gaps('None') },
        {
          actions: [{ write: { path: 'src/farewell.js', content: FAREWELL_FILES['src/farewell.js'] } }],
          result: 'Added.',
        },
      ],
    });
    expect((await runInProcess(world, await world.dispatch('implementation'), { script })).code).toBe(0);
    const repo = world.github.repo('acme', 'api');
    const pull = repo.pulls[0]!;
    const before = world.git.git('acme', 'api', ['rev-parse', pull.head]).trim();
    const payload = await world.dispatch('ci-fix', {
      pullRequest: { number: pull.number, branch: pull.head },
      ciFailure: {
        headSha: before,
        checks: [
          {
            name: 'test',
            conclusion: 'failure',
            annotations: ['test/farewell.test.js:4: expected "Goodbye "'],
            logTail: 'not ok 1 - farewell of an empty name\n##[error]Process completed with exit code 1.',
          },
        ],
      },
    });
    const run = await runInProcess(world, payload, { script });
    expect(run.code, run.output).toBe(0);
    const fix = readCalls(dir).find((call) => call.prompt.includes('its CI checks fail'));
    expect(fix?.prompt).toContain('### test (failure)');
    expect(fix?.prompt).toContain('not ok 1 - farewell of an empty name');
    expect(fix?.prompt).toContain('test/farewell.test.js:4: expected "Goodbye "');
    // The verify hook passed on the failing head: the prompt says so, and the CI log decides.
    expect(fix?.prompt).toContain('did not reproduce locally');
    expect(world.git.git('acme', 'api', ['log', '-1', '--format=%s', pull.head])).toMatch(
      /fix failing checks/,
    );
    expect(world.git.git('acme', 'api', ['rev-list', '--count', `${before}..${pull.head}`]).trim()).toBe('1');
    expect(repo.pulls).toHaveLength(1);
    const steps = await world.h.store.db
      .selectFrom('run_steps')
      .select(['step', 'status'])
      .where('dispatch_id', '=', payload.dispatchId)
      .execute();
    expect(steps).toContainEqual({ step: 'reproduce', status: 'succeeded' });
    expect(world.linear.getIssue(world.issue.id)!.labels).toContain('CI Fixing');
  });
});

describe('planning, then implementation with work units', () => {
  it('posts the plan to the ticket and runs independent units in parallel, then the dependent one', async () => {
    const plan = [
      '## Architecture Analysis',
      'greet.js holds the greetings; farewell goes beside it.',
      '## Test Plan',
      'node --test covers both.',
      '## Work Units',
      '```yaml',
      'units:',
      '  - id: farewell-fn',
      '    files: [src/farewell.js]',
      '    task: Add farewell()',
      '  - id: farewell-test',
      '    files: [test/farewell.test.js]',
      '    task: Test farewell()',
      '  - id: readme',
      '    files: [README.md]',
      '    task: Document farewell()',
      '    depends_on: [farewell-fn]',
      '```',
      '## Cross-Story Context',
      'None of the related tickets touch greetings.',
    ].join('\n');
    const unit = (id: string, file: string, content: string) => ({
      when: `Your unit is "${id}"`,
      actions: [{ sleepMs: 600 }, { write: { path: file, content } }],
      result: `Did ${id}.`,
    });
    const script = writeScript(dir, {
      rules: [
        { when: 'Answer with a plan in Markdown', result: plan, costUsd: 0.04 },
        { when: 'VERDICT: APPROVE', result: 'VERDICT: APPROVE' },
        { when: '## Gaps / Partial Implementation', result: gaps('None') },
        unit('farewell-fn', 'src/farewell.js', FAREWELL_FILES['src/farewell.js']),
        unit('farewell-test', 'test/farewell.test.js', FAREWELL_FILES['test/farewell.test.js']),
        unit('readme', 'README.md', 'farewell(name) says goodbye.\n'),
      ],
    });
    const planning = await world.dispatch('planning');
    const planned = await runInProcess(world, planning, { script });
    expect(planned.code, planned.output).toBe(0);
    const ticket = world.linear.getIssue(world.issue.id)!;
    const titles = ['Architecture Analysis', 'Test Plan', 'Work Units', 'Cross-Story Context'];
    expect(ticket.comments.map((body) => /^## (.+)$/m.exec(body)?.[1])).toEqual(titles);
    // autoApprovePlans: the result dispatched the implementation run at once.
    const implementation = world.h.backend.dispatched.at(-1)!.payload;
    expect(implementation).toMatchObject({
      phase: 'implementation',
      dispatchId: expect.not.stringMatching(planning.dispatchId),
    });

    const run = await runInProcess(world, implementation, { script });
    expect(run.code, run.output).toBe(0);
    const calls = readCalls(dir).filter((call) => call.prompt.includes('Your unit is'));
    const [fn, test, readme] = ['farewell-fn', 'farewell-test', 'readme'].map((id) =>
      calls.find((call) => call.prompt.includes(`Your unit is "${id}"`))!,
    );
    expect(fn!.started).toBeLessThan(test!.ended);
    expect(test!.started).toBeLessThan(fn!.ended);
    expect(readme!.started).toBeGreaterThanOrEqual(Math.max(fn!.ended, test!.ended));
    expect(fn!.prompt).toContain('Change only these files: src/farewell.js');
    expect(fn!.prompt).toContain('greet.js holds the greetings');
    expect(
      world.git.git('acme', 'api', ['diff', '--name-only', 'main', 'ai-implement/eng-1']).trim().split('\n'),
    ).toEqual(['README.md', 'src/farewell.js', 'test/farewell.test.js']);
    world.linear.assertNoRejections();
  });
});
