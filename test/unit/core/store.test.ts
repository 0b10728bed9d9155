import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EventStore, StoreLockedError, newEventId } from '../../../src/core/store';
import { draft, recordingLogger } from '../../support/store';

describe('EventStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-store-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  test('stores events and bodies, lists newest first, and keeps them across a reopen', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    const bodies = [randomBytes(1000), Buffer.alloc(0), Buffer.from('héllo wörld ✓', 'utf8'), Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28])];
    const saved = [];
    for (const [i, body] of bodies.entries()) {
      saved.push(await store.append(draft(`/hook/${i}`, body.length), body));
    }
    assert.deepEqual(
      store.list().map((e) => e.url),
      ['/hook/3', '/hook/2', '/hook/1', '/hook/0'],
    );
    await store.close();

    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.equal(reopened.size, 4);
    for (const [i, body] of bodies.entries()) {
      const event = reopened.get(saved[i]!.id);
      assert.ok(event, `event ${i} is still there`);
      assert.deepEqual(event.headers, [['Content-Type', 'application/json']]);
      assert.ok((await reopened.readBody(event.id)).equals(body), `body ${i} round-trips byte for byte`);
    }
    await reopened.close();
  });

  test('appends made together are all written, each resolving after its own write', async () => {
    // Every write that has returned, as text: at the moment an append resolves, its index line and
    // its body bytes must already be in there (written, not merely queued).
    let indexWritten = '';
    let segmentWritten = '';
    const store = await EventStore.open(dir, {
      maxEvents: 10_000,
      io: {
        writev: async (file, fh, chunks, position) => {
          const n = (await fh.writev(chunks, position)).bytesWritten;
          const text = Buffer.concat(chunks).subarray(0, n).toString('latin1');
          if (file === 'index') {
            indexWritten += text;
          } else {
            segmentWritten += text;
          }
          return n;
        },
      },
    });
    const early: string[] = [];
    const events = await Promise.all(
      Array.from({ length: 500 }, (_, i) => {
        const body = `<${String(i).padStart(4, '0')}>`;
        return store.append(draft(`/b/${i}`, 6), Buffer.from(body)).then((e) => {
          if (!indexWritten.includes(`"id":"${e.id}"`) || !segmentWritten.includes(body)) {
            early.push(e.url);
          }
          return e;
        });
      }),
    );
    assert.deepEqual(early, [], 'appends resolved before their own index line and body were written');
    assert.equal(new Set(events.map((e) => e.id)).size, 500);
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 10_000 });
    assert.equal(reopened.size, 500);
    assert.equal((await reopened.readBody(events[123]!.id)).toString(), '<0123>');
    await reopened.close();
  });

  test('bodies over the large-body threshold get a file of their own', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10, largeBodyThreshold: 1024 });
    const big = randomBytes(5000);
    const small = randomBytes(100);
    const e1 = await store.append(draft('/big', big.length), big);
    const e2 = await store.append(draft('/small', small.length), small);
    const file = store.bodyFile(e1.id);
    assert.ok(file);
    assert.ok((await fsp.readFile(file)).equals(big));
    assert.equal(store.bodyFile(e2.id), undefined);
    assert.ok((await store.readBody(e2.id)).equals(small));
    await store.delete([e1.id]);
    await assert.rejects(fsp.stat(file), /ENOENT/, 'the body file goes with its event');
    await store.close();
  });

  test('evicts the oldest unpinned events past maxEvents and keeps pinned ones', async () => {
    const store = await EventStore.open(dir, { maxEvents: 3 });
    const first = await store.append(draft('/1', 1), Buffer.from('1'));
    await store.setPinned(first.id, true);
    const evicted: number[] = [];
    store.onDidChange((c) => evicted.push(c.evicted));
    for (let i = 2; i <= 6; i++) {
      await store.append(draft(`/${i}`, 1), Buffer.from(String(i)));
    }
    assert.deepEqual(
      store.list().map((e) => e.url),
      ['/6', '/5', '/1'],
    );
    assert.ok(store.get(first.id)?.pinned);
    assert.equal(
      evicted.reduce((a, b) => a + b, 0),
      3,
    );
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 3 });
    assert.deepEqual(
      reopened.list().map((e) => e.url),
      ['/6', '/5', '/1'],
    );
    assert.equal((await reopened.readBody(first.id)).toString(), '1');
    await reopened.setMaxEvents(1);
    assert.deepEqual(
      reopened.list().map((e) => e.url),
      ['/1'],
      'a lower bound evicts at once, pinned stays',
    );
    await reopened.close();
  });

  test('delete and clear remove events and free body segments', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100, segmentSize: 64 });
    const ids = [];
    for (let i = 0; i < 10; i++) {
      ids.push((await store.append(draft(`/${i}`, 40), randomBytes(40))).id);
    }
    const segmentsBefore = (await fsp.readdir(path.join(dir, 'bodies'))).length;
    assert.ok(segmentsBefore > 3, 'small segments roll over');
    assert.equal(await store.delete(ids.slice(0, 5)), 5);
    assert.equal(store.size, 5);
    assert.ok((await fsp.readdir(path.join(dir, 'bodies'))).length < segmentsBefore, 'segments without live bodies are deleted');
    assert.equal(await store.clear(), 5);
    assert.equal(store.size, 0);
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.equal(reopened.size, 0);
    await reopened.close();
  });

  test('a torn last record and a corrupt one are skipped with a log line; the rest loads', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    const kept = [];
    for (let i = 0; i < 3; i++) {
      kept.push(await store.append(draft(`/${i}`, 3), Buffer.from(`b${i}!`)));
    }
    await store.close();
    const index = path.join(dir, 'index.jsonl');
    const lines = (await fsp.readFile(index, 'utf8')).split('\n');
    // Corrupt the middle record and append half a record, as a crash mid-write would leave it.
    lines[1] = lines[1]!.slice(0, 20) + '#garbage';
    await fsp.writeFile(index, lines.join('\n') + '{"op":"add","e":{"id":"evt_torn"');
    const logger = recordingLogger();
    const reopened = await EventStore.open(dir, { maxEvents: 100, logger });
    assert.deepEqual(
      reopened
        .list()
        .map((e) => e.url)
        .sort(),
      ['/0', '/2'],
    );
    assert.equal((await reopened.readBody(kept[2]!.id)).toString(), 'b2!');
    assert.ok(
      logger.warnings.some((w) => /torn/.test(w)),
      logger.warnings.join('\n'),
    );
    assert.ok(
      logger.warnings.some((w) => /corrupt/.test(w)),
      logger.warnings.join('\n'),
    );
    // New appends after recovery land on clean lines.
    await reopened.append(draft('/after', 1), Buffer.from('x'));
    await reopened.close();
    const again = await EventStore.open(dir, { maxEvents: 100 });
    assert.deepEqual(
      again
        .list()
        .map((e) => e.url)
        .sort(),
      ['/0', '/2', '/after'],
    );
    await again.close();
  });

  test('a record whose body bytes are missing is skipped, not returned broken', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    await store.append(draft('/a', 10), Buffer.from('0123456789'));
    await store.append(draft('/b', 10), Buffer.from('abcdefghij'));
    await store.close();
    await fsp.truncate(path.join(dir, 'bodies', '000001.seg'), 15);
    const logger = recordingLogger();
    const reopened = await EventStore.open(dir, { maxEvents: 100, logger });
    assert.deepEqual(
      reopened.list().map((e) => e.url),
      ['/a'],
    );
    assert.ok(logger.warnings.some((w) => /missing or damaged/.test(w)));
    await reopened.close();
  });

  test('a segment cut by exactly one byte: the last record is skipped with a log line, the others load', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    const a = await store.append(draft('/a', 10), Buffer.from('0123456789'));
    await store.append(draft('/b', 10), Buffer.from('abcdefghij'));
    await store.close();
    await fsp.truncate(path.join(dir, 'bodies', '000001.seg'), 19);
    const logger = recordingLogger();
    const reopened = await EventStore.open(dir, { maxEvents: 100, logger });
    assert.deepEqual(
      reopened.list().map((e) => e.url),
      ['/a'],
    );
    assert.equal((await reopened.readBody(a.id)).toString(), '0123456789');
    assert.equal(
      logger.warnings.filter((w) => /line 2 of index\.jsonl whose body is missing or damaged/.test(w)).length,
      1,
      logger.warnings.join('\n'),
    );
    await reopened.close();
  });

  test('a second writer is refused while the first holds the store; readers are not', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10 });
    await store.append(draft('/x', 1), Buffer.from('x'));
    await assert.rejects(
      EventStore.open(dir, { maxEvents: 10 }),
      (err: unknown) => err instanceof StoreLockedError && /in use by another process/.test(err.message),
    );
    const reader = await EventStore.open(dir, { maxEvents: 10, readOnly: true });
    assert.equal(reader.size, 1);
    assert.throws(() => reader.append(draft('/y', 0), undefined), /read-only/);
    await reader.close();
    await store.close();
  });

  test('a lock left by a dead process is taken over', async () => {
    await fsp.writeFile(path.join(dir, 'store.lock'), '999999999');
    const store = await EventStore.open(dir, { maxEvents: 10 });
    assert.equal(await fsp.readFile(path.join(dir, 'store.lock'), 'utf8'), String(process.pid));
    await store.close();
  });

  test('a folder that cannot be created gives a clear error', async () => {
    const file = path.join(dir, 'a-file');
    await fsp.writeFile(file, 'not a folder');
    await assert.rejects(
      EventStore.open(path.join(file, 'store'), { maxEvents: 10 }),
      /Cannot write the event store folder .* Choose a folder you can write to/,
    );
  });

  test('many deletes compact the index so it does not grow without bound', async () => {
    const store = await EventStore.open(dir, { maxEvents: 5 });
    for (let i = 0; i < 1500; i++) {
      await store.append(draft(`/${i}`, 1), Buffer.from('z'));
    }
    await store.close();
    const lines = (await fsp.readFile(path.join(dir, 'index.jsonl'), 'utf8')).trim().split('\n');
    assert.ok(lines.length < 1200, `index has ${lines.length} lines for 5 live events`);
    const reopened = await EventStore.open(dir, { maxEvents: 5 });
    assert.deepEqual(
      reopened.list().map((e) => e.url),
      ['/1499', '/1498', '/1497', '/1496', '/1495'],
    );
    await reopened.close();
  });
  test('compaction keeps every live event as it is: copied lines, patched events, events loaded at open', async () => {
    const first = await EventStore.open(dir, { maxEvents: 20 });
    const loaded = await first.append({ ...draft('/loaded', 1), provider: 'github', deliveryId: 'd-1' }, Buffer.from('L'));
    await first.append(draft('/loaded-2', 1), Buffer.from('M'));
    await first.close();
    const logger = recordingLogger();
    const store = await EventStore.open(dir, { maxEvents: 20, logger });
    await store.setPinned(loaded.id, true);
    let kept = '';
    let inoAfterLastPatch = 0;
    const index = path.join(dir, 'index.jsonl');
    // Batches of 9: with two pinned events, 18 stay unpinned, so every batch evicts as many as it adds.
    for (let round = 0; round < 130; round++) {
      const batch = await Promise.all(Array.from({ length: 9 }, (_, i) => store.append(draft(`/${round}/${i}`, 2), Buffer.from(`${i}`))));
      if (round === 1) {
        kept = batch[3]!.id;
        await store.setPinned(kept, true);
      }
      if (round % 10 === 5 && round <= 105) {
        // A patch after the event's own line: that line no longer describes it, so it may not be copied.
        await store.update(kept, { eventType: `round ${round}` });
        inoAfterLastPatch = (await fsp.stat(index)).ino;
      }
    }
    // The index was compacted (a new file renamed into place) after the last patch.
    assert.notEqual((await fsp.stat(index)).ino, inoAfterLastPatch);
    const before = JSON.stringify(store.list());
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 20, logger });
    assert.equal(JSON.stringify(reopened.list()), before);
    assert.equal(reopened.get(kept)?.eventType, 'round 105');
    assert.equal(reopened.get(loaded.id)?.deliveryId, 'd-1');
    assert.deepEqual(logger.warnings, []);
    await reopened.close();
  });
});

