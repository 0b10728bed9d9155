// Where unparsed events are read back from (src/core/store/source.ts): the index file held open, or its bytes
// in memory (Windows, and a follower's new lines there), and the window a compaction copies events through.
// Each read gives the file's bytes exactly, says so when the file became shorter, and the window reads a MiB
// at a time (its promise: one read for many small ranges). Issue #20: the survivors of the store's re-run.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { IndexSource, SourceWindow } from '../../../src/core/store/source';

const MiB = 1024 * 1024;
let dir: string;
let file: string;
let bytes: Buffer;
const sources: IndexSource[] = [];

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-source-'));
  file = path.join(dir, 'index.jsonl');
  bytes = randomBytes(2.5 * MiB);
  await fsp.writeFile(file, bytes);
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await fsp.rm(dir, { recursive: true, force: true });
});

async function open(): Promise<IndexSource> {
  const src = await IndexSource.open(file);
  assert.ok(src);
  sources.push(src);
  return src;
}

/** The source, and how many reads went to it (calls of readSyncInto and read), through the real object. */
function counted(src: IndexSource): { src: IndexSource; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(src, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if ((key === 'readSyncInto' || key === 'read') && typeof value === 'function') {
        return (...args: unknown[]) => {
          reads++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { src: proxy, reads: () => reads };
}

test('a file that is not there is no source; a path that cannot be opened is an error', async () => {
  assert.equal(await IndexSource.open(path.join(dir, 'missing.jsonl')), undefined);
  await assert.rejects(IndexSource.open(path.join(file, 'below-a-file')), { code: 'ENOTDIR' });
});

test('a handle that cannot be read is an error, and the handle is closed', async () => {
  const fh = await fsp.open(file, 'r');
  await fh.close();
  await assert.rejects(IndexSource.of(fh), { code: 'EBADF' });
});

test('a held file reads its bytes exactly, fewer at its end, and says so when a read needs more than is left', async () => {
  const src = await open();
  assert.equal(src.holdsFile, true);
  assert.deepEqual(src.read(10, 5000), bytes.subarray(10, 5000));
  const tail = Buffer.alloc(100);
  assert.equal(src.readSyncInto(tail, bytes.length - 40), 40);
  assert.deepEqual(tail.subarray(0, 40), bytes.subarray(bytes.length - 40));
  assert.equal(await src.readInto(tail, 10, 50, 7), 50);
  assert.deepEqual(tail.subarray(10, 60), bytes.subarray(7, 57));
  assert.throws(() => src.read(bytes.length - 30, bytes.length + 70), {
    message: `The event store's index is shorter than when it was read (${bytes.length} of ${bytes.length + 70} bytes).`,
  });
  await src.close();
  assert.throws(() => src.read(0, 1), { message: 'The event store is closed.' });
});

test('bytes in memory from a base read like the file from there: nothing before the base or after the end', async () => {
  const base = 1000;
  const src = IndexSource.inMemory(bytes.subarray(base, base + 300), base, 42);
  assert.equal(src.holdsFile, false);
  assert.equal(src.ino, 42);
  assert.deepEqual(src.read(base + 20, base + 120), bytes.subarray(base + 20, base + 120));
  const buf = Buffer.alloc(100);
  assert.equal(src.readSyncInto(buf, base - 50), 0, 'before the base');
  assert.equal(src.readSyncInto(buf, base + 300), 0, 'at the end');
  assert.equal(src.readSyncInto(buf, base + 250), 50, 'across the end');
  assert.deepEqual(buf.subarray(0, 50), bytes.subarray(base + 250, base + 300));
  assert.equal(await src.readInto(buf, 0, 30, base + 1), 30);
  assert.deepEqual(buf.subarray(0, 30), bytes.subarray(base + 1, base + 31));
  assert.throws(() => src.read(base + 280, base + 310), {
    message: `The event store's index is shorter than when it was read (${base + 300} of ${base + 310} bytes).`,
  });
});

test('the window gives every range exactly, ascending, back, across its end and larger than itself', async () => {
  const window = new SourceWindow(await open());
  for (const [from, to] of [
    [0, 100],
    [100, 200],
    [50, 80], // inside, before the last range
    [MiB - 10, MiB + 10], // across the window's end
    [20, 30], // before the window's start now
    [0, MiB + 5], // larger than the window
    [2 * MiB, bytes.length], // up to the file's end exactly
  ] as const) {
    assert.deepEqual(Buffer.from(window.slice(from, to)), bytes.subarray(from, to), `[${from}, ${to})`);
  }
  assert.throws(() => window.slice(bytes.length - 10, bytes.length + 1), {
    message: `The event store's index is shorter than when it was read (${bytes.length} of ${bytes.length + 1} bytes).`,
  });
});

test('the window reads a MiB at a time: a thousand small ranges in one MiB are one read, the next MiB one more', async () => {
  const { src, reads } = counted(await open());
  const window = new SourceWindow(src);
  for (let i = 0; i < 1000; i++) {
    assert.deepEqual(Buffer.from(window.slice(i * 1000, i * 1000 + 900)), bytes.subarray(i * 1000, i * 1000 + 900));
  }
  window.slice(MiB - 10, MiB); // up to the window's end exactly
  assert.equal(reads(), 1);
  window.slice(MiB + 5, MiB + 100);
  assert.equal(reads(), 2);
  window.slice(MiB + 5, MiB + 100);
  assert.equal(reads(), 2, 'the same range again: no read');
});

test('a range exactly the window’s size fills the window; the ranges inside it then need no read', async () => {
  const { src, reads } = counted(await open());
  const window = new SourceWindow(src);
  assert.deepEqual(Buffer.from(window.slice(0, MiB)), bytes.subarray(0, MiB));
  assert.deepEqual(Buffer.from(window.slice(10, 20)), bytes.subarray(10, 20));
  assert.equal(reads(), 1);
});
