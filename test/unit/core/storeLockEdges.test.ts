// The store lock at its edges (src/core/store/lock.ts): a folder this process holds is refused to a
// second writer even when its lock file was removed or overwritten meanwhile, and of two writers opening
// a folder at once in this process one is refused; a lock that cannot be
// created fails with the file system's own error, not a vague one; and a lock path that is not a file
// fails the open with an error that names it.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { EventStore, StoreLockedError } from '../../../src/core/store';
import { holdsLock, releaseLock, takeLock } from '../../../src/core/store/lock';
import { draft } from '../../support/store';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-lock-edges-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const lockFile = () => path.join(dir, 'store.lock');
const refusedHere = (err: unknown) => err instanceof StoreLockedError && err.pid === process.pid;

test('a folder this process writes stays refused to a second writer after its lock file was removed or overwritten', async () => {
  const first = await EventStore.open(dir, { maxEvents: 10 });
  for (const tamper of [() => fsp.rm(lockFile()), () => fsp.writeFile(lockFile(), '999999999'), () => fsp.writeFile(lockFile(), '')]) {
    await tamper();
    await assert.rejects(EventStore.open(dir, { maxEvents: 10 }), refusedHere);
  }
  await first.append(draft('/a', 0), undefined);
  await first.close();
  const next = await EventStore.open(dir, { maxEvents: 10 });
  assert.equal(next.size, 1);
  await next.close();
});

test('two writers opening one folder at once in this process: exactly one gets it', async () => {
  const [a, b] = await Promise.allSettled([EventStore.open(dir, { maxEvents: 10 }), EventStore.open(dir, { maxEvents: 10 })]);
  const opened = [a, b].filter((r) => r.status === 'fulfilled');
  const refused = [a, b].filter((r) => r.status === 'rejected');
  assert.equal(opened.length, 1);
  assert.ok(refusedHere(refused[0]?.reason));
  await opened[0]?.value.close();
  const again = await EventStore.open(dir, { maxEvents: 10 });
  await again.close();
});

test('a lock that cannot be created fails with the file system’s error (here: no such folder), and claims nothing', async () => {
  const missing = path.join(dir, 'missing');
  await assert.rejects(takeLock(missing), { code: 'ENOENT' });
  assert.equal(holdsLock(missing), false);
  await fsp.mkdir(missing);
  await takeLock(missing);
  assert.equal(await fsp.readFile(path.join(missing, 'store.lock'), 'utf8'), String(process.pid));
  await releaseLock(missing);
});

test('a lock path that is a folder fails the open with an error that names it', async () => {
  await fsp.mkdir(lockFile());
  await assert.rejects(EventStore.open(dir, { maxEvents: 10 }), (err: Error) => err.message.includes(lockFile()));
});
