/**
 * Guards resend's options and its confirmation (resend.ts): a plain resend of a signed event is not
 * treated as an edited one; the confirmation it asks for names the blocking warnings only, under its
 * own error name; the attempt number given is recorded, `resendTimes` numbers its sends, uses the
 * clock it is given, sends one after another or (parallel) all at once, and tells a body that came back
 * as bytes from the same text.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { InFlightDeliveries } from '../../../src/core/forward/inFlight';
import { ConfirmationRequiredError, resend, resendTimes } from '../../../src/core/forward/resend';
import { HostGuard } from '../../../src/core/forward/target';
import { createHttpTransport } from '../../../src/core/forward/transport';
import { FakeClock, GITHUB_SECRET, gate, startHandler, strictGuard, until } from './support';

const transport = createHttpTransport({ keepAliveIdleMs: 0 });
const body = new TextEncoder().encode('{"zen":"Keep it logically awesome."}');

describe('resend options', () => {
  test('a resend (not an edit) of a signed event without a secret goes out as stored, with no confirmation', async () => {
    const h = await startHandler();
    const signature = `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`;
    const event = {
      id: 'evt_gh',
      method: 'POST',
      url: '/gh',
      headers: [
        ['X-GitHub-Event', 'ping'],
        ['X-Hub-Signature-256', signature],
      ] as Array<[string, string]>,
    };
    try {
      const d = await resend(event, body, h.url, { guard: strictGuard(), transport });
      assert.equal(d.status, 200);
      assert.equal(h.seen.length, 1);
      assert.equal(h.seen[0]!.headers['x-hub-signature-256'], signature);
    } finally {
      await h.close();
    }
  });

  test('the confirmation asked for names the blocking warnings only', async () => {
    const now = new Date('2026-12-05T00:30:00Z');
    const event = {
      id: 'evt_old',
      method: 'POST',
      url: '/stripe',
      headers: [['Stripe-Signature', 't=1,v1=00']] as Array<[string, string]>,
      receivedAt: new Date(now.getTime() - 3 * 3600_000).toISOString(),
    };
    // Not this machine: a non-blocking confirm-host warning besides the blocking possibly-stale one.
    const guard = new HostGuard({ confirmHost: async () => assert.fail('nothing is sent before the confirmation') });
    await assert.rejects(resend(event, body, 'http://hooks.example.test:1', { guard, transport, now: () => now }), (err: unknown) => {
      assert.ok(err instanceof ConfirmationRequiredError);
      assert.equal(err.name, 'ConfirmationRequiredError');
      assert.deepEqual(
        err.warnings.map((w) => w.code),
        ['possibly-stale', 'confirm-host'],
      );
      assert.equal(err.message, err.warnings[0]!.message);
      return true;
    });
  });

  test('the attempt number given is recorded; resendTimes numbers its sends and uses the clock it is given', async () => {
    const h = await startHandler();
    const clock = new FakeClock(Date.parse('2026-12-05T00:40:00.000Z'));
    const event = { id: 'evt_n', method: 'POST', url: '/n', headers: [] as Array<[string, string]> };
    try {
      const third = await resend(event, body, h.url, { guard: strictGuard(), transport, attempt: 3 });
      assert.equal(third.attempt, 3);
      const report = await resendTimes(event, body, h.url, 3, { guard: strictGuard(), transport, now: clock.now });
      assert.deepEqual(
        report.deliveries.map((d) => [d.kind, d.attempt, d.startedAt]),
        [
          ['resend', 1, '2026-12-05T00:40:00.000Z'],
          ['resend', 2, '2026-12-05T00:40:00.000Z'],
          ['resend', 3, '2026-12-05T00:40:00.000Z'],
        ],
      );
    } finally {
      await h.close();
    }
  });

  for (const parallel of [false, true]) {
    test(`resendTimes ${parallel ? 'in parallel: all requests go out at once' : 'one after another: the next request waits for the answer before'}`, async () => {
      const answer = gate();
      const h = await startHandler(async () => {
        await answer.promise;
        return { status: 200, body: 'ok' };
      });
      const inFlight = new InFlightDeliveries();
      const event = { id: 'evt_p', method: 'POST', url: '/p', headers: [] as Array<[string, string]> };
      try {
        const report = resendTimes(event, body, h.url, 3, { guard: strictGuard(), transport: inFlight.wrap(transport), parallel });
        await until(() => h.seen.length >= 1, 'the first request arrived');
        assert.equal(inFlight.count, parallel ? 3 : 1);
        answer.open();
        assert.equal((await report).deliveries.length, 3);
        assert.equal(h.seen.length, 3);
      } finally {
        answer.open();
        inFlight.dispose();
        await h.close();
      }
    });
  }

  test('the same text once as text and once as bytes is a different body', async () => {
    let n = 0;
    // "////" as text, then the bytes ff ff ff, whose base64 is "////".
    const h = await startHandler(() =>
      ++n === 1 ? { status: 200, body: '////' } : { status: 200, body: Buffer.from([0xff, 0xff, 0xff]) },
    );
    const event = { id: 'evt_b', method: 'POST', url: '/b', headers: [] as Array<[string, string]> };
    try {
      const report = await resendTimes(event, body, h.url, 2, { guard: strictGuard(), transport });
      assert.equal(report.deliveries[1]?.bodyEncoding, 'base64');
      assert.equal(report.consistent, false);
      assert.deepEqual(report.differences, ['#2: same status status 200, different body: "////" (first: "////")']);
    } finally {
      await h.close();
    }
  });
});
