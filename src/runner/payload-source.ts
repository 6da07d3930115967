import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the runner finds the dispatch payload (CONTRACTS.md §3), first found wins:
 * 1. `--payload-file <file>`;
 * 2. `AI_IMPLEMENT_PAYLOAD` (the local and Fly backends), or `INPUT_PAYLOAD` (an action input);
 * 3. the `payload` input of the `workflow_dispatch` event in `GITHUB_EVENT_PATH` — how the synced
 *    workflows pass it: GitHub prints every step's `env:` block in the log, so a payload (with its
 *    run tokens) in step env would be in the log; the event file is not printed.
 * (https://docs.github.com/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#workflow_dispatch)
 */
export interface PayloadSource {
  /** The payload JSON text; undefined when no source has one. */
  text: string | undefined;
  /** The file it was read from (to keep it from the agent user), if any. */
  file: string | undefined;
}

/** The payload text and its file. Throws when `--payload-file` or the event file cannot be read. */
export function readPayloadSource(
  payloadFile: string | undefined,
  env: Record<string, string | undefined>,
  cwd: string,
): PayloadSource {
  if (payloadFile) {
    const file = path.resolve(cwd, payloadFile);
    return { text: fs.readFileSync(file, 'utf8'), file };
  }
  const inline = env.AI_IMPLEMENT_PAYLOAD ?? env.INPUT_PAYLOAD;
  if (inline?.trim()) return { text: inline, file: undefined };
  const eventPath = env.GITHUB_EVENT_PATH?.trim();
  if (eventPath && fs.existsSync(eventPath)) {
    const event = JSON.parse(fs.readFileSync(eventPath, 'utf8')) as { inputs?: { payload?: unknown } };
    const payload = event.inputs?.payload;
    if (typeof payload === 'string') return { text: payload, file: eventPath };
  }
  return { text: undefined, file: undefined };
}

/**
 * GitHub Actions' `::add-mask::` command for each secret value, so the Actions log shows `***`
 * wherever one appears in anything printed after it — also by a process the runner starts.
 * Empty outside GitHub Actions (`GITHUB_ACTIONS` is not `true`).
 * (https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands#masking-a-value-in-a-log)
 */
export function maskCommands(env: Record<string, string | undefined>, secrets: string[]): string {
  if (env.GITHUB_ACTIONS !== 'true') return '';
  return secrets
    .filter((value) => value.trim() && !/[\r\n]/.test(value))
    .map((value) => `::add-mask::${value}\n`)
    .join('');
}
