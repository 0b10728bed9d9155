/**
 * Guards what the live forwarder reports (forwarder.ts): the log line of each retry (the handler's
 * status or the error, the next attempt, the delay) and of a final failure, none for a delivery that
 * succeeded; state changes carry the delivery once there is one, and a delay only when retrying.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Forwarder } from '../../../src/core/forward/forwarder';
import type { ForwardStateChange } from '../../../src/core/forward/forwarder';
import { deliveriesOf } from '../../../src/core/forward/deliveryLog';
import { createHttpTransport } from '../../../src/core/forward/transport';
import type { TempStore } from './support';
import { FakeSleep, capture, deadPort, recordingLogger, startHandler, strictGuard, tempStore } from './support';

const transport = createHttpTransport({ keepAliveIdleMs: 0 });

describe('what the live forwarder reports', () => {
  let ts: TempStore;
  before(async () => {
    ts = await tempStore();
  });
  after(async () => ts.close());

  function forwarder(target: string, logger = recordingLogger()) {
    return new Forwarder({
      store: ts.store,
      target,
      guard: strictGuard(),
      transport,
      logger,
      maxAttempts: 2,
      backoff: { initialMs: 200, jitter: 0 },
      sleep: new FakeSleep(true).sleep,
    });
  }

  test('a handler that answers 500: a retry line with the status, then a failure line; the state changes say what they know', async () => {
    const h = await startHandler(() => ({ status: 500, body: 'down' }));
    const logger = recordingLogger();
    const fwd = forwarder(h.url, logger);
    const changes: ForwardStateChange[] = [];
    fwd.onDidChangeState((c) => changes.push(c));
    try {
      const { event } = await capture(ts.store, { url: '/log', headers: [], body: '{}' });
      fwd.forward(event);
      await fwd.whenIdle();
      assert.deepEqual(logger.lines, [
        `info Forward: ${event.id} → ${h.url}/log: status 500; retry 2/2 in 200 ms.`,
        `warn Forward: POST /log (${event.id}) → ${h.url}/log failed after 2 attempt(s): status 500`,
      ]);
      const ds = deliveriesOf(ts.store.get(event.id));
      assert.deepStrictEqual(changes, [
        { eventId: event.id, target: h.url, state: 'pending', attempt: 0 },
        { eventId: event.id, target: h.url, state: 'retrying', attempt: 1, delivery: ds[0], nextDelayMs: 200 },
        { eventId: event.id, target: h.url, state: 'failed', attempt: 2, delivery: ds[1] },
      ]);
    } finally {
      fwd.dispose();
      await h.close();
    }
  });

  test('a handler that cannot be reached: both lines give the error', async () => {
    const target = `http://127.0.0.1:${await deadPort()}`;
    const logger = recordingLogger();
    const fwd = forwarder(target, logger);
    try {
      const { event } = await capture(ts.store, { method: 'PUT', url: '/gone', headers: [], body: '{}' });
      fwd.forward(event);
      await fwd.whenIdle();
      const [first, second] = deliveriesOf(ts.store.get(event.id));
      assert.ok(first?.error && second?.error);
      assert.deepEqual(logger.lines, [
        `info Forward: ${event.id} → ${target}/gone: ${first.error}; retry 2/2 in 200 ms.`,
        `warn Forward: PUT /gone (${event.id}) → ${target}/gone failed after 2 attempt(s): ${second.error}`,
      ]);
    } finally {
      fwd.dispose();
    }
  });

  test('a delivery that succeeds logs nothing', async () => {
    const h = await startHandler();
    const logger = recordingLogger();
    const fwd = forwarder(h.url, logger);
    try {
      const { event } = await capture(ts.store, { url: '/fine', headers: [], body: '{}' });
      fwd.forward(event);
      await fwd.whenIdle();
      assert.equal(fwd.stateOf(event.id).get(h.url), 'delivered');
      assert.deepEqual(logger.lines, []);
    } finally {
      fwd.dispose();
      await h.close();
    }
  });
});
