import fs from 'node:fs';
import path from 'node:path';

/**
 * What the Claude Code stand-in does, as a JSON script (`CLAUDE_STAND_IN_SCRIPT=<file>`): the
 * first rule whose `when` (a regular expression, case-insensitive) matches the prompt and whose
 * `times` are not used up decides the pass. Rule use is counted across processes (parallel
 * passes) with atomic `mkdir`s next to the script. Without a script, `DEFAULT_SCRIPT` makes a
 * plausible small change, approves its review and reports a gap analysis — enough for a demo.
 */
export interface StandInScript {
  rules: StandInRule[];
  /** Each invocation appends one JSON line here: args, model, prompt, start and end times. */
  callLog?: string;
}

export interface StandInRule {
  when?: string;
  /** How many passes this rule answers; unlimited when absent. */
  times?: number;
  actions?: StandInAction[];
  /** The final answer text. `{{title}}` is replaced by the prompt's first heading. */
  result?: string;
  /** `success` (default), `error_max_turns`, `error_during_execution`. */
  subtype?: string;
  /** Dollars the pass costs; above `--max-budget-usd` it ends with `error_max_budget_usd`. */
  costUsd?: number;
  inputTokens?: number;
  /** Of the input, tokens read from the prompt cache. */
  cacheReadTokens?: number;
  outputTokens?: number;
  /** Conversation turns the pass reports; more than `--max-turns` ends in `error_max_turns`. */
  turns?: number;
  /** Exit without any result message, with this code (a crash). */
  crash?: number;
}

export type StandInAction =
  | { write: { path: string; content: string } }
  | { append: { path: string; content: string } }
  | { run: string }
  | { sleepMs: number }
  /** Writes the process environment as JSON to this path (secret-stripping tests). */
  | { dumpEnv: string }
  /**
   * Writes the environment the parent process (the runner) was started with, as
   * /proc/<ppid>/environ shows it to a process of the same user, as JSON to this path; when the
   * runner is another user, `{ "error": "EACCES" }`.
   */
  | { dumpParentEnv: string };

export const DEFAULT_SCRIPT: StandInScript = {
  rules: [
    {
      when: 'Answer with a plan in Markdown',
      result:
        '## Architecture Analysis\n\nA small change in one new file.\n\n## Test Plan\n\nRun the existing tests.',
      turns: 3,
      costUsd: 0.02,
    },
    { when: 'VERDICT: APPROVE', result: 'Looks right.\n\nVERDICT: APPROVE', turns: 2, costUsd: 0.01 },
    {
      when: '## Gaps / Partial Implementation',
      result:
        '## Implemented\n\n- The change the ticket asks for.\n\n## Gaps / Partial Implementation\n\nNone\n\n## Manual Steps Required\n\nNone',
      turns: 1,
      costUsd: 0.003,
    },
    {
      actions: [{ append: { path: 'AI_IMPLEMENT_CHANGES.md', content: '- {{title}}\n' } }],
      result: 'Recorded the change in AI_IMPLEMENT_CHANGES.md.',
      turns: 4,
      costUsd: 0.05,
    },
  ],
};

export function loadScript(file: string | undefined): StandInScript {
  if (!file) return DEFAULT_SCRIPT;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as StandInScript;
}

/** Claims the next use of the first matching rule; undefined when none matches. */
export function claimRule(
  script: StandInScript,
  file: string | undefined,
  prompt: string,
): StandInRule | undefined {
  for (const [index, rule] of script.rules.entries()) {
    if (rule.when && !new RegExp(rule.when, 'i').test(prompt)) continue;
    if (rule.times === undefined || !file) return rule;
    for (let use = 1; use <= rule.times; use += 1) {
      try {
        fs.mkdirSync(path.join(`${file}.uses`, `rule-${index}-use-${use}`), { recursive: false });
        return rule;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          fs.mkdirSync(`${file}.uses`, { recursive: true });
          use -= 1;
          continue;
        }
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  }
  return undefined;
}
