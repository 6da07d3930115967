import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { FakeAccount, FakeRepoInfo } from './github-objects.ts';

/**
 * One repository's in-memory state: a tiny git model (commits holding whole file maps, refs
 * pointing at commits), workflows, pull requests, issue comments and labels. Enough for the
 * product's calls (dispatch, template sync via contents/refs/pulls, comments) to behave like
 * GitHub's, not a git implementation.
 */

export interface FakeCommit {
  sha: string;
  parent: string | undefined;
  message: string;
  /** path → file content (UTF-8 text). */
  files: Map<string, string>;
}

export interface FakeWorkflow {
  id: number;
  file: string;
  /** Declared `workflow_dispatch` inputs; undefined = not declared (any inputs accepted). */
  inputs: string[] | undefined;
}

export interface FakePull {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  /** Closed by a merge (set by tests: the fake has no merge endpoint). */
  merged?: boolean;
  draft: boolean;
  head: string;
  base: string;
  user: FakeAccount;
  createdAt: string;
  updatedAt: string;
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: FakeAccount;
  /** True when made with an installation token: GitHub then sets `performed_via_github_app`. */
  viaApp: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A plain issue (GitHub Issues as a tracker); pulls and issues share the number sequence. */
export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  user: FakeAccount;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Parent issue (sub-issues), in this repository. */
  parent?: number;
  /** "Blocked by" dependencies: `owner/repo#n`, lower-case owner/repo. */
  blockedBy: string[];
}

export interface FakeRepo extends FakeRepoInfo {
  issues: FakeIssue[];
  /** Repository label names (case kept; GitHub matches them case-insensitively). */
  repoLabels: string[];
  workflows: FakeWorkflow[];
  commits: Map<string, FakeCommit>;
  /** Full ref name (`refs/heads/main`) → commit sha. */
  refs: Map<string, string>;
  pulls: FakePull[];
  comments: FakeComment[];
  /** issue or pull number → label names. */
  labels: Map<number, string[]>;
  /** File content on a branch, or undefined. */
  readFile(branch: string, path: string): string | undefined;
  /** Commits `content` to `path` on `branch` (seeding or a contents PUT); returns the new commit. */
  writeFile(branch: string, path: string, content: string, message: string): FakeCommit;
  /** The commit a branch, tag, full ref or sha names; undefined when it names nothing. */
  resolve(ref: string): FakeCommit | undefined;
}

/** Git's blob id for `content`, which GitHub returns as a file's `sha`. */
export function blobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function newSha(): string {
  return randomBytes(20).toString('hex');
}

/** The stub YAML seeded for a declared workflow; its text is never interpreted. */
function workflowYaml(file: string, inputs: string[] | undefined): string {
  const declared = (inputs ?? []).map((name) => `      ${name}:\n        type: string\n`).join('');
  return `name: ${file}\n${templateRunName(file)}on:\n  workflow_dispatch:\n    inputs:\n${declared}jobs: {}\n`;
}

/**
 * The `run-name` line of the shipped template of the same file name (templates/), so runs of a
 * declared workflow are titled as the product's workflows title them (with the dispatch id).
 */
function templateRunName(file: string): string {
  const path = new URL(`../../../templates/${file}`, import.meta.url);
  if (!existsSync(path)) return '';
  const line = readFileSync(path, 'utf8')
    .split('\n')
    .find((text) => text.startsWith('run-name:'));
  return line ? `${line}\n` : '';
}

export function createFakeRepo(
  info: FakeRepoInfo,
  workflows: { id: number; file: string; inputs?: string[] }[],
): FakeRepo {
  const root: FakeCommit = { sha: newSha(), parent: undefined, message: 'Initial commit', files: new Map() };
  const repo: FakeRepo = {
    ...info,
    workflows: workflows.map((w) => ({ id: w.id, file: w.file, inputs: w.inputs })),
    commits: new Map([[root.sha, root]]),
    refs: new Map([[`refs/heads/${info.defaultBranch}`, root.sha]]),
    pulls: [],
    comments: [],
    labels: new Map(),
    issues: [],
    repoLabels: [],
    readFile(branch, path) {
      return repo.resolve(branch)?.files.get(path);
    },
    writeFile(branch, path, content, message) {
      const ref = `refs/heads/${branch}`;
      const parent = repo.commits.get(repo.refs.get(ref) ?? '');
      if (!parent) throw new Error(`branch ${branch} does not exist in ${info.owner.login}/${info.name}`);
      const commit: FakeCommit = { sha: newSha(), parent: parent.sha, message, files: new Map(parent.files) };
      commit.files.set(path, content);
      repo.commits.set(commit.sha, commit);
      repo.refs.set(ref, commit.sha);
      return commit;
    },
    resolve(ref) {
      const candidates = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
      for (const name of candidates) {
        const sha = repo.refs.get(name);
        if (sha) return repo.commits.get(sha);
      }
      return repo.commits.get(ref);
    },
  };
  for (const workflow of repo.workflows) {
    repo.writeFile(
      info.defaultBranch,
      `.github/workflows/${workflow.file}`,
      workflowYaml(workflow.file, workflow.inputs),
      'Add workflow',
    );
  }
  return repo;
}

/**
 * The `workflow_dispatch` inputs a workflow file declares, as GitHub reads them; undefined when
 * the text is not a workflow with that trigger (then any inputs are accepted, as before).
 */
function declaredInputs(text: string): string[] | undefined {
  try {
    const on = (parseYaml(text) as { on?: unknown } | null)?.on;
    const dispatch =
      on && typeof on === 'object' ? (on as Record<string, unknown>).workflow_dispatch : undefined;
    const inputs =
      dispatch && typeof dispatch === 'object' ? (dispatch as { inputs?: unknown }).inputs : undefined;
    return inputs && typeof inputs === 'object'
      ? Object.keys(inputs)
      : dispatch === undefined
        ? undefined
        : [];
  } catch {
    return undefined;
  }
}

/**
 * The workflow `workflowId` (file name or numeric id) names, as GitHub finds it: declared, or a
 * file under `.github/workflows/` on the default branch (for example after a template-sync merge).
 */
export function findWorkflow(repo: FakeRepo, workflowId: string): FakeWorkflow | undefined {
  const declared = repo.workflows.find((w) => w.file === workflowId || String(w.id) === workflowId);
  if (declared) return declared;
  if (!/\.ya?ml$/.test(workflowId)) return undefined;
  const text = repo.readFile(repo.defaultBranch, `.github/workflows/${workflowId}`);
  if (text === undefined) return undefined;
  const found: FakeWorkflow = {
    id: repo.id * 1000 + repo.workflows.length + 1,
    file: workflowId,
    inputs: declaredInputs(text),
  };
  repo.workflows.push(found);
  return found;
}
