// A read-only store follows the process that writes it (EventStore.refresh): appends, updates,
// deletions and a compaction (a new index renamed into place) show up without reopening.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { readReceiverStatus, ReceiverStatusWriter } from '../../../src/core/receiverStatusFile';
import { type EventDraft, EventStore, type StoreChange } from '../../../src/core/store';

function draft(url: string): EventDraft {
  return {
    method: 'POST',
    url,
    headers: [['X-Test', url]],
    remoteAddress: '127.0.0.1',
    size: 3,
    response: { status: 200, body: '', contentType: 'text/plain' },
  };
}

describe('EventStore.refresh (read-only follower)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-follow-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  test('sees appends, updates, deletes and a compaction; bodies readable; a writable store has nothing to pick up', async () => {
    const reader = await EventStore.open(dir, { maxEvents: Number.MAX_SAFE_INTEGER, readOnly: true });
    assert.equal(reader.size, 0, 'an empty folder opens read-only');
    const writer = await EventStore.open(dir, { maxEvents: 100 });
    assert.equal(await writer.refresh(), undefined);
    const changes: StoreChange[] = [];
    reader.onDidChange((c) => changes.push(c));

    const a = await writer.append(draft('/a'), Buffer.from('aaa'));
    const b = await writer.append(draft('/b'), Buffer.from('bbb'));
    const change = await reader.refresh();
    assert.deepEqual(
      change?.added.map((e) => e.id),
      [a.id, b.id],
    );
    assert.deepEqual(
      reader.list().map((e) => e.id),
      [b.id, a.id],
      'newest first',
    );
    assert.equal((await reader.readBody(b.id)).toString(), 'bbb');
    assert.equal(await reader.refresh(), undefined, 'nothing new: no change');

    await writer.setPinned(a.id, true);
    assert.deepEqual(
      (await reader.refresh())?.updated.map((e) => e.id),
      [a.id],
    );
    assert.equal(reader.get(a.id)?.pinned, true);

    await writer.delete([b.id]);
    assert.deepEqual((await reader.refresh())?.removed, [b.id]);

    // clear() compacts: the index is a new file, renamed over the old one.
    await writer.clear();
    const c = await writer.append(draft('/c'), Buffer.from('ccc'));
    const after = await reader.refresh();
    assert.deepEqual(after?.removed, [a.id]);
    assert.deepEqual(
      after?.added.map((e) => e.id),
      [c.id],
    );
    assert.deepEqual(
      reader.list().map((e) => e.id),
      [c.id],
    );
    assert.equal((await reader.readBody(c.id)).toString(), 'ccc');
    assert.equal(changes.length, 4, 'onDidChange fired once per refresh that found something');
    await writer.close();
    await reader.close();
  });

  test('receiver.json is trusted only while its pid is alive', async () => {
    const w = new ReceiverStatusWriter(dir, process.pid);
    await w.write({
      state: 'running',
      url: 'http://127.0.0.1:4000',
      tunnel: { mode: 'localtunnel', state: 'online', publicUrl: 'https://x.loca.lt' },
      publicUrl: 'https://x.loca.lt',
    });
    const r = await readReceiverStatus(dir);
    assert.deepEqual(
      [r?.state, r?.url, r?.publicUrl, r?.tunnel?.state, r?.pid],
      ['running', 'http://127.0.0.1:4000', 'https://x.loca.lt', 'online', process.pid],
    );
    assert.equal(await readReceiverStatus(dir, () => false), undefined, 'a dead writer: not running');
    await w.remove();
    assert.equal(await readReceiverStatus(dir), undefined);
  });
});
