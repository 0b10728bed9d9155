// A read-only store following the process that writes it (store/follow.ts), at its edges:
// - a compaction whose new file is already longer than what the reader had read (the inode tells it is new);
// - an index cut shorter in place (the same inode);
// - the index taken away (the writer's folder cleared) and a path that cannot be opened at all;
// - an event added and deleted between two looks (it is neither added nor reported);
// - a reload over a line that changed on disk since the reader loaded it (reported as updated);
// - a changed event whose line came back to its old bytes (parsed, or changed, since): reported as updated;
// - no file handle is left open by a refresh, with or without a reload (Linux: counted in /proc/self/fd).
// The reader and writer are two EventStore instances over one folder, as the MCP server and the extension are.
import assert from 'node:assert/strict';
import { existsSync, promises as fsp, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EventStore } from '../../../src/core/store';
import { draft as sized } from '../../support/store';

const draft = (url: string) => sized(url, 3);

/** Open file descriptors of this process, where the system shows them (Linux); undefined elsewhere. */
function openFds(): number | undefined {
  return existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : undefined;
}

describe('EventStore.refresh at its edges', () => {
  let dir: string;
  let index: string;
  const open: EventStore[] = [];
  async function store(readOnly: boolean): Promise<EventStore> {
    const s = await EventStore.open(dir, { maxEvents: 1000, readOnly });
    open.push(s);
    return s;
  }
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-follow-edges-'));
    index = path.join(dir, 'index.jsonl');
  });
  afterEach(async () => {
    for (const s of open.splice(0)) {
      await s.close();
    }
    await fsp.rm(dir, { recursive: true, force: true });
  });

  test('a reader is told of an update by set and by push, each event once, with what changed', async () => {
    const writer = await store(false);
    const a = await writer.append(draft('/a'), Buffer.from('a'));
    const b = await writer.append(draft('/b'), Buffer.from('b'));
    const reader = await store(true);
    await writer.appendTo(a.id, 'deliveries', { at: 1 }, 5);
    let change = await reader.refresh();
    assert.deepEqual(
      change?.updated.map((e) => [e.id, (e as unknown as { deliveries?: unknown }).deliveries]),
      [[a.id, [{ at: 1 }]]],
    );
    assert.deepEqual([change?.added, change?.removed], [[], []]);
    await writer.update(b.id, { eventType: 'ping' });
    await writer.appendTo(b.id, 'deliveries', { at: 2 }, 5);
    change = await reader.refresh();
    assert.deepEqual(
      change?.updated.map((e) => [e.id, e.eventType]),
      [[b.id, 'ping']],
    );
  });

  test('a compaction whose new index is already longer than what was read is read from its start', async () => {
    const writer = await store(false);
    const a = await writer.append(draft('/a'), Buffer.from('aaa'));
    const reader = await store(true);
    assert.deepEqual(
      reader.list().map((e) => e.id),
      [a.id],
    );
    await writer.clear(); // a new, empty index renamed into place
    const later = [];
    for (let i = 0; i < 4; i++) {
      later.push((await writer.append(draft(`/later/${i}`), Buffer.from(`b${i}`))).id);
    }
    assert.ok((await fsp.stat(index)).size > 0);
    const change = await reader.refresh();
    assert.deepEqual(change?.removed, [a.id]);
    assert.deepEqual(change?.added.map((e) => e.id).sort(), [...later].sort());
    assert.deepEqual(
      reader
        .list()
        .map((e) => e.url)
        .sort(),
      ['/later/0', '/later/1', '/later/2', '/later/3'],
    );
    // The reader now follows the new file from its end: one more append is one more event.
    const next = await writer.append(draft('/next'), Buffer.from('n'));
    assert.deepEqual(
      (await reader.refresh())?.added.map((e) => e.id),
      [next.id],
    );
    assert.equal(reader.size, 5);
  });

  test('an index cut shorter in place is read again from its start', async () => {
    const writer = await store(false);
    const a = await writer.append(draft('/a'), Buffer.from('aaa'));
    const aEnd = (await fsp.stat(index)).size;
    const b = await writer.append(draft('/b'), Buffer.from('bbb'));
    await writer.close();
    const reader = await store(true);
    assert.equal(reader.size, 2);
    const ino = (await fsp.stat(index)).ino;
    await fsp.truncate(index, aEnd);
    assert.equal((await fsp.stat(index)).ino, ino, 'the same file');
    const change = await reader.refresh();
    assert.deepEqual(change?.removed, [b.id]);
    assert.deepEqual(
      reader.list().map((e) => e.id),
      [a.id],
    );
  });

  test('the index taken away empties the reader; a path that cannot be opened changes nothing', async () => {
    const writer = await store(false);
    const a = await writer.append(draft('/a'), Buffer.from('aaa'));
    await writer.close();
    const reader = await store(true);
    assert.equal(reader.size, 1);
    // ENOTDIR: the folder is replaced by a file for a moment (not "no index": the reader keeps what it has).
    const moved = `${dir}.moved`;
    await fsp.rename(dir, moved);
    await fsp.writeFile(dir, 'not a folder');
    try {
      assert.equal(await reader.refresh(), undefined);
      assert.equal(reader.size, 1);
    } finally {
      await fsp.rm(dir);
      await fsp.rename(moved, dir);
    }
    await fsp.rm(index);
    const change = await reader.refresh();
    assert.deepEqual(change?.removed, [a.id], 'no index: every event is gone');
    assert.equal(reader.size, 0);
    assert.equal(await reader.refresh(), undefined, 'still none, and nothing to remove');
  });

  test('an event added and deleted between two looks is not reported; one line still being written waits', async () => {
    const writer = await store(false);
    const reader = await store(true);
    const keep = await writer.append(draft('/keep'), Buffer.from('k'));
    const gone = await writer.append(draft('/gone'), Buffer.from('g'));
    await writer.delete([gone.id]);
    const change = await reader.refresh();
    assert.deepEqual(
      change?.added.map((e) => e.id),
      [keep.id],
    );
    assert.equal(reader.get(gone.id), undefined);

    // Half a line at the end: nothing yet; the rest of it: the event.
    const full = await fsp.readFile(index);
    const c = await writer.append(draft('/c'), Buffer.from('c'));
    const line = (await fsp.readFile(index)).subarray(full.length);
    await writer.close();
    await fsp.truncate(index, full.length + 10);
    assert.equal(await reader.refresh(), undefined, 'a line without its newline is not read');
    await fsp.writeFile(index, line.subarray(10), { flag: 'a' });
    assert.deepEqual(
      (await reader.refresh())?.added.map((e) => e.id),
      [c.id],
    );
  });

  test('a reload compares with the line loaded before; one changed on disk since counts as changed', async () => {
    const writer = await store(false);
    const a = await writer.append(draft('/a'), Buffer.from('aaa'));
    await writer.close();
    const reader = await store(true);
    // A compaction's new file (the same line), while the old file's line is overwritten in place (one byte
    // of the url); then the event is pinned in the new file before the reader looks.
    const original = await fsp.readFile(index);
    await fsp.writeFile(`${index}.new`, original);
    const handle = await fsp.open(index, 'r+');
    await handle.write(Buffer.from('/z'), 0, 2, original.indexOf('/a'));
    await handle.close();
    await fsp.rename(`${index}.new`, index);
    const again = await store(false);
    await again.setPinned(a.id, true);
    const change = await reader.refresh();
    assert.deepEqual(
      change?.updated.map((e) => e.id),
      [a.id],
      'the old line can no longer be read: counted as changed',
    );
    assert.deepEqual([reader.get(a.id)?.url, reader.get(a.id)?.pinned], ['/a', true]);
  });

  test('a change that came back to the old bytes is still a change to a reader that saw it', async () => {
    const writer = await store(false);
    const a = await writer.append(draft('/a'), Buffer.from('aaa'));
    const b = await writer.append(draft('/b'), Buffer.from('bbb'));
    await writer.close();
    const original = await fsp.readFile(index); // the two add lines, as a compaction would write them again
    const reader = await store(true);
    assert.equal(reader.get(b.id)?.url, '/b', 'b is parsed; a is not');
    const again = await store(false);
    await again.setPinned(a.id, true);
    await again.setPinned(b.id, true);
    assert.deepEqual((await reader.refresh())?.updated.map((e) => e.id).sort(), [a.id, b.id].sort());
    assert.equal(reader.get(b.id)?.pinned, true);
    // Unpinned again, then compacted: the new file holds the very lines the reader first loaded, but the
    // events are no longer what the reader holds (a changed while unparsed, b parsed and changed).
    await again.setPinned(a.id, false);
    await again.setPinned(b.id, false);
    await again.close();
    await fsp.writeFile(`${index}.new`, original);
    await fsp.rename(`${index}.new`, index);
    const change = await reader.refresh();
    assert.deepEqual(change?.updated.map((e) => e.id).sort(), [a.id, b.id].sort());
    assert.equal(reader.get(a.id)?.pinned, undefined);
    assert.equal(reader.get(b.id)?.pinned, undefined);
  });

  test('a change made after a compaction is seen by a reload that finds the line itself unchanged', async () => {
    const writer = await store(false);
    const a = await writer.append(draft('/a'), Buffer.from('aaa'));
    await writer.close();
    const reader = await store(true);
    // A new file with the same line (a compaction), then a pin appended to it before the reader looks.
    await fsp.writeFile(`${index}.new`, await fsp.readFile(index));
    await fsp.rename(`${index}.new`, index);
    const again = await store(false);
    await again.setPinned(a.id, true);
    const change = await reader.refresh();
    assert.deepEqual(
      change?.updated.map((e) => e.id),
      [a.id],
    );
    assert.equal(reader.get(a.id)?.pinned, true);
  });

  test('refreshes leave no file handle open, with or without a reload, also when one fails', async () => {
    const writer = await store(false);
    const reader = await store(true);
    // Counted around each refresh alone (the writer's files stay as they are meanwhile): a handle left open
    // would be closed by the garbage collector only later, so the count right after the refresh shows it.
    const around = async (what: string) => {
      const before = openFds();
      const change = await reader.refresh();
      if (before !== undefined) {
        assert.equal(openFds(), before, `file descriptors around a refresh (${what})`);
      }
      return change;
    };
    for (let i = 0; i < 5; i++) {
      await writer.append(draft(`/n/${i}`), Buffer.from('n'));
      assert.equal((await around('an append: read from where it stopped'))?.added.length, 1);
      assert.equal(await around('nothing new'), undefined);
      await writer.clear(); // a compaction: the whole index again
      assert.equal((await around('a reload'))?.removed.length, 1);
    }
    assert.equal(reader.size, 0);
    // An index that cannot be read (a folder in its place): the refresh fails and closes what it opened.
    await writer.close();
    await fsp.rm(index);
    await fsp.mkdir(index);
    const fds = openFds();
    await assert.rejects(reader.refresh(), /EISDIR/);
    assert.equal(openFds(), fds, 'the handle of a reload that failed is closed');
    await fsp.rmdir(index);
    const writer2 = await store(false);
    const last = await writer2.append(draft('/last'), Buffer.from('l'));
    assert.deepEqual(
      (await reader.refresh())?.added.map((e) => e.id),
      [last.id],
    );
  });
});
