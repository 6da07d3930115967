// The orchestrator as one bundle (plain JavaScript, no type stripping at start-up), built with
// rolldown into dist/<hash of the sources>/ — a fresh clone or an edited src/ gets a new bundle
// on the next start, an unchanged one starts at once. Why (docs/decisions/tick-at-scale.md,
// "Memory"): Node's type stripping and ~300 module records cost ~30 MB of a 160 MB idle process.
// Plain .mjs on purpose: importing a .ts file would load the type stripper this avoids.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { INLINED_PACKAGES } from '../rolldown.config.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const DIST = path.join(ROOT, 'dist');
const KEEP_OLD_BUNDLES_MS = 24 * 3600_000;

/**
 * sha256 over every file under src/ (path and content, sorted), this script, the bundle's config
 * and the package.json of each package the config joins into the bundle (INLINED_PACKAGES).
 */
function sourceHash() {
  const hash = createHash('sha256');
  const files = fs
    .readdirSync(path.join(ROOT, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  const config = path.join(ROOT, 'rolldown.config.mjs');
  const inlined = INLINED_PACKAGES.map((name) => require.resolve(`${name}/package.json`));
  for (const file of [...files, import.meta.filename, config, ...inlined]) {
    hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The path of the bundle's entry for the current sources, building it when missing; null when
 * it cannot be built here (rolldown is a dev dependency: an install without them runs from
 * src/). Concurrent starts may build at once: each builds into its own directory and renames it
 * into place; the first rename wins, the others are dropped.
 */
export function bundledEntry() {
  const out = path.join(DIST, sourceHash());
  const entry = path.join(out, 'main.mjs');
  if (fs.existsSync(entry)) return entry;
  let cli;
  try {
    cli = path.join(path.dirname(require.resolve('rolldown/package.json')), 'bin/cli.mjs');
  } catch {
    return null;
  }
  const temporary = `${out}.tmp-${process.pid}`;
  const built = spawnSync(
    process.execPath,
    [cli, '-c', path.join(ROOT, 'rolldown.config.mjs'), '--dir', temporary],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (built.status !== 0) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw new Error(`building the bundle failed (rolldown exit ${built.status})`);
  }
  try {
    fs.renameSync(temporary, out);
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    if (!fs.existsSync(entry)) throw error;
  }
  pruneOldBundles(out);
  return entry;
}

/** Drops bundles of other sources not touched for a day (a process may still run an older one). */
function pruneOldBundles(current) {
  for (const name of fs.readdirSync(DIST)) {
    const dir = path.join(DIST, name);
    if (dir === current) continue;
    const age = Date.now() - fs.statSync(dir).mtimeMs;
    if (age > KEEP_OLD_BUNDLES_MS) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const entry = bundledEntry();
  if (!entry) {
    console.error('rolldown is not installed (npm install with dev dependencies): nothing built');
    process.exit(1);
  }
  console.log(path.relative(ROOT, entry));
}
