// The store closes every file it opens (src/core/store/bodies.ts, indexLog.ts): closing a store, reading
// a body and compacting the index leave no file handle behind. A handle nobody closed is closed by the
// garbage collector with a warning ("Closing file descriptor N on garbage collection"): these tests
// collect garbage after each use and expect no such warning. Portable: no /proc, no file descriptor counts.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { EventStore } from '../../../src/core/store';
import { draft, turns } from '../../support/store';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const gcWarnings: string[] = [];
process.on('warning', (w) => {
  if (w.message.startsWith('Closing file descriptor')) {
    gcWarnings.push(w.message);
  }
});

/** Warnings of handles closed by the garbage collector once everything `use` made is unreachable. */
async function handlesLeftBy(use: () => Promise<void>): Promise<string[]> {
  gcWarnings.length = 0;
  await use();
  await turns(); // the last promises let go of what they resolved with
  gc();
  gc();
  await turns(); // the warning comes from an immediate the collector queued
  return [...gcWarnings];
}

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-store-handles-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

test('the check sees a handle left open', async () => {
  const leaks = await handlesLeftBy(async () => {
    await fsp.open(path.join(dir, 'left-open'), 'w');
  });
  assert.equal(leaks.length, 1, 'the collector closed the handle and warned');
});

test('a store opened, written and closed (segment, index, its source) leaves no handle open', async () => {
  const leaks = await handlesLeftBy(async () => {
    const store = await EventStore.open(dir, { maxEvents: 10 });
    await store.append(draft('/a', 1), Buffer.from('a'));
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 10 });
    assert.equal(reopened.size, 1);
    await reopened.close();
  });
  assert.deepEqual(leaks, []);
});

test('reading bodies leaves no handle open', async () => {
  const store = await EventStore.open(dir, { maxEvents: 10 });
  const { id } = await store.append(draft('/a', 1), Buffer.from('a'));
  const leaks = await handlesLeftBy(async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await store.readBody(id)).toString(), 'a');
    }
  });
  await store.close();
  assert.deepEqual(leaks, []);
});

test('a compaction leaves no handle open (the new index it wrote, the old one it replaced)', async () => {
  const store = await EventStore.open(dir, { maxEvents: 10 });
  await store.append(draft('/a', 1), Buffer.from('a'));
  const leaks = await handlesLeftBy(async () => {
    await store.clear(); // always compacts
    await store.append(draft('/b', 1), Buffer.from('b'));
  });
  await store.close();
  assert.deepEqual(leaks, []);
});
