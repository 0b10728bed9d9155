/**
 * Guards the idempotency report of `resendTimes` (resend.ts): the difference lines for an answer that
 * became an error and for a body that changed (previews cut at 80 characters), the confirmation asked
 * before a send the preflight warns about, the default clock, and the delivery id given by `newId`.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { ConfirmationRequiredError, resend, resendTimes } from '../../../src/core/forward/resend';
import { createHttpTransport } from '../../../src/core/forward/transport';
import { strictGuard } from './support';

const enc = (s: string) => new TextEncoder().encode(s);
const body = enc('{"event":"x"}');
const event = { id: 'evt_1', method: 'POST', url: '/hook', headers: [['Content-Type', 'application/json']] as Array<[string, string]> };

/** A handler on 127.0.0.1 whose n-th request (from 1) gets `answer(n)`; `undefined` drops the connection. */
async function handler(answer: (n: number) => string | undefined): Promise<{ url: string; close(): Promise<void> }> {
  let n = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const text = answer(++n);
      if (text === undefined) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('resendTimes report', () => {
  test('an answer that became an error is listed with its code, against the first answer', async () => {
    const h = await handler((n) => (n === 1 ? 'ok' : undefined));
    try {
      const transport = createHttpTransport({ keepAliveIdleMs: 0 });
      const r = await resendTimes(event, body, h.url, 2, { guard: strictGuard(), transport });
      assert.equal(r.consistent, false);
      assert.equal(r.deliveries[1]!.errorCode, 'ECONNRESET');
      assert.deepEqual(r.differences, ['#2: error ECONNRESET (first: status 200)']);
      for (const d of r.deliveries) {
        assert.ok(!Number.isNaN(Date.parse(d.startedAt)), 'the default clock dates each delivery');
      }
    } finally {
      await h.close();
    }
  });

  test('a body that changed is listed with both bodies, each cut after 80 characters', async () => {
    const a = 'a'.repeat(81);
    const b = 'b'.repeat(80);
    const h = await handler((n) => (n === 1 ? a : b));
    try {
      const transport = createHttpTransport({ keepAliveIdleMs: 0 });
      const r = await resendTimes(event, body, h.url, 2, { guard: strictGuard(), transport, now: () => new Date() });
      assert.deepEqual(r.differences, [`#2: same status status 200, different body: "${b}" (first: "${'a'.repeat(80)}…")`]);
    } finally {
      await h.close();
    }
  });

  test('a warning the preflight raises must be confirmed before anything is sent', async () => {
    let requests = 0;
    const h = await handler(() => {
      requests++;
      return 'ok';
    });
    try {
      const transport = createHttpTransport({ keepAliveIdleMs: 0 });
      const stale = {
        ...event,
        headers: [['Stripe-Signature', 't=1,v1=00']] as Array<[string, string]>,
        receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
      };
      await assert.rejects(
        resendTimes(stale, body, h.url, 2, { guard: strictGuard(), transport, resign: 'never' }),
        ConfirmationRequiredError,
      );
      assert.equal(requests, 0);
      const r = await resendTimes(stale, body, h.url, 2, { guard: strictGuard(), transport, resign: 'never', confirmed: true });
      assert.equal(r.deliveries.length, 2);
      assert.equal(requests, 2);
    } finally {
      await h.close();
    }
  });

  test('resend: the delivery id comes from newId when given', async () => {
    const h = await handler(() => 'ok');
    try {
      const transport = createHttpTransport({ keepAliveIdleMs: 0 });
      const d = await resend(event, body, h.url, { guard: strictGuard(), transport, newId: () => 'dlv_given' });
      assert.equal(d.id, 'dlv_given');
      assert.equal(d.status, 200);
    } finally {
      await h.close();
    }
  });
});
