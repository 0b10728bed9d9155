/**
 * Guards the "deliveries waiting on your handler" tracker (inFlight.ts): requests held by a handler
 * are listed oldest first, and the next threshold is when the youngest request under the limit
 * reaches it (requests already past it do not count).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InFlightDeliveries } from '../../../src/core/forward/inFlight';
import { createHttpTransport } from '../../../src/core/forward/transport';
import { outgoing } from './outgoing';
import { gate, startHandler, until } from './support';

describe('deliveries in flight', () => {
  test('held requests: oldest first, and the next threshold is the nearest one still ahead', async () => {
    const release = gate();
    const h = await startHandler(async () => {
      await release.promise;
      return { status: 200, body: 'ok' };
    });
    // Start times, in the order the requests go out (not in time order).
    const starts = [40, -50, 0];
    let clock = 0;
    let next = 0;
    const tracker = new InFlightDeliveries(() => (next < starts.length ? starts[next++]! : clock));
    const transport = tracker.wrap(createHttpTransport({ keepAliveIdleMs: 0 }));
    try {
      const sent = ['/a', '/b', '/c'].map((p) => transport(outgoing(h.url, { path: p }), { maxResponseBytes: 1024 }));
      await until(() => h.seen.length === 3, 'three held requests');
      assert.equal(tracker.count, 3);
      clock = 100;
      assert.deepEqual(
        tracker.waitingLongerThan(0).map((d) => [d.request.slice(-2), d.startedAt]),
        [
          ['/b', -50],
          ['/c', 0],
          ['/a', 40],
        ],
      );
      assert.deepEqual(
        tracker.waitingLongerThan(100).map((d) => d.request),
        [`POST ${h.url}/b`, `POST ${h.url}/c`],
      );
      // Left before 150 ms: /b 0 (already there), /c 50, /a 90.
      assert.equal(tracker.nextThreshold(150), 50);
      assert.equal(tracker.nextThreshold(10), undefined);
      release.open();
      await Promise.all(sent);
      assert.equal(tracker.count, 0);
      assert.equal(tracker.nextThreshold(150), undefined);
    } finally {
      release.open();
      await h.close();
      tracker.dispose();
    }
  });
});
