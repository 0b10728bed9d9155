// The event store's public behaviour around events (src/core/store/index.ts): paging, unknown ids,
// what each change fires and writes (and that a change to nothing writes nothing), eviction at
// maxEvents whose `del` records outlast a reopen with a larger bound, close, and the index rewrites.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EventStore, type StoreChange, newEventId } from '../../../src/core/store';
import { draft, recordingLogger } from '../../support/store';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-store-events-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const indexPath = () => path.join(dir, 'index.jsonl');
const readIndex = () => fsp.readFile(indexPath(), 'utf8');
const indexLines = async () => (await readIndex()).split('\n').filter(Boolean);
const urls = (events: readonly { url: string }[]) => events.map((e) => e.url);

/** A store with events /0 … /(n-1), one-byte bodies, and the changes it fires from then on. */
async function storeWith(n: number, maxEvents = 100): Promise<{ store: EventStore; ids: string[]; changes: StoreChange[] }> {
  const store = await EventStore.open(dir, { maxEvents });
  const ids = [];
  for (let i = 0; i < n; i++) {
    ids.push((await store.append(draft(`/${i}`, 1), Buffer.from(String(i)))).id);
  }
  const changes: StoreChange[] = [];
  store.onDidChange((c) => changes.push(c));
  return { store, ids, changes };
}

describe('reading', () => {
  test('list pages newest first by offset and limit', async () => {
    const { store } = await storeWith(5);
    assert.deepEqual(urls(store.list()), ['/4', '/3', '/2', '/1', '/0']);
    assert.deepEqual(urls(store.list(0, 1)), ['/4']);
    assert.deepEqual(urls(store.list(0, 2)), ['/4', '/3']);
    assert.deepEqual(urls(store.list(1, 2)), ['/3', '/2']);
    assert.deepEqual(urls(store.list(3)), ['/1', '/0']);
    assert.deepEqual(urls(store.list(3, 10)), ['/1', '/0']);
    assert.deepEqual(urls(store.list(5)), []);
    assert.deepEqual(urls(store.list(0, 5)), ['/4', '/3', '/2', '/1', '/0']);
    await store.close();
  });

  test('unknown ids: get and bodyFile answer undefined, readBody rejects', async () => {
    const { store } = await storeWith(1);
    assert.equal(store.get('evt_nope'), undefined);
    assert.equal(store.bodyFile('evt_nope'), undefined);
    await assert.rejects(store.readBody('evt_nope'), /No event with id evt_nope\./);
    await store.close();
  });

  test('an event gets an id and receivedAt from the clock unless the draft has them', async () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    const store = await EventStore.open(dir, { maxEvents: 10, now: () => at });
    const fresh = await store.append(draft('/fresh', 0), undefined);
    assert.equal(fresh.receivedAt, '2026-03-04T05:06:07.089Z');
    assert.match(fresh.id, new RegExp(`^evt_${at.getTime().toString(36).padStart(9, '0')}[0-9a-f]{10}$`));
    const given = await store.append({ ...draft('/given', 0), id: 'evt_given', receivedAt: '2020-01-01T00:00:00.000Z' }, undefined);
    assert.equal(given.id, 'evt_given');
    assert.equal(given.receivedAt, '2020-01-01T00:00:00.000Z');
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 10 });
    assert.equal(reopened.get(fresh.id)?.receivedAt, '2026-03-04T05:06:07.089Z');
    await reopened.close();
  });
});

