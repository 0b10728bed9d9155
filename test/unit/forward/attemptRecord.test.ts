/**
 * Guards what one attempt records (deliver.ts): well-formed unique delivery ids, a non-UTF-8 answer
 * kept as base64, a cut-off UTF-8 tail kept as text, the failure record of a transport that throws a
 * plain error, the elapsed time, the state, the knob named for each error code, and the success,
 * retry and Retry-After rules.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import type { Delivery } from '../../../src/core/model/delivery';
import type { Transport } from '../../../src/core/forward/types';
import { attemptDelivery, deliveryKnob, isRetryable, isSuccess, newDeliveryId, retryAfterMs } from '../../../src/core/forward/deliver';
import { createHttpTransport } from '../../../src/core/forward/transport';
import { outgoing } from './outgoing';
import { startHandler } from './support';

/** A clock that moves 250 ms each time it is read. */
function steppingClock(): () => Date {
  let t = Date.parse('2026-01-01T00:00:00Z');
  return () => {
    const d = new Date(t);
    t += 250;
    return d;
  };
}

describe('one attempt', () => {
  test('delivery ids: dlv_ and 16 hex digits, all different across several refills of the random pool', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1300; i++) {
      const id = newDeliveryId();
      assert.match(id, /^dlv_[0-9a-f]{16}$/);
      ids.add(id);
    }
    assert.equal(ids.size, 1300);
  });

  test('an answer that is not UTF-8 is kept as base64; a cut-off multi-byte tail is kept as text', async () => {
    const transport = createHttpTransport({ keepAliveIdleMs: 0 });
    const bad = Buffer.from([0xff, 0xfe, 0x41]);
    const cut = Buffer.concat([Buffer.from('abc'), Buffer.from('é').subarray(0, 1)]);
    for (const [bytes, expect] of [
      [bad, { body: bad.toString('base64'), bodyEncoding: 'base64' }],
      [cut, { body: 'abc', bodyEncoding: undefined }],
    ] as const) {
      const h = await startRaw(bytes);
      try {
        const d = await attemptDelivery(outgoing(h.url), { transport, now: () => new Date(), kind: 'resend', url: h.url, resigned: false });
        assert.equal(d.status, 200);
        assert.equal(d.body, expect.body);
        assert.equal(d.bodyEncoding, expect.bodyEncoding);
      } finally {
        await h.close();
      }
    }
  });

  test('a transport that throws a plain error: a failure record with its message, code ERROR, the time spent and the state', async () => {
    const transport: Transport = () => Promise.reject(new Error('boom'));
    const d = await attemptDelivery(outgoing('http://127.0.0.1:9/'), {
      transport,
      now: steppingClock(),
      kind: 'immediate',
      url: 'http://127.0.0.1:9/hook',
      resigned: false,
      state: 'failed',
    });
    assert.equal(d.error, 'The request failed: boom');
    assert.equal(d.errorCode, 'ERROR');
    assert.equal(d.durationMs, 250);
    assert.deepEqual(d.headers, []);
    assert.equal(d.body, '');
    assert.equal(d.bodySize, 0);
    assert.equal(d.truncated, false);
    assert.equal(d.status, undefined);
    assert.equal(d.state, 'failed');
  });

  test('an answered attempt records the time spent and the state it was given', async () => {
    const h = await startHandler(() => ({ status: 201, body: 'made' }));
    try {
      const transport = createHttpTransport({ keepAliveIdleMs: 0 });
      const d = await attemptDelivery(outgoing(h.url), {
        transport,
        now: steppingClock(),
        kind: 'immediate',
        url: h.url,
        resigned: false,
        state: 'delivered',
      });
      assert.equal(d.status, 201);
      assert.equal(d.body, 'made');
      assert.equal(d.durationMs, 250);
      assert.equal(d.state, 'delivered');
    } finally {
      await h.close();
    }
  });

  test('the knob that fixes each error code', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'INVALID_TARGET']) {
      assert.equal(deliveryKnob({ errorCode: code }), 'forwardTarget', code);
    }
    assert.equal(deliveryKnob({ errorCode: 'TIMEOUT' }), 'forwardTimeout');
    for (const code of ['ECONNRESET', 'ERROR', 'REFUSED_HOST', undefined]) {
      assert.equal(deliveryKnob({ errorCode: code }), undefined, String(code));
    }
  });

  test('success is 2xx and 3xx only; no answer, 1xx and 4xx are not', () => {
    assert.equal(isSuccess({ status: undefined }), false);
    assert.equal(isSuccess({ status: 101 }), false);
    assert.equal(isSuccess({ status: 199 }), false);
    assert.equal(isSuccess({ status: 200 }), true);
    assert.equal(isSuccess({ status: 399 }), true);
    assert.equal(isSuccess({ status: 400 }), false);
  });

  test('a refused host, an abort and an unbuildable request are final; other failures are retried', () => {
    for (const code of ['REFUSED_HOST', 'ABORTED', 'INVALID_REQUEST']) {
      assert.equal(isRetryable({ status: undefined, errorCode: code }), false, code);
    }
    for (const code of ['ECONNREFUSED', 'TIMEOUT', 'ERROR']) {
      assert.equal(isRetryable({ status: undefined, errorCode: code }), true, code);
    }
  });

  test('Retry-After: whole seconds only, surrounding spaces allowed', () => {
    const d = (v: string): Delivery => ({ status: 429, headers: [['Retry-After', v]] }) as unknown as Delivery;
    assert.equal(retryAfterMs(d('7')), 7000);
    assert.equal(retryAfterMs(d(' 7 ')), 7000);
    assert.equal(retryAfterMs(d('7s')), undefined);
    assert.equal(retryAfterMs(d('a7')), undefined);
    assert.equal(retryAfterMs(d('1.5')), undefined);
  });
});

/** A handler that answers 200 with exactly these bytes. */
async function startRaw(bytes: Buffer): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
      res.end(bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
