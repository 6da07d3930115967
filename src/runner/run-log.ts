import fs from 'node:fs';

/**
 * The runner's own log: one line per event on stdout (what GitHub Actions and the local backend
 * keep) and in `<logs>/runner.log`. Every known secret value is replaced by `[redacted]` before a
 * line is written, wherever it came from (a git error quoting a URL, an API message).
 */
export interface RunLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Redacts secrets from any text that leaves the runner (callback bodies, comments). */
  redact(text: string): string;
  /** Adds a value to redact from now on (a secret exposed to the hooks and the agent). */
  addSecret(value: string): void;
}

/** Secrets shorter than this are not redacted by value: they would mangle ordinary words. */
const MIN_SECRET_LENGTH = 8;

export function createRunLog(options: {
  secrets: (string | undefined)[];
  file?: string;
  write?: (line: string) => void;
}): RunLog {
  let secrets = options.secrets
    .filter((secret): secret is string => secret !== undefined && secret.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  function redact(text: string): string {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out;
  }
  function emit(level: string, message: string, fields?: Record<string, unknown>) {
    const detail = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    const line = redact(`${new Date().toISOString()} ${level} ${message}${detail}`) + '\n';
    write(line);
    if (options.file) fs.appendFileSync(options.file, line);
  }
  return {
    info: (message, fields) => emit('info ', message, fields),
    warn: (message, fields) => emit('warn ', message, fields),
    error: (message, fields) => emit('error', message, fields),
    redact,
    addSecret(value) {
      if (value.length < MIN_SECRET_LENGTH || secrets.includes(value)) return;
      secrets = [...secrets, value].sort((a, b) => b.length - a.length);
    },
  };
}
