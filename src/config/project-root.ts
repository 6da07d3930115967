import fs from 'node:fs';
import path from 'node:path';

/**
 * The repository's root directory (the one holding package.json), found by walking up from this
 * module. The same answer whether the code runs from `src/` (types stripped by Node) or from the
 * bundle `npm start` builds under `dist/` (scripts/bundle.mjs), so files read at run time
 * (admin assets, templates, the runner's entry) are found either way. Throws when no
 * package.json is above this file (a broken install).
 */
export const PROJECT_ROOT: string = findProjectRoot(import.meta.dirname);

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
