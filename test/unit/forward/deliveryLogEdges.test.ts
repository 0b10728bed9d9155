/**
 * Guards the delivery log's edges (deliveryLog.ts): no event, no deliveries; a delivery for an event
 * that is gone is not written and says so at debug level; an append made while an earlier one for the
 * same event is still being written waits for it (a store without `appendTo` rewrites the whole list,
 * so running both at once would lose one); a settled append leaves nothing behind in the log.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeliveryLog, deliveriesOf } from '../../../src/core/forward/deliveryLog';
import type { DeliveryStore } from '../../../src/core/forward/deliveryLog';
import type { CapturedEvent, EventPatch } from '../../../src/core/model/event';
import { delivery, recordingLogger, released } from './support';

/** A store in memory without `appendTo`: each write reads the list, waits a turn (its I/O), then replaces it. */
function listStore(id: string): DeliveryStore & { event: CapturedEvent; patches: EventPatch[] } {
  const s = {
    event: { id } as CapturedEvent,
    patches: [] as EventPatch[],
    get: (want: string) => (want === s.event.id ? s.event : undefined),
    update: async (_id: string, patch: EventPatch) => {
      s.patches.push(patch);
      await new Promise((r) => setImmediate(r));
      s.event = { ...s.event, ...patch };
      return s.event;
    },
  };
  return s;
}

describe('delivery log edges', () => {
  test('no event, or an event without deliveries: an empty history', () => {
    assert.deepEqual(deliveriesOf(undefined), []);
    assert.deepEqual(deliveriesOf({ id: 'evt_none' } as CapturedEvent), []);
  });

  test('a delivery for an event that is gone is not written; a debug line names both', async () => {
    const store = listStore('evt_here');
    const logger = recordingLogger();
    const log = new DeliveryLog(store, { logger });
    await log.append('evt_gone', delivery(1));
    assert.deepEqual(store.patches, []);
    assert.deepEqual(logger.lines, ['debug Forward: event evt_gone is gone; delivery dlv_1 not recorded.']);
  });

  test('an append made while the one before it is still being written waits for it: no delivery is lost', async () => {
    const store = listStore('evt_busy');
    const log = new DeliveryLog(store);
    const first = log.append('evt_busy', delivery(1));
    const second = log.append('evt_busy', delivery(2));
    await first;
    // The second write has started and waits on its I/O now; a third comes in.
    const third = log.append('evt_busy', delivery(3));
    await Promise.all([second, third]);
    assert.deepEqual(
      deliveriesOf(store.event).map((d) => d.id),
      ['dlv_1', 'dlv_2', 'dlv_3'],
    );
  });

  test('a settled append is let go of: the log keeps nothing per event once its writes are done', async () => {
    const store = listStore('evt_once');
    const log = new DeliveryLog(store);
    const ref = await (async () => {
      const appended = log.append('evt_once', delivery(1));
      await appended;
      return new WeakRef(appended);
    })();
    assert.equal(await released(ref), true);
    assert.deepEqual(
      deliveriesOf(store.event).map((d) => d.id),
      ['dlv_1'],
    );
  });
});
