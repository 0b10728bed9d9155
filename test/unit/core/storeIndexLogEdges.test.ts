// The index file's own edges (src/core/store/indexLog.ts): a compaction that fails leaves every event
// readable and the store writable; a compaction copies unchanged events as their stored bytes, and one
// bigger than a write chunk (4 MiB) puts every event where it is read back; an index that cannot be read
// fails the open with its own error; a load reads lines longer than its read buffer, and lines that end
// just past a buffer's end, exactly once.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EventStore } from '../../../src/core/store';
import { encodeAdd } from '../../../src/core/store/records';
import { draft, recordingLogger } from '../../support/store';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-store-indexlog-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const indexPath = () => path.join(dir, 'index.jsonl');
const urls = (store: EventStore) => store.list().map((e) => e.url);

/** Writes events /0 … /(n-1) (headers from `header(i)`) and closes the store. */
async function writeEvents(n: number, header: (i: number) => string = () => 'v'): Promise<void> {
  const store = await EventStore.open(dir, { maxEvents: 100 });
  for (let i = 0; i < n; i++) {
    await store.append({ ...draft(`/${i}`, 0), headers: [['X-Big', header(i)]] }, undefined);
  }
  await store.close();
}

describe('compaction', () => {
  test('a compaction that fails keeps the old index: every event still reads, appends still work', async () => {
    await writeEvents(3);
    // A corrupt line makes the next open compact; a folder where the new index goes makes that fail.
    await fsp.appendFile(indexPath(), 'not a record\n');
    await fsp.mkdir(`${indexPath()}.tmp`);
    const logger = recordingLogger();
    const store = await EventStore.open(dir, { maxEvents: 100, logger });
    assert.ok(
      logger.warnings.some((w) => w.startsWith('Event store: compaction failed, the old index stays')),
      logger.warnings.join('\n'),
    );
    assert.deepEqual(urls(store), ['/2', '/1', '/0']);
    await store.append(draft('/3', 0), undefined);
    await store.close();
    await fsp.rmdir(`${indexPath()}.tmp`);
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.deepEqual(urls(reopened), ['/3', '/2', '/1', '/0']);
    await reopened.close();
  });

  test('a compaction of more than one write chunk (4 MiB) of events: each reads back from its new place', async () => {
    const big = (i: number) => String.fromCharCode(97 + i).repeat(1024 * 1024);
    await writeEvents(6, big);
    await fsp.appendFile(indexPath(), 'not a record\n');
    const logger = recordingLogger();
    const store = await EventStore.open(dir, { maxEvents: 100, logger });
    assert.deepEqual(logger.warnings, ['Event store: skipped a corrupt record on line 7 of index.jsonl.']);
    assert.ok(!(await fsp.readFile(indexPath(), 'utf8')).includes('not a record'), 'the index was rewritten');
    // The events were not parsed at load: they are read now, from where the compaction put them.
    for (let i = 0; i < 6; i++) {
      const e = store.list().find((x) => x.url === `/${i}`);
      assert.equal(e?.headers[0]?.[1], big(i), `event /${i}`);
    }
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 100 });
    assert.deepEqual(urls(reopened), ['/5', '/4', '/3', '/2', '/1', '/0']);
    await reopened.close();
  });

  test('a compaction copies an unchanged event as its stored bytes, not as the event written anew', async () => {
    // Valid JSON another writer could have stored: an escaped letter that JSON.stringify would not write.
    const event = { ...draft('/a', 0), id: 'evt_stored', receivedAt: '2020-01-01T00:00:00.000Z' };
    const json = JSON.stringify(event).replace('"url":"/a"', '"url":"/\\u0061"');
    const { line } = encodeAdd('evt_stored', undefined, undefined, false, Buffer.from(json));
    await fsp.writeFile(indexPath(), Buffer.concat([line, Buffer.from('\nnot a record\n')]));
    const store = await EventStore.open(dir, { maxEvents: 10 });
    const index = await fsp.readFile(indexPath(), 'utf8');
    assert.ok(!index.includes('not a record'), 'the index was rewritten');
    assert.ok(index.includes('"url":"/\\u0061"'), index);
    assert.equal(store.get('evt_stored')?.url, '/a');
    await store.close();
  });
});

describe('loading', () => {
  test('an index that cannot be read fails the open with the read’s own error', async () => {
    await fsp.mkdir(indexPath());
    await assert.rejects(EventStore.open(dir, { maxEvents: 10 }), { code: 'EISDIR' });
  });

  /** One valid `add` line (with its newline) for event `/kept`, written by a store in a folder of its own. */
  async function validLine(): Promise<{ line: string; id: string }> {
    const other = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-store-indexlog-line-'));
    try {
      const store = await EventStore.open(other, { maxEvents: 10 });
      const { id } = await store.append(draft('/kept', 0), undefined);
      await store.close();
      return { line: await fsp.readFile(path.join(other, 'index.jsonl'), 'utf8'), id };
    } finally {
      await fsp.rm(other, { recursive: true, force: true });
    }
  }

  test('a line longer than two read buffers (16 MiB) is read whole: the line after it still loads', async () => {
    const { line, id } = await validLine();
    await fsp.writeFile(indexPath(), `${'x'.repeat(17 * 1024 * 1024)}\n${line}`);
    const logger = recordingLogger();
    const store = await EventStore.open(dir, { maxEvents: 10, logger });
    assert.equal(store.get(id)?.url, '/kept');
    assert.deepEqual(logger.warnings, ['Event store: skipped a corrupt record on line 1 of index.jsonl.']);
    await store.close();
  });

  test('a line across the 8 MiB read buffer’s end loads once, whatever bytes the buffer held before', async () => {
    // The load reads 8 MiB at a time into one buffer, moving a partial last line to its front. Here the
    // last line (d bytes) starts 100 bytes before the buffer's end, and byte d of the file is a newline:
    // after the second read that newline still sits just past the data, where the search must not look.
    const { line, id } = await validLine();
    const d = Buffer.byteLength(line);
    assert.ok(d > 100);
    const chunk = 8 * 1024 * 1024;
    const a = `${'x'.repeat(d)}\n`;
    const b = `${'y'.repeat(chunk - 100 - a.length - 1)}\n`;
    await fsp.writeFile(indexPath(), a + b + line);
    const logger = recordingLogger();
    const store = await EventStore.open(dir, { maxEvents: 10, logger });
    assert.equal(store.get(id)?.url, '/kept');
    assert.deepEqual(logger.warnings, [
      'Event store: skipped a corrupt record on line 1 of index.jsonl.',
      'Event store: skipped a corrupt record on line 2 of index.jsonl.',
    ]);
    await store.close();
  });
});