describe('EventStore.searchBodies', () => {
  test('finds events whose body has every word, ignoring ASCII case, across segments and files', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-search-'));
    try {
      const store = await EventStore.open(dir, { maxEvents: 100, segmentSize: 100, largeBodyThreshold: 200 });
      const a = await store.append(draft('/a', 0), Buffer.from('{"customer":"Alice","amount":100}'));
      const b = await store.append(draft('/b', 0), Buffer.from('{"customer":"Bob","amount":250}'));
      const c = await store.append(draft('/c', 0), Buffer.from(`{"customer":"alice","note":"${'x'.repeat(300)}"}`));
      await store.append(draft('/d', 0), Buffer.from('CUSTOMER'));
      assert.deepEqual([...(await store.searchBodies(['alice']))].sort(), [a.id, c.id].sort());
      assert.deepEqual([...(await store.searchBodies(['customer', 'amount']))].sort(), [a.id, b.id].sort());
      assert.deepEqual([...(await store.searchBodies(['zzz']))], []);
      // A match may not straddle two bodies that sit next to each other in a segment.
      assert.deepEqual([...(await store.searchBodies(['}{']))], []);
      await store.close();
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});

test('event ids made in the same millisecond sort in creation order', () => {
  const at = new Date('2026-12-04T12:00:00.000Z');
  const ids = Array.from({ length: 50 }, () => newEventId(at));
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(
    ids.every((id) => /^evt_[0-9a-z]{9}[0-9a-f]{10}$/.test(id)),
    ids[0],
  );
});
