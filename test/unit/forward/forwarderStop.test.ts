/**
 * Guards what the live forwarder does not do (forwarder.ts): forward an event the receiver rejected,
 * take events after a stop, or start another attempt once stopped during a retry's wait.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Forwarder } from '../../../src/core/forward/forwarder';
import { deliveriesOf } from '../../../src/core/forward/deliveryLog';
import { createHttpTransport } from '../../../src/core/forward/transport';
import type { TempStore } from './support';
import { FakeSleep, capture, startHandler, strictGuard, tempStore, until } from './support';

const transport = createHttpTransport({ keepAliveIdleMs: 0 });

describe('forwarder: rejected events and stops', () => {
  let ts: TempStore;
  before(async () => {
    ts = await tempStore();
  });
  after(async () => ts.close());

  test('an event the receiver rejected is not forwarded; after a stop, no event is taken', async () => {
    const h = await startHandler();
    const fwd = new Forwarder({ store: ts.store, target: h.url, guard: strictGuard(), transport });
    try {
      const rejected = (await capture(ts.store, { url: '/rejected', headers: [], body: '{}' })).event;
      fwd.forward({ ...rejected, rejected: 'The body is larger than the limit.' });
      await fwd.whenIdle();
      assert.equal(fwd.stateOf(rejected.id).size, 0);

      fwd.dispose();
      const late = (await capture(ts.store, { url: '/late', headers: [], body: '{}' })).event;
      fwd.forward(late);
      await fwd.whenIdle();
      assert.equal(fwd.stateOf(late.id).size, 0);
      assert.equal(h.seen.length, 0);
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('a stop while a retry waits: no further attempt starts (the signing hook is not asked again)', async () => {
    const h = await startHandler(() => ({ status: 500, body: 'down' }));
    const sleep = new FakeSleep(false);
    let signings = 0;
    const fwd = new Forwarder({
      store: ts.store,
      target: h.url,
      guard: strictGuard(),
      transport,
      maxAttempts: 3,
      sleep: sleep.sleep,
      signing: () => (signings++, {}),
    });
    try {
      const { event } = await capture(ts.store, { url: '/retry', headers: [], body: '{}' });
      fwd.forward(event);
      await until(() => sleep.waiting.length === 1, 'the first retry waits');
      fwd.dispose();
      await fwd.whenIdle();
      assert.equal(signings, 1);
      assert.equal(h.seen.length, 1);
      assert.deepEqual(
        deliveriesOf(ts.store.get(event.id)).map((d) => d.state),
        ['retrying'],
      );
    } finally {
      fwd.dispose();
      await h.close();
    }
  });
});
