/**
 * One broker per database file. A lock file beside the database holds the owner's pid; it is
 * taken over only when that process is gone (a crash leaves it behind). SQLite's own locks
 * cannot say this once a second connection — the checkpoint worker — shares the file.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface FileLock {
  release(): void;
}

export function lockDatabaseFile(path: string): FileLock {
  const lockPath = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => rmSync(lockPath, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new Error(`Cannot open "${path}": another process has it open (pid ${owner}; one broker per database file)`);
      }
      rmSync(lockPath, { force: true }); // left by a process that is gone
    }
  }
  throw new Error(`Cannot open "${path}": cannot take its lock file ${lockPath}`);
}
