import { ENV_HELP, type EnvName } from './env-variables.ts';

/**
 * Start-up stops on this: `problems` holds one line per mistake, each naming the variable and
 * saying where to get its value; the message lists them all, one per line, so an operator fixes
 * everything in one go instead of one restart per variable. Never holds a secret's value.
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      `Invalid configuration (${count}; every variable is described in .env.example):\n` +
        problems.map((line) => `- ${line}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** "NAME <message>: <where to get it>", e.g. "GITHUB_APP_ID is required: the numeric App ID …". */
export function describeProblem(name: EnvName, message: string): string {
  return `${name} ${message}: ${ENV_HELP[name]}`;
}