describe('changes', () => {
  test('update returns the changed event, fires one change, and survives a reopen', async () => {
    const { store, ids, changes } = await storeWith(2);
    const updated = await store.update(ids[0]!, { eventType: 'push' });
    assert.equal(updated?.eventType, 'push');
    assert.equal(updated?.url, '/0');
    assert.deepEqual(changes, [{ added: [], removed: [], updated: [updated], evicted: 0 }]);
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.equal(reopened.get(ids[0]!)?.eventType, 'push');
    await reopened.close();
  });

  test('updateMany writes several updates with one change; unknown ids are left out', async () => {
    const { store, ids, changes } = await storeWith(3);
    await store.updateMany([
      { id: ids[0]!, patch: { eventType: 'a' } },
      { id: 'evt_nope', patch: { eventType: 'x' } },
      { id: ids[2]!, patch: { eventType: 'c' } },
    ]);
    assert.equal(changes.length, 1);
    assert.deepEqual(
      changes[0]!.updated.map((e) => [e.url, e.eventType]),
      [
        ['/0', 'a'],
        ['/2', 'c'],
      ],
    );
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.deepEqual(
      reopened.list().map((e) => e.eventType ?? null),
      ['c', null, 'a'],
    );
    await reopened.close();
  });

  test('appendTo keeps the newest `keep` items (whole, at least one), one change each, and survives a reopen', async () => {
    const { store, ids, changes } = await storeWith(2);
    for (let n = 1; n <= 4; n++) {
      await store.appendTo(ids[0]!, 'deliveries', { n }, 2.9);
    }
    const last = await store.appendTo(ids[1]!, 'deliveries', { n: 1 }, 0);
    await store.appendTo(ids[1]!, 'deliveries', { n: 2 }, 0);
    assert.deepEqual((last as unknown as { deliveries: unknown[] }).deliveries, [{ n: 1 }]);
    assert.equal(changes.length, 6);
    assert.deepEqual(
      changes.map((c) => c.updated.map((e) => e.url)),
      [['/0'], ['/0'], ['/0'], ['/0'], ['/1'], ['/1']],
    );
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    const deliveries = (id: string) => (reopened.get(id) as unknown as { deliveries: unknown[] }).deliveries;
    assert.deepEqual(deliveries(ids[0]!), [{ n: 3 }, { n: 4 }]);
    assert.deepEqual(deliveries(ids[1]!), [{ n: 2 }]);
    await reopened.close();
  });

  test('changes to unknown ids write nothing and fire nothing', async () => {
    const { store, ids, changes } = await storeWith(1);
    const before = await readIndex();
    assert.equal(await store.update('evt_nope', { eventType: 'x' }), undefined);
    assert.equal(await store.appendTo('evt_nope', 'deliveries', { n: 1 }, 5), undefined);
    await store.updateMany([{ id: 'evt_nope', patch: { eventType: 'x' } }]);
    assert.equal(await store.setPinned('evt_nope', true), undefined);
    assert.equal(await store.delete(['evt_nope']), 0);
    assert.equal(await store.delete([]), 0);
    assert.equal(await readIndex(), before);
    assert.deepEqual(changes, []);
    assert.equal(store.get(ids[0]!)?.url, '/0');
    await store.close();
  });

  test('unpinning clears the pin, and the event can be evicted again', async () => {
    const { store, ids } = await storeWith(2, 2);
    assert.equal((await store.setPinned(ids[0]!, true))?.pinned, true);
    const unpinned = await store.setPinned(ids[0]!, false);
    assert.equal(unpinned?.pinned, undefined);
    await store.append(draft('/2', 1), Buffer.from('2'));
    assert.deepEqual(urls(store.list()), ['/2', '/1']);
    await store.close();
  });

  test('delete removes the live ids it is given (and only those), fires one change, and survives a reopen', async () => {
    const { store, ids, changes } = await storeWith(3);
    assert.equal(await store.delete([ids[1]!, 'evt_nope']), 1);
    assert.deepEqual(changes, [{ added: [], removed: [ids[1]], updated: [], evicted: 0 }]);
    assert.deepEqual(urls(store.list()), ['/2', '/0']);
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.deepEqual(urls(reopened.list()), ['/2', '/0']);
    await reopened.close();
  });

  test('clear fires one change with every id', async () => {
    const { store, ids, changes } = await storeWith(2);
    assert.equal(await store.clear(), 2);
    assert.deepEqual(changes, [{ added: [], removed: ids, updated: [], evicted: 0 }]);
    await store.close();
  });

  test('delete and clear hold after a reopen even when the index could not be compacted', async () => {
    const { store, ids } = await storeWith(3);
    // A folder where compaction writes its new index: the rewrite fails, the old index (with the records) stays.
    await fsp.mkdir(`${indexPath()}.tmp`);
    const logger = recordingLogger();
    await store.close();
    const writer = await EventStore.open(dir, { maxEvents: 100, logger });
    await writer.delete([ids[0]!]);
    await writer.clear();
    assert.ok(
      logger.warnings.some((w) => /compaction failed, the old index stays/.test(w)),
      logger.warnings.join('\n'),
    );
    await writer.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.equal(reopened.size, 0);
    await reopened.close();
    await fsp.rmdir(`${indexPath()}.tmp`);
    const again = await EventStore.open(dir, { maxEvents: 100 });
    assert.equal(again.size, 0);
    await again.close();
  });
});

