// Where bodies live (src/core/store/bodies.ts): segments that roll over at `segmentSize`, are counted per
// live body and deleted once none is left; large bodies in files of their own, removed with their event
// or, when their index line never made it, at the next open. Every test reads the bodies back.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EventStore } from '../../../src/core/store';
import { draft, recordingLogger } from '../../support/store';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-segments-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const bodiesDir = () => path.join(dir, 'bodies');
const files = async () => (await fsp.readdir(bodiesDir())).sort();
const text = async (store: EventStore, id: string) => (await store.readBody(id)).toString();

describe('body segments', () => {
  test('a segment rolls over once it reaches segmentSize; every body reads back after a reopen', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100, segmentSize: 10 });
    const ids = [];
    for (const body of ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc']) {
      ids.push((await store.append(draft('/x', 10), Buffer.from(body))).id);
    }
    assert.deepEqual(
      await files(),
      ['000001.seg', '000002.seg', '000003.seg'],
      'a full segment (size = segmentSize) is not written to again',
    );
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100, segmentSize: 10 });
    assert.deepEqual(await Promise.all(ids.map((id) => text(reopened, id))), ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc']);
    await reopened.close();
  });

  test('without a segmentSize, small bodies share one segment', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    for (let i = 0; i < 3; i++) {
      await store.append(draft('/x', 1000), Buffer.alloc(1000, 0x61 + i));
    }
    assert.deepEqual(await files(), ['000001.seg']);
    await store.close();
  });

  test('deleting one of two bodies in a segment keeps the segment and the other body, also after a reopen', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100, segmentSize: 8 });
    const a = await store.append(draft('/a', 4), Buffer.from('aaaa'));
    const b = await store.append(draft('/b', 4), Buffer.from('bbbb'));
    const c = await store.append(draft('/c', 4), Buffer.from('cccc'));
    const d = await store.append(draft('/d', 4), Buffer.from('dddd'));
    await store.append(draft('/e', 4), Buffer.from('eeee')); // segment 3 is the one being written now
    assert.deepEqual(await files(), ['000001.seg', '000002.seg', '000003.seg']);
    await store.delete([a.id]);
    assert.equal(await text(store, b.id), 'bbbb', 'segment 1 still holds b');
    assert.deepEqual(await files(), ['000001.seg', '000002.seg', '000003.seg']);
    await store.delete([b.id]);
    assert.deepEqual(await files(), ['000002.seg', '000003.seg'], 'no live body left in segment 1: deleted');
    await store.close();

    // The counts are rebuilt at open: the same holds for segment 2 after a reopen.
    const reopened = await EventStore.open(dir, { maxEvents: 100, segmentSize: 8 });
    await reopened.delete([c.id]);
    assert.equal(await text(reopened, d.id), 'dddd');
    assert.deepEqual(await files(), ['000002.seg', '000003.seg']);
    await reopened.delete([d.id]);
    assert.deepEqual(await files(), ['000003.seg']);
    await reopened.close();
  });

  test('after a reopen, appends go on in the newest segment, not in a freed earlier one', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100, segmentSize: 4 });
    const a = await store.append(draft('/a', 4), Buffer.from('aaaa'));
    await store.append(draft('/b', 4), Buffer.from('bbbb'));
    await store.append(draft('/c', 2), Buffer.from('cc'));
    await store.delete([a.id]);
    assert.deepEqual(await files(), ['000002.seg', '000003.seg']);
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100, segmentSize: 4 });
    const d = await reopened.append(draft('/d', 2), Buffer.from('dd'));
    assert.deepEqual(await files(), ['000002.seg', '000003.seg']);
    assert.equal(await fsp.readFile(path.join(bodiesDir(), '000003.seg'), 'utf8'), 'ccdd');
    assert.equal(await text(reopened, d.id), 'dd');
    await reopened.close();
  });

  test('events without a body hold no segment; they delete cleanly', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100, segmentSize: 4 });
    await store.append(draft('/a', 4), Buffer.from('aaaa'));
    const none = await store.append(draft('/none', 0), undefined);
    const empty = await store.append(draft('/empty', 0), Buffer.alloc(0));
    const b = await store.append(draft('/b', 4), Buffer.from('bbbb'));
    await store.append(draft('/c', 4), Buffer.from('cccc'));
    assert.deepEqual(await files(), ['000001.seg', '000002.seg', '000003.seg']);
    assert.equal((await store.readBody(none.id)).length, 0);
    assert.equal((await store.readBody(empty.id)).length, 0);
    await store.delete([b.id]);
    assert.deepEqual(await files(), ['000001.seg', '000003.seg'], 'segment 2 held only b');
    assert.equal(await store.delete([none.id, empty.id]), 2);
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.deepEqual(
      reopened.list().map((e) => e.url),
      ['/c', '/a'],
    );
    await reopened.close();
  });

  test('files in bodies/ that only look like segments are left alone', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    const a = await store.append(draft('/a', 4), Buffer.from('aaaa'));
    await store.close();
    await fsp.writeFile(path.join(bodiesDir(), '000008.seg.bak'), 'backup');
    await fsp.writeFile(path.join(bodiesDir(), 'copy-000009.seg'), 'copy');
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    const b = await reopened.append(draft('/b', 4), Buffer.from('bbbb'));
    assert.deepEqual(await files(), ['000001.seg', '000008.seg.bak', 'copy-000009.seg']);
    assert.equal(await fsp.readFile(path.join(bodiesDir(), '000001.seg'), 'utf8'), 'aaaabbbb');
    assert.deepEqual(await Promise.all([a.id, b.id].map((id) => text(reopened, id))), ['aaaa', 'bbbb']);
    await reopened.close();
  });

  test('a body cut short on disk while the store is open: readBody rejects, it does not hang', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100 });
    const e = await store.append(draft('/a', 10), Buffer.from('0123456789'));
    await fsp.truncate(path.join(bodiesDir(), '000001.seg'), 4);
    await assert.rejects(store.readBody(e.id), new RegExp(`The body of ${e.id} is cut short on disk`));
    await store.close();
  });
});

