import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { attemptChain, elapsedText, groupByDelivery, retryText } from '../../../src/core/delivery/attempts';
import { isDetailSnapshot } from '../../../src/core/detail/protocol';
import { buildDetailSnapshot } from '../../../src/core/detail/snapshot';
import { matchesFilter, parseFilter } from '../../../src/core/eventQuery';
import { renderDetail } from '../../../src/webview/render';
import { HOSTILE, makeEvent } from '../detail/helpers';

const at = (s: number) => new Date(Date.UTC(2026, 2, 1, 12, 0, 0) + s * 1000).toISOString();

/** A first attempt answered 500, two retries (the provider's backoff), an unrelated event, newest first. */
function chain() {
  const first = makeEvent({
    id: 'evt_a1',
    receivedAt: at(0),
    deliveryId: 'd-1',
    provider: 'github',
    response: { status: 500, body: '', contentType: 'text/plain' },
  });
  const second = makeEvent({
    id: 'evt_a2',
    receivedAt: at(63),
    deliveryId: 'd-1',
    provider: 'github',
    duplicateOf: 'evt_a1',
    attempt: 2,
    response: { status: 500, body: '', contentType: 'text/plain' },
  });
  const other = makeEvent({ id: 'evt_b1', receivedAt: at(70), deliveryId: 'd-2', provider: 'github' });
  const third = makeEvent({ id: 'evt_a3', receivedAt: at(3700), deliveryId: 'd-1', provider: 'github', duplicateOf: 'evt_a1', attempt: 3 });
  return { first, second, other, third, newestFirst: [third, other, second, first] };
}

describe('attempt chains', () => {
  it('elapsed time reads +1m 03s', () => {
    assert.equal(elapsedText(63_000), '+1m 03s');
    assert.equal(elapsedText(850), '+850 ms');
    assert.equal(elapsedText(12_400), '+12s');
    assert.equal(elapsedText(3_700_000), '+1h 01m');
    assert.equal(elapsedText(90_000_000), '+1d 01h');
  });

  it('a repeat reads "retry 2 of evt_…" with the time since the first attempt', () => {
    const { first, second } = chain();
    assert.equal(retryText(second, first), 'retry 2 of evt_a1, +1m 03s');
    assert.equal(retryText(second), 'retry 2 of evt_a1', 'first attempt evicted: no time');
    assert.equal(retryText(first, undefined), undefined);
    assert.equal(
      retryText({ ...second, duplicateOf: 'evt_0mx90ykktcc53cf008a' }, first, true),
      'retry 2 of evt_…cf008a, +1m 03s',
      'short form for rows',
    );
  });

  it('is:duplicate keeps only repeats', () => {
    const { newestFirst } = chain();
    const f = parseFilter('is:duplicate provider:github');
    assert.equal(f?.duplicate, true);
    assert.deepEqual(
      newestFirst.filter((e) => matchesFilter(e, f)).map((e) => e.id),
      ['evt_a3', 'evt_a2'],
    );
    assert.deepEqual(f?.words, [], 'is:duplicate is not a search word');
  });

  it('Group By Delivery nests retries under the first attempt, newest delivery first', () => {
    const { newestFirst } = chain();
    const groups = groupByDelivery(newestFirst);
    assert.deepEqual(
      groups.map((g) => [g.head.id, g.retries.map((r) => r.id)]),
      [
        ['evt_a1', ['evt_a2', 'evt_a3']],
        ['evt_b1', []],
      ],
    );
    // The first attempt evicted: the oldest stored retry heads the group.
    const withoutFirst = groupByDelivery(newestFirst.filter((e) => e.id !== 'evt_a1'));
    assert.deepEqual(
      withoutFirst.map((g) => [g.head.id, g.retries.map((r) => r.id)]),
      [
        ['evt_a2', ['evt_a3']],
        ['evt_b1', []],
      ],
    );
  });

  it('the detail panel lists the attempts with times and our answers, rendered as text only', async () => {
    const { second, newestFirst } = chain();
    const rows = attemptChain(newestFirst, second);
    assert.deepEqual(
      rows.map((r) => [r.id, r.attempt, r.since, r.status, r.current]),
      [
        ['evt_a1', 1, '+0 ms', 500, false],
        ['evt_a2', 2, '+1m 03s', 500, true],
        ['evt_a3', 3, '+1h 01m', 200, false],
      ],
    );
    assert.deepEqual(attemptChain(newestFirst, chain().other), [], 'a single attempt has no chain');
    const hostile = { ...second, deliveryId: HOSTILE[0] };
    const snapshot = await buildDetailSnapshot(hostile, new Uint8Array(0), { attempts: rows });
    assert.ok(isDetailSnapshot(snapshot));
    assert.equal(snapshot.attempts?.rows.length, 3);
    assert.equal(
      isDetailSnapshot({ ...snapshot, attempts: { deliveryId: 'x', rows: [{ eventId: 1 }] } }),
      false,
      'the guard checks the rows',
    );
    const doc = new JSDOM('<!DOCTYPE html><html><body></body></html>').window.document;
    const root = renderDetail(snapshot, doc);
    const text = root.querySelector('[data-section="attempts"]')?.textContent ?? '';
    assert.match(text, /Provider attempts \(3\)/);
    assert.match(text, /\+1m 03s/);
    assert.match(text, /2 \(this one\)/);
    assert.ok(text.includes(HOSTILE[0]), 'the delivery id is shown as text');
    assert.equal(root.querySelector('script'), null);
  });
});
