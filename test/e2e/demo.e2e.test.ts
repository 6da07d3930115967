import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * `npm run demo` as a developer runs it: fakes, a real git remote, the real orchestrator process,
 * the local backend and the scripted stand-in for Claude Code, from the label to Ready for Review.
 */
function runDemo(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    // The stand-in, not the real CLI, whatever the developer's shell has.
    delete env.ANTHROPIC_API_KEY;
    const child = spawn('npm', ['run', '--silent', 'demo', '--', ...args], {
      cwd: repoRoot,
      env,
      // Its own process group, so a timeout stops npm, the demo and the orchestrator together.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      reject(new Error(`npm run demo did not finish in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm run demo', () => {
  it('takes the seeded ticket to Ready for Review with a PR, its diff, gap analysis and comments', async () => {
    const { code, output } = await runDemo(['--exit-when-done', '--port', '0'], 110_000);
    expect(code, output).toBe(0);
    expect(output).toMatch(/Admin UI: +http:\/\/localhost:\d+\/admin +access code: demo/);
    expect(output).toContain('planning run succeeded');
    expect(output).toContain('implementation run succeeded');
    expect(output).toContain('✔ ENG-1 is Ready for Review.');
    expect(output).toMatch(/Pull request #1: ENG-1: Add a farewell function/);
    expect(output).toContain('https://github.com/acme/greeter/pull/1');
    // The diff came from the git remote the runner pushed to.
    expect(output).toContain('+export function farewell(name) {');
    expect(output).toContain('## Gap analysis for ENG-1');
    expect(output).toContain('## Architecture Analysis');
    expect(output).toContain('Ticket markers: Ready for Review');
  }, 120_000);
});
