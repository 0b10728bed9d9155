import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { StoreLockedError } from './errors';
import { LOCK } from './types';

/** Folders this process holds open for writing (the lock file alone cannot tell two stores of one process apart). */
const openForWriting = new Set<string>();

/**
 * Takes `<dir>/store.lock` (the writer's pid). A lock held by a live process, or by another store of this
 * process, throws `StoreLockedError`; one left by a dead process is taken over.
 */
export async function takeLock(dir: string): Promise<void> {
  // This process's own claim is checked and made at once, before any file is touched, and not read from the
  // file (which may have been removed or overwritten since): two stores of one process never share a folder.
  if (openForWriting.has(dir)) {
    throw new StoreLockedError(dir, process.pid);
  }
  openForWriting.add(dir);
  try {
    await createLockFile(dir);
  } catch (err) {
    openForWriting.delete(dir);
    throw err;
  }
}

/** Creates the lock file, taking over one whose pid is not a live process (this pid: left by an earlier process). */
async function createLockFile(dir: string): Promise<void> {
  const lockPath = path.join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fsp.writeFile(lockPath, String(process.pid), { flag: 'wx', mode: 0o600 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw err;
      }
      const pid = Number((await fsp.readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && isProcessAlive(pid)) {
        throw new StoreLockedError(dir, pid);
      }
      await fsp.rm(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock ${lockPath}.`);
}

/** Whether this process holds the store in `dir` open for writing. */
export function holdsLock(dir: string): boolean {
  return openForWriting.has(dir);
}

/** Removes the lock file and forgets the folder. */
export async function releaseLock(dir: string): Promise<void> {
  await fsp.rm(path.join(dir, LOCK), { force: true }).catch(() => undefined);
  openForWriting.delete(dir);
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
