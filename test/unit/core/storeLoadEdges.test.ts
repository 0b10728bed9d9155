// When the event store rewrites its index (src/core/store/index.ts and the threshold in indexLog.ts): an
// index of the earlier line form is rewritten at open, a few dead lines are not (neither at open nor on
// eviction), the threshold is "more dead lines than max(1000, twice the live events)" and only deletes
// and evictions check it. Also what a batch fires, that appends queued during a write go out together,
// and that a reader's refresh reports nothing when nothing changed or when it is closed.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EventStore, type StoreChange } from '../../../src/core/store';
import { Gate, draft, turns } from '../../support/store';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-store-load-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const indexPath = () => path.join(dir, 'index.jsonl');
const indexLines = async () => (await fsp.readFile(indexPath(), 'utf8')).split('\n').filter(Boolean);

/** Appends `n` events at once (one group write), urls `/<from>` … */
async function appendGroup(store: EventStore, from: number, n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => store.append(draft(`/${from + i}`, 0), undefined)));
}

describe('index rewrites at open', () => {
  test('an index of the earlier form (no checksums) is rewritten in the current form at open', async () => {
    const event = { ...draft('/legacy', 0), id: 'evt_legacy', receivedAt: '2020-01-01T00:00:00.000Z' };
    await fsp.writeFile(indexPath(), `${JSON.stringify({ op: 'add', e: event })}\n`);
    const store = await EventStore.open(dir, { maxEvents: 10 });
    assert.equal(store.get('evt_legacy')?.url, '/legacy');
    const lines = await indexLines();
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^\{"op":"add","id":"evt_legacy".*,"c":"[0-9a-f]{8}"\}$/);
    await store.close();
  });

  test('a few dead lines are left alone: neither the eviction nor the next open rewrites the index', async () => {
    const store = await EventStore.open(dir, { maxEvents: 1 });
    await store.append(draft('/a', 0), undefined);
    await store.append(draft('/b', 0), undefined);
    await store.close();
    assert.equal((await indexLines()).length, 3, 'two adds and the del of the evicted one');
    const reopened = await EventStore.open(dir, { maxEvents: 1 });
    assert.deepEqual(
      reopened.list().map((e) => e.url),
      ['/b'],
    );
    assert.equal((await indexLines()).length, 3);
    await reopened.close();
  });
});

describe('the compaction threshold', () => {
  test('exactly 1000 dead lines do not yet rewrite the index', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    for (let g = 0; g < 6; g++) {
      await appendGroup(store, g * 100, 100);
    }
    await store.close(); // waits for a compaction the last eviction may have started
    // 600 adds and 500 dels: 1000 dead lines, 100 live events.
    assert.equal((await indexLines()).length, 1100);
  });

  test('past 1000, the bar is twice the live events: 1002 dead lines beside 600 live ones stay, also across a reopen', async () => {
    const store = await EventStore.open(dir, { maxEvents: 600 });
    await appendGroup(store, 0, 600);
    await appendGroup(store, 600, 501);
    assert.equal(store.size, 600);
    await store.close();
    assert.equal((await indexLines()).length, 1602);
    const reopened = await EventStore.open(dir, { maxEvents: 600 });
    assert.equal(reopened.size, 600);
    assert.equal((await indexLines()).length, 1602);
    await reopened.close();
  });

  test('dead lines from updates are not compacted by the next append (only deletes and evictions check)', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10 });
    const { id } = await store.append(draft('/a', 0), undefined);
    await store.updateMany(Array.from({ length: 1001 }, (_, i) => ({ id, patch: { eventType: `t${i}` } })));
    await store.append(draft('/b', 0), undefined);
    assert.equal(store.get(id)?.eventType, 't1000');
    await store.close();
    assert.equal((await indexLines()).length, 1003);
  });
});

describe('batches', () => {
  test('an append fires one change: the event added, nothing removed or updated', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10 });
    const changes: StoreChange[] = [];
    store.onDidChange((c) => changes.push(c));
    const e = await store.append(draft('/a', 0), undefined);
    assert.deepEqual(changes, [{ added: [e], removed: [], updated: [], evicted: 0 }]);
    await store.close();
  });

  test('appends queued while a write is under way go out together in the next write', async () => {
    const gate = new Gate();
    let held = false;
    const store = await EventStore.open(dir, {
      maxEvents: 10,
      io: {
        writev: async (_file, fh, chunks, position) => {
          if (!held) {
            held = true;
            await gate.pass();
          }
          return (await fh.writev(chunks, position)).bytesWritten;
        },
      },
    });
    const changes: StoreChange[] = [];
    store.onDidChange((c) => changes.push(c));
    const first = store.append(draft('/1', 0), undefined);
    await gate.entered;
    const second = store.append(draft('/2', 0), undefined);
    await turns();
    const third = store.append(draft('/3', 0), undefined);
    await turns();
    gate.open();
    await Promise.all([first, second, third]);
    assert.deepEqual(
      changes.map((c) => c.added.map((e) => e.url)),
      [['/1'], ['/2', '/3']],
    );
    await store.close();
  });
});

describe('a reader’s refresh', () => {
  test('a closed reader reports nothing, even when the writer appended since', async () => {
    const writer = await EventStore.open(dir, { maxEvents: 10 });
    await writer.append(draft('/a', 0), undefined);
    const reader = await EventStore.open(dir, { maxEvents: 10, readOnly: true });
    await reader.close();
    await writer.append(draft('/b', 0), undefined);
    assert.equal(await reader.refresh(), undefined);
    assert.equal(reader.size, 1);
    await writer.close();
  });

  test('new lines that change no event (a corrupt one) are no change: refresh answers undefined and fires nothing', async () => {
    const writer = await EventStore.open(dir, { maxEvents: 10 });
    await writer.append(draft('/a', 0), undefined);
    await writer.close();
    const reader = await EventStore.open(dir, { maxEvents: 10, readOnly: true });
    const changes: StoreChange[] = [];
    reader.onDidChange((c) => changes.push(c));
    await fsp.appendFile(indexPath(), 'not a record\n');
    assert.equal(await reader.refresh(), undefined);
    assert.deepEqual(changes, []);
    assert.equal(reader.size, 1);
    await reader.close();
  });
});
