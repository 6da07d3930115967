/**
 * `npm run demo`: the whole product on one machine, with nothing to sign up for. It starts fake
 * Linear and GitHub (plus a real git remote over `git http-backend`), seeds a small Node
 * repository and a ticket, starts the real orchestrator (`node src/main.ts`, RUNNER_MODE=local)
 * against them, creates the mapping through the admin API, labels the ticket `AI-Implement`
 * and prints how it moves: planning → implementing → Ready for Review, then the PR, its diff,
 * the gap analysis and the ticket's comments. Claude Code is a scripted stand-in unless
 * ANTHROPIC_API_KEY is set (then the real CLI runs, and costs money).
 *
 * A development tool: it imports the fakes from test/fakes, which the product never does.
 *
 *   npm run demo                              # keeps running until Ctrl-C
 *   npm run demo -- --exit-when-done          # exit 0 at Ready for Review, 1 on failure or timeout
 *   npm run demo -- --port 0                  # any free port (default 8080, else any free one)
 *   npm run demo -- --timeout-seconds 300     # default 180 with the stand-in, 1200 with Claude
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../test/support/free-port.ts';
import { DEMO_OWNER, DEMO_REPO, DEMO_TEAM } from './demo/demo-repo.ts';
import { DEMO_APP_ID, startDemoWorld, type DemoWorld } from './demo/demo-world.ts';
import { watchTicket, type WatchOutcome } from './demo/watch.ts';
import { printReport } from './demo/report.ts';
import { adminSession } from './demo/admin-api.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ACCESS_CODE = 'demo';

const { values: flags } = parseArgs({
  options: {
    'exit-when-done': { type: 'boolean', default: false },
    port: { type: 'string' },
    'timeout-seconds': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(
    'usage: npm run demo [-- --exit-when-done] [--port <n>|0] [--timeout-seconds <n>]\n' +
      'Runs the orchestrator against fake Linear and GitHub; see scripts/demo.ts.',
  );
  process.exit(0);
}

const realClaude = Boolean(process.env.ANTHROPIC_API_KEY?.trim());
const timeoutMs = Number(flags['timeout-seconds'] ?? (realClaude ? 1200 : 180)) * 1000;
const started = Date.now();
const say = (line = '') => console.log(line);

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

async function choosePort(): Promise<number> {
  if (flags.port !== undefined) {
    const port = Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`--port ${flags.port}: not a port`);
    return port === 0 ? freePort() : port;
  }
  return (await portIsFree(8080)) ? 8080 : freePort();
}

/** The agent the runs start: the stand-in (default) or the Claude Code CLI of the devDependency. */
function agent(): { path: string | undefined; env: Record<string, string>; label: string } {
  if (!realClaude) {
    return {
      path: path.join(ROOT, 'scripts/demo/demo-agent.ts'),
      // The stand-in only answers when it sees a credential, like the real CLI; this one is fake.
      env: { ANTHROPIC_API_KEY: 'sk-ant-demo-stand-in-not-a-real-key' },
      label: 'scripted stand-in (scripts/demo/demo-agent.ts); set ANTHROPIC_API_KEY for the real CLI',
    };
  }
  const bundled = path.join(ROOT, 'node_modules/.bin/claude');
  const cli = fs.existsSync(bundled) ? fs.realpathSync(bundled) : undefined;
  return {
    path: cli,
    env: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY!.trim() },
    label: `Claude Code CLI (${cli ?? 'claude on PATH'}) with ANTHROPIC_API_KEY`,
  };
}

