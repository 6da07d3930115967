import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/project-root.ts';
import { BUILT_IN_PROVIDERS, type ProviderAdapter } from '../runner/agent/providers.ts';
import { BUILT_IN_STEPS } from '../runner/steps/built-in-steps.ts';
import type { StepModule } from '../runner/steps/step-module.ts';
import { loadCustomProviders, loadCustomSteps } from './custom-modules.ts';
import { parsePipeline, type Pipeline, type Problem } from './load-pipeline.ts';

/**
 * Everything a run can be made of, resolved by one rule (docs/decisions/pipelines.md): a file
 * under `custom/` beats the built-in of the same path-derived name — `custom/pipelines/<name>.yml`
 * over `src/pipeline/<name>.yml`, `custom/steps/<id>.ts` over `src/runner/steps/<id>.ts`,
 * `custom/providers/<id>.ts` over the built-in provider `<id>` — and a new name is added.
 * The orchestrator loads it at start-up (a problem stops it, naming file and line) and for the
 * Pipelines & steps / Customizations panels; the runner loads it before the first step.
 */

export type Source = 'built-in' | 'override' | 'additive';

export interface PipelineEntry {
  name: string;
  source: Source;
  /** The file that is used, as shown (`src/pipeline/x.yml` or `custom/pipelines/x.yml`). */
  path: string;
  /** Undefined when the file has problems (they are in `Catalog.problems`). */
  pipeline: Pipeline | undefined;
}

export interface ModuleEntry<T> {
  id: string;
  builtInPath: string | null;
  customPath: string | null;
  status: Source;
  value: T;
}

export interface Catalog {
  /** The custom directory read (absolute). */
  customDir: string;
  pipelines: PipelineEntry[];
  steps: ModuleEntry<StepModule>[];
  providers: ModuleEntry<ProviderAdapter>[];
  problems: Problem[];
}

/** Where the built-in pipelines are. */
export const BUILT_IN_PIPELINE_DIR = path.join(PROJECT_ROOT, 'src', 'pipeline');

/**
 * The custom directory: `AI_IMPLEMENT_CUSTOM_DIR` (relative to the project root when relative),
 * else `<project root>/custom` — the same in the orchestrator and in every runner, since each
 * runs from a copy of this repository (docs/decisions/pipelines.md "Where custom/ is").
 */
export function customDirOf(env: Record<string, string | undefined>): string {
  const set = env.AI_IMPLEMENT_CUSTOM_DIR?.trim();
  return set ? path.resolve(PROJECT_ROOT, set) : path.join(PROJECT_ROOT, 'custom');
}

/** Reads the built-ins and `customDir`. Never throws for a bad file: that is a problem. */
export async function loadCatalog(customDir: string): Promise<Catalog> {
  const problems: Problem[] = [];
  const steps = merge(
    BUILT_IN_STEPS.map((module) => ({ id: module.id, value: module, path: builtInStepPath(module.id) })),
    (await loadCustomSteps(path.join(customDir, 'steps'), 'custom/steps', problems)).map((loaded) => ({
      id: loaded.module.id,
      value: loaded.module,
      path: loaded.path,
    })),
  );
  const providers = merge(
    BUILT_IN_PROVIDERS.map((adapter) => ({
      id: adapter.id,
      value: adapter,
      path: 'src/runner/agent/providers.ts',
    })),
    (await loadCustomProviders(path.join(customDir, 'providers'), 'custom/providers', problems)).map(
      (loaded) => ({ id: loaded.adapter.id, value: loaded.adapter, path: loaded.path }),
    ),
  );
  const byId = new Map(steps.map((entry) => [entry.id, entry.value]));
  const known = () => [...byId.keys()].sort();
  const files = merge(
    ymlFiles(BUILT_IN_PIPELINE_DIR).map((name) => ({
      id: name,
      value: path.join(BUILT_IN_PIPELINE_DIR, `${name}.yml`),
      path: `src/pipeline/${name}.yml`,
    })),
    ymlFiles(path.join(customDir, 'pipelines')).map((name) => ({
      id: name,
      value: path.join(customDir, 'pipelines', `${name}.yml`),
      path: `custom/pipelines/${name}.yml`,
    })),
  );
  const pipelines: PipelineEntry[] = files.map((entry) => {
    const shown = entry.customPath ?? entry.builtInPath ?? '';
    const parsed = parsePipeline(fs.readFileSync(entry.value, 'utf8'), {
      name: entry.id,
      file: shown,
      modules: (id) => byId.get(id),
      knownIds: known,
    });
    problems.push(...parsed.problems);
    return { name: entry.id, source: entry.status, path: shown, pipeline: parsed.pipeline };
  });
  return { customDir, pipelines, steps, providers, problems };
}

/** The shown path of a built-in step module. */
export function builtInStepPath(id: string): string {
  return `src/runner/steps/${id}.ts`;
}

/** Names of the `*.yml` files directly in `dir`, sorted. */
function ymlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.yml'))
    .map((name) => name.slice(0, -'.yml'.length))
    .sort();
}

/** Built-ins and customs by id: a custom one replaces the built-in (override) or adds (additive). */
function merge<T>(
  builtIns: { id: string; value: T; path: string }[],
  customs: { id: string; value: T; path: string }[],
): ModuleEntry<T>[] {
  const entries = new Map<string, ModuleEntry<T>>();
  for (const item of builtIns) {
    entries.set(item.id, {
      id: item.id,
      builtInPath: item.path,
      customPath: null,
      status: 'built-in',
      value: item.value,
    });
  }
  for (const item of customs) {
    const builtIn = entries.get(item.id);
    entries.set(item.id, {
      id: item.id,
      builtInPath: builtIn?.builtInPath ?? null,
      customPath: item.path,
      status: builtIn ? 'override' : 'additive',
      value: item.value,
    });
  }
  return [...entries.values()];
}
