import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listClients, renderClientFlyToml } from '../../scripts/deploy/client-config.ts';
import {
  evaluate,
  readWorkflow,
  runStep,
  step,
  type Contexts,
  type WorkflowJob,
} from '../templates/workflow-harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TEXT = readFileSync(path.join(ROOT, '.github/workflows/deploy.yml'), 'utf8');

interface DeployJob extends WorkflowJob {
  needs?: string[];
  'runs-on': string;
  container?: { image: string; options?: string };
  strategy?: { 'fail-fast'?: boolean; matrix: Record<string, unknown> };
  outputs?: Record<string, string>;
}
const workflow = readWorkflow(TEXT) as ReturnType<typeof readWorkflow> & {
  on: { push: { branches: string[] } };
  jobs: Record<string, DeployJob>;
};
const job = (name: string) => {
  const found = workflow.jobs[name];
  if (!found) throw new Error(`no job ${name}`);
  return found;
};

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'ai-implement-deploy-'));
}

/** A PATH where `node` is this test's Node (24, type stripping) and `flyctl` a recording stub. */
function stubPath(dir: string): string {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(
    path.join(bin, 'flyctl'),
    `#!/bin/sh\necho "$*" > "${dir}/flyctl-args"\n[ -n "$FLY_API_TOKEN" ] && echo token > "${dir}/flyctl-token"\nexit 0\n`,
  );
  chmodSync(path.join(bin, 'flyctl'), 0o755);
  return [bin, path.dirname(process.execPath), process.env.PATH].join(path.delimiter);
}

describe('the deploy workflow', () => {
  it('runs on a push to main, tests first, then deploys every client with FLY_API_TOKEN', () => {
    expect(workflow.on.push.branches).toEqual(['main']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(step(job('test'), 'ci').run).toBe('bash .ci/run');
    expect(job('test').container?.image).toMatch(/^node:24-bookworm/);
    const deploy = job('deploy');
    expect(deploy.needs).toEqual(['test', 'clients']);
    expect(deploy.strategy).toEqual({
      'fail-fast': false,
      matrix: { client: '${{ fromJSON(needs.clients.outputs.slugs) }}' },
    });
    expect(deploy.steps.map((s) => s.uses).filter(Boolean)).toContain(
      'superfly/flyctl-actions/setup-flyctl@master',
    );
    expect(step(deploy, 'deploy').env).toEqual({
      CLIENT: '${{ matrix.client }}',
      FLY_API_TOKEN: '${{ secrets.FLY_API_TOKEN }}',
    });
    // The token reaches that one step and nothing else.
    expect(TEXT.match(/secrets\./g)).toHaveLength(1);
  });

  it('never puts an expression inside a script', () => {
    for (const [name, j] of Object.entries(workflow.jobs))
      for (const s of j.steps) expect(s.run ?? '', `${name} ${s.id ?? s.name}`).not.toContain('${{');
  });

  it('lists clients/*.toml as the matrix', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'clients'));
    for (const slug of ['globex', 'acme-eu']) writeFileSync(path.join(dir, 'clients', `${slug}.toml`), '');
    writeFileSync(path.join(dir, 'clients', 'README.md'), '');
    const list = await runStep(step(job('clients'), 'list'), {}, { cwd: dir });
    expect(list.code).toBe(0);
    const contexts: Contexts = { needs: { clients: { outputs: { slugs: list.outputs.slugs } } } };
    expect(evaluate('fromJSON(needs.clients.outputs.slugs)', contexts)).toEqual(['acme-eu', 'globex']);
    expect(job('clients').outputs?.slugs).toBe('${{ steps.list.outputs.slugs }}');
  });

  it('refuses to deploy nothing, or a client file whose name is not a slug', async () => {
    const empty = tempDir();
    mkdirSync(path.join(empty, 'clients'));
    const none = await runStep(step(job('clients'), 'list'), {}, { cwd: empty });
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('::error::no clients/*.toml');
    writeFileSync(path.join(empty, 'clients', 'Acme Corp.toml'), '');
    const bad = await runStep(step(job('clients'), 'list'), {}, { cwd: empty });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('::error file=clients/Acme Corp.toml::');
  });

  it('renders the client’s fly.toml and deploys it with flyctl', async () => {
    const dir = tempDir();
    symlinkSync(path.join(ROOT, 'scripts'), path.join(dir, 'scripts'));
    const slug = listClients(ROOT)[0]!;
    const contexts: Contexts = { matrix: { client: slug }, secrets: { FLY_API_TOKEN: 'FlyV1 fm2_test' } };
    const extraEnv = { PATH: stubPath(dir) };
    const render = await runStep(step(job('deploy'), 'render'), contexts, { cwd: dir, extraEnv });
    expect(render.stderr).toBe('');
    expect(readFileSync(path.join(dir, `fly.${slug}.toml`), 'utf8')).toBe(renderClientFlyToml(ROOT, slug));
    const deploy = await runStep(step(job('deploy'), 'deploy'), contexts, { cwd: dir, extraEnv });
    expect(deploy.code).toBe(0);
    expect(readFileSync(path.join(dir, 'flyctl-args'), 'utf8').trim()).toBe(
      `deploy --config fly.${slug}.toml --remote-only --ha=false`,
    );
    expect(existsSync(path.join(dir, 'flyctl-token'))).toBe(true);
  });

  it('says which secret is missing rather than running flyctl without it', async () => {
    const dir = tempDir();
    const run = await runStep(
      step(job('deploy'), 'deploy'),
      { matrix: { client: 'acme' }, secrets: {} },
      { cwd: dir, extraEnv: { PATH: stubPath(dir) } },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::set the repository secret FLY_API_TOKEN');
    expect(existsSync(path.join(dir, 'flyctl-args'))).toBe(false);
  });
});
