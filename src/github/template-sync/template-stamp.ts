import { createHash } from 'node:crypto';

/**
 * The version stamp every synced file carries near its top, as a YAML comment (workflow files,
 * `.ai-implement/config.yml`, and the front matter of `WORKFLOW.md` / `PLANNING.md`):
 *
 *   # ai-implement-template: claude-implement.yml@3 sha256:0123456789abcdef
 *
 * `name@version` says which template and which of its versions the file came from; the hash is
 * of the rendered file (with the stamp line itself reduced to `name@version`), so a file edited
 * after the sync no longer matches its own stamp, and a file rendered for another configuration
 * no longer matches the current render.
 */

export interface TemplateStamp {
  /** The template's name: its path under `templates/`, e.g. `claude-implement.yml`. */
  name: string;
  /** Whole number ≥ 1, raised whenever the template's text changes. */
  version: number;
  /** 16 hex digits; absent in the source templates, present in every rendered file. */
  hash: string | undefined;
}

/** Only the first lines are searched: the stamp sits at the top (after `---` in Markdown). */
const STAMP_SEARCH_LINES = 5;
const STAMP_LINE = /^#\s*ai-implement-template:\s*([A-Za-z0-9_./-]+)@(\d+)(?:\s+sha256:([0-9a-f]{16}))?\s*$/;
/** 64 bits of SHA-256: plenty to notice an edit, short enough to read in a diff. */
const HASH_HEX_DIGITS = 16;

function lines(content: string): string[] {
  return content.replace(/\r\n/g, '\n').split('\n');
}

function stampLineIndex(all: string[]): number {
  return all.slice(0, STAMP_SEARCH_LINES).findIndex((line) => STAMP_LINE.test(line));
}

/** The stamp of a file's text, or undefined when it has none (not created by AI-Implement). */
export function readStamp(content: string): TemplateStamp | undefined {
  const all = lines(content);
  const index = stampLineIndex(all);
  const match = index >= 0 ? STAMP_LINE.exec(all[index] ?? '') : null;
  if (!match) return undefined;
  return { name: match[1] ?? '', version: Number(match[2]), hash: match[3] };
}

/**
 * The content hash of a file's text: SHA-256 over the text with CRLF turned into LF and the
 * stamp line written without its hash, first 16 hex digits. Undefined when the text has no stamp.
 */
export function contentHash(content: string): string | undefined {
  const all = lines(content);
  const index = stampLineIndex(all);
  const stamp = readStamp(content);
  if (index < 0 || !stamp) return undefined;
  all[index] = `# ai-implement-template: ${stamp.name}@${stamp.version}`;
  return createHash('sha256').update(all.join('\n')).digest('hex').slice(0, HASH_HEX_DIGITS);
}

/** The text with its stamp line completed by its own content hash. Throws when it has no stamp. */
export function stampWithHash(content: string): { content: string; hash: string } {
  const stamp = readStamp(content);
  const hash = contentHash(content);
  if (!stamp || !hash) throw new Error('the template has no "# ai-implement-template: name@version" line');
  const all = lines(content);
  all[stampLineIndex(all)] = `# ai-implement-template: ${stamp.name}@${stamp.version} sha256:${hash}`;
  return { content: all.join('\n'), hash };
}
