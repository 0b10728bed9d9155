// The index line format (src/core/store/records.ts): the checksum on every line, the `add` head read
// without parsing the event, and stores written by the earlier version (no checksum, `e` first).
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EventStore } from '../../../src/core/store';
import { draft, recordingLogger } from '../../support/store';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wi-store-format-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const indexPath = () => path.join(dir, 'index.jsonl');
const urls = (store: EventStore): string[] => store.list().map((e) => e.url);
const readLines = async () => (await fsp.readFile(indexPath(), 'utf8')).split('\n').filter(Boolean);

/** An index and segment as version 0.1 wrote them (no checksum, the event first), with set, push and del records. */
async function writeLegacyStore(): Promise<void> {
  await fsp.mkdir(path.join(dir, 'bodies'), { recursive: true });
  await fsp.writeFile(path.join(dir, 'bodies', '000001.seg'), 'first!second');
  const event = (id: string, url: string, extra: object = {}) => ({
    id,
    receivedAt: '2026-01-02T03:04:05.000Z',
    method: 'POST',
    url,
    headers: [
      ['Content-Type', 'application/json'],
      ['X-GitHub-Delivery', `d-${id}`],
    ],
    remoteAddress: '127.0.0.1',
    size: 6,
    response: { status: 200, body: '{"ok":true}', contentType: 'application/json' },
    ...extra,
  });
  const lines = [
    { op: 'add', e: event('evt_a', '/a', { provider: 'github', deliveryId: 'dlv-1', attempt: 1 }), b: [1, 0, 6] },
    { op: 'add', e: event('evt_b', '/b'), b: [1, 6, 6] },
    { op: 'add', e: event('evt_c', '/c') },
    { op: 'set', id: 'evt_a', p: { pinned: true, eventType: 'push' } },
    { op: 'push', id: 'evt_b', f: 'deliveries', v: { at: 1 }, n: 50 },
    { op: 'del', id: 'evt_c' },
  ];
  await fsp.writeFile(indexPath(), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

describe('store index format', () => {
  test('every line carries a checksum and an add record leads with its id and body location', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10 });
    const e = await store.append(draft('/x', 4), Buffer.from('body'));
    await store.update(e.id, { eventType: 'ping' });
    await store.close();
    const [add, set] = await readLines();
    assert.match(add!, new RegExp(`^\\{"op":"add","id":"${e.id}","b":\\[1,0,4\\],"e":\\{.*\\},"c":"[0-9a-f]{8}"\\}$`));
    assert.match(set!, /^\{"op":"set","id":"[^"]+","p":\{"eventType":"ping"\},"c":"[0-9a-f]{8}"\}$/);
    for (const line of [add!, set!]) {
      assert.doesNotThrow(() => JSON.parse(line), 'each line stays valid JSON');
    }
  });

  test('a line whose bytes changed (checksum mismatch) is skipped as corrupt; the others load', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10 });
    for (const url of ['/0', '/1', '/2']) {
      await store.append(draft(url, 1), Buffer.from('z'));
    }
    await store.close();
    const lines = await readLines();
    // Same length, valid JSON, one character of the event changed: only the checksum can tell.
    lines[1] = lines[1]!.replace('"url":"/1"', '"url":"/9"');
    assert.doesNotThrow(() => JSON.parse(lines[1]!));
    await fsp.writeFile(indexPath(), lines.join('\n') + '\n');
    const logger = recordingLogger();
    const reopened = await EventStore.open(dir, { maxEvents: 10, logger });
    assert.deepEqual(urls(reopened), ['/2', '/0']);
    assert.ok(
      logger.warnings.some((w) => /corrupt record on line 2/.test(w)),
      logger.warnings.join('\n'),
    );
    await reopened.close();
  });

  test('a torn line of the current form is cut off; appends after it land on a clean line', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10 });
    await store.append(draft('/kept', 1), Buffer.from('k'));
    await store.append(draft('/torn', 1), Buffer.from('t'));
    await store.close();
    const text = await fsp.readFile(indexPath(), 'utf8');
    // The crash cut the last line short of its checksum and newline.
    await fsp.writeFile(indexPath(), text.slice(0, text.length - 12));
    const logger = recordingLogger();
    const reopened = await EventStore.open(dir, { maxEvents: 10, logger });
    assert.deepEqual(urls(reopened), ['/kept']);
    assert.ok(logger.warnings.some((w) => /torn record/.test(w)));
    await reopened.append(draft('/after', 1), Buffer.from('a'));
    await reopened.close();
    const again = await EventStore.open(dir, { maxEvents: 10 });
    assert.deepEqual(urls(again), ['/after', '/kept']);
    await again.close();
  });

  test('head fields are right before the event is parsed: pin (eviction), delivery id (duplicates), later changes', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10 });
    const pinned = await store.append(draft('/pinned', 1), Buffer.from('p'));
    await store.setPinned(pinned.id, true);
    const first = await store.append({ ...draft('/first', 1), provider: 'github', deliveryId: 'dlv-7' }, Buffer.from('f'));
    const other = await store.append(draft('/other', 1), Buffer.from('o'));
    await store.appendTo(other.id, 'deliveries', { n: 1 }, 2);
    await store.appendTo(other.id, 'deliveries', { n: 2 }, 2);
    await store.appendTo(other.id, 'deliveries', { n: 3 }, 2);
    await store.close();

    const reopened = await EventStore.open(dir, { maxEvents: 10 });
    // A repeat of the delivery is marked from the facts in the head of the first one's line.
    const repeat = await reopened.append({ ...draft('/repeat', 1), provider: 'github', deliveryId: 'dlv-7' }, Buffer.from('r'));
    assert.equal(repeat.duplicateOf, first.id);
    assert.equal(repeat.attempt, 2);
    // The bound shrinks: the pinned event (its pin from a `set` record, before any parse) stays.
    await reopened.setMaxEvents(2);
    assert.deepEqual(urls(reopened), ['/repeat', '/pinned']);
    assert.equal(reopened.get(pinned.id)?.pinned, true);
    await reopened.close();

    const third = await EventStore.open(dir, { maxEvents: 10, readOnly: true });
    assert.deepEqual(urls(third), ['/repeat', '/pinned']);
    await third.close();
  });

  test('set and push records replayed before the event is parsed apply when it is', async () => {
    const store = await EventStore.open(dir, { maxEvents: 10 });
    const e = await store.append(draft('/e', 1), Buffer.from('e'));
    for (let i = 1; i <= 3; i++) {
      await store.appendTo(e.id, 'deliveries', { n: i }, 2);
    }
    await store.update(e.id, { eventType: 'push', provider: 'github' });
    await store.close();
    const reopened = await EventStore.open(dir, { maxEvents: 10, readOnly: true });
    const got = reopened.get(e.id) as unknown as { deliveries: unknown[]; eventType: string; provider: string };
    assert.deepEqual(got.deliveries, [{ n: 2 }, { n: 3 }]);
    assert.equal(got.eventType, 'push');
    assert.equal(got.provider, 'github');
    assert.equal(reopened.get(e.id), got, 'parsed once, then the same object');
    await reopened.close();
  });
});

