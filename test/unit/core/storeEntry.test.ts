// One event in memory (store/entry.ts): while unparsed it is only a place in the index file, and what the
// store decides without parsing it must match the event. These tests build real index lines (the encoder
// compaction uses) over an in-memory source and check:
// - the stored bytes are handed out only while the event is unparsed and unchanged (compaction copies them);
// - two entries count as "the same stored line" (a follower's reload then reports no update) only when
//   neither was parsed or changed and the lines match;
// - changes replayed at load keep the delivery facts current (the duplicate index keys on them);
// - an entry without a parsed event or facts still names its id to the delivery index.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CapturedEvent } from '../../../src/core/model/event';
import { Entry } from '../../../src/core/store/entry';
import { type DeliveryFacts, encodeAdd } from '../../../src/core/store/records';
import { IndexSource } from '../../../src/core/store/source';

function event(id: string, extra: Partial<CapturedEvent> = {}): CapturedEvent {
  return {
    id,
    receivedAt: '2026-12-04T21:00:00.000Z',
    method: 'POST',
    url: '/hook',
    headers: [['content-type', 'application/json']],
    remoteAddress: '127.0.0.1',
    size: 2,
    response: { status: 200, body: '', contentType: 'text/plain' },
    ...extra,
  } as CapturedEvent;
}

/**
 * An unparsed entry for `e`, as a load leaves it: its `add` line written at `at` (padding before it), read
 * through an in-memory source of those bytes.
 */
function storedEntry(e: CapturedEvent, at = 0, facts?: DeliveryFacts): { entry: Entry; json: Buffer } {
  const json = Buffer.from(JSON.stringify(e));
  const { line, crc, eventAt } = encodeAdd(e.id, undefined, facts, !!e.pinned, json);
  const bytes = Buffer.concat([Buffer.alloc(at, 0x20), line, Buffer.from('\n')]);
  const entry = new Entry(e.id, undefined, undefined);
  entry.facts = facts;
  entry.locate(IndexSource.inMemory(bytes, 0, 1), at, at + eventAt, at + eventAt + json.length, crc);
  return { entry, json };
}

describe('store entry: stored bytes, sameness, delivery facts', () => {
  test('storedJson is the line’s event JSON while unparsed and unchanged, and nothing once changed or parsed', () => {
    const e = event('a');
    const unchanged = storedEntry(e);
    assert.ok(unchanged.entry.unparsed);
    assert.deepEqual(unchanged.entry.storedJson(), unchanged.json);

    const changed = storedEntry(e).entry;
    changed.change((x) => ({ ...x, pinned: true }), { pinned: true });
    assert.equal(changed.storedJson(), undefined, 'a pending change: the stored bytes are not the event any more');
    assert.equal(changed.event.pinned, true, 'the change applies when it is parsed');

    const parsed = storedEntry(e).entry;
    assert.equal(parsed.event.id, 'a');
    assert.equal(parsed.unparsed, false);
    assert.equal(parsed.storedJson(), undefined, 'a parsed event is written from memory');
  });

  test('a stored line whose bytes changed on disk is refused, not parsed', () => {
    const e = event('a');
    const json = Buffer.from(JSON.stringify(e));
    const { line, crc, eventAt } = encodeAdd('a', undefined, undefined, false, json);
    const bytes = Buffer.from(line);
    bytes[eventAt + 10] ^= 0x01;
    const entry = new Entry('a', undefined, undefined);
    entry.locate(IndexSource.inMemory(bytes, 0, 1), 0, eventAt, eventAt + json.length, crc);
    assert.throws(() => entry.event, /changed on disk/);
    assert.throws(() => new Entry('b', undefined, undefined).event, /Event b has no stored record/, 'neither parsed nor placed');
  });

  test('sameStoredAs: the same line (also at another offset) unless either side was parsed or changed', () => {
    const e = event('a');
    assert.equal(storedEntry(e).entry.sameStoredAs(storedEntry(e).entry), true);
    assert.equal(storedEntry(e, 0).entry.sameStoredAs(storedEntry(e, 37).entry), true, 'compaction moves lines');
    assert.equal(storedEntry(e, 37).entry.sameStoredAs(storedEntry(e, 0).entry), true);

    const parsed = storedEntry(e).entry;
    void parsed.event;
    assert.equal(parsed.sameStoredAs(storedEntry(e).entry), false, 'parsed on this side');
    assert.equal(storedEntry(e).entry.sameStoredAs(parsed), false, 'parsed on the other side');

    const pending = storedEntry(e).entry;
    pending.change((x) => x);
    assert.equal(pending.sameStoredAs(storedEntry(e).entry), false, 'changed on this side');
    assert.equal(storedEntry(e).entry.sameStoredAs(pending), false, 'changed on the other side');

    // A line of the same length with other bytes (another receivedAt) is another line.
    const other = storedEntry(event('a', { receivedAt: '2026-12-04T21:00:00.001Z' })).entry;
    assert.equal(other.to - other.from, storedEntry(e).entry.to - storedEntry(e).entry.from);
    assert.equal(storedEntry(e).entry.sameStoredAs(other), false, 'same length, other checksum');

    // The same checksum stated over lines of other lengths is not the same line.
    const longer = storedEntry(event('a', { url: '/hook/longer' })).entry;
    longer.crc = storedEntry(e).entry.crc;
    assert.equal(storedEntry(e).entry.sameStoredAs(longer), false, 'same checksum, other length');
  });

  test('a provider set at load keeps the delivery facts current; pins follow the patch', () => {
    const e = event('a', { provider: 'stripe', deliveryId: 'evt_1' });
    const { entry } = storedEntry(e, 0, ['stripe', 'evt_1', null, null]);
    entry.change((x) => ({ ...x, provider: 'github' }), { provider: 'github' });
    assert.deepEqual(entry.deliveryKey, { id: 'a', provider: 'github', deliveryId: 'evt_1', attempt: undefined, duplicateOf: undefined });
    assert.equal(entry.facts?.[0], 'github');

    const cleared = storedEntry(e, 0, ['stripe', 'evt_1', 2, 'b']).entry;
    cleared.change((x) => ({ ...x, provider: undefined }), { provider: undefined });
    assert.strictEqual(cleared.facts?.[0], null, 'a provider taken away is null in the facts');
    assert.deepEqual(cleared.deliveryKey, { id: 'a', provider: undefined, deliveryId: 'evt_1', attempt: 2, duplicateOf: 'b' });

    const other = storedEntry(e, 0, ['stripe', 'evt_1', null, null]).entry;
    other.change((x) => ({ ...x, pinned: true }), { pinned: true });
    assert.equal(other.facts?.[0], 'stripe', 'a patch without a provider leaves it');
    assert.equal(other.pinned, true);
    other.change((x) => ({ ...x, pinned: undefined }), { pinned: undefined });
    assert.equal(other.pinned, false);
  });

  test('deliveryKey names the id when there are no facts; the parsed event once parsed', () => {
    const bare = new Entry('x', undefined, undefined);
    assert.deepEqual(bare.deliveryKey, { id: 'x' });
    const { entry } = storedEntry(event('y'));
    assert.deepEqual(entry.deliveryKey, { id: 'y' });
    const parsed = storedEntry(event('z', { deliveryId: 'd' }), 0, [null, 'd', null, null]).entry;
    void parsed.event;
    assert.equal(parsed.deliveryKey, parsed.event, 'a parsed event is its own key');
  });
});
