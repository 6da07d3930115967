import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The part of a target repository's `.ai-implement/config.yml` the orchestrator reads:
 * `reviewProviders`, the review bots to wait for before a follow-up pass, so their findings and a
 * person's review are folded into one run (seed 003 step 9). Each entry is a bot login, or an
 * object naming it with its own wait:
 *
 *   reviewProviders:
 *     - claude[bot]
 *     - login: coderabbitai[bot]
 *       timeoutMinutes: 20
 *
 * `name` is accepted for `login`. The runner reads the same file for its own settings; keys the
 * orchestrator does not know are left to it.
 */

/** How long to wait for a review provider when the file does not say: bots usually post within minutes. */
export const DEFAULT_REVIEW_WAIT_MINUTES = 10;

/** Longer than two hours, a missing bot has failed; the loop should not hang on it. */
const MAX_REVIEW_WAIT_MINUTES = 120;

const login = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .regex(/^[A-Za-z0-9-]+(\[bot\])?$/, 'must be a GitHub login such as claude[bot]');

const ProviderSchema = z.union([
  login,
  z
    .object({
      login: login.optional(),
      name: login.optional(),
      timeoutMinutes: z
        .number()
        .int('must be a whole number of minutes')
        .min(1, 'must be at least 1')
        .max(MAX_REVIEW_WAIT_MINUTES, `must be at most ${MAX_REVIEW_WAIT_MINUTES}`)
        .optional(),
    })
    .refine((value) => value.login !== undefined || value.name !== undefined, {
      message: 'needs a login, e.g. { login: claude[bot] }',
    }),
]);

const RepoConfigSchema = z.looseObject({
  reviewProviders: z.union([z.array(ProviderSchema), z.literal(false), z.null()]).optional(),
});

export interface ReviewProvider {
  /** Bot login as it appears on reviews and comments, e.g. `claude[bot]`. */
  login: string;
  timeoutMinutes: number;
}

export interface RepoConfig {
  reviewProviders: ReviewProvider[];
  /** Problems in the file, worded for the operator; a broken `reviewProviders` reads as none. */
  problems: string[];
}

/**
 * Parses the file's text (YAML). Never throws: a file that does not parse, or a
 * `reviewProviders` that does not validate, yields no providers and a problem naming the field,
 * so a typo in a target repository cannot stop the loop — it only stops the waiting.
 */
export function parseRepoConfig(text: string | undefined): RepoConfig {
  if (text === undefined || text.trim() === '') return { reviewProviders: [], problems: [] };
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { reviewProviders: [], problems: [`not valid YAML: ${message}`] };
  }
  const parsed = RepoConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(file)'}: ${issue.message}`,
    );
    return { reviewProviders: [], problems };
  }
  const providers = parsed.data.reviewProviders || [];
  return {
    reviewProviders: providers.map((provider) =>
      typeof provider === 'string'
        ? { login: provider, timeoutMinutes: DEFAULT_REVIEW_WAIT_MINUTES }
        : {
            login: (provider.login ?? provider.name) as string,
            timeoutMinutes: provider.timeoutMinutes ?? DEFAULT_REVIEW_WAIT_MINUTES,
          },
    ),
    problems: [],
  };
}

/** A provider's login matches an author with or without the `[bot]` suffix, case-insensitively. */
export function isProviderLogin(provider: ReviewProvider, author: string): boolean {
  const bare = (login: string) => login.toLowerCase().replace(/\[bot\]$/, '');
  return bare(provider.login) === bare(author);
}