describe('maxEvents', () => {
  test('events evicted on append stay gone after a reopen with a larger bound', async () => {
    const { store } = await storeWith(3, 2);
    assert.deepEqual(urls(store.list()), ['/2', '/1']);
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.deepEqual(urls(reopened.list()), ['/2', '/1']);
    await reopened.close();
  });

  test('a store opened with a smaller bound evicts at open, and that outlasts a reopen with a larger one', async () => {
    const { store } = await storeWith(4);
    await store.close();
    const smaller = await EventStore.open(dir, { maxEvents: 2 });
    assert.deepEqual(urls(smaller.list()), ['/3', '/2']);
    await smaller.close();
    const larger = await EventStore.open(dir, { maxEvents: 100 });
    assert.deepEqual(urls(larger.list()), ['/3', '/2']);
    await larger.close();
  });

  test('setMaxEvents: a lower bound evicts at once (written), a higher one changes nothing, at least 1 is kept', async () => {
    const { store, ids, changes } = await storeWith(3);
    const before = await readIndex();
    await store.setMaxEvents(5);
    assert.equal(store.maxEventsLimit, 5);
    assert.equal(store.size, 3);
    assert.equal(await readIndex(), before, 'nothing to evict: nothing written');
    assert.deepEqual(changes, []);
    await store.setMaxEvents(2);
    assert.deepEqual(changes, [{ added: [], removed: [ids[0]], updated: [], evicted: 1 }]);
    await store.setMaxEvents(0);
    assert.equal(store.maxEventsLimit, 1);
    assert.deepEqual(urls(store.list()), ['/2']);
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.deepEqual(urls(reopened.list()), ['/2']);
    await reopened.close();
  });

  test('a reader takes a lower bound without writing or dropping anything', async () => {
    const { store } = await storeWith(3);
    const reader = await EventStore.open(dir, { maxEvents: 100, readOnly: true });
    const before = await readIndex();
    await reader.setMaxEvents(1);
    assert.equal(reader.maxEventsLimit, 1);
    assert.equal(reader.size, 3);
    assert.equal(await readIndex(), before);
    await reader.close();
    await store.close();
  });
});

describe('close', () => {
  test('an append not yet written when close is called is written before the files close', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10 });
    const pending = store.append(draft('/late', 4), Buffer.from('late'));
    await store.close();
    const event = await pending;
    const reopened = await EventStore.open(dir, { maxEvents: 10 });
    assert.equal((await reopened.readBody(event.id)).toString(), 'late');
    await reopened.close();
  });

  test('a closed store refuses changes', async () => {
    const { store, ids } = await storeWith(1);
    await store.close();
    assert.throws(() => store.append(draft('/x', 0), undefined), /The event store is closed\./);
    await assert.rejects(store.update(ids[0]!, { eventType: 'x' }), /The event store is closed\./);
    await assert.rejects(store.delete(ids), /The event store is closed\./);
  });
});

