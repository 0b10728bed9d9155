/**
 * Guards a sample send (samples.ts) — a cancelled send is not sent, the response cap is applied, the
 * delivery is recorded on the stored event, and only with a log — and the delivery log's warning when
 * the store cannot record a delivery (deliveryLog.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeliveryLog, deliveriesOf } from '../../../src/core/forward/deliveryLog';
import { buildSample, sendSample } from '../../../src/core/forward/samples';
import { createHttpTransport } from '../../../src/core/forward/transport';
import type { Delivery } from '../../../src/core/model/delivery';
import { capture, recordingLogger, startHandler, strictGuard, tempStore } from './support';

describe('sample send and delivery log', () => {
  test('a cancelled sample is not sent; the response cap applies; the delivery is recorded on its event', async () => {
    const h = await startHandler(() => ({ status: 200, body: 'a long answer' }));
    const ts = await tempStore();
    try {
      const transport = createHttpTransport({ keepAliveIdleMs: 0 });
      const sample = buildSample('github', 'push', { secret: 'gh' });
      const c = new AbortController();
      c.abort();
      const cancelled = await sendSample(sample, h.url, { guard: strictGuard(), transport, signal: c.signal });
      assert.equal(cancelled.errorCode, 'ABORTED');
      assert.equal(h.seen.length, 0);

      const { event } = await capture(ts.store, {
        url: sample.url,
        headers: [...sample.headers] as Array<[string, string]>,
        body: sample.body,
      });
      const log = new DeliveryLog(ts.store);
      const d = await sendSample(sample, h.url, { guard: strictGuard(), transport, maxResponseBytes: 6, log, eventId: event.id });
      assert.equal(d.body, 'a long');
      assert.equal(d.truncated, true);
      assert.deepEqual(
        deliveriesOf(ts.store.get(event.id)).map((x) => x.id),
        [d.id],
      );
    } finally {
      await h.close();
      await ts.close();
    }
  });

  test('a sample sent with an event id but no log is sent, and nothing is recorded', async () => {
    const h = await startHandler();
    const ts = await tempStore();
    try {
      const sample = buildSample('github', 'push');
      const { event } = await capture(ts.store, {
        url: sample.url,
        headers: [...sample.headers] as Array<[string, string]>,
        body: sample.body,
      });
      const d = await sendSample(sample, h.url, {
        guard: strictGuard(),
        transport: createHttpTransport({ keepAliveIdleMs: 0 }),
        eventId: event.id,
      });
      assert.equal(d.status, 200);
      assert.equal(h.seen.length, 1);
      assert.deepEqual(deliveriesOf(ts.store.get(event.id)), []);
    } finally {
      await h.close();
      await ts.close();
    }
  });

  test('a delivery the store cannot record is a warning naming the delivery, the event and the reason', async () => {
    const ts = await tempStore();
    const { event } = await capture(ts.store, { url: '/x', headers: [], body: 'x' });
    await ts.store.close();
    const logger = recordingLogger();
    const log = new DeliveryLog(ts.store, { logger });
    const d = { id: 'dlv_1', kind: 'resend', target: 'http://127.0.0.1:1', startedAt: new Date().toISOString() } as unknown as Delivery;
    try {
      await log.append(event.id, d);
      assert.equal(logger.lines.length, 1);
      assert.match(logger.lines[0]!, new RegExp(`^warn Forward: could not record delivery dlv_1 on ${event.id}: .+`));
    } finally {
      await ts.close();
    }
  });
});
