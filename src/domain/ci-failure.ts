/**
 * What a `ci-fix` run is told about the failure (issue 17): the payload member `ciFailure`
 * (CONTRACTS.md §3 payload, optional; docs/decisions/ci-fix.md). Each failed check's name,
 * conclusion, link, annotations and the tail of its job log, trimmed to fit the payload limit.
 */
export interface CiFailure {
  /** The head commit whose checks failed. */
  headSha: string;
  checks: CiFailedCheck[];
}

export interface CiFailedCheck {
  name: string;
  conclusion: string;
  url?: string;
  /** `path:line: message`, at most MAX_ANNOTATIONS per check. */
  annotations: string[];
  /** The end of the job's log (where the error usually is), trimmed with a marker. */
  logTail?: string;
}

/**
 * Characters of the payload the failure may take: the payload is at most 60 000 characters
 * (CONTRACTS.md §3); the ticket, tokens and the rest rarely need more than half of it.
 */
export const MAX_CI_FAILURE_CHARS = 24_000;

/** Annotations kept per check: the first ones name the error; the rest repeat it. */
export const MAX_ANNOTATIONS = 20;

/** The marker that starts a trimmed log, saying how much was left out. */
export function trimMarker(omitted: number): string {
  return `[… ${omitted} earlier characters of the log cut by AI-Implement]\n`;
}

/**
 * Fits `failure` into `limit` characters of JSON: log tails are cut from the front (the error is
 * at the end), sharing the room left after names and annotations evenly; then annotations go.
 */
export function fitCiFailure(failure: CiFailure, limit = MAX_CI_FAILURE_CHARS): CiFailure {
  const size = (value: CiFailure) => JSON.stringify(value).length;
  if (size(failure) <= limit) return failure;
  const withoutLogs: CiFailure = {
    ...failure,
    checks: failure.checks.map(({ logTail: _logTail, ...check }) => check),
  };
  const logged = failure.checks.filter((check) => check.logTail).length;
  // JSON escaping may make a character cost more than one: keep a margin and check again.
  let share = Math.floor((limit - size(withoutLogs) - 200 * logged) / Math.max(1, logged));
  for (let round = 0; round < 4 && share > 200; round += 1) {
    const trimmed: CiFailure = {
      ...failure,
      checks: failure.checks.map((check) =>
        check.logTail ? { ...check, logTail: tail(check.logTail, share) } : check,
      ),
    };
    if (size(trimmed) <= limit) return trimmed;
    share = Math.floor(share / 2);
  }
  const fewer: CiFailure = {
    ...withoutLogs,
    checks: withoutLogs.checks.map((check) => ({ ...check, annotations: check.annotations.slice(0, 3) })),
  };
  return size(fewer) <= limit
    ? fewer
    : { ...fewer, checks: fewer.checks.map((c) => ({ ...c, annotations: [] })) };
}

/** The last `keep` characters of `text`, behind a marker when anything was cut. */
export function tail(text: string, keep: number): string {
  if (text.length <= keep) return text;
  // The marker is under 80 characters for any log length a job can have.
  const kept = Math.max(0, keep - 80);
  return trimMarker(text.length - kept) + text.slice(text.length - kept);
}
