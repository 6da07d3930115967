/**
 * Renders one client's fly.toml from the base `fly.toml` and `clients/<slug>.toml`
 * (docs/deploy.md). The deploy workflow runs it before `flyctl deploy --config`.
 *
 *   node scripts/render-fly-config.ts acme                   # to stdout
 *   node scripts/render-fly-config.ts acme --out fly.acme.toml
 *   node scripts/render-fly-config.ts --list                 # the client slugs, one a line
 *
 * Exit 1 with the file and the field named when a client file is wrong; 2 for bad arguments.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ClientConfigError, listClients, renderClientFlyToml } from './deploy/client-config.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const USAGE = 'usage: node scripts/render-fly-config.ts <slug> [--out <file>] | --list';

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' }, list: { type: 'boolean', default: false } },
  });
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;

if (values.list) {
  for (const slug of listClients(ROOT)) console.log(slug);
} else if (positionals.length !== 1 || !positionals[0]) {
  console.error(USAGE);
  process.exit(2);
} else {
  try {
    const text = renderClientFlyToml(ROOT, positionals[0]);
    if (values.out) writeFileSync(path.resolve(values.out), text);
    else process.stdout.write(text);
  } catch (error) {
    if (!(error instanceof ClientConfigError)) throw error;
    console.error(`Cannot render the client's fly.toml: ${error.message}`);
    process.exit(1);
  }
}
