import type { RenderedFile } from './render-templates.ts';
import { contentHash, readStamp } from './template-stamp.ts';

/**
 * How a repository's copy of one file compares with what Sync workflows would put there:
 * - `current`: the file is exactly the current render (same template version and content hash);
 * - `missing`: no file at that path;
 * - `stale`: an older template version, a render for another configuration, or (for workflow
 *   files) an edited copy — Sync replaces it;
 * - `customized`: a starter file (`WORKFLOW.md`, …) the repository edited or wrote itself — it
 *   belongs to the repository now and Sync leaves it alone.
 * `action` is what a sync does with it; a file stamped by a newer AI-Implement is never
 * downgraded.
 */

export type FileState = 'current' | 'stale' | 'missing' | 'customized';

export interface FileStatus {
  path: string;
  template: string;
  /** The current template version. */
  version: number;
  state: FileState;
  /** The version in the repository's copy, when it has a stamp. */
  foundVersion?: number;
  /** Why the file is not current, in words an operator can act on. */
  reason?: string;
  action: 'create' | 'update' | 'none';
}

/** Compares `actual` (the repository's text, undefined when absent) with the rendered file. */
export function judgeFile(file: RenderedFile, actual: string | undefined): FileStatus {
  const base = { path: file.path, template: file.template, version: file.version };
  if (actual === undefined) return { ...base, state: 'missing', action: 'create' };
  if (actual.replace(/\r\n/g, '\n') === file.content) return { ...base, state: 'current', action: 'none' };
  const stamp = readStamp(actual);
  const starter = file.kind === 'starter';
  if (!stamp || stamp.name !== file.template) {
    return starter
      ? {
          ...base,
          state: 'customized',
          reason: 'written in the repository (no AI-Implement template stamp); Sync leaves it alone',
          action: 'none',
        }
      : {
          ...base,
          state: 'stale',
          reason: 'not written by Sync workflows (no AI-Implement template stamp)',
          action: 'update',
        };
  }
  const found = { ...base, foundVersion: stamp.version };
  const edited = stamp.hash === undefined || contentHash(actual) !== stamp.hash;
  if (starter && edited) {
    return {
      ...found,
      state: 'customized',
      reason: 'edited in the repository; Sync leaves it alone',
      action: 'none',
    };
  }
  if (stamp.version > file.version) {
    return {
      ...found,
      state: 'stale',
      reason: `written by a newer AI-Implement (template version ${stamp.version}, this orchestrator has ${file.version}); not downgraded`,
      action: 'none',
    };
  }
  if (edited) {
    return { ...found, state: 'stale', reason: 'edited after the last sync', action: 'update' };
  }
  if (stamp.version < file.version) {
    return {
      ...found,
      state: 'stale',
      reason: `template version ${stamp.version}; version ${file.version} is available`,
      action: 'update',
    };
  }
  return {
    ...found,
    state: 'stale',
    reason: 'rendered for another configuration (provider, ticketing system or template text changed)',
    action: 'update',
  };
}
