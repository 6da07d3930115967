import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/** What `.env` contributed, and what to tell the operator about it. */
export interface DotEnvFile {
  /** Absolute or cwd-relative path that was tried. */
  path: string;
  found: boolean;
  values: Record<string, string>;
  /** Problems with the file (unreadable, lines that are not KEY=value); log them at warn level. */
  warnings: string[];
}

/**
 * Reads `.env` from `cwd` for local development (CONTRACTS.md §1), parsed by Node's own
 * `util.parseEnv` (https://nodejs.org/api/util.html#utilparseenvcontent) — the same syntax as
 * `node --env-file`: `KEY=value`, `export KEY=value`, `#` comments, quoted and multi-line values.
 * A missing file is normal; an unreadable or malformed one never stops start-up, it yields
 * warnings naming the line numbers (never the content: lines may hold secrets).
 */
export function readDotEnv(cwd: string): DotEnvFile {
  const path = join(cwd, '.env');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    const warnings = code === 'ENOENT' ? [] : [`${path} could not be read (${code}) and was ignored`];
    return { path, found: false, values: {}, warnings };
  }
  const values: Record<string, string> = {};
  try {
    for (const [key, value] of Object.entries(parseEnv(text))) {
      if (value !== undefined) values[key] = value;
    }
  } catch {
    return { path, found: true, values, warnings: [`${path} could not be parsed and was ignored`] };
  }
  const warnings = ignoredLines(text).map(
    (line) => `${path} line ${line} is not KEY=value and was ignored (e.g. "KEY: value" or a missing "=")`,
  );
  return { path, found: true, values, warnings };
}

/**
 * The environment `loadConfig` reads: `.env` values overlaid by the real environment, so a
 * variable set in the process wins — even when set to an empty string, as with `node --env-file`.
 */
export function mergeEnv(
  fileEnv: Record<string, string>,
  processEnv: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...fileEnv };
  for (const [key, value] of Object.entries(processEnv)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/**
 * 1-based numbers of lines `parseEnv` silently skips. Lines inside a quoted multi-line value (a
 * PEM pasted as is, say) are part of that value, not mistakes.
 */
function ignoredLines(text: string): number[] {
  const ignored: number[] = [];
  let openQuote: string | undefined;
  text.split(/\r?\n/).forEach((line, index) => {
    if (openQuote !== undefined) {
      if (line.includes(openQuote)) openQuote = undefined;
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = /^(?:export\s+)?[\w.-]+\s*=\s*(.*)$/.exec(trimmed);
    if (match === null) {
      ignored.push(index + 1);
      return;
    }
    const value = match[1] ?? '';
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && !value.slice(1).includes(quote))
      openQuote = quote;
  });
  return ignored;
}
