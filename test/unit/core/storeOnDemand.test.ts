// Events read back from the index on demand (src/core/store/source.ts, entry.ts): a load keeps where each
// event's line is, not its bytes, and reads the line when the event is first asked for. These tests reopen
// stores so that their events are unparsed, then change the files under them: compaction by this process and
// by another, a torn tail, a corrupt line, a truncated body segment.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { CapturedEvent } from '../../../src/core/model/event';
import { EventStore } from '../../../src/core/store';
import { sourceMode } from '../../../src/core/store/source';
import { draft, recordingLogger } from '../../support/store';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-store-ondemand-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const indexPath = () => path.join(dir, 'index.jsonl');
const readLines = async () => (await fsp.readFile(indexPath(), 'utf8')).split('\n').filter(Boolean);
const urls = (store: EventStore): string[] => store.list().map((e) => e.url);

/** Writes `count` events (`/0`, `/1`, …) with bodies `body-<i>` in one group commit; returns them oldest first. */
async function fill(count: number, options: { maxEvents?: number; segmentSize?: number } = {}): Promise<CapturedEvent[]> {
  const store = await EventStore.open(dir, { maxEvents: options.maxEvents ?? 10_000, segmentSize: options.segmentSize });
  const events = await Promise.all(Array.from({ length: count }, (_, i) => store.append(draft(`/${i}`, 6), Buffer.from(`body-${i}`))));
  await store.close();
  return events;
}

/** Every event of `store` with its body, newest first. */
async function snapshot(store: EventStore): Promise<Array<{ event: CapturedEvent; body: string }>> {
  return Promise.all(store.list().map(async (event) => ({ event, body: (await store.readBody(event.id)).toString() })));
}

