import fs from 'node:fs';

/**
 * Reads a file of the agent's checkout (or a file the agent user wrote) from the runner, which
 * may be root: only a regular file is read, never through a symbolic link — a `WORKFLOW.md`
 * committed as a link to `/proc/self/environ` would otherwise hand the runner's own environment
 * to the parser and its error messages. Non-blocking open, so a FIFO cannot stall the runner.
 */

/** Not a regular file (a symbolic link, a FIFO, a directory…); the message names the path. */
export class NotRegularFileError extends Error {
  override name = 'NotRegularFileError';
}

/** Opens `file` for reading without following a final symbolic link; undefined when it does not exist. */
export function openRegularFile(file: string): number | undefined {
  const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
  let fd: number;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new NotRegularFileError(`${file} is a symbolic link`);
    throw error;
  }
  if (!fs.fstatSync(fd).isFile()) {
    fs.closeSync(fd);
    throw new NotRegularFileError(`${file} is not a regular file`);
  }
  return fd;
}

/** The UTF-8 text of regular file `file`; undefined when it does not exist. Throws `NotRegularFileError`. */
export function readRegularFile(file: string): string | undefined {
  const fd = openRegularFile(file);
  if (fd === undefined) return undefined;
  try {
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}