describe('large bodies', () => {
  test('a body at the threshold stays in the segment; one byte more gets its own file, read back by readBody after a reopen', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100, largeBodyThreshold: 16 });
    const at = await store.append(draft('/at', 16), Buffer.alloc(16, 0x61));
    const over = await store.append(draft('/over', 17), Buffer.alloc(17, 0x62));
    assert.equal(store.bodyFile(at.id), undefined);
    assert.equal(store.bodyFile(over.id), path.join(bodiesDir(), `${over.id}.bin`));
    assert.equal(store.bodyFile('evt_missing'), undefined);
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100, largeBodyThreshold: 16 });
    assert.equal(await text(reopened, over.id), 'b'.repeat(17));
    assert.equal(await text(reopened, at.id), 'a'.repeat(16));
    await reopened.close();
  });

  test('a large body file is readable by its owner only', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100, largeBodyThreshold: 4 });
    const e = await store.append(draft('/big', 8), Buffer.from('12345678'));
    assert.equal((await fsp.stat(store.bodyFile(e.id)!)).mode & 0o777, 0o600);
    await store.close();
  });

  test('at open, a body file whose index line never made it is removed with a log line; referenced ones stay', async () => {
    const store = await EventStore.open(dir, { maxEvents: 100, largeBodyThreshold: 4 });
    const kept = await store.append(draft('/big', 8), Buffer.from('12345678'));
    await store.close();
    await fsp.writeFile(path.join(bodiesDir(), 'evt_orphan.bin'), 'written just before a crash');
    const logger = recordingLogger();
    const reopened = await EventStore.open(dir, { maxEvents: 100, largeBodyThreshold: 4, logger });
    assert.deepEqual(await files(), ['000001.seg', `${kept.id}.bin`]);
    assert.ok(
      logger.warnings.some((w) => /removed evt_orphan\.bin, a body whose record was never written/.test(w)),
      logger.warnings.join('\n'),
    );
    assert.equal(await text(reopened, kept.id), '12345678');
    await reopened.close();
  });

  test('a reader does not remove body files it does not know (the writer may be about to name them)', async () => {
    const writer = await EventStore.open(dir, { maxEvents: 100, largeBodyThreshold: 4 });
    await writer.append(draft('/big', 8), Buffer.from('12345678'));
    await fsp.writeFile(path.join(bodiesDir(), 'evt_next.bin'), 'next');
    const reader = await EventStore.open(dir, { maxEvents: 100, readOnly: true });
    assert.equal(reader.size, 1);
    assert.ok((await files()).includes('evt_next.bin'));
    await reader.close();
    await writer.close();
  });
});
