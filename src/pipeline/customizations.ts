import fs from 'node:fs';
import path from 'node:path';
import type { FieldError } from '../http/validation.ts';
import type { Mapping } from '../domain/mapping.ts';
import type { Catalog } from './catalog.ts';

/**
 * The views of the catalog that `GET /api/pipelines-steps` and `GET /api/customizations` answer
 * (CONTRACTS.md §10) and the two panels show, and the mapping check of `pipelines`.
 */

export interface PipelinesStepsView {
  pipelines: {
    name: string;
    source: 'built-in' | 'override' | 'additive';
    path: string;
    steps: { id: string; name: string }[];
  }[];
  steps: {
    id: string;
    builtInPath: string | null;
    customPath: string | null;
    status: 'built-in' | 'override' | 'additive';
  }[];
}

/** Pipelines with their steps in run order (a loop's steps in place, then the `always` steps). */
export function pipelinesStepsView(catalog: Catalog): PipelinesStepsView {
  return {
    pipelines: catalog.pipelines.map((entry) => ({
      name: entry.name,
      source: entry.source,
      path: entry.path,
      steps: entry.pipeline
        ? [
            ...entry.pipeline.steps.flatMap((step) => (step.kind === 'loop' ? step.steps : [step])),
            ...entry.pipeline.always,
          ].map((step) => ({ id: step.id, name: step.name }))
        : [],
    })),
    steps: catalog.steps.map(({ id, builtInPath, customPath, status }) => ({
      id,
      builtInPath,
      customPath,
      status,
    })),
  };
}

export interface CustomFile {
  /** `custom/…`, with `/` separators. */
  path: string;
  category: 'pipeline' | 'step' | 'provider' | 'other';
  status: 'override' | 'additive' | 'other';
  /** The built-in path this file replaces, or null. */
  shadows: string | null;
  sizeBytes: number;
  modifiedAt: string;
}

/** Files that document the mechanism or keep a folder in git: listed as `other`. */
const DOCUMENTATION = new Set(['README.md', '.gitkeep']);

/**
 * Every file under the custom directory (recursively, sorted by path) with its category — by
 * folder: `pipelines/*.yml`, `steps/*.ts`, `providers/*.ts`; anything else is `other` — and
 * whether it overrides a built-in (and which) or adds one.
 */
export function customFiles(catalog: Catalog): CustomFile[] {
  const root = catalog.customDir;
  const files: CustomFile[] = [];
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full);
        continue;
      }
      if (!entry.isFile()) continue;
      const relative = `custom/${path.relative(root, full).split(path.sep).join('/')}`;
      const stat = fs.statSync(full);
      files.push({
        path: relative,
        ...classify(catalog, relative, entry.name),
        sizeBytes: stat.size,
        modifiedAt: stat.mtime.toISOString(),
      });
    }
  };
  walk(root);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

function classify(
  catalog: Catalog,
  shown: string,
  name: string,
): Pick<CustomFile, 'category' | 'status' | 'shadows'> {
  const other = { category: 'other', status: 'other', shadows: null } as const;
  if (DOCUMENTATION.has(name)) return other;
  const lists = [
    [
      'pipeline',
      catalog.pipelines.map((p) => ({
        custom: p.source === 'built-in' ? null : p.path,
        builtIn: p.source === 'override' ? `src/pipeline/${p.name}.yml` : null,
      })),
    ],
    ['step', catalog.steps.map((s) => ({ custom: s.customPath, builtIn: s.builtInPath }))],
    ['provider', catalog.providers.map((p) => ({ custom: p.customPath, builtIn: p.builtInPath }))],
  ] as const;
  for (const [category, entries] of lists) {
    const match = entries.find((entry) => entry.custom === shown);
    if (match) return { category, status: match.builtIn ? 'override' : 'additive', shadows: match.builtIn };
  }
  // A file in a known folder that did not load (it has a problem) still has its category.
  const folder = shown.split('/')[1];
  const category =
    folder === 'pipelines'
      ? 'pipeline'
      : folder === 'steps'
        ? 'step'
        : folder === 'providers'
          ? 'provider'
          : undefined;
  return category ? { category, status: 'additive', shadows: null } : other;
}

/**
 * A mapping's `pipelines` must name pipelines that exist (built-in or under custom/): one
 * error per unknown name, on the field `pipelines.<phase>`. `catalog` is called only when the
 * mapping names a pipeline: loading it reads and parses every pipeline YAML (~4 MB of
 * short-lived objects), which 500 mappings saved in a row turned into ~2 GB of garbage and the
 * process's peak RSS (bench/README.md, "Re-measured 2026-12-06 (first-tick memory)").
 */
export async function pipelineMappingProblems(
  mapping: Mapping,
  catalog: () => Promise<Catalog>,
): Promise<FieldError[]> {
  const named = Object.entries(mapping.pipelines ?? {}).filter((entry): entry is [string, string] =>
    Boolean(entry[1]),
  );
  if (named.length === 0) return [];
  const known = (await catalog()).pipelines.map((entry) => entry.name);
  return named.flatMap(([phase, name]) =>
    !known.includes(name)
      ? [
          {
            field: `pipelines.${phase}`,
            message: `no pipeline named "${name}" (known: ${known.join(', ')}); add custom/pipelines/${name}.yml or pick one of these`,
          },
        ]
      : [],
  );
}
