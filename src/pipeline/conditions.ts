import type { RunContext } from '../runner/run-context.ts';

/**
 * `when:` / `until:` conditions of a pipeline YAML: clauses joined by `and`, each a flag
 * (optionally `not flag`) or a comparison of a number with a whole number, e.g.
 * `maxIterations > 0`, `verifyPassed and reviewApproved`, `not hasPullRequest`.
 * A small closed vocabulary on purpose: every condition is checked when the pipeline is loaded,
 * so a typo stops start-up instead of a run (docs/decisions/pipelines.md).
 */
export type Condition = (ctx: RunContext) => boolean;

const FLAGS: Record<string, Condition> = {
  /** The last verify hook passed (or there is none). */
  verifyPassed: (ctx) => ctx.state.verifyPassed === true,
  /** The last verify hook failed. */
  verifyFailed: (ctx) => ctx.state.verifyPassed === false,
  reviewApproved: (ctx) => ctx.state.reviewApproved,
  /** `commit-push` pushed a commit in this run. */
  pushed: (ctx) => ctx.state.pushed,
  /** The run works on an existing pull request (review-fix, gap-fill, ci-fix). */
  hasPullRequest: (ctx) => ctx.payload.pullRequest !== undefined,
};

const NUMBERS: Record<string, (ctx: RunContext) => number> = {
  maxIterations: (ctx) => ctx.caps.maxIterations,
  maxTurns: (ctx) => ctx.caps.maxTurns,
  /** 1-based inside a loop, 0 outside. */
  iteration: (ctx) => ctx.state.iteration,
};

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** The names a condition may use, for error messages and docs. */
export const CONDITION_NAMES = { flags: Object.keys(FLAGS), numbers: Object.keys(NUMBERS) };

/** Compiles a condition, or says what is wrong with it (naming the allowed words). */
export function compileCondition(
  text: string,
): { ok: true; test: Condition } | { ok: false; message: string } {
  const clauses: Condition[] = [];
  for (const raw of text.trim().split(/\s+and\s+/)) {
    const clause = raw.trim();
    const comparison = /^([A-Za-z]+)\s*(>=|<=|==|!=|>|<)\s*(-?\d+)$/.exec(clause);
    if (comparison) {
      const [, name = '', op = '', value = ''] = comparison;
      const read = NUMBERS[name];
      const compare = COMPARE[op];
      if (!read || !compare)
        return { ok: false, message: `unknown number "${name}" (use ${CONDITION_NAMES.numbers.join(', ')})` };
      const limit = Number(value);
      clauses.push((ctx) => compare(read(ctx), limit));
      continue;
    }
    const flag = /^(not\s+)?([A-Za-z]+)$/.exec(clause);
    const test = flag ? FLAGS[flag[2] ?? ''] : undefined;
    if (!flag || !test) {
      return {
        ok: false,
        message: `"${clause}" is not a condition: use a flag (${CONDITION_NAMES.flags.join(', ')}), "not <flag>", or "<${CONDITION_NAMES.numbers.join('|')}> <op> <number>", joined by "and"`,
      };
    }
    clauses.push(flag[1] ? (ctx) => !test(ctx) : test);
  }
  return { ok: true, test: (ctx) => clauses.every((clause) => clause(ctx)) };
}
