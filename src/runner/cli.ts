/**
 * The runner CLI — the same in every execution mode (GitHub Actions job, Fly Machine, local
 * child process): `node src/runner/cli.ts [--payload-file <file>]`, or `npm run runner`. Its
 * environment is described in settings.ts; the steps it runs in phases.ts. This is the only
 * runner file that reads the process environment.
 */
import { runRunner } from './run-runner.ts';

runRunner({ argv: process.argv.slice(2), env: { ...process.env }, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(
      `AI-Implement runner crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  },
);
