/**
 * Prunes GitHub's REST OpenAPI description to the operations AI-Implement calls and writes the
 * result to `test/fixtures/github-openapi.json`, which the fake GitHub server validates every
 * request and response against.
 *
 * Why a script and not a dependency: `@octokit/openapi` is ~385 MB unpacked (GHES variants), so
 * it is installed outside the repository and only this small fixture is committed.
 *
 *   mkdir -p /tmp/gh-openapi && cd /tmp/gh-openapi && npm init -y && npm install @octokit/openapi
 *   node scripts/prune-github-openapi.ts /tmp/gh-openapi/node_modules/@octokit/openapi/generated/api.github.com.json
 *
 * Add an operation to KEPT_OPERATIONS when the product starts calling it, then re-run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Operations the product calls now or in the planned runner / webhook / template-sync work. */
const KEPT_OPERATIONS: Record<string, string[]> = {
  '/app': ['get'],
  '/repos/{owner}/{repo}/installation': ['get'],
  '/app/installations/{installation_id}/access_tokens': ['post'],
  '/repos/{owner}/{repo}': ['get'],
  '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches': ['post'],
  '/repos/{owner}/{repo}/actions/workflows/{workflow_id}': ['get'],
  '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs': ['get'],
  '/repos/{owner}/{repo}/actions/runs/{run_id}/cancel': ['post'],
  '/repos/{owner}/{repo}/contents/{path}': ['get', 'put'],
  '/repos/{owner}/{repo}/git/ref/{ref}': ['get'],
  '/repos/{owner}/{repo}/git/refs': ['post'],
  '/repos/{owner}/{repo}/git/refs/{ref}': ['patch'],
  '/repos/{owner}/{repo}/pulls': ['get', 'post'],
  '/repos/{owner}/{repo}/pulls/{pull_number}': ['get', 'patch'],
  '/repos/{owner}/{repo}/issues/{issue_number}/comments': ['get', 'post'],
  '/repos/{owner}/{repo}/issues/comments/{comment_id}': ['patch'],
  '/repos/{owner}/{repo}/issues/{issue_number}/labels': ['post'],
  // GitHub Issues as a tracker (issue 18): read and close issues, swap marker labels, create a
  // missing marker label, read "blocked by" dependencies.
  '/repos/{owner}/{repo}/issues/{issue_number}': ['get', 'patch'],
  '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}': ['delete'],
  '/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by': ['get'],
  '/repos/{owner}/{repo}/labels': ['post'],
  // Writing a team secret into the repository's Actions secrets (issue 13).
  '/repos/{owner}/{repo}/actions/secrets/public-key': ['get'],
  '/repos/{owner}/{repo}/actions/secrets/{secret_name}': ['put'],
  // CI results of the orchestrator's PRs drive the ci-fix loop (issue 17): the head's check runs,
  // check suites and combined status, a failed check's annotations and job log, the base branch's
  // required checks, and re-running a workflow run's failed jobs.
  '/repos/{owner}/{repo}/commits/{ref}/check-runs': ['get'],
  '/repos/{owner}/{repo}/commits/{ref}/check-suites': ['get'],
  '/repos/{owner}/{repo}/commits/{ref}/status': ['get'],
  '/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations': ['get'],
  '/repos/{owner}/{repo}/actions/jobs/{job_id}/logs': ['get'],
  '/repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs': ['post'],
  '/repos/{owner}/{repo}/branches/{branch}/protection/required_status_checks': ['get'],
  // The project stepper's repository picker: every repository the App's installations reach.
  '/app/installations': ['get'],
  '/installation/repositories': ['get'],
};

/**
 * Prose and samples that validation never reads; dropping them keeps the committed fixture small.
 * Only string-valued `description` / `summary` are dropped (a schema *property* named
 * `description` has an object value and is kept), never inside `properties` maps, and a
 * Response Object keeps its `description` because OpenAPI 3.0 requires it there.
 */
const DOC_STRINGS = new Set(['description', 'summary']);
/** Samples, and patches for API versions after the one the fixture describes. */
const DOC_ANY = new Set(['example', 'examples', 'x-github-breaking-changes']);

/** Where a node sits: its members' names are schema property names, status codes, or keywords. */
type Context = 'node' | 'schema-map' | 'response-map' | 'response';

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function childContext(context: Context, key: string, value: Json): Context {
  if (context === 'schema-map' || !isObject(value)) return 'node';
  if (context === 'response-map') return 'response';
  if (key === 'properties' || key === 'patternProperties') return 'schema-map';
  return key === 'responses' ? 'response-map' : 'node';
}

