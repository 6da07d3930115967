import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import type { ProviderAdapter } from '../runner/agent/providers.ts';
import { NO_OPTIONS, STEP_ID_PATTERN, type StepModule } from '../runner/steps/step-module.ts';
import type { Problem } from './load-pipeline.ts';

/**
 * Loads the TypeScript modules of `custom/steps/` and `custom/providers/` with a dynamic import
 * (Node strips the types, as for the rest of the code). The file name is the id: a default
 * export whose `id` differs is refused (an ambiguous collision), as is one that fails to load or
 * lacks `run` / `environment`. Every refusal is a problem naming the file, reported at start-up.
 */

/** `*.ts` files directly in `dir` (sorted), none when it does not exist. */
export function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .sort();
}

async function importDefault(file: string, shown: string, problems: Problem[]): Promise<unknown> {
  try {
    const loaded = (await import(pathToFileURL(file).href)) as { default?: unknown };
    if (loaded.default === undefined) {
      problems.push({ file: shown, message: 'has no default export (export default { id, … })' });
    }
    return loaded.default;
  } catch (error) {
    problems.push({
      file: shown,
      message: `failed to load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    });
    return undefined;
  }
}

function idOf(name: string, exported: unknown, shown: string, problems: Problem[]): string | undefined {
  const id = name.replace(/\.ts$/, '');
  if (!STEP_ID_PATTERN.test(id)) {
    problems.push({ file: shown, message: `"${id}" is not an id: use lower-case words joined by -` });
    return undefined;
  }
  const declared = (exported as { id?: unknown }).id;
  if (declared !== undefined && declared !== id) {
    problems.push({
      file: shown,
      message: `exports id "${String(declared)}" but the file name says "${id}"; the file name is the id`,
    });
    return undefined;
  }
  return id;
}

/**
 * The default exports of `dir`'s `.ts` files that load and name their id as their file does, with
 * their shown path; every other file is a problem (named) and left out.
 */
async function customExports(
  dir: string,
  shownDir: string,
  problems: Problem[],
): Promise<{ id: string; shown: string; exported: object }[]> {
  const found: { id: string; shown: string; exported: object }[] = [];
  for (const name of tsFiles(dir)) {
    const shown = `${shownDir}/${name}`;
    const exported = await importDefault(path.join(dir, name), shown, problems);
    if (!exported || typeof exported !== 'object') continue;
    const id = idOf(name, exported, shown, problems);
    if (id) found.push({ id, shown, exported });
  }
  return found;
}

/** The step modules of `dir` (custom/steps), with their shown path. */
export async function loadCustomSteps(
  dir: string,
  shownDir: string,
  problems: Problem[],
): Promise<{ module: StepModule; path: string }[]> {
  const loaded: { module: StepModule; path: string }[] = [];
  for (const { id, shown, exported } of await customExports(dir, shownDir, problems)) {
    const candidate = exported as Partial<StepModule> & { options?: unknown };
    if (typeof candidate.run !== 'function') {
      problems.push({ file: shown, message: 'the default export needs run(ctx, options)' });
      continue;
    }
    const options = candidate.options ?? NO_OPTIONS;
    if (typeof (options as { safeParse?: unknown }).safeParse !== 'function') {
      problems.push({ file: shown, message: 'options must be a zod schema (or left out)' });
      continue;
    }
    loaded.push({
      path: shown,
      module: {
        id,
        description: typeof candidate.description === 'string' ? candidate.description : shown,
        options: options as z.ZodType,
        run: candidate.run.bind(candidate),
      },
    });
  }
  return loaded;
}

/** The provider adapters of `dir` (custom/providers), with their shown path. */
export async function loadCustomProviders(
  dir: string,
  shownDir: string,
  problems: Problem[],
): Promise<{ adapter: ProviderAdapter; path: string }[]> {
  const loaded: { adapter: ProviderAdapter; path: string }[] = [];
  for (const { id, shown, exported } of await customExports(dir, shownDir, problems)) {
    const candidate = exported as Partial<ProviderAdapter>;
    if (typeof candidate.environment !== 'function') {
      problems.push({
        file: shown,
        message: 'the default export needs environment({ provider, env, base })',
      });
      continue;
    }
    loaded.push({
      path: shown,
      adapter: {
        id,
        description: typeof candidate.description === 'string' ? candidate.description : shown,
        environment: candidate.environment.bind(candidate),
      },
    });
  }
  return loaded;
}