describe('a store written by the earlier version', () => {
  test('loads with its set, push and del records; a reader leaves the file as it is', async () => {
    await writeLegacyStore();
    const before = await fsp.readFile(indexPath(), 'utf8');
    const reader = await EventStore.open(dir, { maxEvents: 10, readOnly: true });
    assert.deepEqual(urls(reader), ['/b', '/a']);
    const a = reader.get('evt_a')!;
    assert.equal(a.pinned, true);
    assert.equal(a.eventType, 'push');
    assert.deepEqual((reader.get('evt_b') as unknown as { deliveries: unknown[] }).deliveries, [{ at: 1 }]);
    assert.equal((await reader.readBody('evt_b')).toString(), 'second');
    await reader.close();
    assert.equal(await fsp.readFile(indexPath(), 'utf8'), before);
  });

  test('the writer rewrites it in the current form at open, and it loads the same afterwards', async () => {
    await writeLegacyStore();
    const writer = await EventStore.open(dir, { maxEvents: 10 });
    const lines = await readLines();
    assert.equal(lines.length, 2);
    assert.ok(
      lines.every((l) => /^\{"op":"add","id":"evt_[ab]",.*"c":"[0-9a-f]{8}"\}$/.test(l)),
      lines.join('\n'),
    );
    assert.match(
      lines.find((l) => l.includes('"id":"evt_a"'))!,
      /"d":\["github","dlv-1",1,null\],"p":1,"e":/,
    );
    // A repeat of the legacy event's delivery is still recognised.
    const repeat = await writer.append({ ...draft('/again', 1), provider: 'github', deliveryId: 'dlv-1' }, Buffer.from('x'));
    assert.equal(repeat.duplicateOf, 'evt_a');
    await writer.close();
    const again = await EventStore.open(dir, { maxEvents: 10 });
    assert.deepEqual(urls(again), ['/again', '/b', '/a']);
    assert.equal(again.get('evt_a')?.pinned, true);
    assert.equal((await again.readBody('evt_a')).toString(), 'first!');
    await again.close();
  });
});