/** Copies `node` without documentation-only members, reporting every `$ref` it meets. */
function stripDocs(node: Json, onRef: (ref: string) => void, context: Context = 'node'): Json {
  if (Array.isArray(node)) return node.map((item) => stripDocs(item, onRef));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    const isDoc = DOC_ANY.has(key) || (DOC_STRINGS.has(key) && typeof value === 'string');
    const required = context === 'response' && key === 'description';
    if (context !== 'schema-map' && isDoc && !required) continue;
    if (context !== 'schema-map' && key === '$ref' && typeof value === 'string') onRef(value);
    // A discriminator's mapping names schemas by pointer too, outside any `$ref`.
    if (context !== 'schema-map' && key === 'discriminator' && isObject(value) && isObject(value.mapping)) {
      for (const target of Object.values(value.mapping)) if (typeof target === 'string') onRef(target);
    }
    out[key] = stripDocs(value, onRef, childContext(context, key, value));
  }
  return out;
}

/** Resolves a local JSON pointer such as `#/components/schemas/simple-user`. */
function resolvePointer(root: JsonObject, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
  let node: Json = root;
  for (const raw of ref.slice(2).split('/')) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(node) || !(part in node)) throw new Error(`dangling $ref ${ref}`);
    node = node[part] as Json;
  }
  return node;
}

/** Keeps the listed operations and every component they reach, transitively. */
function prune(spec: JsonObject, sourceNote: string): JsonObject {
  const specPaths = spec.paths as JsonObject;
  const seen = new Set<string>();
  const queue: string[] = [];
  const onRef = (ref: string): void => {
    if (!seen.has(ref)) {
      seen.add(ref);
      queue.push(ref);
    }
  };

  const paths: JsonObject = {};
  for (const [path, methods] of Object.entries(KEPT_OPERATIONS)) {
    const item = specPaths[path];
    if (!isObject(item)) throw new Error(`path ${path} is not in the description`);
    const kept: JsonObject = {};
    // Path-level parameters apply to every method under the path.
    if (item.parameters) kept.parameters = stripDocs(item.parameters, onRef);
    for (const method of methods) {
      const operation = item[method];
      if (!isObject(operation)) throw new Error(`${method.toUpperCase()} ${path} is not in the description`);
      kept[method] = stripDocs(operation, onRef);
    }
    paths[path] = kept;
  }

  const components: Record<string, JsonObject> = {};
  for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
    const [, section, name] = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref) ?? [];
    if (!section || !name) throw new Error(`unexpected $ref ${ref}`);
    (components[section] ??= {})[name] = stripDocs(
      resolvePointer(spec, ref),
      onRef,
      section === 'responses' ? 'response' : 'node',
    );
  }
  // Stable order keeps re-runs diff-free.
  const sortedComponents: JsonObject = {};
  for (const section of Object.keys(components).sort()) {
    const entries = components[section] ?? {};
    sortedComponents[section] = Object.fromEntries(
      Object.keys(entries)
        .sort()
        .map((k) => [k, entries[k] ?? null]),
    );
  }

  const info = isObject(spec.info) ? spec.info : {};
  return {
    openapi: spec.openapi ?? '3.0.3',
    info: {
      title: info.title ?? 'GitHub REST API',
      version: info.version ?? 'unknown',
      'x-pruned-from': sourceNote,
    },
    servers: spec.servers ?? [],
    paths,
    components: sortedComponents,
  };
}

/** The `@octokit/openapi` version that ships `file`, from the nearest package.json above it. */
function packageVersionOf(file: string): string | undefined {
  for (let dir = dirname(resolve(file)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === '@octokit/openapi') return pkg.version;
  }
  return undefined;
}

function main(argv: string[]): void {
  const source = argv[0];
  if (!source) {
    console.error(
      'usage: node scripts/prune-github-openapi.ts <path to @octokit/openapi generated/api.github.com.json>',
    );
    process.exitCode = 2;
    return;
  }
  const spec = JSON.parse(readFileSync(source, 'utf8')) as JsonObject;
  const specVersion =
    isObject(spec.info) && typeof spec.info.version === 'string' ? spec.info.version : undefined;
  const version = packageVersionOf(source) ?? specVersion ?? 'unknown';
  const note =
    `@octokit/openapi@${version} generated/api.github.com.json, pruned by scripts/prune-github-openapi.ts ` +
    '(only the operations AI-Implement calls and the components they reach; descriptions and examples dropped)';
  const pruned = prune(spec, note);
  const target = resolve(import.meta.dirname, '../test/fixtures/github-openapi.json');
  writeFileSync(target, JSON.stringify(pruned, null, 1) + '\n');
  const count = Object.values(pruned.components as JsonObject).reduce(
    (sum: number, section) => sum + Object.keys(section as JsonObject).length,
    0,
  );
  console.log(
    `wrote ${target}: ${Object.keys(pruned.paths as JsonObject).length} paths, ${count} components`,
  );
}

main(process.argv.slice(2));