for (const holdOpen of [true, false]) {
  describe(
    holdOpen ? 'events read from the index on demand (the file held open)' : 'events read from the index in memory (as on Windows)',
    () => {
      const platformDefault = sourceMode.holdOpen;
      beforeEach(() => {
        sourceMode.holdOpen = holdOpen;
      });
      afterEach(() => {
        sourceMode.holdOpen = platformDefault;
      });

      test('after reopen: each event is read back whole when asked for, the page first, the rest later', async () => {
        const written = await fill(50);
        const store = await EventStore.open(dir, { maxEvents: 10_000 });
        assert.deepEqual(
          store.list(0, 3).map((e) => e.id),
          written
            .slice(-3)
            .reverse()
            .map((e) => e.id),
        );
        assert.deepEqual(store.get(written[10]!.id), written[10]);
        assert.deepEqual(store.list(), [...written].reverse());
        assert.equal((await store.readBody(written[7]!.id)).toString(), 'body-7');
        await store.close();
      });

      test('an event whose line changed on disk after the load is refused when read, not returned changed', async () => {
        const written = await fill(3);
        const store = await EventStore.open(dir, { maxEvents: 10, readOnly: true });
        // Same length, same place: only the checksum read again with the line can tell.
        const text = await fsp.readFile(indexPath(), 'utf8');
        await fsp.writeFile(indexPath(), text.replace('"url":"/1"', '"url":"/9"'));
        assert.deepEqual(store.get(written[0]!.id), written[0]);
        if (holdOpen) {
          assert.throws(() => store.get(written[1]!.id), /changed on disk/);
        } else {
          assert.deepEqual(store.get(written[1]!.id), written[1], 'the bytes in memory are those loaded');
        }
        await store.close();
      });

      test('after this process compacts: unparsed events are read from the new index, the old one is gone', async () => {
        const written = await fill(600);
        const store = await EventStore.open(dir, { maxEvents: 10_000 });
        const before = await fsp.stat(indexPath());
        // 550 deletes leave over 1,000 dead lines for 50 live events: the delete compacts.
        await store.delete(written.slice(0, 550).map((e) => e.id));
        const after = await fsp.stat(indexPath());
        assert.notEqual(after.ino, before.ino, 'a new index was renamed into place');
        assert.equal((await readLines()).length, 50);
        const kept = written.slice(550).reverse();
        assert.deepEqual(store.list(), kept);
        await store.append(draft('/new', 1), Buffer.from('n'));
        await store.close();
        const reopened = await EventStore.open(dir, { maxEvents: 10_000 });
        assert.deepEqual(reopened.list().slice(1), kept);
        assert.equal((await reopened.readBody(kept[0]!.id)).toString(), 'body-599');
        await reopened.close();
      });

      test('changes recorded before the compaction are kept for events that were never parsed', async () => {
        const written = await fill(600);
        const store = await EventStore.open(dir, { maxEvents: 10_000 });
        const [a, b] = [written[598]!, written[599]!];
        await store.update(a.id, { eventType: 'push', pinned: true });
        await store.appendTo(b.id, 'deliveries', { at: 1 }, 5);
        await store.close();
        const reopened = await EventStore.open(dir, { maxEvents: 10_000 });
        await reopened.delete(written.slice(0, 550).map((e) => e.id));
        assert.equal((await readLines()).length, 50, 'compacted');
        assert.deepEqual(reopened.get(a.id), { ...a, eventType: 'push', pinned: true });
        assert.deepEqual(reopened.get(b.id), { ...b, deliveries: [{ at: 1 }] });
        await reopened.close();
      });

      test('a reader in another process keeps reading while the writer compacts, then reloads the new index', async () => {
        const written = await fill(600);
        const writer = await EventStore.open(dir, { maxEvents: 10_000 });
        const reader = await EventStore.open(dir, { maxEvents: 10_000, readOnly: true });
        assert.deepEqual(reader.list(0, 1), [written[599]]);
        const gone = written.slice(0, 550).map((e) => e.id);
        await writer.delete(gone);
        // The old index was replaced; the reader's events are still read from the file it loaded.
        assert.equal((await readLines()).length, 50);
        assert.deepEqual(reader.get(written[3]!.id), written[3]);
        assert.deepEqual(reader.list(), [...written].reverse());
        const change = await reader.refresh();
        assert.deepEqual([...(change?.removed ?? [])].sort(), [...gone].sort());
        assert.deepEqual(change?.added, []);
        assert.deepEqual(change?.updated, [], 'events copied as they were are not reported as changed');
        assert.deepEqual(await snapshot(reader), await snapshot(writer));
        // After the reload, appends are picked up from the new file as before.
        const late = await writer.append(draft('/late', 4), Buffer.from('late'));
        await writer.update(written[599]!.id, { eventType: 'ping' });
        const next = await reader.refresh();
        assert.deepEqual(next?.added, [late]);
        assert.deepEqual(next?.updated, [{ ...written[599]!, eventType: 'ping' }]);
        assert.deepEqual(await snapshot(reader), await snapshot(writer));
        await reader.close();
        await writer.close();
      });

      test('a reader reloading after a compaction reports the events that changed meanwhile as updated', async () => {
        const written = await fill(600);
        const writer = await EventStore.open(dir, { maxEvents: 10_000 });
        const reader = await EventStore.open(dir, { maxEvents: 10_000, readOnly: true });
        const target = written[599]!;
        await writer.update(target.id, { eventType: 'ping' });
        await writer.delete(written.slice(0, 550).map((e) => e.id));
        const change = await reader.refresh();
        assert.deepEqual(change?.updated, [{ ...target, eventType: 'ping' }]);
        assert.equal(change?.removed.length, 550);
        await reader.close();
        await writer.close();
      });

      test('a torn tail: the complete lines load and are read on demand; the torn one is gone for writer and reader', async () => {
        const written = await fill(5);
        const text = await fsp.readFile(indexPath(), 'utf8');
        await fsp.writeFile(indexPath(), text.slice(0, text.length - 20));
        const reader = await EventStore.open(dir, { maxEvents: 10, readOnly: true });
        const kept = written.slice(0, 4).reverse();
        assert.deepEqual(reader.list(), kept);
        const logger = recordingLogger();
        const writer = await EventStore.open(dir, { maxEvents: 10, logger });
        assert.ok(logger.warnings.some((w) => /torn record/.test(w)));
        assert.deepEqual(writer.list(), kept);
        const after = await writer.append(draft('/after', 5), Buffer.from('after'));
        assert.deepEqual((await reader.refresh())?.added, [after]);
        await writer.close();
        const again = await EventStore.open(dir, { maxEvents: 10 });
        assert.deepEqual(await snapshot(again), await snapshot(reader));
        await reader.close();
        await again.close();
      });

      test('a corrupt line in the middle: skipped; the events around it are read on demand, before and after the rewrite', async () => {
        const written = await fill(5);
        const lines = await readLines();
        lines[2] = lines[2]!.replace('"url":"/2"', '"url":"/X"');
        await fsp.writeFile(indexPath(), lines.join('\n') + '\n');
        const expected = [written[4], written[3], written[1], written[0]];
        const reader = await EventStore.open(dir, { maxEvents: 10, readOnly: true });
        // The writer rewrites an index with a skipped line at open: the reader still reads the file it loaded.
        const logger = recordingLogger();
        const writer = await EventStore.open(dir, { maxEvents: 10, logger });
        assert.ok(logger.warnings.some((w) => /corrupt record on line 3/.test(w)));
        assert.equal((await readLines()).length, 4);
        assert.deepEqual(writer.list(), expected);
        assert.deepEqual(reader.list(), expected);
        assert.equal((await writer.readBody(written[3]!.id)).toString(), 'body-3');
        await writer.close();
        await reader.close();
      });

      test('a body segment one byte short: the event whose body it cut is skipped, the others read on demand', async () => {
        const written = await fill(4);
        const seg = path.join(dir, 'bodies', '000001.seg');
        const { size } = await fsp.stat(seg);
        await fsp.truncate(seg, size - 1);
        const logger = recordingLogger();
        const store = await EventStore.open(dir, { maxEvents: 10, logger });
        assert.ok(logger.warnings.some((w) => /line 4 .* body is missing or damaged/.test(w)));
        assert.deepEqual(urls(store), ['/2', '/1', '/0']);
        assert.deepEqual(store.list(), written.slice(0, 3).reverse());
        assert.deepEqual(await Promise.all(store.list().map(async (e) => (await store.readBody(e.id)).toString())), [
          'body-2',
          'body-1',
          'body-0',
        ]);
        await store.close();
      });

      test('after close, an event not read yet says the store is closed', async () => {
        const written = await fill(2);
        const store = await EventStore.open(dir, { maxEvents: 10, readOnly: true });
        assert.deepEqual(store.get(written[1]!.id), written[1]);
        await store.close();
        assert.deepEqual(store.get(written[1]!.id), written[1], 'an event read before stays readable');
        assert.throws(() => store.get(written[0]!.id), /The event store is closed/);
      });

      test('a line longer than a load reads at a time loads whole', async () => {
        const store = await EventStore.open(dir, { maxEvents: 10 });
        const big = await store.append({ ...draft('/big', 1), headers: [['X-Long', 'y'.repeat(9 * 1024 * 1024)]] }, Buffer.from('b'));
        const small = await store.append(draft('/small', 1), Buffer.from('s'));
        await store.close();
        const reopened = await EventStore.open(dir, { maxEvents: 10, readOnly: true });
        assert.deepEqual(reopened.list(), [small, big]);
        await reopened.close();
      });
    },
  );
}