describe('index rewrites', () => {
  test('an index of mostly patched lines is compacted at the next delete, and loads the same', async () => {
    const { store, ids } = await storeWith(2);
    const patches = Array.from({ length: 1100 }, (_, i) => ({ id: ids[0]!, patch: { eventType: `t${i}` } }));
    await store.updateMany(patches);
    assert.equal((await indexLines()).length, 1102);
    await store.delete([ids[1]!]);
    assert.equal((await indexLines()).length, 1, 'only the live event is left');
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.equal(reopened.get(ids[0]!)?.eventType, 't1099');
    assert.equal((await reopened.readBody(ids[0]!)).toString(), '0');
    await reopened.close();
  });

  test('an index of mostly patched lines is compacted at open', async () => {
    const { store, ids } = await storeWith(1);
    await store.updateMany(Array.from({ length: 1100 }, (_, i) => ({ id: ids[0]!, patch: { eventType: `t${i}` } })));
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.equal((await indexLines()).length, 1);
    assert.equal(reopened.get(ids[0]!)?.eventType, 't1099');
    await reopened.close();
  });

  test('a writer rewrites an index with a corrupt line at open, so the next open finds nothing to skip', async () => {
    const { store } = await storeWith(3);
    await store.close();
    const lines = await indexLines();
    // Same length, valid JSON, one character changed: only the checksum tells (not a line of the earlier form).
    lines[1] = lines[1]!.replace('"url":"/1"', '"url":"/9"');
    await fsp.writeFile(indexPath(), lines.join('\n') + '\n');
    const first = recordingLogger();
    const writer = await EventStore.open(dir, { maxEvents: 100, logger: first });
    assert.ok(first.warnings.some((w) => /corrupt record on line 2/.test(w)));
    assert.equal((await indexLines()).length, 2);
    await writer.close();
    const second = recordingLogger();
    const again = await EventStore.open(dir, { maxEvents: 100, logger: second });
    assert.deepEqual(urls(again.list()), ['/2', '/0']);
    assert.deepEqual(second.warnings, []);
    await again.close();
  });

  test('a torn tail longer than the next record is cut off at open, not left behind it', async () => {
    const { store } = await storeWith(1);
    await store.close();
    const complete = await readIndex();
    await fsp.appendFile(indexPath(), `{"op":"add","id":"evt_torn","e":{"url":"${'x'.repeat(2000)}`);
    const logger = recordingLogger();
    const writer = await EventStore.open(dir, { maxEvents: 100, logger });
    assert.equal(await readIndex(), complete);
    assert.ok(
      logger.warnings.some((w) => /skipped a torn record at the end of index\.jsonl \(2040 bytes\)/.test(w)),
      logger.warnings.join('\n'),
    );
    await writer.append(draft('/after', 1), Buffer.from('a'));
    await writer.close();
    const second = recordingLogger();
    const again = await EventStore.open(dir, { maxEvents: 100, logger: second });
    assert.deepEqual(urls(again.list()), ['/after', '/0']);
    assert.deepEqual(second.warnings, []);
    await again.close();
  });
});

test('event ids of different milliseconds are drawn anew, always 10 hex digits after the time', () => {
  const base = Date.parse('2026-12-04T12:00:00.000Z');
  const ids = Array.from({ length: 200 }, (_, i) => newEventId(new Date(base + i)));
  assert.ok(
    ids.every((id) => /^evt_[0-9a-z]{9}[0-9a-f]{10}$/.test(id)),
    ids.find((id) => !/^evt_[0-9a-z]{9}[0-9a-f]{10}$/.test(id)),
  );
  const suffixes = ids.map((id) => parseInt(id.slice(-10), 16));
  const counted = suffixes.filter((s, i) => i > 0 && s === suffixes[i - 1]! + 1).length;
  assert.ok(counted < 3, `${counted} of 200 suffixes counted up from the previous millisecond's`);
});
