// One writer per store folder (src/core/store/lock.ts): `store.lock` holds the writer's pid. A live
// holder, in another process or in this one, is refused; a lock no live process holds is taken over.
// Readers never take it, and closing a reader or a refused writer never releases the writer's lock.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EventStore, StoreLockedError, isProcessAlive } from '../../../src/core/store';
import { draft } from '../../support/store';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-lock-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const lockFile = () => path.join(dir, 'store.lock');
const refused = (pid: number) => (err: unknown) =>
  err instanceof StoreLockedError && err.name === 'StoreLockedError' && err.pid === pid && err.dir === path.resolve(dir);

describe('store lock', () => {
  test('a lock held by another live process is refused, naming its pid; the lock file stays', async () => {
    // The parent process (the test runner) is alive for as long as this test runs.
    await fsp.writeFile(lockFile(), `${process.ppid}\n`);
    await assert.rejects(EventStore.open(dir, { maxEvents: 10 }), refused(process.ppid));
    assert.equal(await fsp.readFile(lockFile(), 'utf8'), `${process.ppid}\n`);
  });

  test('a lock no live process holds is taken over: a dead pid, an empty file, this pid left by an earlier process', async () => {
    for (const stale of ['999999999', '', '0', 'not a pid', String(process.pid)]) {
      await fsp.writeFile(lockFile(), stale);
      const store = await EventStore.open(dir, { maxEvents: 10 });
      assert.equal(await fsp.readFile(lockFile(), 'utf8'), String(process.pid), `lock ${JSON.stringify(stale)} taken over`);
      await store.close();
      await assert.rejects(fsp.stat(lockFile()), /ENOENT/, 'close removes the lock');
    }
  });

  test('a second writer in this process is refused, and its refusal leaves the first one holding the lock', async () => {
    const first = await EventStore.open(dir, { maxEvents: 10 });
    await assert.rejects(EventStore.open(dir, { maxEvents: 10 }), refused(process.pid));
    assert.equal(await fsp.readFile(lockFile(), 'utf8'), String(process.pid));
    await assert.rejects(EventStore.open(dir, { maxEvents: 10 }), refused(process.pid), 'still refused after a refusal');
    await first.append(draft('/a', 1), Buffer.from('a'));
    await first.close();
    const next = await EventStore.open(dir, { maxEvents: 10 });
    assert.equal(next.size, 1);
    await next.close();
  });

  test('closing a reader does not release the writer’s lock', async () => {
    const writer = await EventStore.open(dir, { maxEvents: 10 });
    const reader = await EventStore.open(dir, { maxEvents: 10, readOnly: true });
    await reader.close();
    assert.equal(await fsp.readFile(lockFile(), 'utf8'), String(process.pid));
    await assert.rejects(EventStore.open(dir, { maxEvents: 10 }), refused(process.pid));
    await writer.close();
  });

  test('closing a store twice does not release a lock taken since by another store', async () => {
    const first = await EventStore.open(dir, { maxEvents: 10 });
    await first.close();
    const second = await EventStore.open(dir, { maxEvents: 10 });
    await first.close();
    assert.equal(await fsp.readFile(lockFile(), 'utf8'), String(process.pid));
    await assert.rejects(EventStore.open(dir, { maxEvents: 10 }), refused(process.pid));
    await second.close();
  });

  test('a store that fails to load after taking the lock releases it: fixed, the folder opens again', async () => {
    // An index that cannot be read (a folder in its place): the load fails after the lock was taken.
    await fsp.mkdir(path.join(dir, 'index.jsonl'));
    await assert.rejects(EventStore.open(dir, { maxEvents: 10 }), (err: unknown) => !(err instanceof StoreLockedError));
    await assert.rejects(fsp.stat(lockFile()), /ENOENT/);
    await fsp.rmdir(path.join(dir, 'index.jsonl'));
    const store = await EventStore.open(dir, { maxEvents: 10 });
    assert.equal(store.size, 0);
    await store.close();
  });

  test('isProcessAlive: this process is, a pid that does not exist is not', () => {
    assert.equal(isProcessAlive(process.pid), true);
    assert.equal(isProcessAlive(999999999), false);
  });
});

describe('opening a folder that cannot be written', () => {
  test('the error says why, from the failed mkdir, and keeps it as the cause', async () => {
    const file = path.join(dir, 'a-file');
    await fsp.writeFile(file, 'not a folder');
    await assert.rejects(EventStore.open(path.join(file, 'store'), { maxEvents: 10 }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(
        err.message,
        /^Cannot write the event store folder .*a-file[/\\]store: ENOTDIR: not a directory, mkdir .*\. Choose a folder you can write to\.$/,
      );
      assert.equal((err.cause as NodeJS.ErrnoException | undefined)?.code, 'ENOTDIR');
      return true;
    });
  });
});
