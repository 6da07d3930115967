// Rebuilds native addons (better-sqlite3) for the Node the project runs on.
//
// Why: the project brings its own Node 24 (the `node` package), but `npm install` itself runs
// under the machine's Node, so the addon is first compiled against the wrong ABI. Here we run
// under `node_modules/.bin/node` (npm puts it first on PATH for lifecycle scripts), and if the
// addon does not load we fetch this Node's headers from the npm registry (the `node-<os>-<cpu>`
// package ships `include/node`) and rebuild against them. No download outside the registry.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const addons = ['better-sqlite3'];

function loads(name) {
  try {
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(name)})(':memory:').close()`], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

function headersDir() {
  const version = process.versions.node;
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = path.resolve('node_modules/.cache/node-headers', version);
  if (fs.existsSync(path.join(dir, 'package', 'include', 'node', 'node.h'))) return path.join(dir, 'package');
  fs.mkdirSync(dir, { recursive: true });
  const tarball = execFileSync('npm', ['pack', `${pkg}@${version}`, '--silent'], {
    cwd: dir,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop();
  execFileSync('tar', ['-xzf', tarball, 'package/include', 'package/package.json'], { cwd: dir });
  fs.rmSync(path.join(dir, tarball));
  return path.join(dir, 'package');
}

const broken = addons.filter((name) => !loads(name));
if (broken.length > 0) {
  const nodedir = headersDir();
  console.log(`ensure-native-modules: rebuilding ${broken.join(', ')} for Node ${process.version}`);
  execFileSync('npm', ['rebuild', ...broken], {
    stdio: 'inherit',
    env: { ...process.env, npm_config_nodedir: nodedir },
  });
  for (const name of broken) {
    if (!loads(name)) throw new Error(`${name} still does not load under Node ${process.version}`);
  }
}