/** Signals the orchestrator's process group (it and its local runs); quiet when it is gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

interface Orchestrator {
  child: ChildProcess;
  url: string;
  logFile: string;
  exited: Promise<number | null>;
  tail(lines: number): string;
}

async function startOrchestrator(world: DemoWorld, tempRoot: string, port: number): Promise<Orchestrator> {
  const runAgent = agent();
  const tmp = path.join(tempRoot, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  // As root, runs start the agent as the user ai-agent, which must pass through to its checkout.
  for (const dir of [tempRoot, tmp]) fs.chmodSync(dir, 0o711);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.homedir(),
    ...(process.env.LANG ? { LANG: process.env.LANG } : {}),
    // Run directories (and anything else temporary) land inside the demo's own directory.
    TMPDIR: tmp,
    PORT: String(port),
    GITHUB_APP_ID: String(DEMO_APP_ID),
    GITHUB_APP_PRIVATE_KEY: world.appPrivateKey.trim().replace(/\n/g, '\\n'),
    GITHUB_API_URL: world.github.url,
    // Where runs clone from and push to: the git http-backend remote, not github.com.
    GITHUB_SERVER_URL: world.git.url,
    LINEAR_API_KEY: world.linear.apiKey,
    LINEAR_API_URL: world.linear.url,
    ADMIN_ACCESS_CODE: ACCESS_CODE,
    POLL_INTERVAL_MS: '2000',
    // The demo repository has no CI: its PR has no checks to wait for (docs/decisions/ci-fix.md).
    CI_CHECKS_GRACE_MS: '0',
    RUNNER_MODE: 'local',
    // The runner as a child process: the demo needs no Docker Engine (test/docker/ runs containers).
    LOCAL_RUNNER_BACKEND: 'process',
    RUNNER_TOKEN_SECRET: randomBytes(32).toString('hex'),
    RUNNER_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
    DEDUP_DB_PATH: path.join(tempRoot, 'dedup.sqlite'),
    ...(runAgent.path ? { CLAUDE_CODE_PATH: runAgent.path } : {}),
    ...runAgent.env,
  };
  say(`Agent:        ${runAgent.label}`);
  const logFile = path.join(tempRoot, 'orchestrator.log');
  const log = fs.createWriteStream(logFile);
  const lines: string[] = [];
  // cwd is the demo directory, so a developer's own .env is not read. Its own process group, so
  // stopping the demo also stops the runs it started (the runner is its child process).
  const child = spawn(process.execPath, [path.join(ROOT, 'src/main.ts')], {
    cwd: tempRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.once('exit', () => signalGroup(child, 'SIGKILL'));
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      log.write(chunk);
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      if (lines.length > 400) lines.splice(0, lines.length - 400);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the orchestrator exited with ${child.exitCode}:\n${lines.slice(-20).join('\n')}`);
    }
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`the orchestrator did not answer /healthz within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return { child, url, logFile, exited, tail: (count) => lines.slice(-count).join('\n') };
}

async function main(): Promise<void> {
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-demo-'));
  let world: DemoWorld | undefined;
  let orchestrator: Orchestrator | undefined;
  let stopping = false;

  async function stop(code: number, keep = false): Promise<never> {
    stopping = true;
    if (orchestrator) {
      // The orchestrator finishes its tick and exits; runs still going are stopped with it.
      signalGroup(orchestrator.child, 'SIGTERM');
      await Promise.race([orchestrator.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      signalGroup(orchestrator.child, 'SIGKILL');
    }
    await world?.close();
    if (keep) say(`Kept ${tempRoot} (orchestrator.log, failed runs under tmp/) for a look.`);
    else fs.rmSync(tempRoot, { recursive: true, force: true });
    process.exit(code);
  }
  process.once('SIGINT', () => {
    say('\nStopping the demo.');
    void stop(0);
  });
  process.once('SIGTERM', () => void stop(143));

  try {
    say('AI-Implement demo: fake Linear and GitHub, a real git remote, the real orchestrator.');
    world = await startDemoWorld();
    const port = await choosePort();
    say(`Fake Linear:  ${world.linear.url}`);
    say(`Fake GitHub:  ${world.github.url} (App ${DEMO_APP_ID} installed on ${DEMO_OWNER}/${DEMO_REPO})`);
    say(`Git remote:   ${world.git.url}/${DEMO_OWNER}/${DEMO_REPO}.git (git http-backend)`);
    orchestrator = await startOrchestrator(world, tempRoot, port);
    const current = orchestrator;
    current.exited.then((code) => {
      if (stopping) return;
      say(`\nThe orchestrator exited unexpectedly (code ${code}). Its last lines:\n${current.tail(20)}`);
      void stop(1, true);
    });
    say(`Orchestrator: ${current.url} (log: ${current.logFile})`);
    say('');
    say(`Admin UI:     http://localhost:${port}/admin   access code: ${ACCESS_CODE}`);
    say('');

    const api = await adminSession(current.url, ACCESS_CODE);
    await api('POST', '/api/mappings', {
      teamKey: DEMO_TEAM,
      owner: DEMO_OWNER,
      repo: DEMO_REPO,
      defaultBranch: 'main',
    });
    say(`Mapping ${DEMO_TEAM} → ${DEMO_OWNER}/${DEMO_REPO} created through POST /api/mappings.`);
    world.linear.updateIssue(world.issue.id, { labels: ['AI-Implement'] });
    const ticket = world.linear.getIssue(world.issue.id)!;
    say(`Ticket ${ticket.identifier} "${ticket.title}" labelled AI-Implement (${ticket.url}).`);
    say('');

    const outcome: WatchOutcome = await watchTicket({ world, api, started, timeoutMs, say });
    say('');
    await printReport({ world, api, say, outcome });
    if (outcome.kind !== 'ready') {
      say('');
      say(`Orchestrator log (last lines):\n${current.tail(15)}`);
    }
    if (flags['exit-when-done']) await stop(outcome.kind === 'ready' ? 0 : 1, outcome.kind !== 'ready');
    say('');
    say(`Still running: http://localhost:${port}/admin (code ${ACCESS_CODE}). Ctrl-C stops the demo.`);
  } catch (error) {
    say(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}`);
    if (orchestrator) say(`Orchestrator log (last lines):\n${orchestrator.tail(15)}`);
    await stop(1, true);
  }
}

await main();
