// Bodies and write failures at their edges (src/core/store/bodies.ts, errors.ts): a body whose segment
// was cut short on disk is an error, never other bytes; a large body whose file could not be written
// fails the append with that write's own error and leaves no file; and a failure that is not an Error
// still gives a StoreWriteError that says what happened.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { EventStore, StoreWriteError } from '../../../src/core/store';
import { draft } from '../../support/store';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-store-bodies-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

test('a body cut short on disk is an error, not bytes from elsewhere in its segment', async () => {
  const store = await EventStore.open(dir, { maxEvents: 10 });
  const first = await store.append(draft('/a', 100), Buffer.alloc(100, 'a'));
  const second = await store.append(draft('/b', 100), Buffer.alloc(100, 'b'));
  // The second body is bytes 100–200 of the segment: keep only half of it.
  await fsp.truncate(path.join(dir, 'bodies', '000001.seg'), 150);
  await assert.rejects(store.readBody(second.id), { message: `The body of ${second.id} is cut short on disk.` });
  assert.deepEqual(await store.readBody(first.id), Buffer.alloc(100, 'a'));
  await store.close();
});

test('a large body whose file cannot be written fails the append with that error, and no file is left', async () => {
  const store = await EventStore.open(dir, {
    maxEvents: 10,
    largeBodyThreshold: 10,
    io: { writeBodyFile: () => Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })) },
  });
  const failed = await store.append(draft('/big', 20), Buffer.alloc(20, 'x')).catch((err: unknown) => err);
  assert.ok(failed instanceof StoreWriteError);
  assert.equal(failed.message, 'The disk is full: the event could not be saved. Free some space; capture resumes by itself.');
  assert.deepEqual(await fsp.readdir(path.join(dir, 'bodies')), ['000001.seg']);
  assert.equal(store.size, 0);
  await store.close();
});

test('a write that fails with something other than an Error still fails the append with a StoreWriteError', async () => {
  const store = await EventStore.open(dir, {
    maxEvents: 10,
    io: { writev: () => Promise.reject(undefined) },
  });
  const failed = await store.append(draft('/a', 0), undefined).catch((err: unknown) => err);
  assert.ok(failed instanceof StoreWriteError);
  assert.equal(failed.message, 'The event could not be saved: undefined');
  assert.equal(failed.cause, undefined);
  await store.close();
});
