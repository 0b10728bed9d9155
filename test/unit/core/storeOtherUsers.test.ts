// Two refusals root never meets on a writable disk (issue #20, the store's last survivors):
// - a lock file naming a live process of another user: kill(pid, 0) answers EPERM, and the process is alive, so
//   the lock is not taken over (two writers would corrupt the store);
// - a store folder under an ancestor that refuses writes: the error names that ancestor and the system's code.
// As root the test becomes those users: it runs the lock check with the effective user id of `nobody`, against a
// process started as a third user (the check is kill's own: the sender's real or effective id must match the
// target's), and mounts a read-only tmpfs (EROFS refuses even root). Not as root, it finds a process of another
// user (e.g. pid 1) and makes a folder read-only with chmod (EACCES).
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { promises as fsp, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { EventStore, StoreLockedError } from '../../../src/core/store';
import { holdsLock, isProcessAlive, takeLock } from '../../../src/core/store/lock';
import { asNonRoot, isRoot as root } from '../../support/users';

const THIRD_USER = 40123;

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-other-users-'));
});
afterEach(async () => {
  await fsp.chmod(dir, 0o700).catch(() => undefined);
  await fsp.rm(dir, { recursive: true, force: true });
});

/** A live process of another user, and how to end it (not ours to end when we did not start it). */
async function otherUsersProcess(): Promise<{ pid: number; end(): void }> {
  if (root) {
    const child: ChildProcess = spawn('sleep', ['60'], { uid: THIRD_USER, gid: THIRD_USER, stdio: 'ignore' });
    await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
    return { pid: child.pid!, end: () => child.kill() };
  }
  const me = process.getuid?.();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1];
    if (uid !== undefined && Number(uid) !== me) {
      return { pid: Number(name), end: () => undefined };
    }
  }
  throw new Error('This test needs a live process of another user (run it as root, or where one runs, e.g. pid 1).');
}

test('a lock file naming a live process of another user is that user’s lock: refused, not taken over', async () => {
  const other = await otherUsersProcess();
  try {
    const lockFile = path.join(dir, 'store.lock');
    await fsp.writeFile(lockFile, String(other.pid));
    await fsp.chmod(dir, 0o777);
    await fsp.chmod(lockFile, 0o644);
    await asNonRoot(async () => {
      assert.throws(() => process.kill(other.pid, 0), { code: 'EPERM' }, 'kill(pid, 0) refuses: the process belongs to someone else');
      assert.equal(isProcessAlive(other.pid), true);
      await assert.rejects(takeLock(dir), (err) => err instanceof StoreLockedError && err.pid === other.pid && err.dir === dir);
    });
    assert.equal(await fsp.readFile(lockFile, 'utf8'), String(other.pid), 'the other user’s lock file is left as it was');
    assert.equal(holdsLock(dir), false);
  } finally {
    other.end();
  }
});

test('a store folder under an ancestor that refuses writes: the error names that ancestor and the code', async () => {
  const locked = path.join(dir, 'locked');
  await fsp.mkdir(locked);
  // Three missing levels: the explanation walks up to the nearest folder that exists.
  const target = path.join(locked, 'a', 'b', 'store');
  let code: string;
  if (root) {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', locked]);
    code = 'EROFS';
  } else {
    await fsp.chmod(locked, 0o555);
    code = 'EACCES';
  }
  try {
    await assert.rejects(EventStore.open(target, { maxEvents: 10 }), {
      message: `Cannot write the event store folder ${target}: ${locked} is not writable (${code}). Choose a folder you can write to.`,
    });
    assert.equal(holdsLock(target), false);
  } finally {
    if (root) {
      execFileSync('umount', [locked]);
    }
  }
});
