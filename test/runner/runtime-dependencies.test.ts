import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The synced workflows install the runner with `npm ci --omit=dev` (templates/claude-*.yml), so
 * everything the runner loads at run time must be a production dependency: every package its
 * modules import (type-only imports are erased by Node's type stripping and do not count), and
 * Claude Code itself, which the workflows start from `node_modules/.bin/claude`.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRY = path.join(ROOT, 'src/runner/cli.ts');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Specifiers of the value imports (`import … from`, `export … from`, `import()`) in `source`. */
function valueImports(source: string): string[] {
  const found: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(statement)) if (!match[2]) found.push(match[3] ?? '');
  for (const match of source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(match[1] ?? '');
  return found;
}

/** The packages the runner's module graph imports, from its CLI entry. */
function runnerPackages(): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const queue = [ENTRY];
  while (queue.length > 0) {
    const file = queue.pop() ?? '';
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of valueImports(fs.readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) queue.push(path.resolve(path.dirname(file), specifier));
      else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) {
        const parts = specifier.split('/');
        packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? ''));
      }
    }
  }
  return packages;
}

describe('the runner’s run-time dependencies', () => {
  it('are all production dependencies, Claude Code included', () => {
    const packages = runnerPackages();
    expect(packages.size).toBeGreaterThan(2);
    const missing = [...packages, '@anthropic-ai/claude-code'].filter(
      (name) => !(name in manifest.dependencies),
    );
    expect(missing, 'imported or started by the runner but not in "dependencies"').toEqual([]);
  });

  it('are what the workflows install: production dependencies only', () => {
    for (const name of ['claude-implement.yml', 'claude-plan.yml']) {
      const text = fs.readFileSync(path.join(ROOT, 'templates', name), 'utf8');
      expect(text, name).toMatch(/npm ci --omit=dev\b/);
    }
  });
});
