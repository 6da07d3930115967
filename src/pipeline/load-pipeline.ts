import { isMap, isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { StepModule } from '../runner/steps/step-module.ts';
import { compileCondition, type Condition } from './conditions.ts';
import {
  LoopEntrySchema,
  PipelineSchema,
  StepEntrySchema,
  type ExhaustedRule,
  type StepEntry,
} from './pipeline-schema.ts';

/** Something wrong with a file under src/pipeline, src/runner/steps or custom/: where and why. */
export interface Problem {
  /** Shown as it is: `src/pipeline/x.yml`, `custom/steps/y.ts`. */
  file: string;
  /** 1-based, when the problem has a place in the file. */
  line?: number;
  message: string;
}

/** "file:line: message" — how start-up and the panels print a problem. */
export function describeProblem(problem: Problem): string {
  return `${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`;
}

export interface CompiledCondition {
  text: string;
  test: Condition;
}

/** A step of a loaded pipeline: its module resolved and its options parsed by the module's schema. */
export interface PipelineStep {
  kind: 'step';
  /** What progress reports name (default the module id). */
  id: string;
  name: string;
  module: StepModule;
  options: unknown;
  when: CompiledCondition | undefined;
  continueOnFailure: boolean;
}

export interface PipelineLoop {
  kind: 'loop';
  id: string;
  name: string;
  max: number | 'maxIterations';
  until: CompiledCondition;
  when: CompiledCondition | undefined;
  steps: PipelineStep[];
  onExhausted: (Omit<ExhaustedRule, 'when'> & { when: CompiledCondition | undefined })[];
}

/** A pipeline ready to run: every module known, every option and condition checked. */
export interface Pipeline {
  name: string;
  /** Where it was read from, as shown (`src/pipeline/implementation.yml`). */
  file: string;
  description: string | undefined;
  result: 'summary' | 'pull-request';
  steps: (PipelineStep | PipelineLoop)[];
  always: PipelineStep[];
}

type Path = readonly PropertyKey[];

/**
 * Parses and checks one pipeline YAML: syntax, the schema (pipeline-schema.ts), each step's
 * module (`modules(id)`; unknown → a problem naming the known ids) and its options against the
 * module's schema, the conditions, and that step ids are unique. Every problem carries the
 * 1-based line of the node it is about (the `yaml` package's node ranges through a LineCounter).
 * Returns the pipeline only when there is no problem.
 */
export function parsePipeline(
  text: string,
  options: {
    name: string;
    file: string;
    modules: (id: string) => StepModule | undefined;
    knownIds: () => string[];
  },
): { pipeline: Pipeline | undefined; problems: Problem[] } {
  const { file } = options;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const problems: Problem[] = [];
  const at = (path: Path, message: string, key?: string): void => {
    problems.push({ file, line: lineOf(doc, lineCounter, path, key), message });
  };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      problems.push({ file, line: error.linePos?.[0].line, message: error.message.split('\n')[0] ?? '' });
    }
    return { pipeline: undefined, problems };
  }
  const check = <S extends z.ZodType>(schema: S, value: unknown, base: Path): z.output<S> | undefined => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const path = [...base, ...issue.path];
      const where = path.join('.') || '(top level)';
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) at(path, `${[...path, key].join('.')}: unknown field`, key);
      } else at(path, `${where}: ${issue.message}`);
    }
    return undefined;
  };
  const top = check(PipelineSchema, doc.toJS(), []);
  if (!top) return { pipeline: undefined, problems: problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };

  const seen = new Set<string>();
  const step = (raw: unknown, path: Path): PipelineStep | undefined => {
    const entry = check(StepEntrySchema, raw, path);
    return entry ? resolveStep(entry, path) : undefined;
  };
  const resolveStep = (entry: StepEntry, path: Path): PipelineStep | undefined => {
    const id = entry.id ?? entry.step;
    if (seen.has(id))
      at([...path, entry.id ? 'id' : 'step'], `step id "${id}" is used twice; give one an id:`);
    seen.add(id);
    const module = options.modules(entry.step);
    if (!module) {
      at([...path, 'step'], `unknown step module "${entry.step}" (known: ${options.knownIds().join(', ')})`);
      return undefined;
    }
    const parsedOptions = module.options.safeParse(entry.options);
    if (!parsedOptions.success) {
      check(module.options, entry.options, [...path, 'options']);
      return undefined;
    }
    return {
      kind: 'step',
      id,
      name: entry.name ?? id,
      module,
      options: parsedOptions.data,
      when: compiled(entry.when),
      continueOnFailure: entry.continueOnFailure,
    };
  };
  const steps: (PipelineStep | PipelineLoop)[] = [];
  top.steps.forEach((raw, index) => {
    const path = ['steps', index];
    if (!('loop' in raw)) {
      const resolved = step(raw, path);
      if (resolved) steps.push(resolved);
      return;
    }
    const loop = check(LoopEntrySchema, raw, path);
    if (!loop) return;
    if (seen.has(loop.loop)) at([...path, 'loop'], `id "${loop.loop}" is used twice`);
    seen.add(loop.loop);
    const inner = loop.steps.map((entry, i) => step(entry, [...path, 'steps', i]));
    steps.push({
      kind: 'loop',
      id: loop.loop,
      name: loop.name ?? loop.loop,
      max: loop.max,
      until: compiled(loop.until)!,
      when: compiled(loop.when),
      steps: inner.filter((s): s is PipelineStep => s !== undefined),
      onExhausted: loop.onExhausted.map((rule) => ({ ...rule, when: compiled(rule.when) })),
    });
  });
  const always = top.always
    .map((raw, index) => step(raw, ['always', index]))
    .filter((s): s is PipelineStep => s !== undefined);
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (problems.length > 0) return { pipeline: undefined, problems };
  return {
    pipeline: {
      name: options.name,
      file,
      description: top.description,
      result: top.result,
      steps,
      always,
    },
    problems,
  };
}

function compiled(text: string | undefined): CompiledCondition | undefined {
  if (text === undefined) return undefined;
  const result = compileCondition(text);
  // The schema already refused a condition that does not compile.
  return result.ok ? { text, test: result.test } : undefined;
}

/**
 * The 1-based line of the node at `path` (of `key` in that map, when given), or of the nearest
 * ancestor that exists (a missing field is reported on its parent).
 */
function lineOf(doc: Document, lineCounter: LineCounter, path: Path, key?: string): number | undefined {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (!isNode(node) || !node.range) continue;
    if (key !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((item) => isNode(item.key) && String(item.key.toJSON()) === key);
      const range = pair && isNode(pair.key) ? pair.key.range : undefined;
      if (range) return lineCounter.linePos(range[0]).line;
    }
    return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}
